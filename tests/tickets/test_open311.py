"""Open311 GeoReport v2 (/open311/v2): civic tools read and file a county's tickets with an
api_key; answers and errors in the spec's own shapes; nobody's identity ever leaves."""

import hashlib
import json
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from backend.common.clock import utcnow
from backend.extensions import db
from backend.tickets import open311_services, reporting
from backend.tickets.models import CATEGORIES, Open311Client, Ticket
from backend.tickets.nearby import distance_m
from tests.isolation import once_per_module
from tests.ticket_support import build_tcast

_tcast_of_module, tcast = once_per_module("tcast", build_tcast)

KEY = "open311-test-key-quanzhou"
OTHER_KEY = "open311-test-key-elsewhere"
BASE = "/open311/v2"
REQUEST_FIELDS = {
    "service_request_id", "status", "status_notes", "service_name", "service_code",
    "description", "agency_responsible", "service_notice", "requested_datetime",
    "updated_datetime", "expected_datetime", "address", "address_id", "zipcode", "lat", "long",
}  # fmt: skip


def register(county_id: int, key: str = KEY, revoked: bool = False) -> Open311Client:
    row = Open311Client(
        county_id=county_id,
        name="泉州市民通",
        key_hash=hashlib.sha256(key.encode()).hexdigest(),
        revoked_at=utcnow() if revoked else None,
    )
    db.session.add(row)
    db.session.commit()
    return row


class Open311:
    """The endpoint as a civic tool calls it: api_key in the query (GET) or the form (POST)."""

    def __init__(self, client, estate_id: int):
        self.client, self.estate_id = client, estate_id

    def get(self, path: str, key: str | None = KEY, **params):
        query = {"api_key": key, **params} if key else params
        return self.client.get(f"{BASE}/{path}", query_string=query)

    def post(self, key: str | None = KEY, fmt: str = "json", **form):
        body = {"service_code": "lighting", "description": "3栋楼道灯坏了一周",
                "address_id": str(self.estate_id), **form}  # fmt: skip
        if key:
            body["api_key"] = key
        return self.client.post(f"{BASE}/requests.{fmt}", data=body)

    def file(self, **form) -> str:
        response = self.post(**form)
        assert response.status_code == 201, response.data
        [filed] = items_of(response, "service_requests", "request")
        return filed["service_request_id"]

    def one(self, request_id: str, key: str = KEY) -> dict:
        response = self.get(f"requests/{request_id}.json", key=key)
        assert response.status_code == 200, response.json
        assert len(response.json) == 1
        return response.json[0]

    def requests(self, path: str = "requests", fmt: str = "json", **params) -> list[dict]:
        """A requests answer in ``fmt``, as [{field: text}] (see items_of)."""
        response = self.get(f"{path}.{fmt}", **params)
        assert response.status_code == 200, response.data
        return items_of(response, "service_requests", "request")

    def ids(self, fmt: str = "json", **params) -> list[str]:
        return [item["service_request_id"] for item in self.requests(fmt=fmt, **params)]


@pytest.fixture
def o311(client, tcast) -> Open311:
    register(tcast.estate.county_id)
    return Open311(client, tcast.estate.id)


def ticket_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Ticket))


FORMATS = ["json", "xml"]


def parse_xml(response) -> ET.Element:
    """The answer as the spec writes XML: text/xml in UTF-8, with the declaration."""
    assert response.mimetype == "text/xml", response.data
    assert response.mimetype_params["charset"] == "utf-8"
    assert response.data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(response.data)


def as_text(value) -> str:
    """A JSON value as the spec writes it in an XML element (null: an empty element)."""
    if value is None:
        return ""
    return str(value).lower() if isinstance(value, bool) else str(value)


def items_of(response, root: str, item: str) -> list[dict]:
    """A list answer in either format as [{field: text}], the form both must agree on; the XML
    must be ``<root><item><field>…</field>…</item>…</root>``, each field once."""
    if response.mimetype == "application/json":
        assert isinstance(response.json, list), response.json
        return [{key: as_text(value) for key, value in entry.items()} for entry in response.json]
    element = parse_xml(response)
    assert element.tag == root and all(child.tag == item for child in element), response.data
    entries = []
    for child in element:
        fields = {field.tag: field.text or "" for field in child}
        assert len(fields) == len(child) and not any(len(field) for field in child)
        entries.append(fields)
    return entries


def assert_open311_error(response, status: int, *words: str) -> None:
    """The spec's shape, [{"code", "description"}], never Linli's {"error": …} envelope."""
    assert response.status_code == status, response.json
    assert isinstance(response.json, list) and response.json, response.json
    assert all(e["code"] == status for e in response.json), response.json
    text = " ".join(e["description"] for e in response.json)
    for word in words:
        assert word in text, response.json


def errors_of(response, fmt: str, status: int) -> list[dict]:
    """The spec's error shape in ``fmt`` (``<errors><error><code/><description/>``), every
    code the HTTP status; returned as [{"code", "description"}] texts."""
    assert response.status_code == status, response.data
    assert response.mimetype == ("text/xml" if fmt == "xml" else "application/json")
    errors = items_of(response, "errors", "error")
    assert errors and all(set(e) == {"code", "description"} for e in errors), errors
    assert all(e["code"] == str(status) and e["description"] for e in errors), errors
    return errors


# -- services ----------------------------------------------------------------------------------


def test_services_json_lists_the_eleven_categories_without_needing_a_key(o311):
    response = o311.get("services.json", key=None)
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    services_ = response.json
    assert [s["service_code"] for s in services_] == list(CATEGORIES)
    assert [s["service_name"] for s in services_] == list(CATEGORIES.values())
    assert {s["group"] for s in services_[:10]} == {"十件实事"} and services_[10]["group"] == "其他"
    assert all(s["metadata"] is False and s["type"] == "realtime" for s in services_)
    assert all(s["description"] and s["keywords"] == "" for s in services_)
    assert o311.get("services.json").json == services_  # with a key: the same list


# -- filing and reading back -------------------------------------------------------------------


def test_post_then_get_round_trip_returns_the_same_request(o311, tickets, tcast):
    response = o311.post(lat="24.9", long="118.1", address_string="3栋东侧楼道")
    assert response.status_code == 201, response.json
    [filed] = response.json
    assert set(filed) == {"service_request_id", "service_notice", "account_id"}
    assert filed["account_id"] is None and "前受理" in filed["service_notice"]
    request_id = filed["service_request_id"]
    assert isinstance(request_id, str)

    item = o311.one(request_id)
    assert set(item) == REQUEST_FIELDS
    assert (item["description"], item["service_code"], item["service_name"]) == (
        "3栋楼道灯坏了一周", "lighting", "公共照明",
    )  # fmt: skip
    assert (item["lat"], item["long"]) == (24.9, 118.1)
    assert item["address_id"] == str(tcast.estate.id)
    assert item["address"] == f"{tcast.estate.name} 3栋东侧楼道"
    assert (item["status"], item["status_notes"]) == ("open", "待受理")
    assert item["agency_responsible"] == "物业项目经理"
    assert item["requested_datetime"].endswith("+00:00") and item["expected_datetime"]
    assert o311.get("requests.json", service_request_id=request_id).json == [item]

    listed = tickets.get(tcast.owner, f"/estates/{tcast.estate.id}/tickets").json["items"]
    assert [(t["id"], t["channel"]) for t in listed] == [(int(request_id), "open311")]
    created = tickets.get(tcast.manager, f"/tickets/{request_id}").json["events"][0]
    assert created["actor_label"] == "外部平台 泉州市民通"


def test_coordinates_are_wgs84_in_open311_and_gcj02_as_stored(o311, tickets, tcast):
    request_id = o311.file(lat="24.9", long="118.1")
    location = tickets.get(tcast.owner, f"/tickets/{request_id}").json["location"]
    # The mini-program's map speaks GCJ-02, hundreds of metres off WGS84 in Fujian.
    assert 100 < distance_m(24.9, 118.1, location["lat"], location["lng"]) < 1000
    assert (o311.one(request_id)["lat"], o311.one(request_id)["long"]) == (24.9, 118.1)


def test_multipart_post_is_accepted_and_media_url_ignored(o311, client, tcast):
    response = client.post(
        f"{BASE}/requests.json",
        data={
            "api_key": KEY,
            "service_code": "elevator",
            "description": "2号梯困人",
            "address_id": str(tcast.estate.id),
            "media_url": "http://example.com/a.jpg",
            "email": "someone@example.com",
            "attribute[floor]": "3",
        },  # fmt: skip
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.json
    item = o311.one(response.json[0]["service_request_id"])
    assert "media_url" not in item and "lat" not in item and "long" not in item
    assert db.session.get(Ticket, int(item["service_request_id"])).photo_count == 0


def test_caller_sent_by_the_tool_is_stored_and_shown_masked_only(o311, tickets, tcast):
    request_id = o311.file(first_name="小明", last_name="王", phone="+86 139-0595-1234")
    ticket = db.session.get(Ticket, int(request_id))
    assert (ticket.caller_name, ticket.caller_phone) == ("王小明", "8613905951234")
    listed = tickets.get(tcast.manager, f"/tickets/{request_id}").json
    assert listed["reporter_label"] == "外部平台 王**"
    text = json.dumps(o311.get("requests.json").json, ensure_ascii=False)
    assert "王" not in text and "1390595" not in text


def test_reporter_and_caller_never_appear_in_any_open311_answer(o311, tickets, tcast):
    owners = tickets.replied(tcast, lat=24.9, lng=118.1)  # reported by 张三丰, replied by 赵强
    hotline = reporting.report_hotline(
        tcast.county,
        tcast.estate.id,
        {"hotline_case_no": "QZ-2026-0001", "caller_name": "陈秀英",
         "caller_phone": "13905951234", "category": "drains", "description": "化粪池外溢"},
    )  # fmt: skip
    answers = [o311.get("requests.json"), o311.get(f"requests/{owners['id']}.json"),
               o311.get(f"requests/{hotline.id}.json")]  # fmt: skip
    for response in answers:
        assert response.status_code == 200
        for item in response.json:
            assert set(item) <= REQUEST_FIELDS
    text = json.dumps([r.json for r in answers], ensure_ascii=False)
    for person in ("张", "赵", "陈", "13905951234", "热线", "业主 ", "QZ-2026"):
        assert person not in text, person


# -- status --------------------------------------------------------------------------------------


def test_status_is_open_until_the_owner_rates_then_closed(o311, tickets, tcast):
    replied = tickets.replied(tcast)
    item = o311.one(str(replied["id"]))
    assert (item["status"], item["status_notes"]) == ("open", "已反馈：已更换灯泡")
    assert item["service_notice"] == ""

    rated = tickets.post(tcast.owner, f"/tickets/{replied['id']}/rating", {"rating": 5})
    assert rated.status_code == 200, rated.json
    item = o311.one(str(replied["id"]))
    assert item["status"] == "closed"
    assert item["status_notes"] == "已办结（业主已评价）：已更换灯泡"
    closed_at = datetime.fromisoformat(rated.json["closed_at"]).replace(microsecond=0)
    assert datetime.fromisoformat(item["updated_datetime"]) == closed_at


def test_rejected_ticket_is_closed_with_the_reason(o311, tickets, tcast):
    ticket = tickets.report(tcast.owner)
    tickets.step(tcast.manager, ticket["id"], "reject", reason="属市政道路，已转市政部门")
    item = o311.one(str(ticket["id"]))
    assert (item["status"], item["status_notes"]) == (
        "closed",
        "不予受理：属市政道路，已转市政部门",
    )


# -- filters -------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_requests_filter_by_status_service_code_and_dates_newest_first(o311, tickets, tcast, fmt):
    old = o311.file(service_code="pavement")
    lighting = o311.file(service_code="lighting")
    elevator = tickets.replied(tcast, category="elevator")
    tickets.post(tcast.owner, f"/tickets/{elevator['id']}/rating", {"rating": 4})
    elevator = str(elevator["id"])
    hundred_days_ago = utcnow() - timedelta(days=100)
    db.session.execute(
        update(Ticket).where(Ticket.id == int(old)).values(created_at=hundred_days_ago)
    )
    db.session.commit()

    assert o311.ids(fmt) == [elevator, lighting]  # the last 90 days by default
    assert o311.ids(fmt, status="open") == [lighting]
    assert o311.ids(fmt, status="closed") == [elevator]
    assert o311.ids(fmt, status="open,closed") == [elevator, lighting]
    assert o311.ids(fmt, service_code="elevator") == [elevator]
    assert o311.ids(fmt, service_code="lighting,elevator") == [elevator, lighting]
    window = {
        "start_date": (hundred_days_ago - timedelta(days=1)).isoformat(),
        "end_date": (hundred_days_ago + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    assert o311.ids(fmt, **window) == [old]
    # service_request_id overrides every other filter, as the spec says.
    assert o311.ids(fmt, service_request_id=f"{old},{lighting}", status="closed") == [lighting, old]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start_date": "2026-11-01"}, "start_date"),
        ({"start_date": "2026-11-01T08:00:00"}, "start_date"),
        ({"start_date": "9999-12-31T23:00:00-12:00"}, "start_date"),
        ({"end_date": "0001-01-01T00:00:00+14:00"}, "end_date"),
        ({"end_date": "2101-01-01T00:00:00Z"}, "end_date"),
        ({"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"}, "end_date"),
        ({"status": "pending"}, "status"),
        ({"service_code": "potholes"}, "service_code"),
        ({"service_request_id": "12,abc"}, "service_request_id"),
    ],
)
def test_invalid_filters_are_400_naming_the_parameter(o311, params, field):
    assert_open311_error(o311.get("requests.json", **params), 400, f"{field}：")


# -- keys and counties ---------------------------------------------------------------------------


@pytest.mark.parametrize("key", [None, "not-a-key", "revoked-key"])
def test_missing_unknown_or_revoked_api_key_is_403_and_files_nothing(o311, tcast, key):
    register(tcast.estate.county_id, key="revoked-key", revoked=True)
    assert_open311_error(o311.post(key=key), 403, "api_key")
    assert_open311_error(o311.get("requests.json", key=key), 403, "api_key")
    assert ticket_count() == 0


def test_estate_of_another_county_is_404_and_files_nothing(o311, make):
    elsewhere = make.estate()  # a new county
    assert_open311_error(o311.post(address_id=str(elsewhere.id)), 404, "address_id")
    assert_open311_error(o311.post(address_id="99999"), 404, "address_id")
    assert ticket_count() == 0


def test_client_of_another_county_cannot_read_this_countys_request(o311, make):
    request_id = o311.file()
    register(make.county().id, key=OTHER_KEY)
    assert_open311_error(o311.get(f"requests/{request_id}.json", key=OTHER_KEY), 404, request_id)
    assert o311.ids(key=OTHER_KEY) == []
    assert o311.ids(key=OTHER_KEY, service_request_id=request_id) == []
    assert_open311_error(o311.get("requests/99999.json"), 404)


def test_jurisdiction_id_must_be_the_keys_county(o311, tcast, make):
    county = str(tcast.estate.county_id)
    assert o311.get("requests.json", jurisdiction_id=county).status_code == 200
    assert o311.post(jurisdiction_id=county).status_code == 201
    other = str(make.county().id)
    assert_open311_error(o311.get("requests.json", jurisdiction_id=other), 404, "jurisdiction_id")
    assert_open311_error(o311.post(jurisdiction_id=other), 404, "jurisdiction_id")
    assert_open311_error(o311.get("services.json", key=None, jurisdiction_id="99999"), 404)
    assert ticket_count() == 1


# -- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["service_code", "description", "address_id"])
def test_missing_required_field_is_400_naming_it(o311, field):
    assert_open311_error(o311.post(**{field: ""}), 400, f"{field}：")
    assert ticket_count() == 0


def test_unknown_service_code_is_404_as_the_spec_says(o311):
    assert_open311_error(o311.post(service_code="potholes"), 404, "potholes", "services.json")
    assert ticket_count() == 0


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"lat": "24.9"}, "long"),
        ({"lat": "24.9", "long": "east"}, "long"),
        ({"phone": "call me"}, "phone"),
        ({"description": "灯" * 1001}, "description"),
    ],
)
def test_invalid_field_is_400_naming_it(o311, form, field):
    assert_open311_error(o311.post(**form), 400, f"{field}：")
    assert ticket_count() == 0


def test_json_post_is_400_asking_for_a_form(o311, client, tcast):
    body = {"api_key": KEY, "service_code": "lighting", "description": "灯坏了",
            "address_id": tcast.estate.id}  # fmt: skip
    assert_open311_error(client.post(f"{BASE}/requests.json", json=body), 400, "表单")
    assert ticket_count() == 0


def test_unknown_path_is_404_and_wrong_method_405_in_open311_shape(o311, client):
    assert_open311_error(o311.get("tokens/abc.json"), 404, "requests.json")
    assert_open311_error(o311.get("requests/abc.json"), 404)
    assert_open311_error(client.delete(f"{BASE}/requests/1.json"), 405)
    assert_open311_error(client.post(f"{BASE}/services.json", data={"api_key": KEY}), 405)


# -- XML beside JSON: the same answers, the spec's XML shape -------------------------------------


def test_services_xml_says_what_services_json_says(o311):
    as_json = items_of(o311.get("services.json", key=None), "services", "service")
    as_xml = items_of(o311.get("services.xml", key=None), "services", "service")
    assert as_xml == as_json and len(as_xml) == len(CATEGORIES)
    assert as_xml[0]["metadata"] == "false" and as_xml[0]["keywords"] == ""
    # In the order the spec lists a service's fields.
    first = parse_xml(o311.get("services.xml"))[0]
    assert [field.tag for field in first] == list(open311_services.services_list()[0])


def test_requests_xml_say_what_requests_json_say_field_by_field(o311, tickets, tcast):
    located = o311.file(lat="24.9", long="118.1", address_string="3栋东侧楼道")
    unplaced = o311.file(service_code="drains")
    replied = tickets.replied(tcast, category="elevator")
    rated = tickets.replied(tcast)
    tickets.post(tcast.owner, f"/tickets/{rated['id']}/rating", {"rating": 5})
    replied, rated = str(replied["id"]), str(rated["id"])

    as_xml = o311.requests(fmt="xml")
    assert as_xml == o311.requests()
    assert [item["service_request_id"] for item in as_xml] == [rated, replied, unplaced, located]
    for request_id in (located, unplaced, replied, rated):
        path = f"requests/{request_id}"
        assert o311.requests(path, fmt="xml") == o311.requests(path)
    by_id = {item["service_request_id"]: item for item in as_xml}
    assert set(by_id[located]) == REQUEST_FIELDS
    assert (by_id[located]["lat"], by_id[located]["long"]) == ("24.9", "118.1")
    assert set(by_id[unplaced]) == REQUEST_FIELDS - {"lat", "long"}
    assert by_id[rated]["status"] == "closed" and by_id[replied]["status"] == "open"
    assert by_id[replied]["service_notice"] == by_id[located]["zipcode"] == ""


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_answers_201_in_the_format_of_its_address(o311, fmt):
    response = o311.post(fmt=fmt, lat="24.9", long="118.1")
    assert response.status_code == 201, response.data
    [filed] = items_of(response, "service_requests", "request")
    assert set(filed) == {"service_request_id", "service_notice", "account_id"}
    assert filed["account_id"] == "" and "前受理" in filed["service_notice"]
    if fmt == "xml":  # the spec's order, and no account: an empty element
        request = parse_xml(response).find("request")
        assert [field.tag for field in request] == list(filed)
        assert request.find("account_id").text is None
    assert o311.one(filed["service_request_id"])["lat"] == 24.9
    assert ticket_count() == 1


def test_markup_and_quotes_in_a_description_are_escaped_in_xml_and_read_back_exactly(o311):
    text = """<script>alert("x")</script> & 'y' ]]> 3栋楼道灯坏了"""
    request_id = o311.file(fmt="xml", description=text, address_string="<b>东侧</b>&amp;")
    response = o311.get(f"requests/{request_id}.xml")
    assert b"<script>" not in response.data and b"<b>" not in response.data
    assert b"&lt;script&gt;" in response.data and b"&amp;amp;" in response.data
    [item] = items_of(response, "service_requests", "request")
    assert item["description"] == text == o311.one(request_id)["description"]
    assert item["address"].endswith(" <b>东侧</b>&amp;")


def test_characters_xml_forbids_are_dropped_from_xml_and_kept_in_json(o311, tcast):
    """Typed text cannot hold them (refused on input), but imported names and older rows can."""
    request_id = o311.file(description="灯坏了\t一周\n请修")
    db.session.execute(
        update(Ticket).where(Ticket.id == int(request_id)).values(description="灯\x01坏\x1b了\t\n")
    )
    tcast.estate.name = "凤城\x0b花园\ufffe"
    db.session.commit()
    response = o311.get(f"requests/{request_id}.xml")
    [item] = items_of(response, "service_requests", "request")  # it parses
    assert (item["description"], item["address"]) == ("灯坏了\t\n", "凤城花园")
    as_json = o311.one(request_id)
    assert (as_json["description"], as_json["address"]) == (
        "灯\x01坏\x1b了\t\n",
        "凤城\x0b花园\ufffe",
    )


# -- errors in both formats: the same status, the same words, the spec's shape -------------------

ERROR_CASES = {
    "unknown request": ("get", "requests/99999", {}, 404),
    "another county's jurisdiction_id": ("get", "requests", {"jurisdiction_id": "99999"}, 404),
    "no key, no county": ("get", "services", {"api_key": None, "jurisdiction_id": "99999"}, 404),
    "bad status filter": ("get", "requests", {"status": "pending"}, 400),
    "date without a time zone": ("get", "requests", {"start_date": "2026-11-01T08:00:00"}, 400),
    "no api_key": ("get", "requests", {"api_key": None}, 403),
    "unknown api_key": ("get", "requests/1", {"api_key": "not-a-key"}, 403),
    "unknown api_key on POST": ("post", "requests", {"api_key": "not-a-key"}, 403),
    "revoked api_key on POST": ("post", "requests", {"api_key": "revoked-key"}, 403),
    "no description": ("post", "requests", {"description": ""}, 400),
    "half a coordinate": ("post", "requests", {"lat": "24.9"}, 400),
    "control character": ("post", "requests", {"description": "灯\x00坏了"}, 400),
    "unknown service_code": ("post", "requests", {"service_code": "potholes"}, 404),
    "estate outside the county": ("post", "requests", {"address_id": "99999"}, 404),
    "unknown path": ("get", "tokens/abc", {}, 404),
    "service definition": ("get", "services/lighting", {}, 404),
    "POST to services": ("post-raw", "services", {}, 405),
    "DELETE a request": ("delete", "requests/1", {}, 405),
}  # fmt: skip


def call(o311, method: str, path: str, fmt: str, params: dict):
    params = dict(params)
    key = params.pop("api_key", KEY)
    if method == "get":
        return o311.get(f"{path}.{fmt}", key=key, **params)
    if method == "post":
        return o311.post(key=key, fmt=fmt, **params)
    if method == "post-raw":
        return o311.client.post(f"{BASE}/{path}.{fmt}", data={"api_key": key})
    return o311.client.open(f"{BASE}/{path}.{fmt}", method=method.upper())


@pytest.mark.parametrize("case", list(ERROR_CASES))
def test_errors_have_the_same_status_and_words_in_xml_and_json(o311, tcast, case):
    register(tcast.estate.county_id, key="revoked-key", revoked=True)
    method, path, params, status = ERROR_CASES[case]
    as_json = errors_of(call(o311, method, path, "json", params), "json", status)
    as_xml = errors_of(call(o311, method, path, "xml", params), "xml", status)
    # Word for word, but for an address named in the format asked for.
    assert [
        {**e, "description": e["description"].replace(".xml", ".json")} for e in as_xml
    ] == as_json
    assert ticket_count() == 0


def test_json_body_posted_to_requests_xml_is_400_in_xml(o311, client, tcast):
    body = {"api_key": KEY, "service_code": "lighting", "description": "灯坏了",
            "address_id": tcast.estate.id}  # fmt: skip
    [error] = errors_of(client.post(f"{BASE}/requests.xml", json=body), "xml", 400)
    assert "表单" in error["description"]
    assert ticket_count() == 0


@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_path_names_the_addresses_in_the_format_it_asked_for(o311, fmt):
    [error] = errors_of(o311.get(f"tokens/abc.{fmt}"), fmt, 404)
    assert f"requests.{fmt}" in error["description"]
    assert f"discovery.{fmt}" in error["description"]


# -- service discovery ---------------------------------------------------------------------------


def discovery_of(response, fmt: str) -> dict:
    """The discovery document in either format as JSON's dict (XML's lists are one element per
    item: <endpoints><endpoint>, <formats><format>)."""
    assert response.status_code == 200, response.data
    if fmt == "json":
        assert response.mimetype == "application/json"
        return response.json
    root = parse_xml(response)
    assert root.tag == "discovery"
    document = {child.tag: child.text or "" for child in root if child.tag != "endpoints"}
    document["endpoints"] = []
    for endpoint in root.find("endpoints"):
        assert endpoint.tag == "endpoint"
        entry = {child.tag: child.text or "" for child in endpoint if child.tag != "formats"}
        entry["formats"] = [child.text for child in endpoint.find("formats")]
        assert {child.tag for child in endpoint.find("formats")} == {"format"}
        document["endpoints"].append(entry)
    return document


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery_names_this_production_endpoint_and_both_formats_without_a_key(client, fmt):
    document = discovery_of(client.get(f"{BASE}/discovery.{fmt}"), fmt)
    assert document == {
        "changeset": open311_services.SERVICES_CHANGESET,
        "contact": "请联系所在县住建局",
        "key_service": open311_services.KEY_SERVICE,
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": "http://localhost/open311/v2/",
                "changeset": open311_services.SERVICES_CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    assert datetime.fromisoformat(document["changeset"]).tzinfo is not None
    # A client appends the resource to the url it was given.
    url = document["endpoints"][0]["url"]
    assert client.get(f"{url}services.xml").status_code == 200


@pytest.mark.parametrize("fmt", FORMATS)
def test_discovery_gives_the_configured_public_url_and_contact(app, client, monkeypatch, fmt):
    monkeypatch.setitem(app.config, "OPEN311_URL", "https://linli.example.gov.cn/open311/v2/")
    monkeypatch.setitem(app.config, "OPEN311_CONTACT", "安溪县住建局 0595-12345678")
    document = discovery_of(client.get(f"{BASE}/discovery.{fmt}"), fmt)
    assert document["endpoints"][0]["url"] == "https://linli.example.gov.cn/open311/v2/"
    assert document["contact"] == "安溪县住建局 0595-12345678"


def test_services_changeset_moves_with_the_services_list():
    """Discovery's changeset tells clients to refresh their copy of the services: whoever
    changes the list moves SERVICES_CHANGESET, then the fingerprint pinned here."""
    listed = json.dumps(open311_services.services_list(), ensure_ascii=False, sort_keys=True)
    fingerprint = hashlib.sha256(listed.encode()).hexdigest()[:16]
    assert (open311_services.SERVICES_CHANGESET, fingerprint) == (
        "2026-12-07T00:00:00+00:00",
        "bc26928e36255be1",
    )


# -- keys from the command line ------------------------------------------------------------------


def test_cli_open311_key_prints_a_key_once_that_then_works(runner, client, tcast):
    result = runner.invoke(args=["linli", "open311-key", str(tcast.estate.county_id), "市民通"])
    assert result.exit_code == 0, result.output
    key = next(line.split(": ")[1] for line in result.output.splitlines() if "api_key" in line)
    stored = db.session.scalars(select(Open311Client)).one()
    assert (
        stored.key_hash == hashlib.sha256(key.encode()).hexdigest() and key not in stored.key_hash
    )
    assert Open311(client, tcast.estate.id).get("requests.json", key=key).status_code == 200
    missing = runner.invoke(args=["linli", "open311-key", "99999", "市民通"])
    assert missing.exit_code != 0 and "不存在" in missing.output
