import logging
import random
import time

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Command
from odoo.service.model import (
    MAX_TRIES_ON_CONCURRENCY_FAILURE,
    PG_CONCURRENCY_EXCEPTIONS_TO_RETRY,
)

_logger = logging.getLogger(__name__)


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

    plain_tag_ids = fields.Many2many(
        "crm.tag",
        string="Plain Tags",
        compute="_compute_plain_tag_ids",
        inverse="_inverse_plain_tag_ids",
        domain="[('is_offer_category', '=', False)]",
        help="The tags that are not offer categories: the form shows the offer "
        "categories apart.",
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

    @api.depends("tag_ids", "tag_ids.is_offer_category")
    def _compute_plain_tag_ids(self):
        for lead in self:
            lead.plain_tag_ids = lead.tag_ids.filtered(
                lambda tag: not tag.is_offer_category
            )

    def _inverse_plain_tag_ids(self):
        for lead in self:
            categories = lead.tag_ids.filtered("is_offer_category")
            lead.tag_ids = lead.plain_tag_ids | categories

    @api.constrains("probability")
    def _check_probability(self):
        for lead in self:
            if not 0 <= lead.probability <= 100:
                raise ValidationError(
                    self.env._(
                        "The probability of %(lead)s must be between 0 and 100 "
                        "(%(probability)s given).",
                        lead=lead.display_name,
                        probability=lead.probability,
                    )
                )

    @api.constrains("stage_id", "company_id")
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
        if (
            self._applies_stage_rules()
            and self.stage_id.set_probability
            and not self.stage_id.is_won
        ):
            self.probability = self.stage_id.default_probability

    def write(self, vals):
        """Moving into a stage sets its default probability, and is refused
        while its required fields are empty. (Creating a lead in a stage keeps
        stock Odoo's automated probability.)"""
        if "stage_id" not in vals:
            return super().write(vals)
        stage = self.env["crm.stage"].browse(vals["stage_id"])
        entering = self.filtered(
            lambda lead: lead.stage_id != stage and lead._applies_stage_rules()
        )
        if (
            entering
            and stage.set_probability
            and not stage.is_won
            and "probability" not in vals
        ):
            if entering != self:
                super(CrmLead, self - entering).write(vals)
            result = super(CrmLead, entering).write(
                dict(vals, probability=stage.default_probability)
            )
        else:
            result = super().write(vals)
        entering._check_required_fields(stage)
        return result

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
        or confirmed quotations in the opportunity's currency (stock Odoo only
        considers the order being confirmed)."""
        result = super()._update_revenues_from_so(order)
        for opportunity in self:
            currency = opportunity.company_currency or self.env.company.currency_id
            quotations = (opportunity.order_ids | order).filtered(
                lambda quotation, currency=currency: (
                    quotation.state in ("sent", "sale")
                    and quotation.currency_id == currency
                )
            )
            largest = max(quotations.mapped("amount_untaxed"), default=0.0)
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

    def _applies_stage_rules(self):
        """Whether the company of this lead (else the current one) applies the
        default probabilities and required fields of its stages."""
        self.ensure_one()
        return (self.company_id or self.env.company).crm_stage_rules

    def _check_required_fields(self, stage):
        """Refuse opportunities entering ``stage`` with a required field empty."""
        # field metadata only: salespeople may not read ir.model.fields
        required = stage.sudo().required_field_ids
        for lead in self.filtered(lambda lead: lead.type == "opportunity"):
            missing = required.filtered(lambda field, lead=lead: not lead[field.name])
            if missing:
                raise ValidationError(
                    self.env._(
                        "To move %(lead)s to stage %(stage)s, fill in: %(fields)s.",
                        lead=lead.display_name,
                        stage=stage.display_name,
                        fields=", ".join(missing.mapped("field_description")),
                    )
                )

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

    # Won on order confirmation: the lead scoring after the commit ----------

    def _pls_increment_frequencies(self, from_state=None, to_state=None):
        """In an order confirmation (context key ``psi_scoring_after_commit``),
        count this change in the lead scoring frequencies now, as stock does
        before the leads are written, but write the counts after the commit,
        in a short transaction of their own. The rows are shared by every win
        of a team: written inside the confirmation, two confirmations at once
        collide and Odoo replays the second one whole."""
        if not self.env.context.get("psi_scoring_after_commit"):
            return super()._pls_increment_frequencies(from_state, to_state)
        target_state = from_state or to_state
        frequencies = self._pls_prepare_update_frequency_table(
            target_state=target_state
        )[0]
        if any(frequencies.values()):
            step = 1 if to_state else -1
            self.env.cr.postcommit.add(
                lambda: self._pls_write_frequencies(frequencies, step, target_state)
            )

    def _pls_write_frequencies(self, frequencies, step, target_state):
        """Add FREQUENCIES (times STEP) to the table in a new transaction,
        retried on concurrent updates as Odoo retries a request."""
        for attempt in range(1, MAX_TRIES_ON_CONCURRENCY_FAILURE + 1):
            try:
                with self.env.registry.cursor() as cr:
                    leads = self.with_env(self.env(cr=cr)).exists()
                    if not leads:  # deleted since
                        return
                    existing = leads._pls_prepare_update_frequency_table(
                        target_state=target_state
                    )[1]
                    leads._pls_update_frequency_table(
                        frequencies, step, existing_frequencies_by_team=existing
                    )
                return
            except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
                time.sleep(random.uniform(0.0, 0.1 * attempt))
        _logger.warning(
            "Lead scoring: leads %s not counted after %s concurrent updates; "
            "the CRM settings' Update Probabilities rebuilds the counts.",
            self.ids,
            MAX_TRIES_ON_CONCURRENCY_FAILURE,
        )

    # Demo -------------------------------------------------------------------

    @api.model
    def _archive_stock_demo_leads(self):
        """psi_sale's demo tells PSI Conseil's story: the demo leads of Odoo's
        crm (its furniture pipeline) leave their teams, then are archived, as
        lost: the lead scoring of PSI Conseil's team (Odoo's Sales team) does
        not count them. Only on a database of demo leads alone: on one in use
        (a lead of its own), every lead stays as it is."""
        data = self.env["ir.model.data"].search(
            [("module", "=", "crm"), ("model", "=", self._name)]
        )
        demo = self.env["ir.model.data"].search([("model", "=", self._name)])
        if self.with_context(active_test=False).search_count(
            [("id", "not in", demo.mapped("res_id"))], limit=1
        ):
            return
        leads = self.browse(data.mapped("res_id")).exists().filtered("active")
        leads.team_id = False
        leads.action_archive()
