from odoo import api, fields, models


class AccountMove(models.Model):
    """Invoices of orders: their opportunity; the closing invoice of an
    order."""

    _inherit = "account.move"

    opportunity_id = fields.Many2one(
        "crm.lead",
        compute="_compute_opportunity_id",
        store=True,
        index="btree_not_null",
        groups="sales_team.group_sale_salesman",
        help="The opportunity of the invoiced orders.",
    )

    @api.depends("line_ids.sale_line_ids.order_id.opportunity_id")
    def _compute_opportunity_id(self):
        for move in self:
            move.opportunity_id = move.line_ids.sale_line_ids.order_id.opportunity_id[
                :1
            ]

    def _post(self, soft=True):
        """Also close the orders whose closing invoice this is."""
        posted = super()._post(soft=soft)
        # the accountant who posts may not write on orders
        posted.line_ids.sale_line_ids.order_id.sudo().filtered(
            lambda order: order.closing_invoice_id in posted and not order.is_closed
        )._set_closed()
        return posted

    def button_cancel(self):
        """A cancelled closing invoice leaves its orders open."""
        result = super().button_cancel()
        self.line_ids.sale_line_ids.order_id.sudo().filtered(
            lambda order: order.closing_invoice_id in self
        ).closing_invoice_id = False
        return result
