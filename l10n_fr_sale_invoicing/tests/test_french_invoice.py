from unittest.mock import patch

import facturx
from lxml import etree

from odoo import tools
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import NS, FacturXCommon, missing_texts, print_without_styles_server


@tagged("post_install", "-at_install", "-standard", "psi_fr")
class TestFrenchFacturX(FacturXCommon):
    """On the French database: Factur-X that the Factur-X schema accepts and
    that tells the deal's story, embedded in the PDF of "Envoyer et
    imprimer"; the legal mentions in the PDF's text; no posting without the
    seller's SIRET or VAT number."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._set_french_seller()
        cls.order, cls.down_payment, cls.intermediate, cls.final = cls._story()
        print_without_styles_server(cls.env)

    def test_down_payment_invoice_is_a_prepayment_invoice(self):
        self.assertEqual(self.down_payment.amount_untaxed, 3000)
        tree = self.assertValidFacturX(self._xml(self.down_payment))
        self.assertEqual(
            self._text(tree, "//rsm:ExchangedDocument/ram:TypeCode"), ["386"]
        )
        self.assertEqual(self._text(tree, "//ram:InvoiceCurrencyCode"), ["EUR"])
        ((name, unit, quantity, amount),) = self._lines(tree)
        self.assertTrue(name, "the down payment line has an item name (BT-153)")
        self.assertEqual((unit, quantity, amount), ("C62", 1.0, 3000.0))
        self.assertEqual(self._preceding(tree), [])
        notes = {
            note.findtext("ram:SubjectCode", namespaces=NS): note.findtext(
                "ram:Content", namespaces=NS
            )
            for note in tree.xpath(
                "//rsm:ExchangedDocument/ram:IncludedNote", namespaces=NS
            )
        }
        self.assertEqual(
            notes,
            {
                "PMD": "Pénalités de retard : 12,15 % par an",
                "PMT": "Indemnité forfaitaire pour frais de recouvrement : 40 €",
                "AAB": "Pas d'escompte pour paiement anticipé",
                "BAR": "B2B",
            },
            "the payment mentions that French rules want as notes (BR-FR-05)",
        )

    def test_stock_xml_of_a_down_payment_is_rejected_by_the_schema(self):
        """What psi_sale fixes: stock's line without item name (BR-25)."""
        stock_xml = self._stock_xml(self.down_payment)
        self.assertIn(b"<ram:TypeCode>380</ram:TypeCode>", stock_xml)
        with (
            self.assertLogs("factur-x", "ERROR"),
            self.assertRaisesRegex(Exception, "Description': This element is not"),
        ):
            facturx.xml_check_xsd(stock_xml)

    def test_intermediate_invoice_references_nothing(self):
        self.assertEqual(self.intermediate.amount_untaxed, 4000)
        tree = self.assertValidFacturX(self._xml(self.intermediate))
        self.assertEqual(self._preceding(tree), [])
        self.assertEqual(
            [(unit, amount) for _name, unit, _quantity, amount in self._lines(tree)],
            [("DAY", 4000.0)],
        )

    def test_final_invoice_references_the_down_payment_it_deducts(self):
        invoice = self.final
        self.assertEqual(invoice.amount_untaxed, 6000 - 3000)
        self.assertEqual(invoice.deducted_down_payment_ids, self.down_payment)
        tree = self.assertValidFacturX(self._xml(invoice))
        self.assertEqual(
            self._text(tree, "//rsm:ExchangedDocument/ram:TypeCode"), ["380"]
        )
        self.assertEqual(
            self._preceding(tree),
            [(self.down_payment.name, self._date(self.down_payment))],
        )
        lines = self._lines(tree)
        self.assertEqual(
            [(unit, quantity, amount) for _name, unit, quantity, amount in lines],
            [("DAY", 6.0, 6000.0), ("C62", -1.0, -3000.0)],
        )
        self.assertTrue(all(line[0] for line in lines), "every line is named")
        self.assertEqual(
            self._totals(tree),
            {
                "LineTotalAmount": invoice.amount_untaxed,
                "TaxBasisTotalAmount": invoice.amount_untaxed,
                "TaxTotalAmount": invoice.amount_tax,
                "GrandTotalAmount": invoice.amount_total,
            },
        )
        (deduction,) = invoice._get_deducted_down_payments()
        self.assertEqual(
            deduction,
            {"invoice": self.down_payment, "amount": 3600.0, "deducted": 3600.0},
        )

    def test_order_and_customer_references(self):
        tree = etree.fromstring(self._xml(self.intermediate))
        agreement = "//ram:ApplicableHeaderTradeAgreement/"
        self.assertEqual(
            self._text(
                tree,
                agreement + "ram:SellerOrderReferencedDocument/ram:IssuerAssignedID",
            ),
            [self.order.name],
        )
        self.assertEqual(
            self._text(
                tree,
                agreement + "ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID",
            ),
            ["BC-2026-118"],
        )
        self.assertEqual(
            self._text(tree, agreement + "ram:BuyerReference"), ["BC-2026-118"]
        )

    def test_credit_note_references_the_invoice_it_reverses(self):
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=self.intermediate.ids)
            .create({"journal_id": self.intermediate.journal_id.id, "reason": "Erreur"})
        )
        credit_note = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
        credit_note.action_post()
        tree = self.assertValidFacturX(self._xml(credit_note))
        self.assertEqual(
            self._text(tree, "//rsm:ExchangedDocument/ram:TypeCode"), ["381"]
        )
        self.assertIn(
            (self.intermediate.name, self._date(self.intermediate)),
            self._preceding(tree),
        )

    def test_send_and_print_embeds_factur_x_and_prints_the_mentions(self):
        """ "Envoyer et imprimer" of each invoice: a PDF that holds its
        Factur-X (read back by the factur-x package) and, in its text, the
        legal mentions of a French invoice."""
        for invoice in (self.down_payment, self.intermediate, self.final):
            wizard = self.env["account.move.send.wizard"].create(
                {"move_id": invoice.id, "sending_methods": ["manual"]}
            )
            self.assertEqual(wizard.invoice_edi_format, "facturx")
            # stock skips the PDF and its Factur-X under test: not here
            with patch.dict(tools.config.options, {"test_enable": False}):
                wizard.action_send_and_print()
            pdf = invoice.invoice_pdf_report_id.raw
            _filename, xml = facturx.get_facturx_xml_from_pdf(pdf)
            tree = etree.fromstring(xml)
            self.assertEqual(
                self._text(tree, "//rsm:ExchangedDocument/ram:ID"), [invoice.name]
            )
            self.assertFalse(
                missing_texts(
                    pdf,
                    "Pénalités de retard : 12,15 % par an",
                    "Indemnité forfaitaire pour frais de recouvrement : 40 €",
                    "Pas d'escompte pour paiement anticipé",
                    "SIRET : 12345678210001",
                    "TVA : FR11123456782",
                    "SIREN : 552100554",
                    "Prestation de services",
                )
            )

    def test_mentions_follow_the_settings(self):
        settings = Form(self.env["res.config.settings"])
        self.assertTrue(settings.is_french_company)
        settings.invoice_penalty_rate = 15
        settings.invoice_discount_mention = "Escompte de 1 % pour paiement à 8 jours"
        settings.vat_franchise = True
        settings.save().execute()
        mentions = self.intermediate.with_context(
            lang="fr_FR"
        )._get_french_legal_mentions()
        self.assertIn("Pénalités de retard : 15,00 % par an", mentions)
        self.assertIn("Escompte de 1 % pour paiement à 8 jours", mentions)
        self.assertIn("TVA non applicable, art. 293 B du CGI", mentions)

    def test_negative_penalty_rate_is_refused(self):
        with self.assertRaises(ValidationError) as refused:
            self.company.invoice_penalty_rate = -1
        self.assertIn("cannot be negative", str(refused.exception))
        self.env.invalidate_all()
        self.assertEqual(self.company.invoice_penalty_rate, 12.15)

    def _posting_refused(self, reason):
        """A down payment invoice whose posting is refused for REASON: left
        a draft, without a number."""
        invoice = self._invoice(self._order(), "percentage", post=False, amount=30)
        with self.assertRaises(UserError) as refused:
            invoice.action_post()
        self.assertIn(reason, str(refused.exception))
        self.assertRecordValues(invoice, [{"state": "draft", "name": "/"}])
        return invoice

    def test_no_posting_without_siret(self):
        # its SIREN comes from its SIRET, company ID or VAT number
        self.company.write({"siret": False, "company_registry": False, "vat": False})
        self._posting_refused("has no SIRET")

    def test_no_vat_charged_without_vat_number_unless_franchise(self):
        self.company.vat = False
        invoice = self._posting_refused("has no VAT number")
        self.company.vat_franchise = True
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")


@tagged("post_install", "-at_install")
class TestFacturXOutsideFrance(FacturXCommon):
    """A company outside France: its Factur-X stays stock Odoo's, byte for
    byte, and nothing of French law is printed or checked."""

    def test_factur_x_unchanged(self):
        self.assertNotEqual(self.company.account_fiscal_country_id.code, "FR")
        self.company.vat = False
        _order, *invoices = self._story()
        self.assertEqual({invoice.state for invoice in invoices}, {"posted"})
        for invoice in invoices:
            xml = self._xml(invoice)
            self.assertIn(b"<ram:TypeCode>380</ram:TypeCode>", xml)
            self.assertEqual(xml, self._stock_xml(invoice))
            self.assertEqual(invoice._get_french_legal_mentions(), [])
