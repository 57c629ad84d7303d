from lxml import etree

from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command
from odoo.tests import Form, tagged, warmup

from odoo.addons.psi_sale.models.sale_order_line import SaleOrderLine as PsiLine

from .common import PsiCommon
from .factory import service_product


@tagged("post_install", "-at_install")
class TestDaysHours(PsiCommon):
    """Each company's and each contract's working day, wherever days meet hours."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b.timesheet_hours_per_day = 8
        cls.employee_b = cls.env["hr.employee"].create(
            {"name": "Lucas Peeters", "company_id": cls.company_b.id}
        )

    def test_10_days_at_7_hours_give_a_task_of_70_hours(self):
        order = self._order()
        line = order.order_line
        self.assertEqual(order.hours_per_day, 7)
        self.assertEqual(len(order.project_ids), 1)
        self.assertEqual(line.task_id.allocated_hours, 70)
        self.assertAlmostEqual(line.task_id.allocated_days, 10)
        self.assertEqual(line.ordered_hours, 70)
        self.assertEqual(order.project_ids.allocated_hours, 70)

    def test_16_hours_at_7_hours_a_day_deliver_2_29_days_and_are_invoiced(self):
        order = self._order()
        line = order.order_line
        self._log(line, (self.employee_1, 9), (self.employee_2, 7))
        self.assertEqual(line.qty_delivered, 2.29)
        self.assertEqual(line.delivered_hours, 16)
        self.assertEqual(line.remaining_hours, 0, "not a prepaid line: stock keeps 0")
        invoice = order._create_invoices()
        self.assertRecordValues(
            invoice.invoice_line_ids,
            [{"quantity": 2.29, "price_subtotal": 1374.0, "quantity_hours": 16}],
        )

    def test_half_day_rounding_delivers_2_5_days(self):
        self.company_a.timesheet_day_rounding = "half"
        order = self._order()
        self.assertEqual(order.day_rounding, "half")
        self._log(order.order_line, (self.employee_1, 9), (self.employee_2, 7))
        self.assertEqual(order.order_line.qty_delivered, 2.5)
        invoice = order._create_invoices()
        self.assertEqual(invoice.invoice_line_ids.quantity, 2.5)
        self.assertEqual(invoice.amount_untaxed, 1500)

    def test_another_company_keeps_its_8_hour_day(self):
        order_b = self._order(company=self.company_b)
        self.assertEqual(order_b.hours_per_day, 8)
        self.assertEqual(order_b.order_line.task_id.allocated_hours, 80)
        self._log(order_b.order_line, (self.employee_b, 16))
        self.assertEqual(order_b.order_line.qty_delivered, 2)

    def test_a_customer_contract_of_7_5_hours(self):
        contract = self.env["res.partner"].create(
            {"name": "Client au forfait", "timesheet_hours_per_day": 7.5}
        )
        contact = self.env["res.partner"].create(
            {"name": "Acheteur", "parent_id": contract.id}
        )
        self.assertEqual(contact.timesheet_hours_per_day, 7.5, "a commercial field")
        order = self._order(partner=contact)
        self.assertEqual(order.hours_per_day, 7.5)
        self._log(order.order_line, (self.employee_1, 15))
        self.assertEqual(order.order_line.qty_delivered, 2)
        other = self._order()
        self._log(other.order_line, (self.employee_1, 15))
        self.assertEqual(other.order_line.qty_delivered, 2.14)

    def test_confirmed_order_keeps_its_day_until_a_manager_changes_it(self):
        order = self._order()
        line = order.order_line
        self._log(line, (self.employee_1, 9), (self.employee_2, 7))
        self.company_a.timesheet_hours_per_day = 8
        self.assertEqual(order.hours_per_day, 7)
        self.assertEqual(line.qty_delivered, 2.29)
        with self.assertRaises(UserError):
            order.with_user(self.salesman_all).hours_per_day = 8
        self.assertEqual(order.hours_per_day, 7)
        order.with_user(self.sales_manager).with_context(
            tracking_disable=False, mail_notrack=False
        ).hours_per_day = 8
        self.assertEqual(line.qty_delivered, 2)
        self.assertEqual(line.task_id.allocated_hours, 80)
        self.env.flush_all()
        self.env.cr.precommit.run()
        tracked = order.message_ids.tracking_value_ids.filtered(
            lambda value: value.field_id.name == "hours_per_day"
        )
        self.assertRecordValues(tracked, [{"old_value_float": 7, "new_value_float": 8}])

    def test_quotation_day_follows_the_customer(self):
        contract = self.env["res.partner"].create(
            {"name": "Client 7h30", "timesheet_hours_per_day": 7.5}
        )
        with Form(self.env["sale.order"]) as form:
            form.partner_id = self.customer
            self.assertEqual(form.hours_per_day, 7)
            form.partner_id = contract
            self.assertEqual(form.hours_per_day, 7.5)
            form.hours_per_day = 6
        self.assertEqual(form.record.hours_per_day, 6)

    def test_ordered_quantity_change_updates_allocated_hours(self):
        order = self._order()
        order.order_line.product_uom_qty = 4
        self.assertEqual(order.order_line.task_id.allocated_hours, 28)

    def test_line_sold_in_hours_gives_stock_figures(self):
        order = self._order((self.product_hourly, 10))
        line = order.order_line
        self.assertEqual(line.task_id.allocated_hours, 10)
        self._log(line, (self.employee_1, 9), (self.employee_2, 7))
        self.assertEqual(line.qty_delivered, 16)
        self.assertEqual(line.remaining_hours, 0)
        stock = self.uom_hour._compute_quantity(16, self.uom_day)
        self.assertEqual(stock, 2, "the global unit of measure is untouched")
        self.assertEqual(self.uom_day.factor, 1)
        self.assertEqual(self.uom_hour.factor, 8)

    def test_hours_per_day_out_of_range_is_refused(self):
        order = self._order()
        for hours in (0, -1, 24.5):
            with self.subTest(hours=hours):
                with self.assertRaises(ValidationError):
                    self.company_a.timesheet_hours_per_day = hours
                with self.assertRaises(ValidationError):
                    order.hours_per_day = hours
                with (
                    self.assertRaises(ValidationError),
                    Form(self.env["sale.order"]) as form,
                ):
                    form.partner_id = self.customer
                    form.hours_per_day = hours
        for hours in (-1, 25):
            with self.subTest(partner_hours=hours):
                with self.assertRaises(ValidationError):
                    self.customer.timesheet_hours_per_day = hours
        self.assertEqual(self.company_a.timesheet_hours_per_day, 7)
        self.assertEqual(order.hours_per_day, 7)
        self.assertEqual(self.customer.timesheet_hours_per_day, 0)
        self.assertEqual(
            self.env["sale.order"].search_count(
                [("partner_id", "=", self.customer.id)]
            ),
            1,
        )


@tagged("post_install", "-at_install")
class TestDaysHoursQueries(PsiCommon):
    """Recomputing delivered days costs no query per line."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.orders = cls.env["sale.order"].concat(
            *(
                cls._order(*[(cls.product_consulting, 20)] * 20, confirm=False)
                for _order in range(10)
            )
        )
        cls.orders.action_confirm()
        cls.lines = cls.orders.order_line
        cls._log(cls.lines, *[(cls.employee_1, 3.5)] * 50)

    @warmup
    def test_recompute_delivered_of_200_lines_at_most_5_queries_over_stock(self):  # pylint: disable=missing-return,super-method-mismatch
        self.assertEqual(len(self.lines), 200)
        self.env.invalidate_all()
        self.env.flush_all()
        before = self.cr.sql_log_count
        super(PsiLine, self.lines)._compute_qty_delivered()  # stock Odoo alone
        self.env.flush_all()
        stock = self.cr.sql_log_count - before
        self.env.invalidate_all()
        with self.assertQueryCount(stock + 5):
            self.lines._compute_qty_delivered()
        self.assertEqual(set(self.lines.mapped("qty_delivered")), {25.0})


@tagged("post_install", "-at_install")
class TestInvoiceHours(PsiCommon):
    """The hours an invoice prints beside a line in days are the timesheets
    behind it: those stock links to the invoice, which it does for lines
    invoiced on timesheets only. A line invoiced on its ordered quantity, or
    delivered by hand, prints its days only, on the PDF and in Factur-X."""

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
        cls.invoice_lines = cls.invoice.invoice_line_ids

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

    def test_2_ordered_days_with_8_hours_logged_print_their_days_only(self):
        self.assertRecordValues(
            self.invoice_lines,
            [
                {"quantity": 2, "timesheet_hours": 0, "quantity_hours": 16},
                {"quantity": 1, "timesheet_hours": 8, "quantity_hours": 8},
                {"quantity": 3, "timesheet_hours": 0, "quantity_hours": 24},
            ],
        )
        training, _consulting, expertise = self._printed(self.invoice)
        self.assertEqual(training, "2,00 Jours", "not 16:00, nor its task's 8:00")
        self.assertEqual(expertise, "3,00 Jours", "delivered by hand: no timesheet")

    def test_line_invoiced_on_timesheets_prints_their_hours(self):
        self.assertEqual(self._printed(self.invoice)[1], "1,00 Jours 08:00 h")

    def test_its_timesheets_hours_even_when_its_days_were_changed(self):
        """A line's quantity changed on the draft: its hours stay those
        logged, not its new days in hours (which the tracking counts)."""
        line = self.invoice_lines[1]
        line.quantity = 0.5
        self.assertRecordValues(line, [{"timesheet_hours": 8, "quantity_hours": 4}])
        self.assertEqual(self._printed(self.invoice)[1], "0,50 Jours 08:00 h")

    def test_factur_x_carries_the_days_printed_and_no_hours(self):
        self.assertEqual(
            self._factur_x_lines(self.invoice),
            [("DAY", 2.0, []), ("DAY", 1.0, []), ("DAY", 3.0, [])],
        )

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
