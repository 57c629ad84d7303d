from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    down_payment_deduction = fields.Selection(
        related="company_id.down_payment_deduction", readonly=False
    )
