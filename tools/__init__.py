"""Development commands of psi_sale, run from the checkout: python3 -m tools.psi."""
