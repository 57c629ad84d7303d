import logging

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tests import tagged, warmup

from .common import PsiCommon
from .factory import service_product

_logger = logging.getLogger(__name__)


@tagged("post_install", "-at_install")
class TestInvoicing(PsiCommon):
    """The four invoicing modes and the deduction of down payments.

    The worked example: an order of 10,000 untaxed (20 % VAT) delivered by
    hand, a down payment of 30 % (3,000 untaxed) invoiced and posted."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vat_20, cls.vat_10 = cls.env["account.tax"].create(
            [
                {"name": "TVA 20 %", "amount": 20, "type_tax_use": "sale"},
                {"name": "TVA 10 %", "amount": 10, "type_tax_use": "sale"},
            ]
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

    def _mission(self, policy="full", quantity=10, partner=None):
        self.env.company.down_payment_deduction = policy
        return self._order((self.product_mission, quantity), partner=partner)

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

    def _deducting_invoice(self, policy, delivered):
        """A mission under POLICY, its 30 % down payment posted, DELIVERED
        days delivered: the order and its invoice with deduction, in draft."""
        order = self._mission(policy)
        self._posted_down_payment(order)
        self._deliver(order, delivered)
        return order, self._invoice(order, "lines_deduct")

    def _render(self, invoice):
        report = self.env["ir.actions.report"]
        return report._render_qweb_html("account.account_invoices", invoice.ids)[
            0
        ].decode()

    def _deducted(self, invoice):
        lines = invoice.invoice_line_ids.filtered("is_downpayment")
        return -sum(lines.mapped("price_subtotal"))

    def test_four_modes_keep_stock_fields(self):
        order = self._mission()
        for mode, method, deduct in (
            ("lines", "delivered", False),
            ("percentage", "percentage", True),
            ("fixed", "fixed", True),
        ):
            wizard = (
                self.env["sale.advance.payment.inv"]
                .with_context(active_model="sale.order", active_ids=order.ids)
                .create({"invoice_mode": mode})
            )
            self.assertEqual(wizard.advance_payment_method, method)
            self.assertEqual(wizard.deduct_down_payments, deduct)
        self._posted_down_payment(order)
        # an integration setting stock's fields gets the matching mode
        wizard = (
            self.env["sale.advance.payment.inv"]
            .with_context(active_model="sale.order", active_ids=order.ids)
            .create({"advance_payment_method": "delivered"})
        )
        self.assertEqual(wizard.invoice_mode, "lines_deduct")
        wizard.deduct_down_payments = False
        self.assertEqual(wizard.invoice_mode, "lines")
        labels = dict(
            wizard.with_context(lang="fr_FR")
            ._fields["invoice_mode"]
            ._description_selection(wizard.with_context(lang="fr_FR").env)
        )
        self.assertEqual(
            labels,
            {
                "lines": "Lignes facturables",
                "lines_deduct": "Lignes facturables (acomptes déduits)",
                "percentage": "Acompte (pourcentage)",
                "fixed": "Acompte (montant)",
            },
        )

    def test_mode_lines_invoices_the_delivered_part_without_deduction(self):
        order = self._mission("proportional")
        self._posted_down_payment(order)
        self._deliver(order, 4)
        invoice = self._invoice(order, "lines")
        self.assertEqual(invoice.amount_untaxed, 4000)
        self.assertFalse(invoice.invoice_line_ids.filtered("is_downpayment"))
        self.assertEqual(order.downpayment_amount_to_deduct, 3000)

    def test_proportional_deduction_follows_the_share_invoiced(self):
        order = self._mission("proportional")
        down_payment = self._posted_down_payment(order)
        self.assertEqual(down_payment.amount_untaxed, 3000)
        self._deliver(order, 4)
        first = self._invoice(order, "lines_deduct")
        self.assertEqual(self._deducted(first), 1200)
        self.assertEqual(first.amount_untaxed, 4000 - 1200)
        self.assertEqual(first.amount_total, (4000 - 1200) * 1.2)
        first.action_post()
        dp_line = order.order_line.filtered(
            lambda line: line.is_downpayment and not line.display_type
        )
        # stock's meaning: -1 x 1,200 deducted, -1 to invoice while some is left
        self.assertRecordValues(dp_line, [{"qty_invoiced": 0, "qty_to_invoice": -1}])
        self.assertEqual(order.downpayment_amount_to_deduct, 1800)
        self._deliver(order, 10)
        last = self._invoice(order, "lines_deduct")
        self.assertEqual(self._deducted(last), 1800)
        self.assertEqual(last.amount_untaxed, 6000 - 1800)
        last.action_post()
        self.assertEqual(self._deducted(first) + self._deducted(last), 3000)
        self.assertEqual(order.downpayment_amount_to_deduct, 0)
        self.assertRecordValues(dp_line, [{"qty_invoiced": -1, "qty_to_invoice": 0}])
        self.assertEqual(order.invoice_status, "invoiced")

    def test_capped_deduction_never_makes_a_credit_note(self):
        order, first = self._deducting_invoice("capped", 1)
        self.assertEqual(first.move_type, "out_invoice")
        self.assertEqual(self._deducted(first), 1000)
        self.assertEqual(first.amount_total, 0)
        first.action_post()
        self._deliver(order, 10)
        last = self._invoice(order, "lines_deduct")
        self.assertEqual(self._deducted(last), 2000)
        self.assertEqual(last.amount_untaxed, 9000 - 2000)
        last.action_post()
        self.assertEqual(order.downpayment_amount_to_deduct, 0)

    def test_capped_deduction_of_prices_taxes_included(self):
        """Prices with their VAT included (1,200, 1,000 untaxed): the invoice
        of 2.75 units deducts 2,750 of the 3,000 untaxed down payment, never
        a credit note; the last one the 250 left."""
        vat_included = self.env["account.tax"].create(
            {
                "name": "TVA 20 % TTC",
                "amount": 20,
                "type_tax_use": "sale",
                "price_include_override": "tax_included",
            }
        )
        product = self._delivered_by_hand("Mission TTC", vat_included)
        product.list_price = 1200
        self.env.company.down_payment_deduction = "capped"
        order = self._order((product, 10))
        self.assertEqual(order.amount_untaxed, 10000)
        self.assertEqual(self._posted_down_payment(order).amount_untaxed, 3000)
        self._deliver(order, 2.75)
        first = self._invoice(order, "lines_deduct")
        self.assertEqual(first.move_type, "out_invoice")
        self.assertEqual(self._deducted(first), 2750)
        self.assertEqual(first.amount_total, 0)
        first.action_post()
        self._deliver(order, 10)
        last = self._invoice(order, "lines_deduct")
        self.assertEqual(self._deducted(last), 250)
        self.assertEqual(last.amount_untaxed, 7250 - 250)

    def test_full_deduction_is_stock_odoo(self):
        _order, invoice = self._deducting_invoice("full", 1)
        # as in stock Odoo: everything on the first invoice, here a credit note
        self.assertEqual(invoice.move_type, "out_refund")
        self.assertEqual(invoice.amount_untaxed, 3000 - 1000)

    def test_capped_is_the_default(self):
        company = self.env["res.company"].create({"name": "PSI Nouvelle Société"})
        self.assertEqual(company.down_payment_deduction, "capped")

    def test_capped_default_example(self):
        """10 days at 600, 30 % down payment (1,800) posted, 2 days delivered:
        an invoice of 0 that deducts 1,200, the rest on the next invoices."""
        order = self._mission("capped")
        order.order_line.price_unit = 600
        self.assertEqual(self._posted_down_payment(order).amount_untaxed, 1800)
        invoices = self.env["account.move"]
        for delivered, deducted, untaxed in (
            (2, 1200, 0),
            (5, 600, 1200),
            (10, 0, 3000),
        ):
            self._deliver(order, delivered)
            invoice = self._invoice(order, "lines_deduct")
            self.assertEqual(invoice.move_type, "out_invoice")
            self.assertEqual(self._deducted(invoice), deducted)
            self.assertEqual(invoice.amount_untaxed, untaxed)
            invoice.action_post()
            invoices |= invoice
        self.assertEqual(sum(invoices.mapped(self._deducted)), 1800)
        self.assertEqual(order.downpayment_amount_to_deduct, 0)
        self.assertNotIn("out_refund", order.invoice_ids.mapped("move_type"))
        # the 0 invoice has stock's down payment section; the last, none
        last_sections = invoices[-1].invoice_line_ids.filtered(
            lambda line: line.display_type == "line_section"
        )
        self.assertFalse(last_sections, "no empty down payment section")

    def test_capped_is_stock_invoice_when_the_down_payments_fit(self):
        """Down payments that fit in the invoice: capped makes exactly stock
        Odoo's invoice (full), line for line, accounting entries included."""

        def entries(policy):
            _order, invoice = self._deducting_invoice(policy, 6)
            return [
                (
                    line.display_type,
                    line.is_downpayment,
                    line.quantity,
                    line.price_unit,
                    line.account_id,
                    line.tax_ids,
                    line.balance,
                )
                for line in invoice.line_ids.sorted(
                    lambda line: (line.display_type, line.sequence, line.balance)
                )
            ]

        self.assertEqual(entries("capped"), entries("full"))

    def test_draft_deduction_is_not_deducted_twice(self):
        order, first = self._deducting_invoice("capped", 2)  # left in draft
        self.assertEqual(self._deducted(first), 2000)
        self._deliver(order, 10)
        second = self._invoice(order, "lines_deduct")
        self.assertEqual(self._deducted(second), 1000)
        # cancelling the first gives its deduction back
        first.button_cancel()
        self.assertEqual(
            order.order_line.filtered("is_downpayment")
            .filtered(lambda line: not line.display_type)
            ._get_down_payment_balance(),
            (3000, 2000),
        )

    def test_credit_note_of_an_invoice_gives_its_deduction_back(self):
        order, invoice = self._deducting_invoice("proportional", 4)
        invoice.action_post()
        self.assertEqual(order.downpayment_amount_to_deduct, 1800)
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "Erreur"})
        )
        reversal.refund_moves()
        invoice.reversal_move_ids.action_post()
        self.assertEqual(order.downpayment_amount_to_deduct, 3000)

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

    def test_several_orders_invoiced_together_each_deduct_their_share(self):
        self.env.company.down_payment_deduction = "proportional"
        orders = self._order((self.product_mission, 10)) | self._order(
            (self.product_mission, 5)
        )
        for order, delivered in zip(orders, (4, 2), strict=True):
            self._posted_down_payment(order)
            self._deliver(order, delivered)
        invoice = self._invoice(orders, "lines_deduct", consolidated_billing=True)
        self.assertEqual(len(invoice), 1)
        self.assertEqual(self._deducted(invoice), 1200 + 600)
        self.assertEqual(invoice.amount_untaxed, 4000 + 2000 - 1800)

    def test_orders_invoiced_separately_each_deduct_their_share(self):
        self.env.company.down_payment_deduction = "capped"
        orders = self._order((self.product_mission, 10)) | self._order(
            (self.product_mission, 5)
        )
        for order in orders:
            self._posted_down_payment(order)
            self._deliver(order, 1)
        invoices = self._invoice(orders, "lines_deduct", consolidated_billing=False)
        self.assertEqual(len(invoices), 2)
        self.assertEqual(invoices.mapped("amount_total"), [0, 0])
        self.assertEqual(
            [self._deducted(invoice) for invoice in invoices], [1000, 1000]
        )

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

    def test_down_payment_with_two_taxes_is_deducted_per_tax(self):
        self.env.company.down_payment_deduction = "proportional"
        reduced = self._delivered_by_hand("Formation", self.vat_10)
        order = self._order((self.product_mission, 6), (reduced, 4))
        down_payment = self._posted_down_payment(order)
        self.assertEqual(down_payment.amount_untaxed, 3000)
        self.assertEqual(down_payment.amount_tax, 1800 * 0.2 + 1200 * 0.1)
        order.order_line.filtered("product_id").qty_delivered = 2  # 4,000 of 10,000
        invoice = self._invoice(order, "lines_deduct")
        deductions = invoice.invoice_line_ids.filtered("is_downpayment")
        self.assertEqual(
            sorted((line.tax_ids.amount, line.price_subtotal) for line in deductions),
            [(10, -480), (20, -720)],
        )

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

    def test_stock_fields_keep_stock_fixed_amounts(self):
        """Odoo's own fields (integrations, Odoo's tests) accept a fixed down
        payment above the order, as without psi_sale; the invoice modes refuse
        it."""
        order = self._mission("proportional", quantity=1)
        wizard = self.env["sale.advance.payment.inv"].with_context(
            active_model="sale.order", active_ids=order.ids
        )
        wizard.create(
            {"advance_payment_method": "fixed", "fixed_amount": 2400}
        ).create_invoices()
        self.assertEqual(order.invoice_ids.amount_total, 2400)
        with self.assertRaises(UserError):
            wizard.create({"invoice_mode": "fixed", "fixed_amount": 2400})
        self.assertEqual(len(order.invoice_ids), 1)

    def test_bad_input_is_refused_and_leaves_nothing(self):
        order = self._mission("proportional")

        def counts():
            return self.env["account.move"].search_count([]), len(order.order_line)

        before = counts()
        for mode, values, message in (
            ("percentage", {"amount": 0}, "positive"),
            ("percentage", {"amount": -5}, "positive"),
            ("percentage", {"amount": 150}, "100%"),
            ("fixed", {"fixed_amount": 0}, "positive"),
            ("fixed", {"fixed_amount": -10}, "positive"),
            ("fixed", {"fixed_amount": 12001}, "left to invoice"),
            ("lines_deduct", {}, "no down payment to deduct"),
        ):
            with self.subTest(mode=mode, values=values):
                self.env["res.lang"]._activate_lang("en_US")
                with self.assertRaises(UserError) as error:
                    self._invoice(order.with_context(lang="en_US"), mode, **values)
                self.assertIn(message, str(error.exception))
                self.assertEqual(counts(), before)


@tagged("post_install", "-at_install")
class TestInvoicingQueries(PsiCommon):
    """Deducting down payments gradually costs a constant number of queries
    over invoicing the same lines, whatever the number of orders."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.down_payment_deduction = "capped"
        vat = cls.env["account.tax"].create(
            {"name": "TVA 20 %", "amount": 20, "type_tax_use": "sale"}
        )
        product = service_product(
            cls.env, "Jour de conseil taxé", 600, taxes_id=[Command.set(vat.ids)]
        )
        customers = cls.env["res.partner"].create(
            [{"name": f"Client {number}"} for number in range(3)]
        )
        cls.orders = cls.env["sale.order"].concat(
            *(
                cls._order(*[(product, 10)] * 5, partner=customer, confirm=False)
                for customer in customers
            )
        )
        cls.orders.action_confirm()
        for order in cls.orders:
            cls._down_payment(order, 30)  # 9,000 untaxed each
        # a first invoice of 5 days each deducted 3,000 of it
        cls._log(cls.orders.order_line, (cls.employee_1, 7))
        cls._invoices(cls.orders).action_post()
        cls._log(cls.orders.order_line, (cls.employee_2, 7))

    @classmethod
    def _invoices(cls, orders, mode="lines_deduct"):
        wizard = (
            cls.env["sale.advance.payment.inv"]
            .with_context(active_model="sale.order", active_ids=orders.ids)
            .create({"invoice_mode": mode})
        )
        wizard.create_invoices()
        return orders.invoice_ids.filtered(lambda move: move.state == "draft")

    def _queries(self, orders, mode):
        """The queries of invoicing ORDERS in MODE, undone."""
        with self.env.cr.savepoint() as savepoint:
            self.env.invalidate_all()
            self.env.flush_all()
            before = self.cr.sql_log_count
            self._invoices(orders, mode)
            self.env.flush_all()
            savepoint.rollback()
        self.env.invalidate_all()
        return self.cr.sql_log_count - before

    @warmup
    def test_deducting_on_2_orders_costs_at_most_12_queries_over_the_lines(self):
        """Their deductions are computed before the invoices are made and
        built into their values: the invoices are made once, in one pass (8
        queries over the lines; 67 when their down payment lines were made at
        0, then repriced in a synchronisation of the two invoices)."""
        orders = self.orders[1:]
        lines = self._queries(orders, "lines")
        _logger.info(
            "invoicing 2 orders: %s queries, deducted: %s; 1 order deducted: %s",
            lines,
            self._queries(orders, "lines_deduct"),
            self._queries(self.orders[:1], "lines_deduct"),
        )
        self.env.flush_all()
        with self.assertQueryCount(lines + 12):
            invoices = self._invoices(orders)
        self.assertEqual(invoices.mapped("amount_untaxed"), [0.0, 0.0])
        for invoice in invoices:  # 5 days of the 6,000 left of 9,000
            lines = invoice.invoice_line_ids.filtered("is_downpayment")
            self.assertEqual(sum(lines.mapped("price_subtotal")), -3000)

    @warmup
    def test_deducting_all_that_is_left_costs_what_stock_does(self):
        """When the policy deducts all that is left, as stock's down payment
        lines do (15 days billed, the 6,000 left of 9,000 deducted), the
        invoices cost stock's queries (the `full` policy)."""
        self._log(self.orders.order_line, (self.employee_1, 7), (self.employee_2, 7))
        orders = self.orders[1:]
        self.env.company.down_payment_deduction = "full"
        stock = self._queries(orders, "lines_deduct")
        self.env.company.down_payment_deduction = "capped"
        self.env.flush_all()
        with self.assertQueryCount(stock):
            invoices = self._invoices(orders)
        self.assertEqual(invoices.mapped("amount_untaxed"), [3000.0, 3000.0])
