"""One step of ``psi.py test-lifecycle``, run inside Odoo on its database.

Usage: python3 tools/lifecycle.py STEP OUTPUT_JSON [SCHEMA_JSON] -- ODOO_ARGS...

Steps:
  seed       business made before psi_sale: a second company working 7 hours a
             day, orders sold in days, confirmed, with time logged, invoiced
             in part; an opportunity and a quotation
  snapshot   the figures of stock Odoo's records (confirmed orders and their
             lines, invoices, tasks, time, opportunities), and, psi_sale being
             installed, its data (every record of its XML ids, the settings,
             the schema it owns) and the defaults it gave the records that
             were there before it
  concurrency  two people log time on the task of an order and invoice it
             at the same moment, each in their own transaction (psi_sale
             installed): write whether a day was invoiced twice
  uninstall  uninstall psi_sale as the Apps menu does, then write what is left
             of the schema listed in SCHEMA_JSON (a snapshot's output), and the
             XML ids left of deleted records
"""

import json
import sys
import threading
from functools import partial

from odoo import SUPERUSER_ID, api
from odoo.fields import Command
from odoo.modules.registry import Registry
from odoo.service.model import retrying
from odoo.tools import config, mute_logger

# not compared: when and by whom a record was written, and the arch a view had
# before the last update (Odoo keeps it for each view it updates)
IGNORED_FIELDS = {"create_date", "create_uid", "write_date", "write_uid", "arch_prev"}


def plain(values):
    """Read values as JSON: many2one pairs become ids."""
    return {
        key: value[0] if isinstance(value, tuple) else value
        for key, value in values.items()
    }


def read(records, fields):
    return {str(values["id"]): plain(values) for values in records.read(fields)}


def consulting_day(env, label, **values):
    """A consulting day, made by psi_sale's product factory."""
    # odoo.addons holds psi_sale once the configuration is read
    from odoo.addons.psi_sale.factory import service_product

    return service_product(env, f"Jour de conseil ({label})", 600, **values)


def seed(env):
    hour = env.ref("uom.product_uom_hour")
    calendar = env["resource.calendar"].create(
        {
            "name": "35 heures",
            "attendance_ids": [
                Command.create(
                    {
                        "name": f"{weekday} {start}",
                        "dayofweek": str(weekday),
                        "hour_from": start,
                        "hour_to": end,
                        "day_period": period,
                    }
                )
                for weekday in range(5)
                for start, end, period in ((9, 12, "morning"), (13, 17, "afternoon"))
            ],
        }
    )
    company_35 = env["res.company"].create(
        {"name": "Conseil 35 heures", "resource_calendar_id": calendar.id}
    )
    env["account.chart.template"].try_loading(
        env.company.chart_template or "generic_coa", company_35, install_demo=False
    )
    companies = env.company | company_35
    for company in companies:
        env = env(context=dict(env.context, allowed_company_ids=company.ids))
        product = consulting_day(env, company.name, company_id=company.id)
        customer = env["res.partner"].create({"name": f"Client ({company.name})"})
        employee = env["hr.employee"].create(
            {"name": f"Consultant ({company.name})", "company_id": company.id}
        )
        order = env["sale.order"].create(
            {
                "partner_id": customer.id,
                "company_id": company.id,
                "order_line": [
                    Command.create({"product_id": product.id, "product_uom_qty": 10})
                ],
            }
        )
        order.action_confirm()
        task = order.order_line.task_id
        timesheet = {
            "name": "Atelier",
            "project_id": task.project_id.id,
            "task_id": task.id,
            "employee_id": employee.id,
            "product_uom_id": hour.id,
        }
        env["account.analytic.line"].create(dict(timesheet, unit_amount=20))
        order._create_invoices().action_post()
        env["account.analytic.line"].create(dict(timesheet, unit_amount=10))
        env["sale.order"].create({"partner_id": customer.id, "company_id": company.id})
        env["crm.lead"].create(
            {
                "name": f"Projet ({company.name})",
                "type": "opportunity",
                "partner_id": customer.id,
                "company_id": company.id,
                "expected_revenue": 12000,
            }
        )
    return {"companies": companies.ids}


def figures(env):
    """Stock Odoo's figures that installing psi_sale must not change."""
    orders = env["sale.order"].search([("state", "=", "sale")])
    lines = orders.order_line
    tasks = env["project.task"].with_context(active_test=False).search([])
    return {
        "orders": read(
            orders,
            ["amount_untaxed", "amount_total", "invoice_status", "project_id"],
        ),
        "order lines": read(
            lines,
            [
                "product_uom_qty",
                "qty_delivered",
                "qty_invoiced",
                "qty_to_invoice",
                "price_subtotal",
                "untaxed_amount_invoiced",
                "untaxed_amount_to_invoice",
                "analytic_distribution",
                "project_id",
                "task_id",
            ],
        ),
        "invoices": read(
            env["account.move"].search([("move_type", "!=", "entry")]),
            ["state", "amount_untaxed", "amount_total", "invoice_line_ids"],
        ),
        "tasks": read(
            tasks, ["project_id", "sale_line_id", "allocated_hours", "stage_id"]
        ),
        "timesheets": read(
            env["account.analytic.line"].search([]),
            ["unit_amount", "amount", "so_line", "task_id", "project_id"],
        ),
        "opportunities": read(
            env["crm.lead"].with_context(active_test=False).search([]),
            ["stage_id", "probability", "expected_revenue", "tag_ids", "active"],
        ),
    }


def psi_data(env):
    """psi_sale's records (by XML id), with their stored values."""
    data = env["ir.model.data"].search([("module", "=", "psi_sale")])
    records = {}
    for row in data:
        if row.model not in env:
            continue
        record = env[row.model].browse(row.res_id).exists()
        fields = [
            name
            for name, field in record._fields.items()
            if field.store and field.type != "binary" and name not in IGNORED_FIELDS
        ]
        values = plain(record.read(fields)[0]) if record else None
        if values and row.model == "ir.actions.act_window":
            # recreated by each update (Command.clear() in the XML, as in stock
            # Odoo): compared by what they are
            values["view_ids"] = [
                [view.view_mode, view.view_id.id] for view in record.view_ids
            ]
        records[f"{row.model} {row.name}"] = values
    # no duplicate made by an update: record counts of the models psi_sale fills
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
        if field_record.modules != "psi_sale":
            continue
        field = env[field_record.model]._fields.get(field_record.name)
        if not field or not field.store:
            continue
        if field.type == "many2many":
            tables.append(field.relation)
        elif field.column_type:
            columns.append([env[field_record.model]._table, field.name])
    return {"columns": sorted(columns), "tables": sorted(tables)}


def psi_defaults(env):
    """What psi_sale gave the records that were there before it."""
    return {
        "companies": read(
            env["res.company"].search([]),
            [
                "timesheet_hours_per_day",
                "timesheet_day_rounding",
                "crm_stage_rules",
                "quotation_offer_lines",
                "down_payment_deduction",
            ],
        ),
        "leads": env.ref("crm.group_use_lead")
        in env.ref("base.group_user").implied_ids,
        "calendars": {
            str(company.id): company.resource_calendar_id.hours_per_day
            for company in env["res.company"].search([])
        },
        "orders": read(env["sale.order"].search([]), ["hours_per_day", "day_rounding"]),
    }


def snapshot(env):
    result = {"figures": figures(env), "order ids": env["sale.order"].search([]).ids}
    if env["ir.module.module"].search([("name", "=", "psi_sale")]).state == (
        "installed"
    ):
        result.update(
            psi=psi_data(env), schema=psi_schema(env), defaults=psi_defaults(env)
        )
    return result


def concurrency(registry):
    """Two transactions, as two requests of the web client, each log 8 hours
    on the same task then invoice the order, both having started before
    either ends. Odoo's isolation (repeatable read) makes the second fail on
    the order line the first updated; retried as Odoo retries a request, it
    invoices only what is left. Each day is invoiced once."""
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        product = consulting_day(env, "concurrence")
        customer = env["res.partner"].create({"name": "Client (concurrence)"})
        order = env["sale.order"].create(
            {
                "partner_id": customer.id,
                "hours_per_day": 8,
                "order_line": [
                    Command.create({"product_id": product.id, "product_uom_qty": 10})
                ],
            }
        )
        order.action_confirm()
        task = order.order_line.task_id
        employees = env["hr.employee"].create(
            [{"name": "Consultante A"}, {"name": "Consultant B"}]
        )
        timesheet = {
            "name": "Atelier",
            "project_id": task.project_id.id,
            "task_id": task.id,
            "employee_id": employees[0].id,
        }
        env["account.analytic.line"].create(dict(timesheet, unit_amount=16))
        order_id, line_id = order.id, order.order_line.id
    started = threading.Barrier(2, timeout=60)
    tries = {}

    def log_and_invoice(env, employee):
        tries[employee.name] = tries.get(employee.name, 0) + 1
        order = env["sale.order"].browse(order_id)
        order.order_line.mapped("qty_to_invoice")  # both read the order first
        if tries[employee.name] == 1:
            started.wait()
        env["account.analytic.line"].create(
            dict(timesheet, employee_id=employee.id, unit_amount=8)
        )
        order._create_invoices()
        env.flush_all()

    def request(employee):
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            retrying(partial(log_and_invoice, env, employee.with_env(env)), env)

    threads = [
        threading.Thread(target=request, args=(employee,)) for employee in employees
    ]
    with mute_logger("odoo.sql_db"):  # the serialization failure, retried
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        line = env["sale.order.line"].browse(line_id)
        invoiced = sorted(line.invoice_lines.mapped("quantity"))
        problems = []
        if sum(invoiced) != line.qty_delivered or line.qty_delivered != 4:
            problems.append(
                f"4 days delivered, invoiced {invoiced} (delivered: "
                f"{line.qty_delivered}, invoiced: {line.qty_invoiced})"
            )
        if max(tries.values()) < 2:
            problems.append(f"the transactions did not overlap: tries {tries}")
    return {"problems": problems, "invoiced": invoiced, "tries": tries}


def uninstall(env, schema):
    env["ir.module.module"].search(
        [("name", "=", "psi_sale")]
    ).button_immediate_uninstall()
    cr = env.cr
    # Odoo keeps the records it cannot delete (e.g. a task stage still used),
    # and their XML ids for a reinstall: only the ids of deleted records are left
    left = {
        "xml ids": [
            f"{data.model} {data.name}"
            for data in env["ir.model.data"].search([("module", "=", "psi_sale")])
            if data.model not in env or not env[data.model].browse(data.res_id).exists()
        ],
        "columns": [],
        "tables": [],
    }
    for table, column in schema["columns"]:
        cr.execute(
            "SELECT 1 FROM information_schema.columns"
            " WHERE table_name = %s AND column_name = %s",
            [table, column],
        )
        if cr.fetchone():
            left["columns"].append(f"{table}.{column}")
    for table in schema["tables"]:
        cr.execute("SELECT to_regclass(%s)", [table])
        if cr.fetchone()[0]:
            left["tables"].append(table)
    return left


def main():
    separator = sys.argv.index("--")
    step, output, *rest = sys.argv[1:separator]
    config.parse_config(sys.argv[separator + 1 :])
    registry = Registry(config["db_name"])
    if step == "concurrency":
        result = concurrency(registry)
    else:
        result = run_step(registry, step, rest)
    with open(output, "w", encoding="utf-8") as output_file:
        json.dump(result, output_file, indent=1, sort_keys=True, default=str)


def run_step(registry, step, rest):
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        if step == "seed":
            result = seed(env)
        elif step == "snapshot":
            result = snapshot(env)
        else:
            with open(rest[0], encoding="utf-8") as schema_file:
                result = uninstall(env, json.load(schema_file)["schema"])
    return result


if __name__ == "__main__":
    main()
