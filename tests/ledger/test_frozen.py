"""Published is frozen: the API refuses every change, and on PostgreSQL so does the database
itself. Corrections are reversal entries in a later period."""

import io

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from tests.isolation import once_per_module, raw_sql
from tests.ledger_support import build_cast

_cast_of_module, cast = once_per_module("cast", build_cast)


@pytest.fixture
def published(ledger, cast):
    period = ledger.publish_period(cast, "2026-09-01", entries=[{"entry_date": "2026-09-05"}])
    entry_id = ledger.get(cast.owner, f"/periods/{period['id']}/entries").json["items"][0]["id"]
    return period, entry_id


def test_api_refuses_every_change_to_a_published_period(ledger, cast, published):
    period, entry_id = published
    pid = period["id"]
    attempts = [
        ledger.add_entry(cast.manager, pid, entry_date="2026-09-10"),
        ledger.patch(cast.manager, f"/entries/{entry_id}", {"amount_fen": 1}),
        ledger.delete(cast.manager, f"/entries/{entry_id}"),
        ledger.client.post(
            ledger.url(f"/entries/{entry_id}/vouchers"),
            data={"file": (io.BytesIO(b"%PDF-1.4 x"), "v.pdf")},
            headers=ledger.auth(cast.manager),
        ),
    ]
    for response in attempts:
        assert response.status_code == 409, response.json
        assert "冲销" in response.json["error"]["message"]
    after = ledger.get(cast.owner, f"/periods/{pid}").json
    assert after["head_hash"] == period["head_hash"] and after["entry_count"] == 1
    assert ledger.get(cast.owner, "/verify").json["ok"] is True


SQL_CHANGES = [
    "UPDATE ledger_entry SET amount_fen = 1 WHERE id = :entry",
    "DELETE FROM ledger_entry WHERE id = :entry",
    "UPDATE ledger_period SET closing_balance_fen = 0 WHERE id = :period",
    "UPDATE ledger_period SET status = 'draft' WHERE id = :period",
    "DELETE FROM ledger_period WHERE id = :period",
    "UPDATE ledger_event SET reason = 'x' WHERE period_id = :period",
    "DELETE FROM ledger_event WHERE period_id = :period",
    "INSERT INTO ledger_entry (estate_id, period_id, entry_date, direction, category,"
    " amount_fen, counterparty, description, created_by_id, created_at)"
    " SELECT estate_id, period_id, entry_date, direction, category, 5, '', 'sneaked in',"
    " created_by_id, created_at FROM ledger_entry WHERE id = :entry",
    "INSERT INTO ledger_voucher (estate_id, entry_id, name, content_type, size, sha256,"
    " storage_key, uploaded_by_id, created_at) SELECT estate_id, id, 'x.pdf',"
    " 'application/pdf', 1, 'x', 'x', created_by_id, created_at FROM ledger_entry"
    " WHERE id = :entry",
]


@pytest.mark.parametrize("statement", SQL_CHANGES)
def test_database_refuses_direct_sql_on_published_rows(ledger, cast, published, statement):
    period, entry_id = published
    with pytest.raises(IntegrityError, match="cannot be changed|published"):
        with raw_sql() as conn:
            conn.execute(text(statement), {"entry": entry_id, "period": period["id"]})
    assert ledger.get(cast.owner, "/verify").json["ok"] is True


def test_draft_rows_stay_editable_in_sql(ledger, cast):
    pid = ledger.open_period(cast.manager, "2026-10-01")["id"]
    entry = ledger.add_entry(cast.manager, pid).json
    with raw_sql() as conn:
        changed = conn.execute(
            text("UPDATE ledger_entry SET amount_fen = 2 WHERE id = :id"), {"id": entry["id"]}
        )
    assert changed.rowcount == 1


def test_correction_is_a_reversal_in_a_later_period(ledger, cast, published):
    period, entry_id = published
    original = ledger.get(cast.owner, f"/entries/{entry_id}").json
    later = ledger.open_period(cast.manager, "2026-10-01")["id"]
    same = {k: original[k] for k in ("direction", "category", "amount_fen")}

    wrong_amount = ledger.add_entry(
        cast.manager,
        later,
        entry_date="2026-10-03",
        reverses_entry_id=entry_id,
        **{**same, "amount_fen": 1},
    )
    assert wrong_amount.status_code == 422

    reversal = ledger.add_entry(
        cast.manager,
        later,
        entry_date="2026-10-02",
        reverses_entry_id=entry_id,
        description="冲销9月重复入账",
        **same,
    )
    assert reversal.status_code == 201, reversal.json
    assert reversal.json["reverses_entry_id"] == entry_id
    detail = ledger.get(cast.manager, f"/periods/{later}").json
    assert detail["income_total_fen"] == -original["amount_fen"]
    assert (
        ledger.get(cast.owner, f"/entries/{entry_id}").json["reversed_by_entry_id"]
        == (reversal.json["id"])
    )

    twice = ledger.add_entry(
        cast.manager, later, entry_date="2026-10-03", reverses_entry_id=entry_id, **same
    )
    assert twice.status_code == 409


def test_reversal_must_point_at_a_published_entry_of_an_earlier_period(ledger, cast):
    draft = ledger.open_period(cast.manager, "2026-10-01")["id"]
    draft_entry = ledger.add_entry(cast.manager, draft).json
    later = ledger.open_period(cast.manager, "2026-11-01")["id"]
    response = ledger.add_entry(
        cast.manager, later, entry_date="2026-11-02", reverses_entry_id=draft_entry["id"]
    )
    assert response.status_code == 422
    assert "reverses_entry_id" in response.json["error"]["fields"]
