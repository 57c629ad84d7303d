"""Development commands of psi_sale: serve the demo, run the tests, stop.

    python3 tools/psi.py run     # demo database psi_demo on http://localhost:8069
    python3 tools/psi.py test    # lint, then psi_sale's tests on a fresh database
    python3 tools/psi.py test-stock  # stock Odoo's tests with psi_sale installed
    python3 tools/psi.py test-lifecycle  # install, update, uninstall, stock tests
    python3 tools/psi.py stop    # stop the throwaway PostgreSQL, if running

The Makefile calls these; see README.rst. Odoo 18.0 is looked for as the
``odoo`` package importable by this Python, or in the source tree ``ODOO_SRC``.
PostgreSQL is the server of the usual ``PG*`` variables when ``PGHOST`` or
``PGPORT`` is set, otherwise a throwaway cluster of this checkout in ``.pg/``.
"""

import argparse
import ast
import atexit
import contextlib
import fcntl
import glob
import hashlib
import json
import os
import pwd
import shutil
import socket
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VAR = os.path.join(ROOT, "var")
PG_DIR = os.path.join(ROOT, ".pg")
PG_OS_USER = os.environ.get("PSI_PG_OS_USER", "postgres")
PG_ROLE = "odoo"
PG_FIRST_PORT = int(os.environ.get("PSI_PGPORT", "54329"))
DEMO_DB = os.environ.get("PSI_DEMO_DB", "psi_demo")
TEST_DB = os.environ.get("PSI_TEST_DB", "psi_test")
STOCK_DB = os.environ.get("PSI_STOCK_DB", "psi_stock")
LIFECYCLE_DB = os.environ.get("PSI_LIFECYCLE_DB", "psi_lifecycle")
ADDONS = ["psi_sale"]
# stock addons whose own tests `test-stock` runs with psi_sale installed
STOCK_MODULES = (
    "crm,sale_crm,sale,sale_management,sale_project,sale_timesheet,hr_timesheet"
)


def die(message):
    print(f"psi_sale: {message}", file=sys.stderr)
    sys.exit(2)


def log(message):
    print(f"psi_sale: {message}", file=sys.stderr, flush=True)


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


# PostgreSQL -----------------------------------------------------------------


def external_pg():
    return bool(os.environ.get("PGHOST") or os.environ.get("PGPORT"))


def pg_bin(name):
    found = shutil.which(name)
    if found:
        return found
    candidates = glob.glob(f"/usr/lib/postgresql/*/bin/{name}")
    candidates.sort(key=lambda path: int(path.split("/")[4]), reverse=True)
    if not candidates:
        die(
            f"PostgreSQL's {name} was not found: install PostgreSQL 13 or newer "
            "(apt-get install postgresql) or point PGHOST/PGPORT/PGUSER at a server"
        )
    return candidates[0]


def as_pg_user(command):
    """PostgreSQL refuses to run as root: run it as an ordinary user then."""
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", PG_OS_USER, "--"] + command


def ensure_pg_user():
    try:
        pwd.getpwnam(PG_OS_USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--user-group", "--no-create-home", PG_OS_USER],
            check=True,
        )


def pg_dir():
    """The cluster's folder: .pg/ in the checkout, or a folder it links to.

    When run as root, the cluster belongs to PG_OS_USER; if that user cannot
    reach the checkout (e.g. under /root), .pg links to a folder it can reach.
    """
    if os.path.isdir(PG_DIR):
        return os.path.realpath(PG_DIR)
    os.makedirs(PG_DIR)
    if os.geteuid() == 0:
        ensure_pg_user()
        shutil.chown(PG_DIR, PG_OS_USER)
        reachable = subprocess.run(as_pg_user(["test", "-w", PG_DIR]), check=False)
        if reachable.returncode:
            os.rmdir(PG_DIR)
            key = hashlib.sha1(ROOT.encode()).hexdigest()[:10]
            target = f"/var/tmp/psi_sale-pg-{key}"
            os.makedirs(target, exist_ok=True)
            shutil.chown(target, PG_OS_USER)
            os.symlink(target, PG_DIR)
    return os.path.realpath(PG_DIR)


def pg_running(data):
    if not os.path.isfile(os.path.join(data, "PG_VERSION")):
        return False
    status = subprocess.run(
        as_pg_user([pg_bin("pg_ctl"), "status", "-D", data]),
        capture_output=True,
        check=False,
    )
    return status.returncode == 0


def port_free(port):
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


@contextlib.contextmanager
def pg_lock():
    """Let one command at a time start, join or stop the throwaway cluster."""
    with open(os.path.join(pg_dir(), "lock"), "a", encoding="utf-8") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def pg_join():
    """Record that this process uses the cluster, until it ends.

    ``run`` execs Odoo, which keeps the pid (and the record) while it serves.
    """
    users = os.path.join(pg_dir(), "users")
    os.makedirs(users, exist_ok=True)
    record = os.path.join(users, str(os.getpid()))
    open(record, "w", encoding="utf-8").close()
    atexit.register(os.remove, record)


def pg_other_users(db_args):
    """What else uses the cluster: other commands of this checkout (their
    records, also read between two Odoo processes of one command), and any
    other client connected (an Odoo started by hand, psql, ...)."""
    users = os.path.join(pg_dir(), "users")
    os.makedirs(users, exist_ok=True)
    others = []
    for name in os.listdir(users):
        try:
            os.kill(int(name), 0)
        except ProcessLookupError:
            os.remove(os.path.join(users, name))  # a command that died
            continue
        except PermissionError:  # alive, another user's
            pass
        if int(name) != os.getpid():
            others.append(f"process {name}")
    connections = sql(
        db_args,
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()",
    )[0][0]
    if connections:
        others.append(f"{connections} other connection(s)")
    return others


def pg_start():
    """Start the throwaway cluster if needed; return (db args, started)."""
    with pg_lock():
        pg_join()
        return pg_start_locked()


def pg_start_locked():
    initdb, pg_ctl = pg_bin("initdb"), pg_bin("pg_ctl")
    folder = pg_dir()
    data = os.path.join(folder, "data")
    port_file = os.path.join(folder, "port")
    if pg_running(data):
        with open(port_file, encoding="utf-8") as port_in:
            return pg_args(int(port_in.read())), False
    if not os.path.isfile(os.path.join(data, "PG_VERSION")):
        log(f"creating a throwaway PostgreSQL cluster in {folder}")
        subprocess.run(
            as_pg_user(
                [initdb, "-D", data, "-U", PG_ROLE, "--auth=trust", "-E", "UTF8"]
                + ["--locale=C.UTF-8", "--no-instructions"]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
    port = PG_FIRST_PORT
    while not port_free(port):
        port += 1
    options = (
        f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories="
        # a throwaway cluster: durability is not needed, speed is
        " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    )
    log(f"starting PostgreSQL on 127.0.0.1:{port}")
    subprocess.run(
        as_pg_user(
            [pg_ctl, "start", "-w", "-D", data, "-o", options]
            + ["-l", os.path.join(folder, "postgresql.log")]
        ),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    with open(port_file, "w", encoding="utf-8") as port_out:
        port_out.write(str(port))
    return pg_args(port), True


def pg_args(port):
    return ["--db_host=127.0.0.1", f"--db_port={port}", f"--db_user={PG_ROLE}"]


def pg_stop(force=False):
    """Stop the throwaway cluster, unless (without FORCE) another command or
    client still uses it."""
    if not os.path.isdir(PG_DIR):
        return
    folder = os.path.realpath(PG_DIR)
    data = os.path.join(folder, "data")
    with pg_lock():
        if not pg_running(data):
            return
        with open(os.path.join(folder, "port"), encoding="utf-8") as port_in:
            others = not force and pg_other_users(pg_args(int(port_in.read())))
        if others:
            log(f"PostgreSQL left running, still used by {', '.join(others)}")
            return
        subprocess.run(
            as_pg_user([pg_bin("pg_ctl"), "stop", "-w", "-m", "fast", "-D", data]),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        log("PostgreSQL stopped")


def connection_kwargs(db_args):
    kwargs = {"dbname": "postgres"}
    for arg in db_args:
        key, value = arg[2:].split("=", 1)
        kwargs[{"db_host": "host", "db_port": "port", "db_user": "user"}[key]] = value
    return kwargs


def sql(db_args, query, params=(), dbname="postgres"):
    import psycopg2  # pylint: disable=import-outside-toplevel

    connection = psycopg2.connect(**{**connection_kwargs(db_args), "dbname": dbname})
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(query, params)
            return cursor.fetchall() if cursor.description else None
    finally:
        connection.close()


def postgres():
    """Database arguments for Odoo, starting the throwaway cluster if needed."""
    if external_pg():
        return [], False
    return pg_start()


# Commands -------------------------------------------------------------------


def common_args(addons_path, db_args):
    return [
        f"--addons-path={addons_path}",
        f"--data-dir={os.path.join(VAR, 'data')}",
        "--max-cron-threads=0",
    ] + db_args


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def module_installed(db_args, dbname, module="psi_sale"):
    exists = sql(db_args, "SELECT 1 FROM pg_database WHERE datname = %s", (dbname,))
    return (
        bool(exists)
        and sql(
            db_args,
            "SELECT to_regclass('ir_module_module') IS NOT NULL"
            " AND EXISTS(SELECT 1 FROM ir_module_module"
            " WHERE name = %s AND state = 'installed')",
            (module,),
            dbname=dbname,
        )[0][0]
    )


def cmd_run(options):
    env, addons_path = find_odoo()
    ensure_documents()
    db_args, _started = postgres()
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
    drop_database(db_args, dbname)
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
    created = sql(
        db_args,
        "SELECT country.code FROM res_company company"
        " JOIN res_partner partner ON partner.id = company.partner_id"
        " JOIN res_country country ON country.id = partner.country_id"
        " WHERE company.id = 1",
        dbname=dbname,
    )
    if created != [(country,)]:
        die(f"database {dbname} was not created for {country} (see the log above)")


def cmd_test(options):
    """psi_sale's tests: on Odoo's default database (a company in the United
    States, as stock Odoo's tests have it), then those tagged psi_fr on a
    database created as the database manager does for a French company."""
    env, addons_path = find_odoo()
    ensure_browser(env)
    ensure_documents()
    db_args, started = postgres()
    if not options.no_lint and lint():
        print("0 passed, 1 failed")
        return 1
    result_paths = []
    runs = []
    if options.test_tags:
        runs.append((TEST_DB, options.test_tags, False))
    if options.french_tags:
        runs.append((f"{TEST_DB}_fr", options.french_tags, True))
    for dbname, test_tags, french in runs:
        result_path = os.path.join(VAR, f"{dbname}-result.json")
        result_paths.append(result_path)
        if french:
            create_database(env, addons_path, db_args, dbname)
        else:
            drop_database(db_args, dbname)
        args = common_args(addons_path, db_args) + [
            f"--database={dbname}",
            f"--init={','.join(ADDONS)}",
            "--test-enable",
            f"--test-tags={test_tags}",
            "--stop-after-init",
            f"--http-port={free_port()}",
            "--log-level=test",
        ]
        if not french:
            args.append("--load-language=fr_FR")
        odoo_test(env, result_path, args)
        if not options.keep:
            drop_database(db_args, dbname)
    if started:
        pg_stop()
    return report(result_paths)


def cmd_test_stock(options):
    """Stock Odoo's own tests of options.modules, run on a database where
    psi_sale (or, for the baseline, only its stock dependencies) is installed.
    """
    env, addons_path = find_odoo()
    ensure_browser(env)
    db_args, started = postgres()
    installed = addon_depends(ADDONS) if options.baseline else ADDONS
    result_path, log_path = stock_paths(STOCK_DB)
    args = common_args(addons_path, db_args) + [
        f"--database={STOCK_DB}",
        "--stop-after-init",
    ]
    try:
        if odoo_install(env, args, installed, fresh=(db_args, STOCK_DB, log_path)):
            run_stock_tests(env, args, options, result_path, log_path)
    finally:
        if not options.keep:
            drop_database(db_args, STOCK_DB)
        if started:
            pg_stop()
    return report([result_path], expected=read_expected_failures())


def stock_paths(dbname):
    """The result and log files of the stock tests run on DBNAME."""
    return (
        os.path.join(VAR, f"{dbname}-result.json"),
        os.path.join(VAR, f"{dbname}.log"),
    )


def odoo_install(env, args, modules, update=False, fresh=None):
    """Install (or update) MODULES with Odoo's server command; with FRESH =
    (db_args, dbname, log_path), on a new database and log. Return success."""
    if fresh:
        db_args, dbname, log_path = fresh
        drop_database(db_args, dbname)
        if os.path.exists(log_path):
            os.remove(log_path)  # Odoo appends to it
    option = "--update" if update else "--init"
    log(f"{'updating' if update else 'installing'} {','.join(modules)}")
    begin = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "odoo", f"{option}={','.join(modules)}"]
        + args
        + ["--log-level=warn"],
        env=env,
        check=False,
    )
    log(f"done in {time.monotonic() - begin:.0f} s")
    return done.returncode == 0


def run_stock_tests(env, args, options, result_path, log_path):
    """The at_install and post_install tests of options.modules, in the
    database of ARGS where every module is installed."""
    log(f"running the tests of {options.modules}, log in {log_path}")
    begin = time.monotonic()
    args = args + ["--test-enable", f"--test-tags={options.test_tags}"]
    args += [f"--http-port={free_port()}", "--log-level=test"]
    args += [f"--logfile={log_path}"]
    odoo_test(env, result_path, args, [f"--test-installed={options.modules}"])
    log(f"tested in {time.monotonic() - begin:.0f} s")


def cmd_test_lifecycle(options):
    """Install psi_sale on a database already in business, update it twice,
    uninstall it, then run stock Odoo's tests there (see README.rst)."""
    env, addons_path = find_odoo()
    db_args, started = postgres()
    result_path, log_path = stock_paths(LIFECYCLE_DB)
    args = common_args(addons_path, db_args) + [
        f"--database={LIFECYCLE_DB}",
        "--stop-after-init",
    ]
    checks = []
    begin = time.monotonic()
    try:
        if odoo_install(
            env, args, addon_depends(ADDONS), fresh=(db_args, LIFECYCLE_DB, log_path)
        ):
            lifecycle_checks(env, args, checks)
            run_stock_tests(env, args, options, result_path, log_path)
    except subprocess.CalledProcessError as error:  # a step's traceback is above
        checks.append(("the lifecycle steps run", [str(error)]))
    finally:
        if not options.keep:
            drop_database(db_args, LIFECYCLE_DB)
        if started:
            pg_stop()
        log(f"lifecycle tested in {time.monotonic() - begin:.0f} s")
    return report([result_path], checks, read_expected_failures())


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


def addon_depends(addons):
    """The addons that ADDONS depend on, read from their manifests."""
    depends = []
    for addon in addons:
        with open(os.path.join(ROOT, addon, "__manifest__.py"), encoding="utf-8") as m:
            depends += ast.literal_eval(m.read())["depends"]
    return depends


def odoo_test(env, result_path, odoo_args, options=()):
    """Run Odoo's server command with tools/odoo_test.py, which writes the
    test result and the unexpected log records to RESULT_PATH."""
    os.makedirs(VAR, exist_ok=True)
    if os.path.exists(result_path):
        os.remove(result_path)
    command = [sys.executable, os.path.join(ROOT, "tools", "odoo_test.py")]
    command += [result_path, os.path.join(ROOT, "tools", "log_ignore.txt")]
    subprocess.run(command + list(options) + ["--"] + odoo_args, env=env, check=False)


def cmd_pot(_options):
    """Export psi_sale's terms to i18n/psi_sale.pot, merge them into fr.po."""
    env, addons_path = find_odoo()
    db_args, started = postgres()
    dbname = "psi_i18n"
    drop_database(db_args, dbname)
    odoo = [sys.executable, "-m", "odoo"] + common_args(addons_path, db_args)
    odoo += [f"--database={dbname}", "--log-level=warn", "--stop-after-init"]
    i18n = os.path.join(ROOT, "psi_sale", "i18n")
    pot = os.path.join(i18n, "psi_sale.pot")
    try:
        subprocess.run(odoo + ["--init=psi_sale"], env=env, check=True)
        subprocess.run(
            odoo + [f"--i18n-export={pot}", "--modules=psi_sale"], env=env, check=True
        )
    finally:
        drop_database(db_args, dbname)
        if started:
            pg_stop()
    for po in glob.glob(os.path.join(i18n, "*.po")):
        subprocess.run(
            ["msgmerge", "--quiet", "--update", "--no-fuzzy-matching", "--backup=none"]
            + [po, pot],
            check=True,
        )
        log(f"{os.path.relpath(po, ROOT)} merged: translate its new entries")


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


def report(result_paths, checks=(), expected=None):
    """Print the failed tests and checks (CHECKS: (name, problems) pairs, each
    counted as a test) and the unexpected log records, then the closing line;
    return rc. The failed tests of EXPECTED ({test id: reason}) are printed
    with their reason and not counted."""
    expected = expected or {}
    failed_checks = [(name, problems) for name, problems in checks if problems]
    for name, problems in failed_checks:
        print(f"failed: {name}")
        for problem in problems:
            print(f"    {problem}")
    passed = len(checks) - len(failed_checks)
    failed = len(failed_checks)
    skipped = known = 0
    for result_path in result_paths:
        if not os.path.exists(result_path):
            print(f"failed: no test result in {os.path.relpath(result_path, ROOT)}")
            failed += 1
            continue
        with open(result_path, encoding="utf-8") as result_file:
            result = json.load(result_file)
        run_failed = run_known = 0
        for test in result["failed_tests"]:
            test_id = test.split(" ", 1)[-1].split(" (", 1)[0]  # without subtest
            if test_id in expected:
                print(f"expected: {test} ({expected[test_id]})")
                run_known += 1
            else:
                print(f"failed: {test}")
                run_failed += 1
        for line in result["unexpected_log"]:
            print(f"checklog: {line}")
        run_broken = (
            result["unexpected_log"]
            or not result["run"]
            or (result["rc"] != 0 and not result["failed_tests"])
        )
        if run_broken and not run_failed:
            print(
                "checklog: the run failed outside the tests (install error, "
                "unexpected log record or no test run): counted as one failure"
            )
            run_failed = 1
        ran = result["run"] - result["skipped"]
        passed += max(ran - result["failures"] - result["errors"], 0)
        failed += run_failed
        known += run_known
        skipped += result["skipped"]
    closing = f"{passed} passed, {failed} failed"
    if skipped:
        closing += f", {skipped} skipped"
    if known:
        closing += f", {known} expected failures"
    print(closing, flush=True)
    return 1 if failed else 0


def drop_database(db_args, dbname):
    sql(db_args, f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
    shutil.rmtree(os.path.join(VAR, "data", "filestore", dbname), ignore_errors=True)


def venv_python(requirements, name):
    """The Python of .venv, with REQUIREMENTS installed from PyPI when they
    changed since their last install (stamp NAME)."""
    venv = os.path.join(ROOT, ".venv")
    with open(requirements, "rb") as requirements_file:
        digest = hashlib.sha1(requirements_file.read()).hexdigest()
    stamp = os.path.join(venv, f"{name}.sha1")
    python = os.path.join(venv, "bin", "python")
    if not os.path.exists(stamp) or open(stamp, encoding="utf-8").read() != digest:
        log(f"installing {os.path.relpath(requirements, ROOT)} in .venv")
        if not os.path.exists(python):
            subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        pip = [python, "-m", "pip", "install", "-q"]
        subprocess.run(pip + ["-r", requirements], check=True)
        with open(stamp, "w", encoding="utf-8") as stamp_file:
            stamp_file.write(digest)
    return python


def lint():
    venv_python(os.path.join(ROOT, "requirements-dev.txt"), "requirements")
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
    for stock_tests in (stock, lifecycle):
        stock_tests.add_argument(
            "--modules",
            default=os.environ.get("STOCK_MODULES") or STOCK_MODULES,
            help="the stock addons whose tests run (comma-separated)",
        )
        stock_tests.add_argument("--test-tags", default="standard")
        stock_tests.add_argument(
            "--keep", action="store_true", help="keep the database"
        )
    commands.add_parser("lint", help="run the lint hooks only")
    commands.add_parser("pot", help="export i18n/psi_sale.pot and merge fr.po")
    stop = commands.add_parser("stop", help="stop the throwaway PostgreSQL")
    stop.add_argument(
        "--force", action="store_true", help="even if other commands use it"
    )
    options = parser.parse_args()
    if options.command == "run":
        cmd_run(options)
    elif options.command == "test":
        sys.exit(cmd_test(options))
    elif options.command == "test-stock":
        sys.exit(cmd_test_stock(options))
    elif options.command == "test-lifecycle":
        sys.exit(cmd_test_lifecycle(options))
    elif options.command == "lint":
        sys.exit(lint())
    elif options.command == "pot":
        cmd_pot(options)
    else:
        pg_stop(force=options.force)


if __name__ == "__main__":
    main()
