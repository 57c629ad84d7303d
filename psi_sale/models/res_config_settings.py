from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    quotation_offer_lines = fields.Selection(
        related="company_id.quotation_offer_lines", readonly=False
    )
    opportunity_won_on_order_confirm = fields.Boolean(
        related="company_id.opportunity_won_on_order_confirm", readonly=False
    )
    crm_stage_rules = fields.Boolean(
        related="company_id.crm_stage_rules", readonly=False
    )
