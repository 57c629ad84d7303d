from lxml import html

from odoo.tests import tagged

from odoo.addons.psi_sale.controllers.portal import portal_tracking

from .common import PsiCommon


@tagged("post_install", "-at_install")
class TestOrderEnd(PsiCommon):
    """The end of the deal: the portal's overrun and hours, the tasks of a
    closed order."""

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
        [row] = portal_tracking(order.with_context(lang="fr_FR"))["rows"]
        self.assertEqual(row["overrun"], "1,00")
        self.assertEqual(row["time_spent"], "21:00")

    def test_portal_groups_thousands_in_the_reader_language(self):
        order = self._order_of(self.product_consulting, 1500)
        self._log(order.order_line, (self.employee_1, 7))
        [row] = portal_tracking(order.with_context(lang="fr_FR"))["rows"]
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
            tracking = portal_tracking(order.with_context(lang=lang))
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

    def test_closing_does_the_tasks_once_the_order_is_closed(self):
        """sale_down_payment closes the order when its closing invoice is
        posted; psi_sale then does its open tasks, not before. An order with
        nothing left is closed, its tasks done, at once."""
        order = self._order_of(self.product_consulting, 10)
        self._down_payment(order, 30)
        self._log(order.order_line, (self.employee_1, 42))
        self._closing(order).action_close()
        self.assertFalse(order.is_closed)
        self.assertFalse(any(order.tasks_ids.mapped("is_closed")))
        order.closing_invoice_id.action_post()
        self.assertTrue(order.is_closed)
        self.assertTrue(all(order.tasks_ids.mapped("is_closed")))
        nothing_left = self._order_of(self.product_consulting, 1)
        self._closing(nothing_left).action_close()
        self.assertTrue(nothing_left.is_closed)
        self.assertTrue(all(nothing_left.tasks_ids.mapped("is_closed")))
