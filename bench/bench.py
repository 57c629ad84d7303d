"""Benchmark psi_sale against stock Odoo on the same data, in the same run.

    python3 -m bench.bench            # full run (make bench)
    python3 -m bench.bench --quick    # small sizes, a few minutes (make bench QUICK=1)
    python3 -m bench.bench --scaling  # also the scaling run of flow 3

Two template databases are made once per run: stock (the addons psi_sale
extends) and psi (psi_sale on top), both without demo data, filled with the
same generated data (fixed seed). Each round copies both templates into fresh
databases, starts an Odoo process (bench/worker.py) on each, and runs every
flow on one side then at once on the other, the first side alternating (ABBA),
so that both sides of a flow see the same load of the machine. Results go to
bench/results.md and bench/ratios.png.
PostgreSQL and Odoo are found as by tools/psi.py, the templates made with
click-odoo-contrib (initdb's cache keeps the stock addons installed).
"""

import argparse
import datetime
import json
import os
import platform
import pstats
import re
import statistics
import subprocess
import sys
import time

import requests

from tools import pg, psi

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

PREFIX = "psi_bench_"
SIDES = ("stock", "psi")
HTTP_PORTS = range(8120, 8130)
SIZES = {
    "full": {
        "leads": 200,
        "orders": 100,
        "lines": 20,
        "timesheets": 50000,
        "renders": 100,
        "rounds": 5,
        "scaling": [5000, 50000, 200000],
    },
    "quick": {
        "leads": 20,
        "orders": 5,
        "lines": 20,
        "timesheets": 1000,
        "renders": 5,
        "rounds": 2,
        "scaling": [250, 1000, 4000],
    },
}
TIMESHEET_BATCH = 1000
FLOWS = {
    "leads": "1. leads to opportunities, and their quotations",
    "confirm": "2. confirm orders (projects, tasks)",
    "timesheets": "3. log timesheets, recompute delivered",
    "invoice": "4. 30 % down payments, then invoices",
    "report": "5a. render order forms (HTML)",
    "portal": "5b. portal order pages (HTTP GET)",
}


def log(message):
    print(f"bench: {message}", file=sys.stderr, flush=True)


# Orchestration (no Odoo imported) ---------------------------------------------


class Worker:
    """A worker.py process: it runs the flows it is sent, one at a time."""

    def __init__(self, command, env):
        self.process = subprocess.Popen(
            command,
            env=env,
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.read()  # generated, or ready

    def read(self):
        for line in self.process.stdout:
            if line.startswith("BENCH "):
                return json.loads(line[len("BENCH ") :])
        pg.die(f"a worker stopped (exit code {self.process.wait()}): see above")

    def run(self, flow):
        self.process.stdin.write(flow + "\n")
        self.process.stdin.flush()
        return self.read()

    def close(self):
        self.process.stdin.close()
        self.process.wait()


class Bench:
    """The templates, the rounds and the report of one run."""

    def __init__(self, options):
        self.options = options
        self.sizes = dict(SIZES["quick" if options.quick else "full"])
        self.sizes["timesheet_batch"] = TIMESHEET_BATCH
        if options.fraction:
            for key in ("leads", "orders", "timesheets", "renders"):
                self.sizes[key] = max(1, round(self.sizes[key] * options.fraction))
            self.sizes["scaling"] = [
                round(count * options.fraction) for count in self.sizes["scaling"]
            ]
        if options.rounds:
            self.sizes["rounds"] = options.rounds
        if options.profile:
            self.sizes["rounds"] = 1
        self.env, self.addons_path = psi.find_odoo()
        if options.profile:
            self.env["BENCH_PROFILE"] = options.profile
        self.db_args, self.started = pg.postgres()
        self.config = psi.odoo_config(self.addons_path, self.db_args)
        self.work = os.path.join(psi.VAR, "bench")
        os.makedirs(self.work, exist_ok=True)
        self.pairings = 0
        self.modules = {
            "stock": psi.addon_depends(),
            "psi": psi.ADDONS,
        }

    def odoo_args(self, dbname):
        return psi.common_args(self.addons_path, self.db_args) + [
            f"--database={dbname}"
        ]

    def worker(self, command, dbname, sizes=None, http_port=HTTP_PORTS[0]):
        """A worker process (worker.py) on DBNAME."""
        return Worker(
            [sys.executable, "-m", "bench.bench", "worker", command, dbname]
            + ["--sizes", json.dumps(sizes or self.sizes), "--"]
            + self.odoo_args(dbname)
            + [f"--http-port={http_port}"],
            self.env,
        )

    def install(self, dbname, modules):
        """Start installing MODULES in DBNAME; the process."""
        log(f"installing {','.join(modules)} in {dbname}")
        return subprocess.Popen(
            [sys.executable, "-m", "odoo"]
            + self.odoo_args(dbname)
            + [f"--init={','.join(modules)}", "--without-demo=all"]
            + ["--stop-after-init", "--log-level=warn"]
            + [f"--logfile={os.path.join(self.work, dbname + '.log')}"],
            env=self.env,
        )

    def wait(self, process, dbname):
        if process.wait():
            pg.die(f"installing {dbname} failed: see var/bench/{dbname}.log")

    def build_templates(self):
        """The stock addons installed (click-odoo-initdb's template cache),
        on both sides; psi_sale installed on top of one; the same data in
        both."""
        stock, psi_ = f"{PREFIX}tpl_stock", f"{PREFIX}tpl_psi"
        for dbname in (stock, psi_):
            psi.initdb(self.env, self.config, dbname, self.modules["stock"], False)
        install = self.install(psi_, self.modules["psi"])
        log(f"generating the data of {stock}")
        self.worker("generate", stock).close()
        self.wait(install, psi_)
        log(f"generating the data of {psi_}")
        self.worker("generate", psi_).close()

    def copy(self, template, dbname):
        """A fresh database DBNAME from TEMPLATE, with its file store."""
        self.drop(dbname)
        psi.click_odoo(self.env, "copydb", self.config, template, dbname)

    def drop(self, dbname):
        psi.drop_database(self.env, self.config, dbname)

    def paired(self, flows, sizes=None):
        """Run FLOWS on fresh copies of both templates, a worker process on
        each; every flow runs on one side then at once on the other, the
        first side alternating from flow to flow and from round to round
        (ABBA); their results per side."""
        workers = {}
        try:
            for index, side in enumerate(SIDES):
                self.copy(f"{PREFIX}tpl_{side}", f"{PREFIX}{side}")
                workers[side] = self.worker(
                    "flows", f"{PREFIX}{side}", sizes, HTTP_PORTS[index]
                )
            results = {side: {} for side in SIDES}
            self.pairings += 1
            for index, flow in enumerate(flows):
                first = (self.pairings + index) % 2
                for side in SIDES if first else SIDES[::-1]:
                    results[side][flow] = workers[side].run(flow)
            return results
        finally:
            for side, worker in workers.items():
                worker.close()
                self.drop(f"{PREFIX}{side}")

    def rounds(self):
        results = {side: [] for side in SIDES}
        for number in range(self.sizes["rounds"]):
            log(f"round {number + 1}/{self.sizes['rounds']}")
            for side, result in self.paired(FLOWS).items():
                results[side].append(result)
        return results

    def scaling(self):
        """Flow 3 alone at each size, on orders confirmed by flow 2."""
        results = {side: {} for side in SIDES}
        for count in self.sizes["scaling"]:
            log(f"scaling: {count} timesheet lines")
            sizes = dict(self.sizes, timesheets=count)
            for side, result in self.paired(["confirm", "timesheets"], sizes).items():
                results[side][count] = result["timesheets"]
        return results

    def print_profiles(self):
        for flow in self.options.profile.split(","):
            for side in SIDES:
                path = os.path.join(self.work, f"{PREFIX}{side}-{flow}.prof")
                if not os.path.exists(path):  # the portal pages: in the server
                    print(
                        f"\n# {flow}, {side}: not profiled in the benchmark's process"
                    )
                    continue
                print(f"\n# {flow}, {side}: the 25 functions of most cumulated time")
                pstats.Stats(path).sort_stats("cumulative").print_stats(25)
        return 0

    def run(self):
        begin = time.monotonic()
        load_start = load_average()
        try:
            self.build_templates()
            log(f"templates ready in {time.monotonic() - begin:.0f} s")
            rounds = self.rounds()
            if self.options.profile:
                return self.print_profiles()
            scaling = self.scaling() if self.options.scaling else None
        finally:
            for side in SIDES:
                self.drop(f"{PREFIX}tpl_{side}")
            if self.started:
                pg.pg_stop()
        minutes = (time.monotonic() - begin) / 60
        about = machine(load_start) + [
            f"whole run: {minutes:.1f} min" + (" (quick sizes)" * self.options.quick)
        ]
        ratios = list(flow_rows(rounds))
        text = report(self.sizes, ratios, scaling, about)
        print(text)
        with open(os.path.join(HERE, "results.md"), "w", encoding="utf-8") as out:
            out.write(text)
        results = os.path.join(self.work, "results.json")
        with open(results, "w", encoding="utf-8") as out:
            json.dump(ratios, out)
        chart(results, os.path.join(HERE, "ratios.png"))
        log("written bench/results.md and bench/ratios.png")
        return 0 if all(row["ratio"] <= 1.05 for row in ratios) else 1


def wait_for_server(base_url, logfile):
    """Wait until the Odoo server at BASE_URL answers (minutes on a loaded
    machine: it loads the registry first), or stop."""
    for _attempt in range(600):
        try:
            if requests.get(f"{base_url}/web/health", timeout=30).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    pg.die(f"the Odoo server at {base_url} did not answer: see {logfile}")


def load_average():
    return "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def machine(load_start):
    """Where and when the run was, for the report."""
    with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
        cpu = re.search(r"model name\s*: (.*)", cpuinfo.read())
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3

    def git(*args):
        command = ["git", "-C", ROOT, *args]
        return subprocess.run(command, capture_output=True, text=True).stdout.strip()

    dirty = git("status", "--porcelain", "--untracked-files=no")
    return [
        f"date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M UTC}",
        f"commit: {git('log', '-1', '--format=%h %s')}"
        + (" (with uncommitted changes)" if dirty else ""),
        f"machine: {os.cpu_count()} x {cpu.group(1) if cpu else platform.processor()}"
        f", {memory:.1f} GiB of memory",
        f"load average: {load_start} at start, {load_average()} at the end"
        " (1, 5, 15 min)",
    ]


def flow_rows(rounds):
    """Per flow: medians and ratios over the rounds (psi_sale / stock)."""
    for flow, title in FLOWS.items():
        stock = [result[flow] for result in rounds["stock"]]
        psi_ = [result[flow] for result in rounds["psi"]]
        pairs = list(zip(stock, psi_, strict=True))
        ratios = [p["seconds"] / s["seconds"] for s, p in pairs]
        yield {
            "flow": title,
            "records": stock[0]["records"],
            "batches": stock[0]["batches"],
            "stock": statistics.median(r["seconds"] for r in stock),
            "psi": statistics.median(r["seconds"] for r in psi_),
            "ratio": statistics.median(ratios),
            "min": min(ratios),
            "max": max(ratios),
            "cpu": statistics.median(p["cpu"] / s["cpu"] for s, p in pairs)
            if stock[0]["cpu"]
            else None,
            "queries stock": max(r["queries"] for r in stock),
            "queries psi": max(r["queries"] for r in psi_),
        }


def report(sizes, rows, scaling, about):
    """bench/results.md: the run, its table and, with SCALING, flow 3's."""
    lines = [
        "# psi_sale against stock Odoo",
        "",
        *(f"- {line}" for line in about),
        f"- rounds: {sizes['rounds']}, each on fresh copies of the template"
        " databases; each flow runs on one side then at once on the other,"
        " the first side alternating (ABBA)",
        f"- sizes: {sizes['leads']} leads, {sizes['orders']} orders of "
        f"{sizes['lines']} service lines, {sizes['timesheets']} timesheet "
        f"lines, {sizes['renders']} order forms and portal pages",
        "",
        "| flow | records | batches | stock median s | psi_sale median s "
        "| ratio median | ratio min | ratio max | CPU ratio | queries stock "
        "| queries psi_sale |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        cpu = "-" if row["cpu"] is None else f"{row['cpu']:.2f}"
        lines.append(
            f"| {row['flow']} | {row['records']} | {row['batches']} "
            f"| {row['stock']:.2f} | {row['psi']:.2f} | {row['ratio']:.2f} "
            f"| {row['min']:.2f} | {row['max']:.2f} | {cpu} "
            f"| {row['queries stock']} | {row['queries psi']} |"
        )
    lines += ["", NOTES]
    if scaling:
        lines += [
            "",
            "## Scaling of flow 3 (one round per size, orders confirmed first)",
            "",
            "| timesheet lines | stock s | stock ms/line | psi_sale s "
            "| psi_sale ms/line | ratio | queries stock | queries psi_sale |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for count in sizes["scaling"]:
            stock, psi_ = scaling["stock"][count], scaling["psi"][count]
            lines.append(
                f"| {count} | {stock['seconds']:.1f} "
                f"| {1000 * stock['seconds'] / count:.2f} "
                f"| {psi_['seconds']:.1f} | {1000 * psi_['seconds'] / count:.2f} "
                f"| {psi_['seconds'] / stock['seconds']:.2f} "
                f"| {stock['queries']} | {psi_['queries']} |"
            )
    return "\n".join(lines) + "\n"


NOTES = """\
Ratio: psi_sale / stock seconds of a flow in the same round (wall clock,
database flush included); median, min and max over the rounds. CPU ratio:
the same for the CPU time of the benchmark's Odoo process (PostgreSQL's not
included). Queries: counted by Odoo's cursor, and for the portal pages by the
server's request log. The flows and how they run on each side: README.rst,
section Performance."""


def chart(results_path, png_path, *labels):
    """Draw the ratios with matplotlib, installed in .venv from
    bench/requirements.txt when missing (the chart needs no Odoo); LABELS:
    another axis label and title (chart.py)."""
    python = psi.venv_python("bench/requirements.txt", "bench")
    subprocess.run(
        [python, os.path.join(HERE, "chart.py"), results_path, png_path, *labels],
        check=True,
    )


# Worker: one Odoo process on one database -------------------------------------


def worker_main(argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["generate", "flows"])
    parser.add_argument("dbname")
    parser.add_argument("--sizes", type=json.loads)
    options, odoo_args = parser.parse_known_args(argv)
    odoo_args = [arg for arg in odoo_args if arg != "--"]
    from bench import worker  # pylint: disable=import-outside-toplevel

    worker.main(options.command, options.dbname, options.sizes, odoo_args)


def main():
    if sys.argv[1:2] == ["worker"]:
        worker_main(sys.argv[2:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes")
    parser.add_argument(
        "--scaling", action="store_true", help="also the scaling run of flow 3"
    )
    parser.add_argument("--rounds", type=int, help="rounds per side")
    parser.add_argument(
        "--fraction",
        type=float,
        help="multiply the record counts (leads, orders, timesheet lines, pages)",
    )
    parser.add_argument(
        "--profile",
        metavar="FLOW,...",
        help="profile these flows (cProfile) in one round per side, print the "
        "top functions; no results written",
    )
    options = parser.parse_args()
    return Bench(options).run()


if __name__ == "__main__":
    sys.exit(main())
