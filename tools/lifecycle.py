"""The checks of ``make test-lifecycle``, in one Odoo process on its database.

    python3 -m tools.lifecycle OUTPUT_JSON -- ODOO_ARGS...

On a database in business without psi_sale: seed business made before it (a
second company working 7 hours a day, orders sold in days with time logged
and invoiced in part, opportunities, quotations), then, as an administrator
does from the Apps menu, install psi_sale, upgrade it twice, have two people
log time and invoice one order at once, uninstall it; a snapshot after each
step (var/psi_lifecycle-STEP.json). OUTPUT_JSON gets the checks, as
``[[name, [problem, ...]], ...]``, which tools/psi.py judges.
"""

import json
import os
import sys
import threading
from functools import partial

from odoo import SUPERUSER_ID, api
from odoo.fields import Command
from odoo.modules.registry import Registry
from odoo.service.model import retrying
from odoo.tools import config, mute_logger
from odoo.tools.sql import column_exists, table_exists

# not compared: when and by whom a record was written, and the arch a view had
# before the last update (Odoo keeps it for each view it updates)
IGNORED_FIELDS = {"create_date", "create_uid", "write_date", "write_uid", "arch_prev"}
VAR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "var")


def read(records, fields):
    """{id: values} as JSON: many2one pairs become ids."""
    return {
        str(values["id"]): {
            key: value[0] if isinstance(value, tuple) else value
            for key, value in values.items()
        }
        for values in records.read(fields)
    }


def order_of_days(env, label, company=None, **order_values):
    """A new customer's confirmed order of 10 consulting days; its task."""
    from tools.factory import service_product  # psi_sale/tests/factory.py

    company_id = {"company_id": company.id} if company else {}
    customer = env["res.partner"].create({"name": f"Client ({label})"})
    product = service_product(env, f"Jour de conseil ({label})", 600, **company_id)
    line = Command.create({"product_id": product.id, "product_uom_qty": 10})
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
    calendar = env["resource.calendar"].create({"name": "35 heures"})  # 8-12, 13-17
    calendar.attendance_ids.filtered(lambda a: a.day_period == "morning").hour_from = 9
    company_35 = env["res.company"].create(
        {"name": "Conseil 35 heures", "resource_calendar_id": calendar.id}
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


# Snapshots ------------------------------------------------------------------


def figures(env):
    """Stock Odoo's figures that installing psi_sale must not change."""
    orders = env["sale.order"].search([("state", "=", "sale")])
    everything = [("id", "!=", 0)]
    return {
        "orders": read(
            orders, ["amount_untaxed", "amount_total", "invoice_status", "project_id"]
        ),
        "order lines": read(
            orders.order_line,
            "product_uom_qty qty_delivered qty_invoiced qty_to_invoice price_subtotal"
            " untaxed_amount_invoiced untaxed_amount_to_invoice analytic_distribution"
            " project_id task_id".split(),
        ),
        "invoices": read(
            env["account.move"].search([("move_type", "!=", "entry")]),
            ["state", "amount_untaxed", "amount_total", "invoice_line_ids"],
        ),
        "tasks": read(
            env["project.task"].with_context(active_test=False).search(everything),
            ["project_id", "sale_line_id", "allocated_hours", "stage_id"],
        ),
        "timesheets": read(
            env["account.analytic.line"].search(everything),
            ["unit_amount", "amount", "so_line", "task_id", "project_id"],
        ),
        "opportunities": read(
            env["crm.lead"].with_context(active_test=False).search(everything),
            ["stage_id", "probability", "expected_revenue", "tag_ids", "active"],
        ),
    }


def psi_data(env):
    """psi_sale's records (by XML id) with their stored values, and the record
    counts of their models (an update makes no duplicate)."""
    data = env["ir.model.data"].search([("module", "=", "psi_sale")])
    records = {}
    for row in data.filtered(lambda row: row.model in env):
        record = env[row.model].browse(row.res_id).exists()
        fields = [
            name
            for name, field in record._fields.items()
            if field.store and field.type != "binary" and name not in IGNORED_FIELDS
        ]
        values = read(record, fields).get(str(row.res_id))
        if values and row.model == "ir.actions.act_window":
            # recreated by each update (Command.clear() in the XML, as in stock
            # Odoo): compared by what they are
            values["view_ids"] = [[v.view_mode, v.view_id.id] for v in record.view_ids]
        records[f"{row.model} {row.name}"] = values
    counts = {
        model: env[model].with_context(active_test=False).search_count([])
        for model in sorted(set(data.mapped("model")))
        if model in env
    }
    return {"records": records, "counts": counts}


def psi_schema(env):
    """The columns and tables of the fields psi_sale defines (not those it
    only changes)."""
    data = env["ir.model.data"].search(
        [("module", "=", "psi_sale"), ("model", "=", "ir.model.fields")]
    )
    columns, tables = [], []
    for field_record in env["ir.model.fields"].browse(data.mapped("res_id")):
        field = env[field_record.model]._fields.get(field_record.name)
        if field_record.modules != "psi_sale" or not field or not field.store:
            continue
        if field.type == "many2many":
            tables.append(field.relation)
        elif field.column_type:
            columns.append([env[field_record.model]._table, field.name])
    return {"columns": sorted(columns), "tables": sorted(tables)}


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
    psi_sale = env["ir.module.module"].search([("name", "=", "psi_sale")])
    if psi_sale.state == "installed":
        result.update(data=psi_data(env), schema=psi_schema(env))
        result.update(defaults=psi_defaults(env))
    with open(os.path.join(VAR, f"psi_lifecycle-{step}.json"), "w") as output:
        json.dump(result, output, indent=1, sort_keys=True, default=str)
    return json.loads(json.dumps(result, default=str))  # compared as written


def kept(before, after):
    """AFTER's figures of the records that BEFORE has (not those made since)."""
    return {
        kind: {k: v for k, v in records.items() if k in before["figures"][kind]}
        for kind, records in after["figures"].items()
    }


def differences(before, after, path=""):
    """Where two snapshots differ, as readable lines (20 at most)."""
    if isinstance(before, dict) and isinstance(after, dict):
        lines = []
        for key in sorted(set(before) | set(after)):
            lines += differences(
                before.get(key, "(none)"), after.get(key, "(none)"), f"{path}/{key}"
            )
        return lines[:20]
    if before == after:
        return []
    return [f"{path}: {repr(before)[:100]} -> {repr(after)[:100]}"]


def default_problems(snapshot, before):
    """What differs from the defaults psi_sale should give what was there
    BEFORE it (the demo company's demo data sets its own, see README.rst)."""
    defaults = snapshot["defaults"]
    problems = [] if defaults["leads"] else ["the Leads phase is off"]
    for company_id, company in defaults["companies"].items():
        demo = company_id == "1"
        expected = {
            "id": int(company_id),
            "timesheet_hours_per_day": defaults["calendars"][company_id] or 8.0,
            "timesheet_day_rounding": "none",
            "crm_stage_rules": demo,
            "quotation_offer_lines": "lines",
            "down_payment_deduction": "proportional" if demo else "capped",
        }
        problems += differences(expected, company, f"company {company_id}")
    for order_id, order in defaults["orders"].items():
        if int(order_id) in before["order ids"]:
            expected = {
                "id": int(order_id),
                "hours_per_day": 8.0,
                "day_rounding": "none",
            }
            problems += differences(expected, order, f"order {order_id}")
    return problems[:20]


# Concurrency and uninstallation ---------------------------------------------


def concurrency(dbname):
    """Two transactions, as two requests of the web client, each log 8 hours
    on the same task then invoice the order, both having started before
    either ends. Odoo's isolation (repeatable read) makes the second fail on
    the order line the first updated; retried as Odoo retries a request, it
    invoices only what is left. Each day is invoiced once."""

    def prepare(env):
        order, task = order_of_days(env, "concurrence", hours_per_day=8)
        employees = env["hr.employee"].create(
            [{"name": "Consultante A"}, {"name": "Consultant B"}]
        )
        values = timesheet(task, employees[0])
        env["account.analytic.line"].create(dict(values, unit_amount=16))
        return order.id, values, employees.ids

    order_id, values, employee_ids = step(dbname, prepare)
    started = threading.Barrier(2, timeout=60)
    tries = dict.fromkeys(employee_ids, 0)

    def log_and_invoice(env, employee_id):
        tries[employee_id] += 1
        order = env["sale.order"].browse(order_id)
        order.order_line.mapped("qty_to_invoice")  # both read the order first
        if tries[employee_id] == 1:
            started.wait()
        lines = env["account.analytic.line"]
        lines.create(dict(values, employee_id=employee_id, unit_amount=8))
        order._create_invoices()
        env.flush_all()

    def request(env, employee_id):
        retrying(partial(log_and_invoice, env, employee_id), env)

    threads = [
        threading.Thread(target=step, args=(dbname, request, employee_id))
        for employee_id in employee_ids
    ]
    with mute_logger("odoo.sql_db"):  # the serialization failure, retried
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    def check(env):
        line = env["sale.order"].browse(order_id).order_line
        invoiced = sorted(line.invoice_lines.mapped("quantity"))
        problems = []
        if sum(invoiced) != line.qty_delivered or line.qty_delivered != 4:
            problems.append(
                f"4 days delivered, invoiced {invoiced} (delivered: "
                f"{line.qty_delivered}, invoiced: {line.qty_invoiced})"
            )
        if max(tries.values()) < 2:
            problems.append(f"the transactions did not overlap: tries {tries}")
        return problems

    return step(dbname, check)


def schema_left(env, schema):
    """What uninstalling left of psi_sale: the XML ids of deleted records
    (Odoo keeps the records it cannot delete, e.g. a task stage still used,
    and their XML ids for a reinstall), its columns and tables."""
    data = env["ir.model.data"].search([("module", "=", "psi_sale")])
    left = [
        f"xml id left: {row.model} {row.name}"
        for row in data
        if row.model not in env or not env[row.model].browse(row.res_id).exists()
    ]
    left += [
        f"column left: {table}.{column}"
        for table, column in schema["columns"]
        if column_exists(env.cr, table, column)
    ]
    left += [f"table left: {t}" for t in schema["tables"] if table_exists(env.cr, t)]
    return left


# The steps -------------------------------------------------------------------


def step(dbname, function, *args):
    """FUNCTION(env, *ARGS) in a transaction of the current registry of
    DBNAME (installing or uninstalling a module makes a new one)."""
    with Registry(dbname).cursor() as cr:
        return function(api.Environment(cr, SUPERUSER_ID, {}), *args)


def apps_menu(env, button):
    """Press BUTTON of psi_sale in the Apps menu."""
    module = env["ir.module.module"].search([("name", "=", "psi_sale")])
    getattr(module, button)()


def lifecycle(dbname):
    """The checks, as (name, problems) pairs, in the order they are made."""
    checks = []
    step(dbname, seed)
    before = step(dbname, snapshot, "before")
    step(dbname, apps_menu, "button_immediate_install")
    previous = installed = step(dbname, snapshot, "installed")
    kept_figures = differences(before["figures"], kept(before, installed))
    checks.append(("installing keeps the figures of existing records", kept_figures))
    defaults = default_problems(installed, before)
    checks.append(("installing gives sensible defaults", defaults))
    for update in ("1", "2"):
        step(dbname, apps_menu, "button_immediate_upgrade")
        updated = step(dbname, snapshot, f"update{update}")
        changes = differences(previous, updated)
        checks.append((f"update {update} changes nothing", changes))
        previous = updated
    name = "two people logging time and invoicing one order at once invoice once"
    checks.append((name, concurrency(dbname)))
    step(dbname, apps_menu, "button_immediate_uninstall")
    left = step(dbname, schema_left, installed["schema"])
    name = "uninstalling drops psi_sale's columns, tables and records no longer used"
    checks.append((name, left))
    uninstalled = step(dbname, snapshot, "uninstalled")
    kept_figures = differences(before["figures"], kept(before, uninstalled))
    checks.append(("uninstalling keeps the figures of stock records", kept_figures))
    return checks


def main():
    separator = sys.argv.index("--")
    config.parse_config(sys.argv[separator + 1 :])
    checks = lifecycle(config["db_name"])
    with open(sys.argv[1], "w", encoding="utf-8") as output:
        json.dump(checks, output, indent=1)


if __name__ == "__main__":
    main()
