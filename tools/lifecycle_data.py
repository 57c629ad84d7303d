"""The data of ``make test-lifecycle``'s database in business (tools/lifecycle.py).

What it writes: seed(), what a firm made with stock Odoo before psi_sale;
fill(), what its users then make with today's psi_sale, every setting of
psi_sale changed from its default, for the upgrade to the split to keep. Both
as users do it: forms' buttons, the invoicing and closing wizards, the
settings page.

What it reads: snapshot(), after each step, in var/DB-STEP.json.
"""

import json
import os
import pathlib
from collections import defaultdict

from odoo.fields import Command

from tools.factory import service_product  # psi_sale/tests/factory.py

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VAR = os.path.join(ROOT, "var")
APP = "psi_sale"
# the checkout's addons: psi_sale, and those it was split into
ADDONS = sorted(
    path.parent.name for path in pathlib.Path(ROOT).glob("*/__manifest__.py")
)
SECOND_COMPANY = "Conseil 35 heures"
# not compared: when and by whom a record was written, and the arch a view had
# before the last update (Odoo keeps it for each view it updates)
IGNORED_FIELDS = {"create_date", "create_uid", "write_date", "write_uid", "arch_prev"}


def read(records, fields):
    """{id: values} as JSON: many2one pairs become ids."""
    return {
        str(values["id"]): {
            key: value[0] if isinstance(value, tuple) else value
            for key, value in values.items()
        }
        for values in records.read(fields)
    }


def order_of_days(env, label, company=None, customer=None, days=10, **order_values):
    """A confirmed order of DAYS consulting days for CUSTOMER (else a new
    one); its task."""
    company_id = {"company_id": company.id} if company else {}
    customer = customer or env["res.partner"].create({"name": f"Client ({label})"})
    product = service_product(env, f"Jour de conseil ({label})", 600, **company_id)
    line = Command.create({"product_id": product.id, "product_uom_qty": days})
    order = env["sale.order"].create(
        {"partner_id": customer.id, "order_line": [line], **company_id, **order_values}
    )
    order.action_confirm()
    return order, order.order_line.task_id


def timesheet(task, employee, **values):
    """Values of a timesheet line of EMPLOYEE on TASK."""
    return {
        "name": "Atelier",
        "task_id": task.id,
        "project_id": task.project_id.id,
        "employee_id": employee.id,
        **values,
    }


def seed(env):
    """Before psi_sale: a second company working 7 hours a day; in each
    company, an order of days with time logged and invoiced in part, a
    quotation, an opportunity."""
    calendar = env["resource.calendar"].create({"name": "35 heures"})  # 8-12, 13-17
    calendar.attendance_ids.filtered(lambda a: a.day_period == "morning").hour_from = 9
    company_35 = env["res.company"].create(
        {"name": SECOND_COMPANY, "resource_calendar_id": calendar.id}
    )
    env["account.chart.template"].try_loading(
        env.company.chart_template or "generic_coa", company_35, install_demo=False
    )
    hour = env.ref("uom.product_uom_hour").id
    for company in env.company | company_35:
        env = env(context=dict(env.context, allowed_company_ids=company.ids))
        order, task = order_of_days(env, company.name, company)
        employee = env["hr.employee"].create(
            {"name": f"Consultant ({company.name})", "company_id": company.id}
        )
        timesheets = env["account.analytic.line"]
        timesheets.create(
            timesheet(task, employee, unit_amount=20, product_uom_id=hour)
        )
        order._create_invoices().action_post()
        timesheets.create(
            timesheet(task, employee, unit_amount=10, product_uom_id=hour)
        )
        customer = {"partner_id": order.partner_id.id, "company_id": company.id}
        env["sale.order"].create(customer)
        name = f"Projet ({company.name})"
        env["crm.lead"].create(
            {"name": name, "type": "opportunity", "expected_revenue": 12000, **customer}
        )


# With today's psi_sale -------------------------------------------------------


def settings(env, company, **values):
    """Save VALUES on COMPANY's settings page (Settings, COMPANY selected)."""
    env = env(context=dict(env.context, allowed_company_ids=company.ids))
    env["res.config.settings"].create(values).execute()


def invoice(order, mode, **values):
    """Invoice ORDER with the wizard's invoice MODE (and its amount VALUES);
    the draft invoice made."""
    before = order.invoice_ids
    wizard = (
        order.env["sale.advance.payment.inv"]
        .with_context(active_model="sale.order", active_ids=order.ids)
        .create({"invoice_mode": mode, **values})
    )
    wizard.create_invoices()
    return order.invoice_ids - before


def close(order):
    """Close ORDER ("Solder la commande"); its closing invoice, in draft."""
    action = order.action_close_order()
    closing = order.env[action["res_model"]].with_context(**action["context"])
    closing.create({}).action_close()
    return order.closing_invoice_id


def log_hours(order, task, hours):
    """HOURS logged on TASK by a new consultant of ORDER's company."""
    employee = order.env["hr.employee"].create(
        {"name": f"Consultant ({order.name})", "company_id": order.company_id.id}
    )
    hour = order.env.ref("uom.product_uom_hour").id
    values = timesheet(task, employee, unit_amount=hours, product_uom_id=hour)
    order.env["account.analytic.line"].create(values)


def fill(env):
    """What users of today's psi_sale make, on both companies:

    - settings changed from their defaults: the second company's day (7.5
      hours), day rounding (half days), overrun policy (cap), offers on
      quotations, won on confirmation, French mentions, debits option,
      legal form, capital and RCS city; the first's VAT franchise and legal
      identity;
    - a customer with its own day (7 hours) and its order; a French customer
      with its SIRET and e-invoicing address (0225);
    - orders with down payments, posted: a percentage deducted in
      proportion (the first company), a fixed amount deducted up to each
      invoice's amount (the second's default), then the second company
      deducting in proportion; a closed order (its closing invoice posted)
      and one being closed (its closing invoice in draft);
    - a Factur-X business process fixed on an invoice, an internal note, an
      offer category with its offers on an opportunity, a stage's rules."""
    main = env.ref("base.main_company")
    other = env["res.company"].search([("name", "=", SECOND_COMPANY)])
    env_main = env(context=dict(env.context, allowed_company_ids=main.ids))
    env_other = env(context=dict(env.context, allowed_company_ids=other.ids))
    settings(
        env,
        main,
        vat_franchise=True,
        legal_form="SAS",
        share_capital=50000,
        trade_register_city="Paris",
    )
    settings(
        env,
        other,
        timesheet_hours_per_day=7.5,
        timesheet_day_rounding="half",
        overrun_policy="cap",
        quotation_offer_lines="optional",
        opportunity_won_on_order_confirm=False,
        invoice_penalty_rate=10.5,
        invoice_recovery_mention="Indemnité de recouvrement : 40 euros",
        invoice_discount_mention="Escompte de 1 % pour paiement à 8 jours",
        invoice_operation_category="Prestation de services et livraison de biens",
        vat_on_debits=True,
        legal_form="SARL",
        share_capital=7500,
        trade_register_city="Lyon",
    )
    partners = env["res.partner"]
    day_7 = partners.create({"name": "Client (journée de 7 h)", "is_company": True})
    day_7.timesheet_hours_per_day = 7  # its form, once made
    french = partners.create(
        {
            "name": "Client français",
            "is_company": True,
            "country_id": env.ref("base.fr").id,
            "company_registry": "73282932000074",
            "peppol_eas": "0225",
            "peppol_endpoint": "732829320_73282932000074",
        }
    )

    # the first company deducts in proportion (its demo data's policy)
    order, task = order_of_days(env_main, "proportionnel", main, french)
    order.internal_note = "<p>Client exigeant : valider chaque livrable.</p>"
    invoice(order, "percentage", amount=30).action_post()
    log_hours(order, task, 32)
    posted = invoice(order, "lines_deduct")
    posted.action_post()
    posted._get_facturx_business_process()  # fixed once its Factur-X is made

    order, task = order_of_days(env_main, "journée client", main, day_7, days=5)
    log_hours(order, task, 14)
    invoice(order, "lines").action_post()

    order, task = order_of_days(env_main, "soldée", main)
    invoice(order, "percentage", amount=20).action_post()
    log_hours(order, task, 60)
    close(order).action_post()

    # the second company deducts up to each invoice's amount (its default)
    order, task = order_of_days(env_other, "plafonné", other)
    invoice(order, "fixed", fixed_amount=2000).action_post()
    log_hours(order, task, 15)
    invoice(order, "lines_deduct").action_post()
    order, task = order_of_days(env_other, "en solde", other)
    invoice(order, "fixed", fixed_amount=1500).action_post()
    log_hours(order, task, 90)  # over the 10 days ordered: capped
    close(order)
    settings(env, other, down_payment_deduction="proportional")
    order, task = order_of_days(env_other, "proportionnel", other, days=4)
    invoice(order, "percentage", amount=50).action_post()
    log_hours(order, task, 15)
    invoice(order, "lines_deduct").action_post()

    # CRM: an offer category with its offers, on an opportunity; stage rules
    offer = service_product(env, "Audit", 900)
    category = env["crm.tag"].create(
        {"name": "Audit", "is_offer_category": True, "offer_product_ids": offer.ids}
    )
    lead = env["crm.lead"].create({"name": "Audit annuel", "type": "opportunity"})
    lead.tag_ids = category
    stage = env["crm.stage"].search([], limit=1)
    required = env["ir.model.fields"]._get("crm.lead", "expected_revenue")
    stage.write(
        {
            "set_probability": True,
            "default_probability": 15,
            "required_field_ids": required.ids,
        }
    )


# Snapshots ------------------------------------------------------------------


def our_modules(env):
    """psi_sale and the checkout's other addons, those installed."""
    domain = [("name", "in", [APP, *ADDONS]), ("state", "=", "installed")]
    return sorted(env["ir.module.module"].search(domain).mapped("name"))


def figures(env):
    """Stock Odoo's figures that installing psi_sale must not change."""
    orders = env["sale.order"].search([("state", "=", "sale")])
    invoices = env["account.move"].search([("move_type", "!=", "entry")])
    everything = [("id", "!=", 0)]
    return {
        "orders": read(
            orders,
            [
                "amount_untaxed",
                "amount_total",
                "invoice_status",
                "project_id",
                "locked",
            ],
        ),
        "order lines": read(
            orders.order_line,
            "product_uom_qty qty_delivered qty_invoiced qty_to_invoice price_subtotal"
            " untaxed_amount_invoiced untaxed_amount_to_invoice analytic_distribution"
            " project_id task_id".split(),
        ),
        "invoices": read(
            invoices, ["state", "amount_untaxed", "amount_total", "invoice_line_ids"]
        ),
        "invoice lines": read(
            invoices.invoice_line_ids,
            ["quantity", "price_unit", "price_subtotal", "sale_line_ids"],
        ),
        "tasks": read(
            env["project.task"].with_context(active_test=False).search(everything),
            ["project_id", "sale_line_id", "allocated_hours", "stage_id", "state"],
        ),
        "timesheets": read(
            env["account.analytic.line"].search(everything),
            ["unit_amount", "amount", "so_line", "task_id", "project_id"],
        ),
        "opportunities": read(
            env["crm.lead"].with_context(active_test=False).search(everything),
            ["stage_id", "probability", "expected_revenue", "tag_ids", "active"],
        ),
        "partners": read(
            env["res.partner"].with_context(active_test=False).search(everything),
            ["country_id", "company_registry", "peppol_eas", "peppol_endpoint"],
        ),
    }


def stored_fields(record):
    return [
        name
        for name, field in record._fields.items()
        if field.store and field.type != "binary" and name not in IGNORED_FIELDS
    ]


def psi_data(env, modules):
    """Our records, by model and XML id name, then module: their id, whether
    updates leave them (noupdate) and stored values; the number of records of
    their models, and of ours (no duplicate)."""
    data = env["ir.model.data"].search([("module", "in", modules)])
    records = {}
    for row in data.filtered(lambda row: row.model in env):
        record = env[row.model].browse(row.res_id).exists()
        values = read(record, stored_fields(record)).get(str(row.res_id))
        if values and row.model == "ir.actions.act_window":
            # recreated by each update (Command.clear() in the XML, as in stock
            # Odoo): compared by what they are
            values["view_ids"] = [[v.view_mode, v.view_id.id] for v in record.view_ids]
        records.setdefault(f"{row.model} {row.name}", {})[row.module] = {
            "id": row.res_id,
            "noupdate": row.noupdate,
            "values": values,
        }
    ours = defaultdict(set)
    for row in data:
        ours[row.model].add(row.res_id)
    counts = {
        model: [env[model].with_context(active_test=False).search_count([]), len(ids)]
        for model, ids in sorted(ours.items())
        if model in env
    }
    return {"records": records, "counts": counts}


def field_values(env, modules):
    """{model: {id: {field: value}}}: the stored fields that MODULES define or
    change, of every record (users' data, settings included)."""
    data = env["ir.model.data"].search(
        [("module", "in", modules), ("model", "=", "ir.model.fields")]
    )
    names = defaultdict(set)
    for field_record in env["ir.model.fields"].browse(set(data.mapped("res_id"))):
        model = env.get(field_record.model)
        field = model is not None and model._fields.get(field_record.name)
        if field and field.store and not model._transient and not model._abstract:
            if field.type not in ("binary", "one2many"):
                names[model._name].add(field.name)
    return {
        model: read(env[model].with_context(active_test=False).search([]), sorted(f))
        for model, f in sorted(names.items())
    }


def psi_schema(env, modules):
    """The columns and tables of the fields MODULES define (not those they
    only change)."""
    data = env["ir.model.data"].search(
        [("module", "in", modules), ("model", "=", "ir.model.fields")]
    )
    columns, tables = [], []
    for field_record in env["ir.model.fields"].browse(set(data.mapped("res_id"))):
        field = env[field_record.model]._fields.get(field_record.name)
        if not set(field_record.modules.split(", ")) <= set(modules):
            continue
        if not field or not field.store:
            continue
        if field.type == "many2many":
            tables.append(field.relation)
        elif field.column_type:
            columns.append([env[field_record.model]._table, field.name])
    return {"columns": sorted(columns), "tables": sorted(set(tables))}


def psi_defaults(env):
    """What psi_sale gave the records that were there before it."""
    companies = env["res.company"].search([])
    return {
        "companies": read(
            companies,
            "timesheet_hours_per_day timesheet_day_rounding crm_stage_rules"
            " quotation_offer_lines down_payment_deduction".split(),
        ),
        "leads": env.ref("crm.group_use_lead")
        in env.ref("base.group_user").implied_ids,
        "calendars": {
            str(company.id): company.resource_calendar_id.hours_per_day
            for company in companies
        },
        "orders": read(env["sale.order"].search([]), ["hours_per_day", "day_rounding"]),
    }


def snapshot(env, step):
    result = {"figures": figures(env), "order ids": env["sale.order"].search([]).ids}
    modules = our_modules(env)
    if modules:
        result.update(data=psi_data(env, modules), schema=psi_schema(env, modules))
        result.update(values=field_values(env, modules), defaults=psi_defaults(env))
    result["modules"] = modules
    with open(os.path.join(VAR, f"{env.cr.dbname}-{step}.json"), "w") as output:
        json.dump(result, output, indent=1, sort_keys=True, default=str)
    return json.loads(json.dumps(result, default=str))  # compared as written


def load_snapshot(dbname, step):
    with open(os.path.join(VAR, f"{dbname}-{step}.json")) as snapshot_file:
        return json.load(snapshot_file)
