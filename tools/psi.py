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
import contextlib
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
    options = [arg[2:].split("=", 1) for arg in common_args(addons_path, db_args)]
    with open(path, "w", encoding="utf-8") as config:
        config.write("[options]\n")
        config.writelines(f"{k.replace('-', '_')} = {v}\n" for k, v in options)
    return path


@contextlib.contextmanager
def workspace(*databases, keep=False):
    """Odoo and PostgreSQL for a command: (environment of Odoo's processes,
    Odoo's common arguments, click-odoo's configuration file). Afterwards
    the DATABASES are dropped (unless KEEP), and PostgreSQL stopped if the
    command started it and nothing else uses it."""
    env, addons_path = find_odoo()
    ensure_packages(env)
    db_args, started = pg.postgres()
    config = odoo_config(addons_path, db_args)
    try:
        yield env, common_args(addons_path, db_args), config
    finally:
        for dbname in () if keep else databases:
            drop_database(env, config, dbname)
        if started:
            pg.pg_stop()


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
    ensure_packages(env, {}, {"click_odoo_contrib": "click-odoo-contrib==1.24"})
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
    """Serve the demo database, made (and psi_sale installed) if needed."""
    env, addons_path = find_odoo()
    ensure_packages(env)
    db_args, _started = pg.postgres()
    args = common_args(addons_path, db_args)
    if not module_installed(db_args, DEMO_DB):
        create_database(env, args, odoo_config(addons_path, db_args), DEMO_DB)
        log(f"installing psi_sale with demo data in database {DEMO_DB}")
        args += ["--init=psi_sale"]
    elif options.update:  # Odoo's --init leaves an installed module as it is
        log(f"updating psi_sale in database {DEMO_DB}")
        args += ["--update=psi_sale"]
    args += [f"--database={DEMO_DB}", f"--db-filter=^{DEMO_DB}$"]
    log(f"serving {DEMO_DB} on http://localhost:{options.port} (admin/admin)")
    command = [sys.executable, "-m", "odoo", *args, f"--http-port={options.port}"]
    os.execvpe(sys.executable, command, env)


# Beside Odoo: Odoo's browser tests (tours) need Chromium and websocket-client
# (else Odoo skips them); documents are printed with wkhtmltopdf (Debian's
# draws the system's fonts, see psi_sale/models/ir_actions_report.py), read
# back with pdftotext, their Factur-X XML checked with factur-x.
DEBIAN_PACKAGES = {  # package: a command or file it brings
    "chromium": "chromium",
    "wkhtmltopdf": "wkhtmltopdf",
    "poppler-utils": "pdftotext",
    "fonts-lato": "/usr/share/fonts/truetype/lato/Lato-Regular.ttf",
}
PYTHON_PACKAGES = {"websocket": "websocket-client", "facturx": "factur-x"}


def ensure_packages(env, debian=DEBIAN_PACKAGES, python=PYTHON_PACKAGES):
    """Install what is missing: DEBIAN packages with apt-get (as root, else
    stop and say so), PYTHON packages ({module: package}) with pip in the
    Python that runs Odoo."""
    missing = sorted(
        package
        for package, brings in debian.items()
        if not (shutil.which(brings) or os.path.exists(brings))
    )
    if missing and (os.geteuid() != 0 or not shutil.which("apt-get")):
        die(f"missing: apt-get install {' '.join(missing)}")
    if missing:
        log(f"installing {', '.join(missing)} (apt-get)")
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq"] + missing, check=True)
    for module, package in python.items():
        probe = [sys.executable, "-c", f"import {module}"]
        if subprocess.run(probe, env=env, capture_output=True).returncode:
            log(f"installing {package} in {sys.executable}")
            pip = [sys.executable, "-m", "pip", "install", "-q", package]
            if subprocess.run(pip, env=env).returncode:
                # a Python managed by the system (PEP 668) refuses plain installs
                subprocess.run(pip + ["--break-system-packages"], env=env, check=True)


def create_database(env, args, config, dbname, country="FR", lang="fr_FR"):
    """Create DBNAME, with demo data, as Odoo's database manager does for a
    company of COUNTRY: its accounting localisation (chart of accounts,
    currency, taxes) comes with the first module that needs accounting."""
    drop_database(env, config, dbname)
    log(f"creating database {dbname} for a company in {country} ({lang})")
    script = (
        "import sys, odoo; odoo.tools.config.parse_config(sys.argv[4:]); "
        "odoo.service.db.exp_create_database("
        "sys.argv[1], True, sys.argv[2], 'admin', 'admin', sys.argv[3])"
    )
    command = [sys.executable, "-c", script, dbname, lang, country, *args]
    subprocess.run(command + ["--log-level=warn"], env=env, check=True)


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
    if not options.no_lint and lint():
        print("0 passed, 1 failed")
        return 1
    runs = [(TEST_DB, options.test_tags, False)] * bool(options.test_tags)
    runs += [(f"{TEST_DB}_fr", options.french_tags, True)] * bool(options.french_tags)
    results = []
    with workspace(*(run[0] for run in runs), keep=options.keep) as (env, args, config):
        for dbname, test_tags, french in runs:
            if french:
                create_database(env, args, config, dbname)
            else:  # French loaded first: as each module installs, its terms
                drop_database(env, config, dbname)
            args_db = args + [f"--database={dbname}", "--init=psi_sale"]
            args_db += [] if french else ["--load-language=fr_FR"]
            results.append(
                odoo(env, args_db + test_args(test_tags), f"{VAR}/{dbname}.log")
            )
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
    with workspace(STOCK_DB, keep=options.keep) as (env, args, config):
        installed = addon_depends() if options.baseline else ADDONS
        installed = with_tested(installed, options.modules)
        drop_database(env, config, STOCK_DB)
        log(f"installing {','.join(installed)} with the tests of {options.modules}")
        args = args + [f"--init={','.join(installed)}"]
        result = stock_tests(env, args, options, STOCK_DB)
    return judge([result], expected=read_expected_failures())


def with_tested(modules, tested):
    """MODULES and the stock addons TESTED (comma-separated) that they do not
    install (a test addon such as l10n_account_edi_ubl_cii_tests)."""
    return modules + [name for name in tested.split(",") if name not in modules]


def cmd_test_lifecycle(options):
    """Install, upgrade and uninstall psi_sale on a database in business
    (tools/lifecycle.py), then run stock Odoo's post_install tests there (see
    README.rst)."""
    output, checks, results = os.path.join(VAR, f"{LIFECYCLE_DB}.json"), [], []
    with workspace(LIFECYCLE_DB, keep=options.keep) as (env, args, config):
        try:
            modules = with_tested(addon_depends(), options.modules)
            initdb(env, config, LIFECYCLE_DB, modules)
            log("seeding, installing psi_sale, upgrading it twice, uninstalling it")
            command = [sys.executable, "-m", "tools.lifecycle", output, "--", *args]
            command += [f"--database={LIFECYCLE_DB}", "--log-level=warn"]
            subprocess.run(command, env=env, cwd=ROOT, check=True)
            with open(output, encoding="utf-8") as output_file:
                checks = json.load(output_file)
            results.append(stock_tests(env, args, options, LIFECYCLE_DB, True))
        except subprocess.CalledProcessError as error:  # its traceback is above
            checks.append(("the lifecycle steps run", [str(error)]))
    return judge(results, checks, read_expected_failures())


def cmd_pot(_options):
    """Export psi_sale's terms to i18n/psi_sale.pot, merge them into fr.po
    (click-odoo-makepot, on a database where psi_sale is installed)."""
    dbname = "psi_i18n"
    with workspace(dbname) as (env, _args, config):
        drop_database(env, config, dbname)
        click_odoo(env, "initdb", config, "-n", dbname, "-m", "psi_sale", "--no-cache")
        makepot = ["-d", dbname, "--addons-dir", ROOT, "-m", "psi_sale", "--msgmerge"]
        click_odoo(env, "makepot", config, *makepot, "--no-fuzzy-matching")
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
    ensure_packages(None, {"pandoc": "pandoc"}, {})  # for tools/readme_gen.py
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
    env, flag = os.environ.get, {"action": "store_true"}
    stock = {
        "--modules": {
            "default": env("STOCK_MODULES") or STOCK_MODULES,
            "help": "the stock addons whose tests run (comma-separated)",
        },
        "--test-tags": {"default": "standard"},
        "--keep": dict(flag, help="keep the database"),
    }
    for name, function, help_, arguments in (
        (
            "run",
            cmd_run,
            "serve the demo database",
            {
                "--port": {"type": int, "default": env("PSI_HTTP_PORT", 8069)},
                "--update": dict(flag, help="update psi_sale first"),
            },
        ),
        (
            "test",
            cmd_test,
            "lint, then psi_sale's tests",
            {
                "--test-tags": {
                    "default": env("TEST_TAGS", "/psi_sale"),
                    "help": "on Odoo's default database (empty: none)",
                },
                "--french-tags": {
                    "default": env("TEST_TAGS_FR", "psi_fr/psi_sale"),
                    "help": "on the French database (empty: none)",
                },
                "--no-lint": flag,
                "--keep": dict(flag, help="keep the test databases"),
            },
        ),
        (
            "test-stock",
            cmd_test_stock,
            "stock Odoo's tests with psi_sale",
            dict(
                stock,
                **{
                    "--baseline": dict(flag, help="without psi_sale (its depends only)")
                },
            ),
        ),
        (
            "test-lifecycle",
            cmd_test_lifecycle,
            "install, upgrade, uninstall, stock tests",
            stock,
        ),
        ("lint", lambda _options: lint(), "the lint hooks only", {}),
        ("pot", cmd_pot, "export the .pot, merge the .po files", {}),
        (
            "stop",
            lambda options: pg.pg_stop(force=options.force),
            "stop PostgreSQL",
            {"--force": dict(flag, help="even if other commands use it")},
        ),
    ):
        command = commands.add_parser(name, help=help_)
        command.set_defaults(function=function)
        for option, kwargs in arguments.items():
            command.add_argument(option, **kwargs)
    options = parser.parse_args()
    sys.exit(options.function(options))


if __name__ == "__main__":
    main()
