from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    timesheet_hours_per_day = fields.Float(
        related="company_id.timesheet_hours_per_day", readonly=False
    )
    timesheet_day_rounding = fields.Selection(
        related="company_id.timesheet_day_rounding", readonly=False
    )
    overrun_policy = fields.Selection(
        related="company_id.overrun_policy", readonly=False
    )
