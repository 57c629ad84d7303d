from openupgradelib import openupgrade

# What psi_sale held before this addon was split out of it (psi_sale 5b6cc68)
COMPANY_FIELDS = [
    "invoice_penalty_rate",
    "invoice_recovery_mention",
    "invoice_discount_mention",
    "invoice_operation_category",
    "vat_franchise",
    "vat_on_debits",
    "legal_form",
    "share_capital",
    "trade_register_city",
]
MOVE_FIELDS = ["deducted_down_payment_ids", "facturx_business_process"]
# with the models that inherit them by delegation (_inherits)
MOVED_FIELDS = {
    "res.company": COMPANY_FIELDS,
    "res.config.settings": [*COMPANY_FIELDS, "is_french_company"],
    "res.partner": ["peppol_eas"],  # its value 0225
    "res.users": ["peppol_eas"],
    "account.move": MOVE_FIELDS,
    "account.bank.statement.line": MOVE_FIELDS,
}
MOVED_XMLIDS = [
    "account_invoice_line_facturx_export_22",
    "account_invoice_partner_facturx_export_22",
    "account_invoice_facturx_export_22",
    "report_invoice_document",
    "selection__res_partner__peppol_eas__0225",
]


def pre_init_hook(env):
    """On a database where psi_sale ran before this addon was split out of
    it (Odoo installs this addon first when psi_sale is upgraded), the fields,
    templates and selection values psi_sale held become this addon's: their
    data is kept, and nothing is made twice."""
    if not openupgrade.is_module_installed(env.cr, "psi_sale"):
        return
    for model, fields in MOVED_FIELDS.items():
        openupgrade.update_module_moved_fields(
            env.cr, model, fields, "psi_sale", "l10n_fr_sale_invoicing"
        )
    openupgrade.rename_xmlids(
        env.cr,
        [
            (f"psi_sale.{name}", f"l10n_fr_sale_invoicing.{name}")
            for name in MOVED_XMLIDS
        ],
    )
