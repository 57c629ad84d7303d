from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.fields import Command

# The seller of the demo story, on a database created for a French company
FRENCH_DEMO_COMPANY = {
    "name": "PSI Conseil",
    "street": "42 cours Lafayette",
    "zip": "69003",
    "city": "Lyon",
    "phone": "+33 4 72 10 20 30",
    "email": "contact@psi-conseil.example.com",
    "website": "https://psi-conseil.example.com",
    "company_registry": "123456782",
    "vat": "FR11123456782",
    "legal_form": "SAS",
    "share_capital": 10000,
    "trade_register_city": "Lyon",
}
FRENCH_DEMO_SIRET = "12345678210001"
# its bank account, which its invoices give for payment (Odoo's Factur-X
# refuses to send an invoice without one)
FRENCH_DEMO_IBAN = "FR7630006000011234567890189"


class AccountChartTemplate(models.AbstractModel):
    _inherit = "account.chart.template"

    def _load(self, template_code, company, install_demo):
        """On a database created for a French company, the chart of accounts
        (l10n_fr_account) comes after psi_sale's demo: its invoices then."""
        result = super()._load(template_code, company, install_demo)
        order = self.env.ref("psi_sale.sale_order_marchand", raise_if_not_found=False)
        if order and order.sudo().company_id == company:
            self.env["account.chart.template"].sudo()._load_psi_demo_accounting()
        return result

    @api.model
    def _load_psi_demo_accounting(self):
        """The accounting part of psi_sale's demo story, once the company of
        its signed order has a chart of accounts: the products' and orders'
        taxes, a 30 % down payment invoice posted, then an intermediate
        invoice of the days delivered that deducts its share."""
        order = self.env.ref("psi_sale.sale_order_marchand", raise_if_not_found=False)
        if not order or order.invoice_ids or not order.company_id.chart_template:
            return
        company = order.company_id
        if company.country_id.code == "FR":
            self._load_psi_demo_french_identity(company)
        default_tax = company.account_sale_tax_id
        sale_tax = self._get_psi_demo_sale_tax(company)
        products = self._get_psi_demo_records("product.product").filtered(
            lambda product: (
                product.taxes_id._filter_taxes_by_company(company)
                in (default_tax, self.env["account.tax"])
            )
        )  # the chart gives its default tax to products without one
        if sale_tax and products:
            products.write(
                {
                    "taxes_id": [Command.unlink(tax.id) for tax in default_tax]
                    + [Command.link(sale_tax.id)]
                }
            )
        orders = self._get_psi_demo_records("sale.order")
        orders.order_line.filtered("product_id")._compute_tax_id()

        wizard = self.env["sale.advance.payment.inv"]
        orders_set = {"sale_order_ids": [Command.set(order.ids)]}
        wizard.create(
            dict(orders_set, invoice_mode="percentage", amount=30)
        ).create_invoices()
        down_payment = order.invoice_ids
        down_payment.invoice_date = fields.Date.context_today(self) - relativedelta(
            days=23
        )
        down_payment.action_post()
        wizard.create(dict(orders_set, invoice_mode="lines_deduct")).create_invoices()
        (order.invoice_ids - down_payment).action_post()

    @api.model
    def _get_psi_demo_sale_tax(self, company):
        """The sale tax of the company's new services (the French chart's
        20 % S, on payment: invoices then say "Prestation de services")."""
        return company._get_service_sale_taxes()

    @api.model
    def _load_psi_demo_french_identity(self, company):
        """The demo's French seller (name, address, SIRET, VAT number, bank
        account) on the main company of a database created for France, unless
        it has one; the story's French customers speak French, and so do its
        projects."""
        if company == self.env.ref("base.main_company") and not (
            company.vat or company.company_registry
        ):
            company.write(FRENCH_DEMO_COMPANY)
            if "siret" in company._fields:  # l10n_fr
                company.siret = FRENCH_DEMO_SIRET
            company.partner_id.bank_ids = [
                Command.create(
                    {"acc_number": FRENCH_DEMO_IBAN, "allow_out_payment": True}
                )
            ]
        if self.env["res.lang"]._lang_get("fr_FR"):
            self._get_psi_demo_records("res.partner").filtered(
                lambda partner: partner.commercial_partner_id.country_id.code == "FR"
            ).lang = "fr_FR"
            # the orders' projects, made in the language of the installation,
            # call their tasks as Odoo does in French
            projects = self._get_psi_demo_records("sale.order").project_ids
            french = projects.with_context(lang="fr_FR")
            french.label_tasks = french.default_get(["label_tasks"])["label_tasks"]

    @api.model
    def _get_psi_demo_records(self, model):
        data = self.env["ir.model.data"].search(
            [("module", "=", "psi_sale"), ("model", "=", model)]
        )
        return self.env[model].browse(data.mapped("res_id"))
