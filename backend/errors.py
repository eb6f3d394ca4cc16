"""Domain errors and the one JSON error envelope: {"error": {"code", "message", "fields"}}.

Services raise the classes below; the handlers here turn them, and every HTTP error Flask,
webargs or flask-smorest raises, into the envelope with a Chinese message.
"""

import logging

import marshmallow as ma
from flask import Flask, jsonify
from flask_smorest import Api
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)


class DomainError(Exception):
    """Base of every error a service raises on purpose."""

    status = 400
    code = "bad_request"
    message = "请求有误"

    def __init__(self, message: str | None = None, fields: dict | None = None, code=None):
        super().__init__(message or self.message)
        self.message = message or self.message
        self.fields = fields or {}
        if code:
            self.code = code


class Unauthorized(DomainError):
    status, code, message = 401, "auth_required", "请先登录"


class Forbidden(DomainError):
    status, code, message = 403, "forbidden", "您没有执行此操作的权限"


class NotFound(DomainError):
    status, code, message = 404, "not_found", "未找到该对象，或您无权查看"


class Conflict(DomainError):
    status, code, message = 409, "conflict", "操作与当前状态冲突，请刷新后重试"


class InvalidTransition(Conflict):
    code = "invalid_transition"


class PayloadTooLarge(DomainError):
    status, code, message = 413, "payload_too_large", "上传的内容过大"


class UnsupportedMediaType(DomainError):
    status, code, message = 415, "unsupported_media_type", "不支持的文件类型"


class ValidationFailed(DomainError):
    status, code, message = 422, "validation_failed", "提交的内容有误，请按提示修改"


class UpstreamUnavailable(DomainError):
    status, code, message = 503, "upstream_unavailable", "微信服务暂时不可用，请稍后重试"


# Chinese text for HTTP errors raised outside the domain (routing, parsing, limits).
HTTP_MESSAGES = {
    400: ("bad_request", "请求格式有误，请检查后重试"),
    401: ("auth_required", "请先登录"),
    403: ("forbidden", "您没有执行此操作的权限"),
    404: ("not_found", "未找到该对象，或您无权查看"),
    405: ("method_not_allowed", "不支持该请求方法"),
    409: ("conflict", "操作与当前状态冲突，请刷新后重试"),
    413: ("payload_too_large", "上传的内容过大"),
    415: ("unsupported_media_type", "不支持的内容类型，请以 JSON 提交"),
    422: ("validation_failed", "提交的内容有误，请按提示修改"),
    429: ("rate_limited", "操作过于频繁，请稍后再试"),
    500: ("internal_error", "服务器出错了，请稍后重试"),
    503: ("unavailable", "服务暂时不可用，请稍后重试"),
}


def envelope(status: int, code: str, message: str, fields: dict | None = None):
    response = jsonify({"error": {"code": code, "message": message, "fields": fields or {}}})
    response.status_code = status
    return response


def _fields_from_webargs(data: dict) -> dict:
    """Flatten webargs' {"json": {"field": [...]}} into {"field": [...]}."""
    messages = data.get("messages") or data.get("errors") or {}
    fields: dict = {}
    for location, errors in messages.items():
        for name, errs in errors.items() if isinstance(errors, dict) else [(location, errors)]:
            # A multipart part whose name werkzeug could not read comes back named None: JSON
            # keys are strings (and None would not sort with them).
            key = "" if name is None else str(name)
            if isinstance(fields.get(key), list) and isinstance(errs, list):
                fields[key] = fields[key] + errs
            else:
                fields[key] = errs
    return fields


def http_error_response(error: HTTPException):
    status = error.code or 500
    code, message = HTTP_MESSAGES.get(status, ("http_error", "请求无法完成"))
    data = getattr(error, "data", None) or {}
    fields = _fields_from_webargs(data) if isinstance(data, dict) else {}
    if type(error).__name__ == "CSRFError":
        code, message, fields = "csrf_failed", "页面已过期或来源不明，请刷新页面后重试", {}
    elif status == 400 and any("Invalid JSON" in str(v) for v in fields.values()):
        code, message, fields = "malformed_json", "请求体不是合法的 JSON", {}
    return envelope(status, code, message, fields)


class ErrorBodySchema(ma.Schema):
    code = ma.fields.String(required=True, metadata={"example": "validation_failed"})
    message = ma.fields.String(required=True, metadata={"description": "给用户看的中文说明"})
    # A field's messages, or a nested object's fields with theirs (a list's items by index).
    fields = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Raw(), required=True)


class ErrorSchema(ma.Schema):
    """Every error answer: {"error": {"code", "message", "fields"}}."""

    error = ma.fields.Nested(ErrorBodySchema, required=True)


class SmorestApi(Api):
    """flask-smorest Api whose HTTP errors use Linli's envelope, in answers and in the
    OpenAPI document (every operation's default response)."""

    ERROR_SCHEMA = ErrorSchema

    def handle_http_exception(self, error):
        return http_error_response(error)


def init_app(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(error: DomainError):
        return envelope(error.status, error.code, error.message, error.fields)

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        return http_error_response(error)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        log.exception("unhandled error")
        return envelope(500, *HTTP_MESSAGES[500])
