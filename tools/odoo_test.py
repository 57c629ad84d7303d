"""Run Odoo's own server command once, with tests, and report what it found.

Usage: python3 tools/odoo_test.py RESULT_JSON IGNORE_FILE -- ODOO_ARGS...

Odoo runs exactly as ``odoo --test-enable --stop-after-init`` would; this
wrapper only (1) keeps the test result of every database Odoo loaded and
(2) keeps every log record of level WARNING or above that no pattern of
IGNORE_FILE explains (as OCA's checklog-odoo does). Both are written to
RESULT_JSON for ``tools/psi.py test`` to print and judge.
"""

import json
import logging
import re
import sys

import odoo
import odoo.cli.server
from odoo.modules.registry import Registry


class UnexpectedRecords(logging.Handler):
    """Collect WARNING+ log records that no ignore pattern explains."""

    def __init__(self, patterns):
        super().__init__(logging.WARNING)
        self.patterns = patterns
        self.lines = []

    def emit(self, record):
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is itself worth reporting
            message = str(record.msg)
        line = f"{record.levelname} {record.name}: {message}"
        if not any(pattern.search(line) for pattern in self.patterns):
            self.lines.append(line.splitlines()[0])


def read_patterns(path):
    with open(path, encoding="utf-8") as ignore_file:
        return [
            re.compile(line.strip())
            for line in ignore_file
            if line.strip() and not line.startswith("#")
        ]


def main(argv):
    result_path, ignore_path, separator, *odoo_args = argv
    assert separator == "--", "usage: odoo_test.py RESULT IGNORE -- ODOO_ARGS"
    handler = UnexpectedRecords(read_patterns(ignore_path))
    logging.getLogger().addHandler(handler)

    reports = []
    preload_registries = odoo.service.server.preload_registries

    def preload_and_keep_reports(dbnames):
        rc = preload_registries(dbnames)
        for dbname in dbnames:
            registry = Registry.registries.get(dbname)
            if registry is not None and registry._assertion_report is not None:
                reports.append(registry._assertion_report)
        return rc

    odoo.service.server.preload_registries = preload_and_keep_reports
    try:
        odoo.cli.server.main(odoo_args)
        rc = 0
    except SystemExit as exit_:
        rc = exit_.code if isinstance(exit_.code, int) else 1

    result = {
        "rc": rc,
        "run": sum(report.testsRun for report in reports),
        "failures": sum(report.failures_count for report in reports),
        "errors": sum(report.errors_count for report in reports),
        "skipped": sum(report.skipped for report in reports),
        "unexpected_log": handler.lines,
    }
    with open(result_path, "w", encoding="utf-8") as result_file:
        json.dump(result, result_file, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
