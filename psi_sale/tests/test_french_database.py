from odoo.tests import TransactionCase, tagged

from odoo.addons.psi_sale.models.ir_actions_report import wkhtmltopdf_draws_web_fonts

from .common import missing_texts, page_count, print_without_styles_server


@tagged("post_install", "-at_install", "-standard", "psi_fr")
class TestFrenchDatabase(TransactionCase):
    """On a database created as Odoo's database manager does for a company in
    France (``make test`` runs these tests there), psi_sale and its demo
    install completely: the French chart of accounts, euros, 20 % VAT, the
    whole demo story, and documents that name both parties in their body."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.ref("base.main_company")
        cls.order = cls.env.ref("psi_sale.sale_order_marchand")
        print_without_styles_server(cls.env)

    def test_french_company(self):
        self.assertEqual(self.company.country_id.code, "FR")
        self.assertEqual(self.company.chart_template, "fr")
        self.assertEqual(self.company.currency_id.name, "EUR")
        self.assertEqual(self.company.account_sale_tax_id.amount, 20)
        self.assertEqual(self.company.name, "PSI Conseil")
        self.assertEqual(self.company.siret, "12345678210001")
        self.assertEqual(self.company.vat, "FR11123456782")

    def test_demo_story_complete(self):
        order = self.order
        self.assertEqual(order.state, "sale")
        self.assertTrue(order.signature, "signed online")
        self.assertEqual(order.currency_id.name, "EUR")
        self.assertTrue(order.project_ids, "its project")
        self.assertEqual(
            sum(order.order_line.timesheet_ids.mapped("unit_amount")), 56, "56 h logged"
        )
        taxes = order.order_line.filtered("product_id").tax_id
        self.assertEqual(taxes.mapped("amount"), [20.0], "20 % TVA on every line")
        self.assertAlmostEqual(order.amount_tax, order.amount_untaxed * 0.2, 2)
        down_payment, intermediate = order.invoice_ids.sorted("id")
        self.assertEqual(order.invoice_ids.mapped("state"), ["posted", "posted"])
        self.assertEqual(set(order.invoice_ids.mapped("move_type")), {"out_invoice"})
        self.assertTrue(down_payment._is_downpayment())
        self.assertAlmostEqual(
            down_payment.amount_untaxed, order.amount_untaxed * 0.3, 2, "30 %"
        )
        self.assertEqual(intermediate.deducted_down_payment_ids, down_payment)
        self.assertEqual(
            intermediate.line_ids.tax_line_id.mapped("amount"), [20.0], "20 % TVA"
        )

    def test_leads_phase_on(self):
        self.assertTrue(
            self.env.ref("base.group_user").implied_ids.filtered(
                lambda group: group == self.env.ref("crm.group_use_lead")
            )
        )

    def test_order_form_pdf(self):
        """The order form, printed by the machine's wkhtmltopdf, names the
        seller and the customer in its body."""
        report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        pdf, _format = report._render_qweb_pdf(
            "psi_sale.action_report_order_form", self.order.ids
        )
        self.assertFalse(
            missing_texts(
                pdf,
                "Bon pour commande",
                "PSI Conseil",
                "SIRET : 12345678210001",
                "TVA : FR11123456782",
                "Transports Marchand",
                "SIREN : 482136579",
                "Jours",
                "Bon pour accord",
            )
        )

    def test_documents_print_text_with_debian_wkhtmltopdf(self):
        """Debian's wkhtmltopdf would draw Odoo's web fonts as shapes: its PDF
        pages get the report styles without them, in the server's Lato."""
        self.assertTrue(wkhtmltopdf_draws_web_fonts(), "Debian's build here")
        layout = self.env["ir.actions.report"]._get_layout()
        self.assertEqual(layout, self.env.ref("psi_sale.minimal_layout_system_fonts"))
        html = self.env["ir.qweb"]._render(layout.id, {"base_url": "", "body": ""})
        self.assertIn("psi_sale.report_assets_system_fonts", html)
        system_fonts, standard = (
            self.env["ir.qweb"]._get_asset_bundle(bundle, js=False).css().raw.decode()
            for bundle in (
                "psi_sale.report_assets_system_fonts",
                "web.report_assets_common",
            )
        )
        self.assertIn("o_body_pdf", system_fonts)
        self.assertNotIn("Lato-Reg-webfont", system_fonts)
        self.assertIn("Lato-Reg-webfont", standard)

    def test_invoice_pdf(self):
        """Printed by Debian's wkhtmltopdf, which prints no header: the body
        names the seller and the customer, with their addresses and numbers;
        each demo invoice is one page, its mentions with its totals."""
        report = self.env["ir.actions.report"].with_context(force_report_rendering=True)
        down_payment, invoice = self.order.invoice_ids.sorted("id")
        pdf, _format = report._render_qweb_pdf("account.account_invoices", invoice.ids)
        self.assertFalse(
            missing_texts(
                pdf,
                invoice.name,
                "Vendeur",
                "PSI Conseil",
                "42 cours Lafayette",
                "69003 Lyon",
                "SAS au capital de 10 000,00 €",
                "RCS Lyon 123456782",
                "SIRET : 12345678210001",
                "TVA : FR11123456782",
                "Client",
                "Transports Marchand",
                "18 rue Garibaldi",
                "69006 Lyon",
                "SIREN : 482136579",
                "Acomptes déduits",
                "Prestation de services",
                "Pénalités de retard : 12,15 % par an",
                "Indemnité forfaitaire pour frais de recouvrement : 40 €",
            )
        )
        self.assertEqual(page_count(pdf), 1)
        # l10n_fr_account's block of the customer's address (the invoice is
        # addressed to a contact of the customer) is not printed again
        self.assertEqual(missing_texts(pdf, "Adresse du client"), ["Adresse du client"])
        pdf, _format = report._render_qweb_pdf(
            "account.account_invoices", down_payment.ids
        )
        self.assertEqual(page_count(pdf), 1, "a one-line invoice")

    def test_demo_invoice_can_be_sent_with_its_factur_x(self):
        """Send & Print of a demo invoice: its Factur-X is complete (the
        company's bank account on the invoice), nothing stops the sending."""
        invoice = self.order.invoice_ids.sorted("id")[-1]
        self.assertTrue(invoice.partner_bank_id)
        wizard = self.env["account.move.send.wizard"].create({"move_id": invoice.id})
        self.assertEqual(wizard.invoice_edi_format, "facturx")
        self.assertFalse(
            [
                alert
                for alert in (wizard.alerts or {}).values()
                if alert.get("level") == "danger"
            ]
        )

    def test_quotation_sent_with_the_order_form(self):
        """ "Envoyer par e-mail" on the demo quotation attaches its order form,
        a real PDF."""
        quotation = self.env.ref("psi_sale.sale_order_lefevre")
        action = quotation.action_quotation_send()
        composer = (
            self.env["mail.compose.message"]
            .with_context(**action["context"], force_report_rendering=True)
            .create({})
        )
        self.assertEqual(
            composer.template_id, self.env.ref("psi_sale.mail_template_order_form")
        )
        composer._action_send_mail()
        message = quotation.message_ids[0]
        attachment = message.attachment_ids
        self.assertEqual(len(attachment), 1)
        self.assertEqual(attachment.mimetype, "application/pdf")
        self.assertTrue(attachment.name.startswith("Bon pour commande"))
        self.assertFalse(
            missing_texts(attachment.raw, "Bon pour accord", "SIRET : 12345678210001")
        )
