from lxml import etree

from odoo.fields import Command
from odoo.tests import Form, tagged

from .common import (
    NS,
    FacturXCommon,
    missing_texts,
    page_count,
    print_without_styles_server,
)

DEBITS_MENTION = "Option pour le paiement de la taxe d'après les débits"


@tagged("post_install", "-at_install", "-standard", "psi_fr")
class TestFrenchVatOnCollection(FacturXCommon):
    """On the French database: services pay VAT on collection unless the
    company opted for debits; each invoice's debits mention and BT-8 follow
    its own taxes; the invoice PDF names both parties in its body, with the
    2026 mentions, and a one-line invoice is one page."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._set_french_seller()
        cls.company.write(
            {"legal_form": "SAS", "share_capital": 10000, "trade_register_city": "Lyon"}
        )
        print_without_styles_server(cls.env)

    def _service(self, name="Jour d'audit"):
        return self.env["product.template"].create(
            {"name": name, "type": "service", "list_price": 1000}
        )

    def _taxes(self, product):
        """The product's sale taxes in the company (shared products have
        each company's)."""
        return product.taxes_id.filtered(lambda tax: tax.company_id == self.company)

    def _posted_invoice(self, product, **values):
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_line_ids": [
                    Command.create(
                        {"product_id": product.product_variant_id.id, "quantity": 1}
                    )
                ],
                **values,
            }
        )
        invoice.action_post()
        return invoice

    def _due_date_codes(self, invoice):
        xml, _errors = self.env["account.edi.xml.cii"]._export_invoice(invoice)
        return etree.fromstring(xml).xpath(
            "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/"
            "ram:DueDateTypeCode/text()",
            namespaces=NS,
        )

    def _pdf(self, invoice):
        report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        return report._render_qweb_pdf("account.account_invoices", invoice.ids)[0]

    def test_new_service_is_taxed_on_collection(self):
        product = self._service()
        self.assertRecordValues(
            self._taxes(product),
            [{"amount": 20, "tax_exigibility": "on_payment", "tax_scope": "service"}],
        )
        variant = self.env["product.product"].create(
            {"name": "Heure de support", "type": "service"}
        )
        self.assertEqual(self._taxes(variant), self._taxes(product), "a variant too")
        goods = self.env["product.template"].create({"name": "Classeur"})
        self.assertEqual(self._taxes(goods), self.company.account_sale_tax_id)
        with Form(self.env["product.template"]) as form:
            form.name = "Jour de formation"
            form.type = "service"
        self.assertEqual(self._taxes(form.record), self._taxes(product), "the form too")

        invoice = self._posted_invoice(product)
        self.assertEqual(self._due_date_codes(invoice), [], "no VAT on debits")
        pdf = self._pdf(invoice)
        self.assertFalse(missing_texts(pdf, "Prestation de services"))
        self.assertTrue(missing_texts(pdf, "débits"), "no debits mention")

    def test_option_for_debits(self):
        settings = Form(self.env["res.config.settings"])
        settings.vat_on_debits = True
        settings.save().execute()
        product = self._service()
        # the French chart's tax due on invoice is for goods: a service one
        # is made, so that the invoice still says services (BT-23, PDF)
        self.assertRecordValues(
            self._taxes(product),
            [{"amount": 20, "tax_exigibility": "on_invoice", "tax_scope": "service"}],
        )
        invoice = self._posted_invoice(product)
        self.assertEqual(self._due_date_codes(invoice), ["5"])
        self.assertEqual(invoice.facturx_business_process, "S1")
        self.assertFalse(
            missing_texts(self._pdf(invoice), DEBITS_MENTION, "Prestation de services")
        )

    def test_option_applies_to_existing_services_on_demand_only(self):
        service, goods = (
            self._service(),
            self.env["product.template"].create({"name": "Classeur", "type": "consu"}),
        )
        on_payment = self._taxes(service)
        posted = self._posted_invoice(service)
        self.company.vat_on_debits = True
        self.assertEqual(self._taxes(service), on_payment, "not without the button")
        settings = self.env["res.config.settings"].create({})
        settings.action_apply_vat_option_to_products()
        self.assertRecordValues(
            self._taxes(service), [{"tax_exigibility": "on_invoice"}]
        )
        self.assertEqual(self._taxes(goods), self.company.account_sale_tax_id)
        self.assertEqual(posted.invoice_line_ids.tax_ids, on_payment, "never rewritten")
        self.assertEqual(self._due_date_codes(posted), [])
        self.assertTrue(missing_texts(self._pdf(posted), "débits"))
        self.company.vat_on_debits = False
        self.company.action_apply_vat_option_to_products()
        self.assertEqual(self._taxes(service), on_payment, "and back")

    def test_debits_follow_each_invoice_taxes(self):
        """Services on payment never say debits; goods (on invoice) do."""
        service = self._service()
        goods = self.env["product.template"].create(
            {"name": "Classeur", "type": "consu", "list_price": 10}
        )
        invoice = self._posted_invoice(service)
        self.assertEqual(self._due_date_codes(invoice), [])
        invoice = self._posted_invoice(goods)
        self.assertEqual(self._due_date_codes(invoice), ["5"], "goods: on invoice")

    def test_invoice_pdf_names_both_parties_on_one_page(self):
        delivery = self.env["res.partner"].create(
            {
                "name": "Entrepôt Lambert",
                "type": "delivery",
                "parent_id": self.customer.id,
                "street": "3 quai de Seine",
                "zip": "93200",
                "city": "Saint-Denis",
                "country_id": self.env.ref("base.fr").id,
            }
        )
        invoice = self._posted_invoice(self._service(), partner_shipping_id=delivery.id)
        pdf = self._pdf(invoice)
        self.assertFalse(
            missing_texts(
                pdf,
                "Vendeur",
                self.company.name,
                self.company.street,
                f"{self.company.zip} {self.company.city}",
                "SAS au capital de 10 000,00 €",
                "SIRET : 12345678210001",
                "TVA : FR11123456782",
                "Client",
                "Imprimerie Lambert",
                "8 rue de la Paix",
                "75002 Paris",
                "SIREN : 552100554",
                "TVA : FR96552100554",
                "Adresse de livraison",
                "3 quai de Seine",
                "93200 Saint-Denis",
                "Prestation de services",
                "Pénalités de retard : 12,15 % par an",
            )
        )
        self.assertEqual(page_count(pdf), 1)

    def test_nature_of_operations_from_products_without_tax_scope(self):
        goods = self.env["product.template"].create(
            {"name": "Classeur", "type": "consu", "taxes_id": [Command.clear()]}
        )
        service = self._service()
        service.taxes_id = False
        invoice = self._posted_invoice(goods)
        self.assertEqual(invoice._get_operation_nature(), "goods")
        mentions = invoice.with_context(lang="fr_FR")._get_french_legal_mentions()
        self.assertIn("Nature des opérations : livraison de biens", mentions)
        invoice = self._posted_invoice(service)
        invoice.button_draft()
        invoice.invoice_line_ids = [
            Command.create({"product_id": goods.product_variant_id.id, "quantity": 1})
        ]
        self.assertEqual(invoice._get_operation_nature(), "mixed")
        self.assertFalse(
            missing_texts(
                self._pdf(invoice), "Nature des opérations : mixte (biens et services)"
            )
        )
