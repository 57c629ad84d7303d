from odoo import api, fields, models


class AccountMove(models.Model):
    """Invoices of orders: their opportunity, their day, the down payment
    invoices they deduct."""

    _inherit = "account.move"

    opportunity_id = fields.Many2one(
        "crm.lead",
        compute="_compute_opportunity_id",
        store=True,
        index="btree_not_null",
        groups="sales_team.group_sale_salesman",
        help="The opportunity of the invoiced orders.",
    )
    hours_per_day = fields.Float(
        string="Hours per Day",
        compute="_compute_hours_per_day",
        digits=(16, 2),
        help="Length of a day invoiced in days: the invoiced order's.",
    )
    deducted_down_payment_ids = fields.Many2many(
        "account.move",
        string="Deducted Down Payments",
        compute="_compute_deducted_down_payment_ids",
        help="The down payment invoices that this invoice deducts.",
    )

    @api.depends("line_ids.sale_line_ids.order_id.opportunity_id")
    def _compute_opportunity_id(self):
        for move in self:
            move.opportunity_id = move.line_ids.sale_line_ids.order_id.opportunity_id[
                :1
            ]

    @api.depends("invoice_line_ids.sale_line_ids.order_id.hours_per_day")
    def _compute_hours_per_day(self):
        for move in self:
            move.hours_per_day = move.invoice_line_ids.sale_line_ids.order_id[
                :1
            ].hours_per_day

    @api.depends("invoice_line_ids.sale_line_ids.invoice_lines.move_id.state")
    def _compute_deducted_down_payment_ids(self):
        for move in self:
            down_payments = self.env["account.move"]
            if not move._is_downpayment():
                down_payments = move.invoice_line_ids.filtered(
                    "is_downpayment"
                ).sale_line_ids.invoice_lines.move_id.filtered(
                    lambda other, move=move: (
                        other.state == "posted"
                        and other != move
                        and other._is_downpayment()
                    )
                )
            move.deducted_down_payment_ids = down_payments

    def _get_deducted_down_payments(self):
        """For the invoice report: each down payment invoice deducted, with its
        amount and the amount deducted here, taxes included."""
        self.ensure_one()
        dp_lines = self.invoice_line_ids.filtered("is_downpayment")
        deducted = []
        for down_payment in self.deducted_down_payment_ids.sorted(
            lambda move: (move.invoice_date, move.id)
        ):
            sale_lines = down_payment.invoice_line_ids.sale_line_ids
            deducted.append(
                {
                    "invoice": down_payment,
                    "amount": down_payment.amount_total,
                    "deducted": -sum(
                        line.price_total
                        for line in dp_lines
                        if line.sale_line_ids & sale_lines
                    ),
                }
            )
        return deducted

    def _get_down_payment_sections(self, deleted_line_ids):
        """The sections of this invoice whose lines are all down payment lines
        among ``deleted_line_ids``: they would be left empty."""
        self.ensure_one()
        sections, block = [], None
        for line in self.invoice_line_ids.sorted(lambda line: (line.sequence, line.id)):
            if line.display_type == "line_section":
                block = [line, []]
                sections.append(block)
            elif block:
                block[1].append(line)
        return [
            section
            for section, lines in sections
            if lines
            and all(
                line.is_downpayment and line.id in deleted_line_ids for line in lines
            )
        ]
