"""Every error is the JSON envelope with a Chinese message; health and OpenAPI are served."""

import re

import pytest


@pytest.mark.parametrize(
    "method, path, status, code",
    [
        ("get", "/api/v1/no-such-thing", 404, "not_found"),
        ("get", "/nowhere", 404, "not_found"),
        ("delete", "/api/v1/me", 405, "method_not_allowed"),
        ("put", "/api/v1/auth/wechat-login", 405, "method_not_allowed"),
    ],
)
def test_http_errors_use_the_envelope(client, method, path, status, code):
    response = getattr(client, method)(path)
    assert response.status_code == status
    assert response.is_json
    error = response.json["error"]
    assert error["code"] == code
    assert set(error) == {"code", "message", "fields"}
    assert any("\u4e00" <= ch <= "\u9fff" for ch in error["message"])


@pytest.mark.parametrize("path, status", [("/api/v1/no-such-thing", 404), ("/api/v1/me", 405)])
def test_a_body_to_a_url_that_routes_nowhere_gets_routings_answer_not_415(client, path, status):
    response = client.post(path, data="x", content_type="text/plain")
    assert response.status_code == status
    assert response.is_json


def test_unexpected_exception_is_500_envelope_without_details(app, client, monkeypatch):
    from backend.estates import services

    def boom(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(services, "search_directory", boom)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    from tests.factories import auth_headers, user

    response = client.get("/api/v1/directory/estates?q=凤城", headers=auth_headers(user()))
    app.config["PROPAGATE_EXCEPTIONS"] = None
    assert response.status_code == 500
    assert response.json["error"]["code"] == "internal_error"
    assert "secret" not in response.get_data(as_text=True)


def test_healthz_checks_database_and_redis(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["checks"] == {"database": "ok", "redis": "ok"}


def test_healthz_is_503_when_redis_is_unreachable(app, client):
    from backend.extensions import redis_holder

    working = redis_holder.client
    redis_holder.client = working.from_url("redis://127.0.0.1:1/0", socket_timeout=0.2)
    try:
        response = client.get("/healthz")
    finally:
        redis_holder.client = working
    assert response.status_code == 503
    assert response.json["checks"]["redis"].startswith("error")


def test_openapi_documents_every_api_route(client):
    spec = client.get("/api/openapi.json").json
    for path in [
        "/api/v1/auth/wechat-login",
        "/api/v1/auth/refresh",
        "/api/v1/me",
        "/api/v1/estates",
        "/api/v1/estates/{estate_id}",
        "/api/v1/estates/{estate_id}/claims",
        "/api/v1/claims/{claim_id}/verify",
        "/api/v1/claims/{claim_id}/reject",
        "/api/v1/estates/{estate_id}/units/import",
    ]:
        assert path in spec["paths"], path
    assert spec["security"] == [{"bearer": []}]
    assert spec["paths"]["/api/v1/auth/wechat-login"]["post"]["security"] == []
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    asset = re.search(r'src="([^"]+swagger-ui-bundle\.js)"', docs.get_data(as_text=True)).group(1)
    assert client.get(asset).status_code == 200
