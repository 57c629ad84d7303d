from lxml import etree

from odoo.fields import Command
from odoo.tests import tagged

from .common import PsiCommon
from .factory import service_product


@tagged("post_install", "-at_install")
class TestInvoiceDays(PsiCommon):
    """A French invoice in days (sale_timesheet_working_day tests the hours it
    prints): its days in the customer's language, the same days in its
    Factur-X, and no hours."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a.timesheet_hours_per_day = 8
        cls.customer.lang = "fr_FR"  # the invoice of the issue: "2,00 Jours"
        cls.product_expertise = service_product(
            cls.env,
            "Jour d'expertise",
            800,
            service_type="manual",
            service_tracking="no",
            taxes_id=[Command.clear()],
        )
        # 2 training days ordered, 1 consulting day, 3 expertise days by hand
        cls.order = cls._order(
            (cls.product_training, 2),
            (cls.product_consulting, 5),
            (cls.product_expertise, 3),
        )
        cls.training, cls.consulting, cls.expertise = cls.order.order_line
        cls._log(cls.training + cls.consulting, (cls.employee_1, 8))
        cls.expertise.qty_delivered = 3
        cls.invoice = cls.order._create_invoices()

    def _printed(self, invoice):
        """The quantity cell of each line of the printed invoice, whitespace
        folded."""
        html = self.env["ir.actions.report"]._render_qweb_html(
            "account.account_invoices", invoice.ids
        )[0]
        return [
            " ".join(" ".join(cell.itertext()).split())
            for cell in etree.fromstring(html, etree.HTMLParser()).xpath(
                "//td[@name='td_quantity']"
            )
        ]

    def _factur_x_lines(self, invoice):
        """(unit, quantity, line notes) of each line of the Factur-X XML."""
        xml, _errors = self.env["account.edi.xml.cii"]._export_invoice(invoice)
        self.assertNotIn(b"HUR", xml, "no line goes out in hours")
        ns = {
            "ram": "urn:un:unece:uncefact:data:standard:"
            "ReusableAggregateBusinessInformationEntity:100"
        }
        return [
            (
                item.find(".//ram:BilledQuantity", ns).get("unitCode"),
                float(item.findtext(".//ram:BilledQuantity", namespaces=ns)),
                item.xpath(
                    "ram:AssociatedDocumentLineDocument/ram:IncludedNote", namespaces=ns
                ),
            )
            for item in etree.fromstring(xml).xpath(
                "//ram:IncludedSupplyChainTradeLineItem", namespaces=ns
            )
        ]

    def test_days_print_in_the_customer_language_hours_beside_timesheets(self):
        self.assertEqual(
            self._printed(self.invoice),
            ["2,00 Jours", "1,00 Jours 08:00 h", "3,00 Jours"],
            "2 days ordered print no 16:00, nor their task's 8:00",
        )

    def test_factur_x_carries_the_days_printed_and_no_hours(self):
        self.assertEqual(
            self._factur_x_lines(self.invoice),
            [("DAY", 2.0, []), ("DAY", 1.0, []), ("DAY", 3.0, [])],
        )
