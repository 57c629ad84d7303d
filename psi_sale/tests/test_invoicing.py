from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.fields import Command
from odoo.tests import tagged

from .common import PsiCommon
from .factory import service_product


@tagged("post_install", "-at_install")
class TestInvoicing(PsiCommon):
    """Invoicing with what sale_down_payment alone does not know: the
    deductions on the French invoice, a timesheet period's share of the down
    payments, the working day of an invoice of days (sale_down_payment's
    tests hold the invoicing modes and the deduction policies)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vat_20 = cls.env["account.tax"].create(
            {"name": "TVA 20 %", "amount": 20, "type_tax_use": "sale"}
        )
        cls.product_mission = cls._delivered_by_hand(
            "Mission d'accompagnement", cls.vat_20
        )

    @classmethod
    def _delivered_by_hand(cls, name, tax):
        """A service at 1,000 with this tax, its deliveries entered by hand."""
        return service_product(
            cls.env,
            name,
            1000,
            unit="unit",
            service_type="manual",
            service_tracking="no",
            taxes_id=[Command.set(tax.ids)],
        )

    def _mission(self, policy):
        self.env.company.down_payment_deduction = policy
        return self._order((self.product_mission, 10))

    def _invoice(self, orders, mode, **values):
        """What the wizard creates for these orders in this mode."""
        before = orders.invoice_ids
        wizard = (
            orders.env["sale.advance.payment.inv"]
            .with_context(active_model="sale.order", active_ids=orders.ids)
            .create(dict(values, invoice_mode=mode))
        )
        wizard.create_invoices()
        return orders.invoice_ids - before

    def _posted_down_payment(self, order, percentage=30):
        invoice = self._invoice(order, "percentage", amount=percentage)
        invoice.action_post()
        return invoice

    def _deliver(self, order, quantity):
        order.order_line.filtered("product_id").qty_delivered = quantity

    def _render(self, invoice):
        report = self.env["ir.actions.report"]
        return report._render_qweb_html("account.account_invoices", invoice.ids)[
            0
        ].decode()

    def _deducted(self, invoice):
        lines = invoice.invoice_line_ids.filtered("is_downpayment")
        return -sum(lines.mapped("price_subtotal"))

    def test_fixed_and_percentage_down_payments_then_the_last_invoice_lists_them(
        self,
    ):
        order = self._mission("proportional")
        fixed = self._invoice(order, "fixed", fixed_amount=1200)
        self.assertEqual(fixed.amount_total, 1200)  # taxes included, exactly
        fixed.action_post()
        percentage = self._invoice(order, "percentage", amount=25)
        self.assertEqual(percentage.amount_untaxed, 2500)
        percentage.action_post()
        self._deliver(order, 10)
        last = self._invoice(order, "lines_deduct")
        self.assertEqual(self._deducted(last), 1000 + 2500)
        self.assertEqual(last.deducted_down_payment_ids, fixed | percentage)
        last.action_post()
        self.assertEqual(
            [
                (line["invoice"], line["amount"], line["deducted"])
                for line in last._get_deducted_down_payments()
            ],
            [(fixed, 1200, 1200), (percentage, 3000, 3000)],
        )
        self.env["res.lang"]._activate_lang("en_US")
        order.partner_id.lang = "en_US"
        html = self._render(last)
        self.assertIn("Down payments deducted", html)
        for down_payment in fixed | percentage:
            self.assertIn(down_payment.name, html)
        order.partner_id.lang = "fr_FR"
        html = self._render(last)
        self.assertIn("Acomptes déduits", html)

    def test_timesheet_period_invoices_its_share_of_the_down_payment(self):
        self.env.company.down_payment_deduction = "proportional"
        order = self._order((self.product_consulting, 10))  # 6,000
        self._posted_down_payment(order)  # 1,800
        today = fields.Date.today()
        last_month = today - relativedelta(months=1)
        for day, hours in ((last_month, 14), (today, 14)):
            self.env["account.analytic.line"].create(
                {
                    "name": "Atelier",
                    "project_id": order.order_line.task_id.project_id.id,
                    "task_id": order.order_line.task_id.id,
                    "employee_id": self.employee_1.id,
                    "unit_amount": hours,
                    "date": day,
                }
            )
        invoice = self._invoice(
            order,
            "lines_deduct",
            date_start_invoice_timesheet=last_month - relativedelta(days=1),
            date_end_invoice_timesheet=last_month,
        )
        # 14 h of last month: 2 days of 7 h, 1,200 = 20 % of the order
        self.assertEqual(invoice.amount_untaxed, 1200 - 360)
        self.assertEqual(self._deducted(invoice), 360)

    def test_invoice_of_days_shows_its_working_day_and_knows_its_opportunity(self):
        opportunity = self.env["crm.lead"].create(
            {
                "name": "Refonte SI",
                "type": "opportunity",
                "partner_id": self.customer.id,
            }
        )
        order = self._order((self.product_training, 3), confirm=False)
        order.opportunity_id = opportunity
        order.action_confirm()
        invoice = order._create_invoices()
        self.assertEqual(invoice.opportunity_id, opportunity)
        self.assertEqual(invoice.hours_per_day, 7)
        self.assertEqual(invoice.invoice_line_ids.quantity_hours, 21)
        invoices = self.env["account.move"].search(
            [("opportunity_id", "=", opportunity.id)]
        )
        self.assertEqual(invoices, invoice)
        html = self._render(invoice)
        self.assertNotIn("21:00", html, "ordered days: no hours nobody logged")
        self.assertIn("07:00", html)
