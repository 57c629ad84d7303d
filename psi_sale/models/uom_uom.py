from odoo import models
from odoo.tools import float_round


class UomUom(models.Model):
    """Working time converted with a given length of the day.

    Stock Odoo converts days and hours with the global factor of the Days unit
    (1 day = 8 h) for every company. When the context holds
    ``psi_hours_per_day`` (set by psi_sale around the computations of an order
    line), units of the Working Time category that last a day or more (Days,
    Weeks, ...) last that many hours a day instead; hours and minutes are
    unchanged. Without that context key, nothing changes.
    """

    _inherit = "uom.uom"

    def _compute_quantity(
        self, qty, to_unit, round=True, rounding_method="UP", raise_if_failure=True
    ):
        hours_per_day = self.env.context.get("psi_hours_per_day")
        if not (hours_per_day and qty and self and to_unit and self != to_unit):
            return super()._compute_quantity(
                qty, to_unit, round, rounding_method, raise_if_failure
            )
        day, hour = self._day_and_hour()
        if not self.category_id == to_unit.category_id == day.category_id:
            return super()._compute_quantity(
                qty, to_unit, round, rounding_method, raise_if_failure
            )
        amount = qty * self._hours(hours_per_day) / to_unit._hours(hours_per_day)
        if round:
            amount = float_round(
                amount,
                precision_rounding=to_unit.rounding,
                rounding_method=rounding_method,
            )
        return amount

    def _hours(self, hours_per_day):
        """How many hours this Working Time unit lasts, days of ``hours_per_day``."""
        day, hour = self._day_and_hour()
        if self.factor <= day.factor:
            return day.factor / self.factor * hours_per_day
        return hour.factor / self.factor

    def _is_day_based(self):
        """Whether this unit counts days (or longer) of working time."""
        day = self._day_and_hour()[0]
        return self.category_id == day.category_id and self.factor <= day.factor

    def _day_and_hour(self):
        """The Days and Hours units, without the query of ``env.ref`` (hot path)."""
        xmlid_to_id = self.env["ir.model.data"]._xmlid_to_res_id
        return (
            self.browse(xmlid_to_id("uom.product_uom_day")),
            self.browse(xmlid_to_id("uom.product_uom_hour")),
        )
