from odoo.tests import tagged

from .common import PsiCommon


@tagged("post_install", "-at_install")
class TestOnlinePaymentWarning(PsiCommon):
    """A quotation that asks for an online payment warns its salesperson when
    no payment provider is active for its company: the customer could sign
    it, not pay it, and it would wait to be confirmed by hand."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["payment.provider"].search([("state", "!=", "disabled")]).write(
            {"state": "disabled"}
        )
        cls.quotation = cls._order(confirm=False)
        cls.quotation.require_payment = True
        cls.quotation = cls.quotation.with_user(cls.salesman_all)  # no provider read

    @classmethod
    def _provider(cls, company, **values):
        return cls.env["payment.provider"].create(
            {
                "name": "Virement test",
                "code": "none",
                "company_id": company.id,
                "state": "test",
                "is_published": True,
                **values,
            }
        )

    def test_online_payment_without_provider_warns(self):
        self.assertTrue(self.quotation.payment_provider_missing)
        self.quotation.action_quotation_sent()
        self.assertTrue(self.quotation.payment_provider_missing)

    def test_no_warning_without_online_payment(self):
        self.quotation.require_payment = False
        self.assertFalse(self.quotation.payment_provider_missing)

    def test_no_warning_with_an_active_provider(self):
        self._provider(self.company_a)
        self.assertFalse(self.quotation.payment_provider_missing)

    def test_providers_that_the_customer_cannot_use_do_not_count(self):
        self._provider(self.company_b)
        self._provider(self.company_a, state="disabled")
        self._provider(self.company_a, is_published=False)
        self.assertTrue(self.quotation.payment_provider_missing)

    def test_no_warning_once_confirmed(self):
        self.quotation.action_confirm()
        self.assertFalse(self.quotation.payment_provider_missing)

    def test_orders_of_several_companies_in_one_query(self):
        self._provider(self.company_b)
        other = self._order(confirm=False, company=self.company_b)
        other.require_payment = True
        orders = (self.quotation | other).sudo()
        self.env.flush_all()
        orders.fetch(["state", "require_payment", "company_id"])
        with self.assertQueryCount(1):
            self.assertEqual(orders.mapped("payment_provider_missing"), [True, False])

    def test_the_warning_on_the_form_is_translated(self):
        for lang, text in (
            ("en_US", "no payment provider is active for its company"),
            ("fr_FR", "aucun fournisseur de paiement n'est actif pour sa société"),
        ):
            arch = (
                self.env["sale.order"]
                .with_context(lang=lang)
                .get_views([(False, "form")])["views"]["form"]["arch"]
            )
            self.assertIn(text, " ".join(arch.split()))
            self.assertIn('name="psi_payment_provider_missing"', arch)
