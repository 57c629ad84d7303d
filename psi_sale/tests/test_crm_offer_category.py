import ast

from lxml import etree

from odoo.exceptions import ValidationError
from odoo.fields import Command
from odoo.tests import Form, tagged

from .common import PsiCommon


@tagged("post_install", "-at_install")
class TestCrmOfferCategory(PsiCommon):
    """Offer categories are tags: picked apart, kept in tag_ids, never lost."""

    def _lead(self, **values):
        return self.env["crm.lead"].create(
            dict(
                {"name": "Projet de transformation", "partner_name": "Dupont SA"},
                **values,
            )
        )

    def test_offer_categories_are_kept_in_the_tags(self):
        lead = self._lead(tag_ids=[Command.set(self.tag_plain.ids)])
        lead.offer_category_ids = self.category_consulting + self.category_audit
        self.assertEqual(
            lead.tag_ids,
            self.tag_plain + self.category_consulting + self.category_audit,
        )
        lead.offer_category_ids = self.category_audit
        self.assertEqual(lead.tag_ids, self.tag_plain + self.category_audit)
        lead.tag_ids = [Command.link(self.category_consulting.id)]
        self.assertEqual(
            lead.offer_category_ids, self.category_audit + self.category_consulting
        )

    def test_offer_categories_in_the_form(self):
        with Form(self.env["crm.lead"]) as form:
            form.name = "Refonte du SI"
            form.plain_tag_ids.add(self.tag_plain)
            form.offer_category_ids.add(self.category_consulting)
            self.assertEqual(form.plain_tag_ids[:], self.tag_plain)
        lead = form.record
        self.assertEqual(lead.tag_ids, self.tag_plain + self.category_consulting)
        self.assertEqual(lead.offer_category_ids, self.category_consulting)
        self.assertEqual(lead.plain_tag_ids, self.tag_plain)

    def test_the_form_shows_offer_categories_once(self):
        """The offer categories are not shown again among the tags: the
        form's stock tag field is hidden; the one shown lists and offers the
        plain tags only."""
        for view_type in ("form", "list"):
            arch = self.env["crm.lead"].get_view(view_type=view_type)["arch"]
            for field in etree.fromstring(arch).iterfind(".//field[@name='tag_ids']"):
                self.assertIn(
                    field.get("invisible") or field.get("column_invisible"),
                    ("1", "True"),
                )
        form = self.env["crm.lead"].get_view(view_type="form")["arch"]
        self.assertTrue(etree.fromstring(form).xpath("//field[@name='plain_tag_ids']"))
        field = self.env["crm.lead"].fields_get(["plain_tag_ids"])["plain_tag_ids"]
        tags = self.env["crm.tag"].search(ast.literal_eval(field["domain"]))
        self.assertIn(self.tag_plain, tags)
        self.assertFalse(tags.filtered("is_offer_category"))
        lead = self._lead(
            tag_ids=[Command.set((self.tag_plain + self.category_audit).ids)]
        )
        self.assertEqual(lead.plain_tag_ids, self.tag_plain)
        self.assertEqual(lead.offer_category_ids, self.category_audit)

    def test_plain_tags_and_offer_categories_written_at_once(self):
        lead = self._lead(offer_category_ids=[Command.set(self.category_audit.ids)])
        other_tag = self.env["crm.tag"].create({"name": "Grand compte"})
        lead.write(
            {
                "plain_tag_ids": [Command.set((self.tag_plain + other_tag).ids)],
                "offer_category_ids": [Command.set(self.category_consulting.ids)],
            }
        )
        self.assertEqual(
            lead.tag_ids, self.tag_plain + other_tag + self.category_consulting
        )
        lead.plain_tag_ids = other_tag
        self.assertEqual(lead.tag_ids, other_tag + self.category_consulting)

    def test_only_offer_categories_can_be_picked(self):
        lead = self._lead(offer_category_ids=[Command.set(self.category_audit.ids)])
        with self.assertRaises(ValidationError) as error:
            lead.offer_category_ids = self.tag_plain
        self.assertIn("VIP", str(error.exception))
        self.assertEqual(lead.tag_ids, self.category_audit)
        with self.assertRaises(ValidationError):
            self._lead(offer_category_ids=[Command.set(self.tag_plain.ids)])
        self.assertFalse(
            self.env["crm.lead"].search([("tag_ids", "in", self.tag_plain.ids)])
        )

    def test_a_tag_becoming_a_category_shows_on_its_leads(self):
        lead = self._lead(tag_ids=[Command.set(self.tag_plain.ids)])
        self.tag_plain.is_offer_category = True
        self.assertEqual(lead.offer_category_ids, self.tag_plain)

    def test_categories_survive_conversion(self):
        lead = self._lead(
            type="lead", offer_category_ids=[Command.set(self.category_audit.ids)]
        )
        wizard = (
            self.env["crm.lead2opportunity.partner"]
            .with_context(
                active_model="crm.lead", active_id=lead.id, active_ids=lead.ids
            )
            .create({"name": "convert", "action": "nothing"})
        )
        wizard.action_apply()
        self.assertEqual(lead.type, "opportunity")
        self.assertEqual(lead.offer_category_ids, self.category_audit)

    def test_categories_survive_merge(self):
        opportunity = self._lead(
            type="opportunity",
            email_from="contact@dupont.example.com",
            offer_category_ids=[Command.set(self.category_consulting.ids)],
            tag_ids=[Command.link(self.tag_plain.id)],
        )
        lead = self._lead(
            type="lead",
            email_from="contact@dupont.example.com",
            offer_category_ids=[Command.set(self.category_audit.ids)],
        )
        wizard = (
            self.env["crm.lead2opportunity.partner"]
            .with_context(
                active_model="crm.lead", active_id=lead.id, active_ids=lead.ids
            )
            .create({"name": "merge", "action": "nothing"})
        )
        self.assertEqual(wizard.duplicated_lead_ids, opportunity + lead)
        result = wizard.action_apply()
        merged = self.env["crm.lead"].browse(result["res_id"])
        self.assertEqual(
            merged.offer_category_ids, self.category_consulting + self.category_audit
        )
        self.assertIn(self.tag_plain, merged.tag_ids)

    def test_pipeline_groups_by_offer_category(self):
        leads = self._lead(
            offer_category_ids=[Command.set(self.category_consulting.ids)],
            expected_revenue=6000,
        )
        leads += self._lead(
            offer_category_ids=[
                Command.set((self.category_consulting + self.category_audit).ids)
            ],
            expected_revenue=9000,
        )
        groups = self.env["crm.lead"]._read_group(
            [("id", "in", leads.ids)],
            ["offer_category_ids"],
            ["expected_revenue:sum"],
        )
        self.assertEqual(
            dict(groups),
            {self.category_consulting: 15000, self.category_audit: 9000},
        )

    def test_offer_of_another_company_is_refused(self):
        product_b = self.env["product.product"].create(
            {"name": "Offre B", "company_id": self.company_b.id}
        )
        self.category_audit.company_id = self.company_a
        with self.assertRaises(ValidationError) as error:
            self.category_audit.offer_product_ids = [Command.link(product_b.id)]
        self.assertIn("Offre B", str(error.exception))
        self.assertEqual(self.category_audit.offer_product_ids, self.product_audit)

    def test_offer_that_cannot_be_sold_is_refused(self):
        product = self.env["product.product"].create(
            {"name": "Frais internes", "sale_ok": False}
        )
        with self.assertRaises(ValidationError):
            self.category_audit.offer_product_ids = [Command.link(product.id)]
        self.assertEqual(self.category_audit.offer_product_ids, self.product_audit)

    def test_category_of_another_company_is_refused_on_a_lead(self):
        self.category_audit.company_id = self.company_b
        lead = self._lead(company_id=self.company_a.id)
        with self.assertRaises(ValidationError):
            lead.offer_category_ids = self.category_audit
        self.assertFalse(lead.tag_ids)
