"""The Odoo side of bench.py: generate the data, time the flows of one round.

Runs in its own process on one database (bench.py starts it), with Odoo
imported in-process; the portal pages are fetched from an Odoo HTTP server it
starts on the same database.
"""

import cProfile
import datetime
import gc
import json
import os
import random
import re
import subprocess
import sys
import time

import requests

import odoo
from odoo import api, sql_db
from odoo.fields import Command
from odoo.tools import config

from bench import bench

SEED = 20260410
EMPLOYEES = 20
CUSTOMERS = 50
PRODUCTS = 20
CATEGORIES = 5
# a request of the portal page in the server's log, with its query count
PORTAL_LOG = re.compile(r'"GET /my/orders/\S+ HTTP/1.1" 200 - (\d+) ')
REF = "BENCH"  # client reference of the generated orders
WORK = os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "var", "bench"
)


def main(command, dbname, sizes, odoo_args):
    """Generate the data, or run the flows named on stdin one after the other;
    results as ``BENCH <json>`` lines on stdout."""
    config.parse_config(odoo_args + ["--log-level=warn"])
    registry = odoo.modules.registry.Registry(dbname)
    with registry.cursor() as cr:
        env = api.Environment(cr, api.SUPERUSER_ID, {})
        admin = env.ref("base.user_admin")
        env = api.Environment(cr, admin.id, admin.context_get())
        if command == "generate":
            generate(env, sizes)
            answer("generated")
            return
        flows = Flows(env, sizes, odoo_args)
        answer("ready")
        for line in sys.stdin:
            answer(flows.run(line.strip()))


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
    # odoo.addons holds psi_sale once the configuration is read
    from odoo.addons.psi_sale.factory import service_product

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
                    for line in range(sizes["lines"])
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
        self.flow = None
        self.orders = env["sale.order"].search(
            [("client_order_ref", "=", REF)], order="id"
        )
        # once per server, not in the first flow: the field triggers of every
        # model, that the first write of a process builds
        env.registry.get_dependent_fields(env["res.partner"]._fields["name"])

    def run(self, flow):
        assert flow in ("leads", "confirm", "timesheets", "invoice", "report", "portal")
        self.flow = flow
        result = getattr(self, flow)()
        print(
            f"bench: {self.env.cr.dbname} {flow}: {result['seconds']:.2f} s, "
            f"{result['queries']} queries, CPU {result['cpu'] or 0:.2f} s",
            file=sys.stderr,
            flush=True,
        )
        return result

    def measure(self, function, records, batches):
        """Run FUNCTION from a cold cache, flushed; commit after the timing."""
        self.env.invalidate_all()
        gc.collect()
        profiled = os.environ.get("BENCH_PROFILE", "").split(",")
        profile = cProfile.Profile() if self.flow in profiled else None
        queries = sql_db.sql_counter
        cpu = time.process_time()
        begin = time.perf_counter()
        if profile:
            profile.enable()
        function()
        self.env.flush_all()
        if profile:
            profile.disable()
        seconds = time.perf_counter() - begin
        cpu = time.process_time() - cpu
        if profile:  # BENCH_PROFILE=flow,...: where its time goes (slower meanwhile)
            profile.dump_stats(
                os.path.join(WORK, f"{self.env.cr.dbname}-{self.flow}.prof")
            )
        queries = sql_db.sql_counter - queries
        self.env.cr.commit()
        return {
            "seconds": seconds,
            "cpu": cpu,
            "queries": queries,
            "records": records,
            "batches": batches,
        }

    def leads(self):
        """Convert the leads, then a quotation per opportunity from its button."""
        leads = self.env["crm.lead"].search([("type", "=", "lead")], order="id")
        lines = {} if is_psi(self.env) else offer_lines(leads)

        def run():
            for partner, group in leads.grouped("partner_id").items():
                group.convert_opportunity(partner)
            for lead in leads:
                context = lead.action_sale_quotations_new()["context"]
                values = {"order_line": lines[lead.id]} if lead.id in lines else {}
                self.env["sale.order"].with_context(**context).create(values)

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
            values[index : index + self.sizes["timesheet_batch"]]
            for index in range(0, len(values), self.sizes["timesheet_batch"])
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

    def report(self):
        orders = self.orders[: self.sizes["renders"]]
        report = (
            "psi_sale.action_report_order_form"
            if is_psi(self.env)
            else "sale.action_report_saleorder"
        )
        reports = self.env["ir.actions.report"]
        # compiling the templates is once per server, not per form
        reports._render_qweb_html(report, orders[:1].ids)
        self.env.invalidate_all()

        def run():
            for order in orders:
                html, _type = reports._render_qweb_html(report, order.ids)
                assert order.name.encode() in html

        return self.measure(run, len(orders), len(orders))

    def portal(self):
        """GET each order's portal page from an Odoo server on this database."""
        orders = self.orders[: self.sizes["renders"]]
        urls = [order.get_portal_url() for order in orders]
        self.env.cr.commit()  # the access tokens
        port = next(
            arg.split("=", 1)[1]
            for arg in self.odoo_args
            if arg.startswith("--http-port=")
        )
        base = f"http://127.0.0.1:{port}"
        logfile = os.path.join(WORK, f"{self.env.cr.dbname}-http.log")
        if os.path.exists(logfile):
            os.remove(logfile)
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
        return {
            "seconds": seconds,
            "cpu": None,  # spent in the server
            "queries": sum(counts[1:]),
            "records": len(orders),
            "batches": len(orders),
        }
