from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import SIGNATURE, PsiCommon


@tagged("post_install", "-at_install")
class TestPortalSignature(HttpCase, PsiCommon):
    """The customer signs the pre-filled quotation on the portal."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user = new_test_user(
            cls.env, "psi_portal_customer", "base.group_portal", name="Paul Martin"
        )
        cls.other_portal_user = new_test_user(
            cls.env, "psi_portal_other", "base.group_portal", name="Autre Client"
        )
        cls.opportunity = cls.env["crm.lead"].create(
            {
                "name": "Atelier de cadrage",
                "type": "opportunity",
                "partner_id": cls.portal_user.partner_id.id,
                "offer_category_ids": [Command.set(cls.category_consulting.ids)],
            }
        )
        context = cls.opportunity.action_sale_quotations_new()["context"]
        cls.quotation = cls.env["sale.order"].with_context(**context).create({})
        cls.quotation.write({"require_signature": True, "require_payment": False})
        cls.quotation.action_quotation_sent()
        cls.quotation._portal_ensure_token()
        cls.url = f"/my/orders/{cls.quotation.id}"

    def test_portal_customer_signs_and_the_order_is_confirmed(self):
        self.authenticate("psi_portal_customer", "psi_portal_customer")
        page = self.url_open(self.url)
        self.assertEqual(page.status_code, 200)
        self.assertIn(self.product_consulting.name, page.text)
        result = self.make_jsonrpc_request(
            f"{self.url}/accept",
            {
                "access_token": self.quotation.access_token,
                "name": "Paul Martin",
                "signature": SIGNATURE,
            },
        )
        self.assertTrue(result.get("force_refresh"), result)
        self.assertEqual(self.quotation.state, "sale")
        self.assertEqual(self.quotation.signed_by, "Paul Martin")
        self.assertTrue(self.opportunity.stage_id.is_won)

    def test_the_signed_copy_is_the_order_form(self):
        """The copy kept with the signature's message, the one the
        confirmation e-mail attaches and the one the portal downloads are the
        order form, signed (Odoo's test mode renders them as HTML)."""
        self.env["res.lang"]._activate_lang("en_US")
        self.portal_user.partner_id.lang = "en_US"  # the documents' language
        before = self.quotation.message_ids
        self.authenticate("psi_portal_customer", "psi_portal_customer")
        self.make_jsonrpc_request(
            f"{self.url}/accept",
            {
                "access_token": self.quotation.access_token,
                "name": "Paul Martin",
                "signature": SIGNATURE,
            },
        )
        self.assertEqual(self.quotation.state, "sale")
        attachments = (self.quotation.message_ids - before).attachment_ids
        self.assertEqual(
            len(attachments), 2, "the signature's message, the confirmation e-mail"
        )
        self.assertIn(f"{self.quotation.name}.pdf", attachments.mapped("name"))
        download = self.url_open(f"{self.url}?report_type=pdf&download=true")
        self.assertEqual(download.status_code, 200)
        for document in [*attachments.mapped("raw"), download.content]:
            document = document.decode()
            for text in ("Order Form", "Approved for order", "Signed by", "Seller"):
                self.assertIn(text, document)
            self.assertIn("Paul Martin", document)
            self.assertIn(self.company_a.name, document)

    def test_unsigned_order_keeps_stock_document(self):
        """An order confirmed by hand, never signed, prints as in stock Odoo."""
        self.quotation.action_confirm()
        html, _format = self.env["ir.actions.report"]._render_qweb_pdf(
            "sale.action_report_saleorder", self.quotation.ids
        )
        self.assertNotIn("Order Form", html.decode())

    def test_anonymous_visitor_needs_the_access_token(self):
        with_token = self.url_open(
            f"{self.url}?access_token={self.quotation.access_token}"
        )
        self.assertEqual(with_token.status_code, 200)
        self.assertIn(self.quotation.name, with_token.text)
        without = self.url_open(self.url)
        self.assertIn("/web/login", without.url)
        self.assertNotIn(self.quotation.name, without.text)

    def test_another_portal_user_gets_no_access(self):
        self.authenticate("psi_portal_other", "psi_portal_other")
        page = self.url_open(self.url, allow_redirects=False)
        self.assertIn(page.status_code, (302, 303, 403))
        self.assertNotIn(
            f"/my/orders/{self.quotation.id}", page.headers.get("Location", "")
        )
        result = self.make_jsonrpc_request(
            f"{self.url}/accept", {"name": "Intrus", "signature": SIGNATURE}
        )
        self.assertIn("error", result)
        self.assertEqual(self.quotation.state, "sent")
