import json
from functools import partial

from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tests import Form, HttpCase, tagged
from odoo.tools import mute_logger

from .common import PsiCommon

# messages already translated in fr.po are checked in French, the others in
# English (they are translated when the lead merges the new French terms)
HOURS_FR = "doivent être supérieures à 0 et au plus 24"
PROBABILITY_FR = "doit être comprise entre 0 et 100"
COUNTED = (
    "crm.stage",
    "crm.tag",
    "crm.lead",
    "sale.order",
    "sale.order.line",
    "res.partner",
    "project.task",
)


class BadInputCommon(PsiCommon):
    """Bad values psi_sale refuses, whoever sends them: ``_cases`` lists them,
    each door (ORM, forms, JSON-RPC) sends them its own way."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("en_US")
        both = cls.company_a + cls.company_b
        cls.manager_fr, cls.manager_en = (
            cls._user(
                f"psi_bad_manager_{lang[:2]}",
                "sales_team.group_sale_manager",
                both,
                lang=lang,
            )
            for lang in ("fr_FR", "en_US")
        )
        cls.salesman_fr = cls._user(
            "psi_bad_salesman_fr", "sales_team.group_sale_salesman", lang="fr_FR"
        )
        cls.admin_fr = cls._user(
            "psi_bad_admin_fr",
            "base.group_system,base.group_erp_manager,sales_team.group_sale_manager,"
            "hr_timesheet.group_timesheet_manager",
            lang="fr_FR",
        )
        cls.company_a.crm_stage_rules = True
        cls.customer = cls.env["res.partner"].create({"name": "Client Durand"})
        cls.stage_a, cls.stage_b = cls.env["crm.stage"].create(
            [
                {"name": "Proposition A", "company_id": cls.company_a.id},
                {"name": "Proposition B", "company_id": cls.company_b.id},
            ]
        )
        cls.stage_a.required_field_ids = cls.env["ir.model.fields"]._get(
            "crm.lead", "expected_revenue"
        )
        cls.category_b = cls.env["crm.tag"].create(
            {
                "name": "Audit B",
                "is_offer_category": True,
                "company_id": cls.company_b.id,
            }
        )
        cls.product_b, cls.product_archived, cls.product_not_sold = cls.env[
            "product.product"
        ].create(
            [
                {"name": "Offre B", "type": "service", "company_id": cls.company_b.id},
                {"name": "Offre retirée", "type": "service", "active": False},
                {"name": "Frais internes", "type": "service", "sale_ok": False},
            ]
        )
        cls.lead = cls.env["crm.lead"].create(
            {
                "name": "Projet Durand",
                "type": "opportunity",
                "company_id": cls.company_a.id,
                "user_id": cls.salesman_fr.id,
                "partner_id": cls.customer.id,
            }
        )
        line = Command.create({"product_id": cls.product_audit.id})
        cls.quotation, cls.order = cls.env["sale.order"].create(
            [
                {
                    "partner_id": cls.customer.id,
                    "user_id": cls.salesman_fr.id,
                    "order_line": [line],
                }
            ]
            * 2
        )
        cls.order.action_confirm()

    def _cases(self):
        """(name, user, model, method, records, values, expected message)."""
        lead, quotation = self.lead, self.quotation
        return [
            (
                "customer's day of 25 hours",
                self.salesman_fr,
                "res.partner",
                "create",
                None,
                {"name": "Client Martin", "timesheet_hours_per_day": 25},
                HOURS_FR,
            ),
            (
                "customer's day of -1 hour",
                self.salesman_fr,
                "res.partner",
                "write",
                self.customer,
                {"timesheet_hours_per_day": -1},
                HOURS_FR,
            ),
            (
                "company's day emptied",
                self.admin_fr,
                "res.company",
                "write",
                self.company_a,
                {"timesheet_hours_per_day": False},
                HOURS_FR,
            ),
            (
                "quotation's day of 0 hours",
                self.salesman_fr,
                "sale.order",
                "write",
                quotation,
                {"hours_per_day": 0},
                HOURS_FR,
            ),
            (
                "new quotation's day of 30 hours",
                self.salesman_fr,
                "sale.order",
                "create",
                None,
                {"partner_id": self.customer.id, "hours_per_day": 30},
                HOURS_FR,
            ),
            (
                "confirmed order's day changed by a salesperson",
                self.salesman_fr,
                "sale.order",
                "write",
                self.order,
                {"hours_per_day": 8},
                "Seul un responsable des ventes peut modifier la durée de la journée",
            ),
            (
                "stage's default probability of 150",
                self.manager_fr,
                "crm.stage",
                "create",
                None,
                {
                    "name": "Relance",
                    "set_probability": True,
                    "default_probability": 150,
                },
                PROBABILITY_FR,
            ),
            (
                "stage's default probability of -5",
                self.manager_fr,
                "crm.stage",
                "write",
                self.stage_a,
                {"default_probability": -5},
                PROBABILITY_FR,
            ),
            (
                "opportunity's probability of 120",
                self.manager_en,
                "crm.lead",
                "write",
                lead,
                {"probability": 120},
                "The probability of Projet Durand must be between 0 and 100",
            ),
            (
                "stage's required field of another model",
                self.manager_fr,
                "crm.stage",
                "write",
                self.stage_a,
                {
                    "required_field_ids": [
                        Command.link(
                            self.env["ir.model.fields"]._get("res.partner", "email").id
                        )
                    ]
                },
                "doivent être des champs des pistes et opportunités",
            ),
            (
                "opportunity entering a stage with a required field empty",
                self.manager_fr,
                "crm.lead",
                "write",
                lead,
                {"stage_id": self.stage_a.id},
                "Pour passer Projet Durand à l'étape Proposition A, renseignez",
            ),
            (
                "opportunity in a stage of another company",
                self.manager_fr,
                "crm.lead",
                "write",
                lead,
                {"stage_id": self.stage_b.id},
                "L'étape Proposition B appartient à la société PSI Company B",
            ),
            (
                "opportunity with an offer category of another company",
                self.manager_fr,
                "crm.lead",
                "write",
                lead,
                {"offer_category_ids": [Command.link(self.category_b.id)]},
                "doivent être partagées ou appartenir à sa société : Audit B",
            ),
            (
                "plain tag picked as offer category",
                self.salesman_fr,
                "crm.lead",
                "write",
                lead,
                {"offer_category_ids": [Command.link(self.tag_plain.id)]},
                "Seules des catégories d'offre peuvent être choisies",
            ),
            (
                "offer of another company",
                self.manager_fr,
                "crm.tag",
                "create",
                None,
                {
                    "name": "Conseil A",
                    "is_offer_category": True,
                    "company_id": self.company_a.id,
                    "offer_product_ids": [Command.link(self.product_b.id)],
                },
                "actifs et vendables, partagés ou de sa société : Offre B",
            ),
            (
                "archived offer",
                self.manager_en,
                "crm.tag",
                "write",
                self.category_audit,
                {"offer_product_ids": [Command.link(self.product_archived.id)]},
                "must be active products that can be sold, shared or of its company: "
                "Offre retirée",
            ),
            (
                "offer that cannot be sold",
                self.manager_fr,
                "crm.tag",
                "write",
                self.category_audit,
                {"offer_product_ids": [Command.link(self.product_not_sold.id)]},
                "actifs et vendables, partagés ou de sa société : Frais internes",
            ),
        ]

    def _user_env(self, user):
        """``user``'s environment in their language, as the web client sends it."""
        return self.env(user=user, context=dict(self.env.context, lang=user.lang))

    def _snapshot(self, records, fields):
        """Record counts, and the ``fields`` of ``records`` the case writes."""
        self.env.invalidate_all()
        counts = {
            model: self.env[model].with_context(active_test=False).search_count([])
            for model in COUNTED
        }
        if records:
            counts["values"] = records.read(fields)
        return counts

    def _assert_refused(self, name, send, records, values, expected):
        """``send()`` raises or returns the error message: assert it, and that
        the database is as it was."""
        with self.subTest(case=name):
            fields = list(values or ())  # before any write adds its own
            before = self._snapshot(records, fields)
            message = send()
            self.assertIn(expected, message or "(accepted)")
            self.assertEqual(self._snapshot(records, fields), before)

    def _assert_cases_refused(self, cases, send):
        """Each case sent by ``send(user, model, method, records, values)``."""
        for name, user, model, method, records, values, expected in cases:
            self._assert_refused(
                name,
                partial(send, user, model, method, records, values),
                records,
                values,
                expected,
            )


@tagged("post_install", "-at_install")
class TestBadInputOrm(BadInputCommon):
    """The ORM (and the forms) refuse them with a translated message."""

    def _send_orm(self, user, model, method, records, values):
        env = self._user_env(user)
        with self.assertRaises(UserError) as error:
            if method == "create":
                env[model].create(values)
            else:
                records.with_env(env).write(values)
            self.env.flush_all()
        return str(error.exception)

    def test_orm(self):
        self._assert_cases_refused(self._cases(), self._send_orm)

    def _send_form(self, form):
        with self.assertRaises(UserError) as error:
            form.save()
        return str(error.exception)

    def test_forms(self):
        """The forms a salesperson and a manager use, as the web client fills them."""
        partner = Form(self._user_env(self.salesman_fr)["res.partner"])
        partner.name = "Client Martin"
        partner.timesheet_hours_per_day = 25
        quotation = Form(self.quotation.with_env(self._user_env(self.salesman_fr)))
        quotation.hours_per_day = 0
        stage = Form(self._user_env(self.manager_fr)["crm.stage"])
        stage.name = "Relance"
        stage.set_probability = True
        stage.default_probability = 150
        # stock's test base has active pricelists without the pricelist
        # feature: the settings form warns that it would archive them
        with mute_logger("odoo.tests.form.onchange"):
            settings = Form(self._user_env(self.admin_fr)["res.config.settings"])
        settings.timesheet_hours_per_day = 0
        for name, form, records, values, expected in (
            ("customer", partner, None, None, HOURS_FR),
            ("quotation", quotation, self.quotation, ["hours_per_day"], HOURS_FR),
            ("stage", stage, None, None, PROBABILITY_FR),
            (
                "settings",
                settings,
                self.company_a,
                ["timesheet_hours_per_day"],
                HOURS_FR,
            ),
        ):
            self._assert_refused(
                name, partial(self._send_form, form), records, values, expected
            )


@tagged("post_install", "-at_install")
class TestBadInputRpc(HttpCase, BadInputCommon):
    """JSON-RPC ``call_kw``, as an external integration calls it, refuses them
    with the same translated messages, and the wrong types and missing values
    that only this door lets through."""

    def _call_kw(self, user, model, method, args):
        """Call ``model.method(*args)`` as ``user``: the error message, if any."""
        self.authenticate(user.login, user.login)
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {
                "model": model,
                "method": method,
                "args": args,
                # as the web client and Odoo's external API examples do
                "kwargs": {"context": {"lang": user.lang}},
            },
        }
        with mute_logger("odoo.http", "odoo.sql_db"):
            response = self.url_open(
                "/web/dataset/call_kw",
                data=json.dumps(payload),
                headers={"Content-Type": "application/json"},
            )
        error = response.json().get("error")
        return error and error["data"]["message"]

    def _send_rpc(self, user, model, method, records, values):
        args = [values] if method == "create" else [records.ids, values]
        return self._call_kw(user, model, method, args)

    def test_rpc(self):
        self._assert_cases_refused(self._cases(), self._send_rpc)

    def test_rpc_wrong_types_and_missing_values(self):
        """Odoo's ORM refuses them before psi_sale sees them, with its own
        messages (those of wrong types and values are not translated)."""
        manager, quotation = self.manager_en, self.quotation
        customer_b = self.env["res.partner"].create(
            {"name": "Client B", "company_id": self.company_b.id}
        )
        line = Command.create({"product_id": self.product_audit.id})
        self._assert_cases_refused(
            [
                (
                    "day length as text",
                    manager,
                    "sale.order",
                    "write",
                    quotation,
                    {"hours_per_day": "sept"},
                    "could not convert string to float: 'sept'",
                ),
                (
                    "unknown rounding",
                    manager,
                    "sale.order",
                    "write",
                    quotation,
                    {"day_rounding": "weekly"},
                    "Wrong value for sale.order.day_rounding: 'weekly'",
                ),
                (
                    "quotation without customer",
                    manager,
                    "sale.order",
                    "create",
                    None,
                    {"order_line": [line]},
                    "a mandatory field is not set",
                ),
                (
                    "quotation of another company's customer",
                    manager,
                    "sale.order",
                    "create",
                    None,
                    {"partner_id": customer_b.id, "order_line": [line]},
                    "Incompatible companies on records",
                ),
            ],
            self._send_rpc,
        )
