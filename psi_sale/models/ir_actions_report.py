import functools
import subprocess

from odoo import models

from odoo.addons.base.models.ir_actions_report import _get_wkhtmltopdf_bin


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
