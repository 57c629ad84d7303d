from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tests import new_test_user, tagged

from .common import PsiCommon

SALES = frozenset({"salesman_own", "salesman_all", "sales_manager"})
EMPLOYEES = SALES | {"internal", "project_user"}
MANAGER = frozenset({"sales_manager"})
NOBODY = frozenset()


class Rollback(Exception):
    """Undo an operation that was allowed."""


@tagged("post_install", "-at_install")
class TestAccessMatrix(PsiCommon):
    """What each group may read, write, create and delete among the records
    and fields psi_sale adds or changes (one test per group, a subtest per
    cell of ``MATRIX``), and what another company's users may see."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = {
            "internal": new_test_user(cls.env, "psi_internal"),
            "salesman_own": cls.salesman_own,
            "salesman_all": cls.salesman_all,
            "sales_manager": cls.sales_manager,
            "project_user": new_test_user(
                cls.env, "psi_project_user", "project.group_project_user"
            ),
            "portal": cls.portal_user,
            "public": new_test_user(cls.env, "psi_public", "base.group_public"),
        }
        cls.stage = cls.env["crm.stage"].create(
            {"name": "Négociation A", "company_id": cls.company_a.id}
        )
        cls.category_consulting.company_id = cls.company_a
        cls.own_lead, cls.colleague_lead = cls.env["crm.lead"].create(
            [
                {
                    "name": "Piste du commercial",
                    "type": "opportunity",
                    "user_id": cls.salesman_own.id,
                    "offer_category_ids": [Command.set(cls.category_audit.ids)],
                },
                {
                    "name": "Piste d'un collègue",
                    "type": "opportunity",
                    "user_id": cls.salesman_all.id,
                },
            ]
        )
        cls.product_consulting.write(
            {
                "service_type": "timesheet",
                "invoice_policy": "delivery",
                "service_tracking": "task_in_project",
            }
        )
        order_values = {
            "partner_id": cls.portal_user.partner_id.id,
            "user_id": cls.salesman_own.id,
            "internal_note": "<p>Marge serrée</p>",
            "order_line": [
                Command.create(
                    {"product_id": cls.product_consulting.id, "product_uom_qty": 5}
                )
            ],
        }
        cls.quotation, cls.order = cls.env["sale.order"].create(
            [order_values, order_values]
        )
        cls.order.action_confirm()
        cls.task = cls.order.order_line.task_id
        cls.task.project_id.privacy_visibility = "employees"
        cls.env["account.analytic.line"].create(
            {
                "name": "Atelier",
                "project_id": cls.task.project_id.id,
                "task_id": cls.task.id,
                "employee_id": cls.env["hr.employee"].create({"name": "Camille"}).id,
                "unit_amount": 3,
            }
        )
        cls.partner = cls.env["res.partner"].create({"name": "Client Contrat"})

    # who may do what; the operations are below, same names
    MATRIX = {
        "read a stage and its rules": EMPLOYEES,
        "change a stage's rules": MANAGER,
        "create a stage": MANAGER,
        "delete a stage": MANAGER,
        "read an offer category and its offers": SALES,
        "create a plain tag": SALES,
        "create an offer category": MANAGER,
        "change the offers of a category": MANAGER,
        "make a tag an offer category": MANAGER,
        "delete an offer category": MANAGER,
        "read the offer categories of one's own lead": SALES,
        "read the offer categories of a colleague's lead": SALES - {"salesman_own"},
        "set the offer categories of one's own lead": SALES,
        "read an order's day length and rounding": SALES | {"portal"},
        "read an order's internal note": SALES,
        "read an order's tracking figures": SALES | {"portal"},
        "change a quotation's day length": SALES,
        "change a confirmed order's day length": MANAGER,
        "change a confirmed order's rounding": MANAGER,
        "write an order's internal note": SALES,
        "see the time logged on an order": NOBODY,
        "read a task's ordered and delivered quantities": EMPLOYEES,
        "read a customer's hours per day": EMPLOYEES,
        "set a customer's hours per day": SALES,
        "read the company's day settings": EMPLOYEES | {"portal", "public"},
        "change the company's day settings": NOBODY,
        "change the settings": NOBODY,
    }

    def _operations(self):
        """Each cell's operation, for one user's environment ``env``."""
        stage_fields = [
            "name",
            "company_id",
            "set_probability",
            "default_probability",
        ]
        order_days = ["hours_per_day", "day_rounding"]
        tracking = [
            "untaxed_amount_delivered",
            "untaxed_amount_invoiced",
            "untaxed_amount_to_invoice",
            "delivered_percentage",
            "invoiced_percentage",
        ]

        def record(env, record):
            return record.with_env(env)

        return {
            "read a stage and its rules": lambda env: record(env, self.stage).read(
                stage_fields
            ),
            "change a stage's rules": lambda env: record(env, self.stage).write(
                {"set_probability": True, "default_probability": 60}
            ),
            "create a stage": lambda env: env["crm.stage"].create(
                {"name": "Relance", "company_id": self.company_a.id}
            ),
            "delete a stage": lambda env: record(env, self.stage).unlink(),
            "read an offer category and its offers": lambda env: record(
                env, self.category_consulting
            ).read(["name", "is_offer_category", "offer_product_ids", "company_id"]),
            "create a plain tag": lambda env: env["crm.tag"].create({"name": "Salon"}),
            "create an offer category": lambda env: env["crm.tag"].create(
                {
                    "name": "Formation",
                    "is_offer_category": True,
                    "offer_product_ids": [Command.link(self.product_training.id)],
                }
            ),
            "change the offers of a category": lambda env: record(
                env, self.category_consulting
            ).write({"offer_product_ids": [Command.link(self.product_audit.id)]}),
            "make a tag an offer category": lambda env: record(
                env, self.tag_plain
            ).write({"is_offer_category": True}),
            "delete an offer category": lambda env: record(
                env, self.category_consulting
            ).unlink(),
            "read the offer categories of one's own lead": lambda env: record(
                env, self.own_lead
            ).read(["offer_category_ids"]),
            "read the offer categories of a colleague's lead": lambda env: record(
                env, self.colleague_lead
            ).read(["offer_category_ids"]),
            "set the offer categories of one's own lead": lambda env: record(
                env, self.own_lead
            ).write(
                {"offer_category_ids": [Command.set(self.category_consulting.ids)]}
            ),
            "read an order's day length and rounding": lambda env: record(
                env, self.order
            ).read(order_days),
            "read an order's internal note": lambda env: record(env, self.order).read(
                ["internal_note"]
            ),
            "read an order's tracking figures": lambda env: record(
                env, self.order
            ).read(tracking),
            "change a quotation's day length": lambda env: record(
                env, self.quotation
            ).write({"hours_per_day": 7.5}),
            "change a confirmed order's day length": lambda env: record(
                env, self.order
            ).write({"hours_per_day": 7.5}),
            "change a confirmed order's rounding": lambda env: record(
                env, self.order
            ).write({"day_rounding": "half"}),
            "write an order's internal note": lambda env: record(env, self.order).write(
                {"internal_note": "<p>Client exigeant</p>"}
            ),
            "see the time logged on an order": lambda env: env[
                "account.analytic.line"
            ].search_read(
                record(env, self.order).action_view_time_analysis()["domain"]
            ),
            "read a task's ordered and delivered quantities": lambda env: record(
                env, self.task
            ).read(
                [
                    "sale_qty_ordered",
                    "sale_qty_delivered",
                    "sale_uom_id",
                    "allocated_days",
                ]
            ),
            "read a customer's hours per day": lambda env: record(
                env, self.partner
            ).read(["timesheet_hours_per_day"]),
            "set a customer's hours per day": lambda env: record(
                env, self.partner
            ).write({"timesheet_hours_per_day": 7}),
            "read the company's day settings": lambda env: record(
                env, self.company_a
            ).read(["timesheet_hours_per_day", "timesheet_day_rounding"]),
            "change the company's day settings": lambda env: record(
                env, self.company_a
            ).write({"timesheet_hours_per_day": 7.5, "crm_stage_rules": True}),
            "change the settings": lambda env: (
                env["res.config.settings"]
                .create(
                    {"timesheet_hours_per_day": 7.5, "quotation_offer_lines": "none"}
                )
                .execute()
            ),
        }

    def _allowed(self, operation, env):
        """Whether ``operation`` succeeds in ``env``; undone either way."""
        try:
            with self.env.cr.savepoint():
                if operation(env) == []:  # a search the record rules empty
                    return False
                env.flush_all()
                raise Rollback
        except Rollback:
            return True
        except AccessError:
            return False
        except ValidationError:
            raise
        except UserError:  # the refusals that are not access rules
            return False

    def _assert_matrix(self, group):
        env = self.env(user=self.users[group])
        operations = self._operations()
        self.assertEqual(set(operations), set(self.MATRIX))
        for cell, allowed in self.MATRIX.items():
            with self.subTest(group=group, cell=cell):
                self.assertEqual(
                    self._allowed(operations[cell], env),
                    group in allowed,
                    "allowed" if group in allowed else "refused",
                )

    def test_internal_user_without_sales_rights(self):
        self._assert_matrix("internal")

    def test_salesman_own_documents(self):
        self._assert_matrix("salesman_own")

    def test_salesman_all_documents(self):
        self._assert_matrix("salesman_all")

    def test_sales_manager(self):
        self._assert_matrix("sales_manager")

    def test_project_user(self):
        self._assert_matrix("project_user")

    def test_portal_user(self):
        self._assert_matrix("portal")

    def test_public_user(self):
        self._assert_matrix("public")

    def test_settings_are_changed_by_administrators(self):
        admin = new_test_user(
            self.env, "psi_settings_admin", "base.group_system,base.group_erp_manager"
        )
        env = self.env(user=admin)
        env["res.config.settings"].create(
            {"timesheet_hours_per_day": 7.5, "quotation_offer_lines": "none"}
        ).execute()
        self.assertRecordValues(
            self.company_a,
            [{"timesheet_hours_per_day": 7.5, "quotation_offer_lines": "none"}],
        )

    def test_another_company_sees_nothing_of_company_a(self):
        """Stages, tags, leads, orders and tasks of company A are hidden from a
        user of company B, and from a user of both working in company B."""
        self.own_lead.write(
            {"company_id": self.company_a.id, "stage_id": self.stage.id}
        )
        both = new_test_user(
            self.env,
            "psi_salesman_both",
            "sales_team.group_sale_manager,project.group_project_user",
            company_id=self.company_b.id,
            company_ids=(self.company_a + self.company_b).ids,
        )
        records = {
            "stage": self.stage,
            "offer category": self.category_consulting,
            "lead": self.own_lead,
            "order": self.order,
            "order line": self.order.order_line,
            "task": self.task,
        }
        for user, env in (
            (self.salesman_b, self.env(user=self.salesman_b)),
            (
                both,
                self.env(
                    user=both, context={"allowed_company_ids": [self.company_b.id]}
                ),
            ),
        ):
            for name, record in records.items():
                with self.subTest(user=user.login, record=name):
                    Model = env[record._name]
                    self.assertFalse(Model.search([("id", "=", record.id)]))
                    with self.assertRaises(AccessError):
                        record.with_env(env).read(["display_name"])
        env = self.env(user=both, context={"allowed_company_ids": self.company_a.ids})
        for name, record in records.items():
            with self.subTest(user=both.login, company="A", record=name):
                self.assertEqual(
                    env[record._name].search([("id", "=", record.id)]), record
                )
