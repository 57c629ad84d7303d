from markupsafe import Markup

from odoo import api, fields, models
from odoo.fields import Command
from odoo.tools import formatLang


class SaleOrderClose(models.TransientModel):
    """Closing an order ("Solder la commande"): what its last invoice will
    bill, deduct and leave, shown before anything is created."""

    _name = "sale.order.close"
    _description = "Close a Sales Order"

    order_id = fields.Many2one(
        "sale.order", required=True, readonly=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="order_id.company_id")
    currency_id = fields.Many2one(related="order_id.currency_id")
    down_payment_deduction = fields.Selection(
        related="order_id.company_id.down_payment_deduction"
    )
    line_ids = fields.One2many(
        "sale.order.close.line",
        "wizard_id",
        string="Lines Not Invoiced",
        compute="_compute_line_ids",
        store=True,
        readonly=False,
        help="The ordered quantities that the closing invoice would not "
        "invoice: tick a line to invoice it as ordered.",
    )
    amount_to_invoice = fields.Monetary(
        string="Left to Invoice",
        compute="_compute_amounts",
        help="Untaxed amount that the closing invoice bills: what the order's "
        "lines may invoice now, and the lines ticked to invoice as ordered.",
    )
    downpayment_to_deduct = fields.Monetary(
        string="Down Payments to Deduct",
        compute="_compute_amounts",
        help="Down payments invoiced and not deducted yet: the last invoice "
        "deducts them all.",
    )
    credit_note_amount = fields.Monetary(
        string="Credit Note",
        compute="_compute_amounts",
        help="What the down payments exceed of the amount left to invoice: "
        "closing gives it back to the customer as a credit note (untaxed).",
    )

    @api.depends("order_id")
    def _compute_line_ids(self):
        for wizard in self:
            left = wizard.order_id._get_lines_left_uninvoiced()
            wizard.line_ids = [Command.clear()] + [
                Command.create(
                    {"sale_line_id": line.id, "quantity": quantity, "amount": amount}
                )
                for line, quantity, amount in left
            ]

    @api.depends("order_id", "line_ids.invoice_as_ordered")
    def _compute_amounts(self):
        for wizard in self:
            order = wizard.order_id
            wizard.amount_to_invoice = sum(
                order._regular_lines().mapped("untaxed_amount_to_invoice")
            ) + sum(wizard.line_ids.filtered("invoice_as_ordered").mapped("amount"))
            wizard.downpayment_to_deduct = sum(
                balance.to_deduct
                for balance in order._get_down_payment_balances().values()
            )
            wizard.credit_note_amount = max(
                0.0, wizard.downpayment_to_deduct - wizard.amount_to_invoice
            )

    def action_close(self):
        self.ensure_one()
        if self.line_ids:
            self.order_id.message_post(body=self._get_choice_note())
        invoices = self.order_id._close(
            self.line_ids.filtered("invoice_as_ordered").sale_line_id
        )
        if invoices:
            return self.order_id.action_view_invoice(invoices)
        return {"type": "ir.actions.act_window_close"}

    def _get_choice_note(self):
        """The order's chatter note: each line left by the closing, and what
        was chosen for it."""
        self.ensure_one()
        items = Markup().join(
            Markup("<li>%s</li>")
            % self.env._(
                "%(line)s: %(quantity)s %(unit)s, %(amount)s untaxed, %(choice)s",
                line=line.sale_line_id.name,
                quantity=formatLang(
                    self.env, line.quantity, dp="Product Unit of Measure"
                ),
                unit=line.product_uom_id.name,
                amount=formatLang(self.env, line.amount, currency_obj=self.currency_id),
                choice=self.env._("invoiced as ordered")
                if line.invoice_as_ordered
                else self.env._("left uninvoiced"),
            )
            for line in self.line_ids
        )
        return Markup("<p>%s</p><ul>%s</ul>") % (
            self.env._("Closing: the ordered quantities not delivered in full"),
            items,
        )
