from lxml import html

from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged, warmup

from .common import PsiCommon

TRACKING_LINES = "//table[@id='psi_tracking_lines']/tbody/tr"


@tagged("post_install", "-at_install")
class TestPortalTracking(HttpCase, PsiCommon):
    """The customer reads the quotation on the portal, signs it, then follows
    the order: the tracking of the cockpit's worked example, and nothing
    internal."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("en_US")
        cls.customer.write({"is_company": True, "lang": "en_US"})
        cls.portal_user = new_test_user(
            cls.env, "psi_durand", "base.group_portal", name="Sophie Durand"
        )
        cls.portal_user.partner_id.write(
            {"parent_id": cls.customer.id, "lang": "en_US"}
        )
        cls.other_customer = cls.env["res.partner"].create(
            {"name": "Lefèvre SA", "is_company": True}
        )
        cls.other_user = new_test_user(
            cls.env, "psi_lefevre", "base.group_portal", name="Marc Lefèvre"
        )
        cls.other_user.partner_id.parent_id = cls.other_customer
        cls.other_order = cls._order(
            (cls.product_training, 2), partner=cls.other_customer
        )
        # what must never reach the customer
        (cls.employee_1 | cls.employee_2).hourly_cost = 123.45
        cls.opportunity = cls.env["crm.lead"].create(
            {
                "name": "Refonte confidentielle Zeta",
                "type": "opportunity",
                "partner_id": cls.customer.id,
                "description": "Budget plafond négocié en interne",
                "expected_revenue": 98765,
            }
        )
        cls.order, cls.down_payment, cls.invoice = cls._worked_example()
        cls.order.write(
            {
                "opportunity_id": cls.opportunity.id,
                "internal_note": "<p>Remise accordée à contrecœur</p>",
            }
        )
        cls.order.order_line.timesheet_ids.name = "Réunion interne Omega"
        cls.url = f"/my/orders/{cls.order.id}"

    def _page(self, url, login="psi_durand"):
        self.authenticate(login, login)
        page = self.url_open(url)
        self.assertEqual(page.status_code, 200)
        return page

    @staticmethod
    def _rows(page, xpath):
        """The cells' texts of the rows that XPATH finds."""
        return [
            [" ".join(cell.text_content().split()) for cell in row.xpath("./td")]
            for row in html.fromstring(page.text).xpath(xpath)
        ]

    def _quotation(self, require_payment=False):
        quotation = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "require_signature": True,
                "require_payment": require_payment,
                "prepayment_percent": 0.3,
                "order_line": [
                    Command.create({"display_type": "line_section", "name": "Conseil"}),
                    Command.create(
                        {
                            "product_id": self.product_consulting.id,
                            "product_uom_qty": 10,
                        }
                    ),
                ],
            }
        )
        quotation.action_quotation_sent()
        return quotation

    def _share_project(self, visibility):
        project = self.order.project_ids
        project.privacy_visibility = visibility
        project.message_subscribe(partner_ids=self.customer.ids)
        return project

    def test_customer_follows_the_worked_example_of_the_cockpit(self):
        page = self._page(self.url)
        line = self.order.tracking_line_ids
        # the cockpit's figures: 10 days ordered, 16 h at 7 h a day delivered
        # and invoiced (2.29 days), 7.71 days remaining, the 16:00 h logged,
        # 22.9 % delivered
        self.assertEqual(
            self._rows(page, TRACKING_LINES),
            [
                [
                    line.name,
                    "10.00",
                    "2.29",
                    "2.29",
                    "7.71",
                    "Days",
                    "16:00",
                    "23% delivered",
                ]
            ],
        )
        self.assertEqual(
            self._rows(page, "//table[@id='psi_tracking_amounts']//tr"),
            [
                ["$ 6,000.00"],
                ["$ 1,374.00"],
                ["$ 1,374.00"],
                ["$ 1,800.00"],
                ["$ 1,800.00"],
            ],
        )
        invoices = self._rows(page, "//div[@id='psi_tracking_invoices']//tr")
        self.assertEqual(
            [row[:2] + row[3:] for row in invoices],
            [
                [self.down_payment.name, "Down payment", "$ 1,800.00", "Not Paid"],
                [self.invoice.name, "Customer Invoice", "$ 1,374.00", "Not Paid"],
            ],
        )
        # the customer pays the down payment
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=self.down_payment.ids
        ).create({})._create_payments()
        self.assertIn(self.down_payment.payment_state, ("paid", "in_payment"))
        page = self._page(self.url)
        paid = html.fromstring(page.text).xpath(
            "//div[@id='psi_tracking_invoices']//tr[1]//span[contains(@class, 'badge')]"
        )[0]
        self.assertIn("text-bg-success", paid.get("class"))
        self.assertIn(paid.text_content().strip(), ("Paid", "In Payment"))

    def test_tracking_shows_nothing_internal(self):
        page = self._page(self.url)
        tracking = html.tostring(
            html.fromstring(page.text).get_element_by_id("psi_tracking"),
            encoding="unicode",
        )
        self.assertIn("Days", tracking)
        for text in (page.text, tracking):
            for secret in (
                "Camille Martin",  # employees who logged the time
                "Louis Bernard",
                "123.45",  # their hourly cost, and the time's cost
                "1,111.05",
                "864.15",
                "Réunion interne Omega",  # timesheet description
                "contrecœur",  # internal note
                "Refonte confidentielle Zeta",  # opportunity
                "Budget plafond",
                "98,765",
            ):
                self.assertNotIn(secret, text)

    def test_project_tasks_linked_where_the_project_is_shared(self):
        project = self._share_project("followers")
        self.assertNotIn("/my/projects/", self._page(self.url).text)
        project.privacy_visibility = "portal"
        page = self._page(self.url)
        links = html.fromstring(page.text).xpath(
            "//section[@id='psi_tracking']//a/@href"
        )
        self.assertIn(project.access_url, links)
        tasks = self._page(project.access_url)
        self.assertIn(self.order.order_line.task_id.name, tasks.text)
        self.logout()
        page = self.url_open(self.order.get_portal_url())
        self.assertIn(self.order.name, page.text)
        self.assertNotIn(project.access_url, page.text, "not for anonymous visitors")
        self.authenticate("psi_lefevre", "psi_lefevre")
        page = self.url_open(project.access_url, allow_redirects=False)
        self.assertEqual(page.status_code, 303, "not the other customer's project")

    def test_portal_home_counters_and_lists(self):
        self.authenticate("psi_durand", "psi_durand")
        quotation = self._quotation()
        # stock counts orders and invoices up to 1: whether there are any
        counters = self.make_jsonrpc_request(
            "/my/counters",
            {"counters": ["quotation_count", "order_count", "invoice_count"]},
        )
        self.assertEqual(
            counters, {"quotation_count": 1, "order_count": 1, "invoice_count": 1}
        )
        for url, names in (
            ("/my/quotes", [quotation.name]),
            ("/my/orders", [self.order.name]),
            ("/my/invoices", [self.down_payment.name, self.invoice.name]),
        ):
            page = self.url_open(url)
            self.assertEqual(page.status_code, 200)
            for name in names:
                self.assertIn(name, page.text)
            self.assertNotIn(self.other_order.name, page.text)

    def test_another_customer_gets_no_access_even_guessing(self):
        self.authenticate("psi_lefevre", "psi_lefevre")
        last_id = self.env["sale.order"].search([], order="id desc", limit=1).id
        for url in (
            self.url,
            f"{self.url}?access_token=guessed-token",
            f"{self.url}?report_type=pdf",
            f"/my/orders/{last_id + 1}",
        ):
            page = self.url_open(url, allow_redirects=False)
            self.assertIn(page.status_code, (303, 403), url)
            self.assertNotIn(self.order.name, page.text)
            location = page.headers.get("Location", "")
            self.assertNotIn(f"/my/orders/{self.order.id}", location)

    def test_anonymous_visitor_reads_the_quotation_with_its_token(self):
        quotation = self._quotation(require_payment=True)
        page = self.url_open(quotation.get_portal_url())
        self.assertEqual(page.status_code, 200)
        # a section per offer category, quantities in days, the down payment
        self.assertEqual(
            self._rows(page, "//tr[contains(@class, 'o_line_section')]"), [["Conseil"]]
        )
        self.assertIn(
            "10.00 Days",
            self._rows(page, "//td[@id='quote_qty_td']/..")[0],
        )
        paragraph = html.fromstring(page.text).get_element_by_id("psi_down_payment")
        self.assertEqual(
            " ".join(paragraph.text_content().split()),
            "Down payment asked for on signature: $ 1,800.00 (30% of the total)",
        )
        self.assertNotIn('id="psi_tracking"', page.text)
        # its PDF is the order form (rendered as HTML by Odoo's test mode)
        document = self.url_open(quotation.get_portal_url(report_type="pdf"))
        self.assertEqual(document.status_code, 200)
        self.assertIn("Order Form", document.text)
        self.assertIn("Approved for order", document.text)
        without = self.url_open(f"/my/orders/{quotation.id}")
        self.assertIn("/web/login", without.url)
        self.assertNotIn(quotation.name, without.text)

    def test_pages_follow_the_portal_user_language(self):
        english = self._page(self.url)
        self.assertIn("Sale Information", english.text)
        self.assertIn("7.71", self._rows(english, TRACKING_LINES)[0])
        # the user's language, unless the visitor picked one (stock cookie)
        self.opener.cookies.set("frontend_lang", None)
        self.portal_user.lang = "fr_FR"
        french = self._page(self.url)
        self.assertIn("Informations de la commande", french.text)
        row = self._rows(french, TRACKING_LINES)[0]
        self.assertEqual(row[1:6], ["10,00", "2,29", "2,29", "7,71", "Jours"])

    def test_tour_sign_the_quotation_then_follow_the_order(self):
        quotation = self._quotation()
        self.start_tour(
            quotation.get_portal_url(),
            "psi_sale_portal_sign_and_follow",
            login="psi_durand",
        )
        self.assertRecordValues(
            quotation, [{"state": "sale", "signed_by": "Sophie Durand"}]
        )


@tagged("post_install", "-at_install")
class TestPortalQueryBudget(HttpCase, PsiCommon):
    """The portal order page costs nothing per line."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        new_test_user(
            cls.env, "psi_budget", "base.group_portal"
        ).partner_id.parent_id = cls.customer
        cls.order_5, cls.order_50 = (cls._big_order(lots) for lots in (1, 10))

    @classmethod
    def _big_order(cls, lots):
        """LOTS sections of 4 lines (task, on order, milestone, no task), each
        with time logged, a down payment and an invoice."""
        lines = []
        for lot in range(lots):
            lines.append(
                Command.create({"display_type": "line_section", "name": f"Lot {lot}"})
            )
            lines += [
                Command.create({"product_id": product.id, "product_uom_qty": 5})
                for product in (
                    cls.product_consulting,
                    cls.product_training,
                    cls.product_audit,
                    cls.product_senior,
                )
            ]
        order = cls.env["sale.order"].create(
            {"partner_id": cls.customer.id, "order_line": lines}
        )
        order.action_confirm()
        cls._log(order.order_line, (cls.employee_1, 3))
        cls._down_payment(order, 20)
        order._create_invoices().action_post()
        return order

    @warmup
    def test_tracking_costs_one_query_more_than_stock_page(self):
        """The customer's page by its link, as the benchmark fetches it: the
        Suivi section costs one query (the time spent per line); the down
        payment invoices are told in one query, where stock's list of the
        last invoices reads their payment transactions, which it replaces."""
        url = self.order_50.get_portal_url()
        self.url_open(url)  # stock's note "viewed by the customer", once a day
        view = self.env.ref("psi_sale.sale_order_portal_content")
        view.active = False
        before = self.cr.sql_log_count
        page = self.url_open(url)
        stock_queries = self.cr.sql_log_count - before
        self.assertFalse(self._rows_of(page))
        self.assertIn('id="sale_invoices"', page.text)
        view.active = True
        self.url_open(url)  # the template compiled again
        with self.assertQueryCount(stock_queries + 1):
            page = self.url_open(url)
        self.assertEqual(len(self._rows_of(page)), 40)
        # the down payment invoice first, told apart from the invoice
        down_payment, invoice = self.order_50.invoice_ids.sorted("id")
        self.assertEqual(self.order_50.downpayment_invoice_ids, down_payment)
        labels = [
            [" ".join(cell.text_content().split()) for cell in row.xpath("./td")]
            for row in html.fromstring(page.text).xpath(
                "//div[@id='psi_tracking_invoices']//tr"
            )
        ]
        self.assertEqual([row[0] for row in labels], [down_payment.name, invoice.name])
        self.assertNotEqual(labels[0][1], labels[1][1])

    @warmup
    def test_50_lines_cost_the_queries_of_5(self):
        # 5 and 50 lines, and the down payment's section and line
        self.assertEqual(len(self.order_5.order_line), 5 + 2)
        self.assertEqual(len(self.order_50.order_line), 50 + 2)
        self.authenticate("psi_budget", "psi_budget")
        before = self.cr.sql_log_count
        page = self.url_open(f"/my/orders/{self.order_5.id}")
        queries_5 = self.cr.sql_log_count - before
        self.assertEqual(len(self._rows_of(page)), 4)
        # the HTTP worker runs on the test's cursor: its queries count here
        with self.assertQueryCount(queries_5):
            page = self.url_open(f"/my/orders/{self.order_50.id}")
        self.assertEqual(len(self._rows_of(page)), 40)

    @staticmethod
    def _rows_of(page):
        return html.fromstring(page.text).xpath(TRACKING_LINES)
