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
