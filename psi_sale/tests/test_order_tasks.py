import logging
from contextlib import ExitStack
from unittest.mock import patch

from odoo.tests import Form, new_test_user, tagged, warmup

from .common import PsiCommon

_logger = logging.getLogger(__name__)


@tagged("post_install", "-at_install")
class TestOrderTasks(PsiCommon):
    """One project per order, one task per service line, kept true."""

    def _tasks(self, order):
        """The order's tasks, archived ones included, in the order of its lines."""
        return order.order_line.task_id.with_context(active_test=False)

    def test_3_service_lines_give_1_project_and_3_tasks(self):
        stages_before = self.env["project.task.type"].search_count([])
        order = self._deal()
        project = order.project_ids
        self.assertEqual(len(project), 1)
        self.assertEqual(project.name, f"{order.name} - Durand Industrie")
        self.assertEqual(project.sale_order_id, order)
        self.assertEqual(
            project.type_ids,
            self.stage_todo
            | self.stage_in_progress
            | self.stage_done
            | self.stage_cancelled,
        )
        self.assertEqual(
            project.type_ids.mapped("name"),
            ["To Do", "In Progress", "Done", "Cancelled"],
        )
        self.assertEqual(
            self.env["project.task.type"].search_count([]),
            stages_before,
            "no stage created per project",
        )
        self.assertEqual(order.tasks_count, 3)
        consulting, training, audit = order.order_line
        self.assertRecordValues(
            order.order_line.task_id,
            [
                {
                    "name": "Jour de conseil",
                    "project_id": project.id,
                    "sale_line_id": consulting.id,
                    "stage_id": self.stage_todo.id,
                    "allocated_hours": 70,
                    "sale_qty_ordered": 10,
                    "sale_qty_delivered": 0,
                    "sale_uom_id": self.uom_day.id,
                },
                {
                    "name": "Jour de formation",
                    "project_id": project.id,
                    "sale_line_id": training.id,
                    "stage_id": self.stage_todo.id,
                    "allocated_hours": 21,
                    "sale_qty_ordered": 3,
                    "sale_qty_delivered": 0,
                    "sale_uom_id": self.uom_day.id,
                },
                {
                    "name": "Audit forfaitaire",
                    "project_id": project.id,
                    "sale_line_id": audit.id,
                    "stage_id": self.stage_todo.id,
                    "allocated_hours": 0,  # milestones: stock Odoo allocates none
                    "sale_qty_ordered": 1,
                    "sale_qty_delivered": 0,
                    "sale_uom_id": self.env.ref("uom.product_uom_unit").id,
                },
            ],
        )
        self.assertEqual(audit.task_id.milestone_id.sale_line_id, audit)

    def test_a_single_line_project_keeps_the_stock_product_suffix(self):
        order = self._order((self.product_consulting, 2))
        self.assertEqual(
            order.project_ids.name, f"{order.name} - Durand Industrie - Jour de conseil"
        )

    def test_lines_without_tasks_keep_stock_behaviour(self):
        order = self._order((self.product_senior, 2), (self.product_hourly, 5))
        senior, hourly = order.order_line
        self.assertFalse(senior.task_id)
        self.assertEqual(hourly.task_id.allocated_hours, 5)
        self.assertEqual(order.tasks_ids, hourly.task_id)

    def test_task_title_follows_the_line_until_renamed(self):
        order = self._deal()
        task = order.order_line[0].task_id
        with Form(order) as form, form.order_line.edit(0) as line:
            line.name = "Conseil stratégique\nAteliers de direction"
        self.assertEqual(task.name, "Conseil stratégique")
        task.name = "Cadrage du projet"
        with Form(order) as form, form.order_line.edit(0) as line:
            line.name = "Conseil opérationnel"
        self.assertEqual(task.name, "Cadrage du projet", "renamed: left alone")
        self.assertEqual(order.order_line[1].task_id.name, "Jour de formation")

    def test_allocated_hours_follow_the_quantity_with_the_order_day(self):
        order = self._deal()
        with Form(order) as form:
            with form.order_line.edit(0) as line:
                line.product_uom_qty = 4
            with form.order_line.edit(1) as line:
                line.product_uom_qty = 5
        self.assertEqual(self._tasks(order).mapped("allocated_hours"), [28, 35, 0])

    def test_quantity_0_without_time_archives_the_task_until_it_comes_back(self):
        order = self._deal()
        task = order.order_line[0].task_id
        with Form(order) as form, form.order_line.edit(0) as line:
            line.product_uom_qty = 0
        self.assertRecordValues(task, [{"active": False, "allocated_hours": 0}])
        self.assertEqual(order.tasks_count, 2)
        with Form(order) as form, form.order_line.edit(0) as line:
            line.product_uom_qty = 2
        self.assertRecordValues(task, [{"active": True, "allocated_hours": 14}])
        self.assertEqual(order.tasks_count, 3)

    def test_quantity_0_with_time_logged_keeps_the_task_and_warns(self):
        order = self._deal()
        line = order.order_line[0]
        self._log(line, (self.employee_1, 3))
        with (
            self.assertLogs("odoo.tests.form.onchange", "WARNING") as logs,
            Form(order) as form,
            form.order_line.edit(0) as line_form,
        ):
            line_form.product_uom_qty = 0
        self.assertIn("Time was logged on the task", logs.output[0])
        self.assertRecordValues(line.task_id, [{"active": True, "allocated_hours": 0}])
        self.assertIn(
            "they stay open although their quantity is 0",
            order.message_ids[0].body,
        )

    def test_a_line_at_0_when_confirmed_gets_an_archived_task(self):
        order = self._order((self.product_consulting, 0), (self.product_training, 1))
        task = self._tasks(order)[0]
        self.assertFalse(task.active)
        order.order_line[0].product_uom_qty = 3
        self.assertRecordValues(task, [{"active": True, "allocated_hours": 21}])

    def test_cancel_then_confirm_again_restores_the_cancelled_tasks(self):
        order = self._deal()
        project = order.project_ids
        consulting, training, audit = tasks = order.order_line.task_id
        self._log(order.order_line[0], (self.employee_1, 4))
        training.stage_id = self.stage_in_progress
        order.with_context(disable_cancel_warning=True).action_cancel()
        self.assertRecordValues(
            tasks,
            [
                {"state": "01_in_progress", "stage_id": self.stage_todo.id},
                {"state": "1_canceled", "stage_id": self.stage_cancelled.id},
                {"state": "1_canceled", "stage_id": self.stage_cancelled.id},
            ],
        )
        self.assertIn(consulting.name, order.message_ids[0].body, "kept: noted")

        order.action_draft()
        order.action_confirm()
        self.assertEqual(order.project_ids, project)
        self.assertEqual(project.sale_line_id, order.order_line[0])
        self.assertEqual(order.order_line.task_id, tasks)
        self.assertEqual(
            self.env["project.task"]
            .with_context(active_test=False)
            .search_count([("project_id", "=", project.id)]),
            3,
        )
        self.assertRecordValues(
            tasks,
            [
                {"state": "01_in_progress", "stage_id": self.stage_todo.id},
                {"state": "01_in_progress", "stage_id": self.stage_in_progress.id},
                {"state": "01_in_progress", "stage_id": self.stage_todo.id},
            ],
        )
        self.assertFalse(tasks.sale_cancel_stage_id)
        self.assertEqual(audit.milestone_id.sale_line_id, order.order_line[2])

    def test_a_task_closed_by_hand_stays_closed_after_cancel_and_confirm(self):
        order = self._deal()
        done = order.order_line[2].task_id
        done.write({"stage_id": self.stage_done.id, "state": "1_done"})
        order.with_context(disable_cancel_warning=True).action_cancel()
        order.action_draft()
        order.action_confirm()
        self.assertRecordValues(
            done, [{"state": "1_done", "stage_id": self.stage_done.id}]
        )

    def test_a_salesman_without_project_rights_cancels_and_confirms_again(self):
        salesman = new_test_user(
            self.env, "psi_order_salesman", "sales_team.group_sale_salesman_all_leads"
        )
        self.assertFalse(salesman.has_group("project.group_project_user"))
        order = self._deal()
        tasks = order.order_line.task_id
        order = order.with_user(salesman)
        order.with_context(disable_cancel_warning=True).action_cancel()
        self.assertEqual(set(tasks.mapped("state")), {"1_canceled"})
        order.action_draft()
        order.action_confirm()
        self.assertEqual(set(tasks.mapped("state")), {"01_in_progress"})
        self.assertEqual(order.sudo().project_ids.sale_line_id, order.order_line[0])

    def test_copy_of_the_order_gets_a_project_of_its_own(self):
        order = self._deal()
        copy = order.copy()
        copy.action_confirm()
        self.assertEqual(len(copy.project_ids), 1)
        self.assertNotEqual(copy.project_ids, order.project_ids)
        self.assertEqual(copy.project_ids.name, f"{copy.name} - Durand Industrie")
        self.assertEqual(len(copy.order_line.task_id), 3)
        self.assertFalse(copy.order_line.task_id & order.order_line.task_id)
        self.assertEqual(copy.order_line.task_id.project_id, copy.project_ids)
        self.assertEqual(order.project_ids.task_count, 3)

    def test_line_added_after_confirmation_gets_its_task_in_the_project(self):
        order = self._deal()
        project = order.project_ids
        with Form(order) as form, form.order_line.new() as line:
            line.product_id = self.product_consulting
            line.product_uom_qty = 2
        new_line = order.order_line[3]
        self.assertEqual(order.project_ids, project)
        self.assertRecordValues(
            new_line.task_id,
            [
                {
                    "name": "Jour de conseil",
                    "project_id": project.id,
                    "allocated_hours": 14,
                    "stage_id": self.stage_todo.id,
                }
            ],
        )
        self.assertEqual(project.task_count, 4)

    def test_20_orders_confirmed_at_once_get_20_projects(self):
        orders = self.env["sale.order"].concat(
            *(self._deal(confirm=False) for _order in range(20))
        )
        orders.action_confirm()
        projects = orders.project_ids
        self.assertEqual(len(projects), 20)
        self.assertEqual(len(orders.order_line.task_id), 60)
        for order in orders:
            self.assertEqual(len(order.project_ids), 1)
            self.assertEqual(order.order_line.task_id.project_id, order.project_ids)
            self.assertEqual(order.project_ids.sale_order_id, order)
        orders.order_line.sudo()._timesheet_service_generation()  # once more
        self.assertEqual(orders.project_ids, projects)
        self.assertEqual(
            self.env["project.task"].search_count([("project_id", "in", projects.ids)]),
            60,
        )


@tagged("post_install", "-at_install")
class TestOrderTasksQueries(PsiCommon):
    """Confirming an order costs about what it costs in stock Odoo."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order_stock, cls.order_psi = (
            cls._order(*[(cls.product_consulting, 3)] * 50, confirm=False)
            for _order in range(2)
        )

    def _stock_odoo(self):
        """Every psi_sale override of these models calls the next implementation
        instead: the order confirms as in stock Odoo (psi_sale's own methods
        stay, for the fields it adds)."""
        stack = ExitStack()
        models = (
            "sale.order",
            "sale.order.line",
            "project.project",
            "project.task",
            "project.task.type",
            "account.analytic.line",
            "uom.uom",
            "crm.lead",
            "res.partner",
            "res.company",
        )
        for model in models:
            for cls in type(self.env[model]).mro():
                if not cls.__module__.startswith("odoo.addons.psi_sale."):
                    continue
                for name, method in vars(cls).items():
                    if (
                        callable(method)
                        and not name.startswith("__")
                        and hasattr(super(cls, self.env[model]), name)
                    ):
                        stack.enter_context(
                            patch.object(
                                cls, name, self._next_implementation(cls, name)
                            )
                        )
        return stack

    @staticmethod
    def _next_implementation(cls, name):
        def method(self, *args, **kwargs):
            return getattr(super(cls, self), name)(*args, **kwargs)

        return method

    @warmup
    def test_confirm_50_service_lines_at_most_10_queries_over_stock(self):
        self.env.invalidate_all()
        self.env.flush_all()
        with self._stock_odoo():
            before = self.cr.sql_log_count
            self.order_stock.action_confirm()
            self.env.flush_all()
            stock = self.cr.sql_log_count - before
        self.env.invalidate_all()
        _logger.info("stock Odoo confirms 50 service lines in %s queries", stock)
        with self.assertQueryCount(stock + 10):
            self.order_psi.action_confirm()
        for order in self.order_stock | self.order_psi:
            self.assertEqual(len(order.project_ids), 1)
            self.assertEqual(len(order.order_line.task_id), 50)
        self.assertEqual(len(self.order_stock.project_ids.type_ids), 4)
        self.assertEqual(
            self.order_psi.project_ids.type_ids.ids,
            self.env["project.task.type"]._get_order_stages().ids,
        )
        self.assertEqual(
            set(self.order_psi.order_line.task_id.mapped("allocated_hours")), {21}
        )
