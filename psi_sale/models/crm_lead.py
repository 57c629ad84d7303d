from odoo import api, fields, models
from odoo.exceptions import ValidationError


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

    def _set_stage_probability(self):
        """Give each lead the default probability of the stage it is in."""
        for stage in self.stage_id.filtered(
            lambda s: s.set_probability and not s.is_won
        ):
            self.filtered(lambda lead, stage=stage: lead.stage_id == stage).write(
                {"probability": stage.default_probability}
            )
