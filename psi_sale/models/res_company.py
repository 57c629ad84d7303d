from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Command
from odoo.tools import formatLang

# Printed as they are on the invoices of French companies: French legal texts
VAT_FRANCHISE_MENTION = "TVA non applicable, art. 293 B du CGI"

DAY_ROUNDING = [
    ("none", "No rounding"),
    ("quarter", "Quarter day"),
    ("half", "Half day"),
]
OVERRUN_POLICY = [
    ("invoice", "Invoice all the time delivered"),
    ("cap", "Invoice at most the ordered quantity"),
]
OVERRUN_POLICY_HELP = (
    "Time delivered beyond the ordered quantity: invoiced like the rest (Odoo's "
    "standard), or never invoiced unless the ordered quantity is raised (it "
    "stays visible on the order)."
)


def check_hours_per_day(records, field_name):
    """Refuse a length of day that is not within (0, 24] hours (empty allowed
    where the field is optional: it is then ``0``)."""
    for record in records:
        hours = record[field_name]
        if (
            hours < 0
            or hours > 24
            or (hours == 0 and record._fields[field_name].required)
        ):
            raise ValidationError(
                records.env._(
                    "%(record)s: hours per working day must be more than 0 and "
                    "at most 24 (%(hours)s given).",
                    record=record.display_name,
                    hours=hours,
                )
            )


class ResCompany(models.Model):
    _inherit = "res.company"

    timesheet_hours_per_day = fields.Float(
        string="Hours per Working Day",
        compute="_compute_timesheet_hours_per_day",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        digits=(16, 2),
        help="How many hours make a day sold or invoiced in days: the default "
        "of the company's orders.",
    )
    timesheet_day_rounding = fields.Selection(
        DAY_ROUNDING,
        string="Rounding of Delivered Days",
        default="none",
        required=True,
        help="Default rounding (up) of the days delivered on timesheets.",
    )

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

    overrun_policy = fields.Selection(
        OVERRUN_POLICY,
        string="Time over the Ordered Quantity",
        default="invoice",
        required=True,
        help=OVERRUN_POLICY_HELP,
    )

    # French legal mentions of invoices (in French: they are printed as typed)
    invoice_penalty_rate = fields.Float(
        string="Late-Payment Penalty Rate (%)",
        default=12.15,
        digits=(16, 2),
        help="Yearly rate of the penalties due on late payment, printed on the "
        "invoices of a French company (at least three times the legal interest "
        "rate; without a stipulated rate, the law applies the ECB rate plus 10 "
        "points: 12.15 % in 2026).",
    )
    invoice_recovery_mention = fields.Char(
        string="Recovery Indemnity Mention",
        default="Indemnité forfaitaire pour frais de recouvrement : 40 €",
        help="The fixed recovery indemnity, printed on the invoices of a French "
        "company (article L441-10 of the Code de commerce).",
    )
    invoice_discount_mention = fields.Char(
        string="Early-Payment Discount Mention",
        default="Pas d'escompte pour paiement anticipé",
        help="The discount for early payment, printed on the invoices of a "
        "French company.",
    )
    invoice_operation_category = fields.Char(
        string="Category of Operation",
        default="Prestation de services",
        help="Printed on the invoices of a French company whose taxes do not "
        "tell it already.",
    )
    vat_franchise = fields.Boolean(
        string="VAT Franchise",
        help="The company charges no VAT (franchise en base, article 293 B of "
        "the Code général des impôts): its invoices say so and need no VAT "
        "number.",
    )
    vat_on_debits = fields.Boolean(
        string="VAT on Debits Option",
        help="The company opted to pay the VAT on its services on debits "
        "(invoicing) instead of on collection: its new service products take "
        "the sale tax on invoice instead of the tax on payment. Existing "
        "products keep theirs unless applied to them; posted invoices never "
        "change.",
    )
    legal_form = fields.Char(
        help="The company's legal form (SAS, SARL, ...), printed on its "
        "invoices with its share capital.",
    )
    share_capital = fields.Monetary(
        currency_field="currency_id",
        help="Printed on the invoices of a French company with its legal form.",
    )
    trade_register_city = fields.Char(
        string="RCS City",
        help="The city of the trade and companies register (RCS) where the "
        "company is registered, printed on its invoices with its SIREN.",
    )

    @api.depends("resource_calendar_id")
    def _compute_timesheet_hours_per_day(self):
        for company in self:
            if not company.timesheet_hours_per_day:
                company.timesheet_hours_per_day = company._get_hours_per_day()

    @api.constrains("timesheet_hours_per_day")
    def _check_timesheet_hours_per_day(self):
        check_hours_per_day(self, "timesheet_hours_per_day")

    @api.constrains("invoice_penalty_rate")
    def _check_invoice_penalty_rate(self):
        for company in self:
            if company.invoice_penalty_rate < 0:
                raise ValidationError(
                    self.env._(
                        "%(company)s: the late-payment penalty rate cannot be "
                        "negative.",
                        company=company.display_name,
                    )
                )

    def write(self, vals):
        result = super().write(vals)
        if vals.get("vat_on_debits"):
            self._add_service_tax_on_debits()
        return result

    def _get_hours_per_day(self, partner=None):
        """The length of a working day, in hours, for PARTNER's contract with
        this company: the customer's contractual day, else the company's, else
        its working schedule's, else the 8 hours of Odoo's Days unit. The one
        place of this chain: orders take it, their lines and tasks the order's."""
        self.ensure_one()
        return (
            (partner and partner.commercial_partner_id.timesheet_hours_per_day)
            or self.timesheet_hours_per_day
            or self.resource_calendar_id.hours_per_day
            or 8.0
        )

    # French invoices ----------------------------------------------------------

    def _is_french(self):
        """Whether this company invoices under French law (its fiscal country
        is France or one of its overseas departments, as l10n_fr has it)."""
        self.ensure_one()
        codes = (
            self._get_france_country_codes()
            if hasattr(self, "_get_france_country_codes")  # l10n_fr
            else ["FR"]
        )
        return self.account_fiscal_country_id.code in codes

    def _get_service_sale_taxes(self, on_debits=None):
        """The sale taxes of the company's new service products: for a
        French company, its chart's tax of the rate of its default sale tax
        that is due on payment (VAT on collection, the French law for
        services), or on invoice under the debits option (ON_DEBITS, the
        company's option when not given): one on services first, else one
        without scope, else one on goods. Otherwise its default sale tax."""
        self.ensure_one()
        default = self.account_sale_tax_id
        if not default or not self._is_french():
            return default
        if on_debits is None:
            on_debits = self.vat_on_debits
        taxes = (
            self.env["account.tax"]
            .search(
                [
                    *self.env["account.tax"]._check_company_domain(self),
                    ("type_tax_use", "=", "sale"),
                    ("amount_type", "=", default.amount_type),
                    ("amount", "=", default.amount),
                    (
                        "tax_exigibility",
                        "=",
                        "on_invoice" if on_debits else "on_payment",
                    ),
                ]
            )
            .filtered(lambda tax: tax.price_include == default.price_include)
        )
        scopes = ["service", False, "consu"]
        return taxes.sorted(lambda tax: scopes.index(tax.tax_scope))[:1] or default

    def _add_service_tax_on_debits(self):
        """Under the debits option, a French company's services need a tax due
        on invoice: the French chart has one for goods only, so the chart's
        service tax on payment is copied, due on invoice."""
        for company in self.filtered(lambda company: company._is_french()):
            on_debits = company._get_service_sale_taxes(on_debits=True)
            on_payment = company._get_service_sale_taxes(on_debits=False)
            if (
                on_debits.tax_scope != "service"
                and on_payment.tax_scope == "service"
                and on_payment.tax_exigibility == "on_payment"
            ):
                on_payment.copy(
                    {
                        "name": self.env._("%(tax)s on debits", tax=on_payment.name),
                        "tax_exigibility": "on_invoice",
                        "cash_basis_transition_account_id": False,
                    }
                )

    def action_apply_vat_option_to_products(self):
        """Give the company's service products the sale tax of its VAT
        option: each sale tax of the company's other option is replaced by
        this one's. Invoices, posted or not, keep their taxes."""
        for company in self.filtered(lambda company: company._is_french()):
            new_tax = company._get_service_sale_taxes()
            old_tax = company._get_service_sale_taxes(not company.vat_on_debits)
            if new_tax == old_tax:
                continue
            products = (
                self.env["product.template"]
                .with_context(active_test=False)
                .search([("type", "=", "service"), ("taxes_id", "in", old_tax.ids)])
            )
            products.write(
                {"taxes_id": [Command.unlink(old_tax.id), Command.link(new_tax.id)]}
            )

    def _get_legal_identity(self):
        """The lines that identify the company as a seller on its French
        invoices, those filled: its legal form and share capital, its trade
        register (RCS) with its SIREN, its SIRET and VAT number."""
        self.ensure_one()
        capital = self.share_capital and formatLang(
            self.env, self.share_capital, currency_obj=self.currency_id
        )
        lines = []
        if self.legal_form and capital:
            lines.append(
                self.env._(
                    "%(form)s with a share capital of %(capital)s",
                    form=self.legal_form,
                    capital=capital,
                )
            )
        elif self.legal_form or capital:
            lines.append(
                self.legal_form
                or self.env._("Share capital: %(capital)s", capital=capital)
            )
        siren = (self._get_siret() or "")[:9]
        if self.trade_register_city and siren:
            lines.append(
                self.env._(
                    "RCS %(city)s %(siren)s", city=self.trade_register_city, siren=siren
                )
            )
        return lines + self.partner_id._get_legal_numbers()

    def _get_siret(self):
        """The company's SIRET (l10n_fr's field; without l10n_fr, its company
        ID)."""
        self.ensure_one()
        return self.siret if "siret" in self._fields else self.company_registry

    def _get_siren(self):
        """The company's SIREN (9 digits), read from its SIRET or company ID,
        or False."""
        self.ensure_one()
        return self.partner_id.with_context(any_country=True)._get_siren()
