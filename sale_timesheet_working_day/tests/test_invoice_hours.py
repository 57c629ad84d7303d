from lxml import etree

from odoo.tests import warmup

from .common import WorkingDayCommon


class TestInvoiceHours(WorkingDayCommon):
    """The hours an invoice prints beside a line in days are the timesheets
    behind it: those stock links to the invoice, which it does for lines
    invoiced on timesheets only. A line invoiced on its ordered quantity, or
    delivered by hand, prints its days only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a.timesheet_hours_per_day = 8
        # the invoices print in English, even on a database made in French
        # (whose English is then inactive: the report would fall back on French)
        cls.env["res.lang"]._activate_lang("en_US")
        cls.customer.lang = "en_US"
        cls.product_expertise = cls._service(
            "Jour d'expertise", 800, service_type="manual", service_tracking="no"
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
        cls.invoice_lines = cls.invoice.invoice_line_ids

    def _printed(self, invoice):
        """The quantity cell of each line of the printed invoice, whitespace
        folded, and the working day it says."""
        html = self.env["ir.actions.report"]._render_qweb_html(
            "account.account_invoices", invoice.ids
        )[0]
        document = etree.fromstring(html, etree.HTMLParser())
        return [
            " ".join(" ".join(cell.itertext()).split())
            for cell in document.xpath(
                "//td[@name='td_quantity'] | //div[@name='working_day']"
            )
        ]

    def test_2_ordered_days_with_8_hours_logged_print_their_days_only(self):
        self.assertRecordValues(
            self.invoice_lines,
            [
                {"quantity": 2, "timesheet_hours": 0, "quantity_hours": 16},
                {"quantity": 1, "timesheet_hours": 8, "quantity_hours": 8},
                {"quantity": 3, "timesheet_hours": 0, "quantity_hours": 24},
            ],
        )
        self.assertEqual(self.invoice.hours_per_day, 8)
        working_day, training, _consulting, expertise = self._printed(self.invoice)
        self.assertEqual(working_day, "Working Day 08:00 h")
        self.assertEqual(training, "2.00 Days", "not 16:00, nor its task's 8:00")
        self.assertEqual(expertise, "3.00 Days", "delivered by hand: no timesheet")

    def test_line_invoiced_on_timesheets_prints_their_hours(self):
        self.assertEqual(self._printed(self.invoice)[2], "1.00 Days 08:00 h")

    def test_its_timesheets_hours_even_when_its_days_were_changed(self):
        """A line's quantity changed on the draft: its hours stay those
        logged, not its new days in hours (which the tracking counts)."""
        line = self.invoice_lines[1]
        line.quantity = 0.5
        self.assertRecordValues(line, [{"timesheet_hours": 8, "quantity_hours": 4}])
        self.assertEqual(self._printed(self.invoice)[2], "0.50 Days 08:00 h")
        self.assertEqual(self.consulting.invoiced_hours, 4)

    def test_invoice_of_hours_prints_no_working_day(self):
        order = self._order((self.product_hourly, 10))
        self._log(order.order_line, (self.employee_1, 3))
        invoice = order._create_invoices()
        self.assertRecordValues(
            invoice.invoice_line_ids, [{"quantity_hours": 0, "timesheet_hours": 0}]
        )
        self.assertEqual(self._printed(invoice), ["3.00 Hours"])

    @warmup
    def test_time_spent_of_many_invoices_costs_what_one_does(self):
        order = self._order(*[(self.product_consulting, 5)] * 5)
        self._log(order.order_line, (self.employee_2, 4))
        invoices = self.invoice | order._create_invoices()
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        self.invoice.invoice_line_ids.mapped("timesheet_hours")
        one = self.cr.sql_log_count - before
        self.env.invalidate_all()
        with self.assertQueryCount(one):
            hours = invoices.invoice_line_ids.mapped("timesheet_hours")
        self.assertEqual(hours, [0, 8, 0] + [4] * 5)
