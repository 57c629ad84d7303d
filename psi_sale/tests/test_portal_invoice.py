from odoo.fields import Command
from odoo.tests import HttpCase, tagged

from .common import PsiCommon


@tagged("post_install", "-at_install")
class TestPortalInvoice(HttpCase, PsiCommon):
    """A posted invoice reads as an invoice on the customer portal, whether
    or not Print & Send has made its PDF yet (Odoo calls it PROFORMA until
    then)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("en_US")
        cls.customer.lang = "en_US"
        cls.invoice = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.customer.id,
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Journée de conseil", "quantity": 1, "price_unit": 600}
                    )
                ],
            }
        )
        cls.invoice.action_post()
        cls.url = (
            f"/my/invoices/{cls.invoice.id}"
            f"?access_token={cls.invoice._portal_ensure_token()}"
        )

    def _open(self, query):
        page = self.url_open(f"{self.url}&{query}")
        self.assertEqual(page.status_code, 200)
        return page.text

    def test_a_posted_invoice_is_titled_invoice_on_the_portal(self):
        self.assertFalse(self.invoice.invoice_pdf_report_id, "never sent")
        for query in ("report_type=html", "report_type=pdf"):  # test mode: HTML
            page = self._open(query)
            self.assertNotIn("PROFORMA", page)
            self.assertIn("<span>Invoice</span>", page)
            self.assertIn(self.invoice.name, page)

    def test_a_pro_forma_asked_for_stays_one(self):
        """The download of an invoice without its PDF is Odoo's pro forma
        (stock's test_portal_my_invoice_detail_download_proforma); a draft
        rendered as the portal renders it too."""
        self.assertIn("<span>PROFORMA</span>", self._open("report_type=pdf&download=1"))
        draft = self.invoice.copy()
        html = (
            self.env["ir.actions.report"]
            .with_context(proforma_invoice=True)
            ._render_qweb_html("account.account_invoices", draft.ids)[0]
            .decode()
        )
        self.assertIn("<span>PROFORMA</span>", html)
