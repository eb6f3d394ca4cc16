"""Everything a user can read is Chinese (DESIGN.md): the API's error envelopes for a table of
bad requests, and every console page (with the detail pages it links to) as the demo county's
auditor, township officer, county officer and admin see them. A run of three or more ASCII
letters is English leaking through, unless the allow-list below says why it must stay.
"""

import re
from html.parser import HTMLParser

import marshmallow as ma
import pytest

from backend import errors
from backend.access.roles import Role
from backend.accounts.models import User
from backend.common import zh_messages
from backend.demo.county import STAFF_PASSWORD
from backend.devserver import CONSOLE_URLS
from backend.extensions import db
from tests.console.test_console import sign_in

ASCII_RUN = re.compile(r"[A-Za-z]{3,}")
# Not words, so taken out before looking: hash and key strings shown for checking (the ledger's
# chain, voucher digests); the last characters of a masked key or account ("••••emo1"), shown
# so people can tell them apart; a message template's {placeholders}; a file name's extension
# (people's own uploads keep their names); the one package name an operator must install.
NOT_WORDS = re.compile(
    r"\b[0-9a-fA-F]{16,}\b|•+\S*|\{+[a-z_]+\}+|\.(pdf|jpe?g|png|xlsx|docx)\b|fonts-noto-cjk",
    re.IGNORECASE,
)
ALLOWED = {
    "Linli",  # the product's name, beside 邻里
    "Open",  # Open311, the external platforms' standard: it has no Chinese name
    "Excel",  # file kinds people pick or download, named as they know them
    "PDF",
    "JPG",
    "PNG",
    "API",  # the developer documentation link
    "WeCom",  # the channel's own name, beside 企业微信
    "Webhook",  # the group robot's address, as WeCom's own Chinese screens label it
    # Only an API client's developer meets these (the mini-program always sends JSON and
    # booleans from switches): the format's name and its two literals (JsonBoolean).
    "JSON",
    "true",
    "false",
    # The demo's console usernames, which staff type to sign in (not text we write).
    "auditor",
    "township",
    "county",
    "admin",
}


def english_in(texts) -> set[str]:
    found = set()
    for text in texts:
        found |= set(ASCII_RUN.findall(NOT_WORDS.sub("", text))) - ALLOWED
    return found


def strings_in(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings_in(v)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from strings_in(v)


class VisibleText(HTMLParser):
    """The text content outside <script> and <style>; attributes are not read. <code> holds
    codes an officer edits (criteria codes), shown beside their Chinese names."""

    def __init__(self):
        super().__init__()
        self.skipping = 0
        self.texts: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "code"):
            self.skipping += 1
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if href.startswith("/console/"):
                self.links.append(href)

    def handle_endtag(self, tag):
        if tag in ("script", "style", "code") and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.texts.append(data.strip())


# -- the messages no request reaches in a test (429, 503, …) and the installed defaults ------


def subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from subclasses(sub)


def test_every_http_and_domain_message_is_chinese(app):
    """With the app built, every module's DomainError subclasses are defined."""
    messages = [message for _code, message in errors.HTTP_MESSAGES.values()]
    messages += [cls.message for cls in subclasses(errors.DomainError)]
    assert len(messages) > 20
    assert english_in(messages) == set()


def test_marshmallow_defaults_are_chinese_once_installed():
    """Every field class marshmallow has, not only those listed: a new one shows up here."""
    texts = list(ma.Schema._default_error_messages.values())
    for cls in vars(ma.fields).values():
        if isinstance(cls, type) and issubclass(cls, ma.fields.Field):
            texts += list(vars(cls).get("default_error_messages", {}).values())
    for cls, templates in zh_messages.VALIDATOR_MESSAGES.items():
        texts += [getattr(cls, name) for name in templates]
    assert english_in(texts) == set()


# -- the API: a table of bad requests --------------------------------------------------------


@pytest.fixture
def owner(make):
    estate = make.estate()
    unit = make.unit(estate)
    return make.member(Role.OWNER, unit), estate, unit


def bad_requests(estate_id: int, unit_id: int) -> list[tuple]:
    claim = {"unit_id": unit_id, "real_name": "张三", "phone": "13812341234"}
    claims = f"/api/v1/estates/{estate_id}/claims"
    tickets = f"/api/v1/estates/{estate_id}/tickets"
    return [
        ("page_size too big", "get", f"{tickets}?page_size=500", {}),
        ("page_size zero", "get", f"{tickets}?page_size=0", {}),
        ("page not a number", "get", f"{tickets}?page=abc", {}),
        ("page too far", "get", f"{tickets}?page=100001", {}),
        ("bad ticket status", "get", f"{tickets}?status=bogus", {}),
        ("bad ticket category", "get", f"{tickets}?category=bogus", {}),
        ("bad claim status", "get", f"{claims}?status=bogus", {}),
        ("search too long", "get", f"/api/v1/estates?q={'x' * 65}", {}),
        ("missing fields", "post", claims, {"json": {}}),
        ("unknown body field", "post", claims, {"json": {**claim, "colour": "red"}}),
        ("wrong types", "post", claims, {"json": {**claim, "unit_id": "abc", "phone": 5}}),
        ("null", "post", claims, {"json": {**claim, "real_name": None}}),
        ("a list, not an object", "post", claims, {"json": [claim]}),
        ("bad phone", "post", claims, {"json": {**claim, "phone": "123"}}),
        ("bad JSON", "post", claims, {"data": "{bad", "content_type": "application/json"}),
        ("wrong content type", "post", claims, {"data": "x=1", "content_type": "text/plain"}),
        ("no such route", "get", "/api/v1/no-such-thing", {}),
        ("wrong method", "delete", claims, {}),
        ("bad notice", "post", "/api/v1/notices", {"json": {"audience_kind": "moon"}}),
        ("bad ticket", "post", tickets, {"json": {"category": "bogus", "photo_ids": "x"}}),
        ("bad boolean", "get", f"{tickets}?mine=perhaps", {}),
    ]


def test_bad_requests_answer_in_chinese(client, auth, owner, app, monkeypatch):
    person, estate, unit = owner
    headers = auth(person)
    leaks = {}
    for name, method, path, kwargs in bad_requests(estate.id, unit.id):
        response = getattr(client, method)(path, headers=headers, **kwargs)
        assert response.status_code >= 400, name
        error = response.json["error"]
        found = english_in([error["message"], *strings_in(error["fields"])])
        if found:
            leaks[name] = (found, error)
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024)
    too_large = client.post(
        f"/api/v1/estates/{estate.id}/claims", json={"real_name": "张" * 2000}, headers=headers
    )
    assert too_large.status_code == 413
    if found := english_in([too_large.json["error"]["message"]]):
        leaks["too large"] = (found, too_large.json)
    assert leaks == {}


# -- the console: every page as each kind of staff sees it -----------------------------------


# Links not to pages: downloads and posts are not read here.
NOT_PAGES = re.compile(r"\.(xlsx|pdf|csv|zip|png|jpe?g)(\?|$)|/(download|export|logout|files?)/?")
PAGES_PER_USER = 120


def pattern_of(path: str) -> str:
    """/console/tickets/12?page=2 -> /console/tickets/N: one visit per kind of page."""
    return re.sub(r"\d+", "N", path.split("?")[0].split("#")[0])


@pytest.mark.parametrize("username", ["auditor1", "township1", "county", "admin"])
def test_console_pages_are_chinese(demo_county, app, client, username):
    assert db.session.query(User).filter_by(username=username).count() == 1
    assert sign_in(client, username, STAFF_PASSWORD).status_code == 302
    start = [path for pages in CONSOLE_URLS.values() for path, _what in pages]
    queue, seen, leaks = list(start), set(), {}
    while queue and len(seen) < PAGES_PER_USER:
        path = queue.pop(0)
        if pattern_of(path) in seen or NOT_PAGES.search(path):
            continue
        seen.add(pattern_of(path))
        response = client.get(path)
        if response.status_code in (301, 302, 303) or not response.mimetype == "text/html":
            continue
        parser = VisibleText()
        parser.feed(response.get_data(as_text=True))
        if english_in(parser.texts):
            leaks[path] = [t for t in parser.texts if english_in([t])]
        queue += parser.links
    # The walk reached the detail pages of seeded rows, not only the listed pages.
    assert len(seen - {pattern_of(p) for p in start}) >= 5, sorted(seen)
    assert leaks == {}
