from odoo import models


class AccountMove(models.Model):
    """The closing invoice of an order closes it once posted."""

    _inherit = "account.move"

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
