"""A period's statement (totals by category, balances, the comparison with the previous
period) and the estate's hash chain of published statements, recomputed from the rows."""

from sqlalchemy import case, func, select
from sqlalchemy.orm import aliased

from backend.access.scope import get_estate_for, sees_estate
from backend.accounts.models import User
from backend.errors import NotFound
from backend.extensions import db
from backend.ledger import chain
from backend.ledger.access import reads_drafts, roles_on
from backend.ledger.models import CATEGORIES, LedgerEntry, LedgerPeriod, LedgerVoucher
from backend.ledger.models import PeriodStatus as S
from backend.places.models import Estate


def opening_balance(period: LedgerPeriod) -> tuple[int, bool]:
    """The previous period's closing balance, whatever that period's status, and whether every
    earlier period is published (else the page says 上期尚未公示).

    An auditor signs off the opening balance with the rest: taking it from the last
    *published* period would change it once the month before is published. Publication goes
    in date order, so the periods after the last published one are the unpublished ones, and
    their net adds to its closing balance.
    """
    earlier = (
        LedgerPeriod.estate_id == period.estate_id,
        LedgerPeriod.start_date < period.start_date,
    )
    published = db.session.execute(
        select(LedgerPeriod.start_date, LedgerPeriod.closing_balance_fen)
        .where(*earlier, LedgerPeriod.status == S.PUBLISHED)
        .order_by(LedgerPeriod.start_date.desc())
        .limit(1)
    ).first()
    pending = [*earlier, LedgerPeriod.status != S.PUBLISHED]
    if published:
        pending.append(LedgerPeriod.start_date > published.start_date)
    count, net = db.session.execute(
        select(
            func.count(),
            func.coalesce(
                func.sum(LedgerPeriod.income_total_fen - LedgerPeriod.expense_total_fen), 0
            ),
        ).where(*pending)
    ).one()
    return (published.closing_balance_fen if published else 0) + int(net), count == 0


def chain_entries(estate_id: int, period_ids: list[int]) -> dict[int, list[chain.ChainEntry]]:
    """Every entry of the estate's periods, with its vouchers' digests: two queries in all."""
    digests: dict[int, list[str]] = {}
    rows = db.session.execute(
        select(LedgerVoucher.entry_id, LedgerVoucher.sha256)
        .join(LedgerEntry, LedgerEntry.id == LedgerVoucher.entry_id)
        .where(LedgerVoucher.estate_id == estate_id, LedgerEntry.period_id.in_(period_ids))
    )
    for entry_id, digest in rows:
        digests.setdefault(entry_id, []).append(digest)
    result: dict[int, list[chain.ChainEntry]] = {pid: [] for pid in period_ids}
    entries = db.session.execute(
        select(
            LedgerEntry.period_id,
            LedgerEntry.id,
            LedgerEntry.entry_date,
            LedgerEntry.direction,
            LedgerEntry.category,
            LedgerEntry.amount_fen,
            LedgerEntry.counterparty,
            LedgerEntry.description,
            LedgerEntry.reverses_entry_id,
        ).where(LedgerEntry.period_id.in_(period_ids))
    )
    for period_id, eid, day, direction, category, amount, party, text, reverses in entries:
        result[period_id].append(
            chain.ChainEntry(
                eid,
                day.isoformat(),
                direction,
                category,
                amount,
                party,
                text,
                reverses,
                tuple(digests.get(eid, ())),
            )
        )
    return result


def period_document(period: LedgerPeriod, opening: int, entries) -> dict:
    """The canonical statement of ``period`` that the chain hashes."""
    return chain.statement_document(
        period.estate_id,
        period.kind,
        period.start_date.isoformat(),
        period.end_date.isoformat(),
        opening,
        entries,
    )


def verify_chain(estate_id: int) -> dict:
    """Recompute every published statement from its rows and every link from the one before.

    The first period whose stored hashes do not match what its rows add up to is named.
    """
    periods = db.session.scalars(
        select(LedgerPeriod)
        .where(LedgerPeriod.estate_id == estate_id, LedgerPeriod.status == S.PUBLISHED)
        .order_by(LedgerPeriod.chain_seq)
    ).all()
    entries = chain_entries(estate_id, [p.id for p in periods])
    previous_hash, opening = chain.GENESIS, 0
    for seq, period in enumerate(periods, start=1):
        document = period_document(period, opening, entries[period.id])
        broken = None
        if period.chain_seq != seq or period.previous_hash != previous_hash:
            broken = "与上一期的哈希链接不符（账期被删除、替换或调换了顺序）"
        elif period.head_hash != chain.link_hash(previous_hash, document):
            broken = "账目内容与公示时不一致（金额、分录或凭证被改动）"
        elif period.opening_balance_fen != opening or (
            period.closing_balance_fen != document["closing_balance_fen"]
        ):
            broken = "期初或期末余额与分录不符"
        if broken:
            return {
                "ok": False,
                "periods_checked": seq,
                "head_hash": periods[-1].head_hash,
                "broken": {"period_id": period.id, "label": period.label, "reason": broken},
            }
        previous_hash, opening = period.head_hash, document["closing_balance_fen"]
    return {
        "ok": True,
        "periods_checked": len(periods),
        "head_hash": previous_hash if periods else None,
        "broken": None,
    }


def verify_for(user: User, estate_id: int) -> dict:
    get_estate_for(user, estate_id)
    return verify_chain(estate_id)


def _latest_earlier(published_only: bool):
    """A period aliased as "the latest one before LedgerPeriod" (published, if asked), and the
    join condition that finds it."""
    earlier, previous = aliased(LedgerPeriod), aliased(LedgerPeriod)
    latest = (
        select(earlier.id)
        .where(
            earlier.estate_id == LedgerPeriod.estate_id,
            earlier.start_date < LedgerPeriod.start_date,
            *([earlier.status == S.PUBLISHED] if published_only else []),
        )
        .order_by(earlier.start_date.desc())
        .limit(1)
        .correlate(LedgerPeriod)
        .scalar_subquery()
    )
    return previous, previous.id == latest


# Built once per process: an alias proxies every column, which costs more than the query.
_ANY_PREVIOUS, _ANY_ON = _latest_earlier(published_only=False)
_PUBLISHED_PREVIOUS, _PUBLISHED_ON = _latest_earlier(published_only=True)


def _period_and_previous(user: User, estate_id: int, period_id: int):
    """(estate, period, previous period, roles) in one statement: the estate, the period and
    the period before it, both the latest earlier one and the latest earlier published one
    (which of them the caller compares with depends on their roles, known once the estate is).

    :raises NotFound: as ``period_for``.
    """
    row = db.session.execute(
        select(Estate, LedgerPeriod, _ANY_PREVIOUS, _PUBLISHED_PREVIOUS)
        .outerjoin(
            LedgerPeriod, (LedgerPeriod.id == period_id) & (LedgerPeriod.estate_id == Estate.id)
        )
        .outerjoin(_ANY_PREVIOUS, _ANY_ON)
        .outerjoin(_PUBLISHED_PREVIOUS, _PUBLISHED_ON)
        .where(Estate.id == estate_id)
    ).first()
    if row is None or not sees_estate(user, row[0]):
        raise NotFound()
    estate, period, previous, published = row
    roles = roles_on(user, estate)
    if period is None or (not period.is_published and not reads_drafts(roles)):
        raise NotFound("账期不存在或您无权查看")
    return estate, period, previous if reads_drafts(roles) else published, roles


def statement(user: User, estate_id: int, period_id: int) -> dict:
    """Totals by category, balances and the comparison with the previous period: two
    statements when both periods are published (the user, the estate with both periods and
    their frozen totals), three when a total must be summed (a draft, for staff)."""
    estate, period, previous, roles = _period_and_previous(user, estate_id, period_id)
    totals = category_totals([period, *([previous] if previous else [])])
    by_category = totals[period.id]
    previous_totals = totals[previous.id] if previous else None
    opening, previous_published = (
        (period.opening_balance_fen, True) if period.is_published else opening_balance(period)
    )
    income, expense = period.income_total_fen, period.expense_total_fen
    return {
        "period": period,
        "estate_name": estate.name,
        "opening_balance_fen": opening,
        "previous_published": previous_published,
        "income_total_fen": income,
        "expense_total_fen": expense,
        "closing_balance_fen": opening + income - expense,
        "categories": [
            {
                "direction": direction,
                "category": category,
                "label": label,
                "total_fen": by_category[category],
                "previous_total_fen": previous_totals[category] if previous_totals else None,
            }
            for category, (direction, label) in CATEGORIES.items()
        ],
        "previous": previous,
        "head_hash": period.head_hash,
        "previous_hash": period.previous_hash,
    }


def category_totals(periods: list[LedgerPeriod]) -> dict[int, dict[str, int]]:
    """Each period's totals by category: a published period's as frozen at publication (its
    entries can no longer change: corrections are entries of a later period), the others'
    summed from their entries in one statement."""
    live = [p.id for p in periods if not p.is_published or p.category_totals_fen is None]
    totals = _category_totals(live) if live else {}
    for p in periods:
        if p.id not in totals:
            totals[p.id] = {c: int(p.category_totals_fen.get(c, 0)) for c in CATEGORIES}
    return totals


def _category_totals(period_ids: list[int]) -> dict[int, dict[str, int]]:
    """Each period's totals by category, in one statement (an index-only scan of
    ix_ledger_entry_period_totals)."""
    signed = case(
        (LedgerEntry.reverses_entry_id.is_(None), LedgerEntry.amount_fen),
        else_=-LedgerEntry.amount_fen,
    )
    rows = db.session.execute(
        select(LedgerEntry.period_id, LedgerEntry.category, func.sum(signed))
        .where(LedgerEntry.period_id.in_(period_ids))
        .group_by(LedgerEntry.period_id, LedgerEntry.category)
    )
    totals = {period_id: dict.fromkeys(CATEGORIES, 0) for period_id in period_ids}
    for period_id, category, total in rows:
        totals[period_id][category] = int(total)
    return totals


def statement_entries(period_id: int) -> list[LedgerEntry]:
    """Every entry of a period in statement order (for exports of a period already checked)."""
    return db.session.scalars(
        select(LedgerEntry)
        .where(LedgerEntry.period_id == period_id)
        .order_by(LedgerEntry.entry_date, LedgerEntry.id)
    ).all()
