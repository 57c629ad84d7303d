from odoo.fields import Command
from odoo.tests import new_test_user
from odoo.tools import mute_logger

from odoo.addons.sale.tests.common import TestSaleCommon


class DownPaymentCommon(TestSaleCommon):
    """Stock sale's accounting world and a customer; a service at 1,000 (20 %
    VAT) delivered by hand; a sales manager; the company deducting down
    payments up to each invoice's amount (the default: a database with
    psi_sale's demo deducts them in proportion)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_a.down_payment_deduction = "capped"
        cls.vat_20 = cls.env["account.tax"].create(
            {"name": "TVA 20 %", "amount": 20, "type_tax_use": "sale"}
        )
        cls.customer = cls.env["res.partner"].create({"name": "Durand Industrie"})
        cls.product_mission = cls._product("Mission d'accompagnement", 1000)
        cls.sales_manager = new_test_user(
            cls.env,
            "dp_sales_manager",
            "sales_team.group_sale_manager",
            company_id=cls.company_a.id,
            company_ids=cls.company_a.ids,
        )

    @classmethod
    def _use_chart_template(cls, company, chart_template_ref=None):
        # at_install (these tests run when the addon is installed, before
        # the addons that depend on it), the chart is loaded for the modules
        # installed so far, all these tests need: account warns that the
        # registry is not fully loaded, which is expected here
        with mute_logger("odoo.addons.account.models.chart_template"):
            return super()._use_chart_template(company, chart_template_ref)

    @classmethod
    def _product(cls, name, price, taxes=None, **values):
        """A service at PRICE with TAXES (20 % VAT if none), its deliveries
        entered by hand."""
        return cls.env["product.product"].create(
            {
                "name": name,
                "type": "service",
                "list_price": price,
                "invoice_policy": "delivery",
                "taxes_id": [Command.set((cls.vat_20 if taxes is None else taxes).ids)],
                **values,
            }
        )

    @classmethod
    def _order(cls, *quantities, partner=None, company=None, confirm=True):
        """An order of (product, quantity) lines (10 missions if none), in
        COMPANY if given, confirmed unless told."""
        lines = quantities or [(cls.product_mission, 10)]
        order = (
            cls.env["sale.order"]
            .with_company(company)
            .create(
                {
                    "partner_id": (partner or cls.customer).id,
                    "order_line": [
                        Command.create(
                            {"product_id": product.id, "product_uom_qty": qty}
                        )
                        for product, qty in lines
                    ],
                }
            )
        )
        if confirm:
            order.action_confirm()
        return order

    @classmethod
    def _wizard(cls, orders, mode, **values):
        """The invoicing wizard of ORDERS in MODE."""
        return (
            orders.env["sale.advance.payment.inv"]
            .with_context(active_model="sale.order", active_ids=orders.ids)
            .create(dict(values, invoice_mode=mode))
        )

    @classmethod
    def _invoice(cls, orders, mode="lines_deduct", **values):
        """What the wizard creates for these orders in this mode."""
        before = orders.invoice_ids
        cls._wizard(orders, mode, **values).create_invoices()
        return orders.invoice_ids - before

    @classmethod
    def _down_payment(cls, order, percentage=30):
        """A posted down payment invoice of PERCENTAGE % of ORDER."""
        invoice = cls._invoice(order, "percentage", amount=percentage)
        invoice.action_post()
        return invoice

    @staticmethod
    def _deliver(order, quantity):
        """QUANTITY delivered on each line of a product of ORDER."""
        order.order_line.filtered("product_id").qty_delivered = quantity

    @staticmethod
    def _deducted(invoice):
        """The down payments an invoice deducts (a credit note gives back)."""
        sign = -1 if invoice.move_type == "out_refund" else 1
        lines = invoice.invoice_line_ids.filtered("is_downpayment")
        return -sign * sum(lines.mapped("price_subtotal"))

    @staticmethod
    def _to_deduct(order):
        """The down payments of ORDER invoiced and not deducted yet."""
        balances = order._get_down_payment_balances()
        return sum(balance.to_deduct for balance in balances.values())

    def _closing(self, order):
        """The closing wizard of ORDER, as the sales manager opens it."""
        action = order.with_user(self.sales_manager).action_close_order()
        return (
            self.env[action["res_model"]]
            .with_user(self.sales_manager)
            .with_context(**action["context"])
            .create({})
        )
