"""Browser tests: the app served over real HTTP, driven by Debian's Chromium via Playwright."""

import threading
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright
from werkzeug.serving import make_server

from tests.governance_support import gcast  # noqa: F401  (the credit-penalty cast)
from tests.isolation import require_committing
from tests.ledger_support import (  # noqa: F401  (the ledger's people and API)
    STAFF_PASSWORD,
    cast,
    ledger,
)
from tests.ratings_support import rcast  # noqa: F401  (the credit cast with a committee chair)
from tests.target_support import year_of_tickets  # noqa: F401  (a year counted by hand)
from tests.ticket_support import tcast, tickets  # noqa: F401  (the tickets' people and API)
from tests.vote_support import vcast, votes  # noqa: F401  (vote fixtures)

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
HTTP_STATUS_MESSAGE = "Failed to load resource: the server responded with a status of"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run 'make browser' (apt-get install chromium)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_server(app):
    require_committing("a live server's threads")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def page(browser):
    """A browser page; the test fails on any script error or console error, which is how a
    Content-Security-Policy violation (a blocked inline script or handler) shows itself."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))

    def on_console(message):
        # An HTTP status is not a script error (the favicon's 404, a page a test expects
        # to be refused); a CSP violation reads "Refused to execute ...".
        if message.type == "error" and not message.text.startswith(HTTP_STATUS_MESSAGE):
            errors.append(f"console {message.type}: {message.text}")

    page.on("console", on_console)
    yield page
    context.close()
    assert not errors, "the browser reported errors:\n" + "\n".join(errors)


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def confirm(page, says: str, shot: str | None = None) -> None:
    """Answer the confirmation step of an irreversible action: the dialog names what will
    happen (``says`` is part of it); 确认 submits the form."""
    dialog = page.locator("#confirm-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator("#confirm-dialog-message")).to_contain_text(says)
    if shot:
        screenshot(page, shot)
    dialog.get_by_role("button", name="确认", exact=True).click()


def sign_in(page, live_server, username):
    """Sign in to the console as ``username`` (its password is STAFF_PASSWORD)."""
    page.goto(f"{live_server}/console/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(f"{live_server}/console/")
