from openupgradelib import openupgrade

# The fields that psi_sale held before this addon was split out of it
MOVED_FIELDS = {
    "res.company": [
        "timesheet_hours_per_day",
        "timesheet_day_rounding",
        "overrun_policy",
    ],
    "res.config.settings": [
        "timesheet_hours_per_day",
        "timesheet_day_rounding",
        "overrun_policy",
    ],
    "res.partner": ["timesheet_hours_per_day"],
    "sale.order": ["hours_per_day", "day_rounding", "overrun_policy", "overrun_amount"],
    "sale.order.line": [
        "ordered_hours",
        "delivered_hours",
        "invoiced_hours",
        "hours_remaining",
        "qty_overrun",
        "hours_overrun",
        "overrun_amount",
    ],
    "account.move": ["hours_per_day"],
    "account.move.line": ["quantity_hours", "timesheet_hours"],
    "project.task": ["allocated_days"],
}
# The views that psi_sale held, whole, before this addon was split out of it
MOVED_VIEWS = ["res_config_settings_view_form", "res_partner_view_form"]
MOVED_VIEWS += ["project_task_view_form"]


def pre_init_hook(env):
    """Upgraded from psi_sale, which held this addon before: its fields,
    their selection values and its views become this addon's, with their
    data. Otherwise: orders made before this addon keep the length of day
    Odoo counted them with (its Days unit), so that their delivered and
    invoiced days do not change; new orders take the customer's or the
    company's."""
    if openupgrade.is_module_installed(env.cr, "psi_sale"):
        move_from_psi_sale(env)
    else:
        keep_odoo_day_on_orders(env)


def keep_odoo_day_on_orders(env):
    """The orders already there count days of Odoo's Days unit."""
    hours = env.ref("uom.product_uom_day")._compute_quantity(
        1, env.ref("uom.product_uom_hour"), round=False
    )
    env.cr.execute(
        "ALTER TABLE sale_order ADD COLUMN IF NOT EXISTS hours_per_day numeric"
    )
    env.cr.execute("UPDATE sale_order SET hours_per_day = %s", [hours])


def move_from_psi_sale(env):
    """The records of psi_sale that are this addon's (Odoo installs it before
    psi_sale's own migration runs): their xmlids renamed, so that nothing is
    made twice and the stored values stay."""
    for model, fields in MOVED_FIELDS.items():
        openupgrade.update_module_moved_fields(
            env.cr, model, fields, "psi_sale", "sale_timesheet_working_day"
        )
    # the selection values of the moved selection fields
    env.cr.execute(
        """SELECT imd.name
             FROM ir_model_data imd
             JOIN ir_model_fields_selection selection
               ON selection.id = imd.res_id
             JOIN ir_model_fields field ON field.id = selection.field_id
            WHERE imd.module = 'psi_sale'
              AND imd.model = 'ir.model.fields.selection'
              AND (field.model, field.name) IN %s""",
        [
            tuple(
                (model, name)
                for model, fields in MOVED_FIELDS.items()
                for name in fields
            )
        ],
    )
    names = [name for (name,) in env.cr.fetchall()] + MOVED_VIEWS
    openupgrade.rename_xmlids(
        env.cr,
        [(f"psi_sale.{name}", f"sale_timesheet_working_day.{name}") for name in names],
    )
