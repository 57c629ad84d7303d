from odoo import api, fields, models
from odoo.exceptions import UserError

from .res_company import DAY_ROUNDING, check_hours_per_day


class SaleOrder(models.Model):
    _inherit = "sale.order"

    hours_per_day = fields.Float(
        string="Hours per Day",
        compute="_compute_hours_per_day",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        tracking=True,
        digits=(16, 2),
        help="Length of a day sold or invoiced in days on this order: the "
        "customer's contractual day, else the company's. Fixed once the order "
        "is confirmed (a sales manager may still change it).",
    )
    day_rounding = fields.Selection(
        DAY_ROUNDING,
        string="Rounding of Delivered Days",
        compute="_compute_day_rounding",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        tracking=True,
        help="Rounding (up) of the days delivered on timesheets.",
    )

    @api.depends("partner_id", "company_id")
    def _compute_hours_per_day(self):
        for order in self:
            if order.hours_per_day and order.state not in ("draft", "sent"):
                continue  # fixed once confirmed
            order.hours_per_day = (
                order.partner_id.commercial_partner_id.timesheet_hours_per_day
                or order.company_id.timesheet_hours_per_day
                or 8.0
            )

    @api.depends("company_id")
    def _compute_day_rounding(self):
        for order in self:
            if order.day_rounding and order.state not in ("draft", "sent"):
                continue
            order.day_rounding = order.company_id.timesheet_day_rounding or "none"

    def _compute_timesheet_total_duration(self):  # pylint: disable=missing-return
        for orders in self._by_day_length():
            super(SaleOrder, orders)._compute_timesheet_total_duration()

    @api.constrains("hours_per_day")
    def _check_hours_per_day(self):
        check_hours_per_day(self, "hours_per_day")

    def write(self, vals):
        confirmed = self.browse()
        if "hours_per_day" in vals or "day_rounding" in vals:
            confirmed = self.filtered(
                lambda order: (
                    order.state not in ("draft", "sent")
                    and (
                        order.hours_per_day
                        != vals.get("hours_per_day", order.hours_per_day)
                        or order.day_rounding
                        != vals.get("day_rounding", order.day_rounding)
                    )
                )
            )
            if (
                confirmed
                and not self.env.su
                and not self.env.user.has_group("sales_team.group_sale_manager")
            ):
                raise UserError(
                    self.env._(
                        "Only a sales manager can change the length of the day "
                        "or the rounding of a confirmed order (%(orders)s).",
                        orders=", ".join(confirmed.mapped("name")),
                    )
                )
        result = super().write(vals)
        if confirmed and "hours_per_day" in vals:
            confirmed.order_line._update_task_allocated_hours()
        return result

    def _by_day_length(self):
        """These orders grouped by hours per day, each group with it in context."""
        for hours_per_day, orders in self.grouped("hours_per_day").items():
            yield orders.with_context(psi_hours_per_day=hours_per_day)
