from odoo import api, fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    hours_per_day = fields.Float(
        string="Hours per Day",
        compute="_compute_hours_per_day",
        digits=(16, 2),
        help="Length of a day invoiced in days: the invoiced order's.",
    )

    @api.depends("invoice_line_ids.sale_line_ids.order_id.hours_per_day")
    def _compute_hours_per_day(self):
        for move in self:
            move.hours_per_day = move.invoice_line_ids.sale_line_ids.order_id[
                :1
            ].hours_per_day
