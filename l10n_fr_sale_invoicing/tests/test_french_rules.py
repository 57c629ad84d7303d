from unittest.mock import patch

from lxml import etree

from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.account_edi_ubl_cii.models.account_edi_xml_cii_facturx import (
    AccountEdiXmlCII as StockCII,
)

from .common import NS, FacturXCommon

BUSINESS_PROCESS = "//ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID"


@tagged("post_install", "-at_install", "-standard", "psi_fr")
class TestFrenchEInvoicingRules(FacturXCommon):
    """On the French database: the Factur-X of every kind of document that
    stock Odoo's invoicing makes passes France's official rules (FNFE-MPE's
    schematron of its profile and BR-FR-Flux2 V1.4.0); the business process,
    the parties and the refusals of what cannot make a valid one."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._set_french_seller()
        cls.documents = {}
        # a regular invoice, of a deal without down payment
        order = cls._order()
        order.order_line.qty_delivered = 10
        cls.documents["invoice"] = cls._invoice(order)
        # a down payment, an invoice without deduction, the final one
        _order, down_payment, intermediate, final = cls._story()
        cls.documents.update(
            {"down_payment": down_payment, "intermediate": intermediate, "final": final}
        )
        for name, invoice in list(cls.documents.items()):
            cls.documents[f"credit_note_of_{name}"] = cls._credit_note(invoice)
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
            cls.documents[name] = cls._invoice(order)
        # under the VAT franchise: no VAT, no VAT number
        cls.company.vat_franchise = True
        exempt = cls.env["account.chart.template"].ref("tva_sale_service_0")
        order = cls._order(taxes=exempt)
        order.order_line.qty_delivered = 10
        cls.documents["vat_franchise"] = cls._invoice(order)
        cls.company.vat_franchise = False

    def _xml_tree(self, invoice):
        return etree.fromstring(self._xml(invoice))

    def test_every_document_passes_the_official_rules(self):
        self.assertPassFrenchRules(self.documents)

    def test_business_process(self):
        """Services (the taxes' scope); 1 for an invoice or a down payment
        invoice, 4 for a definitive invoice after down payments, kept once
        the Factur-X is made."""
        expected = {
            "invoice": "S1",
            "down_payment": "S1",
            "intermediate": "S1",  # deducts nothing
            "final": "S4",
            "credit_note_of_invoice": "S1",
        }
        for name, code in expected.items():
            tree = self._xml_tree(self.documents[name])
            self.assertEqual(self._text(tree, BUSINESS_PROCESS), [code], name)
            self.assertEqual(self.documents[name].facturx_business_process, code)
        # fixed once made: the invoice paid afterwards keeps its code
        invoice = self.documents["private_person"]
        tree = self._xml_tree(invoice)
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({})._create_payments()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(invoice._compute_facturx_business_process(), "S2")
        tree = self._xml_tree(invoice)
        self.assertEqual(self._text(tree, BUSINESS_PROCESS), ["S1"])

    def test_parties(self):
        tree = self._xml_tree(self.documents["final"])
        seller = "//ram:SellerTradeParty/"
        buyer = "//ram:BuyerTradeParty/"
        self.assertEqual(
            self._text(tree, seller + "ram:SpecifiedLegalOrganization/ram:ID"),
            ["123456782"],
        )
        self.assertEqual(
            self._text(tree, seller + "ram:GlobalID[@schemeID='0009']"),
            ["12345678210001"],
        )
        self.assertEqual(
            self._text(tree, seller + "ram:URIUniversalCommunication/ram:URIID"),
            ["123456782_12345678210001"],
        )
        self.assertEqual(
            self._text(tree, buyer + "ram:SpecifiedLegalOrganization/ram:ID"),
            ["552100554"],
        )
        self.assertEqual(
            self._text(
                tree,
                buyer + "ram:URIUniversalCommunication/ram:URIID[@schemeID='0225']",
            ),
            ["552100554"],
        )
        self.assertEqual(
            self._text(tree, "//ram:URIID[@schemeID='SMTP']"), [], "no SMTP scheme"
        )
        self.assertEqual(
            self._text(
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
                self._text(
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

    def test_notes_and_business_process_of_another_module_are_kept(self):
        """A module that adds its own notes and business process before
        this addon's hook (as l10n_fr_pdp does): no subject code twice
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
        invoice = self._invoice(order, post=False)
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
                "//ram:BuyerTradeParty/ram:SpecifiedLegalOrganization",
                namespaces=NS,
            )
        )
