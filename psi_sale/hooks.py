from odoo.fields import Command


def pre_init_hook(env):
    """Orders made before psi_sale keep the length of day Odoo counted them
    with (its Days unit), so that their delivered and invoiced days do not
    change; new orders take the customer's or the company's."""
    hours = env.ref("uom.product_uom_day")._compute_quantity(
        1, env.ref("uom.product_uom_hour"), round=False
    )
    env.cr.execute(
        "ALTER TABLE sale_order ADD COLUMN IF NOT EXISTS hours_per_day numeric"
    )
    env.cr.execute("UPDATE sale_order SET hours_per_day = %s", [hours])


def post_init_hook(env):
    """The process starts with leads: turn on Odoo's Leads setting (CRM ›
    Configuration › Settings), as the settings page does, for every internal
    user."""
    env.ref("base.group_user").write(
        {"implied_ids": [Command.link(env.ref("crm.group_use_lead").id)]}
    )
