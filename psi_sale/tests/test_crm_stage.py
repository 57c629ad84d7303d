from odoo.exceptions import AccessError, ValidationError
from odoo.fields import Command
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from .common import PsiCommon


@tagged("post_install", "-at_install")
class TestCrmStage(PsiCommon):
    """Each company's lifecycle: its stages, their probability, their requirements."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a.crm_stage_rules = True
        Stage = cls.env["crm.stage"]
        cls.stage_new = Stage.create({"name": "Découverte", "sequence": 1})
        cls.stage_40 = Stage.create(
            {
                "name": "Qualifié 40",
                "sequence": 2,
                "set_probability": True,
                "default_probability": 40,
            }
        )
        cls.stage_proposal = Stage.create(
            {
                "name": "Proposition chiffrée",
                "sequence": 3,
                "set_probability": True,
                "default_probability": 60,
                "required_field_ids": [
                    Command.set(
                        [
                            cls.env.ref("crm.field_crm_lead__expected_revenue").id,
                            cls.env.ref(
                                "psi_sale.field_crm_lead__offer_category_ids"
                            ).id,
                        ]
                    )
                ],
            }
        )
        cls.stage_won = Stage.create({"name": "Signé", "sequence": 10, "is_won": True})
        cls.stage_of_a = Stage.create(
            {"name": "Étape A", "company_id": cls.company_a.id}
        )
        cls.stage_of_b = Stage.create(
            {"name": "Étape B", "company_id": cls.company_b.id}
        )
        cls.opportunity = cls.env["crm.lead"].create(
            {
                "name": "Accompagnement ERP",
                "type": "opportunity",
                "company_id": cls.company_a.id,
                "stage_id": cls.stage_new.id,
                "user_id": cls.salesman_all.id,
            }
        )

    def test_each_company_sees_its_own_and_shared_stages(self):
        stages_a = self.env["crm.stage"].with_user(self.salesman_all).search([])
        self.assertIn(self.stage_of_a, stages_a)
        self.assertIn(self.stage_new, stages_a)
        self.assertNotIn(self.stage_of_b, stages_a)
        stages_b = self.env["crm.stage"].with_user(self.salesman_b).search([])
        self.assertIn(self.stage_of_b, stages_b)
        self.assertIn(self.stage_new, stages_b)
        self.assertNotIn(self.stage_of_a, stages_b)
        with self.assertRaises(AccessError):
            self.stage_of_b.with_user(self.salesman_all).read(["name"])

    def test_stage_domain_offers_only_the_company_stages(self):
        Lead = self.env["crm.lead"].with_context(
            allowed_company_ids=(self.company_a + self.company_b).ids
        )
        domain = safe_eval(
            Lead._fields["stage_id"].domain,
            {"team_id": False, "company_id": self.company_a.id},
        )
        offered = self.env["crm.stage"].search(domain)
        self.assertIn(self.stage_of_a, offered)
        self.assertIn(self.stage_new, offered)
        self.assertNotIn(self.stage_of_b, offered)

    def test_a_lead_cannot_move_to_another_company_stage(self):
        with self.assertRaises(ValidationError) as error:
            self.opportunity.stage_id = self.stage_of_b
        self.assertIn("Étape B", str(error.exception))
        self.assertEqual(self.opportunity.stage_id, self.stage_new)
        self.opportunity.stage_id = self.stage_of_a
        self.assertEqual(self.opportunity.stage_id, self.stage_of_a)

    def test_new_leads_start_in_a_stage_of_their_company(self):
        self.stage_of_b.sequence = 0
        lead_b = (
            self.env["crm.lead"]
            .with_user(self.salesman_b)
            .create({"name": "Piste B", "type": "opportunity"})
        )
        self.assertEqual(lead_b.stage_id, self.stage_of_b)
        lead_a = (
            self.env["crm.lead"]
            .with_context(allowed_company_ids=(self.company_a + self.company_b).ids)
            .create(
                {
                    "name": "Piste A",
                    "type": "opportunity",
                    "company_id": self.company_a.id,
                }
            )
        )
        self.assertNotEqual(lead_a.stage_id, self.stage_of_b)

    def test_entering_a_stage_sets_its_probability(self):
        self.opportunity.stage_id = self.stage_40
        self.assertEqual(self.opportunity.probability, 40)
        self.opportunity.probability = 55
        self.opportunity.write(
            {"email_from": "dsi@client.example.com", "priority": "2"}
        )
        self.assertEqual(self.opportunity.probability, 55, "a manual probability stays")
        self.opportunity.stage_id = self.stage_won
        self.assertEqual(self.opportunity.probability, 100)

    def test_entering_a_stage_in_the_form_sets_its_probability(self):
        with Form(self.opportunity) as form:
            form.stage_id = self.stage_40
            self.assertEqual(form.probability, 40)
            form.probability = 35
        self.assertEqual(self.opportunity.probability, 35)

    def test_created_in_a_stage_keeps_stock_probability(self):
        """Only moves apply the stage's rules: stock Odoo's predictive lead
        scoring still gives new leads their probability."""
        lead = self.env["crm.lead"].create(
            {
                "name": "Nouvelle piste",
                "type": "opportunity",
                "stage_id": self.stage_40.id,
            }
        )
        self.assertEqual(lead.probability, lead.automated_probability)
        created_in_proposal = self.env["crm.lead"].create(
            {
                "name": "Import",
                "type": "opportunity",
                "stage_id": self.stage_proposal.id,
            }
        )
        self.assertEqual(created_in_proposal.stage_id, self.stage_proposal)
        lead.stage_id = self.stage_new
        lead.stage_id = self.stage_40
        self.assertEqual(lead.probability, 40)

    def test_companies_without_stage_rules_keep_stock_behaviour(self):
        self.company_a.crm_stage_rules = False
        self.opportunity.stage_id = self.stage_40
        self.assertEqual(
            self.opportunity.probability, self.opportunity.automated_probability
        )
        self.opportunity.stage_id = self.stage_proposal
        self.assertEqual(self.opportunity.stage_id, self.stage_proposal)

    def test_a_stage_without_default_keeps_the_probability(self):
        self.opportunity.stage_id = self.stage_40
        self.opportunity.stage_id = self.stage_new
        self.assertEqual(self.opportunity.probability, 40)

    def test_missing_required_fields_keep_the_lead_in_its_stage(self):
        with self.assertRaises(ValidationError) as error:
            self.opportunity.stage_id = self.stage_proposal
        self.assertIn("Expected Revenue, Offer Categories", str(error.exception))
        self.assertEqual(self.opportunity.stage_id, self.stage_new)
        self.opportunity.expected_revenue = 12000
        with self.assertRaises(ValidationError) as error:
            self.opportunity.stage_id = self.stage_proposal
        self.assertIn("Offer Categories", str(error.exception))
        self.assertNotIn("Expected Revenue", str(error.exception))
        self.opportunity.offer_category_ids = self.category_consulting
        self.opportunity.stage_id = self.stage_proposal
        self.assertEqual(self.opportunity.stage_id, self.stage_proposal)
        self.assertEqual(self.opportunity.probability, 60)

    def test_kanban_move_with_missing_field_is_refused(self):
        """The kanban moves a card with a write of its stage, as the user."""
        opportunity = self.opportunity.with_user(self.salesman_all)
        with self.assertRaises(ValidationError) as error:
            opportunity.write({"stage_id": self.stage_proposal.id})
        self.assertIn("Expected Revenue", str(error.exception))
        self.assertEqual(self.opportunity.stage_id, self.stage_new)

    def test_default_probability_out_of_range_is_refused(self):
        for probability in (-1, 100.5, 250):
            with self.subTest(probability=probability):
                with self.assertRaises(ValidationError):
                    self.env["crm.stage"].create(
                        {
                            "name": "Hors bornes",
                            "set_probability": True,
                            "default_probability": probability,
                        }
                    )
                with self.assertRaises(ValidationError):
                    self.stage_40.default_probability = probability
                self.assertEqual(self.stage_40.default_probability, 40)
        self.assertFalse(self.env["crm.stage"].search([("name", "=", "Hors bornes")]))

    def test_required_fields_must_be_lead_fields(self):
        with self.assertRaises(ValidationError):
            self.stage_40.required_field_ids = self.env.ref(
                "base.field_res_partner__email"
            )
        self.assertFalse(self.stage_40.required_field_ids)

    def test_shipped_french_lifecycle(self):
        stages = (
            self.env.ref("crm.stage_lead1")
            + self.env.ref("crm.stage_lead2")
            + self.env.ref("crm.stage_lead3")
            + self.env.ref("psi_sale.crm_stage_negotiation")
            + self.env.ref("crm.stage_lead4")
        )
        self.assertEqual(stages.sorted("sequence"), stages)
        self.assertEqual(
            stages.with_context(lang="fr_FR").mapped("name"),
            ["Nouveau", "Qualifié", "Proposition", "Négociation", "Gagné"],
        )
        self.assertEqual(stages[:4].mapped("default_probability"), [10, 30, 50, 70])
        self.assertTrue(stages[4].is_won)
