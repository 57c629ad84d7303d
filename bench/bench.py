"""Benchmark psi_sale against stock Odoo on the same data, in the same run.

    python3 -m bench.bench [--quick] [--rounds N]   # make bench [QUICK=1]

Two template databases are made once per run: stock (the stock addons our
addons extend) and psi (the psi_sale app on top, which installs our other
addons), both without demo data, filled with the
same generated data (fixed seed). Each round copies both templates into fresh
databases, starts an Odoo process (bench/worker.py) on each, and runs every
flow on one side then at once on the other, the first side alternating (ABBA),
so that both sides of a flow see the same load of the machine. Results go to
bench/results.md and bench/ratios.png.
"""

import argparse
import datetime
import json
import os
import platform
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
TEMPLATES = [f"{PREFIX}tpl_{side}" for side in SIDES]
HTTP_PORTS = (8120, 8121)
SIZES = {
    "full": {"leads": 200, "orders": 100, "timesheets": 50000, "renders": 100},
    "quick": {"leads": 40, "orders": 5, "timesheets": 1000, "renders": 20},
}
ROUNDS = {"full": 5, "quick": 4}
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


class Worker:
    """A bench/worker.py process: its answers are its ``BENCH <json>`` lines."""

    def __init__(self, command, env):
        self.process = subprocess.Popen(
            command, env=env, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )

    def read(self):
        for line in self.process.stdout:
            if line.startswith(b"BENCH "):
                return json.loads(line[len("BENCH ") :])
        return self.close()

    def run(self, flow):
        self.process.stdin.write(flow.encode() + b"\n")
        self.process.stdin.flush()
        return self.read()

    def close(self):
        self.process.stdin.close()
        if self.process.wait():
            pg.die(f"a worker stopped (exit code {self.process.returncode}): see above")


class Bench:
    """The templates and the rounds of one run, in psi.workspace()'s Odoo and
    PostgreSQL (ENV, ARGS, CONFIG)."""

    def __init__(self, sizes, env, args, config):
        self.sizes, self.env, self.args, self.config = sizes, env, args, config
        self.work = os.path.join(psi.VAR, "bench")
        os.makedirs(self.work, exist_ok=True)
        self.pairings = 0

    def odoo_args(self, dbname):
        return [*self.args, f"--database={dbname}"]

    def worker(self, command, dbname, argument=None, http_port=HTTP_PORTS[0]):
        """A worker process running COMMAND on DBNAME (see bench/worker.py)."""
        argument = json.dumps(self.sizes if argument is None else argument)
        return Worker(
            [sys.executable, "-m", "bench.worker", command, dbname, argument]
            + [*self.odoo_args(dbname), f"--http-port={http_port}"],
            self.env,
        )

    def build_templates(self):
        """The stock addons installed (click-odoo-initdb's template cache) on
        both sides, our addons on top of one, the same data in both."""
        stock, psi_ = TEMPLATES
        for dbname in TEMPLATES:
            psi.initdb(self.env, self.config, dbname, psi.addon_depends(), False)
        log(f"installing {psi.APP} and the addons it depends on in {psi_}")
        install = subprocess.Popen(
            [sys.executable, "-m", "odoo", *self.odoo_args(psi_), f"--init={psi.APP}"]
            + ["--without-demo=all", "--stop-after-init", "--log-level=warn"]
            + [f"--logfile={os.path.join(self.work, psi_ + '.log')}"],
            env=self.env,
        )
        log(f"generating the data of {stock}")
        self.worker("generate", stock).close()
        if install.wait():
            pg.die(f"installing {psi.APP} failed: see var/bench/{psi_}.log")
        log(f"generating the data of {psi_}")
        self.worker("generate", psi_).close()

    def copy(self, template, dbname):
        """A fresh database DBNAME from TEMPLATE, with its file store."""
        self.drop(dbname)
        psi.click_odoo(self.env, "copydb", self.config, template, dbname)

    def drop(self, dbname):
        psi.drop_database(self.env, self.config, dbname)

    def paired(self):
        """Every flow on fresh copies of both templates, a worker process on
        each: on one side then at once on the other, the first side
        alternating from flow to flow and from round to round (ABBA)."""
        workers, results = {}, {side: {} for side in SIDES}
        try:
            for side, template, port in zip(SIDES, TEMPLATES, HTTP_PORTS, strict=True):
                self.copy(template, f"{PREFIX}{side}")
                workers[side] = self.worker("flows", f"{PREFIX}{side}", None, port)
            self.pairings += 1
            for index, flow in enumerate(FLOWS):
                first = (self.pairings + index) % 2
                for side in SIDES if first else SIDES[::-1]:
                    results[side][flow] = workers[side].run(flow)
            return results
        finally:
            for side, worker in workers.items():
                worker.close()
                self.drop(f"{PREFIX}{side}")


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
        cpu = [p["cpu"] / s["cpu"] for s, p in pairs if s["cpu"]]
        yield {
            "flow": title,
            "records": stock[0]["records"],
            "batches": stock[0]["batches"],
            "stock": statistics.median(r["seconds"] for r in stock),
            "psi": statistics.median(r["seconds"] for r in psi_),
            "ratio": statistics.median(ratios),
            "min": min(ratios),
            "max": max(ratios),
            "cpu": f"{statistics.median(cpu):.2f}" if cpu else "-",
            "queries stock": max(r["queries"] for r in stock),
            "queries psi": max(r["queries"] for r in psi_),
        }


def report(sizes, rows, about):
    """bench/results.md: the run and its table."""
    lines = [
        "# psi_sale against stock Odoo",
        "",
        *(f"- {line}" for line in about),
        f"- rounds: {sizes['rounds']}, each on fresh copies of the template"
        " databases; each flow runs on one side then at once on the other,"
        " the first side alternating (ABBA)",
        f"- sizes: {sizes['leads']} leads, {sizes['orders']} orders of 20 service"
        f" lines, {sizes['timesheets']} timesheet lines, {sizes['renders']}"
        " order forms and portal pages",
        "",
        "| flow | records | batches | stock median s | psi_sale median s "
        "| ratio median | ratio min | ratio max | CPU ratio | queries stock "
        "| queries psi_sale |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['flow']} | {row['records']} | {row['batches']} "
            + "".join(f"| {row[key]:.2f} " for key in "stock psi ratio min max".split())
            + f"| {row['cpu']} | {row['queries stock']} | {row['queries psi']} |"
        )
    return "\n".join(lines + ["", NOTES])


NOTES = """\
Ratio: psi_sale / stock seconds of a flow in the same round (wall clock,
database flush included); median, min and max over the rounds. CPU ratio:
the same for the CPU time of the benchmark's Odoo process (PostgreSQL's not
included). Queries: counted by Odoo's cursor, and for the portal pages by the
server's request log. The flows and how they run on each side: README.rst,
section Performance.
"""


def chart(results_path, png_path, *labels):
    """Draw the ratios with matplotlib, installed in .venv from
    bench/requirements.txt when missing (the chart needs no Odoo); LABELS:
    another axis label and title (chart.py)."""
    python = psi.venv_python("bench/requirements.txt", "bench")
    subprocess.run(
        [python, os.path.join(HERE, "chart.py"), results_path, png_path, *labels],
        check=True,
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes")
    parser.add_argument("--rounds", type=int, help="rounds per side")
    options = parser.parse_args()
    size = "quick" if options.quick else "full"
    sizes = dict(SIZES[size], rounds=options.rounds or ROUNDS[size])
    begin, load_start, rounds = time.monotonic(), load_average(), []
    with psi.workspace(*TEMPLATES) as workspace:
        bench = Bench(sizes, *workspace)
        bench.build_templates()
        log(f"templates ready in {time.monotonic() - begin:.0f} s")
        for number in range(sizes["rounds"]):
            log(f"round {number + 1}/{sizes['rounds']}")
            rounds.append(bench.paired())
    minutes = (time.monotonic() - begin) / 60
    about = machine(load_start) + [f"whole run: {minutes:.1f} min ({size} sizes)"]
    rows = list(flow_rows({side: [r[side] for r in rounds] for side in SIDES}))
    text = report(sizes, rows, about)
    print(text)
    with open(os.path.join(HERE, "results.md"), "w", encoding="utf-8") as out:
        out.write(text)
    results = os.path.join(psi.VAR, "bench", "results.json")
    with open(results, "w", encoding="utf-8") as out:
        json.dump(rows, out)
    chart(results, os.path.join(HERE, "ratios.png"))
    log("written bench/results.md and bench/ratios.png")
    return 0 if all(row["ratio"] <= 1.05 for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
