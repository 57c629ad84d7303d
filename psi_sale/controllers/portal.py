from odoo.addons.sale.controllers.portal import CustomerPortal


class PsiCustomerPortal(CustomerPortal):
    def _show_report(self, model, report_type, report_ref, download=False):
        """A quotation's document on the portal is its order form ("bon pour
        commande"), as sent by email; a signed order's too, with its
        signature."""
        if (
            model._name == "sale.order"
            and report_ref == "sale.action_report_saleorder"
            and model._is_order_form()
        ):
            report_ref = "psi_sale.action_report_order_form"
        return super()._show_report(model, report_type, report_ref, download=download)
