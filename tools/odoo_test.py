"""Run Odoo's own server command once, with tests, and report what it found.

Usage: python3 tools/odoo_test.py RESULT_JSON IGNORE_FILE [--test-installed=MODULES]
       -- ODOO_ARGS...

Odoo runs exactly as ``odoo --test-enable --stop-after-init`` would; this
wrapper only (1) keeps the test result of every database Odoo loaded, with the
names of the failed tests, and (2) keeps every log record of level WARNING or
above that no pattern of IGNORE_FILE explains (as OCA's checklog-odoo does).
Both are written to RESULT_JSON for ``tools/psi.py`` to print and judge.

With ``--test-installed=crm,sale``, the database must have every module
installed already: Odoo loads it without running any test, then the
at_install and post_install tests of these modules run in the loaded
registry (see ``preload_and_test``).
"""

import argparse
import contextlib
import functools
import json
import logging
import re
import sys
import threading

import odoo
import odoo.cli.server
import odoo.http
from odoo.modules.registry import Registry
from odoo.tools import config

_logger = logging.getLogger("odoo_test")
# sums up each database's test result: "N failed, N error(s) of N tests ..."
RESULT_LOGGER = "odoo.tests.result"


class TestRecords(logging.Handler):
    """Keep the failed tests, and the WARNING+ log records that no ignore
    pattern explains, other than the reports of failed tests."""

    def __init__(self, patterns):
        super().__init__(logging.WARNING)
        self.patterns = patterns
        self.lines = []
        self.failed_tests = []
        self.reporting_thread = None  # the thread reporting a failed test

    def emit(self, record):
        if record.thread == self.reporting_thread or record.name == RESULT_LOGGER:
            return  # a failed test, counted as such
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is itself worth reporting
            message = str(record.msg)
        line = f"{record.levelname} {record.name}: {message}"
        if not any(pattern.search(line) for pattern in self.patterns):
            self.lines.append(line.splitlines()[0])

    def keep_failed_tests(self):
        """Patch Odoo's test result to keep the ids of the failed tests.

        odoo.tests is imported only once Odoo's configuration says it is
        testing (it logs an error otherwise).
        """
        from odoo.tests.result import OdooTestResult

        log_error = OdooTestResult.logError
        handler = self

        def log_error_and_keep(result, flavour, test, error):
            if result._soft_fail:  # retried, not counted: its log is checked
                return log_error(result, flavour, test, error)
            handler.failed_tests.append(f"{flavour} {test.id()}")
            handler.reporting_thread = threading.get_ident()
            try:
                return log_error(result, flavour, test, error)
            finally:
                handler.reporting_thread = None

        OdooTestResult.logError = log_error_and_keep


def read_patterns(path):
    with open(path, encoding="utf-8") as ignore_file:
        return [
            re.compile(line.strip())
            for line in ignore_file
            if line.strip() and not line.startswith("#")
        ]


@contextlib.contextmanager
def registry_flags(registry, position):
    """Give the registry the flags that Odoo's tests of POSITION run with.

    Odoo runs at_install tests while it installs the module (modules/
    loading.py): the registry is initialising, neither loaded nor ready (then,
    e.g., mail sends no notification and the superuser may write create_date).
    """
    flags = registry._init, registry.ready, registry.loaded
    if position == "at_install":
        registry._init, registry.ready, registry.loaded = True, False, False
    try:
        yield
    finally:
        registry._init, registry.ready, registry.loaded = flags


def preload_and_test(module_names, dbnames):
    """Odoo's preload_registries (service/server.py) for databases where every
    module is installed: test MODULE_NAMES with every installed module loaded.

    Odoo runs a module's at_install tests right after loading that module,
    before the modules that depend on it (psi_sale) are loaded. Here the
    registry is loaded without any test, then MODULES' at_install tests run in
    it with the flags of an install, then their post_install tests.
    """
    from odoo.tests import loader

    rc = 0
    for dbname in dbnames:
        try:
            tags = config["test_tags"]
            config["test_tags"] = "-at_install"  # no test while loading
            try:
                registry = Registry.new(dbname)
            finally:
                config["test_tags"] = tags
            report = registry._assertion_report
            suites = {
                position: loader.make_suite(module_names, position)
                for position in ("at_install", "post_install")
            }
            if any(suite.has_http_case() for suite in suites.values()):
                with registry.cursor() as cr:
                    env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
                    env["ir.qweb"]._pregenerate_assets_bundles()
            for position, suite in suites.items():
                _logger.info(
                    "Starting %s tests of %s: %d tests",
                    position,
                    ", ".join(module_names),
                    suite.countTestCases(),
                )
                with registry_flags(registry, position):
                    report.update(loader.run_suite(suite))
            report.log_stats()
            if not report.wasSuccessful():
                rc += 1
        except Exception:
            _logger.critical("Failed to test database `%s`.", dbname, exc_info=True)
            return -1
    return rc


def main(argv):
    separator = argv.index("--")  # Odoo's arguments follow it
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("result_path")
    parser.add_argument("ignore_path")
    parser.add_argument("--test-installed", metavar="MODULES")
    options = parser.parse_args(argv[:separator])
    handler = TestRecords(read_patterns(options.ignore_path))
    logging.getLogger().addHandler(handler)

    reports = []
    preload_registries = odoo.service.server.preload_registries
    if options.test_installed:
        preload_registries = functools.partial(
            preload_and_test, options.test_installed.split(",")
        )

    def preload_and_keep_reports(dbnames):
        handler.keep_failed_tests()
        # a tour's first requests come in parallel, and CPython 3.11 may fail to
        # parse the addons' manifests in several threads at once ("SystemError:
        # AST constructor recursion depth mismatch"): read them all now
        _logger.info("%d addons serve static files", len(odoo.http.root.statics))
        rc = preload_registries(dbnames)
        for dbname in dbnames:
            registry = Registry.registries.get(dbname)
            if registry is not None and registry._assertion_report is not None:
                reports.append(registry._assertion_report)
        return rc

    odoo.service.server.preload_registries = preload_and_keep_reports
    try:
        odoo.cli.server.main(argv[separator + 1 :])
        rc = 0
    except SystemExit as exit_:
        rc = exit_.code if isinstance(exit_.code, int) else 1

    result = {
        "rc": rc,
        "run": sum(report.testsRun for report in reports),
        "failures": sum(report.failures_count for report in reports),
        "errors": sum(report.errors_count for report in reports),
        "skipped": sum(report.skipped for report in reports),
        "failed_tests": handler.failed_tests,
        "unexpected_log": handler.lines,
    }
    with open(options.result_path, "w", encoding="utf-8") as result_file:
        json.dump(result, result_file, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
