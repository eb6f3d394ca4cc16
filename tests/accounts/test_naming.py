"""Real names in every trail (DESIGN.md "People and trails"): whoever acted is named in full
to the estate's staff and committee, masked to owners, and unmasked to themself."""

import pytest

from backend.accounts.naming import Naming, naming_for
from tests.ledger_support import LedgerApi, build_cast
from tests.ticket_support import TicketApi, build_tcast


@pytest.fixture
def cast(make):
    return build_cast(make)


@pytest.fixture
def ledger(client, auth, cast):
    return LedgerApi(client, auth, cast.estate.id)


def _published_trail(ledger, cast) -> int:
    return ledger.publish_period(cast)["id"]


def _trail(ledger, person, period_id) -> tuple[list[str], list[str]]:
    detail = ledger.get(person, f"/periods/{period_id}")
    assert detail.status_code == 200, detail.json
    return [e["by"] for e in detail.json["events"]], [a["by"] for a in detail.json["approvals"]]


def test_a_published_period_names_every_actor_in_full_to_the_committee(ledger, cast):
    period_id = _published_trail(ledger, cast)
    events, _approvals = _trail(ledger, cast.member2, period_id)
    assert events == [
        "赵强（物业项目经理）",  # created
        "赵强（物业项目经理）",  # submitted
        "李建国（业委会主任）",  # approved
        "王芳（业委会委员）",  # approved
        "林慧（社区业账监管员）",  # audited
        "李建国（业委会主任）",  # published
    ]


def test_the_same_trail_is_masked_to_an_owner(ledger, cast):
    period_id = _published_trail(ledger, cast)
    events, _approvals = _trail(ledger, cast.owner, period_id)
    assert events == [
        "赵*（物业项目经理）",
        "赵*（物业项目经理）",
        "李**（业委会主任）",
        "王*（业委会委员）",
        "林*（社区业账监管员）",
        "李**（业委会主任）",
    ]
    assert not any("微信用户" in by for by in events)


def test_an_actor_reads_their_own_name_unmasked_and_others_by_role(ledger, cast):
    period_id = _published_trail(ledger, cast)
    # The auditor is staff: names in full; the township officer too.
    events, _ = _trail(ledger, cast.auditor, period_id)
    assert "林慧（社区业账监管员）" in events and "赵强（物业项目经理）" in events
    events, _ = _trail(ledger, cast.township, period_id)
    assert events[0] == "赵强（物业项目经理）"


def test_approvals_name_the_approvers_to_the_committee_and_mask_them_to_owners(ledger, cast):
    period = ledger.open_period(cast.manager)
    assert ledger.add_entry(cast.manager, period["id"]).status_code == 201
    for person, action in [(cast.manager, "submit"), (cast.chair, "approve")]:
        assert ledger.act(person, period["id"], action).status_code == 200
    assert _trail(ledger, cast.member, period["id"])[1] == ["李建国"]
    assert _trail(ledger, cast.chair, period["id"])[1] == ["李建国"]  # their own
    assert _trail(ledger, cast.auditor, period["id"])[1] == ["李建国"]


# -- ticket steps ---------------------------------------------------------------------------


@pytest.fixture
def tcast(make):
    return build_tcast(make)


@pytest.fixture
def tickets(client, auth, tcast):
    return TicketApi(client, auth, tcast.estate.id)


def _steps(tickets, person, ticket_id) -> list[str]:
    detail = tickets.get(person, f"/tickets/{ticket_id}")
    assert detail.status_code == 200, detail.json
    return [e["actor_label"] for e in detail.json["events"]]


def test_ticket_steps_name_the_manager_in_full_to_staff_and_masked_to_owners(tickets, tcast):
    ticket = tickets.report(tcast.owner)
    tickets.step(tcast.manager, ticket["id"], "accept")
    tickets.step(tcast.manager, ticket["id"], "assign", assignee_id=tcast.member.id)

    committee = _steps(tickets, tcast.chair, ticket["id"])
    # The reporting owner stays masked to all but themself, as in every list of tickets.
    assert committee == ["业主 张**", "物业项目经理 赵强", "物业项目经理 赵强"]
    owner2 = _steps(tickets, tcast.owner2, ticket["id"])
    assert owner2 == ["业主 张**", "物业项目经理 赵*", "物业项目经理 赵*"]
    reporter = _steps(tickets, tcast.owner, ticket["id"])
    assert reporter[0] == "业主 张三丰"  # their own name, unmasked
    assert reporter[1] == "物业项目经理 赵*"
    manager = _steps(tickets, tcast.manager, ticket["id"])
    assert manager[1] == "物业项目经理 赵强"

    detail = tickets.get(tcast.auditor, f"/tickets/{ticket['id']}").json
    assert detail["assignee_label"] == "王芳"
    assert tickets.get(tcast.owner2, f"/tickets/{ticket['id']}").json["assignee_label"] == "王*"


# -- me and the rule itself -----------------------------------------------------------------


def test_me_shows_my_own_name_and_phone_unmasked(client, make, auth):
    me = make.user(real_name="张三丰", phone="13812341234")
    body = client.get("/api/v1/me", headers=auth(me)).json
    assert (body["real_name"], body["phone"]) == ("张三丰", "13812341234")
    assert body["display_name"] == "张三丰"


def test_someone_without_a_real_name_is_never_called_by_the_wechat_nickname(make):
    nobody = make.user()
    viewer = make.user(real_name="李建国")
    assert Naming(viewer, full=True).name(nobody) == "用户"
    assert naming_for(viewer, None).name(nobody) == "用户"


def test_login_answers_with_my_own_name_not_the_wechat_nickname(client, make, fake_wechat):
    make.user(openid="wx-named", real_name="王芳")
    named = client.post("/api/v1/auth/wechat-login", json={"code": "fake:wx-named"})
    assert named.status_code == 200, named.json
    assert named.json["user"]["display_name"] == "王芳"
    fresh = client.post("/api/v1/auth/wechat-login", json={"code": "fake:wx-new"})
    assert fresh.json["user"]["display_name"] == "用户"


def test_a_notice_names_its_author_in_full_to_the_committee_and_masked_to_owners(
    client, make, auth
):
    from backend.access.roles import Role
    from backend.notices import services as notices

    estate = make.estate()
    owner = make.member(Role.OWNER, make.unit(estate))
    member = make.member(Role.COMMITTEE_MEMBER, estate, make.user(real_name="王芳"))
    chair = make.member(Role.COMMITTEE_CHAIR, estate, make.user(real_name="李建国"))
    notice = notices.publish(chair, "estate", estate.id, "停水通知", "周六停水")

    def author_as(person):
        response = client.get(f"/api/v1/notices/{notice.id}", headers=auth(person))
        assert response.status_code == 200, response.json
        return response.json["author_name"]

    assert (author_as(member), author_as(owner), author_as(chair)) == ("李建国", "李**", "李建国")
