from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

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
