from odoo import api, fields, models


class AccountMove(models.Model):
    """Invoices of orders: their opportunity."""

    _inherit = "account.move"

    opportunity_id = fields.Many2one(
        "crm.lead",
        compute="_compute_opportunity_id",
        store=True,
        index="btree_not_null",
        groups="sales_team.group_sale_salesman",
        help="The opportunity of the invoiced orders.",
    )

    @api.depends("line_ids.sale_line_ids.order_id.opportunity_id")
    def _compute_opportunity_id(self):
        for move in self:
            move.opportunity_id = move.line_ids.sale_line_ids.order_id.opportunity_id[
                :1
            ]
