"""psi_sale against stock Odoo under concurrent load, on Odoo's multi-process server.

python3 -m bench.load [--quick]   # make load [QUICK=1]: see README.rst
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
from tools import psi

SIZES = {  # Locust users, spawned per second, time per side twice (ABBA) after
    # a warm-up; data
    "quick": dict(users=10, rate=2, time="120s", warmup="30s", leads=200, orders=20),
    "full": dict(users=50, rate=5, time="5m", warmup="1m", leads=1000, orders=100),
}
WARMUP = 2  # the segment of a side's warm-up: its samples are not reported
WORK = os.path.join(psi.VAR, "load")
# odoo/service/model.py's retrying(): a transaction retried, or given up
RETRY = re.compile(r" odoo\.service\.model: \w+, (\d+ tries left|maximum number)")
STATELESS = "a setting changed through one server applies on another"


def odoo_step(runner, step, dbname, argument=None):
    """STEP (prepare, check) of bench/worker.py on DBNAME: its answer."""
    worker = runner.worker(step, dbname, argument)
    answer = worker.read()
    worker.close()
    return answer


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
    bench.wait_for_server(f"http://127.0.0.1:{port}", logfile)
    return server


def rpc(port, login):
    """A function calling a model's method by JSON-RPC, as the administrator."""
    session = requests.Session()

    def post(path, params):
        payload = {"jsonrpc": "2.0", "method": "call", "params": params}
        body = session.post(f"http://127.0.0.1:{port}{path}", json=payload).json()
        if "error" in body:
            raise RuntimeError(json.dumps(body["error"])[:2000])
        return body["result"]

    post("/web/session/authenticate", login)

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


def start(runner, side):
    """SIDE's database (a fresh copy of its template) prepared, and its
    server answering, with every worker loaded."""
    dbname, prefix = f"{bench.PREFIX}load_{side}", os.path.join(WORK, f"{side}-")
    runner.copy(f"{bench.PREFIX}tpl_{side}", dbname)
    state = {"side": side, "dbname": dbname, "prefix": prefix, "samples": []}
    state["seconds"] = 0.0
    state["data"] = odoo_step(runner, "prepare", dbname)
    for name in ("odoo.log", "odoo2.log"):  # Odoo's log appends
        if os.path.exists(prefix + name):
            os.remove(prefix + name)
    with open(prefix + "data.json", "w", encoding="utf-8") as out:
        json.dump(state["data"], out)
    state["port"] = psi.free_port()
    state["servers"] = [serve(runner, dbname, state["port"], 4, prefix + "odoo.log")]
    urls = [f"http://127.0.0.1:{state['port']}{url}" for url in state["data"]["portal"]]
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        list(pool.map(requests.get, urls[:8]))
    return state


def run_locust(state, sizes, python, segment):
    """Locust's users on STATE's server, for one segment of the run (or its
    warm-up, which every worker of the server needs: the first requests of a
    kind in a worker fill Odoo's caches of that process)."""
    duration = sizes["warmup" if segment == WARMUP else "time"]
    bench.log(f"{state['dbname']}: {sizes['users']} users for {duration}")
    begin, prefix = time.monotonic(), state["prefix"]
    with open(f"{prefix}locust{segment}.log", "w", encoding="utf-8") as log_file:
        subprocess.run(
            [os.path.join(os.path.dirname(python), "locust"), "--headless"]
            + ["-f", os.path.join(bench.HERE, "locustfile.py"), "--only-summary"]
            + ["-u", str(sizes["users"]), "-r", str(sizes["rate"])]
            + ["-t", duration, "--stop-timeout=60"]
            + [f"--host=http://127.0.0.1:{state['port']}"],
            env=dict(os.environ, LOAD=prefix, LOAD_SEGMENT=str(segment)),
            stdout=log_file,
            stderr=subprocess.STDOUT,
            check=False,
        )
    with open(f"{prefix}samples{segment}.json", encoding="utf-8") as samples:
        if segment == WARMUP:
            state["warmup"] = json.load(samples)
            return
        state["samples"] += json.load(samples)
    state["seconds"] += time.monotonic() - begin


def finish(runner, state):
    """The checks of STATE's database; on psi_sale's, with a second server."""
    samples, dbname = state["samples"] + state["warmup"], state["dbname"]
    logged = sum(kind == "timesheet" and not error for kind, _ms, error in samples)
    checks = odoo_step(runner, "check", dbname, logged)
    if state["side"] == "psi":
        second, logfile = psi.free_port(), state["prefix"] + "odoo2.log"
        state["servers"].append(serve(runner, dbname, second, 2, logfile))
        login = state["data"]["login"]
        calls = rpc(state["port"], login), rpc(second, login)
        checks[STATELESS] = stateless(*calls, state["data"])
    with open(state["prefix"] + "odoo.log", encoding="utf-8") as log_file:
        retries = RETRY.findall(log_file.read())
    given_up = sum("maximum" in retry for retry in retries)
    checks["serialization retries"] = f"{len(retries)}, {given_up} given up"
    state["checks"] = checks


def report(results, sizes, minutes, quick):
    """bench/load.md and bench/load.png; whether accepted."""
    text = [f"# psi_sale against stock Odoo under load{' (quick)' * quick}\n"]
    text.append(
        f"{sizes['users']} Locust users for {sizes['time']} twice per side (ABBA), "
        f"after a warm-up of {sizes['warmup']} not counted, on {sizes['orders']} "
        f"orders; {os.cpu_count()} cores, load average "
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
        ratio_cells = " | ".join(f"**{r:.2f}**" for r in ratio)
        text.append(f"| {kind} | psi/stock | | | {ratio_cells} | |")
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
        "1.10",
        "psi_sale / stock latency, p95 (whiskers: the p50, p95 and p99 ratios)",
        "psi_sale against stock Odoo under load (p95 ratio at most {limit})",
    )
    return accepted


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="the quick size")
    quick = parser.parse_args().quick
    sizes = SIZES["quick" if quick else "full"]
    bench_sizes = dict(bench.SIZES["quick"], leads=sizes["leads"])
    bench_sizes["orders"] = sizes["orders"]
    python = psi.venv_python("bench/load-requirements.txt", "load", ".venv-load")
    os.makedirs(WORK, exist_ok=True)
    begin, states = time.monotonic(), {}
    databases = [f"{bench.PREFIX}load_{side}" for side in bench.SIDES]
    with psi.workspace(*bench.TEMPLATES, *databases) as workspace:
        runner = bench.Bench(bench_sizes, *workspace)
        try:
            runner.build_templates()
            for side in bench.SIDES:
                states[side] = start(runner, side)
                run_locust(states[side], sizes, python, WARMUP)
            for segment, side in enumerate(bench.SIDES + bench.SIDES[::-1]):  # ABBA
                run_locust(states[side], sizes, python, segment // 2)
            for state in states.values():
                finish(runner, state)
        finally:
            for server in (s for state in states.values() for s in state["servers"]):
                server.terminate()
                server.wait()
    return 0 if report(states, sizes, (time.monotonic() - begin) / 60, quick) else 1


if __name__ == "__main__":
    sys.exit(main())
