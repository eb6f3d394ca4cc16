"""A period's entries: adding them (one by one or from an .xlsx sheet) to a draft, changing,
deleting and reading them; reversals of entries already published."""

from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from backend.accounts.models import User
from backend.common.pagination import Page, paginate
from backend.common.unit_of_work import unit_of_work
from backend.errors import Conflict, InvalidTransition, ValidationFailed
from backend.extensions import db
from backend.ledger.access import (
    PREPARER_ROLES,
    VOUCHER_READER_ROLES,
    entry_for,
    period_for,
    require_role,
)
from backend.ledger.models import (
    CATEGORIES,
    LedgerEntry,
    LedgerPeriod,
    LedgerQuestion,
    LedgerVoucher,
)
from backend.ledger.models import PeriodStatus as S
from backend.ledger.periods import flush_or_conflict


def _editable(user: User, estate_id: int, period_id: int):
    """The draft period, locked, and the role by which the user may change it."""
    _estate, period, roles = period_for(user, estate_id, period_id, lock=True)
    return period, _require_draft(period, roles)


def editable_entry(user: User, estate_id: int, entry_id: int):
    """(period, entry) of an entry the user may change; the period row is locked."""
    _estate, period, entry, roles = entry_for(user, estate_id, entry_id, lock=True)
    _require_draft(period, roles)
    return period, entry


def _require_draft(period: LedgerPeriod, roles: set[str]) -> str:
    role = require_role(roles, PREPARER_ROLES, "只有业委会或物业可以编制账目")
    if period.status != S.DRAFT:
        raise InvalidTransition(
            "账期已提交或公示，不能修改；已公示的账目请在之后的账期中冲销"
            if period.is_published
            else f"账期{period.status_label}，请退回草稿后再修改"
        )
    return role


def _check_entry(period: LedgerPeriod, values: dict) -> dict:
    """Validate one entry's fields against its period; returns them ready to store.

    :raises ValidationFailed: with the offending fields.
    """
    errors = {}
    if not period.start_date <= values["entry_date"] < period.end_date:
        errors["entry_date"] = [f"日期应在账期（{period.label}）之内"]
    direction, _label = CATEGORIES.get(values["category"], (None, None))
    if direction is None:
        errors["category"] = ["未知的类别"]
    elif direction != values["direction"]:
        errors["category"] = ["类别与收支方向不符"]
    reverses_id = values.get("reverses_entry_id")
    if reverses_id:
        original = db.session.get(LedgerEntry, reverses_id)
        original_period = original and db.session.get(LedgerPeriod, original.period_id)
        if (
            original is None
            or original.estate_id != period.estate_id
            or not original_period.is_published
        ):
            errors["reverses_entry_id"] = ["只能冲销本小区已公示的分录"]
        elif original_period.end_date > period.start_date:
            errors["reverses_entry_id"] = ["冲销分录应记在原分录之后的账期"]
        elif original.reverses_entry_id:
            errors["reverses_entry_id"] = ["冲销分录不能再被冲销"]
        elif (original.direction, original.category, original.amount_fen) != (
            values["direction"],
            values["category"],
            values["amount_fen"],
        ):
            errors["reverses_entry_id"] = ["冲销分录的收支、类别和金额应与原分录一致"]
    if errors:
        raise ValidationFailed(fields=errors)
    return {
        **values,
        "counterparty": (values.get("counterparty") or "").strip(),
        "description": values["description"].strip(),
    }


def _refresh_totals(period: LedgerPeriod) -> None:
    signed = case(
        (LedgerEntry.reverses_entry_id.is_(None), LedgerEntry.amount_fen),
        else_=-LedgerEntry.amount_fen,
    )
    count, income, expense = db.session.execute(
        select(
            func.count(LedgerEntry.id),
            func.coalesce(func.sum(case((LedgerEntry.direction == "income", signed))), 0),
            func.coalesce(func.sum(case((LedgerEntry.direction == "expense", signed))), 0),
        ).where(LedgerEntry.period_id == period.id)
    ).one()
    period.entry_count, period.income_total_fen, period.expense_total_fen = count, income, expense


def _store_entries(user: User, period: LedgerPeriod, rows: list[dict]) -> list[LedgerEntry]:
    entries = [
        LedgerEntry(estate_id=period.estate_id, period_id=period.id, created_by_id=user.id, **row)
        for row in rows
    ]
    try:
        db.session.add_all(entries)
        db.session.flush()
        _refresh_totals(period)
        db.session.flush()
    except IntegrityError:
        raise Conflict("原分录已被冲销过") from None
    except StaleDataError:
        raise Conflict("账期刚被他人修改，请刷新后重试") from None
    return entries


@unit_of_work
def add_entry(user: User, estate_id: int, period_id: int, values: dict) -> LedgerEntry:
    period, _role = _editable(user, estate_id, period_id)
    if values.get("reverses_entry_id") and db.session.scalar(
        select(LedgerEntry.id).where(LedgerEntry.reverses_entry_id == values["reverses_entry_id"])
    ):
        raise Conflict("原分录已被冲销过")
    (entry,) = _store_entries(user, period, [_check_entry(period, values)])
    return _entry_with_counts(entry)


@unit_of_work
def import_entries(user: User, estate_id: int, period_id: int, stream) -> dict:
    """Add every row of an .xlsx sheet, or none: any bad row fails the whole import."""
    from backend.ledger import imports

    period, _role = _editable(user, estate_id, period_id)
    rows, errors = imports.read_rows(stream)
    checked = []
    for line, values in rows:
        try:
            checked.append(_check_entry(period, values))
        except ValidationFailed as error:
            errors[str(line)] = [m for ms in error.fields.values() for m in ms]
    if errors:
        raise ValidationFailed(
            f"表格中有 {len(errors)} 行有误，未导入任何分录，请修改后重新上传",
            fields={"rows": errors},
        )
    if not checked:
        raise ValidationFailed("表格中没有分录", fields={"file": ["表格中没有分录"]})
    _store_entries(user, period, checked)
    return {"imported": len(checked)}


@unit_of_work
def update_entry(user: User, estate_id: int, entry_id: int, changes: dict) -> LedgerEntry:
    period, entry = editable_entry(user, estate_id, entry_id)
    current = {
        k: getattr(entry, k)
        for k in (
            "entry_date",
            "direction",
            "category",
            "amount_fen",
            "counterparty",
            "description",
            "reverses_entry_id",
        )
    }
    for key, value in _check_entry(period, {**current, **changes}).items():
        setattr(entry, key, value)
    db.session.flush()
    _refresh_totals(period)
    flush_or_conflict()
    return _entry_with_counts(entry)


@unit_of_work
def delete_entry(user: User, estate_id: int, entry_id: int) -> None:
    period, entry = editable_entry(user, estate_id, entry_id)
    db.session.execute(LedgerVoucher.__table__.delete().where(LedgerVoucher.entry_id == entry.id))
    db.session.delete(entry)
    db.session.flush()
    _refresh_totals(period)
    flush_or_conflict()


def list_entries(user: User, estate_id: int, period_id: int, page: int, page_size: int) -> Page:
    _estate, period, _roles = period_for(user, estate_id, period_id)
    query = (
        select(LedgerEntry)
        .where(LedgerEntry.period_id == period.id)
        .order_by(LedgerEntry.entry_date, LedgerEntry.id)
    )
    result = paginate(query, page, page_size)
    _add_counts(result.items)
    return result


def _add_counts(entries: list[LedgerEntry]) -> None:
    """voucher_count, question_count and reversed_by_entry_id for a page, in three queries."""
    ids = [e.id for e in entries]

    def counts(model, column):
        rows = db.session.execute(
            select(column, func.count()).where(column.in_(ids)).group_by(column)
        )
        return dict(rows.all())

    voucher_counts = counts(LedgerVoucher, LedgerVoucher.entry_id)
    question_counts = counts(LedgerQuestion, LedgerQuestion.entry_id)
    reversed_by = dict(
        db.session.execute(
            select(LedgerEntry.reverses_entry_id, LedgerEntry.id).where(
                LedgerEntry.reverses_entry_id.in_(ids)
            )
        ).all()
    )
    for entry in entries:
        entry.voucher_count = voucher_counts.get(entry.id, 0)
        entry.question_count = question_counts.get(entry.id, 0)
        entry.reversed_by_entry_id = reversed_by.get(entry.id)


def _entry_with_counts(entry: LedgerEntry) -> LedgerEntry:
    _add_counts([entry])
    return entry


def entry_detail(user: User, estate_id: int, entry_id: int) -> LedgerEntry:
    _estate, _period, entry, roles = entry_for(user, estate_id, entry_id)
    _add_counts([entry])
    entry.vouchers_hidden = not roles & set(VOUCHER_READER_ROLES)
    return entry
