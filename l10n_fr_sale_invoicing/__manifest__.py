# Copyright 2026 PSI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "French Sale Invoicing",
    "summary": "Invoices of orders under French law: legal mentions, "
    "SIREN/SIRET, VAT on collection for services, Factur-X under France's rules",
    "version": "18.0.1.0.0",
    "category": "Accounting/Localizations",
    "license": "LGPL-3",
    "author": "PSI",
    "website": "https://github.com/psi-erp/psi_sale",
    "maintainers": ["psi-erp"],
    "depends": ["sale", "account_edi_ubl_cii"],
    "external_dependencies": {"python": ["openupgradelib"]},
    "data": [
        "data/account_edi_xml_cii_templates.xml",
        "report/account_move_templates.xml",
        "views/account_move_views.xml",
        "views/res_config_settings_views.xml",
    ],
    "pre_init_hook": "pre_init_hook",
    "installable": True,
}
