"""The browsable API docs render in a real browser from locally served assets."""

import pytest

from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.committing(
    "the browser talks to a live server whose threads have their own connections"
)


def test_api_docs_render_every_tag(page, live_server):
    page.goto(f"{live_server}/api/docs")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "Linli (邻里) API" in page.locator(".swagger-ui .info .title").inner_text()
    text = page.locator(".swagger-ui").inner_text()
    assert "/api/v1/auth/wechat-login" in text and "/api/v1/estates/{estate_id}/claims" in text
    screenshot(page, "api-docs")
