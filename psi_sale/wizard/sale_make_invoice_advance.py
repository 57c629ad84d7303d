from odoo import api, models


class SaleAdvancePaymentInv(models.TransientModel):
    _inherit = "sale.advance.payment.inv"

    @api.onchange("date_start_invoice_timesheet", "date_end_invoice_timesheet")
    def _onchange_invoice_preview_period(self):
        """The timesheet period (sale_timesheet's) changes what would be
        invoiced: the preview (sale_down_payment's) is no longer it."""
        self.invoice_preview = False
