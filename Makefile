# psi_sale development commands: see README.rst.
PYTHON ?= python3

.PHONY: run test test-stock test-lifecycle bench load stop lint pot screenshots

run:  ## serve the demo database psi_demo on http://localhost:8069 (admin/admin)
	@$(PYTHON) -m tools.psi run

test:  ## lint, then run psi_sale's tests on a fresh throwaway database
	@$(PYTHON) -m tools.psi test

test-stock:  ## stock Odoo's tests with psi_sale installed (BASELINE=1: without it)
	@$(PYTHON) -m tools.psi test-stock $(if $(BASELINE),--baseline)

test-lifecycle:  ## install, update twice, uninstall psi_sale on a database in business, then stock tests
	@$(PYTHON) -m tools.psi test-lifecycle

bench:  ## psi_sale against stock Odoo (QUICK=1: small sizes; ARGS="--rounds N")
	@$(PYTHON) -m bench.bench $(if $(QUICK),--quick) $(ARGS)

load:  ## psi_sale against stock Odoo under concurrent load (Locust; QUICK=1: a few minutes)
	@$(PYTHON) -m bench.load $(if $(QUICK),--quick)

lint:  ## run the pre-commit hooks only
	@$(PYTHON) -m tools.psi lint

stop:  ## stop the throwaway PostgreSQL, unless a client is connected
	@$(PYTHON) -m tools.psi stop

pot:  ## export psi_sale/i18n/psi_sale.pot and merge it into the .po files
	@$(PYTHON) -m tools.psi pot

screenshots:  ## PNG screenshots of the running demo (make run) for the readme
	@$(PYTHON) -m tools.screenshots
