from odoo import api, fields, models
from odoo.tools import float_compare


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    quantity_hours = fields.Float(
        string="Time",
        compute="_compute_quantity_hours",
        help="The time of a line invoiced in days: the hours of its timesheets "
        "where they make its quantity, else its days in hours of the order's "
        "length.",
    )

    @api.depends(
        "quantity",
        "product_uom_id",
        "sale_line_ids.order_id.hours_per_day",
        "move_id.timesheet_ids.unit_amount",
    )
    def _compute_quantity_hours(self):
        hour = self.env.ref("uom.product_uom_hour")
        logged = self._get_timesheet_hours()
        for line in self:
            sale_line = line.sale_line_ids[:1]
            hours_per_day = sale_line.order_id.hours_per_day
            if not (hours_per_day and line.product_uom_id._is_day_based()):
                line.quantity_hours = 0.0
                continue
            hours = logged.get((line.move_id._origin.id, sale_line.id))
            if hours and line._is_quantity_of_hours(hours):
                line.quantity_hours = hours  # the time logged, not rounded days
            else:
                line.quantity_hours = line.product_uom_id._convert_working_time(
                    line.quantity, hour, hours_per_day
                )

    def _get_timesheet_hours(self):
        """{(invoice id, order line id): hours of the timesheets invoiced}."""
        moves = self.move_id._origin.filtered("id")
        if not moves:
            return {}
        groups = (
            self.env["account.analytic.line"]
            .sudo()
            ._read_group(
                [
                    ("timesheet_invoice_id", "in", moves.ids),
                    ("so_line", "in", self.sale_line_ids.ids),
                    ("project_id", "!=", False),
                ],
                ["timesheet_invoice_id", "so_line"],
                ["unit_amount:sum"],
            )
        )
        return {
            (move.id, sale_line.id): unit_amount
            for move, sale_line, unit_amount in groups
        }

    def _is_quantity_of_hours(self, hours):
        """Whether HOURS, in days of the order's length rounded as it says,
        make this line's quantity."""
        sale_line = self.sale_line_ids[:1]
        hour = self.product_uom_id._day_and_hour()[1]
        days = sale_line._round_days(
            hour._convert_working_time(
                hours,
                self.product_uom_id,
                sale_line.order_id.hours_per_day,
                rounding_method="HALF-UP",
            )
        )
        return not float_compare(
            days, abs(self.quantity), precision_rounding=self.product_uom_id.rounding
        )
