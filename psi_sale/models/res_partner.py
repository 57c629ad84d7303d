from odoo import api, fields, models

from .res_company import check_hours_per_day


class ResPartner(models.Model):
    _inherit = "res.partner"

    timesheet_hours_per_day = fields.Float(
        string="Hours per Working Day",
        digits=(16, 2),
        help="Contractual length of a day for this customer; leave empty to use "
        "the company's.",
    )

    @api.constrains("timesheet_hours_per_day")
    def _check_timesheet_hours_per_day(self):
        check_hours_per_day(self, "timesheet_hours_per_day")

    @api.model
    def _commercial_fields(self):
        return super()._commercial_fields() + ["timesheet_hours_per_day"]

    def _get_legal_numbers(self, siren_only=False):
        """The numbers that identify this partner's company on documents, as
        printed ("SIRET : ..."): its SIRET (its SIREN with ``siren_only``, for
        a customer), else its company ID, and its VAT number, those known."""
        self.ensure_one()
        partner = self.commercial_partner_id
        siret = "siret" in partner._fields and partner.siret  # with l10n_fr
        numbers = []
        if siret and not siren_only:
            numbers.append(self.env._("SIRET: %(number)s", number=siret))
        elif siret or (partner.company_registry and partner.country_id.code == "FR"):
            siren = (siret or partner.company_registry)[:9]
            numbers.append(self.env._("SIREN: %(number)s", number=siren))
        elif partner.company_registry:
            numbers.append(
                self.env._("Company ID: %(number)s", number=partner.company_registry)
            )
        if partner.vat:
            numbers.append(self.env._("VAT: %(number)s", number=partner.vat))
        return numbers
