from odoo.fields import Command
from odoo.tests import new_test_user

from odoo.addons.base.tests.common import BaseCommon


class PsiCrmCommon(BaseCommon):
    """Two companies, their salespeople, offer categories and their offers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "PSI Company B"})
        companies = {"company_id": cls.company_a.id, "company_ids": cls.company_a.ids}
        cls.salesman_own = new_test_user(
            cls.env, "psi_salesman_own", "sales_team.group_sale_salesman", **companies
        )
        cls.salesman_all = new_test_user(
            cls.env,
            "psi_salesman_all",
            "sales_team.group_sale_salesman_all_leads",
            **companies,
        )
        cls.sales_manager = new_test_user(
            cls.env, "psi_sales_manager", "sales_team.group_sale_manager", **companies
        )
        cls.salesman_b = new_test_user(
            cls.env,
            "psi_salesman_b",
            "sales_team.group_sale_salesman_all_leads",
            company_id=cls.company_b.id,
            company_ids=cls.company_b.ids,
        )
        cls.portal_user = new_test_user(cls.env, "psi_portal", "base.group_portal")

        products = cls.env["product.product"].create(
            [
                {"name": "Conseil (jour)", "type": "service", "list_price": 600},
                {"name": "Formation (jour)", "type": "service", "list_price": 900},
                {"name": "Audit forfaitaire", "type": "service", "list_price": 3000},
            ]
        )
        cls.product_consulting, cls.product_training, cls.product_audit = products
        cls.category_consulting = cls.env["crm.tag"].create(
            {
                "name": "Conseil",
                "is_offer_category": True,
                "offer_product_ids": [Command.set(products[:2].ids)],
            }
        )
        cls.category_audit = cls.env["crm.tag"].create(
            {
                "name": "Audit",
                "is_offer_category": True,
                "offer_product_ids": [Command.set(cls.product_audit.ids)],
            }
        )
        cls.tag_plain = cls.env["crm.tag"].create({"name": "VIP"})


class PsiTimesheetCommon(BaseCommon):
    """A consulting day sold at 600, delivered on timesheets, one task per line."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_a.timesheet_hours_per_day = 7
        cls.uom_day = cls.env.ref("uom.product_uom_day")
        cls.uom_hour = cls.env.ref("uom.product_uom_hour")
        service = {
            "type": "service",
            "invoice_policy": "delivery",
            "service_type": "timesheet",
            "service_tracking": "task_in_project",
            "taxes_id": [Command.clear()],
        }
        cls.product_consulting = cls.env["product.product"].create(
            dict(
                service,
                name="Jour de conseil",
                list_price=600,
                uom_id=cls.uom_day.id,
                uom_po_id=cls.uom_day.id,
            )
        )
        cls.product_hourly = cls.env["product.product"].create(
            dict(
                service,
                name="Heure de support",
                list_price=90,
                uom_id=cls.uom_hour.id,
                uom_po_id=cls.uom_hour.id,
            )
        )
        cls.customer = cls.env["res.partner"].create({"name": "Durand Industrie"})
        cls.employee_1, cls.employee_2 = cls.env["hr.employee"].create(
            [{"name": "Camille Martin"}, {"name": "Louis Bernard"}]
        )

    @classmethod
    def _confirmed_order(cls, product=None, quantity=10, partner=None, company=None):
        company = company or cls.company_a
        order = (
            cls.env["sale.order"]
            .with_company(company)
            .create(
                {
                    "partner_id": (partner or cls.customer).id,
                    "company_id": company.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": (product or cls.product_consulting).id,
                                "product_uom_qty": quantity,
                            }
                        )
                    ],
                }
            )
        )
        order.action_confirm()
        return order

    @classmethod
    def _log(cls, line, *hours_by_employee):
        """Log time on the line's task: (employee, hours) pairs."""
        return (
            cls.env["account.analytic.line"]
            .with_company(line.company_id)
            .create(
                [
                    {
                        "name": "Atelier",
                        "project_id": line.task_id.project_id.id,
                        "task_id": line.task_id.id,
                        "employee_id": employee.id,
                        "unit_amount": hours,
                    }
                    for employee, hours in hours_by_employee
                ]
            )
        )


class PsiOrderCommon(PsiTimesheetCommon):
    """Orders of consulting days, training days and a fixed-price audit."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        service = {
            "type": "service",
            "service_tracking": "task_in_project",
            "taxes_id": [Command.clear()],
        }
        in_days = {"uom_id": cls.uom_day.id, "uom_po_id": cls.uom_day.id}
        cls.product_training = cls.env["product.product"].create(
            dict(
                service,
                **in_days,
                name="Jour de formation",
                list_price=900,
                invoice_policy="order",
                service_type="timesheet",
            )
        )
        cls.product_audit = cls.env["product.product"].create(
            dict(
                service,
                name="Audit forfaitaire",
                list_price=3000,
                invoice_policy="delivery",
                service_type="milestones",
            )
        )
        cls.product_senior = cls.env["product.product"].create(
            dict(
                service,
                **in_days,
                name="Jour de conseil senior",
                list_price=900,
                invoice_policy="delivery",
                service_type="timesheet",
                service_tracking="no",
            )
        )
        cls.stage_todo, cls.stage_in_progress, cls.stage_done, cls.stage_cancelled = (
            cls.env.ref(f"psi_sale.project_task_type_{name}")
            for name in ("todo", "in_progress", "done", "cancelled")
        )

    @classmethod
    def _order(cls, *quantities, partner=None, confirm=True):
        """An order of (product, quantity) lines, confirmed unless told."""
        order = cls.env["sale.order"].create(
            {
                "partner_id": (partner or cls.customer).id,
                "order_line": [
                    Command.create({"product_id": product.id, "product_uom_qty": qty})
                    for product, qty in quantities
                ],
            }
        )
        if confirm:
            order.action_confirm()
        return order

    @classmethod
    def _deal(cls, **kwargs):
        """10 consulting days, 3 training days and an audit, confirmed."""
        return cls._order(
            (cls.product_consulting, 10),
            (cls.product_training, 3),
            (cls.product_audit, 1),
            **kwargs,
        )

    @classmethod
    def _down_payment(cls, order, percentage):
        """A posted down payment invoice of PERCENTAGE % (stock wizard)."""
        wizard = (
            cls.env["sale.advance.payment.inv"]
            .with_context(active_model="sale.order", active_ids=order.ids)
            .create({"advance_payment_method": "percentage", "amount": percentage})
        )
        wizard.create_invoices()
        invoice = order.invoice_ids.filtered(lambda move: move.state == "draft")
        invoice.action_post()
        return invoice

    @classmethod
    def _worked_example(cls, **kwargs):
        """10 consulting days at 600 (7 h a day), 16 hours logged, a 30 % down
        payment, then the delivered days invoiced without deduction: return
        the order, the down payment and the invoice, both posted."""
        order = cls._order((cls.product_consulting, 10), **kwargs)
        cls._log(order.order_line, (cls.employee_1, 9), (cls.employee_2, 7))
        down_payment = cls._down_payment(order, 30)
        invoice = order._create_invoices()  # the delivered days, no deduction
        invoice.action_post()
        return order, down_payment, invoice
