"""Take the screenshots of psi_sale's readme from the running demo.

    make run                     # in another terminal: the demo on port 8069
    python3 tools/screenshots.py # or: make screenshots

Logs in to the demo database (``make run``: admin / admin, and the demo
customer client.demo@example.com / client.demo on the portal), drives a
headless Chromium through the DevTools protocol (Python package
``websocket-client``) and writes PNG files of 1440 x 900 pixels to
``psi_sale/static/description/``, which ``readme/USAGE.md`` shows. The users
see the screens in French while the script runs; their language is set back
afterwards.
"""

import argparse
import base64
import itertools
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

import requests

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUTPUT = os.path.join(ROOT, "psi_sale", "static", "description")
OUTPUT_TMP = tempfile.gettempdir()
WIDTH, HEIGHT = 1440, 900
LANG = "fr_FR"

# the backend is ready once the action's view is there and nothing loads
BACKEND_READY = """(() => {
    const content = document.querySelector('.o_action_manager .o_content');
    return Boolean(content && content.children.length
        && !document.querySelector('.o_loading_indicator, .o_blockUI')
        && !document.querySelector('.o_view_nocontent.o_loading'));
})()"""


class Chromium:
    """A headless Chromium and one page, driven through the DevTools protocol."""

    def __init__(self, binary):
        import websocket  # pylint: disable=import-outside-toplevel

        self.profile = tempfile.mkdtemp(prefix="psi-screenshots-")
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        command = [
            binary,
            "--headless=new",
            f"--remote-debugging-port={port}",
            f"--user-data-dir={self.profile}",
            f"--window-size={WIDTH},{HEIGHT}",
            "--hide-scrollbars",
            "--disable-gpu",
            "--no-first-run",
            "--disable-extensions",
            f"--lang={LANG.replace('_', '-')}",
            "about:blank",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            command.insert(1, "--no-sandbox")  # Chromium refuses root otherwise
        self.process = subprocess.Popen(  # pylint: disable=consider-using-with
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        page = None
        for _attempt in range(100):
            try:
                targets = requests.get(f"http://127.0.0.1:{port}/json", timeout=1)
                page = next(t for t in targets.json() if t["type"] == "page")
                break
            except (requests.ConnectionError, StopIteration):
                time.sleep(0.1)
        if not page:
            self.close()
            sys.exit("screenshots: Chromium did not start")
        self.socket = websocket.create_connection(
            page["webSocketDebuggerUrl"], timeout=60, suppress_origin=True
        )
        self.ids = itertools.count(1)
        self.call("Page.enable")
        self.zoom(1)

    def zoom(self, factor):
        """Show ``factor`` times less (or more) in the same 1440 x 900 pixels."""
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=round(WIDTH * factor),
            height=round(HEIGHT * factor),
            deviceScaleFactor=1 / factor,
            mobile=False,
        )

    def call(self, method, **params):
        """Send one command, return its result (events are ignored)."""
        message_id = next(self.ids)
        self.socket.send(
            json.dumps({"id": message_id, "method": method, "params": params})
        )
        while True:
            message = json.loads(self.socket.recv())
            if message.get("id") == message_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message["result"]

    def evaluate(self, expression):
        result = self.call(
            "Runtime.evaluate",
            expression=expression,
            awaitPromise=True,
            returnByValue=True,
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait(self, expression, timeout=60):
        """Wait until ``expression`` is true, then until the page is still."""
        deadline = time.monotonic() + timeout
        while not self.evaluate(f"Boolean({expression})"):
            if time.monotonic() > deadline:
                self.screenshot("timeout.png", OUTPUT_TMP)
                raise RuntimeError(f"timeout waiting for {expression}")
            time.sleep(0.25)
        time.sleep(1.5)  # images, fonts and animations

    def set_session(self, base_url, session_id):
        self.call("Network.clearBrowserCookies")
        self.call(
            "Network.setCookie", name="session_id", value=session_id, url=base_url
        )

    def goto(self, url, ready):
        self.call("Page.navigate", url=url)
        time.sleep(0.5)
        self.wait(ready)

    def click(self, selector, ready):
        self.evaluate(f"document.querySelector({json.dumps(selector)}).click()")
        self.wait(ready)

    def screenshot(self, name, folder=None):
        data = self.call("Page.captureScreenshot", format="png")["data"]
        path = os.path.join(folder or OUTPUT, name)
        with open(path, "wb") as file:
            file.write(base64.b64decode(data))
        print(f"{os.path.relpath(path, ROOT)} written")

    def close(self):
        self.process.terminate()
        self.process.wait(timeout=10)
        shutil.rmtree(self.profile, ignore_errors=True)


class Odoo:
    """A JSON-RPC session on the demo database."""

    def __init__(self, base_url, db, login, password):
        self.base_url = base_url
        self.session = requests.Session()
        result = self.rpc(
            "/web/session/authenticate",
            {"db": db, "login": login, "password": password},
        )
        self.uid = result["uid"]
        self.session_id = self.session.cookies["session_id"]

    def rpc(self, path, params):
        response = self.session.post(
            self.base_url + path,
            json={"jsonrpc": "2.0", "method": "call", "params": params},
            timeout=120,
        )
        response.raise_for_status()
        answer = response.json()
        if answer.get("error"):
            message = answer["error"]["data"].get("message", answer["error"])
            sys.exit(f"screenshots: {path}: {message}")
        return answer["result"]

    def call(self, model, method, *args, **kwargs):
        return self.rpc(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": args, "kwargs": kwargs},
        )

    def ref(self, xmlid):
        module, name = xmlid.split(".")
        found = self.call(
            "ir.model.data",
            "search_read",
            [("module", "=", module), ("name", "=", name)],
            ["res_id"],
        )
        if not found:
            sys.exit(f"screenshots: {xmlid} not found: is it psi_sale's demo database?")
        return found[0]["res_id"]


def take(options):
    admin = Odoo(options.url, options.db, options.login, options.password)
    portal_user_id = admin.ref("psi_sale.user_portal_claire_marchand")
    users = [admin.uid, portal_user_id]
    languages = admin.call("res.users", "read", users, ["lang"])
    admin.call("res.users", "write", users, {"lang": LANG})
    browser = Chromium(options.chromium)
    try:
        quotation_id = admin.ref("psi_sale.sale_order_lefevre")
        order_id = admin.ref("psi_sale.sale_order_marchand")
        browser.set_session(options.url, admin.session_id)

        # the pipeline of the demo's salespeople, without the stock demo's
        action = admin.rpc(
            "/web/action/load", {"action_id": "crm.crm_lead_action_pipeline"}
        )
        salespeople = [
            admin.ref("psi_sale.user_sophie_martin"),
            admin.ref("psi_sale.user_thomas_petit"),
        ]
        action.update(
            context={"default_type": "opportunity"},
            domain=[("type", "=", "opportunity"), ("user_id", "in", salespeople)],
        )
        browser.zoom(1.2)  # the five stages side by side
        browser.goto(f"{options.url}/odoo/crm", BACKEND_READY)
        browser.evaluate(
            "odoo.__WOWL_DEBUG__.root.env.services.action.doAction("
            f"{json.dumps(action)}, {{clearBreadcrumbs: true}})"
        )
        browser.wait(f"{BACKEND_READY} && document.querySelector('.o_kanban_renderer')")
        browser.screenshot("pipeline.png")
        browser.zoom(1)

        browser.goto(f"{options.url}/odoo/sales/{quotation_id}", BACKEND_READY)
        browser.screenshot("quotation.png")

        browser.goto(f"{options.url}/odoo/sales/{order_id}", BACKEND_READY)
        browser.click(
            ".o_notebook a[name='psi_tracking']",
            "document.querySelector('.tab-pane.active [name=tracking_line_ids]')",
        )
        browser.screenshot("order_tracking.png")

        wizard = admin.ref("sale.action_view_sale_advance_payment_inv")
        browser.click(
            f".o_form_view button[name='{wizard}']",
            "document.querySelector('.modal .o_form_view')",
        )
        browser.screenshot("invoice_wizard.png")

        portal = Odoo(
            options.url, options.db, options.portal_login, options.portal_password
        )
        browser.goto("about:blank", "true")  # the backend's page stops first
        browser.set_session(options.url, portal.session_id)
        browser.goto(
            f"{options.url}/my/orders/{order_id}",
            "document.readyState === 'complete'"
            " && document.querySelector('#portal_sale_content')",
        )
        browser.screenshot("portal_order.png")
    finally:
        browser.close()
        for values in languages:
            admin.call("res.users", "write", [values["id"]], {"lang": values["lang"]})


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    port = os.environ.get("PSI_HTTP_PORT", "8069")
    parser.add_argument("--url", default=f"http://localhost:{port}")
    parser.add_argument("--db", default=os.environ.get("PSI_DEMO_DB", "psi_demo"))
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--portal-login", default="client.demo@example.com")
    parser.add_argument("--portal-password", default="client.demo")
    parser.add_argument(
        "--chromium",
        default=shutil.which("chromium") or shutil.which("google-chrome") or "chromium",
    )
    options = parser.parse_args(argv)
    options.url = options.url.rstrip("/")
    for attempt in range(30):  # a server just started may not listen yet
        try:
            # the first request loads the registry
            requests.get(f"{options.url}/web/login", timeout=300)
            break
        except requests.ConnectionError:
            if attempt == 29:
                sys.exit(f"screenshots: no Odoo at {options.url}: start it (make run)")
            time.sleep(2)
    try:
        import websocket  # noqa: F401  pylint: disable=import-outside-toplevel,unused-import
    except ImportError:
        sys.exit("screenshots: pip install websocket-client")
    take(options)
    return 0


if __name__ == "__main__":
    sys.exit(main())
