"""Bad input on the ledger routes: ids that name nothing or another estate's rows are 404,
malformed bodies and queries 400/415/422 in the usual envelope, and nothing is written."""

import io

import pytest
from sqlalchemy import func, select

from backend.access.roles import Role
from backend.extensions import db
from backend.ledger.models import LedgerEntry, LedgerPeriod, LedgerQuestion
from tests.isolation import once_per_module
from tests.ledger_support import build_cast

_cast_of_module, cast = once_per_module("cast", build_cast)


HUGE, MISSING = 2**40, 2**31 - 1


def _counts():
    db.session.expire_all()
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (LedgerPeriod, LedgerEntry, LedgerQuestion)
    )


ID_PATHS = [
    ("get", "/periods/{id}"),
    ("get", "/periods/{id}/entries"),
    ("get", "/periods/{id}/statement"),
    ("get", "/periods/{id}/statement.xlsx"),
    ("get", "/periods/{id}/statement.pdf"),
    ("get", "/periods/{id}/questions"),
    ("post", "/periods/{id}/questions"),
    ("post", "/periods/{id}/transitions"),
    ("post", "/periods/{id}/entries"),
    ("get", "/entries/{id}"),
    ("patch", "/entries/{id}"),
    ("delete", "/entries/{id}"),
    ("get", "/vouchers/{id}"),
    ("post", "/questions/{id}/answer"),
]
BODIES = {
    "/periods/{id}/questions": {"body": "问题"},
    "/periods/{id}/transitions": {"action": "submit"},
    "/periods/{id}/entries": {
        "entry_date": "2026-10-05",
        "direction": "income",
        "category": "parking",
        "amount_fen": 100,
        "description": "x",
    },
    "/entries/{id}": {"amount_fen": 100},
    "/questions/{id}/answer": {"body": "答复"},
}


@pytest.mark.parametrize("ident", [HUGE, MISSING], ids=["beyond integer", "no such row"])
@pytest.mark.parametrize(("method", "path"), ID_PATHS)
def test_ids_that_name_nothing_are_404(ledger, cast, method, path, ident):
    ledger.publish_period(cast, "2026-10-01")
    before = _counts()
    url = ledger.url(path.format(id=ident))
    kwargs = {"json": BODIES[path]} if method in ("post", "patch") else {}
    response = getattr(ledger.client, method)(url, headers=ledger.auth(cast.chair), **kwargs)
    assert response.status_code == 404, response.json
    assert response.json["error"]["code"] == "not_found"
    assert _counts() == before


# An id beyond the URL converter's range routes nowhere: the answer is routing's 404, not the
# JSON-only rule's 415 for the multipart body (backend/content_type.py).
@pytest.mark.parametrize(
    "ident",
    [HUGE, MISSING],
    ids=["beyond integer", "no such row"],
)
@pytest.mark.parametrize(
    ("path", "name"),
    [("/entries/{id}/vouchers", "v.pdf"), ("/periods/{id}/entries/import", "a.xlsx")],
)
def test_uploads_to_ids_that_name_nothing_are_404(ledger, cast, path, name, ident):
    response = ledger.client.post(
        ledger.url(path.format(id=ident)),
        data={"file": (io.BytesIO(b"%PDF-1.4"), name)},
        headers=ledger.auth(cast.manager),
        content_type="multipart/form-data",
    )
    assert response.status_code == 404, response.json


def test_another_estates_rows_are_404_even_to_staff_of_both(ledger, cast, make, client, auth):
    """A chair of two estates must not reach estate B's rows through estate A's URLs."""
    other = make.estate(make.community())
    both = make.member(Role.COMMITTEE_CHAIR, cast.estate, make.user(real_name="双重身份"))
    make.member(Role.COMMITTEE_CHAIR, other, both)
    other_manager = make.member(Role.PROPERTY_MANAGER, other)
    other_owner = make.member(Role.OWNER, make.unit(other))
    base_b = f"/api/v1/estates/{other.id}/ledger"
    period_b = client.post(
        f"{base_b}/periods",
        json={"kind": "month", "start_date": "2026-10-01"},
        headers=auth(other_manager),
    ).json
    entry_b = client.post(
        f"{base_b}/periods/{period_b['id']}/entries",
        json=BODIES["/periods/{id}/entries"],
        headers=auth(other_manager),
    ).json
    assert client.get(f"{base_b}/entries/{entry_b['id']}", headers=auth(both)).status_code == 200
    before = _counts()

    for method, path, ident in [
        ("get", "/periods/{id}", period_b["id"]),
        ("get", "/periods/{id}/statement", period_b["id"]),
        ("post", "/periods/{id}/transitions", period_b["id"]),
        ("post", "/periods/{id}/entries", period_b["id"]),
        ("get", "/entries/{id}", entry_b["id"]),
        ("patch", "/entries/{id}", entry_b["id"]),
        ("delete", "/entries/{id}", entry_b["id"]),
    ]:
        body = BODIES.get(path) if method in ("post", "patch") else None
        kwargs = {"json": body} if body is not None else {}
        response = getattr(client, method)(
            ledger.url(path.format(id=ident)), headers=auth(both), **kwargs
        )
        assert response.status_code == 404, (method, path, response.json)
    assert _counts() == before
    # An owner of estate B gets nothing of estate A either.
    published = ledger.publish_period(cast, "2026-09-01")
    url = ledger.url(f"/periods/{published['id']}")
    assert client.get(url, headers=auth(other_owner)).status_code == 404


@pytest.mark.parametrize(
    "query",
    ["page=0", "page=abc", "page_size=0", "page_size=201", "status=bogus", "page=100001"],
)
def test_bad_list_queries_are_422(ledger, cast, query):
    response = ledger.get(cast.chair, f"/periods?{query}")
    assert response.status_code == 422, response.json
    assert response.json["error"]["fields"]


def test_bodies_that_are_not_json_objects(ledger, cast):
    pid = ledger.open_period(cast.manager, "2026-10-01")["id"]
    url, headers = ledger.url(f"/periods/{pid}/entries"), ledger.auth(cast.manager)
    before = _counts()
    malformed = ledger.client.post(
        url, data=b'{"amount_fen": ', headers=headers, content_type="application/json"
    )
    assert malformed.status_code == 400
    assert malformed.json["error"]["code"] == "malformed_json"
    as_text = ledger.client.post(url, data=b"amount=1", headers=headers, content_type="text/plain")
    assert as_text.status_code == 415
    as_list = ledger.client.post(url, json=[1, 2], headers=headers)
    assert as_list.status_code == 422
    assert _counts() == before


ENTRY = BODIES["/periods/{id}/entries"]
BAD_ENTRIES = {
    "amount as float": {"amount_fen": 12.5},
    "amount as text": {"amount_fen": "1250"},
    "amount true": {"amount_fen": True},
    "amount zero": {"amount_fen": 0},
    "amount negative": {"amount_fen": -1},
    "amount huge": {"amount_fen": 10**20},
    "amount just over the cap": {"amount_fen": 100_000_000_001},
    "date impossible": {"entry_date": "2026-10-32"},
    "date slashes": {"entry_date": "2026/10/05"},
    "date outside the period": {"entry_date": "2026-11-01"},
    "date far in the future": {"entry_date": "9999-12-31"},
    "date before 2000": {"entry_date": "0001-01-01"},
    "direction unknown": {"direction": "in"},
    "category unknown": {"category": "bribes"},
    "category of the other direction": {"category": "maintenance"},
    "description blank": {"description": "   "},
    "description too long": {"description": "x" * 501},
    "counterparty too long": {"counterparty": "x" * 101},
    "control character": {"description": "维修\x00费"},
    "reverses itself into nothing": {"reverses_entry_id": MISSING},
    "unknown field": {"approved": True},
}


@pytest.mark.parametrize("change", BAD_ENTRIES.values(), ids=BAD_ENTRIES.keys())
def test_bad_entry_is_422_and_saves_nothing(ledger, cast, change):
    pid = ledger.open_period(cast.manager, "2026-10-01")["id"]
    before = _counts()
    response = ledger.post(cast.manager, f"/periods/{pid}/entries", {**ENTRY, **change})
    assert response.status_code == 422, response.json
    assert response.json["error"]["fields"]
    assert _counts() == before
    period = ledger.get(cast.manager, f"/periods/{pid}").json
    assert (period["entry_count"], period["income_total_fen"]) == (0, 0)


@pytest.mark.parametrize(
    "body",
    [{"action": "explode"}, {"action": "return", "reason": "x" * 201}, {}, {"action": 1}],
)
def test_bad_transition_is_422(ledger, cast, body):
    pid = ledger.open_period(cast.manager, "2026-10-01")["id"]
    response = ledger.post(cast.manager, f"/periods/{pid}/transitions", body)
    assert response.status_code == 422, response.json
    assert ledger.get(cast.manager, f"/periods/{pid}").json["status"] == "draft"


# Dates anyone sends lie in 2000..2100 (DESIGN.md, Input bounds); a period may not start after
# this month (the ledger's own, narrower rule). 9999-12-01 was a ValueError (500): the end of
# its month is in year 10000.
@pytest.mark.parametrize(
    ("kind", "start", "message"),
    [
        ("month", "9999-12-01", "2000-01-01 至 2100-12-31"),
        ("quarter", "9999-10-01", "2000-01-01 至 2100-12-31"),
        ("month", "2101-01-01", "2000-01-01 至 2100-12-31"),
        ("month", "1999-12-01", "2000-01-01 至 2100-12-31"),
        ("month", "0001-01-01", "2000-01-01 至 2100-12-31"),
        ("month", "2100-12-01", "不能晚于本月"),
        ("quarter", "2100-10-01", "不能晚于本月"),
    ],
)
def test_period_start_out_of_bounds_is_422_and_opens_nothing(ledger, cast, kind, start, message):
    before = _counts()
    response = ledger.post(cast.manager, "/periods", {"kind": kind, "start_date": start})
    assert response.status_code == 422, response.json
    assert any(message in text for text in response.json["error"]["fields"]["start_date"])
    assert _counts() == before


def test_entry_dates_out_of_bounds_say_so(ledger, cast):
    pid = ledger.open_period(cast.manager, "2026-10-01")["id"]
    response = ledger.post(
        cast.manager, f"/periods/{pid}/entries", {**ENTRY, "entry_date": "9999-12-31"}
    )
    assert response.json["error"]["fields"]["entry_date"] == [
        "日期须在 2000-01-01 至 2100-12-31 之间"
    ]
