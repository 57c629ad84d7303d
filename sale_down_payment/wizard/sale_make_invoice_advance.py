from odoo import api, fields, models
from odoo.exceptions import UserError

# (invoice mode, advance_payment_method, deduct_down_payments)
INVOICE_MODES = [
    ("lines", "delivered", False),
    ("lines_deduct", "delivered", True),
    ("percentage", "percentage", True),
    ("fixed", "fixed", True),
]


class SaleAdvancePaymentInv(models.TransientModel):
    """The four ways of invoicing an order, on top of stock's two fields
    (``advance_payment_method``, ``deduct_down_payments``), which integrations
    keep using."""

    _inherit = "sale.advance.payment.inv"

    invoice_mode = fields.Selection(
        [
            ("lines", "Invoiceable lines"),
            ("lines_deduct", "Invoiceable lines (down payments deducted)"),
            ("percentage", "Down payment (percentage)"),
            ("fixed", "Down payment (fixed amount)"),
        ],
        string="Invoice",
        compute="_compute_invoice_mode",
        inverse="_inverse_invoice_mode",
        help="Invoiceable lines: the quantities delivered (or ordered) and not "
        "invoiced yet. With down payments deducted: the same, minus the down "
        "payments as the company's deduction policy says. Down payment: an "
        "advance invoice, as a percentage of the order or a fixed amount (taxes "
        "included).",
    )

    invoice_preview = fields.Html(
        string="Preview",
        readonly=True,
        help="What the invoices would bill, deduct and total, per order, before "
        "anything is created.",
    )

    @api.depends("advance_payment_method", "deduct_down_payments", "has_down_payments")
    def _compute_invoice_mode(self):
        for wizard in self:
            if wizard.advance_payment_method != "delivered":
                wizard.invoice_mode = wizard.advance_payment_method
            elif wizard.deduct_down_payments and wizard.has_down_payments:
                wizard.invoice_mode = "lines_deduct"
            else:
                wizard.invoice_mode = "lines"

    def _inverse_invoice_mode(self):
        for wizard in self:
            if wizard.invoice_mode == "lines_deduct" and not wizard.has_down_payments:
                raise UserError(
                    self.env._(
                        "There is no down payment to deduct on %(orders)s: choose "
                        "“Invoiceable lines”.",
                        orders=", ".join(wizard.sale_order_ids.mapped("name")),
                    )
                )
            wizard.update(wizard._get_invoice_mode_values())
        self._check_fixed_amount_left()

    @api.onchange("invoice_mode")
    def _onchange_invoice_mode(self):
        if self.invoice_mode:
            self.update(self._get_invoice_mode_values())

    def _get_invoice_mode_values(self):
        self.ensure_one()
        for mode, method, deduct in INVOICE_MODES:
            if mode == self.invoice_mode:
                return {
                    "advance_payment_method": method,
                    "deduct_down_payments": deduct,
                }
        return {}

    def _check_amount_is_positive(self):
        """Also refuse more than the whole order."""
        result = super()._check_amount_is_positive()
        for wizard in self:
            if wizard.advance_payment_method == "percentage" and wizard.amount > 100:
                raise UserError(
                    self.env._(
                        "A down payment cannot be more than 100%% of the order "
                        "(%(percentage)s%% given).",
                        percentage=wizard.amount,
                    )
                )
        return result

    def _check_fixed_amount_left(self):
        """A fixed down payment is at most what is left to invoice. Checked for
        this addon's invoice modes (the form, integrations using them): stock's
        own fields keep Odoo's rule, which accepts more (its tests rely on it)."""
        for wizard in self.filtered(lambda wizard: wizard.invoice_mode == "fixed"):
            orders = wizard.sale_order_ids
            left = sum(orders.mapped("amount_total")) - sum(
                orders.mapped("amount_invoiced")
            )
            if wizard.currency_id.compare_amounts(wizard.fixed_amount, left) > 0:
                raise UserError(
                    self.env._(
                        "The down payment (%(amount)s) is more than what is left to "
                        "invoice on the order (%(left)s).",
                        amount=wizard.currency_id.format(wizard.fixed_amount),
                        left=wizard.currency_id.format(left),
                    )
                )

    # Preview ------------------------------------------------------------------

    @api.onchange(
        "invoice_mode",
        "amount",
        "fixed_amount",
        "consolidated_billing",
        "deduct_down_payments",
    )
    def _onchange_invoice_preview(self):
        self.invoice_preview = False  # no longer what would be invoiced

    def action_preview_invoices(self):
        """Show what create_invoices() would create, then open the wizard
        again with it."""
        self.ensure_one()
        try:
            values = self._simulate_invoices()
        except UserError as error:
            values = {"error": error.args[0]}
        self.invoice_preview = self.env["ir.qweb"]._render(
            "sale_down_payment.invoice_preview", values
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Create invoice(s)"),
            "res_model": self._name,
            "res_id": self.id,
            "views": [(False, "form")],
            "target": "new",
            "context": self.env.context,
        }

    def _simulate_invoices(self):
        """The preview values of the invoices that create_invoices() would
        create: they are made, read and undone, so that the preview and the
        invoices agree to the cent."""
        with self.env.cr.savepoint() as savepoint:
            self._check_amount_is_positive()
            invoices = self._create_invoices(self.sale_order_ids)
            values = self._get_invoice_preview_values(invoices)
            savepoint.rollback()
        return values

    def _get_invoice_preview_values(self, invoices):
        """Per order: untaxed amount billed, down payments deducted (under the
        company's policy), net untaxed, total; the totals of INVOICES."""
        policies = dict(
            self.env["res.company"]
            ._fields["down_payment_deduction"]
            ._description_selection(self.env)
        )
        rows = []
        for order in self.sale_order_ids:
            billed = deducted = total = 0.0
            for line in invoices.invoice_line_ids:
                if (
                    line.display_type != "product"
                    or line.sale_line_ids.order_id != order
                ):
                    continue
                move = line.move_id
                sign = -1 if move.move_type == "out_refund" else 1
                if line.is_downpayment and not move._is_downpayment():
                    deducted -= sign * line.price_subtotal
                else:
                    billed += sign * line.price_subtotal
                total += sign * line.price_total
            rows.append(
                {
                    "order": order,
                    "billed": billed,
                    "deducted": deducted,
                    "policy": policies[order.company_id.down_payment_deduction],
                    "untaxed": billed - deducted,
                    "total": total,
                }
            )
        signs = {move: -1 if move.move_type == "out_refund" else 1 for move in invoices}
        return {
            "rows": rows,
            "currency": self.sale_order_ids.currency_id[:1],
            "untaxed": sum(signs[move] * move.amount_untaxed for move in invoices),
            "total": sum(signs[move] * move.amount_total for move in invoices),
            "count": len(invoices),
        }
