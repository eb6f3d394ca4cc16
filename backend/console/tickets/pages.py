"""What the console's ticket pages show and do: the overdue and escalated tickets a supervisor
oversees with the figures of that scope, and one ticket with its photos, its history and the
steps the staff member may take (the hotline intake and the time limits have their own modules).

Rules and scope stay in backend.tickets (outside scope: 404); this module turns forms into the
API's own argument schemas and tickets into rows a template prints.
"""

from math import ceil

from sqlalchemy.orm import joinedload

from backend.access.scope import visible_estates
from backend.accounts.models import User
from backend.accounts.naming import staff_naming
from backend.common.clock import as_utc, local_text
from backend.common.masking import mask_phone
from backend.common.ratios import percent
from backend.console.forms import id_arg, load, page_arg, typed_int
from backend.errors import ValidationFailed
from backend.extensions import db
from backend.places.models import Community, Estate
from backend.tickets import loop, oversight, queries, stats, uploads
from backend.tickets.models import (
    CATEGORIES,
    CHANNELS,
    EVENT_LABELS,
    LEVEL_LABELS,
    STATUS_LABELS,
    Ticket,
    TicketStatus,
)
from backend.tickets.schemas import TicketTransitionArgs, reporter_label

LIST_PAGE_SIZE = 20
SHOW = {"attention": "超时或已升级", "open": "待办理", "all": "全部"}
# What staff do to a ticket from its console page; reopening is the reporter's, in the app.
CONSOLE_ACTIONS = ("accept", "assign", "start", "reply", "reject", "duplicate")
DONE = {
    "accept": "已受理",
    "assign": "已转办",
    "start": "已开始办理",
    "reply": "已反馈办理结果",
    "reject": "已不予受理",
    "duplicate": "已标记为重复工单",
}


def _rate(ratio: stats.Ratio) -> dict:
    if ratio.rate is None:
        return {"value": "—", "detail": "暂无已反馈工单"}
    return {"value": percent(ratio.count, ratio.of), "detail": f"{ratio.count} / {ratio.of} 件"}


def estates_for(user: User, roles) -> list[Estate]:
    """Estates the user holds one of ``roles`` over, with their community and township."""
    return db.session.scalars(
        visible_estates(user, roles)
        .options(joinedload(Estate.community).joinedload(Community.township))
        .order_by(Estate.township_id, Estate.community_id, Estate.name, Estate.id)
    ).all()


# -- the supervised tickets ----------------------------------------------------------------


def _filters(args, estates: list[Estate]) -> dict:
    """The list's filters from the query string; a place outside the user's scope, or one
    not inside the chosen township or community, is no filter at all."""
    townships = {e.township_id: e.community.township.name for e in estates}
    township = id_arg(args.get("township"))
    township = township if township in townships else None
    communities = {
        e.community_id: e.community.name
        for e in estates
        if township is None or e.township_id == township
    }
    community = id_arg(args.get("community"))
    community = community if community in communities else None
    shown = [
        e
        for e in estates
        if (township is None or e.township_id == township)
        and (community is None or e.community_id == community)
    ]
    estate = id_arg(args.get("estate"))
    estate = estate if estate in {e.id for e in shown} else None
    level = args.get("level", "")
    return {
        "show": args.get("show") if args.get("show") in SHOW else "attention",
        "township": township,
        "community": community,
        "estate": estate,
        "category": args.get("category") if args.get("category") in CATEGORIES else None,
        "level": int(level) if level in {str(int(lv)) for lv in LEVEL_LABELS} else None,
        "options": {
            "townships": townships,
            "communities": communities,
            "estates": {e.id: e.name for e in shown},
        },
    }


def ticket_list(user: User, args) -> dict:
    """One page of the tickets the user supervises (by default those overdue or escalated,
    most escalated and oldest deadline first), and the figures of the chosen places.

    :raises Forbidden: not community, township or county staff.
    """
    estates = estates_for(user, oversight.SUPERVISOR_ROLES)
    f = _filters(args, estates)
    page = page_arg(args.get("page"))
    result = oversight.supervised(
        user,
        f["show"],
        estate_id=f["estate"],
        township_id=f["township"],
        community_id=f["community"],
        category=f["category"],
        level=f["level"],
        page=page,
        page_size=LIST_PAGE_SIZE,
    )
    query = {k: f[k] for k in ("show", "township", "community", "estate", "category", "level")}
    query = {k: v for k, v in query.items() if v is not None and (k, v) != ("show", "attention")}
    return {
        "filters": f,
        "query": query,
        "show_labels": SHOW,
        "categories": CATEGORIES,
        "levels": {int(level): label for level, label in LEVEL_LABELS.items()},
        "result": result,
        "pages": max(1, ceil(result.total / LIST_PAGE_SIZE)),
        "rows": [_list_row(t) for t in result.items],
        "summary": _summary(user, f, len(estates)),
        "definitions": stats.DEFINITIONS,
    }


def _deadline(ticket: Ticket) -> dict:
    deadline = ticket.deadline
    if deadline is None:
        return {"text": "—", "overdue": False}
    kind = "受理" if ticket.status == TicketStatus.SUBMITTED else "办理"
    return {"text": f"{local_text(deadline)}（{kind}）", "overdue": as_utc(deadline) < ticket.now}


def _list_row(ticket: Ticket) -> dict:
    return {
        "id": ticket.id,
        "estate": ticket.estate.name,
        "category": CATEGORIES[ticket.category],
        "status": STATUS_LABELS[ticket.status],
        "level": ticket.escalation_level,
        "level_label": LEVEL_LABELS[ticket.escalation_level],
        "deadline": _deadline(ticket),
        "supporters": ticket.supporter_count,
        "channel": CHANNELS[ticket.channel],
    }


def _summary(user: User, f: dict, estate_count: int) -> dict:
    """The figures of every ticket in the chosen places of the user's scope (one query)."""
    scope = visible_estates(user, oversight.SUPERVISOR_ROLES).with_only_columns(Estate.id)
    where = Ticket.estate_id.in_(scope)
    for column, key in (
        (Ticket.township_id, "township"),
        (Ticket.community_id, "community"),
        (Ticket.estate_id, "estate"),
    ):
        if f[key] is not None:
            where &= column == f[key]
    [total] = stats.figures(where)
    options = f["options"]
    if f["estate"]:
        place = options["estates"][f["estate"]]
    elif f["community"]:
        place = options["communities"][f["community"]]
    elif f["township"]:
        place = options["townships"][f["township"]]
    else:
        place = f"我监管的全部 {estate_count} 个小区"
    average = total.rating["average"]
    return {
        "place": place,
        "total": total.total,
        "open": total.open,
        "overdue": total.overdue,
        "on_time": _rate(total.on_time),
        "reopened": _rate(total.reopened),
        "rating": {
            "value": "—" if average is None else f"{average:.2f}",
            "detail": f"{total.rating_count} 人评价" if total.rating_count else "暂无评价",
        },
    }


# -- one ticket ------------------------------------------------------------------------------


def ticket_page(user: User, ticket_id: int) -> dict:
    """A ticket as staff read it: facts, photos, history, and the forms for what they may
    do now.

    :raises NotFound: no such ticket, or outside the user's scope.
    """
    ticket = queries.detail(user, ticket_id)
    actions = [a for a in CONSOLE_ACTIONS if a in ticket.allowed_actions]
    return {
        "ticket": ticket,
        "estate": ticket.estate,
        "category": CATEGORIES[ticket.category],
        "status": STATUS_LABELS[ticket.status],
        "level_label": LEVEL_LABELS[ticket.escalation_level],
        "deadline": _deadline(ticket),
        "facts": _facts(ticket),
        "photos": [p.id for p in ticket.photos],
        "events": [_event_row(e) for e in ticket.events],
        "actions": actions,
        "assignees": ticket.assignees,
    }


def _facts(ticket: Ticket) -> list[tuple[str, str]]:
    reporter = reporter_label(ticket)
    if ticket.channel == "hotline" and ticket.caller_phone:
        reporter += f"（{mask_phone(ticket.caller_phone)}）"
    channel = CHANNELS[ticket.channel]
    if ticket.hotline_case_no:
        channel += f" · 工单号 {ticket.hotline_case_no}"
    building = ticket.building.name if ticket.building_id else ""
    place = " · ".join(filter(None, [building, ticket.location_text])) or "未填写"
    facts = [
        ("小区", ticket.estate.name),
        ("渠道", channel),
        ("反映人", reporter),
        ("位置", place),
        ("提交时间", local_text(ticket.created_at)),
        ("附议", f"{ticket.supporter_count} 人"),
    ]
    if ticket.assignee is not None:
        facts.append(("承办人", staff_naming().name(ticket.assignee)))
    if ticket.reject_reason:
        facts.append(("不予受理原因", ticket.reject_reason))
    if ticket.duplicate_of_id:
        facts.append(("重复于", f"#{ticket.duplicate_of_id}"))
    if ticket.reopen_count:
        facts.append(("重新办理", f"{ticket.reopen_count} 次"))
    if ticket.rating:
        comment = f"：{ticket.rating_comment}" if ticket.rating_comment else ""
        facts.append(("评价", f"{ticket.rating} 星{comment}"))
    elif ticket.close_reason == "not_rated":
        facts.append(("评价", "超时未评价（不计为满意）"))
    return facts


def _event_row(event) -> dict:
    before, after = event.from_status, event.to_status
    return {
        "at": local_text(event.created_at),
        "kind": EVENT_LABELS.get(event.kind, event.kind),
        "status": (
            f"{STATUS_LABELS[before]} → {STATUS_LABELS[after]}"
            if before and after and before != after
            else STATUS_LABELS.get(after, "")
        ),
        # Named for the reader by queries.detail_view: staff read names in full.
        "by": getattr(event, "shown_label", event.actor_label),
        "note": event.note or "",
        "level": LEVEL_LABELS[event.escalation_level],
        # The report's own photos head the page; the history shows those of later steps.
        "photos": [p.id for p in event.photos] if event.kind != "created" else [],
    }


def transition(user: User, ticket_id: int, form) -> Ticket:
    """Take one step of the loop from the ticket page's forms, with the API's own argument
    rules.

    :raises ValidationFailed: not a console action, or a note, reason, assignee or original
        ticket missing or wrong.
    :raises NotFound: outside the user's scope.
    :raises Forbidden: the user does not handle the ticket at its level.
    :raises InvalidTransition: not from the ticket's state now.
    """
    action = form.get("action", "")
    if action not in CONSOLE_ACTIONS:
        message = "请选择受理、转办、开始办理、反馈结果、不予受理或标记重复"
        raise ValidationFailed(message, fields={"action": [message]})
    fields = {"action": action}
    for name in ("note", "reason"):
        if name in form:
            fields[name] = form[name]
    for name in ("assignee_id", "duplicate_of_id"):
        if form.get(name, "").strip():
            fields[name] = typed_int(form[name])
    args = load(TicketTransitionArgs(), fields)
    return loop.transition(user, ticket_id, args)


def photo_file(user: User, photo_id: int, size: str | None) -> tuple[str, str]:
    """(storage key, file name) of a ticket photo or its thumbnail the user may see.

    :raises NotFound: not on a ticket the user sees.
    """
    photo = uploads.photo_for(user, photo_id)
    key = photo.thumb_key if size == "thumb" else photo.storage_key
    return key, f"ticket-photo-{photo.id}.jpg"
