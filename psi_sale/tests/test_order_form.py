from odoo.fields import Command
from odoo.tests import tagged

from .common import SIGNATURE, PsiCommon


@tagged("post_install", "-at_install")
class TestOrderForm(PsiCommon):
    """The order form ("bon pour commande"), before and after signature."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["res.lang"]._activate_lang("en_US")
        cls.customer = cls.env["res.partner"].create(
            {"name": "Martin Conseil", "lang": "en_US"}
        )
        cls.order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "validity_date": "2026-12-31",
                "payment_term_id": cls.env.ref(
                    "account.account_payment_term_30days"
                ).id,
                "require_payment": True,
                "prepayment_percent": 0.3,
                "order_line": [
                    Command.create(
                        {
                            "product_id": cls.product_consulting.id,
                            "product_uom_qty": 10,
                            "product_uom": cls.uom_day.id,
                        }
                    )
                ],
            }
        )

    def _render(self):
        html, _format = self.env["ir.actions.report"]._render_qweb_html(
            "psi_sale.action_report_order_form", self.order.ids
        )
        return html.decode()

    def test_quotation_form_in_english(self):
        html = self._render()
        for text in (
            "Order Form",
            self.order.name,
            "12/31/2026",
            "30 Days",
            "Down payment asked for",
            "Approved for order",
            "Signature and company stamp",
            "10.00",
            "Days",
        ):
            self.assertIn(text, html)

    def test_quotation_form_in_french(self):
        self.customer.lang = "fr_FR"
        html = self._render()
        for text in (
            "Bon pour commande",
            "Acompte demandé",
            "Bon pour accord",
            "31/12/2026",
            "Jours",
        ):
            self.assertIn(text, html)
        self.assertNotIn("Approved for order", html)

    def test_no_down_payment_line_without_down_payment(self):
        self.order.require_payment = False
        self.assertNotIn("Down payment asked for", self._render())

    def test_signed_order_shows_the_signature(self):
        self.order.write(
            {
                "signature": SIGNATURE,
                "signed_by": "Paul Martin",
                "signed_on": "2026-11-20 10:00:00",
            }
        )
        self.order.action_confirm()
        html = self._render()
        self.assertIn("Paul Martin", html)
        self.assertIn("11/20/2026", html)
        self.assertIn("data:image/png;base64", html)
        self.assertNotIn("Signature and company stamp", html)

    def test_send_by_email_attaches_the_order_form(self):
        action = self.order.action_quotation_send()
        self.assertEqual(
            action["context"]["default_template_id"],
            self.env.ref("psi_sale.mail_template_order_form").id,
        )
        composer = (
            self.env["mail.compose.message"]
            .with_context(**action["context"])
            .create({})
        )
        composer._action_send_mail()
        self.assertEqual(self.order.state, "sent")
        attachment = self.order.message_ids[0].attachment_ids
        self.assertEqual(len(attachment), 1)
        self.assertTrue(attachment.name.startswith("Order Form - "))
