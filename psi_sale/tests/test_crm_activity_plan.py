from odoo.tests import tagged

from .common import PsiCommon


@tagged("post_install", "-at_install")
class TestCrmActivityPlan(PsiCommon):
    def test_salesperson_launches_the_new_opportunity_plan(self):
        plan = self.env.ref("psi_sale.activity_plan_new_opportunity")
        opportunity = self.env["crm.lead"].create(
            {
                "name": "Migration Odoo",
                "type": "opportunity",
                "user_id": self.salesman_all.id,
            }
        )
        wizard = (
            self.env["mail.activity.schedule"]
            .with_user(self.salesman_all)
            .with_context(active_model="crm.lead", active_ids=opportunity.ids)
            .create(
                {"plan_id": plan.id, "plan_on_demand_user_id": self.salesman_all.id}
            )
        )
        wizard.action_schedule_plan()
        activities = opportunity.activity_ids.sorted("date_deadline")
        self.assertEqual(
            activities.mapped("activity_type_id"),
            self.env.ref("mail.mail_activity_data_call")
            + self.env.ref("mail.mail_activity_data_meeting")
            + self.env.ref("mail.mail_activity_data_email"),
        )
        self.assertEqual(activities.user_id, self.salesman_all)
