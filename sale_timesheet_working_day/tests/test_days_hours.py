from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, warmup

from odoo.addons.sale_timesheet_working_day.models.sale_order_line import (
    SaleOrderLine as WorkingDayLine,
)

from .common import WorkingDayCommon


class TestDaysHours(WorkingDayCommon):
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


class TestDaysHoursQueries(WorkingDayCommon):
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
        super(WorkingDayLine, self.lines)._compute_qty_delivered()  # stock Odoo alone
        self.env.flush_all()
        stock = self.cr.sql_log_count - before
        self.env.invalidate_all()
        with self.assertQueryCount(stock + 5):
            self.lines._compute_qty_delivered()
        self.assertEqual(set(self.lines.mapped("qty_delivered")), {25.0})
