"""The one product factory of psi_sale's tests, the lifecycle check
(tools/lifecycle.py) and the benchmark (bench/worker.py). A plain module,
without Odoo's test framework: the tools load it by its file path
(tools/factory.py), as importing Odoo's test framework outside a test run
logs an error. It sets no field of psi_sale: the benchmark makes the same
products on a database without psi_sale."""


def service_product(env, name, list_price, unit="day", **values):
    """A service sold by the UNIT (``uom.product_uom_<unit>``), by default the
    one psi_sale is made for: delivered on timesheets, a task per order line
    in the order's project. VALUES are more or other fields."""
    uom = env.ref(f"uom.product_uom_{unit}")
    return env["product.product"].create(
        {
            "name": name,
            "type": "service",
            "list_price": list_price,
            "uom_id": uom.id,
            "uom_po_id": uom.id,
            "invoice_policy": "delivery",
            "service_type": "timesheet",
            "service_tracking": "task_in_project",
            **values,
        }
    )
