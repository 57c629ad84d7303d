from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import float_round

DAY_ROUNDING_STEPS = {"quarter": 0.25, "half": 0.5}


class SaleOrderLine(models.Model):
    """Days and hours meet on the order line with the order's hours per day."""

    _inherit = "sale.order.line"

    ordered_hours = fields.Float(
        string="Ordered Time",
        compute="_compute_time_in_hours",
        help="The ordered quantity in hours, with the order's hours per day.",
    )
    delivered_hours = fields.Float(
        string="Time Spent",
        compute="_compute_time_in_hours",
        help="Hours logged on timesheets for this line, by anyone.",
    )

    @api.depends("product_uom_qty", "product_uom", "order_id.hours_per_day")
    def _compute_time_in_hours(self):
        hour = self.env.ref("uom.product_uom_hour")
        logged = defaultdict(float)
        lines = self.filtered("id")
        if lines:
            groups = (
                self.env["account.analytic.line"]
                .sudo()
                ._read_group(
                    [("so_line", "in", lines.ids), ("project_id", "!=", False)],
                    ["so_line"],
                    ["unit_amount:sum"],
                )
            )
            logged.update((line.id, hours) for line, hours in groups)
        for lines in self._by_day_length():
            for line in lines:
                in_time = line.product_uom.category_id == hour.category_id
                line.ordered_hours = (
                    line.product_uom._compute_quantity(line.product_uom_qty, hour)
                    if in_time
                    else 0.0
                )
                line.delivered_hours = logged[line._origin.id]

    @api.depends("order_id.hours_per_day", "order_id.day_rounding")
    def _compute_qty_delivered(self):  # pylint: disable=missing-return
        for lines in self._by_day_length():
            super(SaleOrderLine, lines)._compute_qty_delivered()
        for line in self:
            step = DAY_ROUNDING_STEPS.get(line.order_id.day_rounding)
            if (
                step
                and line.qty_delivered_method == "timesheet"
                and line.product_uom._is_day_based()
            ):
                steps = float_round(
                    line.qty_delivered / step, precision_digits=0, rounding_method="UP"
                )
                line.qty_delivered = steps * step

    @api.depends("order_id.hours_per_day")
    def _compute_qty_invoiced(self):  # pylint: disable=missing-return
        for lines in self._by_day_length():
            super(SaleOrderLine, lines)._compute_qty_invoiced()

    @api.depends("order_id.hours_per_day")
    def _compute_remaining_hours(self):  # pylint: disable=missing-return
        for lines in self._by_day_length():
            super(SaleOrderLine, lines)._compute_remaining_hours()

    def _convert_qty_company_hours(self, dest_company):
        return super(
            SaleOrderLine,
            self.with_context(psi_hours_per_day=self.order_id.hours_per_day),
        )._convert_qty_company_hours(dest_company)

    def _timesheet_create_project(self):
        project = super()._timesheet_create_project()
        if not self.product_id.project_template_id.allocated_hours:
            # stock sums the time lines of the project with the global day
            lines = self.order_id.order_line.filtered(
                lambda line: (
                    line.is_service
                    and line.product_id.service_tracking
                    in ("task_in_project", "project_only")
                    and line.product_id.project_template_id
                    == self.product_id.project_template_id
                )
            )
            project.allocated_hours = sum(
                line._convert_qty_company_hours(project.company_id) for line in lines
            )
        return project

    def _by_day_length(self):
        """These lines grouped by their order's hours per day, in context."""
        self.order_id.fetch(["hours_per_day", "day_rounding"])  # one query
        for hours_per_day, lines in self.grouped(
            lambda line: line.order_id.hours_per_day
        ).items():
            yield lines.with_context(psi_hours_per_day=hours_per_day)

    def _update_task_allocated_hours(self):
        """The tasks' allocated hours follow the ordered quantity (as stock
        Odoo does when the quantity changes) after the day length changed."""
        for line in self.filtered(
            lambda line: line.task_id and line.product_id.type == "service"
        ):
            # whoever may change the order updates its tasks, project rights or not
            line.task_id.sudo().allocated_hours = line._convert_qty_company_hours(
                line.task_id.company_id or self.env.company
            )
