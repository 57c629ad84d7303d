import ast

from odoo.tools import float_round, format_date, format_duration, get_lang

from odoo.addons.base.models.res_lang import intersperse
from odoo.addons.sale.controllers.portal import CustomerPortal


class PsiCustomerPortal(CustomerPortal):
    def _show_report(self, model, report_type, report_ref, download=False):
        """A quotation's document on the portal is its order form ("bon pour
        commande"), as sent by email; a signed order's too, with its
        signature."""
        if (
            model._name == "sale.order"
            and report_ref == "sale.action_report_saleorder"
            and model._is_order_form()
        ):
            report_ref = "psi_sale.action_report_order_form"
        return super()._show_report(model, report_type, report_ref, download=download)

    def _get_page_view_values(self, document, access_token, values, *args, **kwargs):
        """An order's page formats its tracking ("Suivi") with
        ``portal_tracking``, called where the page renders the section, after
        the rest of the order is read."""
        if document._name == "sale.order":
            values["portal_tracking"] = portal_tracking
        return super()._get_page_view_values(
            document, access_token, values, *args, **kwargs
        )


def portal_tracking(order):
    """The figures of ORDER's tracking section, formatted as res.lang.format()
    and the monetary widget do in the reader's language, its grouping read
    once (a QWeb field or widget per number costs the language and its
    grouping again: more than all the rest of the section):

    - ``rows``: for each tracked line, the line and its quantities (ordered,
      delivered, invoiced, remaining, overrun), the time logged as
      hours:minutes and the delivered percentage, from the stored quantities,
      without the computation of the cockpit's fields (their cost per line is
      the page's largest);
    - ``amounts``: the untaxed amounts (ordered, delivered, invoiced, down
      payments invoiced and to deduct);
    - ``invoices``: the posted invoices (``_portal_invoices``)."""
    order.ensure_one()
    number = _number_format(order.env)
    digits = order.env["decimal.precision"].precision_get("Product Unit of Measure")

    def quantity(value):
        return number(value, digits)

    def amount(value, currency=order.currency_id):
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
    for line in order._regular_lines():
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
        name: amount(order[field])
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
        "invoices": _portal_invoices(order, amount),
    }


def _portal_invoices(order, amount):
    """ORDER's posted invoices by date, each a dict of the invoice, whether it
    is a down payment, its type, date, total (formatted by AMOUNT) and payment
    state, the labels read once for all (a QWeb field reads the whole
    description of its field for each value)."""
    env = order.env
    moves = env["account.move"]
    labels = {
        name: dict(moves._fields[name]._description_selection(env))
        for name in ("move_type", "payment_state")
    }
    posted = order.invoice_ids.filtered(lambda move: move.state == "posted")
    return [
        {
            "invoice": invoice,
            "is_down_payment": invoice in order.downpayment_invoice_ids,
            "type": labels["move_type"][invoice.move_type],
            "date": format_date(env, invoice.invoice_date),
            "total": amount(invoice.amount_total, invoice.currency_id),
            "payment_state": labels["payment_state"][invoice.payment_state],
            "is_paid": invoice.payment_state in ("paid", "in_payment", "reversed"),
        }
        for invoice in posted.sorted(lambda move: (move.invoice_date, move.id))
    ]


def _number_format(env):
    """A function formatting a number with DIGITS decimals as
    res.lang.format() does in the reader's language, its grouping parsed
    once."""
    lang = get_lang(env)
    grouping = ast.literal_eval(lang.grouping)
    # no separator within the first group (most figures): no intersperse()
    first_group = grouping[0] if grouping and grouping[0] > 0 else 0

    def number(value, digits):
        integer, _point, decimals = f"{value:.{digits}f}".partition(".")
        if first_group and len(integer.lstrip("-")) > first_group:
            integer = intersperse(integer, grouping, lang.thousands_sep or "")[0]
        return f"{integer}{lang.decimal_point}{decimals}" if decimals else integer

    return number
