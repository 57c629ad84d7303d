from odoo import api, fields, models
from odoo.tools import SQL


class SaleOrder(models.Model):
    """The order is the cockpit of the deal, from the quotation made from an
    opportunity to the invoices that deduct its down payments."""

    _inherit = "sale.order"

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

    def _set_closed(self):
        """Closed orders also have their open tasks done."""
        result = super()._set_closed()
        self.order_line._search_order_tasks([("is_closed", "=", False)]).write(
            {"state": "1_done"}
        )
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
