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
