from lxml import etree

from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import PsiCommon


@tagged("post_install", "-at_install")
class TestCrmOrigin(PsiCommon):
    """Leads come from a trade show, an incoming letter, a campaign or prospecting."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.campaign = cls.env["utm.campaign"].create({"name": "Mailing rentrée"})
        Lead = cls.env["crm.lead"]
        ref = cls.env.ref
        cls.lead_trade_show = Lead.create(
            {
                "name": "Rencontré au salon",
                "source_id": ref("psi_sale.utm_source_trade_show").id,
            }
        )
        cls.lead_letter = Lead.create(
            {
                "name": "Courrier de demande",
                "source_id": ref("psi_sale.utm_source_incoming_letter").id,
                "medium_id": ref("psi_sale.utm_medium_mail").id,
            }
        )
        cls.lead_campaign = Lead.create(
            {"name": "Retour mailing", "campaign_id": cls.campaign.id}
        )
        cls.lead_prospecting = Lead.create(
            {
                "name": "Idée de prospection",
                "source_id": ref("psi_sale.utm_source_prospecting").id,
            }
        )
        cls.leads = (
            cls.lead_trade_show
            + cls.lead_letter
            + cls.lead_campaign
            + cls.lead_prospecting
        )

    def _filter_domain(self, view_xmlid, filter_name):
        view = self.env.ref(view_xmlid)
        arch = self.env["crm.lead"].get_views([(view.id, "search")])["views"]["search"][
            "arch"
        ]
        node = etree.fromstring(arch).find(f".//filter[@name='{filter_name}']")
        self.assertIsNotNone(node, f"filter {filter_name} in {view_xmlid}")
        return safe_eval(node.get("domain"))

    def test_each_origin_has_its_filter_on_leads_and_pipeline(self):
        expected = {
            "origin_trade_show": self.lead_trade_show,
            "origin_incoming_letter": self.lead_letter,
            "origin_campaign": self.lead_campaign,
            "origin_prospecting": self.lead_prospecting,
        }
        for view in (
            "crm.view_crm_case_leads_filter",
            "crm.view_crm_case_opportunities_filter",
        ):
            for filter_name, lead in expected.items():
                with self.subTest(view=view, filter=filter_name):
                    domain = self._filter_domain(view, filter_name)
                    found = self.env["crm.lead"].search(
                        domain + [("id", "in", self.leads.ids)]
                    )
                    self.assertEqual(found, lead)

    def test_leads_group_by_source(self):
        groups = self.env["crm.lead"].read_group(
            [("id", "in", self.leads.ids)], ["source_id"], ["source_id"]
        )
        counts = {
            group["source_id"][1] if group["source_id"] else False: group[
                "source_id_count"
            ]
            for group in groups
        }
        self.assertEqual(
            counts,
            {
                "Salon professionnel": 1,
                "Courrier entrant": 1,
                "Prospection": 1,
                False: 1,
            },
        )

    def test_origin_stands_at_the_top_of_the_form(self):
        arch = self.env["crm.lead"].get_views([(False, "form")])["views"]["form"][
            "arch"
        ]
        origin = etree.fromstring(arch).find(".//group[@name='psi_origin']")
        self.assertEqual(
            [field.get("name") for field in origin.iter("field")],
            ["offer_category_ids", "source_id", "medium_id", "campaign_id"],
        )
