"""Vouchers: what one may be (a photo of a receipt or invoice, or a PDF, checked by content),
attaching them to a draft's entries, and who may read them."""

from sqlalchemy import func, select

from backend.access.scope import get_estate_for
from backend.accounts.models import User
from backend.common import uploads
from backend.common.unit_of_work import unit_of_work
from backend.errors import Forbidden, NotFound, ValidationFailed
from backend.extensions import db
from backend.ledger.access import VOUCHER_READER_ROLES, entry_for
from backend.ledger.entries import editable_entry
from backend.ledger.models import LedgerVoucher

SUFFIXES = (".jpg", ".jpeg", ".png", ".pdf")
MAX_BYTES = 10 * 1024 * 1024
MAX_VOUCHERS_PER_ENTRY = 20


def keep(filename: str, data: bytes) -> dict:
    """The stored voucher's file columns; see backend.common.uploads.keep."""
    return uploads.keep(filename, data, SUFFIXES, "JPG、PNG、PDF", MAX_BYTES)


@unit_of_work
def upload_voucher(user: User, estate_id: int, entry_id: int, filename, data) -> LedgerVoucher:
    _period_row, entry = editable_entry(user, estate_id, entry_id)
    count = db.session.scalar(
        select(func.count()).select_from(LedgerVoucher).where(LedgerVoucher.entry_id == entry.id)
    )
    if count >= MAX_VOUCHERS_PER_ENTRY:
        raise ValidationFailed(f"每笔分录最多 {MAX_VOUCHERS_PER_ENTRY} 个凭证")
    voucher = LedgerVoucher(
        estate_id=entry.estate_id,
        entry_id=entry.id,
        uploaded_by_id=user.id,
        **keep(filename, data),
    )
    db.session.add(voucher)
    db.session.flush()
    return voucher


def voucher(user: User, estate_id: int, voucher_id: int) -> LedgerVoucher:
    """A voucher of an entry the user may see, if the user may see vouchers at all."""
    row = db.session.scalar(
        select(LedgerVoucher).where(
            LedgerVoucher.id == voucher_id, LedgerVoucher.estate_id == estate_id
        )
    )
    if row is None:
        get_estate_for(user, estate_id)
        raise NotFound("凭证不存在")
    _estate, _period, _entry_row, roles = entry_for(user, estate_id, row.entry_id)
    if not roles & set(VOUCHER_READER_ROLES):
        raise Forbidden("凭证仅对已认证业主和工作人员开放")
    return row
