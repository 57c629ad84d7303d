from odoo import api, fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    quantity_hours = fields.Float(
        string="Time",
        compute="_compute_quantity_hours",
        help="The quantity in hours, for lines invoiced in days, with the "
        "order's hours per day.",
    )

    @api.depends("quantity", "product_uom_id", "sale_line_ids.order_id.hours_per_day")
    def _compute_quantity_hours(self):
        hour = self.env.ref("uom.product_uom_hour")
        for line in self:
            hours_per_day = line.sale_line_ids.order_id[:1].hours_per_day
            if hours_per_day and line.product_uom_id._is_day_based():
                line.quantity_hours = line.product_uom_id._convert_working_time(
                    line.quantity, hour, hours_per_day
                )
            else:
                line.quantity_hours = 0.0
