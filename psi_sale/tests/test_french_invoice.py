import json
import logging
import os
import subprocess
import tempfile
from unittest.mock import patch

import facturx
from lxml import etree

from odoo import tools
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command
from odoo.modules.module import get_module_path
from odoo.tests import Form, tagged

from odoo.addons.account_edi_ubl_cii.models.account_edi_xml_cii_facturx import (
    AccountEdiXmlCII as StockCII,
)
from odoo.addons.base.tests.common import BaseCommon
from odoo.addons.psi_sale.models.account_edi_xml_cii import (
    AccountEdiXmlCII as PsiCII,
)

from .common import missing_texts, print_without_styles_server

_logger = logging.getLogger(__name__)

# tools/facturx_rules.py of the checkout: France's official rules on Factur-X
FACTURX_RULES = os.path.join(
    os.path.dirname(get_module_path("psi_sale")), "tools", "facturx_rules.py"
)

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:"
    "ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
}


class FacturXCommon(BaseCommon):
    """An order of 10 days at 1,000 (10,000 untaxed, 20 % VAT) of a French
    customer, its down payment of 30 % and the invoices that deduct it in
    proportion (the acceptance example of French invoicing)."""

    @classmethod
    def setup_main_company(cls, currency_code=None):
        """The company keeps its currency: euros on the French database."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company.down_payment_deduction = "proportional"
        # the French chart's VAT on services, else the company's default
        cls.tax = (
            cls.env["account.tax"].search(
                [
                    ("company_id", "=", cls.company.id),
                    ("type_tax_use", "=", "sale"),
                    ("amount", "=", 20),
                    ("tax_scope", "=", "service"),
                ],
                limit=1,
            )
            or cls.company.account_sale_tax_id
        )
        cls.uom_day = cls.env.ref("uom.product_uom_day")
        cls.product_day = cls.env["product.product"].create(
            {
                "name": "Jour de conseil",
                "type": "service",
                "invoice_policy": "delivery",
                "service_type": "manual",
                "list_price": 1000,
                "uom_id": cls.uom_day.id,
                "uom_po_id": cls.uom_day.id,
                "taxes_id": [Command.set(cls.tax.ids)],
            }
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Imprimerie Lambert",
                "is_company": True,
                "street": "8 rue de la Paix",
                "zip": "75002",
                "city": "Paris",
                "country_id": cls.env.ref("base.fr").id,
                "company_registry": "552100554",
                "vat": "FR96552100554",
                "email": "compta@lambert.example.com",
                "lang": "fr_FR",
            }
        )

        cls.env["res.partner.bank"].create(
            {
                "acc_number": "FR1420041010050500013M02606",
                "partner_id": cls.company.partner_id.id,
            }
        )

    @classmethod
    def _order(cls):
        order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "client_order_ref": "BC-2026-118",
                "order_line": [
                    Command.create(
                        {"product_id": cls.product_day.id, "product_uom_qty": 10}
                    )
                ],
            }
        )
        order.action_confirm()
        return order

    @staticmethod
    def _invoice(order, mode, post=True, **values):
        """What the invoicing wizard creates for the order, posted unless told."""
        before = order.invoice_ids
        order.env["sale.advance.payment.inv"].with_context(
            active_model="sale.order", active_ids=order.ids
        ).create(dict(values, invoice_mode=mode)).create_invoices()
        invoice = order.invoice_ids - before
        if post:
            invoice.action_post()
        return invoice

    def _xml(self, invoice):
        """The Factur-X XML of the invoice."""
        xml, _errors = self.env["account.edi.xml.cii"]._export_invoice(invoice)
        return xml

    def _stock_xml(self, invoice):
        """The XML that stock Odoo writes: psi_sale's hooks and templates off."""
        views = self.env.ref("psi_sale.account_invoice_line_facturx_export_22")
        views |= self.env.ref("psi_sale.account_invoice_facturx_export_22")
        views.active = False
        try:
            with (
                patch.object(
                    PsiCII,
                    "_export_invoice_vals",
                    lambda cii, move: super(PsiCII, cii)._export_invoice_vals(move),
                ),
                patch.object(
                    PsiCII,
                    "_get_exchanged_document_vals",
                    lambda cii, move: super(PsiCII, cii)._get_exchanged_document_vals(
                        move
                    ),
                ),
            ):
                return self._xml(invoice)
        finally:
            views.active = True

    @classmethod
    def _story(cls):
        """The order; its down payment, intermediate (4 days) and final (6
        days) invoices, posted."""
        order = cls._order()
        line = order.order_line
        down_payment = cls._invoice(order, "percentage", amount=30)
        line.qty_delivered = 4
        intermediate = cls._invoice(order, "lines_deduct")
        line.qty_delivered = 10
        final = cls._invoice(order, "lines_deduct")
        return order, down_payment, intermediate, final


@tagged("post_install", "-at_install", "-standard", "psi_fr")
class TestFrenchFacturX(FacturXCommon):
    """On the French database: Factur-X that the Factur-X schema accepts and
    that tells the deal's story, embedded in the PDF of "Envoyer et
    imprimer"; the legal mentions in the PDF's text; no posting without the
    seller's SIRET or VAT number."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order, cls.down_payment, cls.intermediate, cls.final = cls._story()
        print_without_styles_server(cls.env)

    def assertValidFacturX(self, xml):
        """The XML passes the Factur-X XSD of its profile; return its tree."""
        self.assertTrue(facturx.xml_check_xsd(xml))
        return etree.fromstring(xml)

    def _text(self, tree, path):
        return [node.text for node in tree.xpath(path, namespaces=NS)]

    def _lines(self, tree):
        """(item name, unit, quantity, net amount) of each line."""
        return [
            (
                item.findtext("ram:SpecifiedTradeProduct/ram:Name", namespaces=NS),
                item.find("ram:SpecifiedLineTradeDelivery/ram:BilledQuantity", NS).get(
                    "unitCode"
                ),
                float(
                    item.findtext(
                        "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity",
                        namespaces=NS,
                    )
                ),
                float(
                    item.findtext(
                        "ram:SpecifiedLineTradeSettlement/"
                        "ram:SpecifiedTradeSettlementLineMonetarySummation/"
                        "ram:LineTotalAmount",
                        namespaces=NS,
                    )
                ),
            )
            for item in tree.xpath(
                "//ram:IncludedSupplyChainTradeLineItem", namespaces=NS
            )
        ]

    def _totals(self, tree):
        summation = "//ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:{}"
        return {
            name: float(self._text(tree, summation.format(name))[0])
            for name in (
                "LineTotalAmount",
                "TaxBasisTotalAmount",
                "TaxTotalAmount",
                "GrandTotalAmount",
            )
        }

    def _preceding(self, tree):
        return [
            (
                reference.findtext("ram:IssuerAssignedID", namespaces=NS),
                reference.findtext(
                    "ram:FormattedIssueDateTime/qdt:DateTimeString", namespaces=NS
                ),
            )
            for reference in tree.xpath(
                "//ram:InvoiceReferencedDocument", namespaces=NS
            )
        ]

    @staticmethod
    def _date(invoice):
        return invoice.invoice_date.strftime("%Y%m%d")

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

    def test_intermediate_and_final_invoices_reference_the_down_payment(self):
        for invoice, days, deducted in (
            (self.intermediate, 4, 1200),
            (self.final, 6, 1800),
        ):
            self.assertEqual(invoice.amount_untaxed, days * 1000 - deducted)
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
                [(unit, amount) for _name, unit, _quantity, amount in lines],
                [("DAY", days * 1000.0), ("C62", -deducted)],
            )
            self.assertEqual(
                [quantity for _name, _unit, quantity, _amount in lines],
                invoice.invoice_line_ids.filtered(
                    lambda line: line.display_type == "product"
                ).mapped("quantity"),
                "the quantities printed",
            )
            self.assertEqual(lines[0][2], days)
            self.assertTrue(all(line[0] for line in lines), "every line is named")
            totals = self._totals(tree)
            self.assertAlmostEqual(
                sum(line[3] for line in lines), totals["LineTotalAmount"]
            )
            self.assertEqual(
                totals,
                {
                    "LineTotalAmount": invoice.amount_untaxed,
                    "TaxBasisTotalAmount": invoice.amount_untaxed,
                    "TaxTotalAmount": invoice.amount_tax,
                    "GrandTotalAmount": invoice.amount_total,
                },
            )

    def test_days_delivered_by_hand_print_their_days_only(self):
        """No timesheet behind them: no hours beside their days, on the
        invoice as in its Factur-X."""
        html = self.env["ir.actions.report"]._render_qweb_html(
            "account.account_invoices", self.intermediate.ids
        )[0]
        days = " ".join(
            etree.fromstring(html, etree.HTMLParser())
            .xpath("//td[@name='td_quantity']")[0]
            .itertext()
        ).split()
        self.assertEqual(days[0], "4,00")
        self.assertNotIn(":", " ".join(days), "no hours that nobody logged")
        self.assertNotIn(b"HUR", self._xml(self.intermediate))

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


@tagged("post_install", "-at_install", "-standard", "psi_fr")
class TestFrenchEInvoicingRules(FacturXCommon):
    """On the French database: the Factur-X of every kind of document that
    psi_sale makes passes France's official rules (FNFE-MPE's schematron of
    its profile and BR-FR-Flux2 V1.4.0, tools/facturx_rules.py, run in the
    virtualenv that ``make test`` prepares: PSI_FACTURX_PYTHON); the business
    process, the parties and the refusals of what cannot make a valid one."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.documents = {}
        # a regular invoice, of a deal without down payment
        order = cls._order()
        order.order_line.qty_delivered = 10
        cls.documents["invoice"] = cls._invoice(order, "lines")
        # down payments deducted in proportion, then as soon as possible
        for policy in ("proportional", "capped"):
            cls.company.down_payment_deduction = policy
            _order, down_payment, intermediate, final = cls._story()
            cls.documents.update(
                {
                    f"down_payment_{policy}": down_payment,
                    f"intermediate_{policy}": intermediate,
                    f"final_{policy}": final,
                }
            )
        cls.company.down_payment_deduction = "proportional"
        for name, invoice in list(cls.documents.items()):
            cls.documents[f"credit_note_of_{name}"] = cls._credit_note(invoice)
        # a closing whose down payments exceed what is left: a credit note
        order = cls._order()
        cls.closing_down_payment = cls._invoice(order, "percentage", amount=30)
        order.order_line.qty_delivered = 2
        cls._invoice(order, "lines_deduct")
        action = order.action_close_order()
        cls.env[action["res_model"]].with_context(**action["context"]).create(
            {}
        ).action_close()
        cls.closing_credit_note = order.invoice_ids.filtered(
            lambda move: move.state == "draft"
        )
        cls.closing_credit_note.action_post()
        cls.documents["closing_credit_note"] = cls.closing_credit_note
        # a private person, a company abroad
        country_fr = cls.env.ref("base.fr")
        cls.person = cls.env["res.partner"].create(
            {
                "name": "Claire Marchand",
                "street": "3 rue Mercière",
                "zip": "69002",
                "city": "Lyon",
                "country_id": country_fr.id,
                "email": "claire.marchand@example.com",
            }
        )
        cls.abroad = cls.env["res.partner"].create(
            {
                "name": "Brasserie Dumont",
                "is_company": True,
                "street": "Rue Neuve 12",
                "zip": "1000",
                "city": "Bruxelles",
                "country_id": cls.env.ref("base.be").id,
                "vat": "BE0477472701",
                "email": "factures@dumont.example.com",
            }
        )
        for name, partner in (("private_person", cls.person), ("abroad", cls.abroad)):
            order = cls._order(partner=partner)
            order.order_line.qty_delivered = 10
            cls.documents[name] = cls._invoice(order, "lines")
        # under the VAT franchise: no VAT, no VAT number
        cls.company.vat_franchise = True
        exempt = cls.env["account.chart.template"].ref("tva_sale_service_0")
        order = cls._order(taxes=exempt)
        order.order_line.qty_delivered = 10
        cls.documents["vat_franchise"] = cls._invoice(order, "lines")
        cls.company.vat_franchise = False

    @classmethod
    def _order(cls, partner=None, taxes=None):
        order = cls.env["sale.order"].create(
            {
                "partner_id": (partner or cls.customer).id,
                "client_order_ref": "BC-2026-118",
                "order_line": [
                    Command.create(
                        {
                            "product_id": cls.product_day.id,
                            "product_uom_qty": 10,
                            **({"tax_id": [Command.set(taxes.ids)]} if taxes else {}),
                        }
                    )
                ],
            }
        )
        order.action_confirm()
        return order

    @classmethod
    def _credit_note(cls, invoice):
        reversal = (
            cls.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "Erreur"})
        )
        credit_note = cls.env["account.move"].browse(reversal.refund_moves()["res_id"])
        credit_note.action_post()
        return credit_note

    def _xml_tree(self, invoice):
        return etree.fromstring(self._xml(invoice))

    def _texts(self, tree, path):
        return [node.text for node in tree.xpath(path, namespaces=NS)]

    def test_every_document_passes_the_official_rules(self):
        """The XSD of Factur-X, the schematron of the profile each declares
        and BR-FR-Flux2: 0 errors each, in one run of the rules for all; the
        warnings are logged."""
        python = os.environ.get("PSI_FACTURX_PYTHON")
        self.assertTrue(
            python and os.path.exists(python),
            "PSI_FACTURX_PYTHON: the Python of .venv-facturx, that `make test` "
            "prepares (python3 -m tools.psi test)",
        )
        with tempfile.TemporaryDirectory() as folder:
            paths = {}
            for name, move in self.documents.items():
                xml = self._xml(move)
                self.assertTrue(facturx.xml_check_xsd(xml), name)
                paths[name] = os.path.join(folder, f"{name}.xml")
                with open(paths[name], "wb") as file:
                    file.write(xml)
            run = subprocess.run(
                [python, FACTURX_RULES, *paths.values()],
                capture_output=True,
                text=True,
                check=False,
                timeout=900,
            )
        self.assertTrue(run.stdout, run.stderr)
        results = json.loads(run.stdout)
        errors = {}
        for name, path in paths.items():
            result = results[path]
            _logger.info(
                "France's rules on the Factur-X of %s (%s): %d errors, %d warnings%s",
                name,
                self.documents[name].name,
                len(result["errors"]),
                len(result["warnings"]),
                "".join(
                    f"\n  {rule}: {text}" for rule, text, _at in result["warnings"]
                ),
            )
            if result["errors"]:
                errors[name] = result["errors"]
        self.assertFalse(errors, json.dumps(errors, indent=1, ensure_ascii=False))
        self.assertEqual(run.returncode, 0, run.stderr)

    def test_business_process(self):
        """Services (the taxes' scope); 1 for an invoice or a down payment
        invoice, 4 for a definitive invoice after down payments, kept once
        the Factur-X is made."""
        docs = self.documents
        expected = {
            "invoice": "S1",
            "down_payment_proportional": "S1",
            "intermediate_proportional": "S4",
            "final_proportional": "S4",
            "intermediate_capped": "S4",  # deducts the whole down payment
            "final_capped": "S1",  # deducts nothing
            "credit_note_of_invoice": "S1",
            "closing_credit_note": "S1",
        }
        for name, code in expected.items():
            tree = self._xml_tree(docs[name])
            self.assertEqual(
                self._texts(
                    tree,
                    "//ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID",
                ),
                [code],
                name,
            )
            self.assertEqual(docs[name].facturx_business_process, code)
        # fixed once made: the invoice paid afterwards keeps its code
        invoice = docs["private_person"]
        tree = self._xml_tree(invoice)
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({})._create_payments()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(invoice._compute_facturx_business_process(), "S2")
        tree = self._xml_tree(invoice)
        self.assertEqual(
            self._texts(
                tree, "//ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID"
            ),
            ["S1"],
        )

    def test_parties(self):
        tree = self._xml_tree(self.documents["intermediate_proportional"])
        seller = "//ram:SellerTradeParty/"
        buyer = "//ram:BuyerTradeParty/"
        self.assertEqual(
            self._texts(tree, seller + "ram:SpecifiedLegalOrganization/ram:ID"),
            ["123456782"],
        )
        self.assertEqual(
            self._texts(tree, seller + "ram:GlobalID[@schemeID='0009']"),
            ["12345678210001"],
        )
        self.assertEqual(
            self._texts(tree, seller + "ram:URIUniversalCommunication/ram:URIID"),
            ["123456782_12345678210001"],
        )
        self.assertEqual(
            self._texts(tree, buyer + "ram:SpecifiedLegalOrganization/ram:ID"),
            ["552100554"],
        )
        self.assertEqual(
            self._texts(
                tree,
                buyer + "ram:URIUniversalCommunication/ram:URIID[@schemeID='0225']",
            ),
            ["552100554"],
        )
        self.assertEqual(
            self._texts(tree, "//ram:URIID[@schemeID='SMTP']"), [], "no SMTP scheme"
        )
        self.assertEqual(
            self._texts(
                tree, buyer + "ram:DefinedTradeContact//ram:URIID[not(@schemeID)]"
            ),
            ["compta@lambert.example.com"],
        )
        self.assertEqual(self.customer.peppol_eas, "0225")
        self.assertEqual(self.customer.peppol_endpoint, "552100554")
        for name, category, address in (
            ("invoice", "B2B", "0225"),
            ("private_person", "B2C", "EM"),
            ("abroad", "B2BINT", "EM"),  # no Peppol address
        ):
            tree = self._xml_tree(self.documents[name])
            self.assertEqual(
                self._texts(
                    tree, "//ram:IncludedNote[ram:SubjectCode='BAR']/ram:Content"
                ),
                [category],
            )
            self.assertEqual(
                [
                    node.get("schemeID")
                    for node in tree.xpath(
                        buyer + "ram:URIUniversalCommunication/ram:URIID",
                        namespaces=NS,
                    )
                ],
                [address],
            )

    def test_closing_credit_note_references_the_down_payment_it_gives_back(self):
        tree = self._xml_tree(self.closing_credit_note)
        self.assertEqual(
            self._texts(tree, "//rsm:ExchangedDocument/ram:TypeCode"), ["381"]
        )
        self.assertEqual(
            self._texts(tree, "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID"),
            [self.closing_down_payment.name],
        )

    def test_notes_and_business_process_of_another_module_are_kept(self):
        """A module that adds its own notes and business process before
        psi_sale's hook (as l10n_fr_pdp does): no subject code twice
        (BR-FR-06), its business process kept."""

        def stock_with_notes(cii, invoice):
            vals = original(cii, invoice)
            vals["included_note_list"] = [
                {"subject_code": "PMD", "content": "Pénalités de retard : 10 %"}
            ]
            vals["business_process"] = "M1"
            return vals

        original = StockCII._get_exchanged_document_vals
        invoice = self.documents["invoice"]
        with patch.object(StockCII, "_get_exchanged_document_vals", stock_with_notes):
            vals = self.env["account.edi.xml.cii"]._get_exchanged_document_vals(invoice)
        self.assertNotIn("PMD", vals["legal_notes"])
        self.assertEqual(set(vals["legal_notes"]), {"PMT", "AAB", "BAR"})
        self.assertEqual(vals["business_process"], "M1")

    def _refused(self, partner=None, reason=""):
        """An invoice whose posting is refused for REASON: left a draft,
        without a number and without business process."""
        order = self._order(partner=partner)
        order.order_line.qty_delivered = 10
        invoice = self._invoice(order, "lines", post=False)
        with self.assertRaises(UserError) as refused:
            invoice.action_post()
        self.assertIn(reason, str(refused.exception))
        self.assertRecordValues(
            invoice,
            [{"state": "draft", "name": "/", "facturx_business_process": False}],
        )
        return invoice

    def test_posting_refused_without_what_a_valid_e_invoice_needs(self):
        for field, label in (
            ("invoice_penalty_rate", "late-payment penalty rate"),
            ("invoice_recovery_mention", "recovery indemnity mention"),
            ("invoice_discount_mention", "early-payment discount mention"),
        ):
            with self.subTest(field=field):
                before = self.company[field]
                self.company[field] = False
                self._refused(reason=label)
                self.company[field] = before
        french = self.customer.copy({"company_registry": False, "vat": False})
        self.assertFalse(french._get_siren())
        self._refused(french, "its SIRET or its VAT number")
        homeless = self.person.copy({"street": False, "city": False})
        self._refused(homeless, "its address")
        unreachable = self.person.copy({"email": False})
        self._refused(unreachable, "its e-mail")

    def test_private_person_needs_no_siren(self):
        invoice = self.documents["private_person"]
        self.assertEqual(invoice.state, "posted")
        tree = self._xml_tree(invoice)
        self.assertFalse(
            tree.xpath(
                "//ram:BuyerTradeParty/ram:SpecifiedLegalOrganization", namespaces=NS
            )
        )
