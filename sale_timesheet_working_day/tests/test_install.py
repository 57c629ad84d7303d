from odoo.tests import TransactionCase

from odoo.addons.sale_timesheet_working_day.hooks import keep_odoo_day_on_orders


class TestInstall(TransactionCase):
    """The addon's views load; orders made before it keep Odoo's day."""

    def test_every_view_renders(self):
        data = self.env["ir.model.data"].search(
            [
                ("module", "=", "sale_timesheet_working_day"),
                ("model", "=", "ir.ui.view"),
            ]
        )
        views = self.env["ir.ui.view"].browse(data.mapped("res_id"))
        self.assertEqual(len(views), 8)
        for view in views.filtered(lambda view: view.type != "qweb"):
            with self.subTest(view=view.xml_id):
                root = view
                while root.mode == "extension":
                    root = root.inherit_id
                result = self.env[view.model].get_views([(root.id, view.type)])
                arch = result["views"][view.type]["arch"]
                self.assertTrue(arch.startswith(f"<{view.type}"), arch[:80])

    def test_orders_made_before_keep_odoo_day(self):
        """Installed on a database in use, the orders already there keep the
        8 hours of Odoo's Days unit, whatever the company's working day."""
        self.env.company.timesheet_hours_per_day = 7
        order = self.env["sale.order"].create(
            {"partner_id": self.env["res.partner"].create({"name": "Client"}).id}
        )
        self.assertEqual(order.hours_per_day, 7)
        keep_odoo_day_on_orders(self.env)
        self.env.invalidate_all()
        self.assertEqual(order.hours_per_day, 8)
