import io
import os

import polib

from odoo.modules.module import get_module_path
from odoo.tests import HttpCase, TransactionCase, tagged
from odoo.tools.translate import trans_export


@tagged("post_install", "-at_install")
class TestI18n(TransactionCase):
    """French first: the .pot is current and fr.po translates all of it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.i18n = os.path.join(get_module_path("psi_sale"), "i18n")

    def _msgids(self, po):
        return {entry.msgid for entry in po if not entry.obsolete}

    def test_pot_is_current(self):
        buffer = io.BytesIO()
        trans_export(None, ["psi_sale"], buffer, "po", self.env.cr)
        exported = polib.pofile(buffer.getvalue().decode())
        shipped = polib.pofile(os.path.join(self.i18n, "psi_sale.pot"))
        self.assertEqual(
            self._msgids(exported) ^ self._msgids(shipped),
            set(),
            "i18n/psi_sale.pot is stale: run `make pot`",
        )

    def test_french_is_complete(self):
        shipped = polib.pofile(os.path.join(self.i18n, "psi_sale.pot"))
        french = polib.pofile(os.path.join(self.i18n, "fr.po"))
        translated = {
            entry.msgid
            for entry in french
            if entry.msgstr and "fuzzy" not in entry.flags
        }
        self.assertEqual(
            self._msgids(shipped) - translated, set(), "untranslated in fr.po"
        )


@tagged("post_install", "-at_install")
class TestPortalTranslations(HttpCase):
    """The portal's texts are French for a French customer, the chatter's
    (mail's) too."""

    def test_the_portal_has_the_chatters_translations(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        answer = self.url_open("/website/translations/1?lang=fr_FR")
        self.assertEqual(answer.status_code, 200)
        modules = answer.json()["modules"]
        self.assertIn(
            {"id": "The conversation is empty.", "string": "La conversation est vide."},
            modules["mail"]["messages"],
        )
