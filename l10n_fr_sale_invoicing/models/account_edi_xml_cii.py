from odoo import models


class AccountEdiXmlCII(models.AbstractModel):
    """Factur-X of French invoices that France's rules (FNFE-MPE's
    schematrons, BR-FR-Flux2) accept and that tells the deal's story: the
    business process (BT-23), down payment invoices (386), the down payment
    invoices an invoice deducts and the invoice a credit note reverses
    (preceding invoices, BG-3), an item name on every line, the order's and
    the customer's references, the payment mentions that French rules want as
    notes (PMD, PMT, AAB) and the kind of sale (BAR), the parties' SIREN,
    SIRET and electronic addresses, VAT on debits (BT-8) only for taxes due
    on invoice. Other companies' Factur-X stays stock Odoo's."""

    _inherit = "account.edi.xml.cii"

    def _get_exchanged_document_vals(self, invoice):
        """Add the notes and the business process where none is there: a
        module that adds its own (Odoo's l10n_fr_pdp) keeps them, and no
        subject code comes twice (BR-FR-06)."""
        vals = super()._get_exchanged_document_vals(invoice)
        if not invoice._is_french_sale():
            return vals
        if invoice.move_type == "out_invoice" and invoice._is_downpayment():
            vals["type_code"] = "386"  # prepayment invoice
        present = {
            note.get("subject_code") for note in vals.get("included_note_list") or []
        }
        notes = dict(
            invoice._get_french_payment_mentions(),
            BAR=invoice._get_french_customer_category(),
        )
        vals["legal_notes"] = {
            code: text for code, text in notes.items() if code not in present
        }
        if not vals.get("business_process"):
            vals["business_process"] = invoice._get_facturx_business_process()
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
        company = invoice.company_id
        vals.update(
            is_french_facturx=True,
            seller_order_reference=", ".join(orders.mapped("name")),
            buyer_reference=vals["buyer_reference"] or customer_refs,
            preceding_invoices=invoice._get_preceding_invoices(),
            # legal IDs under scheme 0002: the SIREN (BT-30, BT-47)
            seller_specified_legal_organization=company._get_siren(),
            buyer_specified_legal_organization=invoice.commercial_partner_id._get_siren(),
            seller_party={
                "global_id": company.partner_id._get_siret(),  # BT-29, 0009
                "address": company.partner_id._get_electronic_address(),  # BT-34
            },
            buyer_party={"address": invoice.partner_id._get_electronic_address()},
        )
        return vals
