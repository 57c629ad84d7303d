"""Development commands of psi_sale: serve the demo, run the tests, stop.

    python3 -m tools.psi run     # demo database psi_demo on http://localhost:8069
    python3 -m tools.psi test    # lint, then psi_sale's tests on a fresh database
    python3 -m tools.psi test-stock  # stock Odoo's tests with psi_sale installed
    python3 -m tools.psi test-lifecycle  # install, update, uninstall, stock tests
    python3 -m tools.psi stop    # stop the throwaway PostgreSQL, if running

The Makefile calls these; see README.rst. Odoo 18.0 is looked for as the
``odoo`` package importable by this Python, or in the source tree ``ODOO_SRC``;
PostgreSQL as told in tools/pg.py. Tests run with Odoo's own test runner
(``--test-enable``); their result is read from Odoo's log, which checklog-odoo
checks against tools/log_ignore.txt.
"""

import argparse
import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time

from tools import pg
from tools.pg import ROOT, die, log

VAR = os.path.join(ROOT, "var")
DEMO_DB = os.environ.get("PSI_DEMO_DB", "psi_demo")
TEST_DB = os.environ.get("PSI_TEST_DB", "psi_test")
STOCK_DB = os.environ.get("PSI_STOCK_DB", "psi_stock")
LIFECYCLE_DB = os.environ.get("PSI_LIFECYCLE_DB", "psi_lifecycle")
ADDONS = ["psi_sale"]
# stock addons whose own tests `test-stock` runs with psi_sale installed
STOCK_MODULES = (
    "crm,sale_crm,sale,sale_management,sale_project,sale_timesheet,hr_timesheet,"
    "account_edi_ubl_cii,l10n_account_edi_ubl_cii_tests"
)


# Odoo -----------------------------------------------------------------------


def find_odoo():
    """Return (environment for Odoo's process, addons path) or stop."""
    env = dict(os.environ)
    src = os.environ.get("ODOO_SRC")
    if src:
        src = os.path.abspath(src)
        if not os.path.isfile(os.path.join(src, "odoo", "release.py")):
            die(f"ODOO_SRC={src} is not an Odoo source tree (no odoo/release.py)")
        sys.path.insert(0, src)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [src, env.get("PYTHONPATH")]))
    try:
        import odoo.release  # pylint: disable=import-outside-toplevel
    except ImportError:
        die(
            f"Odoo 18.0 is not importable by {sys.executable}: install it "
            "(pip install -e /path/to/odoo) or give its source tree with "
            "ODOO_SRC=/path/to/odoo"
        )
    if tuple(odoo.release.version_info[:2]) != (18, 0):
        die(f"Odoo 18.0 is needed, {odoo.release.version} found in {odoo.__path__[0]}")
    odoo_dir = os.path.dirname(odoo.__path__[0])
    addons = [os.path.join(odoo_dir, "odoo", "addons")]
    if os.path.isdir(os.path.join(odoo_dir, "addons")):
        addons.append(os.path.join(odoo_dir, "addons"))
    return env, ",".join(addons + [ROOT])


def common_args(addons_path, db_args):
    return [
        f"--addons-path={addons_path}",
        f"--data-dir={os.path.join(VAR, 'data')}",
        "--max-cron-threads=0",
    ] + db_args


def odoo_config(addons_path, db_args):
    """var/odoo.cfg: the same options for click-odoo's commands."""
    os.makedirs(VAR, exist_ok=True)
    path = os.path.join(VAR, "odoo.cfg")
    options = [
        arg[2:].replace("-", "_").split("=", 1)
        for arg in common_args(addons_path, db_args)
    ]
    with open(path, "w", encoding="utf-8") as config:
        config.write("[options]\n" + "".join(f"{k} = {v}\n" for k, v in options))
    return path


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def module_installed(db_args, dbname, module="psi_sale"):
    exists = pg.sql(db_args, "SELECT 1 FROM pg_database WHERE datname = %s", (dbname,))
    return (
        bool(exists)
        and pg.sql(
            db_args,
            "SELECT to_regclass('ir_module_module') IS NOT NULL"
            " AND EXISTS(SELECT 1 FROM ir_module_module"
            " WHERE name = %s AND state = 'installed')",
            (module,),
            dbname=dbname,
        )[0][0]
    )


def click_odoo(env, command, config, *args, quiet=False):
    """Run click-odoo-contrib's COMMAND (initdb, dropdb, copydb, makepot) in
    the Python that runs Odoo, installing it there when missing."""
    ensure_python_packages(
        env, {"click_odoo_contrib": "click-odoo-contrib==1.24"}, "database commands"
    )
    script = os.path.join(os.path.dirname(sys.executable), f"click-odoo-{command}")
    if not os.path.exists(script):  # a Python whose scripts are elsewhere
        script = shutil.which(f"click-odoo-{command}") or script
    output = subprocess.DEVNULL if quiet else None
    subprocess.run([script, "-c", config, *args], env=env, stdout=output, check=True)


def initdb(env, config, dbname, modules, demo=True):
    """DBNAME with MODULES (and their DEMO data), copied from click-odoo's
    template cache (made once per set of addons, kept in the cluster)."""
    log(f"database {dbname} with {','.join(modules)} (template cache)")
    drop_database(env, config, dbname)
    modules = f"--modules={','.join(modules)}"
    demo = "--demo" if demo else "--no-demo"
    cache = ["--cache-prefix=psi", "--cache-max-size=3"]
    click_odoo(env, "initdb", config, f"--new-database={dbname}", modules, demo, *cache)


def drop_database(env, config, dbname):
    click_odoo(env, "dropdb", config, "--if-exists", dbname, quiet=True)


def odoo(env, args, log_path, echo=True):
    """Run Odoo's server command (``python -m odoo``) with ARGS, its log in
    LOG_PATH (and, with ECHO, on the terminal too); return (log, exit code)."""
    os.makedirs(VAR, exist_ok=True)
    with open(log_path, "w", encoding="utf-8") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "odoo", *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for line in process.stdout:
            log_file.write(line)
            if echo:
                sys.stdout.write(line)
    return log_path, process.wait()


def addon_depends():
    """The addons that psi_sale depends on (manifestoo reads its manifest)."""
    manifestoo = os.path.join(os.path.dirname(venv_python()), "manifestoo")
    return (
        subprocess.run(
            [manifestoo, "--select-addons-dir", ROOT, "list-depends", "--separator=,"],
            capture_output=True,
            text=True,
            check=True,
        )
        .stdout.strip()
        .split(",")
    )


# Judging a test run: Odoo's log ---------------------------------------------

# Odoo's last line of a database's tests (odoo/service/server.py)
CLOSING = re.compile(
    r"^\S+ \S+ \d+ \w+ \S+ \S+: (\d+) failed, (\d+) error\(s\) of (\d+) tests"
    r" when loading database",
    re.M,
)
# a failed test, as OdooTestResult.logError reports it
FAILED = re.compile(
    r"^\S+ \S+ \d+ ERROR \S+ (\S+): (FAIL|ERROR): (Subtest )?(\S+)(.*)$", re.M
)
SKIPPED = re.compile(r"^\S+ \S+ \d+ INFO \S+ \S+: skipped ", re.M)
# the records that report failed tests: counted as failures, not log errors
REPORTS = [
    r"^\S+ \S+ \d+ ERROR \S+ \S+: (FAIL|ERROR): ",
    r": Module \S+: \d+ failures, \d+ errors of \d+ tests$",
    r": At least one test failed when loading the modules\.$",
    CLOSING.pattern,
]


def checklog(log_path):
    """The records of LOG_PATH of level WARNING or above that no pattern of
    tools/log_ignore.txt explains, nor REPORTS (checklog-odoo)."""
    with open(os.path.join(ROOT, "tools", "log_ignore.txt"), encoding="utf-8") as f:
        patterns = [line.strip() for line in f if line.strip()[:1] not in ("", "#")]
    command = [os.path.join(os.path.dirname(venv_python()), "checklog-odoo")]
    command += ["--no-echo", "--no-err-if-empty"]
    for pattern in patterns + REPORTS:
        command += ["--ignore", pattern]
    found = subprocess.run(
        command + [log_path], capture_output=True, text=True, check=False
    )
    if not found.returncode:
        return []
    caused = found.stdout.partition("errors that caused failure")[2]
    record = re.compile(r"^\S+ \S+ \d+ (\w+) \S+ (\S+): (.*)$", re.M)
    return [
        f"{level} {name}: {text}" for level, name, text in record.findall(caused)
    ] or [found.stderr.strip() or found.stdout.strip()]


def judge(runs, checks=(), expected=None):
    """Print the failed checks (CHECKS: (name, problems) pairs, each counted
    as a test), the failed tests and the unexpected log records of RUNS
    ((log path, exit code) of Odoo's test runs), then the closing line;
    return rc. The failed tests of EXPECTED ({test id: reason}) are printed
    with their reason and not counted."""
    expected = expected or {}
    failed_checks = [(name, problems) for name, problems in checks if problems]
    for name, problems in failed_checks:
        print(f"failed: {name}")
        for problem in problems:
            print(f"    {problem}")
    passed = len(checks) - len(failed_checks)
    failed, skipped, known = len(failed_checks), 0, 0
    for log_path, rc in runs:
        with open(log_path, encoding="utf-8") as log_file:
            text = log_file.read()
        run_failed, reported = 0, FAILED.findall(text)
        for logger, flavour, _sub, test, rest in reported:
            test_id = f"{logger}.{test}"
            if test_id in expected:
                print(f"expected: {flavour} {test_id}{rest} ({expected[test_id]})")
                known += 1
            else:
                print(f"failed: {flavour} {test_id}{rest}")
                run_failed += 1
        unexpected = checklog(log_path)
        for line in unexpected:
            print(f"checklog: {line}")
        closings = CLOSING.findall(text)
        if (unexpected or not closings or (rc and not reported)) and not run_failed:
            print(
                "checklog: the run failed outside the tests (install error, "
                "unexpected log record or no test run, see "
                f"{os.path.relpath(log_path, ROOT)}): counted as one failure"
            )
            run_failed = 1
        run_skipped = len(SKIPPED.findall(text))
        ran = sum(int(total) for _f, _e, total in closings) - run_skipped
        errors = sum(int(f) + int(e) for f, e, _total in closings)
        passed += max(ran - errors, 0)
        failed += run_failed
        skipped += run_skipped
    closing = f"{passed} passed, {failed} failed"
    if skipped:
        closing += f", {skipped} skipped"
    if known:
        closing += f", {known} expected failures"
    print(closing, flush=True)
    return 1 if failed else 0


def read_expected_failures():
    """{test id: reason} of the stock tests known to fail with psi_sale
    installed: in the baseline too, or on purpose (tools/stock_failures.txt)."""
    expected = {}
    with open(os.path.join(ROOT, "tools", "stock_failures.txt"), encoding="utf-8") as f:
        for line in f:
            test, _hash, reason = line.partition("#")
            if test.strip():
                expected[test.strip()] = reason.strip()
    return expected


# Commands -------------------------------------------------------------------


def cmd_run(options):
    env, addons_path = find_odoo()
    ensure_documents()
    db_args, _started = pg.postgres()
    args = common_args(addons_path, db_args) + [
        f"--database={DEMO_DB}",
        f"--db-filter=^{DEMO_DB}$",
        f"--http-port={options.port}",
    ]
    if not module_installed(db_args, DEMO_DB):
        create_database(env, addons_path, db_args, DEMO_DB)
        log(f"installing psi_sale with demo data in database {DEMO_DB}")
        args += ["--init=psi_sale"]
    elif options.update:  # Odoo's --init leaves an installed module as it is
        log(f"updating psi_sale in database {DEMO_DB}")
        args += ["--update=psi_sale"]
    log(f"serving {DEMO_DB} on http://localhost:{options.port} (admin/admin)")
    os.execvpe(sys.executable, [sys.executable, "-m", "odoo"] + args, env)


def ensure_debian_packages(packages, why):
    """Install the Debian PACKAGES ({package: a command or file it brings})
    that are missing (with apt-get, as root), or stop and say so."""
    missing = sorted(
        package
        for package, brings in packages.items()
        if not (shutil.which(brings) or os.path.exists(brings))
    )
    if not missing:
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        die(f"{why}: apt-get install {' '.join(missing)}")
    log(f"installing {', '.join(missing)} (apt-get): {why}")
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(["apt-get", "install", "-y", "-qq"] + missing, check=True)


def ensure_python_packages(env, modules, why):
    """Install the PyPI packages ({module: package}) that the Python running
    Odoo cannot import, with pip."""
    for module, package in modules.items():
        probe = [sys.executable, "-c", f"import {module}"]
        if not subprocess.run(
            probe, env=env, capture_output=True, check=False
        ).returncode:
            continue
        log(f"installing {package} in {sys.executable}: {why}")
        pip = [sys.executable, "-m", "pip", "install", "-q", package]
        if subprocess.run(pip, env=env, check=False).returncode:
            # a Python managed by the system (PEP 668) refuses plain installs
            subprocess.run(pip + ["--break-system-packages"], env=env, check=True)


def ensure_browser(env):
    """Odoo skips its browser tests (tours) without Chromium or the Python
    package websocket-client: install what is missing."""
    browsers = ("google-chrome", "chromium", "chromium-browser", "google-chrome-stable")
    if not any(shutil.which(name) for name in browsers):
        ensure_debian_packages(
            {"chromium": "chromium"}, "Chromium is needed by the browser tests"
        )
    ensure_python_packages(
        env, {"websocket": "websocket-client"}, "the browser tests need it"
    )


def ensure_documents():
    """Odoo prints its PDF documents with wkhtmltopdf, in Lato (with Debian's
    wkhtmltopdf, psi_sale prints them in the system's fonts, as text: see
    psi_sale/models/ir_actions_report.py); the tests read them with
    pdftotext."""
    ensure_debian_packages(
        {
            "wkhtmltopdf": "wkhtmltopdf",
            "poppler-utils": "pdftotext",
            "fonts-lato": "/usr/share/fonts/truetype/lato/Lato-Regular.ttf",
        },
        "the order form and the invoices are printed to PDF",
    )


def create_database(env, addons_path, db_args, dbname, country="FR", lang="fr_FR"):
    """Create DBNAME, with demo data, as Odoo's database manager does for a
    company of COUNTRY: its accounting localisation (chart of accounts,
    currency, taxes) comes with the first module that needs accounting."""
    drop_database(env, odoo_config(addons_path, db_args), dbname)
    log(f"creating database {dbname} for a company in {country} ({lang})")
    script = (
        "import sys, odoo; odoo.tools.config.parse_config(sys.argv[4:]); "
        "odoo.service.db.exp_create_database("
        "sys.argv[1], True, sys.argv[2], 'admin', 'admin', sys.argv[3])"
    )
    subprocess.run(
        [sys.executable, "-c", script, dbname, lang, country]
        + common_args(addons_path, db_args)
        + ["--log-level=warn"],
        env=env,
        check=True,
    )
    created = pg.sql(
        db_args,
        "SELECT country.code FROM res_company company"
        " JOIN res_partner partner ON partner.id = company.partner_id"
        " JOIN res_country country ON country.id = partner.country_id"
        " WHERE company.id = 1",
        dbname=dbname,
    )
    if created != [(country,)]:
        die(f"database {dbname} was not created for {country} (see the log above)")


def test_args(test_tags):
    """Odoo's test runner: the tests of TEST_TAGS, then stop."""
    return [
        "--test-enable",
        f"--test-tags={test_tags}",
        "--stop-after-init",
        f"--http-port={free_port()}",
        "--log-level=test",
    ]


def cmd_test(options):
    """psi_sale's tests: on Odoo's default database (a company in the United
    States, as stock Odoo's tests have it), then those tagged psi_fr on a
    database created as the database manager does for a French company."""
    env, addons_path = find_odoo()
    ensure_browser(env)
    ensure_documents()
    ensure_python_packages(
        env, {"facturx": "factur-x"}, "the Factur-X tests validate the XML with it"
    )
    db_args, started = pg.postgres()
    if not options.no_lint and lint():
        print("0 passed, 1 failed")
        return 1
    config = odoo_config(addons_path, db_args)
    runs = []
    if options.test_tags:
        runs.append((TEST_DB, options.test_tags, False))
    if options.french_tags:
        runs.append((f"{TEST_DB}_fr", options.french_tags, True))
    results = []
    try:
        for dbname, test_tags, french in runs:
            args = common_args(addons_path, db_args) + [f"--database={dbname}"]
            if french:
                create_database(env, addons_path, db_args, dbname)
            else:  # French loaded first: as each module installs, its terms
                drop_database(env, config, dbname)
                args.append("--load-language=fr_FR")
            args += ["--init=psi_sale"] + test_args(test_tags)
            results.append(odoo(env, args, os.path.join(VAR, f"{dbname}.log")))
            if not options.keep:
                drop_database(env, config, dbname)
    finally:
        if started:
            pg.pg_stop()
    return judge(results)


def stock_tests(env, args, options, dbname, only_post_install=False):
    """Odoo's test runner on DBNAME: the tests of options.modules, those of
    ONLY_POST_INSTALL too; its log in var/DBNAME.log."""
    tags = ",".join(f"{options.test_tags}/{m}" for m in options.modules.split(","))
    log_path = os.path.join(VAR, f"{dbname}.log")
    log(f"running the tests of {options.modules}, log in {log_path}")
    begin = time.monotonic()
    args = args + test_args(tags + (",-at_install" if only_post_install else ""))
    result = odoo(env, args + [f"--database={dbname}"], log_path, echo=False)
    log(f"tested in {time.monotonic() - begin:.0f} s")
    return result


def cmd_test_stock(options):
    """Stock Odoo's own tests of options.modules, run by Odoo as it installs
    psi_sale (or, for the baseline, only its stock dependencies) on a fresh
    database: their at_install tests as each is installed, their post_install
    tests once every module is."""
    env, addons_path = find_odoo()
    ensure_browser(env)
    db_args, started = pg.postgres()
    config = odoo_config(addons_path, db_args)
    installed = addon_depends() if options.baseline else ADDONS
    installed = with_tested(installed, options.modules)
    try:
        drop_database(env, config, STOCK_DB)
        log(f"installing {','.join(installed)} with the tests of {options.modules}")
        args = common_args(addons_path, db_args) + [f"--init={','.join(installed)}"]
        result = stock_tests(env, args, options, STOCK_DB)
    finally:
        if not options.keep:
            drop_database(env, config, STOCK_DB)
        if started:
            pg.pg_stop()
    return judge([result], expected=read_expected_failures())


def with_tested(modules, tested):
    """MODULES and the stock addons TESTED (comma-separated) that they do not
    install (a test addon such as l10n_account_edi_ubl_cii_tests)."""
    return modules + [name for name in tested.split(",") if name not in modules]


def odoo_install(env, args, modules, update=False):
    """Install (or update) MODULES with Odoo's server command; return success."""
    option = "--update" if update else "--init"
    log(f"{'updating' if update else 'installing'} {','.join(modules)}")
    begin = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "odoo", f"{option}={','.join(modules)}"]
        + args
        + ["--stop-after-init", "--log-level=warn"],
        env=env,
        check=False,
    )
    log(f"done in {time.monotonic() - begin:.0f} s")
    return done.returncode == 0


def cmd_test_lifecycle(options):
    """Install psi_sale on a database already in business, update it twice,
    uninstall it, then run stock Odoo's post_install tests there (see
    README.rst)."""
    env, addons_path = find_odoo()
    db_args, started = pg.postgres()
    config = odoo_config(addons_path, db_args)
    args = common_args(addons_path, db_args)
    checks, results = [], []
    begin = time.monotonic()
    try:
        initdb(env, config, LIFECYCLE_DB, with_tested(addon_depends(), options.modules))
        lifecycle_checks(env, args + [f"--database={LIFECYCLE_DB}"], checks)
        results.append(stock_tests(env, args, options, LIFECYCLE_DB, True))
    except subprocess.CalledProcessError as error:  # a step's traceback is above
        checks.append(("the lifecycle steps run", [str(error)]))
    finally:
        if not options.keep:
            drop_database(env, config, LIFECYCLE_DB)
        if started:
            pg.pg_stop()
        log(f"lifecycle tested in {time.monotonic() - begin:.0f} s")
    return judge(results, checks, read_expected_failures())


def lifecycle_checks(env, args, checks):
    """Seed, install, update twice, uninstall, comparing snapshots; append
    (check, problems) to CHECKS."""

    def step(name, *extra):
        output = os.path.join(VAR, f"{LIFECYCLE_DB}-{name}.json")
        command = [sys.executable, os.path.join(ROOT, "tools", "lifecycle.py")]
        command += [name.split("-")[0], output, *extra, "--"]
        subprocess.run(command + args + ["--log-level=warn"], env=env, check=True)
        with open(output, encoding="utf-8") as output_file:
            return json.load(output_file), output

    def check(name, problems):
        checks.append((name, problems))

    step("seed")
    before, _ = step("snapshot-before")
    if not odoo_install(env, args, ADDONS):
        raise subprocess.CalledProcessError(1, "install psi_sale")
    installed, _ = step("snapshot-installed")
    check(
        "installing keeps the figures of existing records",
        differences(before["figures"], kept(before["figures"], installed["figures"])),
    )
    check("installing gives sensible defaults", default_problems(installed, before))
    previous = installed
    for update in ("1", "2"):
        if not odoo_install(env, args, ADDONS, update=True):
            raise subprocess.CalledProcessError(1, f"update {update}")
        updated, path = step(f"snapshot-update{update}")
        check(
            f"update {update} changes nothing",
            differences(previous, updated),
        )
        previous = updated
    # after the snapshots: its orders are new ones
    concurrent, _ = step("concurrency")
    check(
        "two people logging time and invoicing one order at once invoice each day once",
        concurrent["problems"],
    )
    left, _ = step("uninstall", path)
    check(
        "uninstalling drops psi_sale's columns, tables and records no longer used",
        [f"{kind} left: {what}" for kind, what in left.items() if what],
    )
    uninstalled, _ = step("snapshot-uninstalled")
    check(
        "uninstalling keeps the figures of stock records",
        differences(before["figures"], kept(before["figures"], uninstalled["figures"])),
    )


def kept(before, after):
    """AFTER's figures of the records that BEFORE has (not those made since)."""
    return {
        kind: {key: value for key, value in records.items() if key in before[kind]}
        for kind, records in after.items()
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
    """The defaults psi_sale gives what was there before it (BEFORE's orders,
    not those of its demo data): the Leads phase on, each company's working
    day (that of its schedule), Odoo's 8-hour day on existing orders (their
    figures stay), no rounding, offers as lines, down payments deducted up to
    each invoice's amount and stage rules off, but on the demo company (its
    demo data deducts them in proportion and turns the stage rules on)."""
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
        if int(order_id) not in before["order ids"]:
            continue
        expected = {"id": int(order_id), "hours_per_day": 8.0, "day_rounding": "none"}
        problems += differences(expected, order, f"order {order_id}")
    return problems[:20]


def cmd_pot(_options):
    """Export psi_sale's terms to i18n/psi_sale.pot, merge them into fr.po
    (click-odoo-makepot, on a database where psi_sale is installed)."""
    env, addons_path = find_odoo()
    db_args, started = pg.postgres()
    config = odoo_config(addons_path, db_args)
    dbname = "psi_i18n"
    try:
        drop_database(env, config, dbname)
        click_odoo(env, "initdb", config, "-n", dbname, "-m", "psi_sale", "--no-cache")
        click_odoo(
            env,
            "makepot",
            config,
            "-d",
            dbname,
            "--addons-dir",
            ROOT,
            "-m",
            "psi_sale",
            "--msgmerge",
            "--no-fuzzy-matching",
        )
    finally:
        drop_database(env, config, dbname)
        if started:
            pg.pg_stop()
    log("psi_sale/i18n/*.po merged: translate their new entries")


def venv_python(requirements="requirements-dev.txt", name="requirements", venv=".venv"):
    """The Python of the virtualenv VENV, with REQUIREMENTS (both relative to
    the checkout) installed from PyPI when they changed since their last
    install (stamp NAME)."""
    requirements = os.path.join(ROOT, requirements)
    venv = os.path.join(ROOT, venv)
    with open(requirements, "rb") as requirements_file:
        digest = hashlib.sha1(requirements_file.read()).hexdigest()
    stamp = os.path.join(venv, f"{name}.sha1")
    python = os.path.join(venv, "bin", "python")
    if not os.path.exists(stamp) or open(stamp, encoding="utf-8").read() != digest:
        log(f"installing {os.path.relpath(requirements, ROOT)} in {venv}")
        if not os.path.exists(python):
            subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        pip = [python, "-m", "pip", "install", "-q"]
        subprocess.run(pip + ["-r", requirements], check=True)
        with open(stamp, "w", encoding="utf-8") as stamp_file:
            stamp_file.write(digest)
    return python


def lint():
    venv_python()
    log("running the lint hooks (pre-commit)")
    hooks = subprocess.run(
        [os.path.join(ROOT, ".venv", "bin", "pre-commit"), "run", "--all-files"]
        + ["--show-diff-on-failure", "--color=never"],
        cwd=ROOT,
        check=False,
    )
    return hooks.returncode


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="serve the demo database")
    run.add_argument(
        "--port", type=int, default=int(os.environ.get("PSI_HTTP_PORT", 8069))
    )
    run.add_argument("--update", action="store_true", help="update psi_sale first")
    test = commands.add_parser("test", help="lint and run psi_sale's tests")
    test.add_argument(
        "--test-tags",
        default=os.environ.get("TEST_TAGS", "/psi_sale"),
        help="the tests run on Odoo's default database (empty: none)",
    )
    test.add_argument(
        "--french-tags",
        default=os.environ.get("TEST_TAGS_FR", "psi_fr/psi_sale"),
        help="the tests run on the French database (empty: none)",
    )
    test.add_argument("--no-lint", action="store_true")
    test.add_argument("--keep", action="store_true", help="keep the test database")
    stock = commands.add_parser(
        "test-stock", help="stock Odoo's tests with psi_sale installed"
    )
    stock.add_argument(
        "--baseline", action="store_true", help="without psi_sale (its depends only)"
    )
    lifecycle = commands.add_parser(
        "test-lifecycle",
        help="install, update and uninstall psi_sale on a database in business, "
        "then stock Odoo's tests",
    )
    for stock_parser in (stock, lifecycle):
        stock_parser.add_argument(
            "--modules",
            default=os.environ.get("STOCK_MODULES") or STOCK_MODULES,
            help="the stock addons whose tests run (comma-separated)",
        )
        stock_parser.add_argument("--test-tags", default="standard")
        stock_parser.add_argument(
            "--keep", action="store_true", help="keep the database"
        )
    commands.add_parser("lint", help="run the lint hooks only")
    commands.add_parser("pot", help="export i18n/psi_sale.pot and merge fr.po")
    stop = commands.add_parser("stop", help="stop the throwaway PostgreSQL")
    stop.add_argument(
        "--force", action="store_true", help="even if other commands use it"
    )
    options = parser.parse_args()
    command = {
        "run": cmd_run,
        "test": cmd_test,
        "test-stock": cmd_test_stock,
        "test-lifecycle": cmd_test_lifecycle,
        "lint": lambda _options: lint(),
        "pot": cmd_pot,
        "stop": lambda options: pg.pg_stop(force=options.force),
    }[options.command]
    sys.exit(command(options))


if __name__ == "__main__":
    main()
