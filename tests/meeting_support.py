"""Joint-meeting test helpers: a valid meeting for a community (four parties, one decided
item), and tickets and problems written straight to their tables to link items to."""

from datetime import date, timedelta

from backend.access.roles import Role
from backend.extensions import db
from backend.governance.meetings import services
from backend.governance.meetings.schedule import last_completed, today
from backend.governance.problems.models import ProblemItem
from backend.tickets.models import Ticket
from tests.factories import raw_problem, raw_ticket

FOUR = ("community_party", "party_branch", "property_company", "committee")


def attendee(party, name="张三", **fields) -> dict:
    return {
        "party": party,
        "name": name,
        "post": fields.pop("post", ""),
        "estate_id": None,
        **fields,
    }


def agenda(title="电动车充电桩加装", **fields) -> dict:
    body = {
        "title": title,
        "estate_id": None,
        "ticket_id": None,
        "problem_item_id": None,
        "is_dispute": False,
        "dispute_resolved": False,
        "decision": "",
        "owner": "",
        "deadline": None,
    }
    body.update(fields)
    return body


def decided(title="楼道杂物清理", days=14, **fields) -> dict:
    return agenda(
        title,
        decision=fields.pop("decision", "物业三日内清理，业委会监督"),
        owner=fields.pop("owner", "物业服务企业"),
        deadline=fields.pop("deadline", today() + timedelta(days=days)),
        **fields,
    )


def meeting_args(community, held_on: date | None = None, **fields) -> dict:
    body = {
        "community_id": community.id,
        "held_on": held_on or today(),
        "location": "社区党群服务中心",
        "topic": "月度四方联席会议",
        "attendees": [attendee(p, f"参会人{n}") for n, p in enumerate(FOUR)],
        "items": [decided()],
    }
    body.update(fields)
    return body


def hold(user, community, held_on=None, **fields):
    return services.record_meeting(user, meeting_args(community, held_on, **fields))


def ticket(estate) -> Ticket:
    row = raw_ticket(estate, description="楼道堆放杂物", status="submitted")
    db.session.commit()
    return row


def problem(estate, user) -> ProblemItem:
    row = raw_problem(estate, user, today() + timedelta(days=7))
    db.session.commit()
    return row


def _on(day: str) -> date:
    return date.fromisoformat(day)


def _decided_on(day: str, title="决议事项", **fields) -> dict:
    return decided(title, deadline=_on(day) + timedelta(days=10), **fields)


class HeldOut:
    """A county whose meeting figures were counted by hand (see the test's table).

    Township T1: communities C1 (estate E1) and C2 (estate E2); township T2: C3 (E3).
    Another county has C4. The range is 2026-03-01 .. 2026-05-31.
    """

    SINCE, UNTIL = _on("2026-03-01"), _on("2026-05-31")

    def __init__(self, make):
        self.county = make.county("长泰县")
        self.t1, self.t2 = (
            make.township(self.county, "武安镇"),
            make.township(self.county, "岩溪镇"),
        )
        self.c1 = make.community(self.t1, "城关社区")
        self.c2 = make.community(self.t1, "南门社区")
        self.c3 = make.community(self.t2, "岩溪社区")
        self.e1 = make.estate(self.c1, "锦绣花园")
        self.e2 = make.estate(self.c2, "南门小区")
        self.e3 = make.estate(self.c3, "溪畔家园")
        other = make.county("华安县")
        self.c4 = make.community(make.township(other, "华丰镇"), "华丰社区")
        self.officer = make.member(Role.COUNTY_OFFICER, self.county)
        other_officer = make.member(Role.COUNTY_OFFICER, other)
        c1, c2, c3 = self.c1, self.c2, self.c3
        hold(self.officer, c1, _on("2026-02-28"), items=[_decided_on("2026-02-28")])
        branch = attendee("party_branch", "林支书", estate_id=self.e1.id)
        hold(
            self.officer,
            c1,
            _on("2026-03-01"),
            attendees=[attendee(p, "某人") for p in FOUR] + [branch],
            items=[
                _decided_on("2026-03-01"),
                _decided_on("2026-03-01", "停车纠纷", is_dispute=True, dispute_resolved=True),
                agenda("噪音纠纷", is_dispute=True),
            ],
        )
        hold(
            self.officer,
            c1,
            _on("2026-05-31"),
            items=[_decided_on("2026-05-31", "路灯维修", estate_id=self.e1.id)],
        )
        hold(
            self.officer,
            c2,
            _on("2026-04-15"),
            items=[
                agenda("漏水纠纷", is_dispute=True, dispute_resolved=True, estate_id=self.e2.id),
                agenda("议而未决"),
            ],
        )
        hold(self.officer, c2, _on("2026-06-01"), items=[agenda("纠纷", is_dispute=True)])
        hold(
            self.officer,
            c3,
            _on("2026-03-31"),
            items=[_decided_on("2026-03-31", "甲"), _decided_on("2026-03-31", "乙")],
        )
        # Held in the last completed interval: C3 is the one community not overdue today.
        hold(self.officer, c3, last_completed()[0], items=[agenda("例会")])
        hold(other_officer, self.c4, _on("2026-04-01"), items=[_decided_on("2026-04-01")])
