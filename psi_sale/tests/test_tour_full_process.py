from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .factory import service_product


@tagged("post_install", "-at_install")
class TestTourFullProcess(HttpCase):
    """The whole process in a real browser (tour ``psi_sale_full_process``):
    trade-show lead, opportunity, quotation, order, down payment invoice."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.crm_stage_rules = True
        if not cls.env.company.external_report_layout_id:
            # else sending the quotation first asks for the document layout
            cls.env.company.external_report_layout_id = cls.env.ref(
                "web.external_layout_standard"
            )
        # sold by the unit, invoiced on order, as a plain service
        on_order = {
            "unit": "unit",
            "invoice_policy": "order",
            "service_type": "manual",
            "taxes_id": [Command.clear()],
        }
        cls.products = cls.env["product.product"].concat(
            *(
                service_product(
                    cls.env, name, price, service_tracking=tracking, **on_order
                )
                for name, price, tracking in (
                    ("Tour Conseil jour", 600, "task_in_project"),
                    ("Tour Formation jour", 900, "no"),
                    ("Tour Audit forfait", 3000, "no"),
                )
            )
        )
        cls.categories = cls.env["crm.tag"].create(
            [
                {
                    "name": "Tour Conseil",
                    "is_offer_category": True,
                    "offer_product_ids": [Command.set(cls.products[:2].ids)],
                },
                {
                    "name": "Tour Audit",
                    "is_offer_category": True,
                    "offer_product_ids": [Command.set(cls.products[2].ids)],
                },
            ]
        )
        cls.proposition = cls.env.ref("crm.stage_lead3")

    def _run_tour(self, lang):
        """Run the tour as a new sales manager who invoices, in ``lang``."""
        self.env["res.lang"]._activate_lang(lang)
        user = new_test_user(
            self.env,
            f"psi_tour_{lang}",
            "sales_team.group_sale_manager,crm.group_use_lead,"
            "account.group_account_invoice,project.group_project_user",
            name="Camille Tour",
            lang=lang,
            tour_enabled=False,
        )
        # some 40 steps, with the order's project and tasks: more than the
        # default 60 seconds on a busy machine
        self.start_tour("/odoo", "psi_sale_full_process", login=user.login, timeout=300)
        return user

    def _assert_full_process(self, user):
        opportunity = self.env["crm.lead"].search(
            [("name", "=", "Salon Solutions RH : refonte SI")]
        )
        self.assertRecordValues(
            opportunity,
            [
                {
                    "type": "opportunity",
                    "create_uid": user.id,
                    "source_id": self.env.ref("psi_sale.utm_source_trade_show").id,
                    "offer_category_ids": self.categories.ids,
                    # raised from 4,000 to the quotation sent
                    "expected_revenue": 4500,
                    "probability": 100,
                }
            ],
        )
        self.assertTrue(opportunity.date_conversion, "converted from a lead")
        self.assertTrue(opportunity.stage_id.is_won, "won on order confirmation")
        self.assertEqual(
            opportunity.partner_id.commercial_partner_id.name, "Tour Industrie"
        )
        stages = opportunity.message_ids.tracking_value_ids.filtered(
            lambda value: value.field_id.name == "stage_id"
        )
        self.assertIn(self.proposition.id, stages.mapped("new_value_integer"))

        order = opportunity.order_ids
        self.assertEqual(len(order), 1)
        self.assertEqual(order.state, "sale")
        offers = order.order_line.filtered(lambda line: not line.is_downpayment)
        self.assertEqual(
            offers.filtered("display_type").mapped("name"),
            ["Tour Conseil", "Tour Audit"],
        )
        self.assertEqual(
            offers.filtered(lambda line: not line.display_type).product_id,
            self.products,
        )
        self.assertEqual(order.amount_untaxed, 4500)
        sent = order.message_ids.filtered(
            lambda message: opportunity.partner_id in message.partner_ids
        )
        self.assertTrue(sent, "the quotation was sent to the customer")
        self.assertTrue(order.order_line.task_id, "the consulting line has its task")

        invoice = order.invoice_ids
        self.assertRecordValues(
            invoice,
            [{"move_type": "out_invoice", "state": "draft", "amount_untaxed": 1350}],
        )
        self.assertTrue(invoice.invoice_line_ids.sale_line_ids.is_downpayment)

    def test_full_process_in_french(self):
        self._assert_full_process(self._run_tour("fr_FR"))

    def test_full_process_in_english(self):
        self._assert_full_process(self._run_tour("en_US"))
