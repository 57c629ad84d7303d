from collections import namedtuple

from odoo import api, fields, models
from odoo.fields import Command
from odoo.osv import expression
from odoo.tools import float_is_zero

# untaxed amounts of a down payment line: invoiced, and not deducted yet
DownPaymentBalance = namedtuple("DownPaymentBalance", ["invoiced", "to_deduct"])


class SaleOrderLine(models.Model):
    """The order line's task, its tracking and its down payments."""

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

    # Closed orders and down payments: what is left to invoice ----------------

    @api.depends("order_id.is_closed", "invoice_lines.price_subtotal")
    def _compute_qty_to_invoice(self):
        result = super()._compute_qty_to_invoice()
        self._set_down_payment_qty_to_invoice()
        self.filtered("order_id.is_closed").qty_to_invoice = 0.0
        return result

    @api.depends("order_id.is_closed")
    def _compute_untaxed_amount_to_invoice(self):
        """A closed order has nothing left to invoice."""
        result = super()._compute_untaxed_amount_to_invoice()
        self.filtered("order_id.is_closed").untaxed_amount_to_invoice = 0.0
        return result

    # Down payments deducted by the company's policy ---------------------------

    def _set_down_payment_qty_to_invoice(self):
        """A down payment line is deducted by -1 x an amount at a time: it has
        -1 to invoice while some of it is left to deduct (stock's -1 until its
        one deduction), none otherwise."""
        # lines being created are invoiced nowhere (and reading their fields
        # would ask their defaults, line by line)
        down_payments = self.filtered(
            lambda line: (
                line._origin
                and line.is_downpayment
                and not line.display_type
                and line.state == "sale"
                and line.invoice_lines
            )
        )
        for line in down_payments:
            left = line._get_down_payment_balance().to_deduct
            line.qty_to_invoice = (
                -1.0 if line.currency_id.compare_amounts(left, 0) > 0 else 0.0
            )

    def _get_down_payment_balance(self, down_payments=None):
        """The untaxed amount of the down payment invoices of this down payment
        line, and the part of it not deducted yet, credit notes counted. As in
        stock Odoo, an invoice counts from its draft on (a down payment to
        deduct, or a deduction, so that two drafts never deduct the same
        amount). ``down_payments``: its invoices that are down payment
        invoices, when known already."""
        self.ensure_one()
        invoiced = deducted = 0.0
        for invoice_line in self._get_invoice_lines():
            move = invoice_line.move_id
            if move.state == "cancel":
                continue
            is_down_payment = (
                move in down_payments
                if down_payments is not None
                else move._is_downpayment()
            )
            sign = -1 if move.move_type == "out_refund" else 1
            amount = sign * invoice_line.currency_id._convert(
                invoice_line.price_subtotal,
                self.currency_id,
                self.company_id,
                move.invoice_date or fields.Date.today(),
            )
            if is_down_payment:
                invoiced += amount
            else:
                deducted -= amount
        return DownPaymentBalance(invoiced, invoiced - deducted)

    def _get_untaxed_amount_to_bill(self):
        """The untaxed amount of this line's quantity to invoice, computed as
        its invoice line computes it."""
        self.ensure_one()
        base_line = self._prepare_base_line_for_taxes_computation(
            quantity=self.qty_to_invoice
        )
        self.env["account.tax"]._add_tax_details_in_base_line(
            base_line, self.company_id
        )
        return self.currency_id.round(
            base_line["tax_details"]["total_excluded_currency"]
        )

    def _prepare_invoice_line(self, **optional_values):
        """The values that sale.order._create_invoices computed for this line
        before the invoice is made: a down payment's deduction, a closing's
        quantity as ordered."""
        values = super()._prepare_invoice_line(**optional_values)
        values.update(self.env.context.get("invoice_line_values", {}).get(self.id, {}))
        return values

    def _prepare_deduction_values(self, amount, balance):
        """Values of the invoice line of this down payment line that deducts
        ``amount`` untaxed of its ``balance``: stock's own (-1 x the line's
        price) when it deducts the whole down payment at once, else -1 x the
        amount (taxes included where the down payment's prices include
        them)."""
        self.ensure_one()
        if not self.currency_id.compare_amounts(amount, balance.invoiced):
            return {}
        return {
            "quantity": -1.0,
            "price_unit": self.currency_id.round(
                amount * self.price_unit / balance.invoiced
                if balance.invoiced
                else amount
            ),
        }
