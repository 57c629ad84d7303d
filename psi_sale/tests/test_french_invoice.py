from lxml import etree

from odoo.tests import tagged

from .common import FrenchDealCommon

BUSINESS_PROCESS = "//ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID"


@tagged("post_install", "-at_install", "-standard", "psi_fr")
class TestFrenchDownPayments(FrenchDealCommon):
    """On the French database: the Factur-X of invoices that deduct a down
    payment in proportion tells the deal's story; days delivered by hand
    print no hours."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order, cls.down_payment, cls.intermediate, cls.final = cls._story()

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


@tagged("post_install", "-at_install", "-standard", "psi_fr")
class TestFrenchDownPaymentRules(FrenchDealCommon):
    """On the French database: the Factur-X of the documents that psi_sale's
    deduction policies and closing make passes France's official rules (as
    l10n_fr_sale_invoicing's own documents do), with their business process
    and preceding invoices."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.documents = {}
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

    def test_every_document_passes_the_official_rules(self):
        self.assertPassFrenchRules(self.documents)

    def test_business_process(self):
        """4 for a definitive invoice that deducts down payments, 1 for one
        that deducts nothing and for the closing's credit note."""
        expected = {
            "down_payment_proportional": "S1",
            "intermediate_proportional": "S4",
            "final_proportional": "S4",
            "intermediate_capped": "S4",  # deducts the whole down payment
            "final_capped": "S1",  # deducts nothing
            "closing_credit_note": "S1",
        }
        for name, code in expected.items():
            tree = etree.fromstring(self._xml(self.documents[name]))
            self.assertEqual(self._text(tree, BUSINESS_PROCESS), [code], name)
            self.assertEqual(self.documents[name].facturx_business_process, code)

    def test_closing_credit_note_references_the_down_payment_it_gives_back(self):
        tree = etree.fromstring(self._xml(self.closing_credit_note))
        self.assertEqual(
            self._text(tree, "//rsm:ExchangedDocument/ram:TypeCode"), ["381"]
        )
        self.assertEqual(
            self._text(tree, "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID"),
            [self.closing_down_payment.name],
        )
