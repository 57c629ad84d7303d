from odoo.fields import Command
from odoo.tests import new_test_user

from odoo.addons.base.tests.common import BaseCommon


class PsiCrmCommon(BaseCommon):
    """Two companies, their salespeople, offer categories and their offers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "PSI Company B"})
        companies = {"company_id": cls.company_a.id, "company_ids": cls.company_a.ids}
        cls.salesman_own = new_test_user(
            cls.env, "psi_salesman_own", "sales_team.group_sale_salesman", **companies
        )
        cls.salesman_all = new_test_user(
            cls.env,
            "psi_salesman_all",
            "sales_team.group_sale_salesman_all_leads",
            **companies,
        )
        cls.sales_manager = new_test_user(
            cls.env, "psi_sales_manager", "sales_team.group_sale_manager", **companies
        )
        cls.salesman_b = new_test_user(
            cls.env,
            "psi_salesman_b",
            "sales_team.group_sale_salesman_all_leads",
            company_id=cls.company_b.id,
            company_ids=cls.company_b.ids,
        )
        cls.portal_user = new_test_user(cls.env, "psi_portal", "base.group_portal")

        products = cls.env["product.product"].create(
            [
                {"name": "Conseil (jour)", "type": "service", "list_price": 600},
                {"name": "Formation (jour)", "type": "service", "list_price": 900},
                {"name": "Audit forfaitaire", "type": "service", "list_price": 3000},
            ]
        )
        cls.product_consulting, cls.product_training, cls.product_audit = products
        cls.category_consulting = cls.env["crm.tag"].create(
            {
                "name": "Conseil",
                "is_offer_category": True,
                "offer_product_ids": [Command.set(products[:2].ids)],
            }
        )
        cls.category_audit = cls.env["crm.tag"].create(
            {
                "name": "Audit",
                "is_offer_category": True,
                "offer_product_ids": [Command.set(cls.product_audit.ids)],
            }
        )
        cls.tag_plain = cls.env["crm.tag"].create({"name": "VIP"})
