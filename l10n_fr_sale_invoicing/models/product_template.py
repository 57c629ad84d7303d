from odoo import api, models
from odoo.fields import Command


class ProductTemplate(models.Model):
    """New services of a French company take its tax on services, due on
    payment (VAT on collection) unless it opted for debits, instead of its
    default sale tax (the French chart's, on goods)."""

    _inherit = "product.template"

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("type") == "service":
                taxes = self.new(
                    {"taxes_id": vals.get("taxes_id", [])}
                ).taxes_id._origin
                if "taxes_id" not in vals or taxes == self._get_default_sale_taxes():
                    service_taxes = self._get_default_service_taxes()
                    vals["taxes_id"] = [Command.set(service_taxes.ids)]
        return super().create(vals_list)

    @api.onchange("type")
    def _onchange_type(self):
        result = super()._onchange_type()
        default_taxes = self._get_default_sale_taxes()
        service_taxes = self._get_default_service_taxes()
        taxes = self.taxes_id._origin
        if self.type == "service" and taxes == default_taxes:
            self.taxes_id = service_taxes
        elif self.type != "service" and taxes == service_taxes:
            self.taxes_id = default_taxes
        return result

    def _force_default_sale_tax(self, companies):
        """Services shared with other companies, or given their company's
        default when its chart is loaded, take its tax on services."""
        services = self.filtered(lambda product: product.type == "service")
        result = super(ProductTemplate, self - services)._force_default_sale_tax(
            companies
        )
        for company in companies.filtered("account_sale_tax_id"):
            service_taxes = company._get_service_sale_taxes()
            for products in services.grouped("taxes_id").values():
                products.taxes_id += service_taxes
        services.invalidate_recordset(["taxes_id"])
        return result

    def _get_default_sale_taxes(self):
        """Stock's default sale taxes of a new product."""
        return self._fields["taxes_id"].default(self)

    def _get_default_service_taxes(self):
        """The default sale taxes of a new service: each company's default
        sale tax replaced by its tax on services."""
        taxes = self._get_default_sale_taxes()
        for company in taxes.company_id:
            default = company.account_sale_tax_id
            if default in taxes:
                taxes = taxes - default | company._get_service_sale_taxes()
        return taxes
