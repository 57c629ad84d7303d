from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import float_compare


class SaleOrder(models.Model):
    """Down payments deducted by the company's policy, each deduction computed
    once per invoice; the order closed by its last invoice."""

    _inherit = "sale.order"

    is_closed = fields.Boolean(
        string="Closed",
        readonly=True,
        copy=False,
        tracking=True,
        help="Closed by a sales manager: its last invoice deducted every down "
        "payment left, and the order is locked.",
    )
    closing_invoice_id = fields.Many2one(
        "account.move",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        help="The last invoice (or credit note) that closing the order made: "
        "the order is closed when it is posted, and stays open if it is "
        "cancelled or deleted.",
    )

    def _regular_lines(self):
        """The order's lines of products: neither sections and notes nor
        down payments."""
        return self.order_line.filtered(
            lambda line: not line.display_type and not line.is_downpayment
        )

    # Invoicing: down payments deducted by the company's policy ---------------

    def _create_invoices(self, grouped=False, final=False, date=None):
        """With down payments deducted (``final``), each order's deductions are
        computed once, before its invoice is made, and built into its values
        (_get_invoiceable_lines, sale.order.line._prepare_invoice_line). An
        invoice that deducts part of what is left of a down payment is made as
        stock makes a regular one (final=False): stock's switch to a credit
        note and its correction of the down payments' taxes are for the
        invoice that deducts all that is left."""
        if not final:
            return super()._create_invoices(grouped=grouped, final=final, date=date)
        # the closing's lines invoiced as ordered, if any (_close)
        line_values, partial = (
            dict(self.env.context.get("invoice_line_values", {})),
            False,
        )
        for order in self:
            for line, (amount, balance) in order._get_down_payment_deductions().items():
                line_values[line.id] = line._prepare_deduction_values(amount, balance)
                partial |= (
                    order.currency_id.compare_amounts(amount, balance.to_deduct) < 0
                )
        # stock's _create_invoices() builds the invoice values with no hook
        # taking the order's deductions: they go through the context, to
        # _get_invoiceable_lines() and sale.order.line._prepare_invoice_line()
        moves = super(
            SaleOrder, self.with_context(invoice_line_values=line_values)
        )._create_invoices(grouped=grouped, final=not partial, date=date)
        return moves.with_env(self.env)

    def _get_invoiceable_lines(self, final=False):
        """With down payments deducted, the lines given their invoice line's
        values before the invoice is made (sale.order.line.
        _prepare_invoice_line): the down payment lines that deduct something,
        and only them; the lines a closing invoices as ordered."""
        line_values = self.env.context.get("invoice_line_values")
        if line_values is None:
            return super()._get_invoiceable_lines(final)
        lines = super()._get_invoiceable_lines(final=True)
        return lines.filtered(lambda line: not line.is_downpayment) | (
            self.order_line.filtered(lambda line: line.id in line_values)
        )

    def _get_down_payment_balances(self):
        """{down payment line: its DownPaymentBalance} of the order's down
        payment lines with something left to deduct."""
        self.ensure_one()
        balances = {}
        for line in self.order_line.filtered(
            lambda line: line.is_downpayment and not line.display_type
        ):
            balance = line._get_down_payment_balance()
            if self.currency_id.compare_amounts(balance.to_deduct, 0) > 0:
                balances[line] = balance
        return balances

    def _get_down_payment_deductions(self):
        """{down payment line: (untaxed amount, its DownPaymentBalance)} that
        this order's next invoice deducts, computed from its invoiceable lines
        before it is made. All that is left under the ``full`` policy, by the
        invoice that closes the order, and by an invoice that bills nothing
        else (a credit note, as in stock Odoo); otherwise never more than the
        invoice bills and, under ``proportional``, the down payments in the
        share of the order invoiced with it, all that is left once every line
        is invoiced. The amount is spread over the down payment lines in
        proportion to what is left of each, the last one taking the rest."""
        self.ensure_one()
        currency = self.currency_id
        balances = self._get_down_payment_balances()
        if not balances:
            return {}
        to_deduct = amount = sum(balance.to_deduct for balance in balances.values())
        policy = self.company_id.down_payment_deduction
        lines = self._get_invoiceable_lines(final=True).filtered(
            lambda line: not line.display_type and not line.is_downpayment
        )
        if policy != "full" and not self.env.context.get("close_orders") and lines:
            billed = sum(
                line._get_untaxed_amount(line.qty_to_invoice) for line in lines
            )
            amount = min(max(billed, 0.0), to_deduct)
            if policy == "proportional" and self._get_lines_left_uninvoiced():
                invoiced = sum(balance.invoiced for balance in balances.values())
                after = self._get_regular_amount_invoiced() + billed
                share = (
                    min(1.0, after / self.amount_untaxed)
                    if self.amount_untaxed
                    else 1.0
                )
                amount = min(
                    amount, max(0.0, invoiced * share - (invoiced - to_deduct))
                )
        amount = currency.round(amount)
        deductions, rest = {}, amount
        for index, (line, balance) in enumerate(balances.items(), start=1):
            part = (
                rest
                if index == len(balances)
                else currency.round(amount * balance.to_deduct / to_deduct)
            )
            rest -= part
            if not currency.is_zero(part):
                deductions[line] = (part, balance)
        return deductions

    def _get_regular_amount_invoiced(self):
        """Untaxed amount of the order's lines on invoices that are not
        cancelled (drafts included), credit notes deducted."""
        self.ensure_one()
        amount = 0.0
        for invoice_line in self._regular_lines().invoice_lines:
            move = invoice_line.move_id
            if move.state != "cancel":
                sign = -1 if move.move_type == "out_refund" else 1
                amount += sign * invoice_line.price_subtotal
        return amount

    # Closing: the last invoice deducts every down payment left ----------------

    def action_cancel(self):
        """What an order invoiced stays invoiced: say what to do instead of
        cancelling, until credit notes have given it all back."""
        invoiced = self.filtered(
            lambda order: (
                not order.currency_id.is_zero(
                    sum(
                        order.invoice_ids.filtered(
                            lambda move: move.state == "posted"
                        ).mapped("amount_total_in_currency_signed")
                    )
                )
            )
        )
        if invoiced:
            raise UserError(
                self.env._(
                    "%(orders)s cannot be cancelled: invoices of it are posted. "
                    "Issue credit notes for them first, or close the order to "
                    "invoice what is left, deduct its down payments and lock it.",
                    orders=", ".join(invoiced.mapped("name")),
                )
            )
        return super().action_cancel()

    def action_close_order(self):
        """What closing will invoice, and leave, shown before anything is
        done."""
        self._check_closable()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Close the Order"),
            "res_model": "sale.order.close",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_order_id": self.id},
        }

    def _check_closable(self):
        for order in self:
            if order.company_id not in self.env.companies:
                raise UserError(
                    self.env._(
                        "%(order)s belongs to %(company)s: switch to that company "
                        "to close it.",
                        order=order.name,
                        company=order.company_id.name,
                    )
                )
            if order.state != "sale" or order.is_closed:
                raise UserError(
                    self.env._(
                        "Only a confirmed order that is not closed yet can be "
                        "closed: %(order)s is %(state)s.",
                        order=order.name,
                        state=self.env._("closed")
                        if order.is_closed
                        else dict(
                            order._fields["state"]._description_selection(self.env)
                        )[order.state],
                    )
                )
            if order.closing_invoice_id:
                raise UserError(
                    self.env._(
                        "%(order)s is being closed: post its closing invoice "
                        "%(invoice)s to close it, or cancel that invoice to "
                        "close it again.",
                        order=order.name,
                        invoice=order.closing_invoice_id.display_name,
                    )
                )

    def _get_lines_left_uninvoiced(self):
        """[(order line, quantity, untaxed amount)]: what the order's next
        invoice (its closing's) would leave uninvoiced of the ordered
        quantities, its quantities to invoice invoiced."""
        self.ensure_one()
        precision = self.env["decimal.precision"].precision_get(
            "Product Unit of Measure"
        )
        left = []
        for line in self._regular_lines():
            quantity = line.product_uom_qty - line.qty_invoiced - line.qty_to_invoice
            if float_compare(quantity, 0, precision_digits=precision) > 0:
                left.append((line, quantity, line._get_untaxed_amount(quantity)))
        return left

    def _close(self, invoice_as_ordered=None):
        """Invoice what is left to invoice, and the order lines
        ``invoice_as_ordered`` up to their ordered quantity, deducting every
        down payment not deducted yet (stock's final invoice: a credit note
        where they exceed it). An order is closed when that invoice is
        posted (account.move._post), at once when there is nothing to
        invoice."""
        self._check_closable()
        invoices = self.with_context(
            raise_if_nothing_to_invoice=False,
            close_orders=True,
            invoice_line_values={
                line.id: {"quantity": line.product_uom_qty - line.qty_invoiced}
                for line in invoice_as_ordered or ()
            },
        )._create_invoices(final=True)
        for order in self:
            order.closing_invoice_id = invoices.filtered(
                lambda move, order=order: order in move.line_ids.sale_line_ids.order_id
            )[:1]
        self.filtered(lambda order: not order.closing_invoice_id)._set_closed()
        return invoices

    def _set_closed(self):
        """Closed: nothing more to invoice, and locked (the hook of what else
        closing an order does)."""
        self.is_closed = True
        self.action_lock()
