import logging

from odoo.exceptions import UserError
from odoo.tests import warmup

from .common import DownPaymentCommon

_logger = logging.getLogger(__name__)


class TestInvoicing(DownPaymentCommon):
    """The four invoicing modes and the deduction of down payments.

    The worked example: an order of 10,000 untaxed (20 % VAT) delivered by
    hand, a down payment of 30 % (3,000 untaxed) invoiced and posted."""

    def _mission(self, policy="full", quantity=10, partner=None):
        self.company_a.down_payment_deduction = policy
        return self._order((self.product_mission, quantity), partner=partner)

    def _deducting_invoice(self, policy, delivered):
        """A mission under POLICY, its 30 % down payment posted, DELIVERED
        days delivered: the order and its invoice with deduction, in draft."""
        order = self._mission(policy)
        self._down_payment(order)
        self._deliver(order, delivered)
        return order, self._invoice(order)

    def test_four_modes_keep_stock_fields(self):
        order = self._mission()
        for mode, method, deduct in (
            ("lines", "delivered", False),
            ("percentage", "percentage", True),
            ("fixed", "fixed", True),
        ):
            wizard = self._wizard(order, mode)
            self.assertEqual(wizard.advance_payment_method, method)
            self.assertEqual(wizard.deduct_down_payments, deduct)
        self._down_payment(order)
        # an integration setting stock's fields gets the matching mode
        wizard = (
            self.env["sale.advance.payment.inv"]
            .with_context(active_model="sale.order", active_ids=order.ids)
            .create({"advance_payment_method": "delivered"})
        )
        self.assertEqual(wizard.invoice_mode, "lines_deduct")
        wizard.deduct_down_payments = False
        self.assertEqual(wizard.invoice_mode, "lines")
        self.env["res.lang"]._activate_lang("fr_FR")
        french = wizard.with_context(lang="fr_FR")
        labels = dict(french._fields["invoice_mode"]._description_selection(french.env))
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
        self._down_payment(order)
        self._deliver(order, 4)
        invoice = self._invoice(order, "lines")
        self.assertEqual(invoice.amount_untaxed, 4000)
        self.assertFalse(invoice.invoice_line_ids.filtered("is_downpayment"))
        self.assertEqual(self._to_deduct(order), 3000)

    def test_proportional_deduction_follows_the_share_invoiced(self):
        order = self._mission("proportional")
        down_payment = self._down_payment(order)
        self.assertEqual(down_payment.amount_untaxed, 3000)
        self._deliver(order, 4)
        first = self._invoice(order)
        self.assertEqual(self._deducted(first), 1200)
        self.assertEqual(first.amount_untaxed, 4000 - 1200)
        self.assertEqual(first.amount_total, (4000 - 1200) * 1.2)
        first.action_post()
        dp_line = order.order_line.filtered(
            lambda line: line.is_downpayment and not line.display_type
        )
        # stock's meaning: -1 x 1,200 deducted, -1 to invoice while some is left
        self.assertRecordValues(dp_line, [{"qty_invoiced": 0, "qty_to_invoice": -1}])
        self.assertEqual(self._to_deduct(order), 1800)
        self._deliver(order, 10)
        last = self._invoice(order)
        self.assertEqual(self._deducted(last), 1800)
        self.assertEqual(last.amount_untaxed, 6000 - 1800)
        last.action_post()
        self.assertEqual(self._deducted(first) + self._deducted(last), 3000)
        self.assertEqual(self._to_deduct(order), 0)
        self.assertRecordValues(dp_line, [{"qty_invoiced": -1, "qty_to_invoice": 0}])
        self.assertEqual(order.invoice_status, "invoiced")

    def test_capped_deduction_never_makes_a_credit_note(self):
        order, first = self._deducting_invoice("capped", 1)
        self.assertEqual(first.move_type, "out_invoice")
        self.assertEqual(self._deducted(first), 1000)
        self.assertEqual(first.amount_total, 0)
        first.action_post()
        self._deliver(order, 10)
        last = self._invoice(order)
        self.assertEqual(self._deducted(last), 2000)
        self.assertEqual(last.amount_untaxed, 9000 - 2000)
        last.action_post()
        self.assertEqual(self._to_deduct(order), 0)

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
        product = self._product("Mission TTC", 1200, vat_included)
        self.company_a.down_payment_deduction = "capped"
        order = self._order((product, 10))
        self.assertEqual(order.amount_untaxed, 10000)
        self.assertEqual(self._down_payment(order).amount_untaxed, 3000)
        self._deliver(order, 2.75)
        first = self._invoice(order)
        self.assertEqual(first.move_type, "out_invoice")
        self.assertEqual(self._deducted(first), 2750)
        self.assertEqual(first.amount_total, 0)
        first.action_post()
        self._deliver(order, 10)
        last = self._invoice(order)
        self.assertEqual(self._deducted(last), 250)
        self.assertEqual(last.amount_untaxed, 7250 - 250)

    def test_full_deduction_is_stock_odoo(self):
        _order, invoice = self._deducting_invoice("full", 1)
        # as in stock Odoo: everything on the first invoice, here a credit note
        self.assertEqual(invoice.move_type, "out_refund")
        self.assertEqual(invoice.amount_untaxed, 3000 - 1000)

    def test_capped_is_the_default(self):
        company = self.env["res.company"].create({"name": "Nouvelle Société"})
        self.assertEqual(company.down_payment_deduction, "capped")

    def test_capped_default_example(self):
        """10 days at 600, 30 % down payment (1,800) posted, 2 days delivered:
        an invoice of 0 that deducts 1,200, the rest on the next invoices."""
        order = self._mission("capped")
        order.order_line.price_unit = 600
        self.assertEqual(self._down_payment(order).amount_untaxed, 1800)
        invoices = self.env["account.move"]
        for delivered, deducted, untaxed in (
            (2, 1200, 0),
            (5, 600, 1200),
            (10, 0, 3000),
        ):
            self._deliver(order, delivered)
            invoice = self._invoice(order)
            self.assertEqual(invoice.move_type, "out_invoice")
            self.assertEqual(self._deducted(invoice), deducted)
            self.assertEqual(invoice.amount_untaxed, untaxed)
            invoice.action_post()
            invoices |= invoice
        self.assertEqual(sum(invoices.mapped(self._deducted)), 1800)
        self.assertEqual(self._to_deduct(order), 0)
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
        second = self._invoice(order)
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
        self.assertEqual(self._to_deduct(order), 1800)
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "Erreur"})
        )
        reversal.refund_moves()
        invoice.reversal_move_ids.action_post()
        self.assertEqual(self._to_deduct(order), 3000)

    def test_fixed_and_percentage_down_payments_are_both_deducted(self):
        order = self._mission("proportional")
        fixed = self._invoice(order, "fixed", fixed_amount=1200)
        self.assertEqual(fixed.amount_total, 1200)  # taxes included, exactly
        fixed.action_post()
        percentage = self._invoice(order, "percentage", amount=25)
        self.assertEqual(percentage.amount_untaxed, 2500)
        percentage.action_post()
        self._deliver(order, 10)
        last = self._invoice(order)
        self.assertEqual(self._deducted(last), 1000 + 2500)
        last.action_post()
        self.assertEqual(self._to_deduct(order), 0)

    def test_several_orders_invoiced_together_each_deduct_their_share(self):
        self.company_a.down_payment_deduction = "proportional"
        orders = self._order((self.product_mission, 10)) | self._order(
            (self.product_mission, 5)
        )
        for order, delivered in zip(orders, (4, 2), strict=True):
            self._down_payment(order)
            self._deliver(order, delivered)
        invoice = self._invoice(orders, consolidated_billing=True)
        self.assertEqual(len(invoice), 1)
        self.assertEqual(self._deducted(invoice), 1200 + 600)
        self.assertEqual(invoice.amount_untaxed, 4000 + 2000 - 1800)

    def test_orders_invoiced_separately_each_deduct_their_share(self):
        self.company_a.down_payment_deduction = "capped"
        orders = self._order((self.product_mission, 10)) | self._order(
            (self.product_mission, 5)
        )
        for order in orders:
            self._down_payment(order)
            self._deliver(order, 1)
        invoices = self._invoice(orders, consolidated_billing=False)
        self.assertEqual(len(invoices), 2)
        self.assertEqual(invoices.mapped("amount_total"), [0, 0])
        self.assertEqual(
            [self._deducted(invoice) for invoice in invoices], [1000, 1000]
        )

    def test_down_payment_with_two_taxes_is_deducted_per_tax(self):
        self.company_a.down_payment_deduction = "proportional"
        vat_10 = self.env["account.tax"].create(
            {"name": "TVA 10 %", "amount": 10, "type_tax_use": "sale"}
        )
        reduced = self._product("Formation", 1000, vat_10)
        order = self._order((self.product_mission, 6), (reduced, 4))
        down_payment = self._down_payment(order)
        self.assertEqual(down_payment.amount_untaxed, 3000)
        self.assertEqual(down_payment.amount_tax, 1800 * 0.2 + 1200 * 0.1)
        self._deliver(order, 2)  # 4,000 of 10,000
        invoice = self._invoice(order)
        deductions = invoice.invoice_line_ids.filtered("is_downpayment")
        self.assertEqual(
            sorted((line.tax_ids.amount, line.price_subtotal) for line in deductions),
            [(10, -480), (20, -720)],
        )

    def test_stock_fields_keep_stock_fixed_amounts(self):
        """Odoo's own fields (integrations, Odoo's tests) accept a fixed down
        payment above the order, as without this addon; the invoice modes
        refuse it."""
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
        self.env["res.lang"]._activate_lang("en_US")
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
                with self.assertRaises(UserError) as error:
                    self._invoice(order.with_context(lang="en_US"), mode, **values)
                self.assertIn(message, str(error.exception))
                self.assertEqual(counts(), before)


class TestInvoicingQueries(DownPaymentCommon):
    """Deducting down payments gradually costs a constant number of queries
    over invoicing the same lines, whatever the number of orders."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product_mission.list_price = 600
        customers = cls.env["res.partner"].create(
            [{"name": f"Client {number}"} for number in range(3)]
        )
        cls.orders = cls.env["sale.order"].concat(
            *(
                cls._order(
                    *[(cls.product_mission, 10)] * 5, partner=customer, confirm=False
                )
                for customer in customers
            )
        )
        cls.orders.action_confirm()
        for order in cls.orders:
            cls._down_payment(order)  # 9,000 untaxed each
        # a first invoice of 5 days each deducted 3,000 of it
        for order in cls.orders:
            cls._deliver(order, 1)
        cls._invoice(cls.orders).action_post()
        for order in cls.orders:
            cls._deliver(order, 2)

    def _queries(self, orders, mode):
        """The queries of invoicing ORDERS in MODE, undone."""
        with self.env.cr.savepoint() as savepoint:
            self.env.invalidate_all()
            self.env.flush_all()
            before = self.cr.sql_log_count
            self._invoice(orders, mode)
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
            invoices = self._invoice(orders)
        self.assertEqual(invoices.mapped("amount_untaxed"), [0.0, 0.0])
        for invoice in invoices:  # 5 days of the 6,000 left of 9,000
            lines = invoice.invoice_line_ids.filtered("is_downpayment")
            self.assertEqual(sum(lines.mapped("price_subtotal")), -3000)

    @warmup
    def test_deducting_all_that_is_left_costs_what_stock_does(self):
        """When the policy deducts all that is left, as stock's down payment
        lines do (15 days billed, the 6,000 left of 9,000 deducted), the
        invoices cost stock's queries (the `full` policy)."""
        for order in self.orders:
            self._deliver(order, 4)
        orders = self.orders[1:]
        self.company_a.down_payment_deduction = "full"
        stock = self._queries(orders, "lines_deduct")
        self.company_a.down_payment_deduction = "capped"
        self.env.flush_all()
        with self.assertQueryCount(stock):
            invoices = self._invoice(orders)
        self.assertEqual(invoices.mapped("amount_untaxed"), [3000.0, 3000.0])
