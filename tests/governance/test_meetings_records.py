"""Recording a joint meeting: who may (auditor of the community, officers above it; others
404), the four parties, estates, tickets and problems of the same community, decisions with
owner and deadline, minutes checked by content — all or nothing (422 writes nothing) — and
the follow-up: a decision done and a dispute resolved once (409 twice, also at once)."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from backend.accounts.models import User
from backend.errors import Conflict, NotFound, ValidationFailed
from backend.extensions import db
from backend.governance.meetings import services
from backend.governance.meetings.models import (
    AgendaItem,
    JointMeeting,
    MeetingAttendee,
    MeetingMinutes,
)
from backend.governance.meetings.schedule import today
from backend.governance.meetings.schemas import MeetingArgs
from backend.places.models import Community
from tests.concurrency import at_once, in_own_context
from tests.ledger_support import png_bytes
from tests.meeting_support import (
    FOUR,
    agenda,
    attendee,
    decided,
    hold,
    meeting_args,
    problem,
    ticket,
)
from tests.pdf_support import plain_pdf

PDF = ("纪要.pdf", plain_pdf("minutes"))


def count(model=JointMeeting) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def nothing_written():
    return all(count(m) == 0 for m in (JointMeeting, MeetingAttendee, AgendaItem, MeetingMinutes))


def community(estate):
    return estate.community


def community_of(community_id):
    return db.session.get(Community, community_id)


def refused(user, args, minutes=None) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        services.record_meeting(user, args, minutes)
    db.session.rollback()
    assert nothing_written()
    return caught.value


def test_auditor_records_a_meeting_with_attendees_items_and_minutes(gcast):
    ca = community(gcast.estate_a)
    args = meeting_args(
        ca,
        items=[decided(estate_id=gcast.estate_a.id), agenda("噪音纠纷", is_dispute=True)],
    )
    meeting = services.record_meeting(gcast.auditor_a, args, PDF)
    assert (meeting.community_id, meeting.township_id, meeting.county_id) == (
        ca.id,
        gcast.estate_a.township_id,
        gcast.county.id,
    )
    assert sorted(a.party for a in meeting.attendees) == sorted(FOUR)
    assert [i.title for i in meeting.items] == ["楼道杂物清理", "噪音纠纷"]
    assert meeting.items[0].owner == "物业服务企业" and meeting.items[1].deadline is None
    assert meeting.minutes[0].content_type == "application/pdf"


@pytest.mark.parametrize("who", ["township_a", "county_officer", "admin"])
def test_officers_above_the_community_record(gcast, who):
    hold(getattr(gcast, who), community(gcast.estate_a))
    assert count() == 1


@pytest.mark.parametrize("who", ["township_b", "outsider", "manager", "owner_a"])
def test_anyone_else_gets_404_and_nothing_is_written(gcast, who):
    with pytest.raises(NotFound):
        hold(getattr(gcast, who), community(gcast.estate_a))
    assert nothing_written()


def test_auditor_of_another_community_gets_404(gcast):
    with pytest.raises(NotFound):
        hold(gcast.auditor_a, community(gcast.estate_b))
    assert nothing_written()


def test_missing_parties_are_named(gcast):
    args = meeting_args(
        community(gcast.estate_a),
        attendees=[attendee("community_party"), attendee("property_company")],
    )
    error = refused(gcast.auditor_a, args)
    assert error.status == 422
    assert error.message == "四方联席会议须有四方参加，缺少：小区党支部、业主委员会"
    assert error.fields == {"attendees": ["缺少小区党支部、业主委员会的参会人员"]}


def test_estate_of_another_community_is_refused(gcast):
    ca = community(gcast.estate_a)
    people = [attendee(p) for p in FOUR[:3]]
    people.append(attendee("committee", estate_id=gcast.estate_b.id))
    error = refused(gcast.township_a, meeting_args(ca, attendees=people))
    assert error.fields == {"attendees.3.estate_id": ["该小区不属于本社区"]}
    args = meeting_args(ca, items=[decided(), agenda(estate_id=gcast.estate_c.id)])
    assert refused(gcast.county_officer, args).fields == {
        "items.1.estate_id": ["该小区不属于本社区"]
    }


def test_linked_ticket_and_problem_must_be_of_the_community(gcast):
    ca = community(gcast.estate_a)
    foreign = ticket(gcast.estate_b)
    error = refused(gcast.county_officer, meeting_args(ca, items=[agenda(ticket_id=foreign.id)]))
    assert error.fields == {"items.0.ticket_id": ["该工单不属于本社区的小区"]}
    foreign_problem = problem(gcast.estate_c, gcast.admin)
    args = meeting_args(ca, items=[agenda(problem_item_id=foreign_problem.id)])
    error = refused(gcast.county_officer, args)
    assert error.fields == {"items.0.problem_item_id": ["该问题清单事项不属于本社区的小区"]}
    args = meeting_args(ca, items=[agenda(ticket_id=2_000_000)])
    assert "items.0.ticket_id" in refused(gcast.county_officer, args).fields


def test_linked_ticket_must_be_of_the_chosen_estate(make, gcast):
    ca = community(gcast.estate_a)
    sibling = make.estate(ca, "阳光二期")
    linked = ticket(sibling)
    args = meeting_args(ca, items=[agenda(ticket_id=linked.id, estate_id=gcast.estate_a.id)])
    error = refused(gcast.auditor_a, args)
    assert error.fields == {"items.0.ticket_id": ["该工单不属于所选小区"]}


def test_a_link_gives_the_item_its_estate(gcast):
    ca = community(gcast.estate_a)
    linked, found = ticket(gcast.estate_a), problem(gcast.estate_a, gcast.admin)
    items = [agenda(ticket_id=linked.id), decided(problem_item_id=found.id)]
    meeting = hold(gcast.auditor_a, ca, items=items)
    assert [i.estate_id for i in meeting.items] == [gcast.estate_a.id] * 2


@pytest.mark.parametrize(
    "item, field, message",
    [
        (decided(owner=""), "owner", "已形成决议的议题须明确责任方"),
        (decided(deadline=None), "deadline", "已形成决议的议题须明确完成期限"),
        (agenda(owner="物业"), "decision", "填写了责任方或期限，请同时填写决议内容"),
        (decided(days=-1), "deadline", "完成期限不能早于会议日期"),
        (agenda(dispute_resolved=True), "dispute_resolved", "只有矛盾纠纷议题才能标记为已化解"),
    ],
)
def test_bad_items_are_refused(gcast, item, field, message):
    args = meeting_args(community(gcast.estate_a), items=[agenda("好议题"), item])
    assert refused(gcast.auditor_a, args).fields == {f"items.1.{field}": [message]}


def test_a_future_meeting_is_refused(gcast):
    args = meeting_args(community(gcast.estate_a), today() + timedelta(days=1))
    assert refused(gcast.auditor_a, args).fields == {"held_on": ["会议日期不能晚于今天"]}


@pytest.mark.parametrize(
    "minutes, message",
    [
        (("纪要.pdf", b"not a pdf"), "文件内容与扩展名不符或已损坏"),
        (("纪要.docx", b"PK\x03\x04"), "仅支持 PDF、JPG、PNG 文件"),
        (("纪要.pdf", b""), "文件为空"),
    ],
)
def test_bad_minutes_write_nothing(gcast, minutes, message):
    error = refused(gcast.auditor_a, meeting_args(community(gcast.estate_a)), minutes)
    assert error.fields == {"minutes": [message]}


def test_minutes_as_a_photo(gcast):
    meeting = services.record_meeting(
        gcast.auditor_a, meeting_args(community(gcast.estate_a)), ("签到表.png", png_bytes())
    )
    assert meeting.minutes[0].content_type == "image/png"


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"community_id": "abc"}, "community_id"),
        ({"held_on": "2026-13-01"}, "held_on"),
        ({"topic": "长" * 201}, "topic"),
        ({"location": "   "}, "location"),
        ({"items": []}, "items"),
        ({"attendees": [{"party": "developer", "name": "x"}]}, "attendees"),
    ],
)
def test_schema_refuses_bad_input(changes, field):
    body = {
        "community_id": 1,
        "held_on": "2026-11-03",
        "location": "会议室",
        "topic": "月度例会",
        "attendees": [{"party": p, "name": "某"} for p in FOUR],
        "items": [{"title": "议题"}],
    }
    body.update(changes)
    errors = MeetingArgs().validate(body)
    assert field in errors


def test_the_database_refuses_a_decision_without_owner(gcast):
    meeting = hold(gcast.auditor_a, community(gcast.estate_a))
    db.session.add(AgendaItem(meeting_id=meeting.id, title="x", decision="做", owner=""))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


# -- follow-up ---------------------------------------------------------------------------------


def test_mark_done_once(gcast):
    meeting = hold(gcast.auditor_a, community(gcast.estate_a), items=[decided(), agenda()])
    done, open_item = meeting.items
    services.mark_done(gcast.township_a, done.id, meeting.id)
    db.session.expire_all()
    row = db.session.get(AgendaItem, done.id)
    assert row.done_at is not None and row.done_by_id == gcast.township_a.id
    with pytest.raises(Conflict):
        services.mark_done(gcast.township_a, done.id)
    with pytest.raises(Conflict):
        services.mark_done(gcast.township_a, open_item.id)


def test_mark_done_outside_scope_or_of_another_meeting_is_404(gcast):
    meeting = hold(gcast.auditor_a, community(gcast.estate_a))
    other = hold(gcast.township_b, community(gcast.estate_b))
    with pytest.raises(NotFound):
        services.mark_done(gcast.township_b, meeting.items[0].id)
    with pytest.raises(NotFound):
        services.mark_done(gcast.county_officer, meeting.items[0].id, other.id)
    db.session.expire_all()
    assert db.session.get(AgendaItem, meeting.items[0].id).done_at is None


def test_mark_resolved_once_and_only_disputes(gcast):
    items = [agenda("纠纷", is_dispute=True), agenda("普通")]
    meeting = hold(gcast.auditor_a, community(gcast.estate_a), items=items)
    dispute, plain = meeting.items
    assert services.mark_resolved(gcast.auditor_a, dispute.id).dispute_resolved
    with pytest.raises(Conflict):
        services.mark_resolved(gcast.auditor_a, dispute.id)
    with pytest.raises(Conflict):
        services.mark_resolved(gcast.auditor_a, plain.id)


@pytest.mark.committing("threads race, each on a connection of its own")
def test_two_marking_at_once_mark_once(app, gcast):
    meeting = hold(gcast.auditor_a, community(gcast.estate_a))
    item_id = meeting.items[0].id

    def mark(user_id):
        services.mark_done(db.session.get(User, user_id), item_id)
        return "ok"

    ids = (gcast.township_a.id, gcast.county_officer.id)
    results = at_once(*(in_own_context(app, mark, uid) for uid in ids))
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "str"], results


@pytest.mark.committing("threads race, each on a connection of its own")
def test_the_same_meeting_sent_twice_at_once_is_recorded_once(app, gcast):
    ca_id = gcast.estate_a.community_id

    def record(user_id):
        user = db.session.get(User, user_id)
        services.record_meeting(user, meeting_args(community_of(ca_id)))
        return "ok"

    ids = (gcast.auditor_a.id, gcast.township_a.id)
    results = at_once(*(in_own_context(app, record, uid) for uid in ids))
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "str"], results
    assert count() == 1 and count(MeetingAttendee) == 4


def test_overdue_decision(gcast):
    meeting = hold(gcast.auditor_a, community(gcast.estate_a), items=[decided(days=0)])
    item = meeting.items[0]
    assert not services.is_overdue(item)
    assert services.is_overdue(item, today() + timedelta(days=1))
    services.mark_done(gcast.auditor_a, item.id)
    db.session.expire_all()
    assert not services.is_overdue(db.session.get(AgendaItem, item.id), today() + timedelta(days=1))
