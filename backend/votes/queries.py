"""What people read about motions: the motion as the caller sees it (turnout while open, the
result once closed, their own ballot), lists, and an owner's ballots."""

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from backend.access.scope import sees_estate
from backend.accounts.models import User
from backend.common.clock import as_utc, utcnow
from backend.common.pagination import Page, paginate
from backend.errors import Forbidden, NotFound
from backend.extensions import db
from backend.places.models import Estate
from backend.votes import lifecycle, rules, services, turnout
from backend.votes.models import (
    CHOICE_LABELS,
    NEWEST_FIRST,
    STATUS_LABELS,
    Ballot,
    Elector,
    ElectorUnit,
    ElectorUser,
    Motion,
    MotionStatus,
)

S = MotionStatus
# The developer may hold hundreds of unsold units: a roll row names the first few.
UNIT_LABELS_SHOWN = 20
ORGANISER_LABELS = {"committee": "业主委员会", "community": "社区居委会"}


def turnouts(motion_ids: list[int]) -> dict[int, rules.Count]:
    """Turnout of several open motions from their counters, in one grouped query."""
    return turnout.of(motion_ids)


def turnout_of(motion: Motion, counted: dict[int, rules.Count]) -> rules.Count:
    """A closed motion's turnout from its stored tally (its ballots never change again);
    an open one's from ``counted`` (see ``turnouts``)."""
    if motion.status == S.CLOSED and motion.tally:
        return sum((rules.Count(**c) for c in motion.tally.values()), rules.Count())
    return counted.get(motion.id, rules.Count())


def _caller_and_turnout(user: User, motion_ids: list[int]):
    """For each motion: its counted turnout, whether the caller is one of its electors, and
    their elector's ballot (a co-owner sees the shared ballot), in one statement.

    Returns ({motion id: turnout}, {motion ids the caller is an elector of},
    {motion id: ballot}).
    """
    if not motion_ids:
        return {}, set(), {}
    owners, area = turnout.counted(Motion.id)
    rows = db.session.execute(
        select(Motion.id, owners, area, ElectorUser.id, Ballot)
        .select_from(Motion)
        .outerjoin(
            ElectorUser, (ElectorUser.motion_id == Motion.id) & (ElectorUser.user_id == user.id)
        )
        .outerjoin(
            Ballot,
            (Ballot.elector_id == ElectorUser.elector_id) & (Ballot.motion_id == Motion.id),
        )
        .where(Motion.id.in_(motion_ids))
    ).all()
    counted = {m: rules.Count(int(o), int(a)) for m, o, a, _e, _b in rows}
    electors = {m for m, _o, _a, e, _b in rows if e is not None}
    return counted, electors, {m: b for m, _o, _a, _e, b in rows if b is not None}


def ballot_view(ballot: Ballot) -> dict:
    return {
        "choice": ballot.choice,
        "choice_label": CHOICE_LABELS[ballot.choice],
        "cast_at": ballot.cast_at,
        "channel": ballot.channel,
        "channel_label": services.CHANNELS[ballot.channel],
    }


def result_of(motion: Motion) -> dict | None:
    outcome = services.outcome_of(motion)
    if outcome is None:
        return None
    tally = motion.tally or {}
    counts = {c: rules.Count(**tally.get(c, {})) for c in ("yes", "no", "abstain")}
    voting = counts["yes"] + counts["no"] + counts["abstain"]
    return {
        "quorum_met": outcome.quorum_met,
        "passed": outcome.passed,
        "outcome": outcome.code,
        "outcome_label": rules.OUTCOME_LABELS[outcome.code],
        "total": rules.Count(motion.owners_total or 0, motion.area_total_dm2 or 0).as_dict(),
        "participating": voting.as_dict(),
        **{choice: count.as_dict() for choice, count in counts.items()},
    }


def _outcome_label(motion: Motion) -> str | None:
    outcome = services.outcome_of(motion)
    return rules.OUTCOME_LABELS[outcome.code] if outcome else None


def _block_reason(motion: Motion, is_elector: bool, ballot: Ballot | None) -> str | None:
    if motion.status != S.OPEN or utcnow() >= as_utc(motion.closes_at):
        return services.NOT_OPEN.get(motion.status, services.NOT_OPEN[S.CLOSED])
    if ballot is not None:
        return "您已投票，表决票一经提交不可更改"
    if not is_elector and motion.building_ids:
        return "本次表决仅由承担费用楼栋的业主参与，您的房屋不在其中（或投票开始时尚未认证）"
    if not is_elector:
        return "您在投票开始时不是本小区的认证业主，不能参与本次表决"
    return None


def _view(motion, turnout, ballot, is_elector, can_manage, can_organise=False) -> dict:
    reason = _block_reason(motion, is_elector, ballot)
    shows_turnout = motion.status in (S.OPEN, S.CLOSED)
    turnout = turnout or rules.Count()
    return {
        "motion": motion,
        "estate_name": motion.estate.name,
        "matter_label": rules.MATTERS[motion.matter],
        "threshold": rules.threshold(motion.matter),
        "threshold_label": rules.THRESHOLD_LABELS[rules.threshold(motion.matter)],
        "status_label": STATUS_LABELS[motion.status],
        "organiser_label": ORGANISER_LABELS[motion.organiser],
        "turnout": {
            "owners_total": motion.owners_total or 0,
            "owners_voted": turnout.owners,
            "area_total_dm2": motion.area_total_dm2 or 0,
            "area_voted_dm2": turnout.area_dm2,
        }
        if shows_turnout
        else None,
        "result": result_of(motion),
        "my_ballot": ballot_view(ballot) if ballot else None,
        "can_vote": reason is None,
        "vote_block_reason": reason if is_elector or motion.status == S.OPEN else None,
        "can_manage": can_manage,
        "can_organise": can_organise,
    }


def _can_manage(user: User, estate) -> bool:
    return bool(services.organiser_of(user, estate)) or services.supervises(user, estate)


def detail(user: User, motion_id: int) -> dict:
    """The motion as the caller sees it.

    :raises NotFound: unknown, or outside the user's scope.
    """
    motion = services.visible_motion(user, motion_id)
    counted, electors, ballots = _caller_and_turnout(user, [motion.id])
    return _view(
        motion,
        turnout_of(motion, counted),
        ballots.get(motion.id),
        motion.id in electors,
        _can_manage(user, motion.estate),
        services.organiser_of(user, motion.estate) is not None,
    )


def list_for_estate(user: User, estate_id: int, status, page: int, page_size: int) -> Page:
    """The estate's motions, newest announcement first, each with turnout and the caller's
    ballot: four statements (the user; the estate with the count and whether any motion is
    due to move; the page with its documents; the turnouts with the caller's ballots), two
    more when a motion had to be moved first.

    :raises NotFound: the estate is outside the user's scope.
    """
    listed = [Motion.estate_id == estate_id, *([Motion.status == status] if status else [])]
    estate, total, due = _estate_and_count(estate_id, listed)
    if estate is None or not sees_estate(user, estate):
        raise NotFound()
    if due:
        lifecycle.catch_up(Motion.estate_id == estate_id)
        estate, total, _due = _estate_and_count(estate_id, listed)
    rows = (
        db.session.execute(
            select(Motion)
            .options(joinedload(Motion.attachments))
            .where(*listed)
            .order_by(*NEWEST_FIRST)
            .limit(page_size)
            .offset((page - 1) * page_size)
        )
        .unique()
        .scalars()
        .all()
    )
    counts, electors, ballots = _caller_and_turnout(user, [m.id for m in rows])
    manage = _can_manage(user, estate)
    items = [
        _view(m, turnout_of(m, counts), ballots.get(m.id), m.id in electors, manage) for m in rows
    ]
    return Page(items=items, page=page, page_size=page_size, total=total)


def _estate_and_count(estate_id: int, listed: list):
    """(the estate or None, motions matching ``listed``, motions of the estate due to move),
    in one statement. (A motion's ``estate`` is then found in the session, not read again.)"""
    row = db.session.execute(
        select(
            Estate,
            func.count(Motion.id).filter(*listed),
            func.count(Motion.id).filter(lifecycle.lagging(utcnow())),
        )
        .outerjoin(Motion, Motion.estate_id == Estate.id)
        .where(Estate.id == estate_id)
        .group_by(Estate.id)
    ).first()
    return (row[0], row[1], row[2]) if row else (None, 0, 0)


def ballots_of(user: User, page: int, page_size: int) -> Page:
    """Ballots of the electors the user belongs to (cast by them or a co-owner), newest cast
    first. A person's ballots are a handful reached through ElectorUser's user index, so they
    are sorted after the join; no index on ballot could serve a filter on another table."""
    query = (
        select(Ballot)
        .join(
            ElectorUser,
            (ElectorUser.elector_id == Ballot.elector_id)
            & (ElectorUser.motion_id == Ballot.motion_id),
        )
        .options(joinedload(Ballot.motion).joinedload(Motion.estate))
        .where(ElectorUser.user_id == user.id)
        .order_by(Ballot.cast_at.desc(), Ballot.id.desc())
    )
    result = paginate(query, page, page_size)
    result.items = [
        {
            **ballot_view(b),
            "motion": {
                "motion": b.motion,
                "estate_name": b.motion.estate.name,
                "status_label": STATUS_LABELS[b.motion.status],
                "outcome_label": _outcome_label(b.motion),
            },
        }
        for b in result.items
    ]
    return result


def electors(user: User, motion_id: int, q: str, page: int, page_size: int) -> Page:
    """The motion's eligibility snapshot with who has voted (not how), for the organiser's
    paper-ballot entry and for supervisors.

    :raises NotFound: unknown motion, or outside the user's scope.
    :raises Forbidden: the user neither organises nor supervises votes on the estate.
    """
    motion = services.visible_motion(user, motion_id)
    if not (services.supervises(user, motion.estate) or services.organiser_of(user, motion.estate)):
        raise Forbidden("只有业主委员会、社区和主管部门可以查看表决名册")
    voted = select(Ballot.id).where(Ballot.elector_id == Elector.id).exists()
    query = (
        select(Elector, voted.label("voted"))
        .where(Elector.motion_id == motion.id)
        .order_by(Elector.id)
    )
    if q:
        units = select(ElectorUnit.elector_id).where(
            ElectorUnit.motion_id == motion.id, ElectorUnit.unit_label.contains(q)
        )
        query = query.where(Elector.label.contains(q) | Elector.id.in_(units))
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = db.session.execute(query.limit(page_size).offset((page - 1) * page_size)).all()
    units: dict[int, list[str]] = {}
    for elector_id, label in db.session.execute(
        select(ElectorUnit.elector_id, ElectorUnit.unit_label)
        .where(ElectorUnit.elector_id.in_([e.id for e, _v in rows]))
        .order_by(ElectorUnit.id)
    ):
        units.setdefault(elector_id, []).append(label)
    items = [
        {
            "id": e.id,
            "kind": e.kind,
            "label": e.label,
            "area_dm2": e.area_dm2,
            "unit_count": e.unit_count,
            "unit_labels": units.get(e.id, [])[:UNIT_LABELS_SHOWN],
            "voted": bool(v),
        }
        for e, v in rows
    ]
    return Page(items=items, page=page, page_size=page_size, total=total or 0)
