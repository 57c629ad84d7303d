# Copyright 2026 PSI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Sale Down Payment",
    "summary": "Four visible invoicing modes, down payments deducted in full, "
    "capped or in proportion, invoice preview, closing an order",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "license": "LGPL-3",
    "author": "PSI",
    "website": "https://github.com/psi-erp/psi_sale",
    "maintainers": ["psi-erp"],
    "depends": ["sale"],
    "external_dependencies": {"python": ["openupgradelib"]},
    "data": [
        "security/ir.model.access.csv",
        "security/sale_down_payment_security.xml",
        "views/res_config_settings_views.xml",
        "views/sale_order_views.xml",
        "wizard/sale_make_invoice_advance_views.xml",
        "wizard/sale_order_close_views.xml",
    ],
    "pre_init_hook": "pre_init_hook",
    "installable": True,
}
