"""12345 hotline cases entered by community, township or county staff (the console's form calls
``reporting.report_hotline``): the case joins the estate's loop once per county, and the caller
is shown masked like any reporter."""

import pytest

from backend.access.roles import Role
from backend.accounts.models import User
from backend.errors import Conflict, Forbidden, NotFound
from backend.extensions import db
from backend.tickets import reporting
from backend.tickets.models import Ticket
from backend.tickets.schemas import HotlineArgs
from tests.concurrency import at_once, in_own_context
from tests.isolation import once_per_module
from tests.ticket_support import build_tcast
from tests.tickets.helpers import ticket_count

_tcast_of_module, tcast = once_per_module("tcast", build_tcast)


def case(case_no="12345-2026-0001", **fields) -> dict:
    """What the console form sends, loaded as the console loads it."""
    return HotlineArgs().load(
        {
            "hotline_case_no": case_no,
            "caller_name": "王五",
            "caller_phone": "13912345678",
            "category": "drains",
            "description": "小区北门污水井堵塞外溢",
            "location_text": "北门",
            **fields,
        }
    )


@pytest.mark.parametrize("who", ["auditor", "township", "county"])
def test_community_township_and_county_staff_enter_hotline_cases(tickets, tcast, who):
    staff = getattr(tcast, who)

    ticket = reporting.report_hotline(staff, tcast.estate.id, case())

    assert (ticket.channel, ticket.status, ticket.hotline_case_no) == (
        "hotline",
        "submitted",
        "12345-2026-0001",
    )
    assert (ticket.reporter_id, ticket.entered_by_id) == (None, staff.id)
    assert (ticket.caller_name, ticket.caller_phone) == ("王五", "13912345678")
    detail = tickets.get(tcast.manager, f"/tickets/{ticket.id}").json
    assert detail["channel_label"] == "12345热线"
    [created] = detail["events"]
    assert created["note"] == "12345 工单 12345-2026-0001"
    assert created["actor_label"].endswith(staff.real_name[0] + "*")
    # Drains have 12 hours to accept and 48 to reply by default.
    assert (ticket.accept_due_at - ticket.created_at).total_seconds() == 12 * 3600
    assert (ticket.reply_due_at - ticket.created_at).total_seconds() == 48 * 3600


@pytest.mark.parametrize("who", ["chair", "member", "manager", "owner"])
def test_estate_people_cannot_enter_hotline_cases(tcast, who):
    with pytest.raises(Forbidden):
        reporting.report_hotline(getattr(tcast, who), tcast.estate.id, case())

    assert ticket_count() == 0


@pytest.mark.parametrize("who", ["other_auditor", "outsider", "other_manager"])
def test_staff_outside_the_estates_scope_get_not_found(tcast, who):
    with pytest.raises(NotFound):
        reporting.report_hotline(getattr(tcast, who), tcast.estate.id, case())

    assert ticket_count() == 0


def test_a_case_number_is_entered_once_per_county(make, tcast):
    reporting.report_hotline(tcast.auditor, tcast.estate.id, case())
    elsewhere = next(m.estate_id for m in tcast.outsider.memberships)

    for staff, estate_id in ((tcast.auditor, tcast.estate.id), (tcast.county, elsewhere)):
        with pytest.raises(Conflict) as refused:
            reporting.report_hotline(staff, estate_id, case(description="另一位来电人"))
        assert refused.value.code == "duplicate_case_no"
        assert "hotline_case_no" in refused.value.fields
        db.session.rollback()

    assert ticket_count() == 1


def test_the_same_case_number_in_another_county_is_another_case(make, tcast):
    reporting.report_hotline(tcast.county, tcast.estate.id, case())
    county = make.county()
    estate = make.estate(make.community(make.township(county)))
    officer = make.member(Role.COUNTY_OFFICER, county)

    ticket = reporting.report_hotline(officer, estate.id, case())

    assert ticket.county_id == county.id
    assert ticket_count() == 2


@pytest.mark.committing("threads race, each on a connection of its own")
def test_two_entries_of_the_same_case_at_once_file_one_ticket(app, tcast):
    staff_ids = (tcast.auditor.id, tcast.township.id)

    def enter(staff_id):
        ticket = reporting.report_hotline(db.session.get(User, staff_id), tcast.estate.id, case())
        return ticket.id

    results = at_once(*(in_own_context(app, enter, staff_id) for staff_id in staff_ids))

    filed = [r for r in results if isinstance(r, int)]
    refused = [r for r in results if isinstance(r, Conflict)]
    assert (len(filed), len(refused)) == (1, 1), results
    assert refused[0].code == "duplicate_case_no"
    assert ticket_count() == 1
    assert db.session.get(Ticket, filed[0]).hotline_case_no == "12345-2026-0001"


def test_the_caller_is_masked_in_the_api(tickets, tcast):
    ticket = reporting.report_hotline(tcast.auditor, tcast.estate.id, case())

    for person in (tcast.owner, tcast.manager, tcast.auditor):
        [item] = tickets.get(person, f"/estates/{tcast.estate.id}/tickets").json["items"]
        detail = tickets.get(person, f"/tickets/{ticket.id}")
        assert item["reporter_label"] == detail.json["reporter_label"] == "热线来电 王*"
        assert (item["is_mine"], item["hotline_case_no"]) == (False, "12345-2026-0001")
        assert "王五" not in detail.get_data(as_text=True)
        assert "13912345678" not in detail.get_data(as_text=True)


def test_a_hotline_case_runs_through_the_loop(tickets, tcast):
    ticket = reporting.report_hotline(tcast.township, tcast.estate.id, case())

    work = tickets.get(tcast.manager, "/tickets/work").json["items"]
    assert [t["id"] for t in work] == [ticket.id]
    for action, body in (("accept", {}), ("start", {}), ("reply", {"note": "已疏通"})):
        tickets.step(tcast.manager, ticket.id, action, **body)

    detail = tickets.get(tcast.township, f"/tickets/{ticket.id}").json
    assert detail["status"] == "replied"
    # Nobody may rate or reopen it in the app: the caller is not a user.
    assert (detail["can_rate"], detail["can_reopen"]) == (False, False)
    assert tickets.get(tcast.owner, f"/tickets/{ticket.id}").json["can_rate"] is False
