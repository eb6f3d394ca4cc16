"""Posting, reading and withdrawing notices; each post and withdrawal writes its outbox rows
to the audience's group chats in the same transaction."""

from sqlalchemy import case, exists, select
from sqlalchemy.exc import IntegrityError

from backend.access.lineage import estates_within, place_lineage
from backend.access.roles import NOTICE_AUTHOR_ROLES, SCOPE_OF_ROLE, Role, ScopeKind
from backend.access.scope import get_estate_for, visible_estates
from backend.accounts.models import User
from backend.accounts.naming import FULL_NAME_ROLES, UNNAMED, Naming
from backend.common import uploads
from backend.common.clock import utcnow
from backend.common.pagination import Page, paginate
from backend.common.unit_of_work import unit_of_work
from backend.errors import Forbidden, InvalidTransition, NotFound, ValidationFailed
from backend.extensions import db
from backend.group_chats.audience import active_groups
from backend.notices.models import Notice, NoticeAttachment, NoticeEstate, NoticeRead
from backend.outbox import sending
from backend.outbox import services as outbox
from backend.outbox.models import OPEN_STATUSES, OutboxMessage
from backend.places.models import Community, County, Estate, Township

PUBLISHED, WITHDRAWN = "notice.published", "notice.withdrawn"
ATTACHMENT_SUFFIXES = (".pdf", ".jpg", ".jpeg", ".png", ".docx", ".xlsx")
AUDIENCE_KINDS = (ScopeKind.ESTATE, ScopeKind.COMMUNITY, ScopeKind.TOWNSHIP, ScopeKind.COUNTY)
_PLACE_MODELS = {
    ScopeKind.ESTATE: Estate,
    ScopeKind.COMMUNITY: Community,
    ScopeKind.TOWNSHIP: Township,
    ScopeKind.COUNTY: County,
}
# Most specific first: a chair who is also an admin posts as the chair.
_ROLE_ORDER = {role: i for i, role in enumerate(NOTICE_AUTHOR_ROLES)}


def _author_role(user: User, lineage: dict) -> str | None:
    """The role that lets ``user`` post to the place ``lineage`` describes, if any."""
    usable = [
        m.role
        for m in user.memberships
        if m.role in NOTICE_AUTHOR_ROLES and lineage.get(SCOPE_OF_ROLE[Role(m.role)]) == m.scope_id
    ]
    return min(usable, key=_ROLE_ORDER.__getitem__) if usable else None


def _sees_place(user: User, kind: ScopeKind, place_id: int) -> bool:
    ids = visible_estates(user).with_only_columns(Estate.id)
    return db.session.scalar(
        select(exists().where(Estate.id.in_(ids), Estate.id.in_(estates_within(kind, place_id))))
    )


def _labels(role: str, lineage: dict, kind: ScopeKind, place_id: int) -> tuple[str, str]:
    """(author label, audience label) as owners read them."""

    def name(k):
        return db.session.get(_PLACE_MODELS[k], lineage[k]).name

    author = {
        Role.COMMITTEE_MEMBER: lambda: f"{name(ScopeKind.ESTATE)}业委会",
        Role.COMMITTEE_CHAIR: lambda: f"{name(ScopeKind.ESTATE)}业委会",
        Role.PROPERTY_MANAGER: lambda: f"{name(ScopeKind.ESTATE)}物业服务中心",
        Role.AUDITOR: lambda: f"{name(ScopeKind.COMMUNITY)}居委会",
        Role.TOWNSHIP_OFFICER: lambda: name(ScopeKind.TOWNSHIP),
        Role.COUNTY_OFFICER: lambda: f"{name(ScopeKind.COUNTY)}住建局",
        Role.ADMIN: lambda: f"{name(ScopeKind.COUNTY)}住建局",
    }[Role(role)]()
    audience = name(kind) if kind == ScopeKind.ESTATE else f"{name(kind)}全体小区"
    return author, audience


@unit_of_work
def publish(
    user: User,
    audience_kind: str,
    audience_id: int,
    title: str,
    body: str,
    pinned: bool = False,
    attachment_ids: tuple[int, ...] = (),
    client_token: str | None = None,
) -> Notice:
    """Post a notice to an estate or to every estate of a community, township or county.

    Sending the same ``client_token`` again returns the first notice instead of a second one.

    :raises NotFound: the place does not exist or is outside the user's scope.
    :raises Forbidden: the user sees the place but may not post there.
    :raises ValidationFailed: an attachment is unknown or not the user's own upload.
    """
    kind = ScopeKind(audience_kind)
    if client_token:
        earlier = db.session.scalar(
            select(Notice).where(Notice.author_id == user.id, Notice.client_token == client_token)
        )
        if earlier is not None:
            return earlier
    lineage = place_lineage(kind, audience_id)
    role = _author_role(user, lineage)
    if role is None:
        raise (
            Forbidden("您无权向该范围发布公告")
            if _sees_place(user, kind, audience_id)
            else NotFound()
        )
    author_label, audience_label = _labels(role, lineage, kind, audience_id)
    notice = Notice(
        author_id=user.id,
        author_role=role,
        author_label=author_label,
        audience_kind=kind,
        audience_id=audience_id,
        audience_label=audience_label,
        title=title.strip(),
        body=body.lstrip("\r\n").rstrip(),  # keep full-width indents (　　) of paragraphs
        pinned=pinned,
        client_token=client_token,
        published_at=utcnow(),
    )
    # The same client_token raced us: the INSERT fails on the unique key at a flush; only
    # the savepoint is undone, and the other request's notice stands.
    try:
        with db.session.begin_nested():
            _store(user, notice, kind, attachment_ids)
    except IntegrityError:
        if not client_token:
            raise
        return db.session.scalars(
            select(Notice).where(Notice.author_id == user.id, Notice.client_token == client_token)
        ).one()
    return notice


def _store(user: User, notice: Notice, kind: ScopeKind, attachment_ids) -> None:
    """Write the notice with its attachments, its estates and a copy for each group chat."""
    db.session.add(notice)
    db.session.flush()
    notice.attachment_count = _attach(user, notice, attachment_ids)
    estate_ids = estates_within(kind, notice.audience_id)
    db.session.execute(
        NoticeEstate.__table__.insert().from_select(
            ["notice_id", "estate_id"],
            select(db.literal(notice.id), estate_ids.subquery().c.id),
        )
    )
    outbox.add_for_groups(PUBLISHED, notice.id, active_groups(estate_ids))
    db.session.flush()


def _attach(user: User, notice: Notice, attachment_ids) -> int:
    ids = set(attachment_ids)
    if not ids:
        return 0
    rows = db.session.scalars(
        select(NoticeAttachment)
        .where(
            NoticeAttachment.id.in_(ids),
            NoticeAttachment.uploaded_by_id == user.id,
            NoticeAttachment.notice_id.is_(None),
        )
        .with_for_update()
    ).all()
    if len(rows) != len(ids):
        raise ValidationFailed(
            "附件不存在或已被使用，请重新上传", fields={"attachment_ids": ["附件无效"]}
        )
    for row in rows:
        row.notice_id = notice.id
    return len(rows)


@unit_of_work
def upload_attachment(user: User, filename: str, data: bytes) -> NoticeAttachment:
    """Keep an uploaded file for a notice the user is about to post.

    :raises ValidationFailed: empty, of a kind we do not take, or not what its name says.
    """
    if not any(m.role in NOTICE_AUTHOR_ROLES for m in user.memberships):
        raise Forbidden("只有公告发布人可以上传附件")
    stored = uploads.keep(filename, data, ATTACHMENT_SUFFIXES, "PDF、Word、Excel、JPG、PNG")
    row = NoticeAttachment(uploaded_by_id=user.id, **stored)
    db.session.add(row)
    db.session.flush()
    return row


def _visible_notice(user: User, notice_id: int) -> Notice:
    notice = db.session.get(Notice, notice_id)
    if notice is None:
        raise NotFound("公告不存在或您无权查看")
    if notice.author_id == user.id:
        return notice
    ids = visible_estates(user).with_only_columns(Estate.id)
    reached = db.session.scalar(
        select(exists().where(NoticeEstate.notice_id == notice.id, NoticeEstate.estate_id.in_(ids)))
    )
    if not reached:
        raise NotFound("公告不存在或您无权查看")
    return notice


def list_for_estate(user: User, estate_id: int, page: int, page_size: int) -> Page:
    """The estate's notices, pinned first then newest, each with ``is_read`` for the user.

    :raises NotFound: the estate is outside the user's memberships.
    """
    get_estate_for(user, estate_id)
    query = (
        select(Notice)
        .join(NoticeEstate, NoticeEstate.notice_id == Notice.id)
        .where(NoticeEstate.estate_id == estate_id)
        .order_by(
            case((Notice.pinned & Notice.withdrawn_at.is_(None), 0), else_=1),
            Notice.published_at.desc(),
            Notice.id.desc(),
        )
    )
    result = paginate(query, page, page_size)
    read = set(
        db.session.scalars(
            select(NoticeRead.notice_id).where(
                NoticeRead.user_id == user.id,
                NoticeRead.notice_id.in_([n.id for n in result.items]),
            )
        )
    )
    for notice in result.items:
        notice.is_read = notice.id in read
    return result


@unit_of_work
def read(user: User, notice_id: int) -> Notice:
    """The notice in full; the first read is recorded (the unread marker goes away).

    :raises NotFound: no such notice, or it did not reach any of the user's estates.
    """
    notice = _visible_notice(user, notice_id)
    seen = db.session.get(NoticeRead, (notice.id, user.id))
    if seen is None:
        try:
            with db.session.begin_nested():
                db.session.add(NoticeRead(notice_id=notice.id, user_id=user.id))
        except IntegrityError:
            pass  # the same user opened it twice at once: one read is enough
    notice.is_read = True
    notice.can_withdraw = notice.author_id == user.id and not notice.withdrawn
    notice.author_name = _author_name(user, notice)
    return notice


def _author_name(user: User, notice: Notice) -> str:
    """Who posted it, as ``user`` may read the name: in full to the committee or staff of an
    estate it reached (and to the author), masked to everyone else."""
    full_over = visible_estates(user, FULL_NAME_ROLES).with_only_columns(Estate.id)
    reached = exists().where(
        NoticeEstate.notice_id == notice.id, NoticeEstate.estate_id.in_(full_over)
    )
    full = db.session.scalar(select(reached))
    return Naming(user, full=bool(full)).name(db.session.get(User, notice.author_id))


@unit_of_work
def publish_and_read(user: User, **args) -> Notice:
    """Publish a notice and hand it back as its author reads it (see ``publish``), the
    author's read recorded in the same transaction."""
    notice = publish(user, **args)
    return read(user, notice.id)


@unit_of_work
def withdraw(user: User, notice_id: int, reason: str) -> Notice:
    """Withdraw a notice (it stays, marked withdrawn). Groups that got it get a short
    withdrawal line; copies not yet sent are cancelled instead.

    :raises NotFound: as for reading.
    :raises Forbidden: only the author may withdraw.
    :raises InvalidTransition: already withdrawn.
    """
    notice = _visible_notice(user, notice_id)
    if notice.author_id != user.id:
        raise Forbidden("只有发布人可以撤回公告")
    notice = db.session.scalar(
        select(Notice)
        .where(Notice.id == notice_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if notice.withdrawn:
        raise InvalidTransition("该公告已撤回")
    notice.withdrawn_at = utcnow()
    notice.withdrawn_by_id = user.id
    notice.withdraw_reason = reason.strip()
    # Locking waits for a send in progress, so every row below is in its final state for
    # this decision: sent (or partly sent) copies need the withdrawal line, others do not.
    copies = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.topic == PUBLISHED, OutboxMessage.subject_id == notice.id)
        .order_by(OutboxMessage.id)
        .with_for_update()
    ).all()
    reached = []
    for row in copies:
        if row.parts_sent:
            reached.append(row.group_chat)
        if row.status in OPEN_STATUSES:
            sending.cancel(row, "公告已撤回")
    outbox.add_for_groups(WITHDRAWN, notice.id, [g for g in reached if g is not None])
    notice.is_read = True
    notice.can_withdraw = False
    notice.author_name = user.real_name or UNNAMED  # the author withdraws: their own name
    return notice


def attachment(user: User, notice_id: int, attachment_id: int) -> NoticeAttachment:
    """An attachment of a notice the user may read.

    :raises NotFound: otherwise.
    """
    notice = _visible_notice(user, notice_id)
    row = db.session.get(NoticeAttachment, attachment_id)
    if row is None or row.notice_id != notice.id:
        raise NotFound("附件不存在")
    return row
