"""Benchmark of psi_sale against stock Odoo: python3 -m bench.bench."""
