from odoo import api, fields, models


class SaleOrderClose(models.TransientModel):
    """Closing an order ("Solder la commande"): what its last invoice will
    bill and deduct, shown before anything is created."""

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
    amount_to_invoice = fields.Monetary(
        string="Left to Invoice",
        compute="_compute_amounts",
        help="Untaxed amount that the order's lines may invoice now.",
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
    def _compute_amounts(self):
        for wizard in self:
            order = wizard.order_id
            wizard.amount_to_invoice = order.untaxed_amount_to_invoice
            wizard.downpayment_to_deduct = order.downpayment_amount_to_deduct
            wizard.credit_note_amount = max(
                0.0, wizard.downpayment_to_deduct - wizard.amount_to_invoice
            )

    def action_close(self):
        self.ensure_one()
        invoices = self.order_id._close()
        if invoices:
            return self.order_id.action_view_invoice(invoices)
        return {"type": "ir.actions.act_window_close"}
