from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

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
