from odoo import api, fields, models

from .res_company import check_hours_per_day


class ResPartner(models.Model):
    _inherit = "res.partner"

    timesheet_hours_per_day = fields.Float(
        string="Hours per Working Day",
        digits=(16, 2),
        help="Contractual length of a day for this customer; leave empty to use "
        "the company's.",
    )

    @api.constrains("timesheet_hours_per_day")
    def _check_timesheet_hours_per_day(self):
        check_hours_per_day(self, "timesheet_hours_per_day")

    @api.model
    def _commercial_fields(self):
        return super()._commercial_fields() + ["timesheet_hours_per_day"]
