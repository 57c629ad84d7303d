"""psi_sale against stock Odoo under concurrent load, on Odoo's multi-process server.

    python3 -m bench.load           # full size (make load)
    python3 -m bench.load --quick   # a few minutes (make load QUICK=1)

bench.py's templates (its data, more leads and orders) are copied to a fresh
database per side; one side after the other, the orders are confirmed with a
30 % down payment, an Odoo server runs with ``--workers=4
--max-cron-threads=1`` and Locust (bench/locustfile.py, in .venv-load) plays a
working day on it. Then the database is checked, and on psi_sale a second
server on it must honour a setting changed through the first. Results in
bench/load.md and bench/load.png; see README.rst.
"""

import argparse
import concurrent.futures
import json
import os
import re
import statistics
import subprocess
import sys
import time

import requests

from bench import bench
from tools import pg, psi

SIZES = {  # Locust users, spawned per second, for how long; the data
    "quick": {"users": 10, "rate": 2, "time": "2m", "leads": 100, "orders": 20},
    "full": {"users": 50, "rate": 5, "time": "10m", "leads": 1000, "orders": 100},
}
WORK = os.path.join(psi.VAR, "load")
# odoo/service/model.py's retrying(): a transaction retried, or given up
RETRY = re.compile(r" odoo\.service\.model: \w+, (\d+ tries left|maximum number)")
STATELESS = "a setting changed through one server applies on another"


def odoo_step(runner, step, dbname, argument):
    """STEP (prepare, check) run with Odoo imported, in its own process."""
    command = [sys.executable, "-m", "bench.load", "odoo", step, dbname]
    output = subprocess.run(
        [*command, json.dumps(argument), *runner.odoo_args(dbname)],
        env=runner.env,
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    ).stdout
    return json.loads(output.rsplit("LOAD ", 1)[1])


def serve(runner, dbname, port, workers, logfile):
    """An Odoo server on DBNAME at 127.0.0.1:PORT, once it answers."""
    server = subprocess.Popen(
        [sys.executable, os.path.join(bench.HERE, "odoo_server.py")]
        + runner.odoo_args(dbname)
        + [f"--workers={workers}", "--max-cron-threads=1", f"--logfile={logfile}"]
        + ["--http-interface=127.0.0.1", f"--http-port={port}"]
        + [f"--gevent-port={psi.free_port()}", f"--db-filter=^{dbname}$"],
        env=runner.env,
    )
    for _attempt in range(600):
        try:
            if requests.get(f"http://127.0.0.1:{port}/web/health", timeout=10).ok:
                return server
        except requests.RequestException:
            time.sleep(0.5)
    pg.die(f"the Odoo server on {dbname} did not answer: see {logfile}")
    return None


def rpc(port, dbname):
    """A function calling a model's method by JSON-RPC, as the administrator."""
    session = requests.Session()

    def post(path, params):
        payload = {"jsonrpc": "2.0", "method": "call", "params": params}
        body = session.post(f"http://127.0.0.1:{port}{path}", json=payload).json()
        if "error" in body:
            raise RuntimeError(json.dumps(body["error"])[:2000])
        return body["result"]

    post(
        "/web/session/authenticate",
        {"db": dbname, "login": "admin", "password": "admin"},
    )

    def call(model, method, *args, **kwargs):
        params = {"model": model, "method": method, "args": args, "kwargs": kwargs}
        return post(f"/web/dataset/call_kw/{model}/{method}", params)

    return call


def stateless(first, second, data):
    """The deduction policy and the length of a day changed through FIRST
    apply to the next invoice made through SECOND (which read them before)."""
    company = data["company"]
    second("res.company", "read", [company], ["down_payment_deduction"])
    policy = {"down_payment_deduction": "proportional", "timesheet_hours_per_day": 7}
    first("res.company", "write", [company], policy)
    line = {"product_id": data["product"], "product_uom_qty": 10, "tax_id": []}
    values = {"partner_id": data["customer"], "order_line": [(0, 0, line)]}
    order = second("sale.order", "create", values)
    second("sale.order", "action_confirm", [order])
    [line] = second("sale.order.line", "search_read", [("order_id", "=", order)])
    context, wizard = {"active_model": "sale.order", "active_ids": [order]}, None
    for values in ({"advance_payment_method": "percentage", "amount": 50}, {}):
        if wizard:  # 14 hours on the task, then invoiced with the deductions
            timesheet = {"name": "Stateless", "task_id": line["task_id"][0]}
            timesheet.update(project_id=line["project_id"][0], unit_amount=14)
            timesheet.update(employee_id=data["employees"][0])
            second("account.analytic.line", "create", timesheet)
            values = data["invoice_mode"]
        wizard = second("sale.advance.payment.inv", "create", values, context=context)
        action = second(
            "sale.advance.payment.inv", "create_invoices", [wizard], context=context
        )
        second("account.move", "action_post", [action["res_id"]])
    [move] = second("account.move", "read", [action["res_id"]], ["amount_untaxed"])
    days = second("sale.order.line", "read", [line["id"]], ["qty_invoiced"])[0]
    # 2 days of 100 at 7 hours a day (1.75 at 8 hours); of the down payment of
    # 500 the share of 200 in 1,000 (capped: 200, full: all, a credit note)
    found = (days["qty_invoiced"], round(move["amount_untaxed"], 2))
    return [] if found == (2.0, 100.0) else [f"{found}, not 2 days and 100.00"]


def run_side(runner, side, sizes, python):
    """Prepare, load, check one side's database; its samples and checks."""
    dbname = f"{bench.PREFIX}load_{side}"
    runner.copy(f"{bench.PREFIX}tpl_{side}", dbname)
    data = odoo_step(runner, "prepare", dbname, None)
    prefix = os.path.join(WORK, f"{side}-")
    for name in ("odoo.log", "odoo2.log", "samples.json"):  # Odoo's log appends
        if os.path.exists(prefix + name):
            os.remove(prefix + name)
    with open(prefix + "data.json", "w", encoding="utf-8") as out:
        json.dump(data, out)
    port, second = psi.free_port(), psi.free_port()
    host = f"http://127.0.0.1:{port}"
    servers = [serve(runner, dbname, port, 4, prefix + "odoo.log")]
    try:
        urls = [host + url for url in data["portal"][:8]]
        with concurrent.futures.ThreadPoolExecutor(8) as pool:  # workers loaded
            list(pool.map(requests.get, urls))
        bench.log(f"{side}: {sizes['users']} users for {sizes['time']}")
        begin = time.monotonic()
        with open(prefix + "locust.log", "w", encoding="utf-8") as locust_log:
            subprocess.run(
                [os.path.join(os.path.dirname(python), "locust"), f"--host={host}"]
                + ["-f", os.path.join(bench.HERE, "locustfile.py"), "--headless"]
                + ["-u", str(sizes["users"]), "-r", str(sizes["rate"])]
                + ["-t", sizes["time"], "--stop-timeout=60", "--only-summary"],
                env=dict(os.environ, LOAD=prefix),
                stdout=locust_log,
                stderr=subprocess.STDOUT,
                check=False,
            )
        seconds = time.monotonic() - begin
        with open(prefix + "samples.json", encoding="utf-8") as samples_file:
            samples = json.load(samples_file)
        logged = [
            1 for kind, _ms, error in samples if kind == "timesheet" and not error
        ]
        checks = odoo_step(runner, "check", dbname, len(logged))
        if side == "psi":
            servers.append(serve(runner, dbname, second, 2, prefix + "odoo2.log"))
            calls = rpc(port, dbname), rpc(second, dbname)
            checks[STATELESS] = stateless(*calls, data)
    finally:
        for server in servers:
            server.terminate()
            server.wait()
        runner.drop(dbname)
    with open(prefix + "odoo.log", encoding="utf-8") as log_file:
        retries = RETRY.findall(log_file.read())
    given_up = sum("maximum" in retry for retry in retries)
    checks["serialization retries"] = f"{len(retries)}, {given_up} given up"
    return {"samples": samples, "seconds": seconds, "checks": checks}


def report(results, sizes, minutes, quick):
    """bench/load.md and bench/load.png; whether accepted."""
    text = [f"# psi_sale against stock Odoo under load{' (quick)' * quick}\n"]
    text.append(
        f"{sizes['users']} Locust users for {sizes['time']} per side, on "
        f"{sizes['orders']} orders; {os.cpu_count()} cores, load average "
        f"{bench.load_average()} at the end, {minutes:.0f} min in all.\n\n"
        "| request | side | requests | failures | p50 ms | p95 ms | p99 ms | per s |"
        "\n|---|---|---:|---:|---:|---:|---:|---:|"
    )
    accepted, ratios, errors = True, [], []
    for kind in dict.fromkeys(sample[0] for sample in results["stock"]["samples"]):
        row = {}
        for side in bench.SIDES:
            samples = [s for s in results[side]["samples"] if s[0] == kind]
            times = [ms for _kind, ms, _error in samples] or [0.0]
            cuts = times * 99  # one sample: all its percentiles
            if len(times) > 1:
                cuts = statistics.quantiles(times, n=100, method="inclusive")
            row[side] = [cuts[49], cuts[94], cuts[98]]
            failed = [error for _kind, _ms, error in samples if error]
            errors += [f"{side}, {kind}: {error}" for error in failed[:3]]
            accepted &= not failed
            rate = len(samples) / results[side]["seconds"]
            text.append(
                f"| {kind} | {side} | {len(samples)} | {len(failed)} | "
                + " | ".join(f"{ms:.0f}" for ms in row[side])
                + f" | {rate:.2f} |"
            )
        ratio = [p / s if s else 0.0 for s, p in zip(*row.values(), strict=True)]
        ratios.append({"flow": kind, "ratio": ratio[1], "min": min(ratio)})
        ratios[-1]["max"] = max(ratio)
        accepted &= ratio[1] <= 1.10
        text.append(
            f"| {kind} | psi/stock | | | " + " | ".join(f"{r:.2f}" for r in ratio)
        )
    text.append("\n## Checks of the databases after the load\n")
    for side in bench.SIDES:
        for name, problems in results[side]["checks"].items():
            ok = isinstance(problems, str) or not problems
            accepted &= ok
            outcome = problems if isinstance(problems, str) else "passed"
            text.append(f"- {side}: {name}: {outcome if ok else problems[:5]}")
    text += [f"- failed: {error}" for error in errors]
    text = "\n".join(text) + "\n"
    print(text)
    with open(os.path.join(bench.HERE, "load.md"), "w", encoding="utf-8") as out:
        out.write(text)
    with open(os.path.join(WORK, "ratios.json"), "w", encoding="utf-8") as out:
        json.dump(ratios, out)
    bench.chart(
        os.path.join(WORK, "ratios.json"),
        os.path.join(bench.HERE, "load.png"),
        "psi_sale / stock latency, p95 (whiskers: the p50, p95 and p99 ratios)",
        "psi_sale against stock Odoo under load (p95 ratio at most 1.10)",
    )
    return accepted


def main():
    if sys.argv[1:2] == ["odoo"]:
        return odoo_main(*sys.argv[2:])
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="the quick size")
    quick = parser.parse_args().quick
    sizes = SIZES["quick" if quick else "full"]
    options = argparse.Namespace(quick=quick, fraction=0, rounds=0, profile=None)
    runner = bench.Bench(options)
    runner.sizes.update(leads=sizes["leads"], orders=sizes["orders"])
    python = psi.venv_python("bench/load-requirements.txt", "load", ".venv-load")
    os.makedirs(WORK, exist_ok=True)
    begin, results = time.monotonic(), {}
    try:
        runner.build_templates()
        for side in bench.SIDES:
            results[side] = run_side(runner, side, sizes, python)
    finally:
        for side in bench.SIDES:
            runner.drop(f"{bench.PREFIX}tpl_{side}")
        if runner.started:
            pg.pg_stop()
    return 0 if report(results, sizes, (time.monotonic() - begin) / 60, quick) else 1


# The Odoo side: in its own process, Odoo imported -----------------------------


def odoo_main(step, dbname, argument, *odoo_args):
    import odoo  # pylint: disable=import-outside-toplevel

    odoo.tools.config.parse_config([*odoo_args, "--log-level=warn"])
    with odoo.modules.registry.Registry(dbname).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        admin = env.ref("base.user_admin")
        env = odoo.api.Environment(cr, admin.id, admin.context_get())
        result = {"prepare": prepare, "check": check}[step](env, json.loads(argument))
        print("LOAD " + json.dumps(result), flush=True)
        cr.rollback()  # the recomputations of the check
    return 0


def prepare(env, _argument):
    """Confirm the orders, a 30 % down payment on each; what the users need."""
    from odoo.addons.psi_sale.factory import service_product

    from bench import worker  # pylint: disable=import-outside-toplevel

    orders = env["sale.order"].search([("client_order_ref", "=", worker.REF)])
    orders.action_confirm()
    wizard = env["sale.advance.payment.inv"].with_context(active_model="sale.order")
    for order in orders:
        payment = {"advance_payment_method": "percentage", "amount": 30}
        wizard.with_context(active_ids=order.ids).create(payment).create_invoices()
    orders.invoice_ids.action_post()
    leads = env["crm.lead"].search([("type", "=", "lead")], order="id")
    lines = {} if worker.is_psi(env) else worker.offer_lines(leads)
    data = {
        "login": {"db": env.cr.dbname, "login": "admin", "password": "admin"},
        "orders": orders.ids,
        "tasks": [[task.id, task.project_id.id] for task in orders.order_line.task_id],
        "employees": env["hr.employee"].search([]).ids,
        "portal": [order.get_portal_url() for order in orders],
        "leads": [[lead.id, lead.partner_id.id, lines.get(lead.id)] for lead in leads],
        "invoice_mode": {"advance_payment_method": "delivered"},
        "company": env.company.id,
        "customer": orders[0].partner_id.id,
        "product": service_product(env, "Stateless", 100, taxes_id=False).id,
    }
    data["invoice_mode"]["deduct_down_payments"] = True  # psi_sale: "lines_deduct"
    if worker.is_psi(env):
        data["invoice_mode"] = {"invoice_mode": "lines_deduct"}
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
    sys.exit(main())
