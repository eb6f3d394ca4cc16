"""The mini-program's fund pages, driven through exactly the requests they send (miniprogram/
utils/funds-api.js, votes-api.js, estates.js): 维修资金 (fund), 维修项目 (repair-projects),
the project page (repair-project), its work page (repair-project-work), the new project form
(repair-project-compose) and motion-compose's building scope. What only the console does (the
township's pre-check, the fund import) is set up through the fund helpers."""

import io

import pytest

from tests.fund_support import FundApi
from tests.ledger_support import png_bytes
from tests.pdf_support import plain_pdf

# What the pages read of each answer (miniprogram/utils/funds-view.js): a rename breaks here first.
READS = {
    "fund": {"estate_name", "exists", "balance_fen", "chain_length", "head_hash", "buildings"}
    | {"my_units"},
    "building": {"building_id", "name", "unit_count", "area_dm2", "balance_fen"},
    "movement": {"id", "kind_label", "occurred_on", "amount_fen", "building_name", "unit_label"}
    | {"description", "project_id", "chain_seq", "hash", "my_amount_fen"},
    "summary": {"id", "title", "category_label", "path_label", "status", "status_label"}
    | {"budget_fen", "paid_fen", "building_names"},
    "project": {"title", "scope", "category", "category_label", "path", "path_label", "status"}
    | {"status_label", "budget_fen", "approved_budget_fen", "paid_fen", "choice_reason"}
    | {"buildings", "bearing_unit_count", "bearing_area_dm2", "quotes", "quotes_required"}
    | {"motion", "approval_round", "sign_offs", "owners_notice_due_on", "owners_notice_id"}
    | {"owners_told_at", "precheck_comment", "prechecked_at", "prechecked_by_name"}
    | {"acceptance_note", "accepted_at", "accepted_by_name", "documents", "payments"}
    | {"rating", "events", "actions", "created_at"},
    "document": {"id", "kind", "kind_label", "caption", "filename", "content_type", "size", "url"},
    "payment": {"id", "amount_fen", "paid_on", "payee", "hash", "chain_seq", "overdraft_reason"},
    "rating": {"count", "average", "open_until", "my_score", "can_rate"},
    "event": {"action_label", "actor_name", "note", "created_at"},
}


def reads(kind, body):
    missing = READS[kind] - set(body)
    assert not missing, (kind, missing)


class Phone:
    """The requests of the fund pages, with the bodies they build."""

    def __init__(self, client, auth, fund: FundApi):
        self.client, self.auth, self.fund = client, auth, fund
        self.estate_id = fund.estate_id

    def get(self, person, path, **query):
        response = self.client.get(path, query_string=query, headers=self.auth(person))
        assert response.status_code == 200, (path, response.json)
        return response.json

    def post(self, person, path, body=None, status=200):
        kwargs = {} if body is None else {"json": body}
        response = self.client.post(path, headers=self.auth(person), **kwargs)
        assert response.status_code == status, (path, response.json)
        return response.json

    def project(self, project_id, path=""):
        return f"/api/v1/estates/{self.estate_id}/repair-projects/{project_id}{path}"

    def upload(self, person, project_id, kind, caption, data, filename, temp_name):
        """wx.uploadFile: the temp file (its name keeps the suffix) as `file`, and the person's
        own file name, when the chooser knows one (a file from a chat), as a field."""
        form = {"file": (io.BytesIO(data), temp_name), "kind": kind, "caption": caption}
        if filename:
            form["filename"] = filename
        response = self.client.post(
            self.project(project_id, "/documents"),
            data=form,
            headers=self.auth(person),
            content_type="multipart/form-data",
        )
        assert response.status_code == 201, response.json
        return response.json

    def step(self, person, project_id, action, note=None):
        body = {"action": action, **({"note": note} if note else {})}
        return self.post(person, self.project(project_id, "/transitions"), body)


@pytest.fixture
def phone(client, auth, fund) -> Phone:
    return Phone(client, auth, fund)


def building_id(phone, person, name):
    buildings = phone.get(person, f"/api/v1/directory/estates/{phone.estate_id}/buildings")
    return next(b["id"] for b in buildings["items"] if b["name"] == name)


def create_project(phone, person, building_ids, **fields):
    """repair-project-compose: the budget typed as 30000.50 yuan arrives as exact fen."""
    body = {
        "title": "1栋屋面防水",
        "scope": "屋面防水层整体翻新",
        "category": "roof_wall_leak",
        "path": "vote",
        "budget_fen": 3_000_050,
        "building_ids": building_ids,
        "unit_ids": [],
        **fields,
    }
    return phone.post(person, f"/api/v1/estates/{phone.estate_id}/repair-projects", body, 201)


def test_the_committee_runs_a_voted_repair_and_an_owner_who_bears_it_rates_it(phone, fund, fcast):
    cast, estate_id = fcast, phone.estate_id
    fund.fund_in()
    # 维修项目 shows 新建维修项目 to the committee, by the estate's my_roles.
    roles = phone.get(cast.chair, f"/api/v1/estates/{estate_id}")["my_roles"]
    assert {"committee_chair"} <= {r["role"] for r in roles}
    b1 = building_id(phone, cast.chair, "1栋")

    project = create_project(phone, cast.chair, [b1])
    assert (project["status"], project["budget_fen"]) == ("draft", 3_000_050)
    assert {"add_quote", "submit", "cancel"} <= set(project["actions"])
    pid = project["id"]

    # The work page: a quote, then the choice with its reason.
    quote = phone.post(
        cast.chair,
        phone.project(pid, "/quotes"),
        {"contractor": "安溪防水工程公司", "amount_fen": 2_980_050, "note": ""},
        201,
    )
    chosen = phone.post(
        cast.chair,
        phone.project(pid, f"/quotes/{quote['id']}/choose"),
        {"reason": "报价最低且资质齐全"},
    )
    assert chosen["choice_reason"] == "报价最低且资质齐全"
    assert [q["is_chosen"] for q in chosen["quotes"]] == [True]

    assert phone.step(cast.chair, pid, "submit")["status"] == "submitted"
    fund.step(cast.township, pid, "precheck_pass")  # the console's pre-check

    # The work page lists the estate's votes on using the fund; there is none yet, so
    # motion-compose puts one to 1栋's owners.
    listed = phone.get(cast.chair, f"/api/v1/estates/{estate_id}/motions", page=1, page_size=50)
    assert not [m for m in listed["items"] if m["matter"] == "use_maintenance_fund"]
    motion = fund.votes.announce(
        cast.chair, estate_id, matter="use_maintenance_fund", building_ids=[b1]
    )
    assert motion["building_ids"] == [b1]  # the motion page's 表决范围
    fund.votes.open(motion["id"])
    fund.votes.get(cast.chair, motion["id"])
    for owner in (cast.owner, cast.owner2):
        assert fund.votes.cast(owner, motion["id"], "yes").status_code == 201
    fund.votes.end(motion["id"])
    listed = phone.get(cast.chair, f"/api/v1/estates/{estate_id}/motions", page=1, page_size=50)
    [offered] = [m for m in listed["items"] if m["matter"] == "use_maintenance_fund"]
    assert (offered["id"], offered["status"], offered["building_ids"]) == (
        motion["id"],
        "closed",
        [b1],
    )

    cited = phone.post(cast.chair, phone.project(pid, "/motion"), {"motion_id": motion["id"]})
    assert cited["status"] == "authorised"
    assert (cited["motion"]["id"], cited["motion"]["passed"]) == (motion["id"], True)

    contract = phone.upload(
        cast.chair, pid, "contract", "施工合同", plain_pdf("合同"), "合同.pdf", "tmp_1.pdf"
    )
    assert (contract["kind"], contract["filename"]) == ("contract", "合同.pdf")
    assert phone.step(cast.chair, pid, "start")["status"] == "in_progress"
    phone.upload(cast.chair, pid, "progress_photo", "施工进度", png_bytes(), "", "tmp_2.png")
    # A rise within the limit keeps the works going.
    changed = phone.post(
        cast.chair,
        phone.project(pid, "/budget"),
        {"budget_fen": 3_100_000, "reason": "基层破损需一并处理"},
    )
    assert (changed["status"], changed["budget_fen"]) == ("in_progress", 3_100_000)

    phone.upload(cast.chair, pid, "acceptance_photo", "竣工验收", png_bytes(), "", "tmp_3.png")
    accepted = phone.step(cast.chair, pid, "accept", "闭水试验合格")
    assert accepted["status"] == "accepted" and "pay" in accepted["actions"]
    kinds = [d["kind"] for d in accepted["documents"]]
    assert kinds == ["contract", "progress_photo", "acceptance_photo"]

    voucher = phone.upload(
        cast.chair, pid, "voucher", "支付凭证", plain_pdf("凭证"), "转账.pdf", "tmp_4.pdf"
    )
    paid = phone.post(
        cast.chair,
        phone.project(pid, "/payments"),
        {
            "amount_fen": 3_100_000,
            "paid_on": "2026-11-02",
            "payee": "安溪防水工程公司",
            "voucher_ids": [voucher["id"]],
            "final": True,
            "overdraft_reason": None,
        },
        201,
    )
    assert sum(a["amount_fen"] for a in paid["allocations"]) == -3_100_000
    assert paid["chain_seq"] and paid["hash"]

    # The owner of unit A (100 of 1栋's 150 m²) on 维修资金 and on the project: two thirds of
    # ¥50,000 in (3,333,333.3 fen, rounded down), two thirds of ¥31,000 out (2,066,666.7 fen:
    # the larger remainder takes the odd fen).
    mine = phone.get(cast.owner, f"/api/v1/estates/{estate_id}/fund")
    [unit] = mine["my_units"]
    assert unit["balance_fen"] == 3_333_333 - 2_066_667
    movements = phone.get(
        cast.owner, f"/api/v1/estates/{estate_id}/fund/movements", page=1, page_size=20
    )
    payment = movements["items"][0]
    assert (payment["kind"], payment["project_id"], payment["hash"]) == (
        "payment",
        pid,
        paid["hash"],
    )
    assert payment["my_amount_fen"] == -2_066_667
    # Tapping 1栋 on 维修资金 lists its movements alone.
    of_b1 = phone.get(
        cast.owner,
        f"/api/v1/estates/{estate_id}/fund/movements",
        page=1,
        page_size=20,
        building_id=b1,
    )
    assert payment["id"] in [m["id"] for m in of_b1["items"]]
    assert {m["building_id"] for m in of_b1["items"]} <= {b1, None}
    # 核验资金链: the owner recomputes the chain, the payment's link included.
    verified = phone.get(cast.owner, f"/api/v1/estates/{estate_id}/fund/verify")
    assert verified["ok"] and verified["head_hash"] == paid["hash"]
    assert verified["links_checked"] == payment["chain_seq"]
    shown = phone.get(cast.owner, phone.project(pid))
    assert shown["status"] == "paid" and shown["payments"][0]["hash"] == paid["hash"]
    reads("fund", mine)
    reads("building", mine["buildings"][0])
    reads("movement", payment)
    reads("project", shown)
    reads("document", shown["documents"][0])
    reads("payment", shown["payments"][0])
    reads("rating", shown["rating"])
    reads("event", shown["events"][0])
    listed = phone.get(cast.owner, f"/api/v1/estates/{estate_id}/repair-projects", page=1)
    reads("summary", listed["items"][0])
    assert shown["rating"]["can_rate"] and "rate" in shown["actions"]

    rated = phone.post(cast.owner, phone.project(pid, "/ratings"), {"score": 4, "comment": ""}, 201)
    assert rated["score"] == 4
    again = phone.get(cast.owner, phone.project(pid))["rating"]
    assert (again["my_score"], again["can_rate"], again["count"]) == (4, False, 1)
    # Once only, and only by the owners who bear the cost.
    refused = phone.client.post(
        phone.project(pid, "/ratings"),
        json={"score": 5, "comment": ""},
        headers=phone.auth(cast.owner),
    )
    assert refused.status_code == 409
    not_bearing = phone.get(cast.owner3, phone.project(pid))
    assert not not_bearing["rating"]["can_rate"]


def test_an_emergency_repair_is_signed_by_three_and_told_to_the_owners(phone, fund, fcast):
    cast = fcast
    b2 = building_id(phone, cast.chair, "2栋")
    project = create_project(
        phone, cast.chair, [b2], title="2栋电梯曳引机更换", category="lift", path="emergency"
    )
    pid = project["id"]
    phone.step(cast.chair, pid, "submit")
    fund.step(cast.township, pid, "precheck_pass")

    for person, kind in ((cast.chair, "committee"), (cast.auditor, "community")):
        shown = phone.get(person, phone.project(pid))
        assert f"sign_{kind}" in shown["actions"]
        signed = phone.post(person, phone.project(pid, "/sign-offs"), {"kind": kind, "note": ""})
        assert signed["status"] == "prechecked"
    signed = phone.post(
        cast.township, phone.project(pid, "/sign-offs"), {"kind": "township", "note": "同意"}
    )
    assert signed["status"] == "authorised"
    assert sorted(s["kind"] for s in signed["sign_offs"]) == ["committee", "community", "township"]
    assert {s["approval_round"] for s in signed["sign_offs"]} == {signed["approval_round"]}

    told = phone.get(cast.chair, phone.project(pid))
    assert "notify_owners" in told["actions"]
    told = phone.post(cast.chair, phone.project(pid, "/owners-notice"))
    assert told["owners_told_at"] and "notify_owners" not in told["actions"]
    # The owners see it on 维修项目 and its page, names masked.
    listed = phone.get(cast.owner3, f"/api/v1/estates/{phone.estate_id}/repair-projects", page=1)
    assert [p["id"] for p in listed["items"]] == [pid]
    seen = phone.get(cast.owner3, phone.project(pid))
    assert {s["user_name"] for s in seen["sign_offs"]} == {"李**", "林*", "黄*"}


def test_a_payment_taking_units_below_zero_needs_the_recorded_decision_the_page_asks_for(
    phone, fund, fcast
):
    cast = fcast
    fund.fund_in(amount_yuan=100)
    project = fund.authorised_by_vote()
    fund.accepted(fund.started(project))
    pid = project["id"]
    voucher = phone.upload(cast.chair, pid, "voucher", "支付凭证", png_bytes(), "", "tmp_5.png")
    body = {
        "amount_fen": 3_000_000,
        "paid_on": "2026-11-02",
        "payee": "安溪防水工程公司",
        "voucher_ids": [voucher["id"]],
        "final": True,
        "overdraft_reason": None,
    }
    refused = phone.client.post(
        phone.project(pid, "/payments"), json=body, headers=phone.auth(cast.chair)
    )
    assert refused.status_code == 409
    # The page lists these under 以下房屋的维修资金余额不足.
    assert len(refused.json["error"]["fields"]["units"]) == 2

    paid = phone.post(
        cast.chair,
        phone.project(pid, "/payments"),
        {**body, "overdraft_reason": "业主大会决定先行垫付，后续补缴"},
        201,
    )
    assert sum(a["amount_fen"] for a in paid["allocations"]) == -3_000_000
    shown = phone.get(cast.chair, phone.project(pid))
    assert shown["payments"][0]["overdraft_reason"] == "业主大会决定先行垫付，后续补缴"


def test_an_owner_of_another_estate_reaches_none_of_the_fund_pages(phone, fund, fcast):
    project = fund.prechecked()
    for path in (
        f"/api/v1/estates/{phone.estate_id}/fund",
        f"/api/v1/estates/{phone.estate_id}/fund/movements",
        f"/api/v1/estates/{phone.estate_id}/repair-projects",
        phone.project(project["id"]),
    ):
        response = phone.client.get(path, headers=phone.auth(fcast.outsider))
        assert response.status_code == 404, path


def test_a_returned_project_is_changed_on_the_form_and_submitted_again(phone, fund, fcast):
    cast = fcast
    b1 = building_id(phone, cast.chair, "1栋")
    b2 = building_id(phone, cast.chair, "2栋")
    pid = create_project(phone, cast.chair, [b1])["id"]
    phone.step(cast.chair, pid, "submit")
    fund.step(cast.township, pid, "precheck_return", "请把2栋一并纳入")

    returned = phone.get(cast.chair, phone.project(pid))
    assert (returned["status"], returned["precheck_comment"]) == ("returned", "请把2栋一并纳入")
    assert {"edit", "submit"} <= set(returned["actions"])
    # repair-project-compose in edit mode sends the form back; the buildings changed, so every
    # unit of both bears the cost (it sends no unit_ids: the phone has no unit picker).
    response = phone.client.patch(
        phone.project(pid),
        json={
            "title": "1栋、2栋屋面防水",
            "scope": "屋面防水层整体翻新",
            "category": "roof_wall_leak",
            "path": "vote",
            "budget_fen": 4_500_000,
            "building_ids": [b1, b2],
        },
        headers=phone.auth(cast.chair),
    )
    assert response.status_code == 200, response.json
    changed = response.json
    assert (changed["budget_fen"], changed["bearing_unit_count"]) == (4_500_000, 3)
    assert phone.step(cast.chair, pid, "submit")["status"] == "submitted"


def test_an_edit_that_keeps_the_buildings_keeps_the_bearing_units(phone, fund, fcast):
    # A project borne by one unit of 1栋 only; the form sends neither buildings nor units back
    # when the buildings are unchanged.
    project = fund.draft(unit_ids=[fcast.unit_a.id])
    assert project["bearing_unit_count"] == 1
    response = phone.client.patch(
        phone.project(project["id"]),
        json={
            "title": project["title"],
            "scope": project["scope"],
            "category": "roof_wall_leak",
            "path": "vote",
            "budget_fen": 2_800_000,
        },
        headers=phone.auth(fcast.chair),
    )
    assert response.status_code == 200, response.json
    assert (response.json["budget_fen"], response.json["bearing_unit_count"]) == (2_800_000, 1)


@pytest.mark.parametrize("value", ["abc", "0", str(2**40), "1.5"])
def test_a_bad_building_filter_is_a_422(phone, fcast, value):
    response = phone.client.get(
        f"/api/v1/estates/{phone.estate_id}/fund/movements",
        query_string={"building_id": value},
        headers=phone.auth(fcast.owner),
    )
    assert response.status_code == 422, response.json
    assert "building_id" in response.json["error"]["fields"]
