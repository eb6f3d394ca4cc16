"""The fund's hash chain: every movement (an imported statement line or a payment) is one
link, hashed with the ledger's own functions (``backend.ledger.chain``) over the canonical JSON
of the movement, its split over units and its vouchers' digests, together with the previous
link's hash. Changing any amount, share, date or voucher, or dropping or reordering a movement,
breaks every later link; ``verify`` recomputes the chain from the rows and names the first
broken one."""

from sqlalchemy import select

from backend.extensions import db
from backend.funds.models import (
    FundAllocation,
    FundMovement,
    MaintenanceFund,
    RepairDocument,
    RepairPayment,
)
from backend.ledger import chain as ledger_chain
from backend.places.models import Unit

GENESIS = ledger_chain.GENESIS


def document(movement: FundMovement, allocations: dict[int, int], vouchers) -> dict:
    """What a link commits to (integers and strings only, so the JSON is canonical)."""
    return {
        "estate_id": movement.estate_id,
        "chain_seq": movement.chain_seq,
        "kind": movement.kind,
        "date": movement.occurred_on.isoformat(),
        "amount_fen": movement.amount_fen,
        "building_id": movement.building_id,
        "unit_id": movement.unit_id,
        "project_id": movement.project_id,
        "description": movement.description,
        "allocations": [[unit_id, fen] for unit_id, fen in sorted(allocations.items())],
        "vouchers": sorted(vouchers),
    }


def append(
    fund: MaintenanceFund, movement: FundMovement, allocations: dict[int, int], vouchers=()
) -> FundMovement:
    """Make ``movement`` the fund's next link and write its allocations; the caller holds the
    fund's row lock (``accounts.lock_fund``) and adds ``movement`` in its transaction."""
    if sum(allocations.values()) != movement.amount_fen:
        raise ValueError("allocations must add up to the movement")
    movement.fund_id = fund.id
    movement.chain_seq = fund.chain_length + 1
    movement.previous_hash = fund.head_hash or GENESIS
    movement.hash = ledger_chain.link_hash(
        movement.previous_hash, document(movement, allocations, vouchers)
    )
    db.session.add(movement)
    db.session.flush()
    building_of = _buildings(allocations)
    db.session.add_all(
        FundAllocation(
            fund_id=fund.id,
            movement_id=movement.id,
            unit_id=unit_id,
            building_id=building_of[unit_id],
            amount_fen=fen,
        )
        for unit_id, fen in allocations.items()
    )
    fund.chain_length = movement.chain_seq
    fund.head_hash = movement.hash
    fund.balance_fen += movement.amount_fen
    db.session.flush()
    return movement


def _buildings(allocations: dict[int, int]) -> dict[int, int]:
    rows = db.session.execute(
        select(Unit.id, Unit.building_id).where(Unit.id.in_(list(allocations)))
    )
    return dict(rows.tuples().all())


def verify(fund: MaintenanceFund) -> dict:
    """Recompute every link from its rows; the first whose hash or link does not hold is named."""
    movements = db.session.scalars(
        select(FundMovement).where(FundMovement.fund_id == fund.id).order_by(FundMovement.chain_seq)
    ).all()
    shares: dict[int, dict[int, int]] = {m.id: {} for m in movements}
    for movement_id, unit_id, fen in db.session.execute(
        select(FundAllocation.movement_id, FundAllocation.unit_id, FundAllocation.amount_fen).where(
            FundAllocation.fund_id == fund.id
        )
    ):
        shares[movement_id][unit_id] = fen
    digests: dict[int, list[str]] = {}
    for movement_id, digest in db.session.execute(
        select(RepairPayment.movement_id, RepairDocument.sha256)
        .join(RepairDocument, RepairDocument.payment_id == RepairPayment.id)
        .join(FundMovement, FundMovement.id == RepairPayment.movement_id)
        .where(FundMovement.fund_id == fund.id)
    ):
        digests.setdefault(movement_id, []).append(digest)
    previous, balance = GENESIS, 0
    for seq, movement in enumerate(movements, start=1):
        broken = None
        allocations = shares[movement.id]
        if movement.chain_seq != seq or movement.previous_hash != previous:
            broken = "与上一笔的哈希链接不符（记录被删除、替换或调换了顺序）"
        elif movement.hash != ledger_chain.link_hash(
            previous, document(movement, allocations, digests.get(movement.id, ()))
        ):
            broken = "记录内容与入账时不一致（金额、分摊或凭证被改动）"
        elif sum(allocations.values()) != movement.amount_fen:
            broken = "分摊合计与金额不符"
        if broken:
            return {
                "ok": False,
                "links_checked": seq,
                "head_hash": fund.head_hash,
                "broken": {"movement_id": movement.id, "chain_seq": seq, "reason": broken},
                "movement_ids": [],
            }
        previous, balance = movement.hash, balance + movement.amount_fen
    if fund.head_hash not in (None, previous) or (movements and balance != fund.balance_fen):
        return {
            "ok": False,
            "links_checked": len(movements),
            "head_hash": fund.head_hash,
            "broken": {"movement_id": None, "chain_seq": None, "reason": "链头或余额与记录不符"},
            "movement_ids": [],
        }
    return {
        "ok": True,
        "links_checked": len(movements),
        "head_hash": previous if movements else None,
        "broken": None,
        "movement_ids": [m.id for m in movements],
    }
