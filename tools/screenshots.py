"""Take the screenshots of our addons' readmes from the running demo.

    make run                      # in another terminal: the demo on port 8069
    python3 -m tools.screenshots  # or: make screenshots

Logs in as admin / admin and as the demo customer client.demo@example.com /
client.demo, drives the system's headless Chromium with Playwright (installed
in .venv) and writes the 1440 x 900 PNG files that the addons' readme/*.md
show, each in the static/description/ of every addon whose readme shows it,
in French: the users' language is set back after.
"""

import argparse
import contextlib
import os
import pathlib
import shutil
import sys
import tempfile
import time

from tools import psi
from tools.pg import ROOT, die

try:
    from playwright.sync_api import Error, sync_playwright
except ImportError:  # outside .venv: main() runs this script again in .venv
    Error = sync_playwright = None

WIDTH, HEIGHT, LANG, LOCALE = 1440, 900, "fr_FR", "fr-FR"
# the backend is ready once the action's view is there and nothing loads
BACKEND_READY = """(() => {
    const content = document.querySelector('.o_action_manager .o_content');
    return Boolean(content && content.children.length
        && !document.querySelector('.o_loading_indicator, .o_blockUI')
        && !document.querySelector('.o_view_nocontent.o_loading'));
})()"""
DO_ACTION = """action => odoo.__WOWL_DEBUG__.root.env.services.action.doAction(
    action, {clearBreadcrumbs: true})"""


class Odoo:
    """A page logged in as LOGIN, showing ZOOM times less in 1440 x 900 pixels,
    and JSON-RPC calls as LOGIN (Playwright's requests share the cookies)."""

    def __init__(self, browser, options, login, password, zoom=1):
        size = {"width": round(WIDTH * zoom), "height": round(HEIGHT * zoom)}
        screen = {"viewport": size, "device_scale_factor": 1 / zoom, "locale": LOCALE}
        self.page = browser.new_context(base_url=options.url, **screen).new_page()
        auth = {"db": options.db, "login": login, "password": password}
        self.rpc("/web/session/authenticate", auth)

    def rpc(self, path, params):
        body = {"jsonrpc": "2.0", "method": "call", "params": params}
        answer = self.page.request.post(path, data=body, timeout=300_000).json()
        if "error" in answer:
            die(f"screenshots: {path}: {answer['error']['data']['message']}")
        return answer["result"]

    def call(self, model, method, *args):
        params = {"model": model, "method": method, "args": args, "kwargs": {}}
        return self.rpc("/web/dataset/call_kw", params)

    def ref(self, xmlid):
        module, name = xmlid.split(".")
        return self.call("ir.model.data", "check_object_reference", module, name)[1]

    def shoot(self, name=None, ready=BACKEND_READY, goto=None, click=None):
        """Go to GOTO, click CLICK, wait until READY is true and the page is
        still, then write the screenshot NAME, without any focus ring."""
        if goto:
            self.page.goto(goto)
        if click:
            self.page.locator(click).first.dispatch_event("click")
        try:
            self.page.wait_for_function(ready, timeout=60_000)
        except Error:
            self.page.screenshot(path=f"{tempfile.gettempdir()}/timeout.png")
            raise
        self.page.wait_for_timeout(1500)  # images, fonts and animations
        if name:
            self.page.evaluate("document.activeElement.blur()")
            png = self.page.screenshot()
            for path in outputs(name):
                pathlib.Path(ROOT, path).write_bytes(png)
                print(f"{path} written")


def outputs(name):
    """The paths of screenshot NAME: in each addon whose readme shows it."""
    shown, paths = f"../static/description/{name})", []
    for addon in psi.ADDONS:
        fragments = pathlib.Path(ROOT, addon, "readme").glob("*.md")
        if any(shown in fragment.read_text("utf-8") for fragment in fragments):
            paths.append(f"{addon}/static/description/{name}")
    return paths or die(f"screenshots: no addon's readme shows {name}")


def take(browser, options):
    admin = Odoo(browser, options, options.login, options.password)
    logins = [("login", "in", [options.login, options.portal_login])]
    users = admin.call("res.users", "search_read", logins, ["lang"])
    admin.call("res.users", "write", [user["id"] for user in users], {"lang": LANG})
    try:
        # the pipeline of the demo's salespeople, without the stock demo's,
        # zoomed out to show the five stages side by side
        crm_pipeline = {"action_id": "crm.crm_lead_action_pipeline"}
        action = admin.rpc("/web/action/load", crm_pipeline)
        names = ("sophie_martin", "thomas_petit")
        salespeople = [admin.ref(f"psi_sale.user_{name}") for name in names]
        action["context"] = {"default_type": "opportunity"}
        opportunity = ("type", "=", "opportunity")
        action["domain"] = [opportunity, ("user_id", "in", salespeople)]
        pipeline = Odoo(browser, options, options.login, options.password, zoom=1.2)
        pipeline.shoot(goto="/odoo/crm")
        pipeline.page.evaluate(DO_ACTION, action)
        kanban = f"{BACKEND_READY} && document.querySelector('.o_kanban_renderer')"
        pipeline.shoot("pipeline.png", kanban)

        quotation_id = admin.ref("psi_sale.sale_order_lefevre")
        admin.shoot("quotation.png", goto=f"/odoo/sales/{quotation_id}")
        order_id = admin.ref("psi_sale.sale_order_marchand")
        admin.shoot(goto=f"/odoo/sales/{order_id}")
        tracking = "document.querySelector('.tab-pane.active [name=tracking_line_ids]')"
        tab = ".o_notebook a[name='psi_tracking']"
        admin.shoot("order_tracking.png", tracking, click=tab)
        wizard = admin.ref("sale.action_view_sale_advance_payment_inv")
        modal = "document.querySelector('.modal .o_form_view')"
        button = f".o_form_view button[name='{wizard}']"
        admin.shoot("invoice_wizard.png", modal, click=button)

        portal = Odoo(browser, options, options.portal_login, options.portal_password)
        content = "document.querySelector('#portal_sale_content')"
        portal.shoot("portal_order.png", content, goto=f"/my/orders/{order_id}")
    finally:
        for user in users:
            admin.call("res.users", "write", [user["id"]], {"lang": user["lang"]})


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    port = os.environ.get("PSI_HTTP_PORT", "8069")
    parser.add_argument("--url", default=f"http://localhost:{port}")
    parser.add_argument("--db", default=os.environ.get("PSI_DEMO_DB", "psi_demo"))
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--portal-login", default="client.demo@example.com")
    parser.add_argument("--portal-password", default="client.demo")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    options = parser.parse_args()
    options.url = options.url.rstrip("/")
    if not sync_playwright:  # run again by the Python of .venv, with Playwright
        python = psi.venv_python("tools/requirements-screenshots.txt", "screenshots")
        if sys.executable == python:
            die("screenshots: Playwright is missing from .venv")
        os.chdir(ROOT)
        os.execv(python, [python, "-m", "tools.screenshots", *sys.argv[1:]])
    with sync_playwright() as playwright:
        server = playwright.request.new_context(base_url=options.url)
        for _attempt in range(30):  # a server just started may not listen yet
            with contextlib.suppress(Error):
                server.get("/web/login", timeout=300_000)  # loads the registry
                break
            time.sleep(2)
        else:
            die(f"screenshots: no Odoo at {options.url}: start it (make run)")
        browser = playwright.chromium.launch(executable_path=options.chromium)
        take(browser, options)
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
