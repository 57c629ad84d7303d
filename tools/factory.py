"""The test factories of psi_sale (psi_sale/tests/factory.py) for the
commands that make data outside a test run (tools/lifecycle.py,
bench/worker.py): loaded by the file's path, without importing its tests
package, whose Odoo test framework logs an error outside a test run."""

import importlib.util
import os

from tools.pg import ROOT

PATH = os.path.join(ROOT, "psi_sale", "tests", "factory.py")
_spec = importlib.util.spec_from_file_location("psi_sale_tests_factory", PATH)
_factory = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_factory)
service_product = _factory.service_product
