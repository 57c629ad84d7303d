from odoo import api, fields, models
from odoo.exceptions import ValidationError

DAY_ROUNDING = [
    ("none", "No rounding"),
    ("quarter", "Quarter day"),
    ("half", "Half day"),
]
OVERRUN_POLICY = [
    ("invoice", "Invoice all the time delivered"),
    ("cap", "Invoice at most the ordered quantity"),
]
OVERRUN_POLICY_HELP = (
    "Time delivered beyond the ordered quantity: invoiced like the rest (Odoo's "
    "standard), or never invoiced unless the ordered quantity is raised (it "
    "stays visible on the order)."
)


def check_hours_per_day(records, field_name):
    """Refuse a length of day that is not within (0, 24] hours (empty allowed
    where the field is optional: it is then ``0``)."""
    for record in records:
        hours = record[field_name]
        if (
            hours < 0
            or hours > 24
            or (hours == 0 and record._fields[field_name].required)
        ):
            raise ValidationError(
                records.env._(
                    "%(record)s: hours per working day must be more than 0 and "
                    "at most 24 (%(hours)s given).",
                    record=record.display_name,
                    hours=hours,
                )
            )


class ResCompany(models.Model):
    _inherit = "res.company"

    timesheet_hours_per_day = fields.Float(
        string="Hours per Working Day",
        compute="_compute_timesheet_hours_per_day",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        digits=(16, 2),
        help="How many hours make a day sold or invoiced in days: the default "
        "of the company's orders.",
    )
    timesheet_day_rounding = fields.Selection(
        DAY_ROUNDING,
        string="Rounding of Delivered Days",
        default="none",
        required=True,
        help="Default rounding (up) of the days delivered on timesheets.",
    )

    crm_stage_rules = fields.Boolean(
        string="Stage Rules",
        help="Moving an opportunity into a stage sets the stage's default "
        "probability and requires the stage's required fields.",
    )
    quotation_offer_lines = fields.Selection(
        [
            ("lines", "Order lines"),
            ("optional", "Optional products"),
            ("none", "Nothing"),
        ],
        string="Offers on Quotations",
        default="lines",
        required=True,
        help="What a quotation made from an opportunity gets from its offer "
        "categories: one section per category with a line per offer, the offers "
        "as optional products, or nothing.",
    )
    opportunity_won_on_order_confirm = fields.Boolean(
        string="Won on Order Confirmation",
        default=True,
        help="Confirming a quotation (or its signature by the customer) marks "
        "its opportunity won.",
    )

    down_payment_deduction = fields.Selection(
        [
            ("full", "All on the first regular invoice"),
            ("capped", "As soon as possible, up to each invoice's amount"),
            ("proportional", "In proportion to each invoice's share of the order"),
        ],
        default="capped",
        required=True,
        help="How regular invoices deduct the down payments invoiced: all at "
        "once on the first one (Odoo's standard, which turns an invoice smaller "
        "than the down payments into a credit note); as much as each invoice's "
        "amount allows, the rest on the next ones (the default: Odoo's invoice "
        "whenever the down payments fit in it, never a credit note); or in "
        "proportion to the share of the order each invoice bills, the invoice "
        "completing the order deducting what remains.",
    )

    overrun_policy = fields.Selection(
        OVERRUN_POLICY,
        string="Time over the Ordered Quantity",
        default="invoice",
        required=True,
        help=OVERRUN_POLICY_HELP,
    )

    @api.depends("resource_calendar_id")
    def _compute_timesheet_hours_per_day(self):
        for company in self:
            if not company.timesheet_hours_per_day:
                company.timesheet_hours_per_day = company._get_hours_per_day()

    @api.constrains("timesheet_hours_per_day")
    def _check_timesheet_hours_per_day(self):
        check_hours_per_day(self, "timesheet_hours_per_day")

    def _get_hours_per_day(self, partner=None):
        """The length of a working day, in hours, for PARTNER's contract with
        this company: the customer's contractual day, else the company's, else
        its working schedule's, else the 8 hours of Odoo's Days unit. The one
        place of this chain: orders take it, their lines and tasks the order's."""
        self.ensure_one()
        return (
            (partner and partner.commercial_partner_id.timesheet_hours_per_day)
            or self.timesheet_hours_per_day
            or self.resource_calendar_id.hours_per_day
            or 8.0
        )
