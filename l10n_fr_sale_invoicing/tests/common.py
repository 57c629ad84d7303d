import json
import logging
import os
import shutil
import subprocess
import tempfile
from unittest.mock import patch

import facturx
from lxml import etree

from odoo.fields import Command
from odoo.modules.module import get_module_path
from odoo.tests.common import HOST

from odoo.addons.base.tests.common import BaseCommon

from ..models.account_edi_xml_cii import AccountEdiXmlCII as FrenchCII

_logger = logging.getLogger(__name__)

# tools/facturx_rules.py of the checkout: France's official rules on Factur-X
FACTURX_RULES = os.path.join(
    os.path.dirname(get_module_path("l10n_fr_sale_invoicing")),
    "tools",
    "facturx_rules.py",
)

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:"
    "ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
}

# a French seller, as its invoices identify it
FRENCH_SELLER = {
    "street": "42 cours Lafayette",
    "zip": "69003",
    "city": "Lyon",
    "company_registry": "123456782",
    "vat": "FR11123456782",
}
FRENCH_SELLER_SIRET = "12345678210001"


def missing_texts(pdf, *texts):
    """The TEXTS that the PDF document does not show, as pdftotext
    (poppler-utils) reads it, whitespace folded."""
    shown = subprocess.run(
        [shutil.which("pdftotext") or "pdftotext", "-layout", "-", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode()
    shown = " ".join(shown.split())
    return [text for text in texts if text not in shown]


def page_count(pdf):
    """The number of pages of the PDF document, as pdfinfo (poppler-utils)
    reads it."""
    info = subprocess.run(
        [shutil.which("pdfinfo") or "pdfinfo", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout.decode()
    pages = next(line for line in info.splitlines() if line.startswith("Pages:"))
    return int(pages.split(":")[1])


def print_without_styles_server(env):
    """wkhtmltopdf fetches the documents' styles from web.base.url
    (localhost:8069), where another Odoo may serve its own (another
    checkout's ``make run``), drawing the text as images; this test server
    cannot serve them (the test's transaction holds its asset bundles). The
    documents are printed without fetching styles, their text as text."""
    env["ir.config_parameter"].set_param("report.url", f"http://{HOST}:1")


class FacturXCommon(BaseCommon):
    """An order of 10 days at 1,000 (10,000 untaxed, 20 % VAT) of a French
    customer, invoiced with stock Odoo's wizard: a down payment of 30 %, then
    the days delivered, the down payment deducted from the invoice that
    completes the order."""

    @classmethod
    def setup_main_company(cls, currency_code=None):
        """The company keeps its currency: euros on the French database."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
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
    def _set_french_seller(cls):
        """The company's identity as a French seller (address, SIREN, SIRET,
        VAT number) and the mentions' defaults, whatever a demo set."""
        cls.company.write(FRENCH_SELLER)
        if "siret" in cls.company._fields:  # l10n_fr
            cls.company.siret = FRENCH_SELLER_SIRET
        cls.company.write(
            {
                name: cls.company._fields[name].default(cls.company)
                for name in (
                    "invoice_penalty_rate",
                    "invoice_recovery_mention",
                    "invoice_discount_mention",
                )
            }
            | {"vat_franchise": False, "vat_on_debits": False}
        )

    @classmethod
    def _order(cls, partner=None, taxes=None):
        """A confirmed order of 10 days for PARTNER (the French customer if
        none), with TAXES if given."""
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

    @staticmethod
    def _invoice(order, method="delivered", post=True, **values):
        """What stock's invoicing wizard creates for the order (METHOD:
        delivered, percentage or fixed), posted unless told."""
        before = order.invoice_ids
        order.env["sale.advance.payment.inv"].with_context(
            active_model="sale.order", active_ids=order.ids
        ).create(dict(values, advance_payment_method=method)).create_invoices()
        invoice = order.invoice_ids - before
        if post:
            invoice.action_post()
        return invoice

    @classmethod
    def _story(cls):
        """The order; its down payment invoice, an intermediate invoice of 4
        days that deducts nothing and the final one of 6 days that deducts
        the down payment, posted."""
        order = cls._order()
        line = order.order_line
        down_payment = cls._invoice(order, "percentage", amount=30)
        line.qty_delivered = 4
        intermediate = cls._invoice(order, deduct_down_payments=False)
        line.qty_delivered = 10
        final = cls._invoice(order)
        return order, down_payment, intermediate, final

    @classmethod
    def _credit_note(cls, invoice):
        """The posted credit note of the whole INVOICE."""
        reversal = (
            cls.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "Erreur"})
        )
        credit_note = cls.env["account.move"].browse(reversal.refund_moves()["res_id"])
        credit_note.action_post()
        return credit_note

    def _xml(self, invoice):
        """The Factur-X XML of the invoice."""
        xml, _errors = self.env["account.edi.xml.cii"]._export_invoice(invoice)
        return xml

    def _stock_xml(self, invoice):
        """The XML that stock Odoo writes: this addon's hooks and templates
        off."""
        views = self.env.ref(
            "l10n_fr_sale_invoicing.account_invoice_line_facturx_export_22"
        )
        views |= self.env.ref(
            "l10n_fr_sale_invoicing.account_invoice_facturx_export_22"
        )
        views.active = False
        try:
            with (
                patch.object(
                    FrenchCII,
                    "_export_invoice_vals",
                    lambda cii, move: super(FrenchCII, cii)._export_invoice_vals(move),
                ),
                patch.object(
                    FrenchCII,
                    "_get_exchanged_document_vals",
                    lambda cii, move: super(
                        FrenchCII, cii
                    )._get_exchanged_document_vals(move),
                ),
            ):
                return self._xml(invoice)
        finally:
            views.active = True

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

    def assertPassFrenchRules(self, documents):
        """The Factur-X of each of DOCUMENTS ({name: invoice}) passes the XSD
        of Factur-X, the schematron of the profile it declares and
        BR-FR-Flux2 (tools/facturx_rules.py, run once for all in the
        virtualenv that ``make test`` prepares: PSI_FACTURX_PYTHON): 0 errors
        each; the warnings are logged."""
        python = os.environ.get("PSI_FACTURX_PYTHON")
        self.assertTrue(
            python and os.path.exists(python),
            "PSI_FACTURX_PYTHON: the Python of .venv-facturx, that `make test` "
            "prepares (python3 -m tools.psi test)",
        )
        with tempfile.TemporaryDirectory() as folder:
            paths = {}
            for name, move in documents.items():
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
                documents[name].name,
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
