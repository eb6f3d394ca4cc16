"""Writing and checking a project: bearing units, quotes, the township's pre-check, who sees
what, and the trail of events and group posts."""

from sqlalchemy import select

from backend.extensions import db
from backend.outbox.models import OutboxMessage
from tests.fund_support import build_fund_cast
from tests.isolation import once_per_module

_fcast_of_module, fcast = once_per_module("fcast", build_fund_cast)


def _quote(fund, project_id, amount=2_900_000, contractor="甲公司"):
    body = {"contractor": contractor, "amount_fen": amount}
    return fund.post(fund.cast.chair, fund.project_url(project_id, "/quotes"), body)


def test_every_unit_of_the_buildings_bears_the_cost_unless_units_are_named(fund, fcast):
    whole = fund.draft()
    assert whole["bearing_unit_count"] == 2
    assert whole["bearing_area_dm2"] == 15_000
    one = fund.draft(unit_ids=[fcast.unit_b.id])
    assert one["bearing_unit_count"] == 1
    assert fund.create(unit_ids=[fcast.unit_c.id]).status_code == 422


def test_buildings_of_another_estate_are_refused(fund, make):
    other = make.unit(make.estate(), building="9栋")
    assert fund.create(building_ids=[other.building_id]).status_code == 422


def test_only_the_committee_writes_projects(fund, fcast):
    assert fund.create(fcast.manager).status_code == 403
    assert fund.create(fcast.owner).status_code == 403
    assert fund.create(fcast.outsider).status_code == 404


def test_a_large_budget_needs_three_quotes_and_a_reasoned_choice(fund, fcast, app):
    app.config["FUND_QUOTES_ABOVE_FEN"] = 1_000_000
    try:
        project = fund.draft()
        assert project["quotes_required"] == 3
        _quote(fund, project["id"])
        _quote(fund, project["id"], contractor="乙公司")
        response = fund.act(fcast.chair, project["id"], "submit")
        assert response.status_code == 409
        assert "至少 3 份报价" in response.json["error"]["message"]
        chosen = _quote(fund, project["id"], 2_800_000, "丙公司").json
        assert fund.act(fcast.chair, project["id"], "submit").status_code == 409
        url = fund.project_url(project["id"], f"/quotes/{chosen['id']}/choose")
        detail = fund.post(fcast.chair, url, {"reason": "报价最低，资质齐全"}).json
        assert [q["is_chosen"] for q in detail["quotes"]] == [False, False, True]
        assert fund.step(fcast.chair, project["id"], "submit")["status"] == "submitted"
    finally:
        app.config["FUND_QUOTES_ABOVE_FEN"] = 20_000_000


def test_a_small_budget_needs_no_quotes(fund, fcast):
    project = fund.draft(budget_fen=500_000)
    assert project["quotes_required"] == 0
    assert fund.step(fcast.chair, project["id"], "submit")["status"] == "submitted"


def test_the_township_prechecks_and_may_return_with_comments(fund, fcast):
    project = fund.draft()
    fund.step(fcast.chair, project["id"], "submit")
    assert fund.act(fcast.chair, project["id"], "precheck_pass").status_code == 403
    assert fund.act(fcast.township, project["id"], "precheck_return").status_code == 422
    returned = fund.step(fcast.township, project["id"], "precheck_return", "请补充屋面检测报告")
    assert returned["status"] == "returned"
    assert returned["precheck_comment"] == "请补充屋面检测报告"
    edited = fund.client.patch(
        fund.url(fund.project_url(project["id"])),
        json={"scope": "屋面防水翻新，附检测报告。"},
        headers=fund.auth(fcast.chair),
    )
    assert edited.status_code == 200
    fund.step(fcast.chair, project["id"], "submit")
    passed = fund.step(fcast.township, project["id"], "precheck_pass", "同意")
    assert passed["status"] == "prechecked"
    assert passed["prechecked_by_name"] == "黄伟"


def test_owners_do_not_see_drafts_and_outsiders_see_nothing(fund, fcast):
    project = fund.draft()
    assert fund.get(fcast.owner, fund.project_url(project["id"])).status_code == 404
    assert fund.get(fcast.owner, "/repair-projects").json["total"] == 0
    fund.step(fcast.chair, project["id"], "submit")
    assert fund.get(fcast.owner, fund.project_url(project["id"])).status_code == 200
    assert fund.get(fcast.outsider, fund.project_url(project["id"])).status_code == 404
    assert fund.get(fcast.outsider, "/repair-projects").status_code == 404
    assert fund.get(fcast.outsider, "/fund").status_code == 404


def test_owners_see_names_masked_and_staff_in_full(fund, fcast):
    project = fund.prechecked()
    owner_view = fund.get(fcast.owner, fund.project_url(project["id"])).json
    staff_view = fund.get(fcast.auditor, fund.project_url(project["id"])).json
    assert owner_view["prechecked_by_name"] == "黄*"
    assert staff_view["prechecked_by_name"] == "黄伟"
    assert {e["actor_name"] for e in owner_view["events"]} == {"李**", "黄*"}


def test_every_stage_is_an_event_and_posted_once_to_the_group(fund, fcast, make):
    group = make.group_chat(fcast.estate)
    fund.fund_in()
    project = fund.accepted(fund.started(fund.authorised_by_vote()))
    fund.pay(project["id"])
    detail = fund.get(fcast.chair, fund.project_url(project["id"])).json
    actions = [e["action"] for e in detail["events"]]
    stages = ["create", "submit", "precheck_pass", "cite_motion", "authorise", "start", "accept"]
    assert [a for a in actions if a in stages] == stages
    assert actions[-1] == "pay"
    topics = db.session.scalars(
        select(OutboxMessage.topic)
        .where(OutboxMessage.group_chat_id == group.id, OutboxMessage.topic.like("fund.%"))
        .order_by(OutboxMessage.id)
    ).all()
    assert topics == [
        "fund.proposed",
        "fund.prechecked",
        "fund.authorised",
        "fund.started",
        "fund.accepted",
        "fund.paid",
    ]
    # A stage repeated by a retried request is refused, so it never posts twice.
    assert fund.act(fcast.chair, project["id"], "accept", "再验").status_code == 409
    assert (
        db.session.scalar(
            select(OutboxMessage.id).where(OutboxMessage.topic == "fund.accepted").offset(1)
        )
        is None
    )


def test_citing_an_open_vote_posts_vote_opened(fund, fcast, make):
    make.group_chat(fcast.estate)
    project = fund.prechecked()
    motion = fund.votes.announce(
        fcast.chair, fcast.estate.id, matter="use_maintenance_fund", building_ids=[fcast.b1.id]
    )
    fund.post(fcast.chair, fund.project_url(project["id"], "/motion"), {"motion_id": motion["id"]})
    assert (
        db.session.scalar(
            select(OutboxMessage.topic).where(OutboxMessage.topic == "fund.vote_opened")
        )
        == "fund.vote_opened"
    )


def test_progress_photos_are_pictures_only(fund, fcast):
    project = fund.authorised_by_vote()
    pdf = b"%PDF-1.4 not really"
    response = fund.document(fcast.manager, project["id"], "progress_photo", pdf, "a.pdf")
    assert response.status_code == 422
    ok = fund.document(fcast.manager, project["id"], "progress_photo")
    assert ok.status_code == 201
    download = fund.client.get(
        fund.url(fund.project_url(project["id"], f"/documents/{ok.json['id']}")),
        headers=fund.auth(fcast.owner),
    )
    assert download.status_code == 200
    assert download.mimetype == "image/png"
    assert fund.document(fcast.owner, project["id"], "progress_photo").status_code == 403
