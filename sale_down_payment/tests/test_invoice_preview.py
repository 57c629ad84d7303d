from .common import DownPaymentCommon


class TestInvoicePreview(DownPaymentCommon):
    """The invoicing wizard's preview is the invoice it then creates."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product_consulting = cls._product("Jour de conseil", 600)

    def _order_with_down_payment(self, delivered=3):
        """10 days at 600 + 20 % VAT, a posted 30 % down payment, DELIVERED
        days delivered."""
        order = self._order((self.product_consulting, 10))
        self._down_payment(order)
        self._deliver(order, delivered)
        return order

    def _assert_preview_is_created(self, orders, mode, **values):
        preview = self._wizard(orders, mode, **values)._simulate_invoices()
        self.assertFalse(orders.invoice_ids.filtered(lambda m: m.state == "draft"))
        invoices = self._invoice(orders, mode, **values)
        self.assertEqual(len(invoices), preview["count"])
        for key, field in (("untaxed", "amount_untaxed"), ("total", "amount_total")):
            self.assertAlmostEqual(
                preview[key],
                sum(
                    (-1 if move.move_type == "out_refund" else 1) * move[field]
                    for move in invoices
                ),
                places=2,
            )
        for row in preview["rows"]:
            lines = invoices.invoice_line_ids.filtered(
                lambda line, order=row["order"]: line.sale_line_ids.order_id == order
            )
            self.assertAlmostEqual(
                row["untaxed"],
                sum(
                    (-1 if line.move_id.move_type == "out_refund" else 1)
                    * line.price_subtotal
                    for line in lines
                ),
                places=2,
            )
        return preview, invoices

    def test_preview_of_each_mode_and_policy_is_the_invoice(self):
        for policy in ("full", "capped", "proportional"):
            self.company_a.down_payment_deduction = policy
            for mode, values in (
                ("lines", {}),
                ("lines_deduct", {}),
                ("percentage", {"amount": 15}),
                ("fixed", {"fixed_amount": 1234.56}),
            ):
                with self.subTest(policy=policy, mode=mode):
                    order = self._order_with_down_payment()
                    preview, _invoices = self._assert_preview_is_created(
                        order, mode, **values
                    )
                    [row] = preview["rows"]
                    if mode == "lines_deduct":
                        expected = {"full": 1800, "capped": 1800, "proportional": 540}
                        self.assertAlmostEqual(row["deducted"], expected[policy], 2)
                        self.assertEqual(row["billed"], 1800)  # 3 days
                    else:
                        self.assertFalse(row["deducted"])

    def test_preview_of_a_credit_note_and_of_two_orders_together(self):
        self.company_a.down_payment_deduction = "full"
        order = self._order_with_down_payment(delivered=1)  # 1 day < 1,800
        preview, invoices = self._assert_preview_is_created(order, "lines_deduct")
        self.assertEqual(invoices.move_type, "out_refund")
        self.assertLess(preview["total"], 0)
        self.company_a.down_payment_deduction = "proportional"
        orders = self._order_with_down_payment() | self._order_with_down_payment(2)
        preview, invoices = self._assert_preview_is_created(
            orders, "lines_deduct", consolidated_billing=True
        )
        self.assertEqual(len(invoices), 1)
        self.assertEqual(len(preview["rows"]), 2)
        html = str(
            self.env["ir.qweb"]._render("sale_down_payment.invoice_preview", preview)
        )
        for order in orders:
            self.assertIn(order.name, html)

    def test_preview_of_nothing_to_invoice_says_so_and_writes_nothing(self):
        order = self._order((self.product_consulting, 2))
        wizard = self._wizard(order, "lines")
        action = wizard.action_preview_invoices()
        self.assertEqual(action["res_id"], wizard.id)
        self.assertIn("alert-warning", wizard.invoice_preview)
        self.assertFalse(order.invoice_ids)
        wizard.invoice_mode = "lines"
        wizard._onchange_invoice_preview()
        self.assertFalse(wizard.invoice_preview)
