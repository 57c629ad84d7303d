from odoo import api, fields, models
from odoo.fields import Command
from odoo.osv import expression
from odoo.tools import float_is_zero


class SaleOrderLine(models.Model):
    """The order line's task and its tracking."""

    _inherit = "sale.order.line"

    qty_remaining = fields.Float(
        string="Remaining",
        compute="_compute_qty_remaining",
        digits="Product Unit of Measure",
        help="The ordered quantity not delivered yet, in the line's unit "
        "(negative when more was delivered than ordered).",
    )
    delivered_percentage = fields.Float(
        string="Delivered (%)",
        compute="_compute_qty_remaining",
        help="The delivered quantity, in percentage of the ordered quantity.",
    )

    # CRUD ---------------------------------------------------------------------

    @api.onchange("product_uom_qty")
    def _onchange_product_uom_qty_task_time(self):
        """Warn that a task with time logged stays open at quantity 0."""
        if (
            self.task_id
            and self._is_zero_quantity()
            and self.task_id._filter_time_logged()
        ):
            return {
                "warning": {
                    "title": self.env._("Time logged on the task"),
                    "message": self.env._(
                        "Time was logged on the task %(task)s: it stays open although "
                        "the quantity is 0.",
                        task=self.task_id.display_name,
                    ),
                }
            }

    def write(self, vals):
        titles = {}
        if "name" in vals:
            titles = {line: line._get_task_title() for line in self if line.task_id}
        zero_before = self.browse()
        if "product_uom_qty" in vals:
            zero_before = self.filtered(
                lambda line: line.task_id and line._is_zero_quantity()
            )
        result = super().write(vals)
        if titles:
            self._update_task_titles(titles)
        if "product_uom_qty" in vals:
            self.filtered("task_id")._update_task_activity(zero_before)
        return result

    # Cockpit ------------------------------------------------------------------

    @api.depends("product_uom_qty", "qty_delivered")
    def _compute_qty_remaining(self):
        """Apart from the hours, which the portal does not show."""
        for line in self:
            line.qty_remaining = line.product_uom_qty - line.qty_delivered
            line.delivered_percentage = line._get_delivered_percentage()

    def _get_delivered_percentage(self):
        """The delivered quantity in percentage of the ordered quantity (the
        portal reads it without the fields' computation)."""
        self.ensure_one()
        if not self.product_uom_qty:
            return 0.0
        return 100 * self.qty_delivered / self.product_uom_qty

    def _get_untaxed_amount_delivered(self):
        """Value of the delivered quantity at the line's untaxed net price."""
        return self._get_untaxed_price() * self.qty_delivered

    # Project and tasks --------------------------------------------------------

    def _timesheet_create_project_prepare_values(self):
        """The order's project is named after the order and its customer, and
        gets the addon's task stages (stock Odoo creates four per project)."""
        values = super()._timesheet_create_project_prepare_values()
        customer = self.order_id.partner_id.commercial_partner_id.name
        if customer:
            values["name"] = f"{values['name']} - {customer}"
        stages = self.env["project.task.type"]._get_order_stages()
        if stages and not self.product_id.project_template_id:
            values["type_ids"] = [Command.set(stages.ids)]
        return values

    def _timesheet_create_task_prepare_values(self, project):
        values = super()._timesheet_create_task_prepare_values(project)
        if self._is_zero_quantity():
            values["active"] = False  # as when the quantity is set to 0
        return values

    def _is_zero_quantity(self):
        self.ensure_one()
        return float_is_zero(
            self.product_uom_qty,
            precision_digits=self.env["decimal.precision"].precision_get(
                "Product Unit of Measure"
            ),
        )

    def _update_task_titles(self, former_titles):
        """The tasks' titles follow the lines' description until renamed."""
        for line, former_title in former_titles.items():
            title = line._get_task_title()
            if title == former_title:
                continue
            task = line.task_id.sudo()  # whoever may change the order updates it
            if task.name == former_title:
                task.name = title
            elif task.name == f"{line.order_id.name} - {former_title}":
                task.name = f"{line.order_id.name} - {title}"

    def _update_task_activity(self, zero_before):
        """A line at quantity 0 archives its task, unless time was logged on it;
        the task comes back with the quantity."""
        zero = self.filtered(lambda line: line._is_zero_quantity())
        tasks = zero.task_id.filtered("active")
        kept = tasks._filter_time_logged()
        # whoever may change the order updates its tasks, project rights or not
        (tasks - kept).sudo().action_archive()
        for order, lines in (
            zero.filtered(lambda line: line.task_id in kept).grouped("order_id").items()
        ):
            order.message_post(
                body=self.env._(
                    "Time was logged on these tasks: they stay open although their "
                    "quantity is 0: %(tasks)s",
                    tasks=", ".join(lines.task_id.mapped("display_name")),
                ),
                subtype_xmlid="mail.mt_note",
            )
        back = (zero_before - zero).task_id.filtered(lambda task: not task.active)
        back |= back.with_context(active_test=False).child_ids.filtered(
            lambda task: not task.active and not task.display_in_project
        )
        back.sudo().action_unarchive()

    def _search_order_tasks(self, domain=None):
        """The tasks of these lines' orders, as stock sale_project finds them."""
        # the order's tasks are updated with it, whoever may change the order
        return (
            self.env["project.task"]
            .sudo()
            .search(
                expression.AND(
                    [
                        [
                            ("project_id", "!=", False),
                            "|",
                            ("sale_line_id", "in", self.ids),
                            ("sale_order_id", "in", self.order_id.ids),
                        ],
                        domain or [],
                    ]
                )
            )
        )

    def _cancel_tasks(self):
        """The tasks of these cancelled lines' orders are cancelled, but those
        with time logged (noted on the order)."""
        tasks = self._search_order_tasks()
        kept = tasks - tasks._cancel_with_order()
        for order, order_tasks in (
            kept.filtered(lambda task: not task.is_closed)
            .grouped("sale_order_id")
            .items()
        ):
            if order:
                order.message_post(
                    body=self.env._(
                        "Time was logged on these tasks: they stay open: %(tasks)s",
                        tasks=", ".join(order_tasks.mapped("display_name")),
                    ),
                    subtype_xmlid="mail.mt_note",
                )

    def _restore_tasks(self):
        """Confirmed again, these lines' orders get back their project's link
        to the order and the tasks cancelled with them."""
        # the project follows its order, whoever confirms it, project rights or not
        for project, lines in (
            self.sudo().filtered("project_id").grouped("project_id").items()
        ):
            if not project.sale_line_id:  # unset by stock Odoo on cancellation
                project.sale_line_id = lines.sorted("sequence")[:1]
        self._search_order_tasks(
            [("sale_cancel_stage_id", "!=", False)]
        )._restore_with_order()
