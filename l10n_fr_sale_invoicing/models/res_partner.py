import re

from odoo import fields, models

# French e-invoicing address (scheme 0225): SIREN, SIREN_SIRET,
# SIREN_SIRET_routing code or SIREN_suffix
FRENCH_ADDRESS_RE = re.compile(r"^\d{9}(_\d{14})?(_[A-Za-z0-9._-]+)?$")


class ResPartner(models.Model):
    """The parties of French invoices: SIREN and SIRET, the French
    e-invoicing address (scheme 0225) and the numbers printed."""

    _inherit = "res.partner"

    peppol_eas = fields.Selection(
        selection_add=[("0225", "0225 - French e-invoicing address (SIREN, SIRET)")]
    )

    def _compute_peppol_eas(self):
        """A French company with a SIREN gets the French e-invoicing scheme
        (0225), as with Odoo's l10n_fr_pdp, unless it has a scheme already."""
        before = {partner: partner.peppol_eas for partner in self}
        result = super()._compute_peppol_eas()
        for partner in self:
            if not before[partner] and partner._get_siren():
                partner.peppol_eas = "0225"
        return result

    def _compute_peppol_endpoint(self):
        """Its French e-invoicing address, by default: SIREN_SIRET, else
        SIREN."""
        result = super()._compute_peppol_endpoint()
        for partner in self:
            if partner.peppol_eas == "0225" and not partner.peppol_endpoint:
                partner.peppol_endpoint = partner._get_french_einvoicing_address()
        return result

    def _build_error_peppol_endpoint(self, eas, endpoint):
        if eas == "0225" and not FRENCH_ADDRESS_RE.match(endpoint):
            return self.env._(
                "The French e-invoicing address is not valid: it is the SIREN, "
                "or SIREN_SIRET (e.g. 123456782 or 123456782_12345678200010)."
            )
        return super()._build_error_peppol_endpoint(eas, endpoint)

    def _is_french_company(self):
        """A company (not a private person) registered in France."""
        partner = self.commercial_partner_id
        return partner.is_company and partner.country_code == "FR"

    def _get_siret(self):
        """The SIRET of this partner's company (l10n_fr's field, else its
        company ID when it has 14 digits), or False."""
        partner = self.commercial_partner_id
        siret = "siret" in partner._fields and partner.siret  # with l10n_fr
        siret = re.sub(r"\s", "", siret or partner.company_registry or "")
        return siret if re.fullmatch(r"\d{14}", siret) else False

    def _get_siren(self):
        """The SIREN (9 digits) of a French partner's company: from its SIRET,
        its company ID or its French VAT number, or False."""
        partner = self.commercial_partner_id
        if partner.country_code != "FR" and not self.env.context.get("any_country"):
            return False
        registry = re.sub(r"\s", "", partner.company_registry or "")
        vat = re.sub(r"\s", "", partner.vat or "").upper()
        if siret := partner._get_siret():
            return siret[:9]
        if re.fullmatch(r"\d{9}", registry):
            return registry
        if re.fullmatch(r"FR[0-9A-Z]{2}\d{9}", vat):
            return vat[4:]
        return False

    def _get_french_einvoicing_address(self):
        """The default French e-invoicing address (scheme 0225) of a French
        partner: SIREN_SIRET, else SIREN, else False."""
        siret, siren = self._get_siret(), self._get_siren()
        if siret and siren and siret.startswith(siren):
            return f"{siren}_{siret}"
        return siren

    def _get_electronic_address(self):
        """(scheme, address) of the electronic address of an invoice's party
        (BT-34, BT-49) as France's rules accept it: the French e-invoicing
        address (0225) of a French company, its Peppol address otherwise,
        else its e-mail (scheme EM); (False, False) without any."""
        partner = self.commercial_partner_id
        siren = partner._get_siren()
        if siren:
            if partner.peppol_eas == "0225" and (
                partner.peppol_endpoint or ""
            ).startswith(siren):
                return "0225", partner.peppol_endpoint
            return "0225", partner._get_french_einvoicing_address()
        if partner.peppol_eas and partner.peppol_endpoint:
            return partner.peppol_eas, partner.peppol_endpoint
        email = self.email_normalized or partner.email_normalized
        return ("EM", email) if email else (False, False)

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
