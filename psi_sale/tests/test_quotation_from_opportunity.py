from odoo.fields import Command
from odoo.tests import Form, tagged, warmup

from .common import PsiCommon


@tagged("post_install", "-at_install")
class TestQuotationFromOpportunity(PsiCommon):
    """The more complete the opportunity, the less there is to add on the quote."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create(
            {"name": "Dupont SA", "is_company": True, "lang": "en_US"}
        )
        cls.contact = cls.env["res.partner"].create(
            {"name": "Marie Dupont", "parent_id": cls.customer.id}
        )
        cls.campaign = cls.env["utm.campaign"].create({"name": "Salon Solutions 2026"})
        cls.opportunity = cls.env["crm.lead"].create(
            {
                "name": "Refonte du système d'information",
                "type": "opportunity",
                "partner_id": cls.customer.id,
                "contact_name": "Marie Dupont",
                "description": "<p>Besoin : refonte complète, démarrage en mars.</p>",
                "user_id": cls.salesman_all.id,
                "campaign_id": cls.campaign.id,
                "source_id": cls.env.ref("psi_sale.utm_source_trade_show").id,
                "tag_ids": [Command.set(cls.tag_plain.ids)],
                "offer_category_ids": [
                    Command.set((cls.category_consulting + cls.category_audit).ids)
                ],
            }
        )

    def _new_quotation(self, opportunity=None):
        """What the "New Quotation" button of the opportunity gives, saved."""
        action = (opportunity or self.opportunity).action_sale_quotations_new()
        with Form(self.env["sale.order"].with_context(**action["context"])) as form:
            pass
        return form.record

    def test_quotation_holds_what_the_opportunity_knows(self):
        quotation = self._new_quotation()
        self.assertRecordValues(
            quotation,
            [
                {
                    "partner_id": self.contact.id,
                    "opportunity_id": self.opportunity.id,
                    "user_id": self.salesman_all.id,
                    "team_id": self.opportunity.team_id.id,
                    "company_id": self.company_a.id,
                    "campaign_id": self.campaign.id,
                    "source_id": self.env.ref("psi_sale.utm_source_trade_show").id,
                    "origin": "Refonte du système d'information",
                }
            ],
        )
        self.assertIn("refonte complète", quotation.internal_note)
        self.assertEqual(
            quotation.tag_ids,
            self.tag_plain + self.category_consulting + self.category_audit,
        )
        sections = quotation.order_line.filtered(
            lambda line: line.display_type == "line_section"
        )
        self.assertEqual(sections.mapped("name"), ["Conseil", "Audit"])
        products = quotation.order_line.filtered(lambda line: not line.display_type)
        self.assertRecordValues(
            products,
            [
                {"product_id": self.product_consulting.id, "product_uom_qty": 1},
                {"product_id": self.product_training.id, "product_uom_qty": 1},
                {"product_id": self.product_audit.id, "product_uom_qty": 1},
            ],
        )
        self.assertEqual(quotation.amount_untaxed, 600 + 900 + 3000)
        self.assertFalse(quotation.sale_order_option_ids)

    def test_offers_as_optional_products(self):
        self.company_a.quotation_offer_lines = "optional"
        quotation = self._new_quotation()
        self.assertFalse(quotation.order_line)
        self.assertEqual(
            quotation.sale_order_option_ids.product_id,
            self.product_consulting + self.product_training + self.product_audit,
        )
        self.assertEqual(set(quotation.sale_order_option_ids.mapped("quantity")), {1})

    def test_no_offers_when_the_company_wants_none(self):
        self.company_a.quotation_offer_lines = "none"
        quotation = self._new_quotation()
        self.assertFalse(quotation.order_line)
        self.assertFalse(quotation.sale_order_option_ids)
        self.assertEqual(quotation.opportunity_id, self.opportunity)

    def test_quotation_template_still_applies(self):
        template = self.env["sale.order.template"].create(
            {
                "name": "Modèle standard",
                "sale_order_template_line_ids": [
                    Command.create(
                        {"product_id": self.product_training.id, "product_uom_qty": 2}
                    )
                ],
            }
        )
        self.company_a.sale_order_template_id = template
        quotation = self._new_quotation()
        self.assertEqual(quotation.sale_order_template_id, template)
        self.assertEqual(quotation.order_line[0].product_id, self.product_training)
        self.assertEqual(quotation.order_line[0].product_uom_qty, 2)
        self.assertEqual(
            quotation.order_line.filtered(
                lambda line: line.display_type == "line_section"
            ).mapped("name"),
            ["Conseil", "Audit"],
        )
        self.assertEqual(
            len(quotation.order_line.filtered(lambda line: not line.display_type)), 4
        )

    def test_without_customer_the_partner_wizard_comes_first(self):
        self.opportunity.partner_id = False
        action = self.opportunity.action_sale_quotations_new()
        self.assertEqual(action["res_model"], "crm.quotation.partner")

    def test_offer_that_cannot_be_sold_is_skipped_with_a_note(self):
        product_b = self.env["product.product"].create({"name": "Offre Belgique"})
        self.category_audit.offer_product_ids = [Command.link(product_b.id)]
        product_b.company_id = self.company_b  # after it became an offer
        self.product_training.sale_ok = False
        self.product_consulting.active = False
        quotation = self._new_quotation()
        notes = quotation.order_line.filtered(
            lambda line: line.display_type == "line_note"
        )
        self.assertEqual(len(notes), 3)
        self.assertIn(self.product_training.name, " ".join(notes.mapped("name")))
        self.assertIn("Offre Belgique", " ".join(notes.mapped("name")))
        self.assertEqual(
            quotation.order_line.filtered(
                lambda line: not line.display_type
            ).product_id,
            self.product_audit,
        )

    def test_quotation_without_opportunity_is_stock(self):
        with Form(self.env["sale.order"]) as form:
            form.partner_id = self.customer
        self.assertFalse(form.record.order_line)
        self.assertFalse(form.record.internal_note)


@tagged("post_install", "-at_install")
class TestQuotationFromOpportunityQueries(PsiCommon):
    """Offers cost a constant number of queries, not one per offer."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        products = cls.env["product.product"].create(
            [
                {"name": f"Offre {index}", "list_price": 100 + index}
                for index in range(50)
            ]
        )
        categories = cls.env["crm.tag"].create(
            [
                {
                    "name": f"Catégorie {index}",
                    "is_offer_category": True,
                    "offer_product_ids": [
                        Command.set(products[index * 10 : index * 10 + 10].ids)
                    ],
                }
                for index in range(5)
            ]
        )
        customer = cls.env["res.partner"].create({"name": "Client volume"})
        cls.bare, cls.full = cls.env["crm.lead"].create(
            [
                {
                    "name": "Sans offre",
                    "type": "opportunity",
                    "partner_id": customer.id,
                },
                {
                    "name": "Cinq catégories",
                    "type": "opportunity",
                    "partner_id": customer.id,
                    "offer_category_ids": [Command.set(categories.ids)],
                },
            ]
        )

    @warmup
    def test_50_offers_cost_at_most_10_more_queries_than_the_same_lines_by_hand(self):
        """Creating 55 lines costs what stock Odoo makes it cost; pre-filling
        them from the opportunity adds at most 10 queries, whatever their
        number."""
        lines = self.full._prepare_quotation_offer_values(self.env.company)[
            "order_line"
        ]
        self.env.invalidate_all()
        self.env.flush_all()
        before = self.cr.sql_log_count
        by_hand = self.env["sale.order"].create(
            {"partner_id": self.full.partner_id.id, "order_line": lines}
        )
        self.env.flush_all()
        stock = self.cr.sql_log_count - before
        self.env.invalidate_all()
        context = self.full.action_sale_quotations_new()["context"]
        with self.assertQueryCount(stock + 10):
            quotation = self.env["sale.order"].with_context(**context).create({})
        self.assertEqual(len(quotation.order_line), len(by_hand.order_line))
        self.assertEqual(len(quotation.order_line), 55)
