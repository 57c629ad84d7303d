"""The users of bench/load.py, run by Locust in .venv-load (not Odoo's Python).

LOAD is the prefix of the files: ``data.json``, the records they work on
(prepared by load.py), and ``samples<LOAD_SEGMENT>.json``, where each
request's kind, milliseconds and error are written when Locust stops.
"""

import datetime
import json
import os
import random
import time

from locust import HttpUser, between, events, task

with open(os.environ["LOAD"] + "data.json", encoding="utf-8") as data_file:
    DATA = json.load(data_file)
# load.py runs each side twice (0, 1), after a warm-up (2) it does not count
SEGMENT = int(os.environ["LOAD_SEGMENT"])
LEADS = DATA["leads"][SEGMENT::3]  # each converted once
SAMPLES = []
START = datetime.date(2026, 1, 5)
STEP = "step"  # a request timed with the next ones as one sample


@events.request.add_listener
def record(name, response_time, exception, **_kwargs):
    if name != STEP:
        SAMPLES.append([name, response_time, str(exception) if exception else None])


@events.quitting.add_listener
def save(**_kwargs):
    path = f"{os.environ['LOAD']}samples{SEGMENT}.json"
    with open(path, "w", encoding="utf-8") as out:
        json.dump(SAMPLES, out)


class OdooUser(HttpUser):
    """An internal user: logged in, then JSON-RPC calls of methods."""

    abstract = True

    def on_start(self):
        self.login()

    def login(self):
        self.client.cookies.clear()  # a new session
        self.post("login", "/web/session/authenticate", DATA["login"])

    def post(self, kind, path, params):
        """The result, or None when Odoo answered an error (a failure)."""
        payload = {"jsonrpc": "2.0", "method": "call", "params": params}
        with self.client.post(path, json=payload, name=kind, catch_response=True) as r:
            body = r.json() if r.ok else {}
            if "error" in body:
                r.failure(str(body["error"].get("data", {}).get("message"))[:300])
            return body.get("result")

    def call(self, kind, model, method, *args, **kwargs):
        params = {"model": model, "method": method, "args": args, "kwargs": kwargs}
        return self.post(kind, f"/web/dataset/call_kw/{model}/{method}", params)


class Consultant(OdooUser):
    """Comes and goes: logs in, logs time on tasks of the orders two to four
    times, and leaves."""

    weight = 6
    wait_time = between(2, 6)

    def on_start(self):
        pass  # logged in at each visit

    @task
    def visit(self):
        self.login()
        for _line in range(random.randint(2, 4)):
            self.wait()
            task_id, project_id = random.choice(DATA["tasks"])
            values = {"name": "Load", "task_id": task_id, "project_id": project_id}
            values["employee_id"] = random.choice(DATA["employees"])
            values["unit_amount"] = random.choice((0.5, 1.0, 2.0, 3.5))
            values["date"] = str(START + datetime.timedelta(random.randrange(120)))
            self.call("timesheet", "account.analytic.line", "create", values)


class Customer(HttpUser):
    """Opens the portal page of an order (its tracking), not logged in."""

    weight = 2
    wait_time = between(2, 5)

    @task
    def portal(self):
        self.client.get(random.choice(DATA["portal"]), name="portal page")


class Salesperson(OdooUser):
    """Converts a lead, makes its quotation from the "New Quotation" button
    (psi_sale fills in its offers, given by hand on stock) and confirms it."""

    fixed_count = 2  # more samples of the sales requests than one would give
    wait_time = between(3, 6)

    @task
    def quotation(self):
        if not LEADS:
            return
        lead, partner, lines = LEADS.pop()
        values = {"name": "convert", "action": "exist", "partner_id": partner}
        context = {"active_model": "crm.lead", "active_id": lead, "active_ids": [lead]}
        model = "crm.lead2opportunity.partner"
        wizard = self.call("convert lead", model, "create", values, context=context)
        if not wizard or not self.call(
            "convert lead", model, "action_apply", [wizard], context=context
        ):
            return
        action = self.call(
            "new quotation", "crm.lead", "action_sale_quotations_new", [lead]
        )
        values = {"order_line": lines} if lines else {}
        order = action and self.call(
            "new quotation", "sale.order", "create", values, context=action["context"]
        )
        if order:
            self.confirm(order, lead)

    def confirm(self, order, lead):
        """psi_sale's confirmation wins the opportunity; on stock the
        salesperson clicks Won after it: both requests are one sample."""
        if not DATA["won_by_hand"]:
            self.call("confirm order", "sale.order", "action_confirm", [order])
            return
        begin = time.perf_counter()
        done = self.call(STEP, "sale.order", "action_confirm", [order])
        done = done and self.call(STEP, "crm.lead", "action_set_won_rainbowman", [lead])
        events.request.fire(
            request_type="POST",
            name="confirm order",
            response_time=(time.perf_counter() - begin) * 1000,
            response_length=0,
            exception=None if done else RuntimeError("not confirmed and won"),
            context={},
        )


class Accountant(OdooUser):
    """Invoices two orders to invoice, down payments deducted, while time is
    still being logged on them, and posts the invoices."""

    fixed_count = 1
    wait_time = between(2, 4)

    @task
    def invoice(self):
        domain = [("id", "in", DATA["orders"]), ("invoice_status", "=", "to invoice")]
        orders = self.call("orders to invoice", "sale.order", "search", domain)
        if not orders:
            return
        orders = random.sample(orders, min(2, len(orders)))
        context = {"active_model": "sale.order", "active_ids": orders}
        model, values = "sale.advance.payment.inv", DATA["invoice_mode"]
        wizard = self.call("invoice orders", model, "create", values, context=context)
        action = wizard and self.call(
            "invoice orders", model, "create_invoices", [wizard], context=context
        )
        if action and action.get("res_id"):
            self.call(
                "post invoices", "account.move", "action_post", [action["res_id"]]
            )
        elif action:
            ids = action["domain"][0][2]  # [("id", "in", ids)]
            self.call("post invoices", "account.move", "action_post", ids)
