from odoo.exceptions import AccessError
from odoo.fields import Command
from odoo.tests import tagged

from .common import PsiCommon


@tagged("post_install", "-at_install")
class TestCrmAccess(PsiCommon):
    """Who sees leads, stages and offer categories."""

    def test_salesman_own_documents_uses_offer_categories_on_own_leads(self):
        Lead = self.env["crm.lead"].with_user(self.salesman_own)
        own = Lead.create({"name": "Ma piste", "user_id": self.salesman_own.id})
        other = self.env["crm.lead"].create(
            {"name": "Piste d'un collègue", "user_id": self.salesman_all.id}
        )
        self.assertEqual(Lead.search([("id", "in", (own + other).ids)]), own)
        own.offer_category_ids = self.category_consulting
        self.assertEqual(own.offer_category_ids, self.category_consulting)
        categories = (
            self.env["crm.tag"]
            .with_user(self.salesman_own)
            .search(
                [
                    ("is_offer_category", "=", True),
                    ("id", "in", (self.category_consulting + self.category_audit).ids),
                ]
            )
        )
        self.assertEqual(categories, self.category_consulting + self.category_audit)
        self.assertEqual(
            categories.offer_product_ids,
            self.product_consulting + self.product_training + self.product_audit,
        )
        with self.assertRaises(AccessError):
            other.with_user(self.salesman_own).read(["name"])

    def test_tags_of_another_company_are_hidden(self):
        self.category_audit.company_id = self.company_b
        tags = self.env["crm.tag"].with_user(self.salesman_all).search([])
        self.assertIn(self.category_consulting, tags)
        self.assertNotIn(self.category_audit, tags)

    def test_portal_user_cannot_read_stages_or_tags(self):
        stage = self.env.ref("crm.stage_lead1")
        with self.assertRaises(AccessError):
            stage.with_user(self.portal_user).read(["name"])
        with self.assertRaises(AccessError):
            self.category_consulting.with_user(self.portal_user).read(["name"])
        with self.assertRaises(AccessError):
            self.env["crm.tag"].with_user(self.portal_user).create(
                {
                    "name": "Intrus",
                    "is_offer_category": True,
                    "offer_product_ids": [Command.link(self.product_audit.id)],
                }
            )

    def test_offer_categories_are_configured_by_managers_menu(self):
        menu = self.env.ref("psi_sale.menu_crm_offer_category")
        visible_to_salesman = (
            self.env["ir.ui.menu"].with_user(self.salesman_all)._visible_menu_ids()
        )
        self.assertNotIn(menu.id, visible_to_salesman)
        self.assertIn(
            menu.id,
            self.env["ir.ui.menu"].with_user(self.sales_manager)._visible_menu_ids(),
        )
