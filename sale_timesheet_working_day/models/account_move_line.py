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
    timesheet_hours = fields.Float(
        string="Time Spent",
        compute="_compute_timesheet_hours",
        help="The hours of the timesheets that a line in days invoices, as the "
        "invoice prints them beside its days: only a line invoiced on "
        "timesheets has some, a line invoiced on its ordered quantity or "
        "delivered by hand prints its days only.",
    )

    @api.depends(
        "quantity",
        "product_uom_id",
        "sale_line_ids.order_id.hours_per_day",
        "timesheet_hours",
    )
    def _compute_quantity_hours(self):
        """The invoiced time that the order's tracking counts (invoiced
        hours); the invoice prints timesheet_hours."""
        hour = self.env.ref("uom.product_uom_hour")
        for line in self:
            sale_line = line.sale_line_ids[:1]
            hours_per_day = sale_line.order_id.hours_per_day
            if not (hours_per_day and line.product_uom_id._is_day_based()):
                line.quantity_hours = 0.0
                continue
            hours = line.timesheet_hours
            if hours and line._is_quantity_of_hours(hours):
                line.quantity_hours = hours  # the time logged, not rounded days
            else:
                line.quantity_hours = line.product_uom_id._convert_working_time(
                    line.quantity, hour, hours_per_day
                )

    @api.depends(
        "product_uom_id",
        "sale_line_ids",
        "move_id.timesheet_ids.unit_amount",
        "move_id.timesheet_ids.so_line",
    )
    def _compute_timesheet_hours(self):
        """Stock links timesheets to an invoice (timesheet_invoice_id) only
        for the lines it invoices on timesheets (sale_timesheet's
        _link_timesheets_to_invoice): the others, and credit notes, get 0."""
        logged = self._get_timesheet_hours()
        for line in self:
            if not line.product_uom_id._is_day_based():
                line.timesheet_hours = 0.0
                continue
            move_id = line.move_id._origin.id
            line.timesheet_hours = sum(
                logged.get((move_id, sale_line_id), 0.0)
                for sale_line_id in line.sale_line_ids._origin.ids
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
                    ("so_line", "in", self.sale_line_ids._origin.ids),
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
