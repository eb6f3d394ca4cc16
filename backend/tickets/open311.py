"""Open311 GeoReport v2 over the same tickets, so other civic tools can read and file them.

Under /open311/v2, each address in XML (the format the spec requires) and JSON (the one it
allows), chosen by its ending, ``.xml`` or ``.json``:
    GET  discovery.xml              the service-discovery document: this endpoint, its formats,
                                    whom to ask for a key (no api_key needed)
    GET  services.xml               the ticket categories as services (no api_key needed, as
                                    the spec says: the list is the same everywhere)
    GET  requests.xml               the client's county's tickets, newest first, at most 1000,
                                    the last 90 days unless start_date/end_date say otherwise
    GET  requests/<id>.xml          one of them, as a one-element list
    POST requests.xml               file one (form-encoded, or multipart) → 201
This module is the HTTP edge (arguments, routes, the error shape); what is done with tickets
lives in open311_services.py, how an answer is written as XML or JSON in open311_formats.py.
A key is made with ``flask linli open311-key COUNTY_ID NAME``.

Why these routes do not answer in Linli's ``{"error": …}`` envelope: Open311 is a foreign
protocol, like the WeCom callback. Its clients are generic tools written against the spec, so
errors come in the spec's own shape, ``<errors><error><code>…</code><description>…``, or
``[{"code": <status>, "description": "<Chinese>"}]`` in JSON (the format is the address's
ending), with the spec's statuses: 403 for a missing, unknown or revoked api_key; 404 for
something that is not there or not the client's county (a request, the estate named by
address_id, a jurisdiction_id, a service_code on POST); 400 for everything else, including a
JSON body (the spec posts forms, and its clients know no 415 or 422). The blueprint's error
handlers, which Flask consults before the app's, do the translation; a path under /open311/v2
that matches no route reaches this blueprint's catch-all route for the same reason.

Decisions, each a place where the spec leaves a choice:
- Keys: one Open311Client per county, its key stored as a sha256 hash. GET requests need the
  key although the spec does not ask for one: no ticket is shown outside a scope, and the key
  is what says which county the caller may see. Query string on GET, form field on POST.
- No service definitions (services/<code>.xml): no service has metadata (attributes) to fill.
- media_url is never returned: photos show people's homes and are served only to those who may
  see the ticket, so there is no public URL to give. On POST it is ignored: Linli does not
  fetch URLs it is handed, and every photo must pass its checks (re-encoded, no EXIF).
- Nobody's identity leaves: no reporter, caller, phone, actor or supporter appears in any
  answer. first_name/last_name/phone sent with a POST are stored as the caller, shown masked.
- address_id is the estate id and is required on POST: the estate decides who handles it.
  address_string becomes the location text.
- Coordinates: Open311 speaks WGS84; Linli stores GCJ-02, as phones in China report it. They
  are converted both ways (the two are some hundreds of metres apart inside China).
"""

import logging
import re

import marshmallow as ma
from flask import Blueprint, current_app, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from backend.common.ids import MAX_ID
from backend.common.schemas import BaseSchema, BoundedDateTime, coordinate_field, text_field
from backend.errors import HTTP_MESSAGES, DomainError, NotFound, ValidationFailed
from backend.tickets import open311_services as o311
from backend.tickets.models import CATEGORIES
from backend.tickets.open311_formats import respond
from backend.tickets.schemas import DESCRIPTION_MAX, LOCATION_MAX

log = logging.getLogger(__name__)
bp = Blueprint("open311", __name__, url_prefix="/open311/v2")
FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")
# Linli's field names, as the Open311 client knows them, for error descriptions.
SPEC_NAMES = {"lng": "long", "location_text": "address_string", "estate_id": "address_id"}


# -- arguments ---------------------------------------------------------------------------------


class Open311Args(BaseSchema):
    """Clients send fields Linli has no use for (email, device_id, attribute[…], api_key):
    ignored. An empty value counts as no value, as the spec's "optional arguments" say."""

    class Meta:
        unknown = ma.EXCLUDE

    @ma.pre_load
    def _empty_is_absent(self, data, **kwargs):
        return {key: value for key, value in data.items() if value not in ("", None)}


class CommaList(ma.fields.List):
    """Several values in one parameter, comma-separated ("open,closed")."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        return super()._deserialize(value, attr, data, **kwargs)


def _w3c_datetime():
    message = "时间格式应为 2026-11-23T08:00:00Z（须带时区）"
    return BoundedDateTime(
        load_default=None, error_messages={"invalid": message, "invalid_awareness": message}
    )


class RequestListArgs(Open311Args):
    service_request_id = CommaList(
        ma.fields.Integer(validate=ma.validate.Range(1, MAX_ID, error="工单编号无效")),
        load_default=None,
        validate=ma.validate.Length(max=o311.MAX_REQUESTS, error="一次最多查询 1000 个工单"),
    )
    service_code = CommaList(
        ma.fields.String(validate=ma.validate.OneOf(list(CATEGORIES), error="未知的 service_code")),
        load_default=None,
    )
    start_date = _w3c_datetime()
    end_date = _w3c_datetime()
    status = CommaList(
        ma.fields.String(
            validate=ma.validate.OneOf(["open", "closed"], error="应为 open 或 closed")
        ),
        load_default=None,
    )


class Phone(ma.fields.String):
    """Digits only: spaces, dashes, brackets and a leading + are dropped."""

    def _deserialize(self, value, attr, data, **kwargs):
        digits = re.sub(r"[\s\-()+]", "", super()._deserialize(value, attr, data, **kwargs))
        if not re.fullmatch(r"\d{7,20}", digits):
            raise ma.ValidationError("电话应为 7–20 位数字")
        return digits


class NewRequestArgs(Open311Args):
    # Checked against the categories by file_request: an unknown code is a 404, as the spec says.
    service_code = ma.fields.String(required=True)
    description = text_field("问题描述", DESCRIPTION_MAX)
    address_id = ma.fields.Integer(
        required=True, validate=ma.validate.Range(1, MAX_ID, error="小区编号无效")
    )
    address_string = text_field("位置说明", LOCATION_MAX, required=False)
    lat = coordinate_field(-90, 90, "纬度应在 -90 到 90 之间")
    lng = coordinate_field(-180, 180, "经度应在 -180 到 180 之间", data_key="long")
    first_name = text_field("名", 16, required=False)
    last_name = text_field("姓", 15, required=False)
    phone = Phone(load_default=None)


def load(schema: type[ma.Schema], values) -> dict:
    """Parse a query string or form (a key given twice counts as comma-separated values).

    :raises ValidationFailed: per field, in the client's field names.
    """
    data = {key: ",".join(values.getlist(key)) for key in values}
    try:
        return schema().load(data)
    except ma.ValidationError as error:
        raise ValidationFailed(fields=error.normalized_messages()) from None


# -- routes ------------------------------------------------------------------------------------
# Each answer is built once by open311_services and written in the format the address ends in.

FMT = "<any(xml, json):fmt>"


def _public_url() -> str:
    """Where clients reach this endpoint: LINLI_OPEN311_URL, else the address this request
    came to (right behind a proxy that passes Host and X-Forwarded-Proto). The trailing slash
    lets a client append ``services.xml`` as the spec's examples do."""
    return current_app.config["OPEN311_URL"] or f"{request.url_root}{bp.url_prefix[1:]}/"


@bp.get(f"/discovery.{FMT}")
def discovery(fmt: str):
    document = o311.discovery(_public_url(), current_app.config["OPEN311_CONTACT"])
    return respond(document, fmt, "discovery")


@bp.get(f"/services.{FMT}")
def services_list(fmt: str):
    o311.authenticate(request.args, required=False)
    return respond(o311.services_list(), fmt, "services")


@bp.get(f"/requests.{FMT}")
def requests_list(fmt: str):
    client = o311.authenticate(request.args)
    found = o311.find_requests(client, load(RequestListArgs, request.args))
    return respond(o311.describe(found), fmt, "service_requests")


@bp.get(f"/requests/<int:request_id>.{FMT}")
def request_item(request_id: int, fmt: str):
    client = o311.authenticate(request.args)
    return respond(o311.describe(o311.find_request(client, request_id)), fmt, "service_requests")


@bp.post(f"/requests.{FMT}")
def new_request(fmt: str):
    if request.mimetype not in FORMS:
        raise ValidationFailed("请以表单提交（Content-Type: application/x-www-form-urlencoded）")
    client = o311.authenticate(request.form)
    ticket = o311.file_request(client, load(NewRequestArgs, request.form))
    return respond(o311.filed(ticket), fmt, "service_requests", 201)


@bp.route("/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def unknown(rest: str):
    """Whatever no route above takes, answered in Open311's shape too."""
    if re.fullmatch(r"(discovery|services|requests|requests/\d+)\.(xml|json)", rest):
        raise MethodNotAllowed(description="不支持该请求方法")
    ext = _requested_format()
    addresses = ("services", "requests", "requests/{编号}", "discovery")
    raise NotFound("没有这个地址，可用 " + "、".join(f"{a}.{ext}" for a in addresses))


# -- errors in Open311's shape -------------------------------------------------------------------


def _spec_status(status: int) -> int:
    """The spec knows 403, 404 and 400 for everything else; statuses a client can act on
    (405, 413, 429) and server errors keep their own."""
    return status if status in (403, 404, 405, 413, 429) or status >= 500 else 400


def _first_message(messages) -> str:
    if isinstance(messages, dict):
        return _first_message(next(iter(messages.values()), ""))
    if isinstance(messages, list | tuple):
        return _first_message(messages[0]) if messages else ""
    return str(messages)


def _requested_format() -> str:
    """Errors come in the format the address asked for; JSON where it names none."""
    return "xml" if request.path.endswith(".xml") else "json"


def _errors(status: int, message: str, fields: dict | None = None):
    status = _spec_status(status)
    items = [
        {
            "code": status,
            "description": _first_message(messages)
            if field == "_schema"
            else f"{SPEC_NAMES.get(field, field)}：{_first_message(messages)}",
        }
        for field, messages in (fields or {}).items()
    ]
    items = items or [{"code": status, "description": message}]
    return respond(items, _requested_format(), "errors", status)


@bp.errorhandler(DomainError)
def _domain_error(error: DomainError):
    return _errors(error.status, error.message, error.fields)


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    status = error.code or 500
    return _errors(status, HTTP_MESSAGES.get(status, ("", "请求无法完成"))[1])


@bp.errorhandler(Exception)
def _unexpected(error: Exception):
    log.exception("open311: unhandled error")
    return _errors(500, HTTP_MESSAGES[500][1])
