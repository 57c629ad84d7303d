from lxml import html

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import PsiCommon


@tagged("post_install", "-at_install")
class TestOrderEnd(PsiCommon):
    """The end of the deal: the portal's overrun and hours, closing an
    order."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.salesperson = cls._user(
            "psi_end_salesperson", "sales_team.group_sale_salesman", lang="fr_FR"
        )

    def _order_of(self, product, quantity, policy="invoice"):
        self.company_a.overrun_policy = policy
        order = self._order((product, quantity), confirm=False)
        order.user_id = self.salesperson
        order.action_confirm()
        self.assertEqual(order.overrun_policy, policy)
        return order

    def _invoice_delivered(self, order, mode="lines_deduct", **values):
        wizard = (
            self.env["sale.advance.payment.inv"]
            .with_context(active_model="sale.order", active_ids=order.ids)
            .create(dict(values, invoice_mode=mode))
        )
        wizard.create_invoices()
        return order.invoice_ids.filtered(lambda move: move.state == "draft")

    # Portal ----------------------------------------------------------------------

    def test_portal_shows_overrun_and_hours_without_amounts(self):
        order = self._order_of(self.product_consulting, 2, policy="cap")
        self._log(order.order_line, (self.employee_1, 9), (self.employee_2, 12))
        [row] = order.with_context(lang="fr_FR")._get_portal_tracking()["rows"]
        self.assertEqual(row["overrun"], "1,00")
        self.assertEqual(row["time_spent"], "21:00")

    def test_portal_groups_thousands_in_the_reader_language(self):
        order = self._order_of(self.product_consulting, 1500)
        self._log(order.order_line, (self.employee_1, 7))
        [row] = order.with_context(lang="fr_FR")._get_portal_tracking()["rows"]
        separator = self.env["res.lang"]._lang_get("fr_FR").thousands_sep
        self.assertEqual(row["ordered"], f"1{separator}500,00")
        self.assertEqual(row["remaining"], f"1{separator}499,00")
        self.assertEqual(row["delivered"], "1,00")

    def test_portal_figures_read_as_qweb_fields_write_them(self):
        order, down_payment, invoice = self._worked_example()
        order.tracking_line_ids.price_unit = -180000
        fields = {
            "ordered": "amount_untaxed",
            "delivered": "untaxed_amount_delivered",
            "invoiced": "untaxed_amount_invoiced",
            "down_payments_invoiced": "downpayment_amount_invoiced",
            "down_payments_to_deduct": "downpayment_amount_to_deduct",
        }
        widget = self.env["ir.qweb.field.monetary"]
        for lang, position in (("en_US", "before"), ("fr_FR", "after")):
            order.currency_id.position = position
            tracking = order.with_context(lang=lang)._get_portal_tracking()
            options = {"display_currency": order.currency_id}
            self.assertEqual(
                tracking["amounts"],
                {
                    name: html.fromstring(
                        widget.with_context(lang=lang).value_to_html(
                            order[field], options
                        )
                    ).text_content()
                    for name, field in fields.items()
                },
            )
            self.assertEqual(
                [
                    (row["invoice"], row["is_down_payment"])
                    for row in tracking["invoices"]
                ],
                [(down_payment, True), (invoice, False)],
            )
            for row in tracking["invoices"]:
                for key, field, converter in (
                    ("type", "move_type", "selection"),
                    ("date", "invoice_date", "date"),
                    ("payment_state", "payment_state", "selection"),
                ):
                    self.assertEqual(
                        row[key],
                        self.env[f"ir.qweb.field.{converter}"]
                        .with_context(lang=lang)
                        .record_to_html(row["invoice"], field, {}),
                    )
        # grouped in the reader's language, negative as the widget writes it
        space = "\N{NO-BREAK SPACE}"
        self.assertEqual(
            tracking["amounts"]["ordered"],
            f"-\N{ZERO WIDTH NO-BREAK SPACE}1{space}800{space}000,00"
            f"{space}{order.currency_id.symbol}",
        )

    # Closing an order ----------------------------------------------------------

    def _closing(self, order):
        action = order.with_user(self.sales_manager).action_close_order()
        return (
            self.env[action["res_model"]]
            .with_user(self.sales_manager)
            .with_context(**action["context"])
            .create({})
        )

    def test_closing_deducts_what_is_left_after_confirmation(self):
        self.company_a.down_payment_deduction = "proportional"
        order = self._order_of(self.product_consulting, 10)
        self._down_payment(order, 30)
        self._log(order.order_line, (self.employee_1, 35))
        invoice = self._invoice_delivered(order)
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
        self.assertRecordValues(
            order,
            [{"is_closed": True, "locked": True, "downpayment_amount_to_deduct": 0}],
        )
        self.assertTrue(all(order.tasks_ids.mapped("is_closed")))
        deducted_before = -sum(
            invoice.invoice_line_ids.filtered("is_downpayment").mapped("price_subtotal")
        )
        self.assertEqual(deducted_before + credit_note.amount_untaxed, 1800)

    def test_closing_invoices_the_rest_minus_every_down_payment(self):
        order = self._order_of(self.product_consulting, 10)
        self._down_payment(order, 30)
        self._log(order.order_line, (self.employee_1, 42))
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
        self.company_a.down_payment_deduction = "capped"
        order = self._order(
            (self.product_consulting, 10), (self.product_audit, 1), confirm=False
        )
        order.action_confirm()
        consulting, audit = order.order_line
        self._log(consulting, (self.employee_1, 35))
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
        self.assertEqual(order.untaxed_amount_to_invoice, 0)
        # the time logged afterwards is not to invoice either
        self._log(consulting, (self.employee_2, 7))
        self.assertEqual(consulting.qty_to_invoice, 0)

    def test_order_is_closed_when_its_closing_invoice_is_posted(self):
        """Until then the order is open, and says its closing is pending;
        cancelling or deleting the draft leaves it open, to be closed again."""
        order = self._order_of(self.product_consulting, 10)
        self._down_payment(order, 30)
        self._log(order.order_line, (self.employee_1, 42))
        for undo in ("button_cancel", "unlink"):
            with self.subTest(undo=undo):
                self._closing(order).action_close()
                draft = order.closing_invoice_id
                self.assertEqual(draft.state, "draft")
                self.assertRecordValues(order, [{"is_closed": False, "locked": False}])
                self.assertEqual(order.untaxed_amount_to_invoice, 3600)
                self.assertFalse(any(order.tasks_ids.mapped("is_closed")))
                with self.assertRaisesRegex(UserError, draft.display_name):
                    order.action_close_order()
                getattr(draft, undo)()
                self.assertFalse(order.closing_invoice_id)
                self.assertEqual(order.downpayment_amount_to_deduct, 1800)
        self._closing(order).action_close()
        order.closing_invoice_id.action_post()
        self.assertRecordValues(
            order,
            [{"is_closed": True, "locked": True, "downpayment_amount_to_deduct": 0}],
        )
        self.assertTrue(all(order.tasks_ids.mapped("is_closed")))

    def test_closing_with_nothing_left_only_locks(self):
        order = self._order_of(self.product_consulting, 1)
        self._closing(order).action_close()
        self.assertFalse(order.invoice_ids)
        self.assertRecordValues(order, [{"is_closed": True, "locked": True}])

    def test_bad_closings_and_cancellations_are_refused(self):
        draft = self._order((self.product_consulting, 1), confirm=False)
        cancelled = self._order((self.product_consulting, 1))
        cancelled._action_cancel()
        other = self._order(company=self.company_b)
        for order in (draft, cancelled):
            with self.assertRaisesRegex(UserError, "Only a confirmed order"):
                order.action_close_order()
        with self.assertRaisesRegex(UserError, "PSI Company B"):
            other.with_context(
                allowed_company_ids=self.company_a.ids
            ).action_close_order()
        order = self._order_of(self.product_consulting, 1)
        self._closing(order).action_close()
        with self.assertRaises(UserError):
            order.action_close_order()
        invoiced = self._order_of(self.product_consulting, 10)
        down_payment = self._down_payment(invoiced, 30)
        with self.assertRaisesRegex(UserError, "credit notes"):
            invoiced.action_cancel()
        self.assertEqual(invoiced.state, "sale")
        self.assertFalse(draft.is_closed or cancelled.is_closed or other.is_closed)
        # credited back in full, the order can be cancelled as the error says
        down_payment._reverse_moves(cancel=True)
        invoiced.with_context(disable_cancel_warning=True).action_cancel()
        self.assertEqual(invoiced.state, "cancel")


@tagged("post_install", "-at_install")
class TestInvoicePreview(PsiCommon):
    """The invoicing wizard's preview is the invoice it then creates."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        vat_20 = cls.env["account.tax"].create(
            {"name": "TVA 20 %", "amount": 20, "type_tax_use": "sale"}
        )
        cls.product_consulting.taxes_id = vat_20

    def _wizard(self, orders, mode, **values):
        return (
            self.env["sale.advance.payment.inv"]
            .with_context(active_model="sale.order", active_ids=orders.ids)
            .create(dict(values, invoice_mode=mode))
        )

    def _order_with_down_payment(self, hours=21):
        """10 days at 600 + 20 % VAT, a posted 30 % down payment, HOURS logged."""
        order = self._order((self.product_consulting, 10))
        self._down_payment(order, 30)
        self._log(order.order_line, (self.employee_1, hours))
        return order

    def _assert_preview_is_created(self, orders, mode, **values):
        preview = self._wizard(orders, mode, **values)._simulate_invoices()
        self.assertFalse(orders.invoice_ids.filtered(lambda m: m.state == "draft"))
        before = orders.invoice_ids
        self._wizard(orders, mode, **values).create_invoices()
        invoices = orders.invoice_ids - before
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
                    preview, invoices = self._assert_preview_is_created(
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
        order = self._order_with_down_payment(hours=7)  # 1 day < 1,800
        preview, invoices = self._assert_preview_is_created(order, "lines_deduct")
        self.assertEqual(invoices.move_type, "out_refund")
        self.assertLess(preview["total"], 0)
        self.company_a.down_payment_deduction = "proportional"
        orders = self._order_with_down_payment() | self._order_with_down_payment(14)
        preview, invoices = self._assert_preview_is_created(
            orders, "lines_deduct", consolidated_billing=True
        )
        self.assertEqual(len(invoices), 1)
        self.assertEqual(len(preview["rows"]), 2)
        html = str(self.env["ir.qweb"]._render("psi_sale.invoice_preview", preview))
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
