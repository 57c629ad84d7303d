from odoo.fields import Command


def post_init_hook(env):
    """The process starts with leads: turn on Odoo's Leads setting (CRM ›
    Configuration › Settings), as the settings page does, for every internal
    user."""
    env.ref("base.group_user").write(
        {"implied_ids": [Command.link(env.ref("crm.group_use_lead").id)]}
    )
