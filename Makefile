# Development commands of our addons (psi_sale and the addons it depends on,
# every directory of the root with a manifest): see README.rst.
PYTHON ?= python3

.PHONY: run test test-stock test-lifecycle bench load stop lint pot screenshots

run:  ## serve the demo database psi_demo (psi_sale, hence every addon) on http://localhost:8069 (admin/admin)
	@$(PYTHON) -m tools.psi run

test:  ## lint, then run every addon's tests on a fresh throwaway database
	@$(PYTHON) -m tools.psi test

test-stock:  ## stock Odoo's tests with our addons installed, at_install ones again with all loaded (BASELINE=1: without our addons)
	@$(PYTHON) -m tools.psi test-stock $(if $(BASELINE),--baseline)

test-lifecycle:  ## install, update twice, uninstall psi_sale on a database in business, then stock tests
	@$(PYTHON) -m tools.psi test-lifecycle

bench:  ## psi_sale and its addons against stock Odoo (QUICK=1: small sizes; ARGS="--rounds N")
	@$(PYTHON) -m bench.bench $(if $(QUICK),--quick) $(ARGS)

load:  ## psi_sale and its addons against stock Odoo under concurrent load (Locust; QUICK=1: a few minutes)
	@$(PYTHON) -m bench.load $(if $(QUICK),--quick)

lint:  ## run the pre-commit hooks only
	@$(PYTHON) -m tools.psi lint

stop:  ## stop the throwaway PostgreSQL, unless a client is connected
	@$(PYTHON) -m tools.psi stop

pot:  ## export each addon's i18n/<addon>.pot and merge it into its .po files
	@$(PYTHON) -m tools.psi pot

screenshots:  ## PNG screenshots of the running demo (make run) for the addons' readmes
	@$(PYTHON) -m tools.screenshots
