import functools
import subprocess

from odoo import models

from odoo.addons.base.models.ir_actions_report import _get_wkhtmltopdf_bin

# the top and bottom margins of a page printed without header nor footer
PAGE_MARGIN_MM = 12


@functools.cache
def wkhtmltopdf_draws_web_fonts():
    """Whether this server's wkhtmltopdf is a build without Odoo's patched Qt
    (Debian's, for one): it draws web fonts as shapes, so that the text of a
    PDF could be neither read, searched nor copied. Read once per process,
    as Odoo reads the version of the binary."""
    try:
        version = subprocess.run(
            [_get_wkhtmltopdf_bin(), "--version"],
            capture_output=True,
            check=False,
            timeout=30,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return b"patched qt" not in version


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _get_layout(self):
        """With such a build, PDF documents use the fonts installed on the
        server (Debian's fonts-lato for Odoo's Lato) instead of web fonts."""
        if wkhtmltopdf_draws_web_fonts():
            layout = self.env.ref(
                "psi_sale.minimal_layout_system_fonts", raise_if_not_found=False
            )
            if layout:
                return layout
        return super()._get_layout()

    def _build_wkhtmltopdf_args(self, paperformat_id, landscape, *args, **kwargs):
        """Such a build prints no header nor footer: their margins (52 and
        32 mm of Odoo's A4) would leave the page a third empty and push the
        end of a short document onto a page of its own."""
        command_args = super()._build_wkhtmltopdf_args(
            paperformat_id, landscape, *args, **kwargs
        )
        if wkhtmltopdf_draws_web_fonts():
            for option in ("--margin-top", "--margin-bottom"):
                if option in command_args:
                    index = command_args.index(option) + 1
                    command_args[index] = str(
                        min(float(command_args[index]), PAGE_MARGIN_MM)
                    )
        return command_args

    def _render_qweb_pdf(self, report_ref, res_ids=None, data=None):
        """Orders signed online print as the order form they were signed on
        ("bon pour commande"), wherever stock prints its quotation/order: the
        copy that sale's portal_quote_accept attaches to the signature's
        message, the confirmation e-mail, the Print menu."""
        if res_ids and self._get_report(report_ref) == self.env.ref(
            "sale.action_report_saleorder", raise_if_not_found=False
        ):
            orders = self.env["sale.order"].browse(res_ids)
            if orders.filtered("signature") == orders:
                report_ref = "psi_sale.action_report_order_form"
        return super()._render_qweb_pdf(report_ref, res_ids=res_ids, data=data)

    def _get_rendering_context(self, report, docids, data):
        """A posted invoice shown on the customer portal is titled as the
        invoice it is. Odoo's portal asks for a PROFORMA (context key
        ``proforma_invoice``) for every invoice whose PDF Print & Send has not
        made yet, posted and numbered ones too; a pro forma asked for in DATA
        (the portal's download of such an invoice) stays one."""
        asked = bool(data and data.get("proforma"))
        data = super()._get_rendering_context(report, docids, data)
        if (
            self.env.context.get("proforma_invoice")
            and not asked
            and report.is_invoice_report
        ):
            invoices = self.env[report.model].browse(docids)
            if invoices and set(invoices.mapped("state")) == {"posted"}:
                data["proforma"] = False
        return data
