from odoo.fields import Command
from odoo.tests import new_test_user

from odoo.addons.sale_timesheet.tests.common import TestCommonSaleTimesheet


class WorkingDayCommon(TestCommonSaleTimesheet):
    """Stock sale_timesheet's world (a second company, accounts, projects):
    company A works 7 hours a day, without rounding, invoicing all the time
    delivered; salespeople; a customer and two consultants; consulting days
    (on timesheets), training days (prepaid) and support hours, without
    taxes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_a.write(
            {
                "timesheet_hours_per_day": 7,
                "timesheet_day_rounding": "none",
                "overrun_policy": "invoice",
            }
        )
        cls.company_b = cls.company_data_2["company"]
        cls.uom_day = cls.env.ref("uom.product_uom_day")
        cls.salesman_all, cls.sales_manager = (
            new_test_user(
                cls.env,
                login,
                group,
                company_id=cls.company_a.id,
                company_ids=cls.company_a.ids,
            )
            for login, group in (
                ("working_day_salesman", "sales_team.group_sale_salesman_all_leads"),
                ("working_day_manager", "sales_team.group_sale_manager"),
            )
        )
        cls.customer = cls.env["res.partner"].create({"name": "Durand Industrie"})
        cls.employee_1, cls.employee_2 = cls.env["hr.employee"].create(
            [{"name": "Camille Martin"}, {"name": "Louis Bernard"}]
        )
        cls.product_consulting = cls._service("Jour de conseil", 600)
        cls.product_training = cls._service(
            "Jour de formation", 900, invoice_policy="order"
        )
        cls.product_hourly = cls._service("Heure de support", 90, unit="hour")

    @classmethod
    def _service(cls, name, list_price, unit="day", **values):
        """A service without taxes sold by the UNIT (``uom.product_uom_<unit>``),
        by default delivered on timesheets, a task per order line in the
        order's project. VALUES are more or other fields."""
        uom = cls.env.ref(f"uom.product_uom_{unit}")
        return cls.env["product.product"].create(
            {
                "name": name,
                "type": "service",
                "list_price": list_price,
                "uom_id": uom.id,
                "uom_po_id": uom.id,
                "invoice_policy": "delivery",
                "service_type": "timesheet",
                "service_tracking": "task_in_project",
                "taxes_id": [Command.clear()],
                **values,
            }
        )

    @classmethod
    def _order(cls, *quantities, partner=None, company=None, confirm=True):
        """An order of (product, quantity) lines (10 consulting days if none),
        in COMPANY if given, confirmed unless told."""
        lines = quantities or [(cls.product_consulting, 10)]
        order = (
            cls.env["sale.order"]
            .with_company(company)
            .create(
                {
                    "partner_id": (partner or cls.customer).id,
                    "order_line": [
                        Command.create(
                            {"product_id": product.id, "product_uom_qty": qty}
                        )
                        for product, qty in lines
                    ],
                }
            )
        )
        if confirm:
            order.action_confirm()
        return order

    @classmethod
    def _log(cls, lines, *hours_by_employee):
        """Log time on the task of each of LINES that has one: (employee,
        hours) pairs."""
        return (
            cls.env["account.analytic.line"]
            .with_company(lines.company_id)
            .create(
                [
                    {
                        "name": "Atelier",
                        "project_id": line.task_id.project_id.id,
                        "task_id": line.task_id.id,
                        "employee_id": employee.id,
                        "unit_amount": hours,
                    }
                    for line in lines.filtered("task_id")
                    for employee, hours in hours_by_employee
                ]
            )
        )
