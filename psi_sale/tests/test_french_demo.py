from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install", "-standard", "psi_fr")
class TestFrenchDemo(HttpCase):
    """The French demo's screens tell PSI Conseil's story: its pipeline only,
    its invoices titled as invoices on the customer's portal."""

    def test_the_pipeline_is_psi_conseils(self):
        """Odoo's own demo leads (furniture) are archived: neither the
        administrator nor the salespeople see them."""
        data = self.env["ir.model.data"]
        stock = self.env["crm.lead"].browse(
            data.search([("module", "=", "crm"), ("model", "=", "crm.lead")]).mapped(
                "res_id"
            )
        )
        self.assertTrue(stock, "Odoo's crm demo is installed")
        self.assertFalse(stock.filtered("active"))
        psi_sale = self.env["crm.lead"].browse(
            data.search(
                [("module", "=", "psi_sale"), ("model", "=", "crm.lead")]
            ).mapped("res_id")
        )
        for xmlid in (
            "base.user_admin",
            "psi_sale.user_sophie_martin",
            "psi_sale.user_thomas_petit",
        ):
            leads = self.env["crm.lead"].with_user(self.env.ref(xmlid)).search([])
            self.assertTrue(leads, xmlid)
            self.assertFalse(leads - psi_sale, xmlid)

    def test_the_demo_invoices_are_invoices_on_the_portal(self):
        order = self.env.ref("psi_sale.sale_order_marchand")
        self.assertEqual(len(order.invoice_ids), 2)
        for invoice in order.invoice_ids:
            page = self.url_open(
                f"/my/invoices/{invoice.id}?report_type=html"
                f"&access_token={invoice._portal_ensure_token()}"
            )
            self.assertEqual(page.status_code, 200)
            self.assertNotIn("PROFORMA", page.text)
            self.assertIn("<span>Facture</span>", page.text)
            self.assertIn(invoice.name, page.text)

    def test_the_demo_project_calls_its_tasks_in_french(self):
        project = self.env.ref("psi_sale.sale_order_marchand").project_ids
        self.assertEqual(project.with_context(lang="fr_FR").label_tasks, "Tâches")
