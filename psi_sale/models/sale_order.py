import ast

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import (
    SQL,
    float_compare,
    float_round,
    format_date,
    format_duration,
    get_lang,
)

from odoo.addons.base.models.res_lang import intersperse


class SaleOrder(models.Model):
    """The order is the cockpit of the deal, from the quotation made from an
    opportunity to the invoices that deduct its down payments."""

    _inherit = "sale.order"

    is_closed = fields.Boolean(
        string="Closed",
        readonly=True,
        copy=False,
        tracking=True,
        help="Closed by a sales manager: its last invoice deducted every down "
        "payment left, and the order is locked.",
    )
    closing_invoice_id = fields.Many2one(
        "account.move",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        help="The last invoice (or credit note) that closing the order made: "
        "the order is closed when it is posted, and stays open if it is "
        "cancelled or deleted.",
    )

    internal_note = fields.Html(
        groups="base.group_user",
        help="For the team only: neither printed nor shown to the customer.",
    )
    payment_provider_missing = fields.Boolean(
        compute="_compute_payment_provider_missing",
        help="The quotation asks for an online payment, but no payment provider "
        "is active for its company: the customer's signature does not confirm it.",
    )
    # the tracking cockpit ("Suivi" tab), untaxed, in the order's currency
    tracking_line_ids = fields.One2many(
        "sale.order.line",
        "order_id",
        string="Tracked Lines",
        domain=[("display_type", "=", False), ("is_downpayment", "=", False)],
        readonly=True,
    )
    untaxed_amount_delivered = fields.Monetary(
        string="Delivered Amount",
        compute="_compute_tracking_amounts",
        compute_sudo=True,
        help="Value of the delivered quantities, untaxed.",
    )
    untaxed_amount_invoiced = fields.Monetary(
        string="Invoiced Amount",
        compute="_compute_tracking_amounts",
        compute_sudo=True,
        help="Untaxed amount of the posted invoices of the order's lines (credit "
        "notes deducted), down payments apart.",
    )
    untaxed_amount_to_invoice = fields.Monetary(
        string="Amount to Invoice",
        compute="_compute_tracking_amounts",
        compute_sudo=True,
        help="Untaxed amount that the order's lines may invoice now (delivered, or "
        "ordered, and not invoiced yet), before down payments are deducted.",
    )
    downpayment_amount_invoiced = fields.Monetary(
        string="Down Payments Invoiced",
        compute="_compute_tracking_amounts",
        compute_sudo=True,
        help="Untaxed amount of the down payment invoices, drafts included as "
        "Odoo deducts them (credit notes deducted).",
    )
    downpayment_amount_to_deduct = fields.Monetary(
        string="Down Payments to Deduct",
        compute="_compute_tracking_amounts",
        compute_sudo=True,
        help="Down payments invoiced and not deducted from a regular invoice yet.",
    )
    downpayment_invoice_ids = fields.Many2many(
        "account.move",
        string="Down Payment Invoices",
        compute="_compute_downpayment_invoice_ids",
        compute_sudo=True,
        help="Invoices and credit notes of the order's down payments, as Odoo "
        "tells them: every line of theirs comes from a down payment line.",
    )
    delivered_percentage = fields.Float(
        string="Delivered (%)",
        compute="_compute_tracking_amounts",
        compute_sudo=True,
        help="Delivered amount, in percentage of the untaxed amount ordered.",
    )
    invoiced_percentage = fields.Float(
        string="Invoiced (%)",
        compute="_compute_tracking_amounts",
        compute_sudo=True,
        help="Invoiced amount and down payments still to deduct, in percentage of "
        "the untaxed amount ordered.",
    )

    # CRUD ---------------------------------------------------------------------

    @api.model
    def default_get(self, fields_list):
        """A quotation made from an opportunity gets its offers."""
        values = super().default_get(fields_list)
        opportunity = self.env["crm.lead"].browse(values.get("opportunity_id"))
        if self.env.context.get("psi_offer_lines") and opportunity:
            company = self.env["res.company"].browse(values.get("company_id"))
            offers = opportunity._prepare_quotation_offer_values(
                company or self.env.company
            )
            values.update(
                {
                    field: commands
                    for field, commands in offers.items()
                    if field in fields_list
                }
            )
        return values

    def write(self, vals):
        result = super().write(vals)
        if vals.get("state") == "sent":
            for order in self.filtered("opportunity_id"):
                order.opportunity_id._update_revenues_from_so(order)
        return result

    # Quotation from an opportunity --------------------------------------------

    @api.onchange("company_id")
    def _onchange_company_id_warning(self):
        """The offers of the opportunity are default lines, priced for the
        default company: no warning about changing a company nobody changed."""
        result = super()._onchange_company_id_warning()
        if (
            self.env.context.get("psi_offer_lines")
            and not self._origin
            and self.company_id.id == self.env.context.get("default_company_id")
        ):
            return None
        return result

    @api.onchange("sale_order_template_id")
    def _onchange_sale_order_template_id(self):
        """The template replaces the lines: the opportunity's offers follow it."""
        result = super()._onchange_sale_order_template_id()
        if (
            self.sale_order_template_id
            and self.env.context.get("psi_offer_lines")
            and self.opportunity_id
        ):
            offers = self.opportunity_id._prepare_quotation_offer_values(
                self.company_id
            )
            for field, commands in offers.items():
                self[field] = commands  # created after the template's records
        return result

    def action_view_opportunity(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Opportunity"),
            "res_model": "crm.lead",
            "res_id": self.opportunity_id.id,
            "views": [(False, "form")],
            "context": {"default_type": "opportunity"},
        }

    def _find_mail_template(self):
        """Quotations go with the order form ("bon pour commande")."""
        if self.env.context.get("proforma") or self.state not in ("draft", "sent"):
            return super()._find_mail_template()
        return self.env.ref(
            "psi_sale.mail_template_order_form", raise_if_not_found=False
        )

    # Signature and online payment ---------------------------------------------

    @api.depends("state", "require_payment", "company_id")
    def _compute_payment_provider_missing(self):
        """Quotations that ask for an online payment no customer could make:
        their company has no provider that stock's portal would offer
        (payment.provider._get_compatible_providers), in one query."""
        asking = self.filtered(
            lambda order: order.require_payment and order.state in ("draft", "sent")
        )
        company_ids = set()
        if asking:
            # sudo: only administrators read providers; their companies only
            providers = self.env["payment.provider"].sudo()
            domain = [
                *providers._check_company_domain(asking.company_id),
                ("state", "in", ("enabled", "test")),
                ("is_published", "=", True),
            ]
            groups = providers._read_group(domain, ["company_id"])
            company_ids = {company.id for [company] in groups}  # False: any company
        for order in self:
            order.payment_provider_missing = order in asking and not (
                company_ids & {order.company_id.id, False}
            )

    def _is_order_form(self):
        """Whether the customer's copy of this order is its order form ("bon
        pour commande"): while a quotation, and once signed online (the form
        it was signed on)."""
        self.ensure_one()
        return self.state in ("draft", "sent") or bool(self.signature)

    # Confirmation: the opportunity won, the tasks -----------------------------

    def action_confirm(self):
        result = super().action_confirm()
        self._win_opportunities()
        return result

    def _action_confirm(self):
        result = super()._action_confirm()
        self.order_line._restore_tasks()
        return result

    def _action_cancel(self):
        result = super()._action_cancel()
        self._notify_opportunities_of_cancel()
        self.order_line._cancel_tasks()
        return result

    def _win_opportunities(self):
        """Confirmed orders win their opportunity, where the company wants it."""
        opportunities = self.filtered(
            lambda order: (
                order.state == "sale"
                and order.company_id.opportunity_won_on_order_confirm
            )
        ).opportunity_id
        # the lead scoring counts the wins after the commit (crm_lead.py)
        opportunities.filtered(
            lambda lead: lead.active and not lead.stage_id.is_won
        ).with_context(psi_scoring_after_commit=True).action_set_won()

    def _notify_opportunities_of_cancel(self):
        """Never un-win silently: note the cancellation on the opportunity, and
        ask its salesperson to decide when no quotation is left open."""
        for opportunity in self.opportunity_id:
            cancelled = self.filtered(
                lambda order, opportunity=opportunity: (
                    order.opportunity_id == opportunity
                )
            )
            opportunity.message_post(
                body=self.env._(
                    "Cancelled: %(orders)s.", orders=", ".join(cancelled.mapped("name"))
                ),
                subtype_xmlid="mail.mt_note",
            )
            open_orders = opportunity.order_ids.filtered(
                lambda order: order.state in ("draft", "sent", "sale")
            )
            if not open_orders:
                opportunity.activity_schedule(
                    "mail.mail_activity_data_todo",
                    summary=self.env._("Decide: won or lost?"),
                    note=self.env._(
                        "The last open quotation of this opportunity was cancelled."
                    ),
                    user_id=opportunity.user_id.id or self.env.uid,
                )

    # Cockpit: the tracking tab ------------------------------------------------

    @api.depends(
        "amount_untaxed",
        "order_line.qty_delivered",
        "order_line.untaxed_amount_invoiced",
        "order_line.untaxed_amount_to_invoice",
    )
    def _compute_tracking_amounts(self):
        for order in self:
            regular = order._regular_lines()
            downpayments = (
                order.order_line.filtered(lambda line: not line.display_type) - regular
            )
            order.untaxed_amount_delivered = order.currency_id.round(
                sum(line._get_untaxed_amount_delivered() for line in regular)
            )
            order.untaxed_amount_invoiced = sum(
                regular.mapped("untaxed_amount_invoiced")
            )
            order.untaxed_amount_to_invoice = sum(
                regular.mapped("untaxed_amount_to_invoice")
            )
            order.downpayment_amount_invoiced = sum(
                line._get_down_payment_balance(
                    down_payments=order.downpayment_invoice_ids
                ).invoiced
                for line in downpayments
            )
            order.downpayment_amount_to_deduct = sum(
                downpayments.mapped("untaxed_amount_invoiced")
            )
            ordered = order.amount_untaxed
            order.delivered_percentage = (
                100 * order.untaxed_amount_delivered / ordered if ordered else 0.0
            )
            order.invoiced_percentage = (
                100
                * (order.untaxed_amount_invoiced + order.downpayment_amount_to_deduct)
                / ordered
                if ordered
                else 0.0
            )

    @api.depends("order_line.is_downpayment", "order_line.invoice_lines.move_id")
    def _compute_downpayment_invoice_ids(self):
        """Stock's ``account.move._is_downpayment()`` for all the orders'
        invoices at once. Those of a regular order line are not; the others
        are, unless a line of theirs comes from another order's regular line:
        one query (stock reads all their lines, then those order lines), in
        SQL, at a third of the cost of _read_group() on the portal page."""
        down_payments = self.order_line.filtered("is_downpayment")
        moves = (
            down_payments.invoice_lines.move_id
            - (self.order_line - down_payments).invoice_lines.move_id
        )
        if moves:
            self.env["account.move.line"].flush_model(["move_id", "sale_line_ids"])
            self.env["sale.order.line"].flush_model(["is_downpayment"])
            moves -= moves.browse(
                move_id
                for (move_id,) in self.env.execute_query(
                    SQL(
                        """SELECT DISTINCT invoice_line.move_id
                             FROM account_move_line invoice_line
                             JOIN sale_order_line_invoice_rel relation
                               ON relation.invoice_line_id = invoice_line.id
                             JOIN sale_order_line order_line
                               ON order_line.id = relation.order_line_id
                            WHERE invoice_line.move_id IN %s
                              AND order_line.is_downpayment IS NOT TRUE""",
                        tuple(moves.ids),
                    )
                )
            )
        for order in self:
            order.downpayment_invoice_ids = (
                order.order_line.invoice_lines.move_id & moves
            )

    def action_view_time_analysis(self):
        """Time spent on the order's lines, per line and per employee."""
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "psi_sale.account_analytic_line_action_order_time"
        )
        action["domain"] = [
            ("so_line", "in", self.order_line.ids),
            ("project_id", "!=", False),
        ]
        action["display_name"] = self.env._("Time Spent on %(order)s", order=self.name)
        return action

    def _regular_lines(self):
        return self.order_line.filtered(
            lambda line: not line.display_type and not line.is_downpayment
        )

    # Invoicing: down payments deducted by the company's policy ---------------

    def _create_invoices(self, grouped=False, final=False, date=None):
        """With down payments deducted (``final``), each order's deductions are
        computed once, before its invoice is made, and built into its values
        (_get_invoiceable_lines, sale.order.line._prepare_invoice_line). An
        invoice that deducts part of what is left of a down payment is made as
        stock makes a regular one (final=False): stock's switch to a credit
        note and its correction of the down payments' taxes are for the
        invoice that deducts all that is left."""
        if not final:
            return super()._create_invoices(grouped=grouped, final=final, date=date)
        # the closing's lines invoiced as ordered, if any (_close)
        line_values, partial = (
            dict(self.env.context.get("invoice_line_values", {})),
            False,
        )
        for order in self:
            for line, (amount, balance) in order._get_down_payment_deductions().items():
                line_values[line.id] = line._prepare_deduction_values(amount, balance)
                partial |= (
                    order.currency_id.compare_amounts(amount, balance.to_deduct) < 0
                )
        moves = super(
            SaleOrder, self.with_context(invoice_line_values=line_values)
        )._create_invoices(grouped=grouped, final=not partial, date=date)
        return moves.with_env(self.env)

    def _get_invoiceable_lines(self, final=False):
        """With down payments deducted, the lines given their invoice line's
        values before the invoice is made (sale.order.line.
        _prepare_invoice_line): the down payment lines that deduct something,
        and only them; the lines a closing invoices as ordered."""
        line_values = self.env.context.get("invoice_line_values")
        if line_values is None:
            return super()._get_invoiceable_lines(final)
        lines = super()._get_invoiceable_lines(final=True)
        return lines.filtered(lambda line: not line.is_downpayment) | (
            self.order_line.filtered(lambda line: line.id in line_values)
        )

    def _get_down_payment_deductions(self):
        """{down payment line: (untaxed amount, its DownPaymentBalance)} that
        this order's next invoice deducts, computed from its invoiceable lines
        before it is made. All that is left under the ``full`` policy, by the
        invoice that closes the order, and by an invoice that bills nothing
        else (a credit note, as in stock Odoo); otherwise never more than the
        invoice bills and, under ``proportional``, the down payments in the
        share of the order invoiced with it, all that is left once every line
        is invoiced. The amount is spread over the down payment lines in
        proportion to what is left of each, the last one taking the rest."""
        self.ensure_one()
        currency = self.currency_id
        balances = {}
        for line in self.order_line.filtered(
            lambda line: line.is_downpayment and not line.display_type
        ):
            balance = line._get_down_payment_balance()
            if currency.compare_amounts(balance.to_deduct, 0) > 0:
                balances[line] = balance
        if not balances:
            return {}
        to_deduct = amount = sum(balance.to_deduct for balance in balances.values())
        policy = self.company_id.down_payment_deduction
        lines = self._get_invoiceable_lines(final=True).filtered(
            lambda line: not line.display_type and not line.is_downpayment
        )
        if policy != "full" and not self.env.context.get("close_orders") and lines:
            billed = sum(line._get_untaxed_amount_to_bill() for line in lines)
            amount = min(max(billed, 0.0), to_deduct)
            if policy == "proportional" and self._get_lines_left_uninvoiced():
                invoiced = sum(balance.invoiced for balance in balances.values())
                after = self._get_regular_amount_invoiced() + billed
                share = (
                    min(1.0, after / self.amount_untaxed)
                    if self.amount_untaxed
                    else 1.0
                )
                amount = min(
                    amount, max(0.0, invoiced * share - (invoiced - to_deduct))
                )
        amount = currency.round(amount)
        deductions, rest = {}, amount
        for index, (line, balance) in enumerate(balances.items(), start=1):
            part = (
                rest
                if index == len(balances)
                else currency.round(amount * balance.to_deduct / to_deduct)
            )
            rest -= part
            if not currency.is_zero(part):
                deductions[line] = (part, balance)
        return deductions

    def _get_regular_amount_invoiced(self):
        """Untaxed amount of the order's lines on invoices that are not
        cancelled (drafts included), credit notes deducted."""
        self.ensure_one()
        amount = 0.0
        for invoice_line in self._regular_lines().invoice_lines:
            move = invoice_line.move_id
            if move.state != "cancel":
                sign = -1 if move.move_type == "out_refund" else 1
                amount += sign * invoice_line.price_subtotal
        return amount

    # Closing: the last invoice deducts every down payment left ----------------

    def action_cancel(self):
        """What an order invoiced stays invoiced: say what to do instead of
        cancelling, until credit notes have given it all back."""
        invoiced = self.filtered(
            lambda order: (
                not order.currency_id.is_zero(
                    sum(
                        order.invoice_ids.filtered(
                            lambda move: move.state == "posted"
                        ).mapped("amount_total_in_currency_signed")
                    )
                )
            )
        )
        if invoiced:
            raise UserError(
                self.env._(
                    "%(orders)s cannot be cancelled: invoices of it are posted. "
                    "Issue credit notes for them first, or close the order to "
                    "invoice what is left, deduct its down payments and lock it.",
                    orders=", ".join(invoiced.mapped("name")),
                )
            )
        return super().action_cancel()

    def action_close_order(self):
        """What closing will invoice, and leave, shown before anything is
        done."""
        self._check_closable()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Close the Order"),
            "res_model": "sale.order.close",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_order_id": self.id},
        }

    def _check_closable(self):
        for order in self:
            if order.company_id not in self.env.companies:
                raise UserError(
                    self.env._(
                        "%(order)s belongs to %(company)s: switch to that company "
                        "to close it.",
                        order=order.name,
                        company=order.company_id.name,
                    )
                )
            if order.state != "sale" or order.is_closed:
                raise UserError(
                    self.env._(
                        "Only a confirmed order that is not closed yet can be "
                        "closed: %(order)s is %(state)s.",
                        order=order.name,
                        state=self.env._("closed")
                        if order.is_closed
                        else dict(
                            order._fields["state"]._description_selection(self.env)
                        )[order.state],
                    )
                )
            if order.closing_invoice_id:
                raise UserError(
                    self.env._(
                        "%(order)s is being closed: post its closing invoice "
                        "%(invoice)s to close it, or cancel that invoice to "
                        "close it again.",
                        order=order.name,
                        invoice=order.closing_invoice_id.display_name,
                    )
                )

    def _get_lines_left_uninvoiced(self):
        """[(order line, quantity, untaxed amount)]: what the order's next
        invoice (its closing's) would leave uninvoiced of the ordered
        quantities, its quantities to invoice invoiced."""
        self.ensure_one()
        precision = self.env["decimal.precision"].precision_get(
            "Product Unit of Measure"
        )
        left = []
        for line in self._regular_lines():
            quantity = line.product_uom_qty - line.qty_invoiced - line.qty_to_invoice
            if float_compare(quantity, 0, precision_digits=precision) > 0:
                amount = self.currency_id.round(quantity * line._get_untaxed_price())
                left.append((line, quantity, amount))
        return left

    def _close(self, invoice_as_ordered=None):
        """Invoice what is left to invoice, and the order lines
        ``invoice_as_ordered`` up to their ordered quantity, deducting every
        down payment not deducted yet (stock's final invoice: a credit note
        where they exceed it). An order is closed when that invoice is
        posted (account.move._post), at once when there is nothing to
        invoice."""
        self._check_closable()
        invoices = self.with_context(
            raise_if_nothing_to_invoice=False,
            close_orders=True,
            invoice_line_values={
                line.id: {"quantity": line.product_uom_qty - line.qty_invoiced}
                for line in invoice_as_ordered or ()
            },
        )._create_invoices(final=True)
        for order in self:
            order.closing_invoice_id = invoices.filtered(
                lambda move, order=order: order in move.line_ids.sale_line_ids.order_id
            )[:1]
        self.filtered(lambda order: not order.closing_invoice_id)._set_closed()
        return invoices

    def _set_closed(self):
        """Closed: nothing more to invoice, locked, their open tasks done."""
        self.is_closed = True
        self.action_lock()
        self.order_line._search_order_tasks([("is_closed", "=", False)]).write(
            {"state": "1_done"}
        )

    # Portal -------------------------------------------------------------------

    def _get_portal_projects(self, user):
        """The order's projects (set on it or made by its lines) that USER may
        open on the portal: those the company shares with the customer (stock
        project sharing), in one query with USER's record rules."""
        self.ensure_one()
        projects = self.env["project.project"].with_user(user)
        if not projects.has_access("read"):
            return projects
        order = self.sudo()
        return projects.search_fetch(
            [
                ("id", "in", (order.project_id | order.order_line.project_id).ids),
                ("privacy_visibility", "=", "portal"),
            ],
            ["name"],
        )

    def _get_portal_tracking(self):
        """The figures of the tracking section, formatted as res.lang.format()
        and the monetary widget do in the reader's language, its grouping read
        once (a QWeb field or widget per number costs the language and its
        grouping again: more than all the rest of the section):

        - ``rows``: for each tracked line, the line and its quantities
          (ordered, delivered, invoiced, remaining, overrun), the time logged
          as hours:minutes and the delivered percentage, from the stored
          quantities, without the computation of the cockpit's fields (their
          cost per line is the page's largest);
        - ``amounts``: the untaxed amounts (ordered, delivered, invoiced, down
          payments invoiced and to deduct);
        - ``invoices``: the posted invoices (``_get_portal_invoices``)."""
        self.ensure_one()
        number = self._get_portal_number_format()
        digits = self.env["decimal.precision"].precision_get("Product Unit of Measure")

        def quantity(value):
            return number(value, digits)

        def amount(value, currency=self.currency_id):
            """As odoo.tools.format_amount() writes it, which reads the language
            and parses its grouping again for each amount (116 us against 16)."""
            text = number(currency.round(value), currency.decimal_places)
            text = text.replace(" ", "\N{NO-BREAK SPACE}").replace(
                "-", "-\N{ZERO WIDTH NO-BREAK SPACE}"
            )
            if currency.position == "before":
                return f"{currency.symbol or ''}\N{NO-BREAK SPACE}{text}"
            return f"{text}\N{NO-BREAK SPACE}{currency.symbol or ''}"

        rows = []
        for line in self._regular_lines():
            overrun = line._get_overrun_quantity(digits)
            remaining = float_round(
                line.product_uom_qty - line.qty_delivered, precision_digits=digits
            )
            rows.append(
                {
                    "line": line,
                    "ordered": quantity(line.product_uom_qty),
                    "delivered": quantity(line.qty_delivered),
                    "invoiced": quantity(line.qty_invoiced),
                    "remaining": quantity(remaining),
                    "is_beyond": remaining < 0,
                    "overrun": quantity(overrun) if overrun else "",
                    "time_spent": format_duration(line.delivered_hours)
                    if line.delivered_hours
                    else "",
                    "percentage": round(line._get_delivered_percentage()),
                }
            )
        amounts = {
            name: amount(self[field])
            for name, field in (
                ("ordered", "amount_untaxed"),
                ("delivered", "untaxed_amount_delivered"),
                ("invoiced", "untaxed_amount_invoiced"),
                ("down_payments_invoiced", "downpayment_amount_invoiced"),
                ("down_payments_to_deduct", "downpayment_amount_to_deduct"),
            )
        }
        return {
            "rows": rows,
            "amounts": amounts,
            "invoices": self._get_portal_invoices(amount),
        }

    def _get_portal_invoices(self, amount):
        """The posted invoices by date, each a dict of the invoice, whether it
        is a down payment, its type, date, total (formatted by AMOUNT) and
        payment state, the labels read once for all (a QWeb field reads the
        whole description of its field for each value)."""
        moves = self.env["account.move"]
        labels = {
            name: dict(moves._fields[name]._description_selection(self.env))
            for name in ("move_type", "payment_state")
        }
        posted = self.invoice_ids.filtered(lambda move: move.state == "posted")
        return [
            {
                "invoice": invoice,
                "is_down_payment": invoice in self.downpayment_invoice_ids,
                "type": labels["move_type"][invoice.move_type],
                "date": format_date(self.env, invoice.invoice_date),
                "total": amount(invoice.amount_total, invoice.currency_id),
                "payment_state": labels["payment_state"][invoice.payment_state],
                "is_paid": invoice.payment_state in ("paid", "in_payment", "reversed"),
            }
            for invoice in posted.sorted(lambda move: (move.invoice_date, move.id))
        ]

    def _get_portal_number_format(self):
        """A function formatting a number with DIGITS decimals as
        res.lang.format() does in the reader's language, its grouping parsed
        once."""
        lang = get_lang(self.env)
        grouping = ast.literal_eval(lang.grouping)
        # no separator within the first group (most figures): no intersperse()
        first_group = grouping[0] if grouping and grouping[0] > 0 else 0

        def number(value, digits):
            integer, _point, decimals = f"{value:.{digits}f}".partition(".")
            if first_group and len(integer.lstrip("-")) > first_group:
                integer = intersperse(integer, grouping, lang.thousands_sep or "")[0]
            return f"{integer}{lang.decimal_point}{decimals}" if decimals else integer

        return number
