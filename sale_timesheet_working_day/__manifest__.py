# Copyright 2026 PSI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Sale Timesheet Working Day",
    "summary": "Sell and invoice days of the length each company, customer and "
    "order sets, timesheets in hours; time over the ordered days told and capped",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "license": "LGPL-3",
    "author": "PSI",
    "website": "https://github.com/psi-erp/psi_sale",
    "maintainers": ["psi-erp"],
    "depends": ["sale_timesheet"],
    "external_dependencies": {"python": ["openupgradelib"]},
    "data": [
        "views/res_config_settings_views.xml",
        "views/res_partner_views.xml",
        "views/sale_order_views.xml",
        "views/project_task_views.xml",
        "views/account_move_views.xml",
        "report/account_move_templates.xml",
    ],
    "pre_init_hook": "pre_init_hook",
    "installable": True,
}
