"""The checks of ``make test-lifecycle``, in two Odoo processes on its database.

    python3 -m tools.lifecycle PHASE OUTPUT_JSON -- ODOO_ARGS...

PHASE ``install``, with today's psi_sale in ODOO_ARGS' addons path (the
commit before the split): on a database in business without psi_sale, seed
business made before it (tools/lifecycle_data.py), install psi_sale as an
administrator does from the Apps menu, then fill the database as its users do.

PHASE ``upgrade``, with the checkout's addons: upgrade psi_sale from the Apps
menu (Odoo installs the addons it now depends on first), compare what the
database held before, update twice, have two people log time and invoice one
order at once, uninstall psi_sale and its addons.

A snapshot after each step (var/DB-STEP.json). OUTPUT_JSON gets
the checks, as ``[[name, [problem, ...]], ...]``, which tools/psi.py judges.
"""

import json
import os
import sys
import threading
from collections import defaultdict
from functools import partial

from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.service.model import retrying
from odoo.tools import config, mute_logger
from odoo.tools.sql import column_exists, table_exists

from tools.lifecycle_data import (
    ADDONS,
    APP,
    VAR,
    fill,
    load_snapshot,
    order_of_days,
    read,
    seed,
    snapshot,
    timesheet,
)

# the reflection of models and fields: Odoo gives each module that defines or
# extends one its own XML id of the same record
REFLECTION = [
    "ir.model",
    "ir.model.fields",
    "ir.model.fields.selection",
    "ir.model.constraint",
    "ir.model.relation",
]


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


# The upgrade to the split ------------------------------------------------------


def values_now(env, values):
    """The records and fields of VALUES (a snapshot's) as they are now."""
    now = {}
    for model, records in values.items():
        if model not in env:
            continue
        fields = [field for field in next(iter(records.values()), {}) if field != "id"]
        fields = [field for field in fields if field in env[model]._fields]
        existing = env[model].browse(map(int, records)).exists()
        now[model] = read(existing, fields)
    return json.loads(json.dumps(now, default=str))  # compared as written


def values_lost(env, filled):
    """FILLED's values of psi_sale's fields that the upgrade lost or changed,
    by model, database id and field name."""
    now, problems = values_now(env, filled["values"]), []
    for model, records in filled["values"].items():
        for record_id, values in records.items():
            new = now.get(model, {}).get(record_id)
            if new is None:
                problems.append(f"{model} {record_id}: gone")
                continue
            problems += [
                f"{model} {record_id} {field}: {value!r:.60} -> "
                + (f"{new[field]!r:.60}" if field in new else "(no such field)")
                for field, value in values.items()
                if new.get(field, "(none)") != value
            ]
    return problems[:40]


def records_lost(filled, upgraded):
    """psi_sale's records (by model and XML id name) that UPGRADED lost: gone,
    made again under another id (whatever module holds the name now), a value
    emptied (but the reflection of fields and models, which the code makes);
    any value changed of a record that updates leave alone (noupdate). And the
    values the new code gave the others."""
    problems, changes = [], []
    for key, held in filled["data"]["records"].items():
        before, holders = held[APP], upgraded["data"]["records"].get(key, {})
        after = [a for a in holders.values() if a["id"] == before["id"]]
        if before["values"] is None:  # already gone before the upgrade
            continue
        if not after or after[0]["values"] is None:
            now = ", ".join(f"{m}'s {a['id']}" for m, a in holders.items()) or "none"
            problems.append(f"{key}: psi_sale's {before['id']} -> {now}")
            continue
        if key.split()[0] in REFLECTION:  # the code's: its data is its fields'
            continue
        for field, value in before["values"].items():
            new = after[0]["values"].get(field)
            if new == value:
                continue
            line = f"{key} (id {before['id']}) {field}: {value!r:.60} -> {new!r:.60}"
            lost = before["noupdate"] or (value and not new)
            (problems if lost else changes).append(line)
    return problems[:40], changes


def held_twice(env, modules):
    """Records held by two of our modules (a psi_sale XML id left for a record
    another addon holds now), XML id names of two (a record made again; but
    a view split in two, see views_twice()); not the reflection of models
    and fields, which Odoo gives each module that extends them."""
    data = env["ir.model.data"].search(
        [("module", "in", modules), ("model", "not in", REFLECTION)]
    )
    holders = defaultdict(set)
    for row in data:
        holders[f"{row.model} {row.res_id}"].add(row.complete_name)
        if row.model != "ir.ui.view":
            holders[f"{row.model} named {row.name}"].add(row.complete_name)
    return [
        f"{what}: {', '.join(sorted(names))}"
        for what, names in sorted(holders.items())
        if len({name.split(".")[0] for name in names}) > 1
    ]


def views_twice(env, modules):
    """Views of our modules defined twice: the same arch, inheriting the same
    view (or none) of the same model."""
    data = env["ir.model.data"].search(
        [("module", "in", modules), ("model", "=", "ir.ui.view")]
    )
    xml_ids = {row.res_id: row.complete_name for row in data}
    archs = defaultdict(set)
    for view in env["ir.ui.view"].browse(xml_ids).exists():
        parent = f"{view.model} view {view.inherit_id.id}"
        archs[parent, view.arch_db].add(xml_ids[view.id])
    return [
        f"{parent}: {', '.join(sorted(names))}"
        for (parent, _arch), names in archs.items()
        if len(names) > 1
    ]


def counts_grown(filled, upgraded):
    """Models whose records grew by more than the records of our modules (a
    record made again without an XML id)."""
    problems = []
    for model, (total, ours) in filled["data"]["counts"].items():
        total_after, ours_after = upgraded["data"]["counts"].get(model, [0, 0])
        if total_after - total > ours_after - ours:
            problems.append(
                f"{model}: {total} records, {ours} of ours -> {total_after}, "
                f"{ours_after} of ours"
            )
    return problems


def upgrade_checks(env, filled, upgraded):
    """The upgrade from today's psi_sale (FILLED) to the split (UPGRADED);
    the values the new code gave psi_sale's records go to
    var/DB-upgrade-changes.json."""
    modules = upgraded["modules"]
    lost, changes = records_lost(filled, upgraded)
    with open(os.path.join(VAR, f"{env.cr.dbname}-upgrade-changes.json"), "w") as out:
        json.dump(changes, out, indent=1)
    return [
        (
            "the upgrade installs every addon of the checkout",
            [f"{name} not installed" for name in ADDONS if name not in modules],
        ),
        (
            "the upgrade keeps every value of psi_sale's fields, on every record",
            values_lost(env, filled),
        ),
        (
            "the upgrade keeps the figures of orders, invoices, tasks, timesheets",
            differences(filled["figures"], upgraded["figures"]),
        ),
        (
            "the upgrade keeps every record psi_sale had an XML id for",
            lost,
        ),
        (
            "the upgrade leaves no record or XML id held by two addons",
            held_twice(env, modules),
        ),
        ("the upgrade defines no view twice", views_twice(env, modules)),
        (
            "the upgrade makes no record again (views, rules, menus, templates...)",
            counts_grown(filled, upgraded),
        ),
    ]


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


def schema_left(env, schema, modules):
    """What uninstalling left of MODULES: the XML ids of deleted records
    (Odoo keeps the records it cannot delete, e.g. a task stage still used,
    and their XML ids for a reinstall), their columns and tables."""
    data = env["ir.model.data"].search([("module", "in", modules)])
    left = [
        f"xml id left: {row.model} {row.complete_name}"
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


def apps_menu(env, button, modules=(APP,)):
    """Press BUTTON of MODULES in the Apps menu."""
    getattr(env["ir.module.module"].search([("name", "in", modules)]), button)()


def update_apps_list(env):
    """Apps > Update Apps List, as an administrator does once the code of the
    addons is deployed: the database knows their manifests (the template of
    the database was made with the checkout's)."""
    env["base.module.update"].create({}).update_module()


def install(dbname):
    """Today's psi_sale installed on a database in business, then used."""
    checks = []
    step(dbname, seed)
    before = step(dbname, snapshot, "before")
    step(dbname, update_apps_list)
    step(dbname, apps_menu, "button_immediate_install")
    installed = step(dbname, snapshot, "installed")
    kept_figures = differences(before["figures"], kept(before, installed))
    checks.append(("installing keeps the figures of existing records", kept_figures))
    defaults = default_problems(installed, before)
    checks.append(("installing gives sensible defaults", defaults))
    step(dbname, fill)
    step(dbname, snapshot, "filled")
    return checks


def upgrade(dbname):
    """psi_sale upgraded to the split, updated, used, uninstalled."""
    before, filled = load_snapshot(dbname, "before"), load_snapshot(dbname, "filled")
    step(dbname, apps_menu, "button_immediate_upgrade")
    previous = upgraded = step(dbname, snapshot, "upgraded")
    checks = step(dbname, upgrade_checks, filled, upgraded)
    for update in ("1", "2"):
        step(dbname, apps_menu, "button_immediate_upgrade")
        updated = step(dbname, snapshot, f"update{update}")
        changes = differences(previous, updated)
        checks.append((f"update {update} changes nothing", changes))
        previous = updated
    name = "two people logging time and invoicing one order at once invoice once"
    checks.append((name, concurrency(dbname)))
    modules = upgraded["modules"]
    step(dbname, apps_menu, "button_immediate_uninstall", modules)
    left = step(dbname, schema_left, upgraded["schema"], modules)
    name = f"uninstalling {', '.join(modules)} drops their columns, tables and records"
    checks.append((name + " no longer used", left))
    uninstalled = step(dbname, snapshot, "uninstalled")
    kept_figures = differences(before["figures"], kept(before, uninstalled))
    checks.append(("uninstalling keeps the figures of stock records", kept_figures))
    return checks


def main():
    separator = sys.argv.index("--")
    phase, output = sys.argv[1:separator]
    config.parse_config(sys.argv[separator + 1 :])
    checks = {"install": install, "upgrade": upgrade}[phase](config["db_name"])
    with open(output, "w", encoding="utf-8") as output_file:
        json.dump(checks, output_file, indent=1)


if __name__ == "__main__":
    main()
