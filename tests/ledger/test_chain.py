"""The hash chain: recomputed from the rows by the verify endpoint and the command line, and
broken by any change made behind the triggers' back."""

import hashlib
import json

import pytest
from sqlalchemy import select, text

from backend.extensions import db
from backend.ledger import chain
from backend.ledger.models import LedgerPeriod
from tests.isolation import once_per_module, raw_sql
from tests.ledger_support import build_cast

_cast_of_module, cast = once_per_module("cast", build_cast)


@pytest.fixture
def three_months(ledger, cast):
    periods = [
        ledger.publish_period(
            cast,
            start,
            entries=[
                {"entry_date": start[:8] + "03", "amount_fen": 120000},
                {
                    "entry_date": start[:8] + "20",
                    "direction": "expense",
                    "category": "maintenance",
                    "amount_fen": 45050,
                    "description": "水泵维修",
                },
            ],
        )
        for start in ("2026-07-01", "2026-08-01", "2026-09-01")
    ]
    return periods


def _behind_the_triggers(sql: str, **params):
    """What a database owner could still do: switch the freeze off and edit rows."""
    with raw_sql() as conn:
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        for statement in sql.split(";"):
            conn.execute(text(statement), params)


def test_each_link_hashes_the_statement_with_the_previous_head(ledger, cast, three_months):
    first, second, third = three_months
    assert first["previous_hash"] == chain.GENESIS
    assert second["previous_hash"] == first["head_hash"]
    assert third["previous_hash"] == second["head_hash"]
    assert second["opening_balance_fen"] == first["closing_balance_fen"] == 120000 - 45050

    # Recompute the second link by hand from what the API shows: canonical JSON + sha256.
    entries = ledger.get(cast.owner, f"/periods/{second['id']}/entries").json["items"]
    document = {
        "estate_id": cast.estate.id,
        "period": {"kind": "month", "start_date": "2026-08-01", "end_date": "2026-09-01"},
        "opening_balance_fen": 74950,
        "income_total_fen": 120000,
        "expense_total_fen": 45050,
        "closing_balance_fen": 149900,
        "categories": {
            "parking": 120000,
            "advertising": 0,
            "venue_rent": 0,
            "other_income": 0,
            "shared_costs": 0,
            "maintenance": 45050,
            "management": 0,
            "other_expense": 0,
        },
        "entries": [
            {
                "id": e["id"],
                "date": e["entry_date"],
                "direction": e["direction"],
                "category": e["category"],
                "amount_fen": e["amount_fen"],
                "counterparty": e["counterparty"],
                "description": e["description"],
                "reverses_entry_id": None,
                "vouchers": [],
            }
            for e in entries
        ],
    }
    canonical = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    expected = hashlib.sha256(first["head_hash"].encode() + b"\n" + canonical.encode()).hexdigest()
    assert second["head_hash"] == expected


def test_verify_is_ok_on_an_untouched_chain(ledger, cast, three_months):
    result = ledger.get(cast.owner, "/verify").json
    assert result == {
        "ok": True,
        "periods_checked": 3,
        "head_hash": three_months[-1]["head_hash"],
        "broken": None,
    }


def test_a_hand_altered_amount_is_found_and_named(ledger, cast, three_months, runner):
    second = three_months[1]
    _behind_the_triggers(
        "UPDATE ledger_entry SET amount_fen = amount_fen - 100 WHERE period_id = :p "
        "AND direction = 'expense'",
        p=second["id"],
    )
    result = ledger.get(cast.owner, "/verify").json
    assert result["ok"] is False
    assert result["broken"]["period_id"] == second["id"]
    assert result["broken"]["label"] == "2026年8月"
    assert "不一致" in result["broken"]["reason"]

    cli = runner.invoke(args=["linli", "verify-ledger", str(cast.estate.id)])
    assert cli.exit_code == 1
    assert f"BROKEN at period {second['id']} (2026年8月)" in cli.output


@pytest.mark.parametrize(
    "tamper",
    [
        "UPDATE ledger_entry SET description = '改过的摘要' WHERE period_id = :p",
        "UPDATE ledger_entry SET entry_date = entry_date + 1 WHERE period_id = :p",
        "DELETE FROM ledger_entry WHERE period_id = :p AND direction = 'expense'",
        "UPDATE ledger_period SET head_hash = repeat('a', 64) WHERE id = :p",
        "UPDATE ledger_period SET closing_balance_fen = closing_balance_fen + 1 WHERE id = :p",
    ],
)
def test_any_change_to_a_published_period_breaks_it(ledger, cast, three_months, tamper):
    second = three_months[1]
    _behind_the_triggers(tamper, p=second["id"])
    broken = ledger.get(cast.owner, "/verify").json["broken"]
    assert broken["period_id"] == second["id"]


def test_removing_a_whole_period_breaks_the_next_link(ledger, cast, three_months):
    second, third = three_months[1], three_months[2]
    _behind_the_triggers(
        "DELETE FROM ledger_event WHERE period_id = :p;"
        "DELETE FROM ledger_entry WHERE period_id = :p;"
        "DELETE FROM ledger_period WHERE id = :p",
        p=second["id"],
    )
    result = ledger.get(cast.owner, "/verify").json
    assert result["ok"] is False and result["broken"]["period_id"] == third["id"]


def test_cli_reports_ok_and_unknown_estates(runner, ledger, cast, three_months):
    ok = runner.invoke(args=["linli", "verify-ledger", str(cast.estate.id)])
    assert ok.exit_code == 0, ok.output
    assert f"OK: 3 published periods, head {three_months[-1]['head_hash']}" in ok.output
    missing = runner.invoke(args=["linli", "verify-ledger", "999999"])
    assert missing.exit_code != 0 and "不存在" in missing.output


def test_verify_of_an_estate_without_publications(ledger, cast):
    assert ledger.get(cast.owner, "/verify").json == {
        "ok": True,
        "periods_checked": 0,
        "head_hash": None,
        "broken": None,
    }
    assert ledger.get(cast.outsider, "/verify").status_code == 404


def test_head_is_stored_in_publication_order(three_months):
    seqs = db.session.scalars(select(LedgerPeriod.chain_seq).order_by(LedgerPeriod.start_date))
    assert list(seqs) == [1, 2, 3]
