from odoo.fields import Command
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    """The addon installs with its dependencies; its menus and views load."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.module = cls.env["ir.module.module"].search([("name", "=", "psi_sale")])
        cls.module_data = cls.env["ir.model.data"].search([("module", "=", "psi_sale")])

    def _records(self, model):
        ids = self.module_data.filtered(lambda data: data.model == model).mapped(
            "res_id"
        )
        return self.env[model].browse(ids)

    def test_installed_with_its_dependencies(self):
        self.assertEqual(self.module.state, "installed")
        self.assertTrue(self.module.application, "listed among the Apps")
        dependencies = self.module.dependencies_id
        self.assertLessEqual(
            {
                "crm",
                "sale_crm",
                "sale_management",
                "sale_project",
                "sale_timesheet_working_day",
            },
            set(dependencies.mapped("name")),
        )
        self.assertEqual(set(dependencies.depend_id.mapped("state")), {"installed"})

    def test_every_view_renders(self):
        views = self._records("ir.ui.view").filtered(lambda view: view.type != "qweb")
        self.assertTrue(views, "psi_sale ships views")
        for view in views:
            with self.subTest(view=view.xml_id):
                root = view
                while root.mode == "extension":
                    root = root.inherit_id
                result = self.env[view.model].get_views([(root.id, view.type)])
                arch = result["views"][view.type]["arch"]
                self.assertTrue(arch.startswith(f"<{view.type}"), arch[:80])

    def test_every_menu_opens(self):
        menus = self._records("ir.ui.menu")
        visible = self.env["ir.ui.menu"].load_menus(debug=False)
        for menu in menus:
            with self.subTest(menu=menu.complete_name):
                self.assertIn(menu.id, visible, "the menu is shown to the admin")
                if menu.action:
                    self.assertTrue(menu.action.exists())

    def test_leads_phase_on_for_internal_users(self):
        """The process starts with leads: a new internal user sees them."""
        user = self.env["res.users"].create(
            {
                "name": "Nouvelle commerciale",
                "login": "psi_new_salesperson",
                "groups_id": [
                    Command.set(self.env.ref("sales_team.group_sale_salesman").ids)
                ],
            }
        )
        self.assertTrue(user.has_group("crm.group_use_lead"))
        menus = self.env["ir.ui.menu"].with_user(user).load_menus(debug=False)
        self.assertIn(self.env.ref("crm.crm_menu_leads").id, menus)

    def test_demo_leaves_the_leads_of_a_database_in_use(self):
        """Odoo's demo leads are archived by psi_sale's demo on a database of
        demo leads alone; on one with a lead of its own, none is touched."""
        stock_demo = self.env.ref("crm.crm_case_1")
        stock_demo.write(
            {
                "active": True,
                "team_id": self.env.ref("sales_team.team_sales_department").id,
            }
        )
        self.env["crm.lead"].create({"name": "Appel entrant", "type": "lead"})
        self.env["crm.lead"]._archive_stock_demo_leads()
        self.assertTrue(stock_demo.active)
        self.assertTrue(stock_demo.team_id)
