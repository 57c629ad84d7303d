from odoo.fields import Command
from odoo.tests import new_test_user, tagged

from .common import PsiCommon


@tagged("post_install", "-at_install")
class TestOrderCockpit(PsiCommon):
    """The confirmed order's tracking tab, buttons and time analysis."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.department_a, cls.department_b = cls.env["hr.department"].create(
            [{"name": "Conseil"}, {"name": "Formation"}]
        )
        cls.consultant, cls.trainer = (
            new_test_user(
                cls.env,
                login,
                "hr_timesheet.group_hr_timesheet_user",
                name=name,
            )
            for login, name in (
                ("psi_consultant", "Claire Petit"),
                ("psi_trainer", "Hugo Moreau"),
            )
        )
        cls.employee_consultant, cls.employee_trainer = cls.env["hr.employee"].create(
            [
                {
                    "name": "Claire Petit",
                    "user_id": cls.consultant.id,
                    "department_id": cls.department_a.id,
                },
                {
                    "name": "Hugo Moreau",
                    "user_id": cls.trainer.id,
                    "department_id": cls.department_b.id,
                },
            ]
        )

    def test_worked_example_10_days_16_hours_a_down_payment_and_an_invoice(self):
        order, down_payment, invoice = self._worked_example()
        line = order.order_line
        # by hand: 7 h a day; 16 h = 2.2857 days, 2.29 once rounded
        ordered, price = 10, 600
        delivered = round(16 / 7, 2)  # 2.29
        self.assertEqual(down_payment.amount_untaxed, 0.3 * ordered * price)  # 1800
        self.assertEqual(invoice.amount_untaxed, delivered * price)  # 1374
        self.assertRecordValues(
            order.tracking_line_ids,
            [
                {
                    "product_uom_qty": ordered,
                    "qty_delivered": delivered,
                    "qty_invoiced": delivered,
                    "qty_remaining": ordered - delivered,  # 7.71 days
                    "ordered_hours": ordered * 7,  # 70 h
                    "delivered_hours": 16,
                    "invoiced_hours": 16,  # the hours logged, not 2.29 days of 7 h
                    "hours_remaining": ordered * 7 - 16,  # 54 h
                    "delivered_percentage": 100 * delivered / ordered,  # 22.9 %
                }
            ],
        )
        self.assertRecordValues(
            order,
            [
                {
                    "amount_untaxed": 6000,
                    "untaxed_amount_delivered": 1374,
                    "untaxed_amount_invoiced": 1374,
                    "untaxed_amount_to_invoice": 0,
                    "downpayment_amount_invoiced": 1800,
                    "downpayment_amount_to_deduct": 1800,
                    "delivered_percentage": 100 * 1374 / 6000,  # 22.9 %
                    "invoiced_percentage": 100 * (1374 + 1800) / 6000,  # 52.9 %
                }
            ],
        )

        # the rest delivered (70 h in all), invoiced with the deduction
        self._log(line, (self.employee_1, 54))
        self.assertEqual(order.untaxed_amount_to_invoice, 6000 - 1374)
        final = order._create_invoices(final=True)
        final.action_post()
        self.assertEqual(final.amount_untaxed, 6000 - 1374 - 1800)
        self.assertRecordValues(
            order.tracking_line_ids,
            [
                {
                    "qty_delivered": 10,
                    "qty_invoiced": 10,
                    "qty_remaining": 0,
                    "delivered_hours": 70,
                    "invoiced_hours": 70,
                    "hours_remaining": 0,
                    "delivered_percentage": 100,
                }
            ],
        )
        self.assertRecordValues(
            order,
            [
                {
                    "untaxed_amount_delivered": 6000,
                    "untaxed_amount_invoiced": 6000,
                    "untaxed_amount_to_invoice": 0,
                    "downpayment_amount_invoiced": 1800,
                    "downpayment_amount_to_deduct": 0,
                    "invoiced_percentage": 100,
                }
            ],
        )

    def test_down_payment_credit_note_is_no_longer_invoiced(self):
        order = self._order((self.product_training, 2))
        down_payment = self._down_payment(order, 50)
        credit_note = down_payment._reverse_moves()
        credit_note.action_post()
        self.assertRecordValues(
            order,
            [
                {
                    "untaxed_amount_to_invoice": 1800,  # invoiced on order
                    "downpayment_amount_invoiced": 0,
                    "downpayment_amount_to_deduct": 0,
                    "invoiced_percentage": 0,
                }
            ],
        )

    def test_invoice_of_two_orders_is_not_a_down_payment_of_either(self):
        """An invoice that deducts one order's down payment and bills another
        order's lines is no down payment invoice, as stock tells it."""
        deducting = self._order((self.product_consulting, 2))
        down_payment = self._down_payment(deducting, 50)
        billed = self._order((self.product_training, 1))
        invoice = (deducting | billed)._create_invoices(final=True)
        self.assertEqual(
            invoice.invoice_line_ids.sale_line_ids.order_id.ids,
            [deducting.id, billed.id],
        )
        self.assertFalse(invoice._is_downpayment())
        self.assertEqual(deducting.downpayment_invoice_ids, down_payment)
        self.assertFalse(billed.downpayment_invoice_ids)

    def test_two_employees_of_two_teams_logging_on_the_task_both_count(self):
        order = self._order((self.product_consulting, 10))
        line = order.order_line
        for user, hours in ((self.consultant, 9), (self.trainer, 7)):
            self.env["account.analytic.line"].with_user(user).create(
                {
                    "name": "Atelier",
                    "project_id": line.task_id.project_id.id,
                    "task_id": line.task_id.id,
                    "unit_amount": hours,
                }
            )
        self.assertRecordValues(
            line,
            [{"delivered_hours": 16, "qty_delivered": 2.29, "hours_remaining": 54}],
        )
        self.assertEqual(line.task_id.sale_qty_delivered, 2.29)
        action = order.action_view_time_analysis()
        per_employee = self.env["account.analytic.line"]._read_group(
            action["domain"], ["so_line", "employee_id"], ["unit_amount:sum"]
        )
        self.assertEqual(
            set(per_employee),
            {
                (line, self.employee_consultant, 9),
                (line, self.employee_trainer, 7),
            },
        )

    def test_per_employee_rates_of_stock_still_apply(self):
        order = self._order((self.product_consulting, 10), (self.product_senior, 5))
        consulting, senior = order.order_line
        project = order.project_ids
        project.sale_line_employee_ids = [
            Command.create(
                {"employee_id": self.employee_2.id, "sale_line_id": senior.id}
            )
        ]
        self.assertEqual(project.pricing_type, "employee_rate")
        self._log(consulting, (self.employee_1, 9), (self.employee_2, 7))
        self.assertRecordValues(
            order.order_line,
            [
                {"delivered_hours": 9, "qty_delivered": 1.29},
                {"delivered_hours": 7, "qty_delivered": 1},
            ],
        )
        self.assertFalse(senior.task_id, "a line without task stays without task")

    def test_smart_buttons_open_the_opportunity_project_tasks_and_time(self):
        opportunity = self.env["crm.lead"].create(
            {"name": "Transformation", "type": "opportunity"}
        )
        order = self._order((self.product_consulting, 10), confirm=False)
        order.opportunity_id = opportunity
        order.action_confirm()
        self._log(order.order_line, (self.employee_1, 7))
        self.assertTrue(order.show_project_button)
        self.assertTrue(order.show_task_button)
        self.assertTrue(order.show_hours_recorded_button)
        action = order.action_view_opportunity()
        self.assertEqual(
            (action["res_model"], action["res_id"]), ("crm.lead", opportunity.id)
        )
        self.assertEqual(
            order.action_view_project_ids()["res_id"], order.project_ids.id
        )
        self.assertEqual(order.action_view_task()["res_id"], order.tasks_ids.id)
        action = order.action_view_time_analysis()
        self.assertEqual(action["res_model"], "account.analytic.line")
        self.assertEqual(
            [view_type for _view, view_type in action["views"]][:2], ["pivot", "graph"]
        )
        self.assertEqual(
            self.env["account.analytic.line"].search(action["domain"]),
            order.order_line.timesheet_ids,
        )

    def test_tracking_tab_list_and_kanban_show_the_progress(self):
        views = self.env["sale.order"].get_views(
            [(False, "form"), (False, "list"), (False, "kanban")]
        )["views"]
        self.assertIn('name="psi_tracking"', views["form"]["arch"])
        for field in ("tracking_line_ids", "untaxed_amount_delivered"):
            self.assertIn(f'name="{field}"', views["form"]["arch"])
        orders_list = self.env["sale.order"].get_views(
            [(self.env.ref("sale.view_order_tree").id, "list")]
        )["views"]["list"]["arch"]
        for arch in (orders_list, views["kanban"]["arch"]):
            self.assertIn('name="delivered_percentage"', arch)
            self.assertIn('name="invoiced_percentage"', arch)
        task_form = self.env["project.task"].get_views([(False, "form")])["views"]
        self.assertIn('name="sale_qty_delivered"', task_form["form"]["arch"])
