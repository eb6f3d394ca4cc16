"""The estate's hash chain of published statements.

Each publication hashes the canonical JSON of its statement together with the previous
link's hash, so changing any published amount, date, text or voucher — or dropping or
reordering a period — changes every later hash. Nothing here touches the database: the
same functions serve publication, the verify endpoint and the command-line verifier.
"""

import hashlib
import json
from dataclasses import dataclass

from backend.ledger.models import CATEGORIES, Direction

GENESIS = "0" * 64


@dataclass(frozen=True)
class ChainEntry:
    id: int
    entry_date: str  # ISO date
    direction: str
    category: str
    amount_fen: int
    counterparty: str
    description: str
    reverses_entry_id: int | None
    voucher_sha256: tuple[str, ...]

    @property
    def signed_amount_fen(self) -> int:
        return -self.amount_fen if self.reverses_entry_id else self.amount_fen


def totals(entries) -> dict:
    """Income, expense and per-category totals in fen; reversals count against their kind."""
    by_category = dict.fromkeys(CATEGORIES, 0)
    for entry in entries:
        by_category[entry.category] += entry.signed_amount_fen
    income = sum(v for k, v in by_category.items() if CATEGORIES[k][0] == Direction.INCOME)
    expense = sum(v for k, v in by_category.items() if CATEGORIES[k][0] == Direction.EXPENSE)
    return {"income": income, "expense": expense, "by_category": by_category}


def statement_document(
    estate_id: int, kind: str, start: str, end: str, opening_fen: int, entries
) -> dict:
    """What a published statement commits to: the period, every entry (sorted, fen) with
    its vouchers' digests, and the totals and balances they add up to."""
    entries = sorted(entries, key=lambda e: (e.entry_date, e.id))
    sums = totals(entries)
    return {
        "estate_id": estate_id,
        "period": {"kind": kind, "start_date": start, "end_date": end},
        "opening_balance_fen": opening_fen,
        "income_total_fen": sums["income"],
        "expense_total_fen": sums["expense"],
        "closing_balance_fen": opening_fen + sums["income"] - sums["expense"],
        "categories": sums["by_category"],
        "entries": [
            {
                "id": e.id,
                "date": e.entry_date,
                "direction": e.direction,
                "category": e.category,
                "amount_fen": e.amount_fen,
                "counterparty": e.counterparty,
                "description": e.description,
                "reverses_entry_id": e.reverses_entry_id,
                "vouchers": sorted(e.voucher_sha256),
            }
            for e in entries
        ],
    }


def canonical_json(document: dict) -> bytes:
    """One byte string per document: sorted keys, no spaces, UTF-8, integers only."""
    return json.dumps(
        document, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False
    ).encode()


def link_hash(previous_hash: str, document: dict) -> str:
    return hashlib.sha256(previous_hash.encode() + b"\n" + canonical_json(document)).hexdigest()
