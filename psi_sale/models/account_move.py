from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import formatLang

from .res_company import VAT_FRANCHISE_MENTION

# already paid (digit 2 of BT-23); not "reversed": a credit note cancels, it
# does not pay (l10n_fr_pdp counts it)
PAID_STATES = ("paid", "in_payment")


class AccountMove(models.Model):
    """Invoices of orders: their opportunity, their day, the down payment
    invoices they deduct; the legal mentions of French invoices."""

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
    facturx_business_process = fields.Char(
        string="Business Process (Factur-X)",
        copy=False,
        readonly=True,
        help="The business process (cadre de facturation, BT-23) of the "
        "Factur-X of a French invoice, fixed when its Factur-X is first made: "
        "S for services, B for goods, M for both; 1 for an invoice, 2 already "
        "paid, 4 definitive after down payments.",
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

    # French invoices: legal mentions --------------------------------------------

    def _post(self, soft=True):
        self._check_french_legal_mentions()
        return super()._post(soft=soft)

    def _is_french_sale(self):
        """A customer invoice or credit note of a company under French law."""
        self.ensure_one()
        return self.is_sale_document() and self.company_id._is_french()

    def _check_french_legal_mentions(self):
        """Refuse to post a French customer invoice whose Factur-X France's
        rules would reject, naming what to fill: the seller's SIRET, its VAT
        number when it charges VAT (not under the VAT franchise), its payment
        mentions (BR-FR-05); the customer's address, its SIREN or VAT number
        when it is a French company (a private person needs none), an
        electronic address (BR-FR-12)."""
        for move in self.filtered(lambda move: move._is_french_sale()):
            company = move.company_id
            missing = []
            if not company._get_siren():
                missing.append(self.env._("SIRET"))
            if (
                not company.vat
                and not company.vat_franchise
                and not move.currency_id.is_zero(move.amount_tax)
            ):
                missing.append(self.env._("VAT number"))
            if not company.invoice_penalty_rate:
                missing.append(self.env._("late-payment penalty rate"))
            if not company.invoice_recovery_mention:
                missing.append(self.env._("recovery indemnity mention"))
            if not company.invoice_discount_mention:
                missing.append(self.env._("early-payment discount mention"))
            if missing:
                raise UserError(
                    self.env._(
                        "%(invoice)s cannot be posted: %(company)s has no "
                        "%(fields)s, which French law asks for on its invoices "
                        "(Settings > Companies).",
                        invoice=move.display_name,
                        company=company.display_name,
                        fields=self.env._(" nor ").join(missing),
                    )
                )
            customer = move.commercial_partner_id
            if not (customer.street and customer.city and customer.country_id):
                missing.append(self.env._("its address (street, city, country)"))
            if (
                customer._is_french_company()
                and not customer._get_siren()
                and not customer.vat
            ):
                missing.append(self.env._("its SIRET or its VAT number"))
            if not move.partner_id._get_electronic_address()[0]:
                missing.append(self.env._("its e-mail"))
            if missing:
                raise UserError(
                    self.env._(
                        "%(invoice)s cannot be posted: fill in on the form of its "
                        "customer %(customer)s %(fields)s, which its e-invoice "
                        "needs.",
                        invoice=move.display_name,
                        customer=customer.display_name,
                        fields=self.env._(" and ").join(missing),
                    )
                )

    def _get_french_payment_mentions(self):
        """{subject code of a Factur-X note: text} of the payment mentions of
        a French invoice: late-payment penalties (PMD), recovery indemnity
        (PMT), early-payment discount (AAB), those set."""
        self.ensure_one()
        company = self.company_id
        mentions = {
            "PMD": self.env._(
                "Late-payment penalties: %(rate)s %% a year",
                rate=formatLang(self.env, company.invoice_penalty_rate),
            ),
            "PMT": company.invoice_recovery_mention,
            "AAB": company.invoice_discount_mention,
        }
        return {code: text for code, text in mentions.items() if text}

    def _get_operation_nature(self):
        """The nature of the invoiced operations, as French invoices print
        it and their Factur-X's business process (BT-23) says it: "service",
        "goods" or "mixed", from the tax scope of the lines' taxes, else from
        their products' type (for down payment lines, the invoiced orders'
        products); False when neither tells."""
        self.ensure_one()
        lines = self.invoice_line_ids.filtered(
            lambda line: line.display_type == "product"
        )
        kinds = set(filter(None, lines.tax_ids.mapped("tax_scope")))
        if not kinds:
            down_payments = lines.filtered("is_downpayment")
            products = (lines - down_payments).product_id
            products |= down_payments.sale_line_ids.order_id._regular_lines().product_id
            kinds = {
                "service" if product_type == "service" else "consu"
                for product_type in products.mapped("type")
            }
        if kinds == {"service"}:
            return "service"
        if kinds == {"consu"}:
            return "goods"
        return "mixed" if kinds else False

    def _is_on_debits(self):
        """Whether the invoice's VAT is due on debits: some of its taxes are
        due on invoice (the French chart's on services are due on payment,
        unless the company opted for debits)."""
        self.ensure_one()
        return "on_invoice" in self.invoice_line_ids.tax_ids.mapped("tax_exigibility")

    def _get_french_delivery_address(self):
        """The delivery address that a French invoice prints: the invoice's
        shipping address where it differs from the customer's."""
        self.ensure_one()
        shipping = self.partner_shipping_id
        if not shipping or shipping == self.partner_id:
            return shipping.browse()
        fields = ["street", "street2", "zip", "city", "state_id", "country_id"]
        differs = any(shipping[name] != self.partner_id[name] for name in fields)
        return shipping if differs else shipping.browse()

    def _get_french_legal_mentions(self):
        """The legal mentions that the invoice of a French company prints
        with its totals, beyond what stock Odoo and l10n_fr_account print
        (the parties are printed above the lines): penalties, recovery
        indemnity, discount, nature of the operations, VAT on debits, VAT
        franchise. Empty for other companies."""
        self.ensure_one()
        if not self._is_french_sale():
            return []
        company = self.company_id
        mentions = list(self._get_french_payment_mentions().values())
        # l10n_fr_account prints the nature from the taxes' scope, and the
        # option for debits from their exigibility
        l10n_fr_account = "l10n_fr_is_company_french" in self._fields
        nature = self._get_operation_nature()
        natures = {
            "service": self.env._("Services"),
            "goods": self.env._("Delivery of goods"),
            "mixed": self.env._("Mixed (goods and services)"),
        }
        if nature and not (
            l10n_fr_account and any(self.invoice_line_ids.tax_ids.mapped("tax_scope"))
        ):
            mentions.append(
                self.env._(
                    "Nature of the operations: %(nature)s", nature=natures[nature]
                )
            )
        elif not nature and company.invoice_operation_category:
            mentions.append(
                self.env._(
                    "Category of operation: %(category)s",
                    category=company.invoice_operation_category,
                )
            )
        if self._is_on_debits() and not l10n_fr_account:
            mentions.append(self.env._("Option for the payment of VAT on debits"))
        if company.vat_franchise:
            mentions.append(VAT_FRANCHISE_MENTION)
        return mentions

    # French invoices: Factur-X ---------------------------------------------------

    def _get_preceding_invoices(self):
        """The invoices that this one refers to (BG-3): the down payment
        invoices it deducts, the invoice a credit note reverses, and for a
        credit note of down payments only (a closing's), the down payment
        invoices it gives back."""
        self.ensure_one()
        preceding = self.deducted_down_payment_ids | self.reversed_entry_id
        if self.move_type == "out_refund" and not preceding:
            preceding = self.invoice_line_ids.filtered(
                "is_downpayment"
            ).sale_line_ids.invoice_lines.move_id.filtered(
                lambda move: (
                    move.move_type == "out_invoice"
                    and move.state == "posted"
                    and move._is_downpayment()
                )
            )
        return preceding.sorted(lambda move: (move.invoice_date, move.id))

    def _get_facturx_business_process(self):
        """The business process (BT-23) of the invoice's Factur-X, as France's
        rules define it and Odoo's l10n_fr_pdp computes it: fixed the first
        time the Factur-X of a posted invoice is made, so that an XML once
        issued is never made again with another code."""
        self.ensure_one()
        if self.facturx_business_process:
            return self.facturx_business_process
        code = self._compute_facturx_business_process()
        if self.state == "posted":
            # whoever prints or sends the invoice fixes it, not only accountants
            self.sudo().facturx_business_process = code
        return code

    def _compute_facturx_business_process(self):
        """The letter: the nature of the operations (S services, B goods, M
        both; B when nothing tells); the digit: 2 for an invoice already
        paid, 4 for a definitive invoice after down payments (one that deducts
        some), 1 otherwise (down payment invoices included)."""
        self.ensure_one()
        nature = self._get_operation_nature()
        letter = {"service": "S", "goods": "B", "mixed": "M"}.get(nature, "B")
        digit = "1"
        if (
            self.move_type == "out_invoice"
            and self.payment_state in PAID_STATES
            and self.currency_id.is_zero(self.amount_residual)
        ):
            digit = "2"
        elif not self._is_downpayment() and self.invoice_line_ids.filtered(
            "is_downpayment"
        ):
            digit = "4"
        return letter + digit

    def _get_french_customer_category(self):
        """How France's e-invoicing treats the sale (note BAR): B2B to a
        French company, B2BINT to a company abroad (e-reported), B2C to a
        private person (e-reported)."""
        self.ensure_one()
        customer = self.commercial_partner_id
        if not customer.is_company:
            return "B2C"
        return "B2B" if customer._get_siren() else "B2BINT"
