from odoo import models
from odoo.tools import float_round


def with_day_length(records, hours_per_day):
    """RECORDS with a working day of HOURS_PER_DAY hours for stock Odoo's
    conversions between days and hours (uom.uom._compute_quantity). This addon's
    own code passes the day to _convert_working_time() instead."""
    return records.with_context(working_day_hours_per_day=hours_per_day)


def by_day_length(records, hours_per_day):
    """RECORDS grouped by their length of day (HOURS_PER_DAY: record ->
    hours), each group with_day_length() of it."""
    for hours, group in records.grouped(hours_per_day).items():
        yield with_day_length(group, hours)


class UomUom(models.Model):
    """Working time converted with a given length of the day.

    Stock Odoo converts days and hours with the global factor of the Days unit
    (1 day = 8 h) for every company. Units of the Working Time category that
    last a day or more (Days, Weeks, ...) last the given hours a day instead;
    hours and minutes are unchanged. Stock's own conversions get the day from
    the context that with_day_length() sets; without it, nothing changes.
    """

    _inherit = "uom.uom"

    def _compute_quantity(
        self, qty, to_unit, round=True, rounding_method="UP", raise_if_failure=True
    ):
        hours_per_day = self.env.context.get("working_day_hours_per_day")
        if hours_per_day and self._is_working_time(to_unit):
            return self._convert_working_time(
                qty, to_unit, hours_per_day, round, rounding_method
            )
        return super()._compute_quantity(
            qty, to_unit, round, rounding_method, raise_if_failure
        )

    def _convert_working_time(
        self, qty, to_unit, hours_per_day, round=True, rounding_method="UP"
    ):
        """QTY of this Working Time unit in TO_UNIT, a day lasting
        HOURS_PER_DAY hours; any other unit as stock Odoo converts it."""
        if not (hours_per_day and self._is_working_time(to_unit)):
            return self._compute_quantity(qty, to_unit, round, rounding_method)
        amount = qty * self._hours(hours_per_day) / to_unit._hours(hours_per_day)
        if round:
            amount = float_round(
                amount,
                precision_rounding=to_unit.rounding,
                rounding_method=rounding_method,
            )
        return amount

    def _is_working_time(self, to_unit):
        """Whether this unit and TO_UNIT are two units of working time."""
        return (
            bool(self and to_unit)
            and self != to_unit
            and self.category_id == to_unit.category_id
            # the Days unit last: a cached lookup, but a hot path
            and self.category_id == self._day_and_hour()[0].category_id
        )

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
