import json

from odoo.tests import HttpCase, tagged

from .common import SIGNATURE, missing_texts, print_without_styles_server


@tagged("post_install", "-at_install", "-standard", "psi_fr")
class TestFrenchDemoSignature(HttpCase):
    """The demo, on a database created for a company in France: its
    quotation, signed on the portal, is confirmed and wins its opportunity;
    the copies kept and sent are its order form, signed, printed by the
    machine's wkhtmltopdf; each demo role logs in with the README's
    password."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.quotation = cls.env.ref("psi_sale.sale_order_lefevre")
        cls.quotation._portal_ensure_token()
        print_without_styles_server(cls.env)

    def _print_pdf(self):
        """PDF documents printed for real, even from the test server (Odoo's
        test mode prints them as HTML)."""
        report = self.registry["ir.actions.report"]
        render = report._render_qweb_pdf

        def render_pdf(reports, *args, **kwargs):
            reports = reports.with_context(force_report_rendering=True)
            return render(reports, *args, **kwargs)

        self.patch(report, "_render_qweb_pdf", render_pdf)

    def test_signing_the_demo_quotation_confirms_it(self):
        self._print_pdf()
        before = self.quotation.message_ids
        response = self.url_open(
            f"/my/orders/{self.quotation.id}/accept",
            data=json.dumps(
                {
                    "params": {
                        "access_token": self.quotation.access_token,
                        "name": "Julien Lefèvre",
                        "signature": SIGNATURE,
                    }
                }
            ),
            headers={"Content-Type": "application/json"},
            timeout=120,  # two documents printed by wkhtmltopdf
        )
        self.assertTrue(response.json()["result"].get("force_refresh"), response.text)
        self.assertEqual(self.quotation.state, "sale")
        self.assertTrue(self.quotation.opportunity_id.stage_id.is_won)
        attachments = (self.quotation.message_ids - before).attachment_ids
        self.assertEqual(
            len(attachments), 2, "the signature's message, the confirmation e-mail"
        )
        for attachment in attachments:
            self.assertEqual(attachment.mimetype, "application/pdf")
            self.assertFalse(
                missing_texts(
                    attachment.raw,
                    "Bon pour commande",
                    "PSI Conseil",
                    "SIRET : 12345678210001",
                    "Bon pour accord",
                    "Signé par Julien Lefèvre",
                ),
                attachment.name,
            )

    def test_demo_roles_log_in(self):
        for login, group in (
            ("sophie.martin@example.com", "sales_team.group_sale_salesman"),
            ("thomas.petit@example.com", "hr_timesheet.group_hr_timesheet_user"),
            ("julie.bernard@example.com", "account.group_account_invoice"),
            ("client.demo@example.com", "base.group_portal"),
        ):
            user = self.env["res.users"].search([("login", "=", login)])
            self.assertTrue(user.has_group(group), login)
            password = login.split("@")[0]
            auth = user.with_user(user)._check_credentials(
                {"type": "password", "password": password}, {"interactive": False}
            )
            self.assertEqual(auth["uid"], user.id, login)
