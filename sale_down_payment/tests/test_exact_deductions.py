from odoo.fields import Command

from .common import DownPaymentCommon


class TestExactDeductions(DownPaymentCommon):
    """Every deduction exact to the cent, with amounts that do not divide
    evenly: each is the amount the wizard or the preview announced, they sum
    to the down payments invoiced, and each invoice's VAT is its rate times its
    base (but for the cent Odoo moves so that the VAT deducted equals the down
    payment's)."""

    def _announced_invoice(self, order, mode="lines_deduct", **values):
        """The invoice the wizard makes, after its preview announced its
        deduction: (invoice, deduction announced)."""
        before = order.invoice_ids
        wizard = self._wizard(order, mode, **values)
        announced = wizard._simulate_invoices()["rows"][0]["deducted"]
        wizard.create_invoices()
        return order.invoice_ids - before, announced

    def _announced_closing(self, order):
        """Closing: (its invoice, the deduction its wizard announced)."""
        wizard = self._closing(order)
        announced = wizard.downpayment_to_deduct
        before = order.invoice_ids
        wizard.action_close()
        return order.invoice_ids - before, announced

    def assertVatOfItsBase(self, invoice, deducted_vat=0.0):
        """VAT = 20 % of the untaxed amount, but the cent Odoo moves so that
        the VAT deducted equals the down payment's."""
        expected = invoice.currency_id.round(invoice.amount_untaxed * 0.2)
        self.assertLessEqual(
            abs(invoice.amount_tax - expected),
            0.01 if deducted_vat else 0.0,
            f"{invoice.name}: VAT {invoice.amount_tax} on {invoice.amount_untaxed}",
        )

    def assertDeductsExactly(self, invoice, announced, expected):
        currency = invoice.currency_id
        self.assertEqual(currency.compare_amounts(announced, expected), 0)
        self.assertEqual(
            currency.compare_amounts(self._deducted(invoice), expected),
            0,
            f"{invoice.name} deducts {self._deducted(invoice)}, not {expected}",
        )

    def test_walk_closing_deducts_what_was_announced_and_vat_is_20(self):
        """The walk's order: 10,650 untaxed, a 30 % down payment (3,195), an
        invoice of 3,105 that deducts 931.50 in proportion, then the closing:
        it deducts the 2,263.50 announced, not 0.71 x 3,195 = 2,268.45."""
        self.company_a.down_payment_deduction = "proportional"
        mission, coaching, audit = (
            self._product(name, price)
            for name, price in (
                ("Mission", 1035),
                ("Accompagnement", 3745),
                ("Audit forfaitaire", 3800),
            )
        )
        order = self._order((mission, 3), (coaching, 1), (audit, 1))
        self.assertEqual(order.amount_untaxed, 10650)
        down_payment, _announced = self._announced_invoice(
            order, "percentage", amount=30
        )
        self.assertEqual(down_payment.amount_untaxed, 3195)
        down_payment.action_post()
        order.order_line.filtered(
            lambda line: line.product_id == mission
        ).qty_delivered = 3
        first, announced = self._announced_invoice(order)
        self.assertDeductsExactly(first, announced, 931.50)
        self.assertEqual(first.amount_untaxed, 3105 - 931.50)
        self.assertVatOfItsBase(first)
        first.action_post()
        self.assertEqual(self._to_deduct(order), 2263.50)
        order.order_line.filtered(
            lambda line: line.product_id == coaching
        ).qty_delivered = 1
        closing, announced = self._announced_closing(order)
        self.assertDeductsExactly(closing, announced, 2263.50)
        self.assertRecordValues(
            closing,
            [{"move_type": "out_invoice", "amount_untaxed": 3745 - 2263.50}],
        )
        self.assertVatOfItsBase(closing, deducted_vat=True)
        closing.action_post()
        self.assertEqual(self._deducted(first) + self._deducted(closing), 3195)
        self.assertEqual(self._to_deduct(order), 0)
        vat_deducted = -sum(
            (first + closing)
            .invoice_line_ids.filtered("is_downpayment")
            .mapped(lambda line: line.price_total - line.price_subtotal)
        )
        self.assertEqual(
            order.currency_id.compare_amounts(vat_deducted, down_payment.amount_tax),
            0,
            "the VAT deducted is the down payment's",
        )

    def test_capped_then_closing_in_swiss_francs_sum_to_the_order(self):
        """7 x 1,111.11 CHF, a 33 % down payment (2,566.66), an invoice of one
        unit deducting 1,111.11 (capped), then the closing of the six others:
        it deducts the 1,455.55 left (not 0.57 x 2,566.66), and the invoices
        sum to the order, 7,777.77."""
        self.company_a.down_payment_deduction = "capped"
        chf = self.env.ref("base.CHF")
        chf.active = True
        self.env["res.currency.rate"].create(
            {"currency_id": chf.id, "rate": 0.93, "name": "2020-01-01"}
        )
        pricelist = self.env["product.pricelist"].create(
            {"name": "CHF", "currency_id": chf.id}
        )
        product = self._product("Journée d'expertise", 1111.11)
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "pricelist_id": pricelist.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": 7,
                            "price_unit": 1111.11,
                        }
                    )
                ],
            }
        )
        order.action_confirm()
        self.assertEqual(order.currency_id, chf)
        self.assertEqual(order.amount_untaxed, 7777.77)
        down_payment, _announced = self._announced_invoice(
            order, "percentage", amount=33
        )
        self.assertEqual(down_payment.amount_untaxed, 2566.66)
        down_payment.action_post()
        line = order.order_line.filtered("product_id")
        line.qty_delivered = 1
        first, announced = self._announced_invoice(order)
        self.assertDeductsExactly(first, announced, 1111.11)
        self.assertEqual(first.amount_untaxed, 0)
        first.action_post()
        self.assertEqual(self._to_deduct(order), 1455.55)
        line.qty_delivered = 7
        closing, announced = self._announced_closing(order)
        self.assertDeductsExactly(closing, announced, 1455.55)
        self.assertEqual(closing.amount_untaxed, 6666.66 - 1455.55)
        self.assertVatOfItsBase(closing, deducted_vat=True)
        closing.action_post()
        invoices = down_payment + first + closing
        self.assertEqual(
            chf.compare_amounts(sum(invoices.mapped("amount_untaxed")), 7777.77), 0
        )
        self.assertEqual(self._to_deduct(order), 0)
        self.assertEqual(order.currency_id.round(order.amount_to_invoice), 0)

    def test_proportional_deductions_in_thirds_sum_to_the_down_payment(self):
        """999.99 untaxed, three units of 333.33 invoiced one by one, a 10 %
        down payment (100): the three invoices deduct 33.33, 33.34 and 33.33,
        never more than is left, and nothing left to deduct is ever
        negative."""
        self.company_a.down_payment_deduction = "proportional"
        product = self._product("Tiers de mission", 333.33)
        order = self._order((product, 3))
        self.assertEqual(order.amount_untaxed, 999.99)
        down_payment, _announced = self._announced_invoice(
            order, "percentage", amount=10
        )
        self.assertEqual(down_payment.amount_untaxed, 100)
        down_payment.action_post()
        line = order.order_line.filtered("product_id")
        deductions = []
        for delivered, expected in ((1, 33.33), (2, 33.34), (3, 33.33)):
            line.qty_delivered = delivered
            invoice, announced = self._announced_invoice(order)
            self.assertDeductsExactly(invoice, announced, expected)
            self.assertVatOfItsBase(invoice, deducted_vat=delivered == 3)
            invoice.action_post()
            deductions.append(self._deducted(invoice))
            self.assertGreaterEqual(self._to_deduct(order), 0)
        self.assertEqual(order.currency_id.round(sum(deductions)), 100)
        self.assertEqual(self._to_deduct(order), 0)
        dp_line = order.order_line.filtered(
            lambda line: line.is_downpayment and not line.display_type
        )
        # stock's meaning: nothing more of the down payment to invoice
        self.assertEqual(dp_line.qty_to_invoice, 0)
        self.assertEqual(order.invoice_status, "invoiced")
