from odoo import fields, models


class SaleOrderCloseLine(models.TransientModel):
    """An order line that closing would leave uninvoiced, and the choice to
    invoice it as ordered instead."""

    _name = "sale.order.close.line"
    _description = "Order Line Left by a Closing"

    wizard_id = fields.Many2one("sale.order.close", required=True, ondelete="cascade")
    sale_line_id = fields.Many2one(
        "sale.order.line", string="Order Line", required=True, readonly=True
    )
    name = fields.Text(related="sale_line_id.name")
    company_id = fields.Many2one(related="wizard_id.company_id")
    currency_id = fields.Many2one(related="wizard_id.currency_id")
    product_uom_id = fields.Many2one(related="sale_line_id.product_uom")
    quantity = fields.Float(
        string="Not Invoiced",
        digits="Product Unit of Measure",
        readonly=True,
        help="The ordered quantity that the closing invoice would not invoice.",
    )
    amount = fields.Monetary(
        string="Untaxed Amount",
        readonly=True,
        help="That quantity at the line's untaxed price.",
    )
    invoice_as_ordered = fields.Boolean(
        string="Invoice as Ordered",
        help="Ticked: the closing invoice bills the line up to its ordered "
        "quantity. Left unticked: that quantity is never invoiced.",
    )
