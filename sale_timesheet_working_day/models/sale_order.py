from odoo import api, fields, models
from odoo.exceptions import UserError

from .res_company import (
    DAY_ROUNDING,
    OVERRUN_POLICY,
    OVERRUN_POLICY_HELP,
    check_hours_per_day,
)
from .uom_uom import by_day_length


class SaleOrder(models.Model):
    """The order's working day (its length, rounding and overrun policy,
    fixed once confirmed), and the time over its ordered quantities."""

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
        compute="_compute_invoicing_terms",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        tracking=True,
        help="Rounding (up) of the days delivered on timesheets.",
    )
    overrun_policy = fields.Selection(
        OVERRUN_POLICY,
        string="Time over the Ordered Quantity",
        compute="_compute_invoicing_terms",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        tracking=True,
        help=OVERRUN_POLICY_HELP,
    )
    overrun_amount = fields.Monetary(
        string="Overrun",
        compute="_compute_overrun_amount",
        help="Untaxed value of the time delivered beyond the ordered quantities.",
    )

    def write(self, vals):
        confirmed = self._check_day_length_change(vals)
        result = super().write(vals)
        if confirmed and "hours_per_day" in vals:
            confirmed.order_line._update_task_allocated_hours()
        return result

    # Days and hours -----------------------------------------------------------

    @api.depends("partner_id", "company_id")
    def _compute_hours_per_day(self):
        for order in self:
            if order.hours_per_day and order.state not in ("draft", "sent"):
                continue  # fixed once confirmed
            order.hours_per_day = order.company_id._get_hours_per_day(order.partner_id)

    @api.depends("company_id")
    def _compute_invoicing_terms(self):
        """The company's rounding and overrun policy, fixed once confirmed."""
        for order in self:
            confirmed = order.state not in ("draft", "sent")
            if not (confirmed and order.day_rounding):
                order.day_rounding = order.company_id.timesheet_day_rounding or "none"
            if not (confirmed and order.overrun_policy):
                order.overrun_policy = order.company_id.overrun_policy or "invoice"

    @api.constrains("hours_per_day")
    def _check_hours_per_day(self):
        check_hours_per_day(self, "hours_per_day")

    def _check_day_length_change(self, vals):
        """The confirmed orders whose day length, rounding or overrun policy
        VALS change: only a sales manager may."""
        terms = ("hours_per_day", "day_rounding", "overrun_policy")
        if not any(name in vals for name in terms):
            return self.browse()
        confirmed = self.filtered(
            lambda order: (
                order.state not in ("draft", "sent")
                and any(order[name] != vals.get(name, order[name]) for name in terms)
            )
        )
        if (
            confirmed
            and not self.env.su
            and not self.env.user.has_group("sales_team.group_sale_manager")
        ):
            raise UserError(
                self.env._(
                    "Only a sales manager can change the length of the day, "
                    "the rounding or the overrun policy of a confirmed order "
                    "(%(orders)s).",
                    orders=", ".join(confirmed.mapped("name")),
                )
            )
        return confirmed

    def _compute_timesheet_total_duration(self):  # pylint: disable=missing-return
        # stock converts the hours inline: no narrower hook
        for orders in by_day_length(self, lambda order: order.hours_per_day):
            super(SaleOrder, orders)._compute_timesheet_total_duration()

    # Overrun: time over the ordered quantity ----------------------------------

    @api.depends("order_line.overrun_amount")
    def _compute_overrun_amount(self):
        for order in self:
            order.overrun_amount = sum(order.order_line.mapped("overrun_amount"))

    def _compute_field_value(self, field):
        """The lines of these orders newly over their ordered quantity tell
        their salespeople at once (stock tells order by order, in its
        computation of the invoice status)."""
        # stock's upsell step (sale_timesheet) has no hook but this one: it
        # runs inside the computation of invoice_status
        if field.name == "invoice_status" and not self.env.context.get(
            "mail_activity_automation_skip"
        ):
            self._tell_overruns()
        return super()._compute_field_value(field)

    def _tell_overruns(self):
        """One activity per line over its ordered quantity, for the orders
        that stock would tell (confirmed, not in upselling yet, with a
        salesperson), in one creation; the lines flagged as told."""
        orders = self.filtered(
            lambda order: (
                order.state == "sale"
                and order.invoice_status != "upselling"
                and order.id
                and (order.user_id or order.partner_id.user_id)
            )
        )
        lines = orders.order_line._filter_overrun_to_tell()
        if lines:
            lines._schedule_overrun_activities()
            lines.has_displayed_warning_upsell = True

    def _create_upsell_activity(self):
        """One activity per prepaid service line over its threshold, naming
        it (stock schedules one per order, replacing the previous one). An
        order whose lines told already (_tell_overruns) gets no other."""
        # stock passes no lines: found again, before stock flags them as told
        lines = self.env["sale.order.line"]
        for order in self:
            lines |= order._get_prepaid_service_lines_to_upsell()
        told = self.filtered(
            lambda order: order.order_line.filtered("has_displayed_warning_upsell")
        )
        result = super(
            SaleOrder, self - lines.order_id - told
        )._create_upsell_activity()
        if lines and not self.env.context.get("mail_activity_automation_skip"):
            lines._schedule_overrun_activities()
        return result
