from odoo import models


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _get_translation_frontend_modules_name(cls):
        """The portal's chatter, under the customer's orders and invoices, is
        mail's: the portal also needs mail's translations ("The conversation
        is empty."), which Odoo only sends to the backend."""
        return super()._get_translation_frontend_modules_name() + ["mail"]
