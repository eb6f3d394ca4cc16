"""Consents to subscribe messages, and reaching a person only through one.

The mini-program asks at a moment (a tap), WeChat answers per template ``accept``, ``reject``,
``ban`` or ``filter``, and the answer is posted here. A message to one person is queued only
by spending one accepted consent of its template, in the transaction of the fact it tells;
without one it goes to the estate's group instead (facts the group may hear) or is recorded
as dropped with the reason, and never reaches WeChat to be refused with 43101.
"""

from collections import Counter
from collections.abc import Callable, Iterable

from sqlalchemy import insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from backend.accounts.models import User
from backend.common.clock import utcnow
from backend.common.unit_of_work import unit_of_work
from backend.errors import ValidationFailed
from backend.extensions import db
from backend.outbox.models import OutboxMessage, OutboxStatus
from backend.subscriptions.kinds import KINDS, MOMENTS, moment_templates, template_id
from backend.subscriptions.models import SubscribeConsent

ANSWERS = ("accept", "reject", "ban", "filter")
NO_CONSENT = "未获订阅授权，未发送"
NO_CONSENT_TO_GROUP = "未获订阅授权，已改发小区群"
NO_TEMPLATE = "未配置订阅消息模板，未发送"


def moments_for(user: User) -> dict[str, list[str]]:
    """Each moment's template ids to ask the user for: those configured and not banned."""
    banned = set(
        db.session.scalars(
            select(SubscribeConsent.template_id).where(
                SubscribeConsent.user_id == user.id, SubscribeConsent.banned.is_(True)
            )
        )
    )
    return {moment: [t for t in moment_templates(moment) if t not in banned] for moment in MOMENTS}


@unit_of_work
def record_answers(user: User, moment: str, answers: dict[str, str]) -> dict[str, list[str]]:
    """Record WeChat's answer to one request: each ``accept`` allows one more message of its
    template, ``ban`` stops asking; returns the moments as ``moments_for``.

    :raises ValidationFailed: a template the moment does not ask for.
    """
    asked = moment_templates(moment)
    unknown = sorted(t for t in answers if t not in asked)
    if unknown:
        raise ValidationFailed(
            "订阅的消息模板与该场景不符，请更新小程序后重试",
            fields={"answers": [f"未知的模板：{', '.join(unknown)}"]},
        )
    changes = {t: a for t, a in answers.items() if a in ("accept", "ban")}
    if changes:
        now = utcnow()
        rows = [
            {
                "user_id": user.id,
                "template_id": t,
                "remaining": 0,
                "banned": False,
                "created_at": now,
                "updated_at": now,
            }
            for t in sorted(changes)
        ]
        # Create missing rows first, then change them in place: two answers posted at once
        # both count.
        dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
        db.session.execute(
            dialect.insert(SubscribeConsent).on_conflict_do_nothing(
                index_elements=["user_id", "template_id"]
            ),
            rows,
        )
        C = SubscribeConsent
        mine = (C.user_id == user.id,)
        accepted = [t for t, a in changes.items() if a == "accept"]
        banned = [t for t, a in changes.items() if a == "ban"]
        if accepted:
            db.session.execute(
                update(C)
                .where(*mine, C.template_id.in_(accepted))
                .values(remaining=C.remaining + 1, banned=False, updated_at=now)
                .execution_options(synchronize_session=False)
            )
        if banned:
            db.session.execute(
                update(C)
                .where(*mine, C.template_id.in_(banned))
                .values(banned=True, updated_at=now)
                .execution_options(synchronize_session=False)
            )
    return moments_for(user)


def forget(user_id: int, template: str) -> None:
    """WeChat says the user holds no consent to ``template`` (43101): count none, in the
    caller's transaction, so nothing more is queued on a consent WeChat does not know."""
    C = SubscribeConsent
    db.session.execute(
        update(C)
        .where(C.user_id == user_id, C.template_id == template)
        .values(remaining=0, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def consenting(kind: str, user_ids) -> list[int]:
    """Which of ``user_ids`` (a list or a select of ids) hold an unspent consent to ``kind``."""
    template = template_id(kind)
    if not template:
        return []
    return sorted(
        db.session.scalars(
            select(SubscribeConsent.user_id).where(
                SubscribeConsent.template_id == template,
                SubscribeConsent.remaining > 0,
                SubscribeConsent.user_id.in_(user_ids),
            )
        )
    )


def reach(
    kind: str,
    recipients: Iterable[tuple[int, int, int | None]],
    fallback: Callable[[int], object] | None = None,
) -> dict[str, int]:
    """Tell each (subject id, user id, estate id) one message of ``kind``, in the caller's
    transaction: a recipient with an unspent consent spends one and gets a personal outbox
    row; any other gets a cancelled row saying why, and, unless the kind is private,
    ``fallback(subject id)`` queues the fact for the group (idempotent: once per subject).
    A (subject, user) reached before is skipped. Returns how many were queued and dropped.
    """
    spec = KINDS[kind]
    wanted = _not_reached_yet(spec.topic, list(dict.fromkeys(recipients)))
    template = template_id(kind)
    spent = _spend(template, Counter(user_id for _, user_id, _ in wanted)) if template else {}
    rows, missed = [], []
    for subject_id, user_id, estate_id in wanted:
        if spent.get(user_id, 0) > 0:
            spent[user_id] -= 1
            rows.append(_row(spec.topic, subject_id, user_id, estate_id, OutboxStatus.PENDING))
            continue
        if not template:
            reason = NO_TEMPLATE
        elif fallback is not None and not spec.private:
            reason = NO_CONSENT_TO_GROUP
        else:
            reason = NO_CONSENT
        missed.append((subject_id, reason))
        rows.append(
            _row(spec.topic, subject_id, user_id, estate_id, OutboxStatus.CANCELLED, reason)
        )
    if rows:
        db.session.execute(insert(OutboxMessage), rows)
    if fallback is not None and not spec.private:
        for subject_id in dict.fromkeys(s for s, reason in missed if reason != NO_CONSENT):
            fallback(subject_id)
    return {"queued": len(wanted) - len(missed), "dropped": len(missed)}


def _not_reached_yet(topic: str, recipients: list[tuple[int, int, int | None]]):
    if not recipients:
        return []
    keys = {_key(topic, s, u) for s, u, _ in recipients}
    done = set(
        db.session.scalars(
            select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.in_(keys))
        )
    )
    return [r for r in recipients if _key(topic, r[0], r[1]) not in done]


def _spend(template: str, wanted: Counter) -> dict[int, int]:
    """Spend up to ``wanted[user]`` consents of ``template`` per user; returns how many each
    spent. One UPDATE per round, guarded by ``remaining > 0``: concurrent sends never spend
    a consent twice or below zero."""
    spent: Counter = Counter()
    left = dict(wanted)
    C = SubscribeConsent
    while left:
        got = set(
            db.session.scalars(
                update(C)
                .where(C.template_id == template, C.user_id.in_(left), C.remaining > 0)
                .values(remaining=C.remaining - 1, updated_at=utcnow())
                .returning(C.user_id)
                .execution_options(synchronize_session=False)
            )
        )
        for user_id in got:
            spent[user_id] += 1
        left = {u: n - 1 for u, n in left.items() if u in got and n > 1}
    return dict(spent)


def _key(topic: str, subject_id: int, user_id: int) -> str:
    return f"{topic}:{subject_id}:user:{user_id}"


def _row(topic, subject_id, user_id, estate_id, status, reason=None) -> dict:
    now = utcnow()
    return {
        "topic": topic,
        "subject_id": subject_id,
        "dedupe_key": _key(topic, subject_id, user_id),
        "estate_id": estate_id,
        "recipient_id": user_id,
        "payload": [],
        "status": status,
        "last_error": reason,
        "available_at": now,
        "created_at": now,
        "updated_at": now,
    }
