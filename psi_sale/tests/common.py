from odoo.fields import Command
from odoo.tests import new_test_user

from odoo.addons.l10n_fr_sale_invoicing.tests.common import (  # noqa: F401
    FacturXCommon,
    missing_texts,
    page_count,
    print_without_styles_server,
)
from odoo.addons.sale_timesheet_working_day.tests.common import WorkingDayCommon

# a signature as the portal's pad sends it: a PNG of one pixel, in base64
SIGNATURE = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA"
    "60e6kgAAAABJRU5ErkJggg=="
)


class PsiCommon(WorkingDayCommon):
    """sale_timesheet_working_day's world (stock sale_timesheet's two
    companies, company A working 7 hours a day; a customer and two
    consultants; consulting and training days and support hours, without
    taxes) and psi_sale's: salespeople of both companies, a portal user; a
    fixed-price audit and senior days, without taxes; offer categories."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b.name = "PSI Company B"
        cls.salesman_own, cls.salesman_all, cls.sales_manager = (
            cls._user(f"psi_{login}", f"sales_team.group_sale_{group}")
            for login, group in (
                ("salesman_own", "salesman"),
                ("salesman_all", "salesman_all_leads"),
                ("sales_manager", "manager"),
            )
        )
        cls.salesman_b = cls._user(
            "psi_salesman_b", "sales_team.group_sale_salesman_all_leads", cls.company_b
        )
        cls.portal_user = new_test_user(cls.env, "psi_portal", "base.group_portal")
        cls.product_audit = cls._service(
            "Audit forfaitaire", 3000, unit="unit", service_type="milestones"
        )
        cls.product_senior = cls._service(
            "Jour de conseil senior", 900, service_tracking="no"
        )
        cls.category_consulting, cls.category_audit = cls.env["crm.tag"].create(
            [
                {
                    "name": name,
                    "is_offer_category": True,
                    "offer_product_ids": [Command.set(products.ids)],
                }
                for name, products in (
                    ("Conseil", cls.product_consulting + cls.product_training),
                    ("Audit", cls.product_audit),
                )
            ]
        )
        cls.tag_plain = cls.env["crm.tag"].create({"name": "VIP"})
        cls.stage_todo, cls.stage_in_progress, cls.stage_done, cls.stage_cancelled = (
            cls.env.ref(f"psi_sale.project_task_type_{name}")
            for name in ("todo", "in_progress", "done", "cancelled")
        )

    @classmethod
    def _user(cls, login, groups, companies=None, **values):
        """A user of COMPANIES (company A if none), working in the first."""
        companies = companies or cls.company_a
        return new_test_user(
            cls.env,
            login,
            groups,
            company_id=companies[:1].id,
            company_ids=companies.ids,
            **values,
        )

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
        order = cls._order(**kwargs)
        cls._log(order.order_line, (cls.employee_1, 9), (cls.employee_2, 7))
        down_payment = cls._down_payment(order, 30)
        invoice = order._create_invoices()  # the delivered days, no deduction
        invoice.action_post()
        return order, down_payment, invoice


class FrenchDealCommon(FacturXCommon):
    """French invoicing's order of 10 days at 1,000, invoiced with psi_sale's
    invoice modes under the company's deduction policy (in proportion unless
    told)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._set_french_seller()
        cls.company.down_payment_deduction = "proportional"

    @staticmethod
    def _invoice(order, mode="lines", post=True, **values):
        """What the invoicing wizard creates for the order in MODE, posted
        unless told."""
        before = order.invoice_ids
        order.env["sale.advance.payment.inv"].with_context(
            active_model="sale.order", active_ids=order.ids
        ).create(dict(values, invoice_mode=mode)).create_invoices()
        invoice = order.invoice_ids - before
        if post:
            invoice.action_post()
        return invoice

    @classmethod
    def _story(cls):
        """The order; its down payment, intermediate (4 days) and final (6
        days) invoices that deduct it under the company's policy, posted."""
        order = cls._order()
        line = order.order_line
        down_payment = cls._invoice(order, "percentage", amount=30)
        line.qty_delivered = 4
        intermediate = cls._invoice(order, "lines_deduct")
        line.qty_delivered = 10
        final = cls._invoice(order, "lines_deduct")
        return order, down_payment, intermediate, final
