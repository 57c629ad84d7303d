# Copyright 2026 PSI
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "PSI Sale",
    "summary": "Lead to invoice for service companies: opportunity, quotation, "
    "e-signed order, project and tasks, invoicing in days",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "license": "LGPL-3",
    "author": "PSI",
    "website": "https://github.com/psi-erp/psi_sale",
    "maintainers": ["psi-erp"],
    "depends": [
        "crm",
        "sale_crm",
        "sale_management",
        "sale_project",
        "sale_timesheet",
    ],
    "data": [
        "security/ir.model.access.csv",
        "security/psi_sale_security.xml",
        "data/utm_data.xml",
        "data/crm_stage_data.xml",
        "data/mail_activity_plan_data.xml",
        "data/project_task_type_data.xml",
        "report/sale_order_reports.xml",
        "report/sale_order_templates.xml",
        "report/account_move_templates.xml",
        "data/mail_template_data.xml",
        "views/crm_tag_views.xml",
        "views/crm_stage_views.xml",
        "views/crm_lead_views.xml",
        "views/res_config_settings_views.xml",
        "views/res_partner_views.xml",
        "views/sale_order_views.xml",
        "views/project_task_views.xml",
        "views/account_move_views.xml",
        "views/account_analytic_line_views.xml",
        "wizard/sale_make_invoice_advance_views.xml",
        "views/psi_sale_menus.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "psi_sale/static/tests/tours/*.js",
        ],
    },
    "demo": [
        "demo/res_company_demo.xml",
        "demo/product_demo.xml",
    ],
    "application": True,
    "installable": True,
}
