from odoo import api, fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    timesheet_hours_per_day = fields.Float(
        related="company_id.timesheet_hours_per_day", readonly=False
    )
    timesheet_day_rounding = fields.Selection(
        related="company_id.timesheet_day_rounding", readonly=False
    )
    quotation_offer_lines = fields.Selection(
        related="company_id.quotation_offer_lines", readonly=False
    )
    opportunity_won_on_order_confirm = fields.Boolean(
        related="company_id.opportunity_won_on_order_confirm", readonly=False
    )
    crm_stage_rules = fields.Boolean(
        related="company_id.crm_stage_rules", readonly=False
    )
    overrun_policy = fields.Selection(
        related="company_id.overrun_policy", readonly=False
    )
    invoice_penalty_rate = fields.Float(
        related="company_id.invoice_penalty_rate", readonly=False
    )
    invoice_recovery_mention = fields.Char(
        related="company_id.invoice_recovery_mention", readonly=False
    )
    invoice_discount_mention = fields.Char(
        related="company_id.invoice_discount_mention", readonly=False
    )
    invoice_operation_category = fields.Char(
        related="company_id.invoice_operation_category", readonly=False
    )
    vat_franchise = fields.Boolean(related="company_id.vat_franchise", readonly=False)
    vat_on_debits = fields.Boolean(related="company_id.vat_on_debits", readonly=False)
    legal_form = fields.Char(related="company_id.legal_form", readonly=False)
    share_capital = fields.Monetary(
        related="company_id.share_capital", readonly=False, currency_field="currency_id"
    )
    trade_register_city = fields.Char(
        related="company_id.trade_register_city", readonly=False
    )
    is_french_company = fields.Boolean(compute="_compute_is_french_company")

    @api.depends("company_id.account_fiscal_country_id")
    def _compute_is_french_company(self):
        for settings in self:
            settings.is_french_company = settings.company_id._is_french()

    def action_apply_vat_option_to_products(self):
        """The VAT option, saved, given to the company's service products."""
        self.ensure_one()
        self.execute()
        self.company_id.action_apply_vat_option_to_products()
