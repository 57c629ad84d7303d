from openupgradelib import openupgrade

# what psi_sale held before this addon was split out of it (psi_sale 5b6cc68)
MOVED_FIELDS = {
    "res.company": ["down_payment_deduction"],
    "res.config.settings": ["down_payment_deduction"],
    "sale.order": ["is_closed", "closing_invoice_id"],
    "sale.advance.payment.inv": ["invoice_mode", "invoice_preview"],
}
MOVED_MODELS = ["sale.order.close", "sale.order.close.line"]
MOVED_XMLIDS = [
    # views and templates
    "view_sale_advance_payment_inv",
    "invoice_preview",
    "sale_order_close_view_form",
    # access rights and record rules
    "access_sale_order_close_manager",
    "access_sale_order_close_salesman",
    "access_sale_order_close_line_manager",
    "access_sale_order_close_line_salesman",
    "sale_order_close_rule_multi_company",
    "sale_order_close_line_rule_multi_company",
    # values of the moved selection fields
    *(
        f"selection__res_company__down_payment_deduction__{value}"
        for value in ("full", "capped", "proportional")
    ),
    *(
        f"selection__sale_advance_payment_inv__invoice_mode__{value}"
        for value in ("lines", "lines_deduct", "percentage", "fixed")
    ),
]


def pre_init_hook(env):
    """On a database where psi_sale held the down payments, the fields,
    models and records it made become this addon's, before this addon's data
    is loaded: none is made twice, no value is lost."""
    if not openupgrade.is_module_installed(env.cr, "psi_sale"):
        return
    for model, fields in MOVED_FIELDS.items():
        openupgrade.update_module_moved_fields(
            env.cr, model, fields, "psi_sale", "sale_down_payment"
        )
    for model in MOVED_MODELS:
        openupgrade.update_module_moved_models(
            env.cr, model, "psi_sale", "sale_down_payment"
        )
    openupgrade.rename_xmlids(
        env.cr,
        [(f"psi_sale.{name}", f"sale_down_payment.{name}") for name in MOVED_XMLIDS],
    )
