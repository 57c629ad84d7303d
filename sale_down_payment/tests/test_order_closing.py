from odoo.exceptions import UserError
from odoo.tests import Form

from .common import DownPaymentCommon


class TestOrderClosing(DownPaymentCommon):
    """Closing an order ("Solder la commande"): its last invoice bills what is
    left and deducts every down payment left; posted, it closes the order."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product_consulting = cls._product("Jour de conseil", 600)
        cls.product_audit = cls._product("Audit forfaitaire", 3000)
        cls.company_b = cls.setup_other_company()["company"]

    def _consulting(self, quantity=10):
        return self._order((self.product_consulting, quantity))

    def test_closing_deducts_what_is_left_after_confirmation(self):
        self.company_a.down_payment_deduction = "proportional"
        order = self._consulting()
        self._down_payment(order)
        self._deliver(order, 5)
        invoice = self._invoice(order)
        self.assertEqual(invoice.amount_untaxed, 3000 - 900)
        invoice.action_post()
        closing = self._closing(order)
        self.assertRecordValues(
            closing,
            [
                {
                    "amount_to_invoice": 0,
                    "downpayment_to_deduct": 900,
                    "credit_note_amount": 900,
                    "down_payment_deduction": "proportional",
                }
            ],
        )
        self.assertFalse(order.invoice_ids.filtered(lambda m: m.state == "draft"))
        closing.action_close()
        credit_note = order.invoice_ids.filtered(lambda move: move.state == "draft")
        self.assertEqual(credit_note.move_type, "out_refund")
        self.assertEqual(credit_note.amount_untaxed, 900)
        credit_note.action_post()
        self.assertRecordValues(order, [{"is_closed": True, "locked": True}])
        self.assertEqual(self._to_deduct(order), 0)
        self.assertEqual(self._deducted(invoice) + credit_note.amount_untaxed, 1800)

    def test_closing_invoices_the_rest_minus_every_down_payment(self):
        order = self._consulting()
        self._down_payment(order)
        self._deliver(order, 6)
        closing = self._closing(order)
        self.assertEqual(closing.amount_to_invoice, 3600)
        self.assertFalse(closing.credit_note_amount)
        closing.action_close()
        invoice = order.invoice_ids.filtered(lambda move: move.state == "draft")
        self.assertEqual(invoice.move_type, "out_invoice")
        self.assertEqual(invoice.amount_untaxed, 3600 - 1800)
        invoice.action_post()
        self.assertTrue(order.locked)

    def test_closing_lists_what_it_leaves_and_honours_the_choice(self):
        """10 consulting days ordered, 5 delivered; an audit ordered and never
        delivered. The wizard lists both before anything is done, with what
        they leave; the audit invoiced as ordered, the 5 days left; the choice
        noted on the order. Once closed, nothing is left to invoice."""
        order = self._order((self.product_consulting, 10), (self.product_audit, 1))
        consulting, audit = order.order_line
        consulting.qty_delivered = 5
        closing = self._closing(order)
        self.assertRecordValues(
            closing.line_ids,
            [
                {"sale_line_id": consulting.id, "quantity": 5, "amount": 3000},
                {"sale_line_id": audit.id, "quantity": 1, "amount": 3000},
            ],
        )
        self.assertEqual(closing.amount_to_invoice, 3000)
        self.assertFalse(order.invoice_ids, "nothing done before the choice")
        # the choice made in the dialog, as the web client saves it
        action = order.with_user(self.sales_manager).action_close_order()
        with Form(
            self.env[action["res_model"]]
            .with_user(self.sales_manager)
            .with_context(**action["context"])
        ) as form:
            with form.line_ids.edit(1) as line:
                line.invoice_as_ordered = True
            self.assertEqual(form.amount_to_invoice, 6000)
        closing = form.record
        self.assertRecordValues(
            closing.line_ids,
            [
                {"sale_line_id": consulting.id, "quantity": 5, "amount": 3000},
                {"sale_line_id": audit.id, "quantity": 1, "amount": 3000},
            ],
        )
        closing.action_close()
        invoice = order.invoice_ids
        self.assertEqual(invoice.amount_untaxed, 6000)
        self.assertEqual(
            [(line.sale_line_ids, line.quantity) for line in invoice.invoice_line_ids],
            [(consulting, 5), (audit, 1)],
        )
        note = order.message_ids.filtered(
            lambda message: "Jour de conseil" in message.body
        )
        self.assertIn("left uninvoiced", note.body)
        self.assertIn("invoiced as ordered", note.body)
        invoice.action_post()
        self.assertTrue(order.is_closed)
        self.assertRecordValues(
            order.order_line,
            [
                {"qty_to_invoice": 0, "untaxed_amount_to_invoice": 0},
                {"qty_to_invoice": 0, "untaxed_amount_to_invoice": 0},
            ],
        )
        # what is delivered afterwards is not to invoice either
        consulting.qty_delivered = 6
        self.assertEqual(consulting.qty_to_invoice, 0)

    def test_order_is_closed_when_its_closing_invoice_is_posted(self):
        """Until then the order is open, and says its closing is pending;
        cancelling or deleting the draft leaves it open, to be closed again."""
        order = self._consulting()
        self._down_payment(order)
        self._deliver(order, 6)
        for undo in ("button_cancel", "unlink"):
            with self.subTest(undo=undo):
                self._closing(order).action_close()
                draft = order.closing_invoice_id
                self.assertEqual(draft.state, "draft")
                self.assertRecordValues(order, [{"is_closed": False, "locked": False}])
                self.assertEqual(
                    sum(order._regular_lines().mapped("untaxed_amount_to_invoice")),
                    3600,
                )
                with self.assertRaisesRegex(UserError, draft.display_name):
                    order.action_close_order()
                getattr(draft, undo)()
                self.assertFalse(order.closing_invoice_id)
                self.assertEqual(self._to_deduct(order), 1800)
        self._closing(order).action_close()
        order.closing_invoice_id.action_post()
        self.assertRecordValues(order, [{"is_closed": True, "locked": True}])
        self.assertEqual(self._to_deduct(order), 0)

    def test_closing_with_nothing_left_only_locks(self):
        order = self._consulting(1)
        self._closing(order).action_close()
        self.assertFalse(order.invoice_ids)
        self.assertRecordValues(order, [{"is_closed": True, "locked": True}])

    def test_bad_closings_and_cancellations_are_refused(self):
        draft = self._order((self.product_consulting, 1), confirm=False)
        cancelled = self._consulting(1)
        cancelled._action_cancel()
        other = self._order(company=self.company_b)
        for order in (draft, cancelled):
            with self.assertRaisesRegex(UserError, "Only a confirmed order"):
                order.action_close_order()
        with self.assertRaisesRegex(UserError, self.company_b.name):
            other.with_context(
                allowed_company_ids=self.company_a.ids
            ).action_close_order()
        order = self._consulting(1)
        self._closing(order).action_close()
        with self.assertRaises(UserError):
            order.action_close_order()
        invoiced = self._consulting()
        down_payment = self._down_payment(invoiced)
        with self.assertRaisesRegex(UserError, "credit notes"):
            invoiced.action_cancel()
        self.assertEqual(invoiced.state, "sale")
        self.assertFalse(draft.is_closed or cancelled.is_closed or other.is_closed)
        # credited back in full, the order can be cancelled as the error says
        down_payment._reverse_moves(cancel=True)
        invoiced.with_context(disable_cancel_warning=True).action_cancel()
        self.assertEqual(invoiced.state, "cancel")
