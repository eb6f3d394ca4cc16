"""Security headers: the console's CSP without inline script, frame and sniffing protection
everywhere, and templates that need no inline script to work."""

import re
from pathlib import Path

import pytest

from tests.console.test_console import auditor, sign_in  # noqa: F401  (a signed-in auditor)

BACKEND = Path(__file__).resolve().parents[1] / "backend"


def directives(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    parts = [part.split() for part in policy.split(";") if part.strip()]
    return {part[0]: part[1:] for part in parts}


def assert_framing_and_sniffing_refused(response):
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert directives(response)["frame-ancestors"] == ["'none'"]


def assert_scripts_only_from_our_files(response):
    policy = directives(response)
    assert policy["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval'
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]


def inline_scripts(html: str) -> list[str]:
    """Script elements that would run inline: neither a src nor a JSON data block."""
    return [
        tag
        for tag in re.findall(r"<script\b[^>]*>", html)
        if "src=" not in tag and 'type="application/json"' not in tag
    ]


@pytest.mark.parametrize("path", ["/console/login", "/console/", "/console/targets"])
def test_console_pages_carry_a_csp_without_inline_script(client, auditor, path):  # noqa: F811
    sign_in(client)
    response = client.get(path, follow_redirects=True)

    assert response.status_code == 200
    assert_framing_and_sniffing_refused(response)
    assert_scripts_only_from_our_files(response)
    assert inline_scripts(response.get_data(as_text=True)) == []


def test_the_api_docs_page_runs_under_its_own_csp_without_inline_script(client):
    response = client.get("/api/docs")

    assert response.status_code == 200
    assert_framing_and_sniffing_refused(response)
    assert_scripts_only_from_our_files(response)
    html = response.get_data(as_text=True)
    assert inline_scripts(html) == []
    starter = re.search(r'<script src="([^"]+swagger-init\.js)"', html).group(1)
    assert client.get(starter).status_code == 200


@pytest.mark.parametrize("path", ["/healthz", "/api/openapi.json", "/api/v1/notices/1"])
def test_everything_else_is_nosniff_and_sandboxed(client, path):
    response = client.get(path)

    assert_framing_and_sniffing_refused(response)
    assert directives(response)["default-src"] == ["'none'"]
    assert "sandbox" in directives(response)


def test_no_template_has_an_inline_script_or_event_handler():
    found = []
    for template in sorted(BACKEND.rglob("templates/**/*.html")):
        html = template.read_text()
        found += [f"{template.name}: {tag}" for tag in inline_scripts(html)]
        found += [f"{template.name}: {m}" for m in re.findall(r"\son[a-z]+\s*=", html)]
        found += [f"{template.name}: {m}" for m in re.findall(r"javascript:", html)]
    assert found == []
