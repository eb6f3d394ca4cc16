"""Paying for an accepted repair out of the fund.

A payment is refused unless the project is accepted and still authorised (approvals.problem:
a passed vote of the bearing owners, or the three emergency sign-offs with the owners told),
and it names at least one voucher. It is booked as one movement of the fund's hash chain, its
vouchers' digests included, apportioned to the bearing units by area in exact fen
(apportion.py: largest remainder, ties by unit id). A unit may not go below zero unless the
committee member paying records why (who and why are kept on the payment)."""

from sqlalchemy import select

from backend.accounts.models import User
from backend.common.clock import utcnow
from backend.common.money import format_fen
from backend.common.unit_of_work import unit_of_work
from backend.errors import Conflict, ValidationFailed
from backend.extensions import db
from backend.funds import accounts, approvals, chain, events
from backend.funds.access import COMMITTEE_ROLES, project_for, require
from backend.funds.apportion import apportion
from backend.funds.models import (
    DocumentKind,
    FundAllocation,
    FundMovement,
    MovementKind,
    ProjectStatus,
    RepairDocument,
    RepairPayment,
)
from backend.places.models import Unit


@unit_of_work
def pay(user: User, estate_id: int, project_id: int, args: dict) -> RepairPayment:
    """Book a payment for the project; see the module docstring.

    :raises Conflict: not accepted, not authorised, more than the budget left, or a unit
        would go below zero without a recorded reason (``fields.units`` names them).
    :raises ValidationFailed: no voucher, or vouchers that are not this project's unused ones.
    """
    _estate, project, roles = project_for(user, estate_id, project_id, lock=True)
    role = require(roles, COMMITTEE_ROLES, "只有业委会可以支付维修资金")
    if project.status != ProjectStatus.ACCEPTED:
        raise Conflict(f"项目{project.status_label}，竣工验收后才能支付")
    reason = approvals.problem(project, paying=True)
    if reason:
        raise Conflict(f"未经业主表决通过或应急签批，不能动用维修资金：{reason}")
    amount = args["amount_fen"]
    left = project.budget_fen - project.paid_fen
    if amount > left:
        raise Conflict(
            f"支付金额超过预算余额（{format_fen(left)}）", fields={"amount_fen": ["超过预算余额"]}
        )
    vouchers = _vouchers(project.id, set(args["voucher_ids"]))
    fund = accounts.lock_fund(project.estate_id)
    areas = {u.unit_id: u.area_dm2 for u in project.units}
    shares = apportion(-amount, areas)
    balances = accounts.unit_balances(fund.id, areas)
    below = sorted(uid for uid in areas if balances.get(uid, 0) + shares[uid] < 0)
    overdraft = (args.get("overdraft_reason") or "").strip() or None
    if below and overdraft is None:
        labels = _labels(below)
        raise Conflict(
            f"{len(below)} 户房屋的维修资金余额不足，支付后将为负数；如确需支付，请写明理由",
            fields={"units": [labels[u] for u in below]},
        )
    movement = FundMovement(
        estate_id=project.estate_id,
        kind=MovementKind.PAYMENT,
        occurred_on=args["paid_on"],
        amount_fen=-amount,
        description=f"{project.title}（{args['payee']}）"[:200],
        project_id=project.id,
        created_by_id=user.id,
    )
    chain.append(fund, movement, shares, [v.sha256 for v in vouchers])
    payment = RepairPayment(
        project_id=project.id,
        estate_id=project.estate_id,
        amount_fen=amount,
        paid_on=args["paid_on"],
        payee=args["payee"],
        movement_id=movement.id,
        overdraft_reason=overdraft if below else None,
        overdraft_by_id=user.id if below else None,
        overdraft_units=below or None,
        created_by_id=user.id,
    )
    db.session.add(payment)
    db.session.flush()
    for voucher in vouchers:
        voucher.payment_id = payment.id
    before = project.status
    project.paid_fen += amount
    if args.get("final", True):
        project.status, project.paid_at = ProjectStatus.PAID, utcnow()
    db.session.flush()
    events.record(
        project,
        "pay",
        user,
        role,
        before,
        note=overdraft if below else None,
        data={
            "payment_id": payment.id,
            "amount_fen": amount,
            "hash": movement.hash,
            "chain_seq": movement.chain_seq,
            "units": len(areas),
            "overdraft_units": below,
        },
        topic=events.PAID,
    )
    return payment


def _vouchers(project_id: int, ids: set[int]) -> list[RepairDocument]:
    if not ids:
        raise ValidationFailed("请上传付款凭证", fields={"voucher_ids": ["至少一份付款凭证"]})
    rows = db.session.scalars(
        select(RepairDocument).where(
            RepairDocument.id.in_(ids),
            RepairDocument.project_id == project_id,
            RepairDocument.kind == DocumentKind.VOUCHER,
            RepairDocument.payment_id.is_(None),
        )
    ).all()
    if len(rows) != len(ids):
        raise ValidationFailed(
            "付款凭证不存在或已用于其他支付", fields={"voucher_ids": ["凭证无效"]}
        )
    return sorted(rows, key=lambda r: r.id)


def _labels(unit_ids) -> dict[int, str]:
    return {u.id: u.label for u in db.session.scalars(select(Unit).where(Unit.id.in_(unit_ids)))}


def payment_detail(payment: RepairPayment, only_units=None) -> dict:
    """The payment with its chain link and its split over units (and the balances now); given
    ``only_units`` (an owner's), the split shows those units alone."""
    movement = db.session.get(FundMovement, payment.movement_id)
    shares = dict(
        db.session.execute(
            select(FundAllocation.unit_id, FundAllocation.amount_fen).where(
                FundAllocation.movement_id == movement.id
            )
        ).all()
    )
    if only_units is not None:
        shares = {u: fen for u, fen in shares.items() if u in only_units}
    after = accounts.unit_balances(movement.fund_id, shares)
    units = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(list(shares))))}
    vouchers = db.session.scalars(
        select(RepairDocument.id).where(RepairDocument.payment_id == payment.id)
    ).all()
    return {
        "payment": payment,
        "hash": movement.hash,
        "previous_hash": movement.previous_hash,
        "chain_seq": movement.chain_seq,
        "voucher_ids": list(vouchers),
        "allocations": [
            {
                "unit_id": uid,
                "label": units[uid].label,
                "area_dm2": units[uid].area_dm2,
                "amount_fen": fen,
                "balance_after_fen": after.get(uid, 0),
            }
            for uid, fen in sorted(shares.items())
        ],
    }
