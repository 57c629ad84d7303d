from lxml import html

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import PsiCommon


@tagged("post_install", "-at_install")
class TestOrderEnd(PsiCommon):
    """The end of the deal: time over the ordered days, the tasks of a closed
    order, hours as logged, days rounded when a period is invoiced."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.salesperson = cls._user(
            "psi_end_salesperson", "sales_team.group_sale_salesman", lang="fr_FR"
        )
        cls.upsell = cls.env.ref("sale.mail_act_sale_upsell")

    def _order_of(self, product, quantity, policy="invoice"):
        self.company_a.overrun_policy = policy
        order = self._order((product, quantity), confirm=False)
        order.user_id = self.salesperson
        order.action_confirm()
        self.assertEqual(order.overrun_policy, policy)
        return order

    def _upsell_activities(self, order):
        self.env.flush_all()  # as at the end of the request that logs the time
        return order.activity_ids.filtered(
            lambda activity: activity.activity_type_id == self.upsell
        )

    def _invoice_delivered(self, order, mode="lines_deduct", **values):
        wizard = (
            self.env["sale.advance.payment.inv"]
            .with_context(active_model="sale.order", active_ids=order.ids)
            .create(dict(values, invoice_mode=mode))
        )
        wizard.create_invoices()
        return order.invoice_ids.filtered(lambda move: move.state == "draft")

    # Overrun -------------------------------------------------------------------

    def test_overrun_is_shown_and_told_once_then_invoiced(self):
        order = self._order_of(self.product_consulting, 2)
        line = order.order_line
        self._log(line, (self.employee_1, 14), (self.employee_2, 7))
        self.assertRecordValues(
            line,
            [
                {
                    "qty_delivered": 3,
                    "qty_overrun": 1,
                    "hours_overrun": 7,
                    "overrun_amount": 600,
                    "qty_to_invoice": 3,
                }
            ],
        )
        self.assertEqual(order.overrun_amount, 600)
        activity = self._upsell_activities(order)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.salesperson)
        note = activity.note  # in the salesperson's language
        self.assertIn(order.name, note)
        self.assertIn("3,00 Jours livrés pour 2,00 commandés", note)
        self._log(line, (self.employee_1, 2))
        self.assertEqual(len(self._upsell_activities(order)), 1, "one per crossing")
        invoice = order._create_invoices()
        self.assertEqual(invoice.invoice_line_ids.quantity, 3.29)

    def test_cap_invoices_the_ordered_days_and_keeps_the_rest_visible(self):
        order = self._order_of(self.product_consulting, 2, policy="cap")
        line = order.order_line
        self._log(line, (self.employee_1, 21))
        self.assertEqual(line.qty_to_invoice, 2)
        self.assertEqual(line.untaxed_amount_to_invoice, 1200)
        invoice = order._create_invoices()
        self.assertEqual(invoice.invoice_line_ids.quantity, 2)
        self.assertEqual(invoice.amount_untaxed, 1200)
        self.assertRecordValues(
            line,
            [
                {
                    "qty_delivered": 3,
                    "qty_invoiced": 2,
                    "qty_to_invoice": 0,
                    "qty_overrun": 1,
                    "hours_overrun": 7,
                    "untaxed_amount_to_invoice": 0,
                }
            ],
        )
        with self.assertRaises(UserError):  # nothing left to invoice
            order._create_invoices()
        # the ordered quantity raised: the extra day is invoiced
        line.product_uom_qty = 3
        self.assertEqual(line.qty_to_invoice, 1)
        self.assertFalse(line.qty_overrun)

    def test_prepaid_line_over_its_quantity_gets_one_activity(self):
        order = self._order_of(self.product_training, 2)
        line = order.order_line
        self._log(line, (self.employee_1, 21))
        self.assertEqual(line.qty_overrun, 1)
        self._log(line, (self.employee_2, 3))
        self.assertEqual(len(self._upsell_activities(order)), 1)

    def test_raised_quantity_tells_again_at_the_next_crossing(self):
        order = self._order_of(self.product_consulting, 1)
        line = order.order_line
        self._log(line, (self.employee_1, 10))
        self.assertEqual(len(self._upsell_activities(order)), 1)
        line.product_uom_qty = 2
        self._log(line, (self.employee_1, 7))
        self.assertEqual(len(self._upsell_activities(order)), 2)

    def _overrun_activities_at_the_cost_of_one(self, orders):
        """Log 10 hours on each line of ORDERS (of 1 day each) in the queries
        that logging them on one such order costs: their upsell activities."""
        one = self._order((self.product_consulting, 1))
        self.env.flush_all()
        before = self.cr.sql_log_count
        self._log(one.order_line, (self.employee_1, 10))
        self.assertEqual(len(self._upsell_activities(one)), 1)
        with self.assertQueryCount(self.cr.sql_log_count - before):
            self._log(orders.order_line, (self.employee_1, 10))
            return self._upsell_activities(orders)

    def test_overrun_activities_cost_no_query_per_line(self):
        """Ten lines going over their quantity at once get their ten
        activities in the queries that one line costs (their salesperson
        here is the current user: an activity for another user notifies them,
        one message each)."""
        ten = self._order(*[(self.product_consulting, 1)] * 10)
        activities = self._overrun_activities_at_the_cost_of_one(ten)
        self.assertEqual(len(activities), 10)
        self.assertEqual(activities.user_id, self.env.user)
        self.assertIn(self.env.user.partner_id, ten.message_partner_ids)

    def test_overrun_activities_of_5_orders_cost_the_queries_of_1(self):
        """Time logged at once over the ordered quantity of five orders tells
        their salesperson in one creation of activities (44 queries against
        34 for one order when they were made order by order, as stock's
        upsell step goes)."""
        five = self.env["sale.order"].concat(
            *(self._order((self.product_consulting, 1)) for _order in range(5))
        )
        activities = self._overrun_activities_at_the_cost_of_one(five)
        self.assertEqual(len(activities), 5)
        self.assertEqual(activities.mapped("res_id"), five.ids)

    def test_overrun_check_reads_no_timesheet_per_line(self):
        one, thousand = (
            self._order_of(self.product_consulting, 2) for _order in range(2)
        )
        self._log(one.order_line, (self.employee_1, 21))
        self._log(thousand.order_line, *[(self.employee_1, 0.5)] * 1000)

        def check(order):
            self.env.invalidate_all()
            self.assertTrue(order.order_line.qty_overrun)
            self.assertFalse(order.order_line._filter_overrun_to_tell())
            self.assertFalse(order._get_prepaid_service_lines_to_upsell())

        check(one)  # warm-up
        before = self.cr.sql_log_count
        check(one)
        with self.assertQueryCount(self.cr.sql_log_count - before):
            check(thousand)
        self.assertEqual(thousand.order_line.qty_overrun, 69.43)  # 500 h / 7

    def test_portal_shows_overrun_and_hours_without_amounts(self):
        order = self._order_of(self.product_consulting, 2, policy="cap")
        self._log(order.order_line, (self.employee_1, 9), (self.employee_2, 12))
        [row] = order.with_context(lang="fr_FR")._get_portal_tracking()["rows"]
        self.assertEqual(row["overrun"], "1,00")
        self.assertEqual(row["time_spent"], "21:00")

    def test_portal_groups_thousands_in_the_reader_language(self):
        order = self._order_of(self.product_consulting, 1500)
        self._log(order.order_line, (self.employee_1, 7))
        [row] = order.with_context(lang="fr_FR")._get_portal_tracking()["rows"]
        separator = self.env["res.lang"]._lang_get("fr_FR").thousands_sep
        self.assertEqual(row["ordered"], f"1{separator}500,00")
        self.assertEqual(row["remaining"], f"1{separator}499,00")
        self.assertEqual(row["delivered"], "1,00")

    def test_portal_figures_read_as_qweb_fields_write_them(self):
        order, down_payment, invoice = self._worked_example()
        order.tracking_line_ids.price_unit = -180000
        fields = {
            "ordered": "amount_untaxed",
            "delivered": "untaxed_amount_delivered",
            "invoiced": "untaxed_amount_invoiced",
            "down_payments_invoiced": "downpayment_amount_invoiced",
            "down_payments_to_deduct": "downpayment_amount_to_deduct",
        }
        widget = self.env["ir.qweb.field.monetary"]
        for lang, position in (("en_US", "before"), ("fr_FR", "after")):
            order.currency_id.position = position
            tracking = order.with_context(lang=lang)._get_portal_tracking()
            options = {"display_currency": order.currency_id}
            self.assertEqual(
                tracking["amounts"],
                {
                    name: html.fromstring(
                        widget.with_context(lang=lang).value_to_html(
                            order[field], options
                        )
                    ).text_content()
                    for name, field in fields.items()
                },
            )
            self.assertEqual(
                [
                    (row["invoice"], row["is_down_payment"])
                    for row in tracking["invoices"]
                ],
                [(down_payment, True), (invoice, False)],
            )
            for row in tracking["invoices"]:
                for key, field, converter in (
                    ("type", "move_type", "selection"),
                    ("date", "invoice_date", "date"),
                    ("payment_state", "payment_state", "selection"),
                ):
                    self.assertEqual(
                        row[key],
                        self.env[f"ir.qweb.field.{converter}"]
                        .with_context(lang=lang)
                        .record_to_html(row["invoice"], field, {}),
                    )
        # grouped in the reader's language, negative as the widget writes it
        space = "\N{NO-BREAK SPACE}"
        self.assertEqual(
            tracking["amounts"]["ordered"],
            f"-\N{ZERO WIDTH NO-BREAK SPACE}1{space}800{space}000,00"
            f"{space}{order.currency_id.symbol}",
        )

    # Closing an order ----------------------------------------------------------

    def _closing(self, order):
        action = order.with_user(self.sales_manager).action_close_order()
        return (
            self.env[action["res_model"]]
            .with_user(self.sales_manager)
            .with_context(**action["context"])
            .create({})
        )

    def test_closing_does_the_tasks_once_the_order_is_closed(self):
        """sale_down_payment closes the order when its closing invoice is
        posted; psi_sale then does its open tasks, not before. An order with
        nothing left is closed, its tasks done, at once."""
        order = self._order_of(self.product_consulting, 10)
        self._down_payment(order, 30)
        self._log(order.order_line, (self.employee_1, 42))
        self._closing(order).action_close()
        self.assertFalse(order.is_closed)
        self.assertFalse(any(order.tasks_ids.mapped("is_closed")))
        order.closing_invoice_id.action_post()
        self.assertTrue(order.is_closed)
        self.assertTrue(all(order.tasks_ids.mapped("is_closed")))
        nothing_left = self._order_of(self.product_consulting, 1)
        self._closing(nothing_left).action_close()
        self.assertTrue(nothing_left.is_closed)
        self.assertTrue(all(nothing_left.tasks_ids.mapped("is_closed")))

    # Rounding ------------------------------------------------------------------

    def test_quarter_rounding_applies_to_a_period_too(self):
        self.company_a.timesheet_hours_per_day = 8
        self.company_a.timesheet_day_rounding = "quarter"
        order = self._order_of(self.product_consulting, 5)
        self._log(order.order_line, (self.employee_1, 6), (self.employee_2, 4))
        self.assertEqual(order.order_line.qty_delivered, 1.25)
        today = order.order_line.timesheet_ids[:1].date
        invoice = self._invoice_delivered(
            order,
            "lines",
            date_start_invoice_timesheet=today,
            date_end_invoice_timesheet=today,
        )
        self.assertEqual(invoice.invoice_line_ids.quantity, 1.25)
        self.assertEqual(invoice.invoice_line_ids.quantity_hours, 10)
