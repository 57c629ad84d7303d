"""The Odoo side of bench.py and load.py: one process on one database.

    python3 -m bench.worker COMMAND DBNAME ARGUMENT_JSON ODOO_ARGS...

COMMAND: ``generate`` the data (ARGUMENT: the sizes), ``flows``: time the
flows named on stdin, one a line, ``prepare`` and ``check`` the database of
load.py (ARGUMENT: the timesheet lines its users logged). Each answer is a
``BENCH <json>`` line on stdout.
"""

import datetime
import gc
import itertools
import json
import os
import random
import re
import subprocess
import sys
import time

import requests

from odoo import SUPERUSER_ID, api, sql_db
from odoo.fields import Command
from odoo.modules.registry import Registry
from odoo.tools import config

from bench import bench
from tools.factory import service_product

SEED = 20260410
EMPLOYEES, CUSTOMERS, PRODUCTS, CATEGORIES, LINES = 20, 50, 20, 5, 20
TIMESHEET_BATCH = 1000
# a request of the portal page in the server's log, with its query count
PORTAL_LOG = re.compile(r'"GET /my/orders/\S+ HTTP/1.1" 200 - (\d+) ')
REF = "BENCH"  # client reference of the generated orders
DELIVERED = 0.4  # share of each line delivered before the load (down payment: 30 %)


def main(command, dbname, argument, *odoo_args):
    config.parse_config([*odoo_args, "--log-level=warn"])
    with Registry(dbname).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        admin = env.ref("base.user_admin")
        env = api.Environment(cr, admin.id, admin.context_get())
        argument = json.loads(argument)
        if command == "flows":
            flows = Flows(env, argument, odoo_args)
            for line in sys.stdin:
                answer(flows.run(line.strip()))
        else:
            commands = {"generate": generate, "prepare": prepare, "check": check}
            answer(commands[command](env, argument))
        cr.rollback()  # what is not committed yet: the recomputations of check


def answer(result):
    print(f"BENCH {json.dumps(result)}", flush=True)


def is_psi(env):
    return "is_offer_category" in env["crm.tag"]._fields


def generate(env, sizes):
    """The same records on both sides: the random draws do not depend on it."""
    rng = random.Random(SEED)
    env["hr.employee"].create(
        [{"name": f"Employee {number:02d}"} for number in range(EMPLOYEES)]
    )
    customers = env["res.partner"].create(
        [
            {
                "name": f"Customer {number:03d}",
                "is_company": True,
                "child_ids": [Command.create({"name": f"Contact {number:03d}"})],
            }
            for number in range(CUSTOMERS)
        ]
    )
    products = env["product.product"].concat(
        *(
            service_product(
                env, f"Service {number:02d}", rng.randrange(60, 150), unit="hour"
            )
            for number in range(PRODUCTS)
        )
    )
    categories = env["crm.tag"].create(
        [{"name": f"Category {number}"} for number in range(CATEGORIES)]
    )
    offers = {}
    for category in categories:
        offered = products[rng.randrange(PRODUCTS)] | products[rng.randrange(PRODUCTS)]
        offers[category.id] = offered.ids
        if is_psi(env):
            category.write(
                {
                    "is_offer_category": True,
                    "offer_product_ids": [Command.set(offered.ids)],
                }
            )
    env["ir.config_parameter"].set_param("bench.offers", json.dumps(offers))
    leads = []
    for number in range(sizes["leads"]):
        customer = customers[rng.randrange(CUSTOMERS)]
        leads.append(
            {
                "name": f"Lead {number:04d}",
                "type": "lead",
                "partner_id": customer.id,
                "contact_name": customer.child_ids.name,
                "description": f"<p>Need number {number}.</p>",
                "expected_revenue": rng.randrange(1000, 50000),
                "tag_ids": [Command.set(rng.sample(categories.ids, rng.randint(1, 2)))],
            }
        )
    env["crm.lead"].create(leads)
    env["sale.order"].create(
        [
            {
                "partner_id": customers[rng.randrange(CUSTOMERS)].id,
                "client_order_ref": REF,
                "order_line": [
                    Command.create(
                        {
                            "product_id": products[line % PRODUCTS].id,
                            "product_uom_qty": rng.randrange(10, 40),
                        }
                    )
                    for line in range(LINES)
                ],
            }
            for _order in range(sizes["orders"])
        ]
    )
    env.cr.commit()


def offer_lines(leads):
    """{lead id: the order lines psi_sale makes from its offer categories},
    given by hand on stock Odoo: a section per category, a line per offer."""
    env = leads.env
    offers = {
        int(tag_id): product_ids
        for tag_id, product_ids in json.loads(
            env["ir.config_parameter"].get_param("bench.offers")
        ).items()
    }
    lines = {}
    for lead in leads:
        lines[lead.id] = []
        for tag in lead.tag_ids:
            lines[lead.id].append(
                Command.create({"display_type": "line_section", "name": tag.name})
            )
            lines[lead.id] += [
                Command.create({"product_id": product.id, "product_uom_qty": 1})
                for product in env["product.product"].search(
                    [("id", "in", offers[tag.id])]
                )
            ]
    return lines


class Flows:
    """The flows of one round, each timed and its SQL queries counted."""

    def __init__(self, env, sizes, odoo_args):
        self.env, self.sizes, self.odoo_args = env, sizes, odoo_args
        self.orders = env["sale.order"].search(
            [("client_order_ref", "=", REF)], order="id"
        )
        # once per server, not in the first flow: the field triggers of every
        # model, that the first write of a process builds
        env.registry.get_dependent_fields(env["res.partner"]._fields["name"])

    def run(self, flow):
        result = getattr(self, flow)()
        bench.log(
            f"{self.env.cr.dbname} {flow}: {result['seconds']:.2f} s, "
            f"{result['queries']} queries, CPU {result['cpu'] or 0:.2f} s"
        )
        return result

    def measure(self, function, records, batches):
        """Run FUNCTION from a cold cache, flushed; commit after the timing."""
        self.env.invalidate_all()
        gc.collect()
        queries, cpu = sql_db.sql_counter, time.process_time()
        begin = time.perf_counter()
        function()
        self.env.flush_all()
        seconds = time.perf_counter() - begin
        cpu = time.process_time() - cpu
        queries = sql_db.sql_counter - queries
        self.env.cr.commit()
        return flow_result(seconds, cpu, queries, records, batches)

    def leads(self):
        """Convert the leads, then a quotation per opportunity from its button."""
        leads = self.env["crm.lead"].search([("type", "=", "lead")], order="id")
        lines = {} if is_psi(self.env) else offer_lines(leads)

        def run(leads=leads):
            for partner, group in leads.grouped("partner_id").items():
                group.convert_opportunity(partner)
            for lead in leads:
                context = lead.action_sale_quotations_new()["context"]
                values = {"order_line": lines[lead.id]} if lead.id in lines else {}
                self.env["sale.order"].with_context(**context).create(values)

        # the first quotation of a process fills its caches, once per server,
        # not per lead: one made before the timing, and undone
        with self.env.cr.savepoint() as savepoint:
            run(leads[:1])
            self.env.flush_all()
            savepoint.rollback()
        result = self.measure(run, len(leads), len(leads))
        quotations = self.env["sale.order"].search(
            [("opportunity_id", "in", leads.ids)]
        )
        result["check"] = {
            "quotations": len(quotations),
            "product_lines": len(quotations.order_line.filtered("product_id")),
            "amount_untaxed": round(sum(quotations.mapped("amount_untaxed")), 2),
        }
        return result

    def confirm(self):
        result = self.measure(self.orders.action_confirm, len(self.orders), 1)
        result["check"] = {"tasks": len(self.orders.order_line.task_id)}
        return result

    def timesheets(self):
        """Timesheet lines spread over the orders' tasks, in batches."""
        rng = random.Random(SEED)
        tasks = self.orders.order_line.task_id.sorted("id")
        employees = self.env["hr.employee"].search([], order="id")
        start = datetime.date(2026, 1, 5)
        values = [
            {
                "name": "Work",
                "task_id": tasks[number % len(tasks)].id,
                "project_id": tasks[number % len(tasks)].project_id.id,
                "employee_id": employees[rng.randrange(len(employees))].id,
                "unit_amount": rng.choice((0.5, 1.0, 2.0, 3.5, 4.0, 7.0)),
                "date": start + datetime.timedelta(days=rng.randrange(120)),
            }
            for number in range(self.sizes["timesheets"])
        ]
        batches = [
            values[index : index + TIMESHEET_BATCH]
            for index in range(0, len(values), TIMESHEET_BATCH)
        ]
        lines = self.env["account.analytic.line"]

        def run():
            for batch in batches:
                lines.create(batch)
                self.env.flush_all()  # delivered quantities recomputed
                self.env.invalidate_all()

        result = self.measure(run, len(values), len(batches))
        result["check"] = {
            "delivered": round(sum(self.orders.order_line.mapped("qty_delivered")), 2)
        }
        return result

    def invoice(self):
        wizard = self.env["sale.advance.payment.inv"]

        def run():
            for order in self.orders:
                wizard.with_context(
                    active_model="sale.order", active_ids=order.ids
                ).create(
                    {"advance_payment_method": "percentage", "amount": 30}
                ).create_invoices()
            down_payments = self.orders.invoice_ids
            down_payments.action_post()
            wizard.with_context(
                active_model="sale.order", active_ids=self.orders.ids
            ).create(
                {"advance_payment_method": "delivered", "deduct_down_payments": True}
            ).create_invoices()
            (self.orders.invoice_ids - down_payments).action_post()

        result = self.measure(run, len(self.orders), len(self.orders) + 1)
        result["check"] = {
            "invoices": len(self.orders.invoice_ids),
            "amount_untaxed": round(
                sum(self.orders.invoice_ids.mapped("amount_untaxed_signed")), 2
            ),
        }
        return result

    def rendered_orders(self):
        """The orders to render, in turn as many times as the size renders
        (the quick size has 5 orders: one render each, 0.2 s, cannot tell 5 %)."""
        in_turn = itertools.cycle(self.orders)
        return list(itertools.islice(in_turn, self.sizes["renders"]))

    def report(self):
        orders = self.rendered_orders()
        report = (
            "psi_sale.action_report_order_form"
            if is_psi(self.env)
            else "sale.action_report_saleorder"
        )
        reports = self.env["ir.actions.report"]
        # compiling the templates is once per server, not per form
        reports._render_qweb_html(report, orders[0].ids)
        self.env.invalidate_all()

        def run():
            for order in orders:
                html, _type = reports._render_qweb_html(report, order.ids)
                assert order.name.encode() in html

        return self.measure(run, len(orders), len(orders))

    def portal(self):
        """GET each order's portal page from an Odoo server on this database."""
        orders = self.rendered_orders()
        urls = [order.get_portal_url() for order in orders]
        self.env.cr.commit()  # the access tokens
        base = f"http://127.0.0.1:{config['http_port']}"
        logfile = os.path.join(bench.psi.VAR, "bench", f"{self.env.cr.dbname}-http.log")
        with open(logfile, "w", encoding="utf-8"):  # Odoo's log appends
            pass
        # no --database: the server loads the registry at the first request
        # (the warm-up), not while it starts
        server = subprocess.Popen(
            [sys.executable, "-m", "odoo"]
            + [arg for arg in self.odoo_args if not arg.startswith("--database=")]
            + [f"--db-filter=^{self.env.cr.dbname}$", "--workers=0"]
            + ["--log-level=warn", "--log-handler=werkzeug:INFO"]
            + [f"--logfile={logfile}"]
        )
        try:
            bench.wait_for_server(base, logfile)
            session = requests.Session()
            session.get(base + urls[0], timeout=120).raise_for_status()  # warm-up
            begin = time.perf_counter()
            for order, url in zip(orders, urls, strict=True):
                response = session.get(base + url, timeout=120)
                response.raise_for_status()
                assert order.name in response.text
            seconds = time.perf_counter() - begin
        finally:
            server.terminate()
            server.wait()
        with open(logfile, encoding="utf-8") as log:
            counts = [int(match.group(1)) for match in PORTAL_LOG.finditer(log.read())]
        # its CPU time is spent in the server
        return flow_result(seconds, None, sum(counts[1:]), len(orders), len(orders))


def flow_result(seconds, cpu, queries, records, batches):
    names = ("seconds", "cpu", "queries", "records", "batches")
    return dict(zip(names, (seconds, cpu, queries, records, batches), strict=True))


# The load's database (bench/load.py) -----------------------------------------


def prepare(env, _argument):
    """Confirm the orders, a 30 % down payment on each, 40 % of each line
    delivered; what the users need."""
    orders = env["sale.order"].search([("client_order_ref", "=", REF)])
    orders.action_confirm()
    wizard = env["sale.advance.payment.inv"].with_context(active_model="sale.order")
    for order in orders:
        payment = {"advance_payment_method": "percentage", "amount": 30}
        wizard.with_context(active_ids=order.ids).create(payment).create_invoices()
    orders.invoice_ids.action_post()
    employees = env["hr.employee"].search([], order="id")
    tasks = orders.order_line.task_id.sorted("id")
    env["account.analytic.line"].create(  # what is delivered exceeds the down
        # payment, so that stock's first invoices are invoices, not credit notes
        [
            {
                "name": "Before",
                "task_id": task.id,
                "project_id": task.project_id.id,
                "employee_id": employees[index % len(employees)].id,
                "unit_amount": task.sale_line_id.product_uom_qty * DELIVERED,
                "date": "2026-01-02",
            }
            for index, task in enumerate(tasks)
        ]
    )
    leads = env["crm.lead"].search([("type", "=", "lead")], order="id")
    on_psi = is_psi(env)
    lines = {} if on_psi else offer_lines(leads)
    data = {
        "login": {"db": env.cr.dbname, "login": "admin", "password": "admin"},
        "orders": orders.ids,
        "tasks": [[task.id, task.project_id.id] for task in tasks],
        "employees": employees.ids,
        "portal": [order.get_portal_url() for order in orders],
        "leads": [[lead.id, lead.partner_id.id, lines.get(lead.id)] for lead in leads],
        # psi_sale's "Lignes facturables (acomptes déduits)", stock's equivalent
        "invoice_mode": {"invoice_mode": "lines_deduct"}
        if on_psi
        else {"advance_payment_method": "delivered", "deduct_down_payments": True},
        # psi_sale's confirmation wins the opportunity; on stock, a click on Won
        "won_by_hand": not on_psi,
        "company": env.company.id,
        "customer": orders[0].partner_id.id,
        "product": service_product(env, "Stateless", 100, taxes_id=False).id,
    }
    env.cr.commit()
    return data


def stale(records, name):
    """Records whose stored NAME is not its recomputation, described."""
    records.env.invalidate_all()
    stored = {record.id: record[name] for record in records}
    records.env.add_to_compute(records._fields[name], records)
    return [
        f"{record.display_name}: {name} {stored[record.id]}, recomputed {record[name]}"
        for record in records
        if abs(record[name] - stored[record.id]) > 0.005
    ]


def check(env, logged):
    """Nothing lost under contention: {check: problems}."""
    timesheets = env["account.analytic.line"].search([("name", "=", "Load")])
    lines = env["sale.order.line"].search([("order_id.state", "=", "sale")])
    down_payments = lines.filtered("is_downpayment")
    env.cr.execute(
        "SELECT 'order ' || l.order_id FROM project_project p JOIN sale_order_line l"
        " ON l.id = p.sale_line_id GROUP BY l.order_id HAVING count(*) > 1 UNION ALL"
        " SELECT 'line ' || sale_line_id FROM project_task WHERE sale_line_id IS NOT"
        " NULL AND parent_id IS NULL GROUP BY sale_line_id HAVING count(*) > 1"
    )
    twice = [row[0] for row in env.cr.fetchall()]
    deductions = stale(down_payments, "untaxed_amount_invoiced")
    for order, order_lines in down_payments.grouped("order_id").items():
        invoiced = deducted = 0.0  # from the posted invoices' journal items
        for line in order_lines.invoice_lines:
            if line.move_id.state == "posted" and line.move_id._is_downpayment():
                invoiced -= line.balance
            elif line.move_id.state == "posted":
                deducted += line.balance
        left = sum(order_lines.mapped("untaxed_amount_invoiced"))
        if deducted > invoiced + 0.01 or abs(invoiced - deducted - left) > 0.01:
            deductions.append(f"{order.name}: {invoiced} - {deducted} != {left}")
    drafts = env["account.move"].search([("state", "=", "draft")])
    found = [] if len(timesheets) == logged else [f"{len(timesheets)} found"]
    checks = {
        f"the {logged} timesheet lines of the load, on their task's order line": found
        + [str(ts.id) for ts in timesheets if ts.so_line != ts.task_id.sale_line_id],
        "delivered quantities equal to their recomputation": stale(
            timesheets.so_line, "qty_delivered"
        ),
        "no order with two projects, no line with two tasks": twice,
        "down payments deducted at most once, as the invoices say": deductions
        + [f"draft {move.id}" for move in drafts],
    }
    policy = getattr(env.company, "down_payment_deduction", "full")
    if policy != "full":
        negative = ["|", ("move_type", "=", "out_refund"), ("amount_total", "<", 0)]
        name = f"no negative invoice nor credit note under `{policy}`"
        checks[name] = env["account.move"].search(negative).mapped("name")
    return checks


if __name__ == "__main__":
    main(*sys.argv[1:])
