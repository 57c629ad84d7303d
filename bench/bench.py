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
import statistics
import subprocess
import sys
import time

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
        report = Report(self.sizes, rounds, scaling)
        report.machine = machine(load_start, load_average())
        report.duration = time.monotonic() - begin
        report.quick = self.options.quick
        report.fraction = self.options.fraction
        text = report.markdown()
        print(text)
        with open(os.path.join(HERE, "results.md"), "w", encoding="utf-8") as out:
            out.write(text)
        with open(
            os.path.join(self.work, "results.json"), "w", encoding="utf-8"
        ) as out:
            json.dump(report.ratios(), out)
        chart(os.path.join(self.work, "results.json"), os.path.join(HERE, "ratios.png"))
        log(f"written bench/results.md and bench/ratios.png in {report.duration:.0f} s")
        return 0 if report.accepted() else 1


def load_average():
    return "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def machine(load_start, load_end):
    cpu = platform.processor()
    with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo", encoding="utf-8") as meminfo:
        memory = int(meminfo.readline().split()[1]) / 1024 / 1024
    commit = subprocess.run(
        ["git", "-C", ROOT, "log", "-1", "--format=%h %s"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime(
            "%Y-%m-%d %H:%M UTC"
        ),
        "commit": commit + (" (with uncommitted changes)" if dirty else ""),
        "cpu": f"{os.cpu_count()} x {cpu}",
        "memory": f"{memory:.1f} GiB",
        "load": f"{load_start} at start, {load_end} at the end (1, 5, 15 min)",
    }


class Report:
    """The table of medians and ratios over the rounds."""

    def __init__(self, sizes, rounds, scaling):
        self.sizes, self.rounds, self.scaling = sizes, rounds, scaling
        self.machine, self.duration, self.quick = {}, 0.0, False
        self.fraction = None

    def flow_rows(self):
        for flow, title in FLOWS.items():
            stock = [result[flow] for result in self.rounds["stock"]]
            psi_ = [result[flow] for result in self.rounds["psi"]]
            ratios = [
                p["seconds"] / s["seconds"] for s, p in zip(stock, psi_, strict=True)
            ]
            yield {
                "flow": flow,
                "title": title,
                "records": stock[0]["records"],
                "batches": stock[0]["batches"],
                "stock": statistics.median(r["seconds"] for r in stock),
                "psi": statistics.median(r["seconds"] for r in psi_),
                "ratio": statistics.median(ratios),
                "ratio_min": min(ratios),
                "ratio_max": max(ratios),
                "cpu_ratio": statistics.median(
                    p["cpu"] / s["cpu"] for s, p in zip(stock, psi_, strict=True)
                )
                if stock[0]["cpu"]
                else None,
                "queries_stock": max(r["queries"] for r in stock),
                "queries_psi": max(r["queries"] for r in psi_),
            }

    def ratios(self):
        return [
            {
                "flow": row["title"],
                "ratio": row["ratio"],
                "min": row["ratio_min"],
                "max": row["ratio_max"],
            }
            for row in self.flow_rows()
        ]

    def accepted(self):
        return all(row["ratio"] <= 1.10 for row in self.flow_rows())

    def markdown(self):
        sizes = self.sizes
        lines = [
            "# psi_sale against stock Odoo" + (" (quick mode)" if self.quick else ""),
            "",
            f"- date: {self.machine['date']}",
            f"- commit: {self.machine['commit']}",
            f"- machine: {self.machine['cpu']}, {self.machine['memory']} of memory",
            f"- load average: {self.machine['load']}",
            f"- rounds: {sizes['rounds']}, each on fresh copies of the template"
            " databases; each flow runs on one side then at once on the other,"
            " the first side alternating (ABBA)",
            f"- sizes: {sizes['leads']} leads, {sizes['orders']} orders of "
            f"{sizes['lines']} service lines, {sizes['timesheets']} timesheet "
            f"lines, {sizes['renders']} order forms and portal pages"
            + (
                f" ({self.fraction} of the full sizes)"
                if self.fraction and not self.quick
                else ""
            ),
            f"- whole run: {self.duration / 60:.1f} min",
            "",
            "| flow | records | batches | stock median s | psi_sale median s "
            "| ratio median | ratio min | ratio max | CPU ratio | queries stock "
            "| queries psi_sale |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for row in self.flow_rows():
            cpu_ratio = "-" if row["cpu_ratio"] is None else f"{row['cpu_ratio']:.2f}"
            lines.append(
                f"| {row['title']} | {row['records']} | {row['batches']} "
                f"| {row['stock']:.2f} | {row['psi']:.2f} | {row['ratio']:.2f} "
                f"| {row['ratio_min']:.2f} | {row['ratio_max']:.2f} "
                f"| {cpu_ratio} "
                f"| {row['queries_stock']} | {row['queries_psi']} |"
            )
        lines += [
            "",
            NOTES,
        ]
        if self.scaling:
            lines += [
                "",
                "## Scaling of flow 3",
                "",
                "| timesheet lines | stock s | stock ms/line | psi_sale s "
                "| psi_sale ms/line | ratio | queries stock | queries psi_sale |",
                "|---:|---:|---:|---:|---:|---:|---:|---:|",
            ]
            for count in sizes["scaling"]:
                stock = self.scaling["stock"][count]
                psi_ = self.scaling["psi"][count]
                lines.append(
                    f"| {count} | {stock['seconds']:.1f} "
                    f"| {1000 * stock['seconds'] / count:.2f} "
                    f"| {psi_['seconds']:.1f} | {1000 * psi_['seconds'] / count:.2f} "
                    f"| {psi_['seconds'] / stock['seconds']:.2f} "
                    f"| {stock['queries']} | {psi_['queries']} |"
                )
            lines += [
                "",
                "One round per size and side, on a fresh copy with the orders "
                "confirmed (flow 2, not timed); timesheets created in batches of "
                f"{TIMESHEET_BATCH} lines spread over all the tasks.",
            ]
        return "\n".join(lines) + "\n"


NOTES = """\
Ratio: psi_sale / stock seconds of the same flow in the same round (run one
right after the other); its median, min and max over the rounds. CPU ratio: the
median ratio of the CPU time of the benchmark's process (Odoo's Python
code, without PostgreSQL's), less sensitive to the other processes of the
machine. Queries: SQL queries of the flow (the largest over the rounds), counted
by Odoo's cursor in the benchmark's process, and for the portal pages by the Odoo
HTTP server (its request log). Batches: the calls of the flow's business method.

How each flow runs, as the same calls on both sides, as the administrator:

1. the leads are converted to opportunities (`convert_opportunity`, one call per
   customer), then each gets a quotation from the context of its "New Quotation"
   button (`action_sale_quotations_new`). With psi_sale the quotation is
   pre-filled with the offers of the opportunity's offer categories; on stock
   Odoo the same lines (a section per category, a line per offer) are given
   explicitly, so both sides end with the same quotations.
2. the generated draft orders of service lines (a task per line in one project
   per order) are confirmed, one `action_confirm` for all.
3. timesheet lines (random employee, duration, date) are created on the orders'
   tasks in batches, then flushed: the orders' delivered quantities are
   recomputed.
4. each order gets a 30 % down payment invoice (`sale.advance.payment.inv`,
   percentage, one wizard per order as it works one order at a time), posted;
   then one wizard invoices all the orders (`delivered`, down payments
   deducted), and the invoices are posted.
5. a. the order form of each order is rendered to HTML (`_render_qweb_html`:
   stock's quotation / order document `sale.report_saleorder`, psi_sale's order
   form `psi_sale.report_order_form`); wkhtmltopdf is not installed, so the PDF
   conversion itself is not measured (it does not depend on psi_sale). One
   form is rendered before the timing: the templates compile once per server.
   b. each order's customer portal page is fetched by HTTP (`GET
   /my/orders/<id>?access_token=...`, not logged in) from an Odoo server
   (threaded, one worker) started on the round's database; one request warms
   the server up before the timing.

Seconds are wall-clock time of the flow, database flush included (the commit
after it is not). The machine is shared: other processes ran during the
benchmark (see the load average), hence the alternation and the medians."""


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
