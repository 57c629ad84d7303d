from odoo.fields import Command
from odoo.tests import tagged

from .common import PsiCommon


@tagged("post_install", "-at_install")
class TestOpportunityWon(PsiCommon):
    """Confirming wins the opportunity; cancelling never un-wins silently."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create({"name": "Leroy Services"})
        cls.opportunity = cls.env["crm.lead"].create(
            {
                "name": "Audit qualité",
                "type": "opportunity",
                "partner_id": cls.customer.id,
                "user_id": cls.salesman_all.id,
                "expected_revenue": 2000,
            }
        )

    def _quotation(self, price=3000):
        return self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "opportunity_id": self.opportunity.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.product_audit.id,
                            "price_unit": price,
                            "tax_id": False,
                        }
                    )
                ],
            }
        )

    def test_confirming_wins_the_opportunity(self):
        self._quotation().action_confirm()
        self.assertTrue(self.opportunity.stage_id.is_won)
        self.assertEqual(self.opportunity.probability, 100)

    def test_confirming_counts_the_win_in_lead_scoring_after_the_commit(self):
        """As stock Odoo counts a won opportunity, once the order is committed:
        two confirmations at once do not collide on the shared counts."""

        def counts():
            rows = self.env["crm.lead.scoring.frequency"].search([])
            return {
                (row.variable, row.value, row.team_id.id): (
                    row.won_count,
                    row.lost_count,
                )
                for row in rows
            }

        def counted(earlier, later):
            """The won and lost counts added between two counts()."""
            added = {
                key: tuple(
                    round(new - old, 6)
                    for old, new in zip(earlier.get(key, (0, 0)), now, strict=True)
                )
                for key, now in later.items()
            }
            return {key: pair for key, pair in added.items() if any(pair)}

        self.env.cr.postcommit.clear()  # the confirmations of other tests
        stage = {"stage_id": self.opportunity.stage_id.id}
        twins = self.opportunity.copy(stage) | self.opportunity.copy(stage)
        twins[0].action_set_won()  # the rows made as stock makes them
        before = counts()
        twins[1].action_set_won()
        won_by_stock = counts()
        self.assertTrue(counted(before, won_by_stock), "stock counts a win at once")
        self._quotation().action_confirm()
        self.assertTrue(self.opportunity.stage_id.is_won)
        self.assertEqual(counts(), won_by_stock, "not inside the confirmation")
        self.env.flush_all()
        self.registry.enter_test_mode(self.env.cr)  # its cursor: this test's
        self.addCleanup(self.registry.leave_test_mode)
        self.env.cr.postcommit.run()  # what the commit runs
        self.env.invalidate_all()  # written through another cursor
        self.assertEqual(counted(won_by_stock, counts()), counted(before, won_by_stock))

    def test_confirming_does_not_win_when_the_company_says_no(self):
        self.company_a.opportunity_won_on_order_confirm = False
        self._quotation().action_confirm()
        self.assertFalse(self.opportunity.stage_id.is_won)
        self.assertLess(self.opportunity.probability, 100)

    def test_cancelling_posts_a_note_and_asks_to_decide(self):
        first, second = self._quotation(), self._quotation()
        first._action_cancel()
        self.assertIn(first.name, self.opportunity.message_ids[0].body)
        self.assertFalse(self.opportunity.activity_ids, "a quotation is still open")
        second._action_cancel()
        self.assertIn(second.name, self.opportunity.message_ids[0].body)
        self.assertRecordValues(
            self.opportunity.activity_ids,
            [
                {
                    "user_id": self.salesman_all.id,
                    "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id,
                }
            ],
        )

    def test_cancelling_a_won_order_keeps_the_opportunity_won_with_a_note(self):
        order = self._quotation()
        order.action_confirm()
        order._action_cancel()
        self.assertTrue(self.opportunity.stage_id.is_won)
        self.assertIn(order.name, self.opportunity.message_ids[0].body)
        self.assertTrue(self.opportunity.activity_ids)

    def test_expected_revenue_raised_when_sent_and_confirmed(self):
        small, large = self._quotation(2500), self._quotation(4000)
        small.action_quotation_sent()
        self.assertEqual(self.opportunity.expected_revenue, 2500)
        large.action_quotation_sent()
        self.assertEqual(self.opportunity.expected_revenue, 4000)
        small.action_confirm()
        self.assertEqual(self.opportunity.expected_revenue, 4000, "never lowered")

    def test_quotations_in_another_currency_do_not_count(self):
        usd, eur = self.env.ref("base.USD"), self.env.ref("base.EUR")
        other = eur if self.company_a.currency_id == usd else usd
        other.active = True
        pricelist = self.env["product.pricelist"].create(
            {"name": "Autre devise", "currency_id": other.id}
        )
        quotation = self._quotation(10000)
        quotation.pricelist_id = pricelist
        quotation.action_quotation_sent()
        self.assertEqual(quotation.currency_id, other)
        self.assertEqual(self.opportunity.expected_revenue, 2000)
