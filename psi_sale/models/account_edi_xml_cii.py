from odoo import models


class AccountEdiXmlCII(models.AbstractModel):
    """Factur-X of French invoices that tells the deal's story: down payment
    invoices (386), the down payment invoices an invoice deducts and the
    invoice a credit note reverses (preceding invoices, BG-3), an item name
    on every line, the order's and the customer's references, the payment
    mentions that French rules want as notes (PMD, PMT, AAB), VAT on
    debits (BT-8) only for taxes due on invoice. Other
    companies' Factur-X stays stock Odoo's."""

    _inherit = "account.edi.xml.cii"

    def _get_exchanged_document_vals(self, invoice):
        vals = super()._get_exchanged_document_vals(invoice)
        if (
            invoice._is_french_sale()
            and invoice.move_type == "out_invoice"
            and invoice._is_downpayment()
        ):
            vals["type_code"] = "386"  # prepayment invoice
        return vals

    def _export_invoice_vals(self, invoice):
        vals = super()._export_invoice_vals(invoice)
        if not invoice._is_french_sale():
            return vals
        for line_vals in vals["invoice_line_vals_list"]:
            line = line_vals["line"]
            if not line.product_id:  # down payment and deduction lines (BT-153)
                line_vals["item_name"] = (line.name or "").split("\n", 1)[0]
        for tax_detail_vals in vals["tax_details"]["tax_details"].values():
            # BT-8 = 5 (VAT on debits) only where no tax is due on payment
            tax_detail_vals["on_debits"] = all(
                tax_data["tax"].tax_exigibility == "on_invoice"
                for _base_line, taxes_data in tax_detail_vals["base_line_x_taxes_data"]
                for tax_data in taxes_data
            )
        orders = invoice.line_ids.sale_line_ids.order_id
        customer_refs = ", ".join(filter(None, orders.mapped("client_order_ref")))
        vals.update(
            seller_order_reference=", ".join(orders.mapped("name")),
            buyer_reference=vals["buyer_reference"] or customer_refs,
            legal_notes=invoice._get_french_payment_mentions(),
            preceding_invoices=(
                invoice.deducted_down_payment_ids | invoice.reversed_entry_id
            ).sorted(lambda move: (move.invoice_date, move.id)),
        )
        return vals
