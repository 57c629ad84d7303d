from collections import defaultdict

from odoo import api, fields, models
from odoo.fields import Command
from odoo.osv import expression
from odoo.tools import SQL, float_is_zero, float_round, formatLang

from .uom_uom import by_day_length, with_day_length

DAY_ROUNDING_STEPS = {"quarter": 0.25, "half": 0.5}


class SaleOrderLine(models.Model):
    """Days and hours meet on the order line with the order's hours per day."""

    _inherit = "sale.order.line"

    ordered_hours = fields.Float(
        string="Ordered Time",
        compute="_compute_ordered_hours",
        help="The ordered quantity in hours, with the order's hours per day.",
    )
    delivered_hours = fields.Float(
        string="Time Spent",
        compute="_compute_delivered_hours",
        help="Hours logged on timesheets for this line, by anyone.",
    )
    qty_remaining = fields.Float(
        string="Remaining",
        compute="_compute_qty_remaining",
        digits="Product Unit of Measure",
        help="The ordered quantity not delivered yet, in the line's unit "
        "(negative when more was delivered than ordered).",
    )
    invoiced_hours = fields.Float(
        string="Invoiced Time",
        compute="_compute_tracking",
        help="The invoiced quantity in hours, with the order's hours per day.",
    )
    hours_remaining = fields.Float(
        string="Remaining Time",
        compute="_compute_tracking",
        help="The ordered time not spent yet (negative when more time was "
        "spent than ordered).",
    )
    delivered_percentage = fields.Float(
        string="Delivered (%)",
        compute="_compute_qty_remaining",
        help="The delivered quantity, in percentage of the ordered quantity.",
    )
    qty_overrun = fields.Float(
        string="Overrun",
        compute="_compute_overrun",
        digits="Product Unit of Measure",
        help="The quantity delivered on timesheets beyond the ordered quantity.",
    )
    hours_overrun = fields.Float(
        string="Overrun Time",
        compute="_compute_hours_overrun",
        help="The time logged beyond the ordered time.",
    )
    overrun_amount = fields.Monetary(
        compute="_compute_overrun",
        help="Untaxed value of the overrun at the line's price.",
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
            self._rearm_overrun_warning()
        return result

    # Days and hours -----------------------------------------------------------

    @api.depends("product_uom_qty", "product_uom", "order_id.hours_per_day")
    def _compute_ordered_hours(self):
        for line in self:
            line.ordered_hours = line._in_hours(line.product_uom_qty)

    @api.depends("timesheet_ids.unit_amount")
    def _compute_delivered_hours(self):
        """In one query for all the lines, apart from the ordered time (the
        portal reads the time spent alone); in SQL, at a third of the cost of
        _read_group() (0.12 against 0.36 ms a portal page)."""
        logged = {}
        lines = self.filtered("id")
        if lines:
            self.env["account.analytic.line"].flush_model(
                ["so_line", "project_id", "unit_amount"]
            )
            logged = dict(
                self.env.execute_query(
                    SQL(
                        """SELECT so_line, SUM(unit_amount)
                             FROM account_analytic_line
                            WHERE so_line IN %s AND project_id IS NOT NULL
                         GROUP BY so_line""",
                        tuple(lines.ids),
                    )
                )
            )
        for line in self:
            line.delivered_hours = logged.get(line._origin.id, 0.0)

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

    @api.depends(
        "qty_invoiced",
        "ordered_hours",
        "delivered_hours",
        "invoice_lines.quantity_hours",
    )
    def _compute_tracking(self):
        """Invoiced hours are those of the invoice lines: the hours of their
        timesheets where they have some."""
        hour = self.env.ref("uom.product_uom_hour")
        for line in self:
            line.invoiced_hours = sum(
                (-1 if move_line.move_id.move_type == "out_refund" else 1)
                * move_line.quantity_hours
                for move_line in line.invoice_lines
                if move_line.move_id.state != "cancel"
            )
            in_time = line.product_uom.category_id == hour.category_id
            line.hours_remaining = (
                line.ordered_hours - line.delivered_hours if in_time else 0.0
            )

    def _in_hours(self, quantity):
        """QUANTITY of the line's unit in hours, days of the order's length
        (0 for a unit that is not working time)."""
        hour = self.product_uom._day_and_hour()[1]  # once per line: no env.ref
        if self.product_uom.category_id != hour.category_id:
            return 0.0
        return self.product_uom._convert_working_time(
            quantity, hour, self.order_id.hours_per_day
        )

    @api.depends("order_id.hours_per_day", "order_id.day_rounding")
    def _compute_qty_delivered(self):
        # the days: see _get_delivered_quantity_by_analytic()
        return super()._compute_qty_delivered()

    def _get_delivered_quantity_by_analytic(self, additional_domain):
        """Timesheets count in days of the order's length, rounded up as the
        order says, for the delivered quantities and for invoicing a period
        (the hook that OCA's sale_timesheet_rounded extends too)."""
        result = defaultdict(float)
        for lines in by_day_length(self, lambda line: line.order_id.hours_per_day):
            result.update(
                super(SaleOrderLine, lines)._get_delivered_quantity_by_analytic(
                    additional_domain
                )
            )
        if not any(order.day_rounding in DAY_ROUNDING_STEPS for order in self.order_id):
            return result  # no line to round: none checked one by one
        for line in self.filtered(
            lambda line: line.qty_delivered_method == "timesheet"
        ):
            if line.id in result:
                result[line.id] = line._round_days(result[line.id])
        return result

    def _round_days(self, quantity):
        """QUANTITY of the line's unit rounded up as the order rounds days."""
        self.ensure_one()
        step = DAY_ROUNDING_STEPS.get(self.order_id.day_rounding)
        if not (step and self.product_uom._is_day_based()):
            return quantity
        steps = float_round(quantity / step, precision_digits=0, rounding_method="UP")
        return steps * step

    @api.depends("order_id.hours_per_day")
    def _compute_remaining_hours(self):  # pylint: disable=missing-return
        # stock converts the remaining quantity inline: no narrower hook
        for lines in by_day_length(self, lambda line: line.order_id.hours_per_day):
            super(SaleOrderLine, lines)._compute_remaining_hours()

    def _convert_qty_company_hours(self, dest_company):
        return super(
            SaleOrderLine, with_day_length(self, self.order_id.hours_per_day)
        )._convert_qty_company_hours(dest_company)

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

    # Project and tasks --------------------------------------------------------

    def _timesheet_create_project(self):
        project = super()._timesheet_create_project()
        if not self.product_id.project_template_id.allocated_hours:
            # stock sums the lines with the factor of Odoo's Days unit, no hook
            lines = self.order_id.order_line.filtered(
                lambda line: (
                    line.is_service
                    and line.product_id.service_tracking
                    in ("task_in_project", "project_only")
                    and line.product_id.project_template_id
                    == self.product_id.project_template_id
                )
            )
            project_uom = project.company_id.project_time_mode_id
            unit = self.env.ref("uom.product_uom_unit")
            hour = self.env.ref("uom.product_uom_hour")
            allocated_hours = 0.0
            for uom, uom_lines in lines.grouped("product_uom").items():
                uom = hour if uom == unit else uom  # as stock: units of services
                if uom.category_id == project_uom.category_id:
                    allocated_hours += uom._convert_working_time(
                        sum(uom_lines.mapped("product_uom_qty")),
                        project_uom,
                        self.order_id.hours_per_day,
                    )
            project.allocated_hours = allocated_hours
        return project

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

    def _get_task_title(self):
        """The title of the line's task, as stock sale_project names it."""
        self.ensure_one()
        return self.name.split("\n")[0] or self.product_id.name

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

    # Cockpit ------------------------------------------------------------------

    def _get_untaxed_amount_delivered(self):
        """Value of the delivered quantity at the line's untaxed net price."""
        return self._get_untaxed_price() * self.qty_delivered

    def _get_untaxed_price(self):
        """The line's unit price, discount deducted, taxes excluded."""
        self.ensure_one()
        if self.product_uom_qty:
            return self.price_reduce_taxexcl
        return self.price_unit * (1 - (self.discount or 0.0) / 100)

    # Overrun: time over the ordered quantity ----------------------------------

    @api.depends("product_uom_qty", "qty_delivered")
    def _compute_overrun(self):
        precision = self.env["decimal.precision"].precision_get(
            "Product Unit of Measure"
        )
        for line in self:
            overrun = line._get_overrun_quantity(precision)
            line.qty_overrun = overrun
            line.overrun_amount = (
                line.currency_id.round(overrun * line._get_untaxed_price())
                if overrun
                else 0.0
            )

    def _get_overrun_quantity(self, precision):
        """The quantity delivered on timesheets beyond the ordered quantity,
        rounded to PRECISION digits (the portal reads it without the fields'
        computation)."""
        self.ensure_one()
        if self.qty_delivered_method != "timesheet":
            return 0.0
        return float_round(
            max(0.0, self.qty_delivered - self.product_uom_qty),
            precision_digits=precision,
        )

    @api.depends("qty_overrun", "ordered_hours", "delivered_hours")
    def _compute_hours_overrun(self):
        """Apart from the quantity: the timesheets are read only for it."""
        for line in self:
            line.hours_overrun = (
                max(0.0, line.delivered_hours - line.ordered_hours)
                if line.qty_overrun
                else 0.0
            )

    def _filter_overrun_to_tell(self):
        """Lines on timesheets newly over their ordered quantity, whose
        salesperson has not been told yet (prepaid ones: see stock's
        threshold, sale_timesheet). The overrun of the lines not told yet
        alone, without the fields' computation (their amounts) on every line
        of the orders: the check runs at each recomputation of timesheets."""
        precision = self.env["decimal.precision"].precision_get(
            "Product Unit of Measure"
        )
        return self.filtered(
            lambda line: (
                not line.has_displayed_warning_upsell
                and line.product_id.service_policy == "delivered_timesheet"
                and line._get_overrun_quantity(precision)
            )
        )

    def _schedule_overrun_activities(self):
        """Stock's upsell activity on the order of each of these lines, with a
        note naming the line, in one create (activity_schedule() makes one
        per call). Its users follow the orders first: the create subscribes
        them once per activity, which fails twice on one order."""
        activity_type = self.env.ref("sale.mail_act_sale_upsell")
        users = {
            line: line._get_salesperson()
            or activity_type.default_user_id
            or self.env.user
            for line in self
        }
        for user, lines in self.grouped(users.get).items():
            lines.order_id.message_subscribe(partner_ids=user.sudo().partner_id.ids)
        model_id = self.env["ir.model"]._get_id("sale.order")
        today = fields.Date.context_today(self)
        return self.env["mail.activity"].create(
            [
                {
                    "activity_type_id": activity_type.id,
                    "summary": activity_type.summary,
                    "automated": True,
                    "date_deadline": today,
                    "res_model_id": model_id,
                    "res_id": line.order_id.id,
                    "user_id": users[line].id,
                    "note": line._get_overrun_note(),
                }
                for line in self
            ]
        )

    def _get_salesperson(self):
        """Who is told of the line's overrun: its order's salesperson, else the
        customer's."""
        self.ensure_one()
        return self.order_id.user_id or self.order_id.partner_id.user_id

    def _get_overrun_note(self):
        """The note of the activity telling the salesperson of the overrun, in
        their language."""
        self.ensure_one()
        env = self.with_context(lang=self._get_salesperson().lang).env
        return env._(
            "%(order)s, %(line)s: %(delivered)s %(unit)s delivered for "
            "%(ordered)s ordered. Raise the ordered quantity, or invoice "
            "the overrun as the order says.",
            order=self.order_id.name,
            line=self._get_task_title(),
            delivered=formatLang(env, self.qty_delivered, dp="Product Unit of Measure"),
            ordered=formatLang(env, self.product_uom_qty, dp="Product Unit of Measure"),
            unit=self.product_uom.with_env(env).name,
        )

    def _rearm_overrun_warning(self):
        """A line brought back within its ordered quantity tells again the
        next time it goes over it."""
        self.filtered(
            lambda line: line.has_displayed_warning_upsell and not line.qty_overrun
        ).has_displayed_warning_upsell = False

    @api.depends("order_id.overrun_policy")
    def _compute_qty_to_invoice(self):
        result = super()._compute_qty_to_invoice()
        self._cap_qty_to_invoice()
        return result

    def _recompute_qty_to_invoice(self, start_date, end_date):
        result = super()._recompute_qty_to_invoice(start_date, end_date)
        self._cap_qty_to_invoice()
        return result

    def _capped_quantities_left(self):
        """Lines of orders that invoice at most the ordered quantity, with
        that quantity not invoiced yet."""
        if "cap" not in self.order_id.mapped("overrun_policy"):
            return []  # no line checked one by one at each recomputation
        capped = self.filtered(
            lambda line: (
                line.order_id.overrun_policy == "cap"
                and line.qty_delivered_method == "timesheet"
                and line.product_id.invoice_policy == "delivery"
            )
        )
        return [
            (line, max(0.0, line.product_uom_qty - line.qty_invoiced))
            for line in capped
        ]

    def _cap_qty_to_invoice(self):
        for line, left in self._capped_quantities_left():
            line.qty_to_invoice = min(line.qty_to_invoice, left)

    @api.depends("order_id.overrun_policy")
    def _compute_untaxed_amount_to_invoice(self):
        result = super()._compute_untaxed_amount_to_invoice()
        for line, left in self._capped_quantities_left():
            line.untaxed_amount_to_invoice = min(
                line.untaxed_amount_to_invoice,
                line.currency_id.round(left * line._get_untaxed_price()),
            )
        return result

    # Invoiced days ------------------------------------------------------------

    @api.depends("order_id.hours_per_day")
    def _compute_qty_invoiced(self):  # pylint: disable=missing-return
        # stock converts the invoiced quantities inline: no narrower hook
        for lines in by_day_length(self, lambda line: line.order_id.hours_per_day):
            super(SaleOrderLine, lines)._compute_qty_invoiced()
