"""A published period's totals by category are frozen with it at publication
(``category_totals_fen``) and its statement reads them instead of summing the entries: random
periods of entries, reversals of earlier entries among them, must leave every frozen total
equal to the sum of the period's entries, and the statement equal to both. What can still
change is shown: a correction appears in the later period that holds it, and a draft compared
by staff is summed live."""

import random

from sqlalchemy import func, select

from backend.extensions import db
from backend.ledger import statements
from backend.ledger.models import CATEGORIES, LedgerEntry, LedgerPeriod

INCOME = [c for c, (d, _label) in CATEGORIES.items() if d == "income"]
EXPENSE = [c for c, (d, _label) in CATEGORIES.items() if d == "expense"]


def _random_entries(rng, month: str, reversible: list[dict]) -> list[dict]:
    rows = []
    for _ in range(rng.randint(1, 6)):
        direction = rng.choice(("income", "expense"))
        rows.append(
            {
                "entry_date": f"{month}-{rng.randint(1, 28):02d}",
                "direction": direction,
                "category": rng.choice(INCOME if direction == "income" else EXPENSE),
                "amount_fen": rng.randint(1, 5_000_000),
            }
        )
    if reversible and rng.random() < 0.7:
        earlier = reversible.pop(rng.randrange(len(reversible)))
        same = {k: earlier[k] for k in ("direction", "category", "amount_fen")}
        rows.append({**same, "entry_date": f"{month}-02", "reverses_entry_id": earlier["id"]})
    return rows


def _statement_totals(ledger, person, period_id) -> tuple[dict, dict | None]:
    body = ledger.get(person, f"/periods/{period_id}/statement").json
    now = {c["category"]: c["total_fen"] for c in body["categories"]}
    before = {c["category"]: c["previous_total_fen"] for c in body["categories"]}
    return now, None if body["previous"] is None else before


def test_frozen_totals_equal_the_entries_and_the_statement(ledger, cast):
    rng = random.Random(2103)
    reversible, published = [], []
    for month in ("2026-03", "2026-04", "2026-05", "2026-06", "2026-07"):
        detail = ledger.publish_period(
            cast, f"{month}-01", entries=_random_entries(rng, month, reversible)
        )
        published.append(detail["id"])
        entries = ledger.get(cast.owner, f"/periods/{detail['id']}/entries?page_size=200").json
        reversible += [
            {k: e[k] for k in ("id", "direction", "category", "amount_fen")}
            for e in entries["items"]
            if e["reverses_entry_id"] is None
        ]
    db.session.expire_all()
    periods = db.session.query(LedgerPeriod).filter(LedgerPeriod.id.in_(published)).all()
    summed = statements._category_totals(published)
    reversals = db.session.scalar(
        select(func.count())
        .select_from(LedgerEntry)
        .where(LedgerEntry.period_id.in_(published), LedgerEntry.reverses_entry_id.is_not(None))
    )
    assert reversals >= 2  # the walk reversed earlier entries, counted against their kind
    for period in periods:
        assert period.category_totals_fen == summed[period.id]
        assert statements.category_totals([period]) == {period.id: summed[period.id]}
    for n, period_id in enumerate(published):
        for person in (cast.owner, cast.chair):
            now, before = _statement_totals(ledger, person, period_id)
            assert now == summed[period_id]
            assert before == (summed[published[n - 1]] if n else None)


def test_a_correction_shows_in_the_later_period_not_in_the_published_one(ledger, cast):
    september = ledger.publish_period(
        cast, "2026-09-01", entries=[{"entry_date": "2026-09-05", "amount_fen": 360000}]
    )
    entry = ledger.get(cast.owner, f"/periods/{september['id']}/entries").json["items"][0]
    october = ledger.open_period(cast.manager, "2026-10-01")
    reversal = ledger.add_entry(
        cast.manager,
        october["id"],
        entry_date="2026-10-02",
        reverses_entry_id=entry["id"],
        amount_fen=360000,
    )
    assert reversal.status_code == 201, reversal.json
    # Staff compare the draft October with September: the reversal is counted live.
    now, before = _statement_totals(ledger, cast.chair, october["id"])
    assert (now["parking"], before["parking"]) == (-360000, 360000)
    assert _statement_totals(ledger, cast.owner, september["id"])[0]["parking"] == 360000
    # A further entry of the draft shows on the next read.
    assert ledger.add_entry(cast.manager, october["id"], amount_fen=100).status_code == 201
    assert _statement_totals(ledger, cast.chair, october["id"])[0]["parking"] == -359900


def test_staff_compare_with_a_draft_summed_live(ledger, cast):
    september = ledger.open_period(cast.manager, "2026-09-01")
    october = ledger.open_period(cast.manager, "2026-10-01")
    assert (
        ledger.add_entry(cast.manager, september["id"], entry_date="2026-09-03").status_code == 201
    )
    assert _statement_totals(ledger, cast.chair, october["id"])[1]["parking"] == 360000
    assert (
        ledger.add_entry(
            cast.manager, september["id"], entry_date="2026-09-04", amount_fen=5
        ).status_code
        == 201
    )
    assert _statement_totals(ledger, cast.chair, october["id"])[1]["parking"] == 360005


def test_a_period_published_before_the_totals_were_frozen_is_summed(ledger, cast):
    published = ledger.publish_period(cast, "2026-09-01")
    period = db.session.get(LedgerPeriod, published["id"])
    expected = statements._category_totals([period.id])
    with db.session.no_autoflush:  # never written: the period is frozen
        period.category_totals_fen = None  # as migration 0024 leaves earlier publications
        assert statements.category_totals([period]) == expected
    db.session.expire(period)
    assert expected[period.id]["parking"] == 360000
