from collections import namedtuple

from odoo import api, fields, models

# untaxed amounts of a down payment line: invoiced, and not deducted yet
DownPaymentBalance = namedtuple("DownPaymentBalance", ["invoiced", "to_deduct"])


class SaleOrderLine(models.Model):
    """A down payment line deducted by -1 x an amount at a time, as the
    company's policy says; nothing left to invoice on a closed order."""

    _inherit = "sale.order.line"

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

    def _get_untaxed_amount(self, quantity):
        """The untaxed amount of QUANTITY of this line, computed as its
        invoice line computes it."""
        self.ensure_one()
        base_line = self._prepare_base_line_for_taxes_computation(quantity=quantity)
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
