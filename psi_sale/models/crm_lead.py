from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Command


class CrmLead(models.Model):
    _inherit = "crm.lead"

    stage_id = fields.Many2one(
        domain="[('team_id', 'in', [team_id, False]),"
        " ('company_id', 'in', [company_id, False])]"
    )
    offer_category_ids = fields.Many2many(
        "crm.tag",
        "crm_lead_offer_category_rel",
        "lead_id",
        "tag_id",
        string="Offer Categories",
        compute="_compute_offer_category_ids",
        inverse="_inverse_offer_category_ids",
        store=True,
        readonly=False,
        domain="[('is_offer_category', '=', True),"
        " ('company_id', 'in', [company_id, False])]",
        help="The offer-category tags among the tags: what the customer is "
        "interested in. Their offers pre-fill the quotation.",
    )

    @api.depends("tag_ids", "tag_ids.is_offer_category")
    def _compute_offer_category_ids(self):
        for lead in self:
            lead.offer_category_ids = lead.tag_ids.filtered("is_offer_category")

    def _inverse_offer_category_ids(self):
        for lead in self:
            plain_tags = lead.offer_category_ids.filtered(
                lambda tag: not tag.is_offer_category
            )
            if plain_tags:
                raise ValidationError(
                    self.env._(
                        "Only offer categories can be picked as offer categories, "
                        "not: %(tags)s.",
                        tags=", ".join(plain_tags.mapped("display_name")),
                    )
                )
            tags = lead.tag_ids.filtered(lambda tag: not tag.is_offer_category)
            lead.tag_ids = tags | lead.offer_category_ids

    @api.constrains("stage_id", "type", "company_id")
    def _check_stage_id(self):
        for lead in self:
            stage = lead.stage_id
            if (
                stage.company_id
                and lead.company_id
                and stage.company_id != lead.company_id
            ):
                raise ValidationError(
                    self.env._(
                        "Stage %(stage)s belongs to company %(company)s: it cannot "
                        "be used for %(lead)s.",
                        stage=stage.display_name,
                        company=stage.company_id.display_name,
                        lead=lead.display_name,
                    )
                )
            missing = lead._missing_required_fields(stage)
            if missing:
                raise ValidationError(
                    self.env._(
                        "To move %(lead)s to stage %(stage)s, fill in: %(fields)s.",
                        lead=lead.display_name,
                        stage=stage.display_name,
                        fields=", ".join(missing.mapped("field_description")),
                    )
                )

    @api.constrains("offer_category_ids", "company_id")
    def _check_offer_category_ids(self):
        for lead in self:
            foreign = lead.offer_category_ids.filtered(
                lambda tag, lead=lead: (
                    tag.company_id
                    and lead.company_id
                    and tag.company_id != lead.company_id
                )
            )
            if foreign:
                raise ValidationError(
                    self.env._(
                        "The offer categories of %(lead)s must be shared or belong "
                        "to its company: %(tags)s.",
                        lead=lead.display_name,
                        tags=", ".join(foreign.mapped("display_name")),
                    )
                )

    @api.onchange("stage_id")
    def _onchange_stage_id(self):
        if self.stage_id.set_probability and not self.stage_id.is_won:
            self.probability = self.stage_id.default_probability

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        chosen = leads.browse(
            lead.id
            for lead, vals in zip(leads, vals_list, strict=True)
            if "probability" not in vals
        )
        chosen._set_stage_probability()
        return leads

    def write(self, vals):
        stage = self.env["crm.stage"].browse(vals.get("stage_id"))
        if not stage.set_probability or stage.is_won or "probability" in vals:
            return super().write(vals)
        entering = self.filtered(lambda lead: lead.stage_id != stage)
        if entering != self:
            super(CrmLead, self - entering).write(vals)
        return super(CrmLead, entering).write(
            dict(vals, probability=stage.default_probability)
        )

    def _prepare_opportunity_quotation_context(self):
        """The quotation also gets the contact person, the description as
        internal note, and the offers of the offer categories."""
        context = super()._prepare_opportunity_quotation_context()
        context.update(
            default_partner_id=self._quotation_partner().id,
            default_internal_note=self.description,
            psi_offer_lines=True,
        )
        return context

    def _update_revenues_from_so(self, order):
        """Raise the expected revenue to the largest untaxed total of the sent
        or confirmed quotations, converted in the opportunity's currency (stock
        Odoo only considers the confirmed order, in the same currency)."""
        result = super()._update_revenues_from_so(order)
        for opportunity in self:
            currency = opportunity.company_currency or self.env.company.currency_id
            amounts = [
                quotation.currency_id._convert(
                    quotation.amount_untaxed,
                    currency,
                    quotation.company_id,
                    quotation.date_order or fields.Date.context_today(self),
                )
                for quotation in opportunity.order_ids | order
                if quotation.state in ("sent", "sale")
            ]
            largest = max(amounts, default=0.0)
            if currency.compare_amounts(largest, opportunity.expected_revenue) > 0:
                opportunity.expected_revenue = largest
                opportunity._track_set_log_message(
                    self.env._(
                        "Expected revenue raised to the largest sent or confirmed "
                        "quotation."
                    )
                )
        return result

    def _stage_find(self, team_id=False, domain=None, order="sequence, id", limit=1):
        """Only the stages shared or of the leads' company (else the current one)."""
        companies = self.company_id or self.env.company
        domain = list(domain or []) + [("company_id", "in", companies.ids + [False])]
        return super()._stage_find(
            team_id=team_id, domain=domain, order=order, limit=limit
        )

    def _missing_required_fields(self, stage):
        """The required fields of ``stage`` that this opportunity leaves empty."""
        self.ensure_one()
        # field metadata only: salespeople may not read ir.model.fields
        required = stage.sudo().required_field_ids
        if self.type != "opportunity":
            return required.browse()
        return required.filtered(lambda field: not self[field.name])

    def _quotation_partner(self):
        """The contact person named on the opportunity, when the customer is a
        company that has them as contact; else the customer."""
        self.ensure_one()
        partner = self.partner_id
        name = (self.contact_name or "").strip().lower()
        if partner.is_company and name:
            contact = partner.child_ids.filtered(
                lambda child: (child.name or "").strip().lower() == name
            )
            return contact[:1] or partner
        return partner

    def _prepare_quotation_offer_values(self, company):
        """Order lines (a section per offer category, a line per offer) or
        optional products for a quotation of ``company``, as the company
        prefers; offers that cannot be sold there are skipped with a note."""
        self.ensure_one()
        mode = company.quotation_offer_lines
        if mode == "none":
            return {}
        lines, options = [], []
        for category in self.offer_category_ids:
            if mode == "lines":
                lines.append(
                    Command.create(
                        {"display_type": "line_section", "name": category.name}
                    )
                )
            offers = category.with_context(active_test=False).offer_product_ids
            for product in offers:
                refusal = self._offer_refusal(product, company)
                if refusal:
                    lines.append(
                        Command.create({"display_type": "line_note", "name": refusal})
                    )
                elif mode == "lines":
                    lines.append(
                        Command.create({"product_id": product.id, "product_uom_qty": 1})
                    )
                else:
                    options.append(
                        Command.create(
                            {
                                "product_id": product.id,
                                "quantity": 1,
                                "uom_id": product.uom_id.id,
                            }
                        )
                    )
        values = {"order_line": lines, "sale_order_option_ids": options}
        return {field: commands for field, commands in values.items() if commands}

    def _offer_refusal(self, product, company):
        """Why ``product`` cannot be offered on a quotation of ``company``."""
        if not product.active or not product.sale_ok:
            return self.env._(
                "Offer %(product)s is not proposed: it cannot be sold.",
                product=product.display_name,
            )
        if product.company_id and product.company_id != company:
            return self.env._(
                "Offer %(product)s is not proposed: it belongs to another company.",
                product=product.display_name,
            )
        return False

    def _set_stage_probability(self):
        """Give each lead the default probability of the stage it is in."""
        for stage in self.stage_id.filtered(
            lambda s: s.set_probability and not s.is_won
        ):
            self.filtered(lambda lead, stage=stage: lead.stage_id == stage).write(
                {"probability": stage.default_probability}
            )
