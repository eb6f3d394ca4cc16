"""Money comes in as integer fen or not at all: nothing rounded, coerced or half-saved."""

import json

import pytest
from sqlalchemy import func, select

from backend.common.money import MAX_FEN, format_fen
from backend.extensions import db
from backend.ledger.models import LedgerEntry
from tests.isolation import once_per_module
from tests.ledger_support import build_cast

_cast_of_module, cast = once_per_module("cast", build_cast)

BAD_AMOUNTS = [12.5, 100.0, -100, 0, True, "1000", None, [1], {"fen": 1}, MAX_FEN + 1, 10**20]


@pytest.mark.parametrize("amount", BAD_AMOUNTS, ids=repr)
def test_bad_amounts_are_refused_and_nothing_is_saved(ledger, cast, amount):
    pid = ledger.open_period(cast.manager)["id"]
    response = ledger.add_entry(cast.manager, pid, amount_fen=amount)
    assert response.status_code == 422, response.json
    assert "amount_fen" in response.json["error"]["fields"]
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == 0


def test_1e20_written_as_a_json_number_is_refused(client, auth, ledger, cast):
    pid = ledger.open_period(cast.manager)["id"]
    raw = (
        '{"entry_date": "2026-10-05", "direction": "income", "category": "parking",'
        ' "amount_fen": 1e20, "description": "x"}'
    )
    response = client.post(
        ledger.url(f"/periods/{pid}/entries"),
        data=raw,
        headers={**auth(cast.manager), "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json["error"]["fields"]["amount_fen"] == ["金额应为以分为单位的整数"]
    assert json.loads(raw)["amount_fen"] == 1e20  # really a float on the wire


def test_largest_amount_is_kept_exactly(ledger, cast):
    pid = ledger.open_period(cast.manager)["id"]
    response = ledger.add_entry(cast.manager, pid, amount_fen=MAX_FEN)
    assert response.status_code == 201 and response.json["amount_fen"] == MAX_FEN
    assert ledger.get(cast.manager, f"/periods/{pid}").json["income_total_fen"] == MAX_FEN


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"category": "maintenance"}, "category"),  # an expense category on income
        ({"category": "lottery"}, "category"),
        ({"direction": "gift"}, "direction"),
        ({"entry_date": "2026-11-01"}, "entry_date"),  # outside October
        ({"entry_date": "2026-02-30"}, "entry_date"),
        ({"description": "   "}, "description"),
        ({"description": "长" * 501}, "description"),
        ({"counterparty": "\x00"}, "counterparty"),
        ({"reverses_entry_id": 0}, "reverses_entry_id"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_bad_entries_name_the_field(ledger, cast, fields, field):
    pid = ledger.open_period(cast.manager)["id"]
    response = ledger.add_entry(cast.manager, pid, **fields)
    assert response.status_code == 422, response.json
    assert field in response.json["error"]["fields"]
    assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == 0


def test_patch_and_delete_keep_totals_right(ledger, cast):
    pid = ledger.open_period(cast.manager)["id"]
    a = ledger.add_entry(cast.manager, pid, amount_fen=1000).json
    ledger.add_entry(cast.manager, pid, direction="expense", category="management", amount_fen=300)
    assert (
        ledger.patch(cast.manager, f"/entries/{a['id']}", {"amount_fen": 2500}).status_code == 200
    )
    bad = ledger.patch(cast.manager, f"/entries/{a['id']}", {"amount_fen": 0.5})
    assert bad.status_code == 422
    detail = ledger.get(cast.manager, f"/periods/{pid}").json
    assert (detail["income_total_fen"], detail["expense_total_fen"]) == (2500, 300)
    assert ledger.delete(cast.manager, f"/entries/{a['id']}").status_code == 204
    detail = ledger.get(cast.manager, f"/periods/{pid}").json
    assert (detail["entry_count"], detail["income_total_fen"]) == (1, 0)
    assert ledger.patch(cast.owner, f"/entries/{a['id']}", {"amount_fen": 1}).status_code == 404


@pytest.mark.parametrize(
    ("fen", "text"),
    [
        (0, "¥0.00"),
        (5, "¥0.05"),
        (123450, "¥1,234.50"),
        (-99, "-¥0.99"),
        (MAX_FEN, "¥1,000,000,000.00"),
    ],
)
def test_format_fen(fen, text):
    assert format_fen(fen) == text
