"""The console's vote pages: the motions of the supervised estates with turnout or outcome,
one motion with its documents, rule, timeline, turnout or full result and .xlsx exports, and
the community's paper-ballot and close-now forms where it organises the vote."""

import io
import re
from html import unescape

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from backend.access.roles import Role
from backend.common.clock import local_text
from backend.extensions import db
from backend.votes.models import Ballot, Elector
from tests.console.test_estate_page import post, table_rows
from tests.console.test_ticket_pages import html_of, signed_in
from tests.download_support import assert_saved
from tests.isolation import once_per_module
from tests.pdf_support import plain_pdf
from tests.test_query_counts import count_queries
from tests.vote_support import ballot_count, build_vcast, motion_row

_vcast_of_module, vcast = once_per_module("vcast", build_vcast)

# The votes' cast and API client as this module's fixtures (tests/console/conftest.py brings
# the ledger's and the tickets'); assigned, not imported, so a test's parameter may share the name.


@pytest.fixture
def as_auditor(client, vcast):
    return signed_in(client, vcast.auditor, "auditor1")


@pytest.fixture
def unverified(vcast, make):
    """A unit of 50.50 m² whose owner is not verified: one more owner in the totals."""
    return make.unit(vcast.estate, building="9栋", number="902", area_dm2=5_050)


@pytest.fixture
def closed(vcast, votes, unverified):
    """Closed: both verified owners voted yes, the unverified unit did not vote."""
    motion = votes.opened(vcast.chair, vcast.estate.id)
    votes.cast(vcast.owner, motion["id"], "yes")
    votes.cast(vcast.owner2, motion["id"], "yes")
    votes.end(motion["id"])
    votes.get(vcast.chair, motion["id"])
    assert motion_row(motion["id"]).status == "closed"
    return motion


@pytest.fixture
def organised(vcast, make):
    """An estate of the auditor's community without a committee: the community organises
    its votes. A verified owner, an unverified unit and the developer's unsold unit."""
    estate = make.estate(vcast.community, "溪畔小区")
    make.member(
        Role.OWNER,
        make.unit(estate, building="1栋", number="101", area_dm2=12_000),
        make.user(real_name="陈美玲"),
    )
    make.unit(estate, building="2栋", number="201", area_dm2=9_000)
    make.unit(estate, building="3栋", number="301", area_dm2=8_000, unsold=True)
    return estate


@pytest.fixture
def paper_motion(vcast, votes, organised):
    return votes.opened(vcast.auditor, organised.id, title="增设电动自行车充电桩")


def elector_id(motion_id, label) -> int:
    return db.session.scalar(
        select(Elector.id).where(Elector.motion_id == motion_id, Elector.label == label)
    )


def motion_ids(client, query="") -> list[int]:
    response = client.get(f"/console/votes{query}")
    assert response.status_code == 200
    return [int(i) for i in re.findall(r'href="/console/votes/(\d+)"', html_of(response))]


def flash_error(html) -> str:
    match = re.search(r'<p class="flash error" role="alert">(.*?)</p>', html, re.S)
    return unescape(match.group(1)) if match else ""


def field_error(html, field) -> str:
    match = re.search(rf'<p class="error" id="paper-{field}-error">(.*?)</p>', html, re.S)
    return unescape(match.group(1)) if match else ""


def rows_of(response) -> list[list]:
    sheet = load_workbook(io.BytesIO(response.data)).active
    return [[cell for cell in row if cell is not None] for row in sheet.iter_rows(values_only=True)]


def paper(client, motion_id, **form):
    return post(client, f"/console/votes/{motion_id}/paper-ballots", form)


# -- sign-in and the layout ------------------------------------------------------------------


def test_vote_pages_need_sign_in(client, vcast, votes):
    motion = votes.announce(vcast.chair, vcast.estate.id)
    for path in (
        "/console/votes",
        f"/console/votes/{motion['id']}",
        f"/console/votes/{motion['id']}/exports/electors.xlsx",
        "/console/motion-attachments/1",
    ):
        response = client.get(path)
        assert response.status_code == 302 and "/console/login" in response.headers["Location"]


def test_nav_links_to_the_votes(vcast, as_auditor):
    assert 'href="/console/votes">业主表决</a>' in html_of(as_auditor.get("/console/"))
    assert 'href="/console/votes" aria-current="page">业主表决</a>' in html_of(
        as_auditor.get("/console/votes")
    )


# -- the list --------------------------------------------------------------------------------


def test_list_shows_only_motions_in_the_staff_members_scope(client, make, vcast, votes):
    mine = votes.announce(vcast.chair, vcast.estate.id)
    far_community = make.community()  # another county's township
    far_estate = make.estate(far_community, "远方小区")
    far_auditor = make.member(Role.AUDITOR, far_community)
    theirs = votes.announce(far_auditor, far_estate.id)
    stranger = make.member(Role.TOWNSHIP_OFFICER, make.township_of(far_community))

    signed_in(client, vcast.auditor, "auditor1")
    assert motion_ids(client) == [mine["id"]]
    assert "远方小区" not in html_of(client.get("/console/votes"))
    signed_in(client, vcast.township, "township1")
    assert motion_ids(client) == [mine["id"]]
    signed_in(client, stranger, "township2")
    assert motion_ids(client) == [theirs["id"]]


def test_rows_show_turnout_while_open_and_the_outcome_once_closed(vcast, votes, closed, as_auditor):
    announced = votes.announce(vcast.chair, vcast.estate.id, title="更换小区门禁系统")
    open_one = votes.opened(vcast.chair, vcast.estate.id, title="使用维修资金维修电梯")
    votes.cast(vcast.owner, open_one["id"], "no")
    opens = motion_row(announced["id"]).opens_at

    rows = table_rows(html_of(as_auditor.get("/console/votes")), "motions")

    # Newest announcement first: the open one was announced (moved back) before the other.
    assert [row[1] for row in rows] == ["更换小区门禁系统", "使用维修资金维修电梯", closed["title"]]
    assert rows[1][0] == vcast.estate.name
    assert rows[1][2] == "选聘和解聘物业服务企业或者其他管理人"
    assert rows[1][3] == "投票中"
    assert rows[1][5] == "1/3 人，100.00/250.50 ㎡"  # how, never shown while open
    assert rows[1][6] == ""
    assert rows[0][3] == "公示中" and rows[0][5] == "" and rows[0][6] == ""
    assert rows[0][4].startswith(f"{local_text(opens)} 至 ")
    assert rows[2][3] == "已结束"
    assert rows[2][5] == "2/3 人，200.00/250.50 ㎡"
    assert rows[2][6] == "通过"


def test_list_filters_by_status_and_estate_name(client, vcast, votes, organised):
    ours = votes.announce(vcast.chair, vcast.estate.id)
    open_one = votes.opened(vcast.chair, vcast.estate.id)
    theirs = votes.announce(vcast.auditor, organised.id)
    signed_in(client, vcast.auditor, "auditor1")

    assert motion_ids(client, "?status=open") == [open_one["id"]]
    assert motion_ids(client, "?status=announced") == [theirs["id"], ours["id"]]
    assert motion_ids(client, "?q=溪畔") == [theirs["id"]]
    assert motion_ids(client, "?q=溪畔&status=open") == []
    # Newest announcement first: the open one's announcement was moved back to open it.
    assert motion_ids(client, "?status=nonsense&page=x") == [
        theirs["id"],
        ours["id"],
        open_one["id"],
    ]
    assert motion_ids(client, "?q=%25") == []  # a wildcard is a character, not "anything"
    html = html_of(client.get("/console/votes?q=溪畔&status=open"))
    assert "没有符合条件的表决" in html
    assert '<option value="open" selected>投票中</option>' in html


def test_a_motion_whose_time_has_come_is_listed_as_open(client, vcast, votes):
    motion = votes.announce(vcast.chair, vcast.estate.id)
    votes.open(motion["id"])  # nobody has read it since: the scheduler lags
    signed_in(client, vcast.auditor, "auditor1")

    assert motion_ids(client, "?status=open") == [motion["id"]]
    assert motion_row(motion["id"]).owners_total == 2


def test_list_pages_20_motions_keeping_the_filters(vcast, votes, as_auditor):
    for _ in range(21):
        votes.announce(vcast.chair, vcast.estate.id)

    first = html_of(as_auditor.get("/console/votes?status=announced"))

    assert len(table_rows(first, "motions")) == 20
    assert "第 1 / 2 页" in first
    assert "/console/votes?page=2&amp;status=announced" in first
    assert len(motion_ids(as_auditor, "?status=announced&page=2")) == 1


def test_list_query_count_does_not_grow_with_rows(app, client, make, votes):
    counts = []
    for n in (1, 6):
        community = make.community()
        estate = make.estate(community)
        owner = make.member(Role.OWNER, make.unit(estate, area_dm2=10_000))
        make.unit(estate, area_dm2=10_000)
        auditor = make.member(Role.AUDITOR, community)
        for _ in range(n):
            motion = votes.opened(auditor, estate.id)
            votes.cast(owner, motion["id"], "yes")
        signed_in(client, auditor, f"auditor-of-{n}")
        with count_queries(app) as statements:
            assert client.get("/console/votes").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]


# -- one motion ------------------------------------------------------------------------------


def test_officer_of_another_township_gets_404_for_a_motion_outside(
    client, make, vcast, closed, paper_motion
):
    other = make.member(Role.TOWNSHIP_OFFICER, make.township(vcast.community.township.county))
    signed_in(client, other, "township2")

    for path in (
        f"/console/votes/{closed['id']}",
        f"/console/votes/{closed['id']}/exports/results.xlsx",
        "/console/votes/99999",
    ):
        response = client.get(path)
        assert response.status_code == 404
        assert vcast.estate.name not in html_of(response)
    ballot = paper(
        client,
        paper_motion["id"],
        elector_id=str(elector_id(paper_motion["id"], "2栋201")),
        choice="yes",
    )
    assert ballot.status_code == 404 and ballot_count(paper_motion["id"]) == 0
    assert post(client, f"/console/votes/{closed['id']}/close", {}).status_code == 404
    assert motion_ids(client) == []


def test_open_motion_shows_turnout_bars_and_no_result(vcast, votes, unverified, as_auditor):
    motion = votes.opened(vcast.chair, vcast.estate.id)
    votes.cast(vcast.owner, motion["id"], "no")

    html = html_of(as_auditor.get(f"/console/votes/{motion['id']}"))

    assert '<span class="status" id="vote-status">投票中</span>' in html
    assert "1/3 人（33.33%）" in html and "100.00/250.50 ㎡（39.92%）" in html
    assert 'style="left: 66.67%"' in html  # the quorum line
    assert 'id="vote-result"' not in html and 'class="key-no"' not in html
    assert "<dt>通过标准</dt><dd>参与表决专有部分面积和人数均过半数同意</dd>" in html
    assert "专有部分面积和人数均三分之二以上的业主参与表决" in html
    assert f"/console/votes/{motion['id']}/exports/electors.xlsx" in html
    assert "exports/results.xlsx" not in html and "exports/ballots.xlsx" not in html
    # The estate has a committee: it organises, the community's auditor only supervises.
    assert 'id="paper-ballot"' not in html and 'id="close-now"' not in html


def test_closed_motion_shows_the_full_result_with_shares(vcast, closed, as_auditor):
    html = html_of(as_auditor.get(f"/console/votes/{closed['id']}"))

    assert '<span class="outcome passed" id="vote-outcome">通过</span>' in html
    assert table_rows(html, "vote-result") == [
        ["全体业主", "3", "100.00%", "—", "250.50 ㎡", "100.00%", "—"],
        ["参与表决", "2", "66.67%", "—", "200.00 ㎡", "79.84%", "—"],
        ["赞成", "2", "66.67%", "100.00%", "200.00 ㎡", "79.84%", "100.00%"],
        ["反对", "0", "0.00%", "0.00%", "0.00 ㎡", "0.00%", "0.00%"],
        ["弃权", "0", "0.00%", "0.00%", "0.00 ㎡", "0.00%", "0.00%"],
    ]
    assert "参与表决已达到专有部分面积和人数均三分之二以上" in html
    for kind in ("results", "ballots", "electors"):
        assert f"/console/votes/{closed['id']}/exports/{kind}.xlsx" in html
    timeline = re.search(r'<ol class="timeline" id="vote-timeline">(.*?)</ol>', html, re.S)
    assert [unescape(s) for s in re.findall(r"<li[^>]*>(.*?)<time>", timeline.group(1))] == [
        "发布公告",
        "投票开始",
        "投票截止",
        "计票完成",
    ]


def test_documents_are_linked_and_served_to_staff_in_scope(client, auth, make, vcast, votes):
    upload = client.post(
        f"/api/v1/estates/{vcast.estate.id}/motion-attachments",
        data={"file": (io.BytesIO(plain_pdf("contract")), "物业合同.pdf")},
        headers=auth(vcast.chair),
    )
    doc = upload.get_json()
    motion = votes.announce(vcast.chair, vcast.estate.id, attachment_ids=[doc["id"]])
    signed_in(client, vcast.auditor, "auditor1")

    html = html_of(client.get(f"/console/votes/{motion['id']}"))
    served = client.get(f"/console/motion-attachments/{doc['id']}")

    assert f'href="/console/motion-attachments/{doc["id"]}"' in html and "物业合同.pdf" in html
    assert served.status_code == 200 and served.data == plain_pdf("contract")
    assert_saved(served, "物业合同.pdf")
    other = make.member(Role.TOWNSHIP_OFFICER, make.township())
    signed_in(client, other, "township2")
    assert client.get(f"/console/motion-attachments/{doc['id']}").status_code == 404


# -- exports ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["results", "ballots", "electors"])
def test_exports_download_as_xlsx_for_auditors(vcast, closed, as_auditor, kind):
    response = as_auditor.get(f"/console/votes/{closed['id']}/exports/{kind}.xlsx")

    assert response.status_code == 200
    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert ".xlsx" in response.headers["Content-Disposition"]
    assert_saved(response)
    rows = rows_of(response)
    assert closed["title"] in rows[0][0]
    if kind == "results":
        assert ["结果", "通过"] in rows


def test_exports_are_refused_before_the_motion_closes(vcast, votes, as_auditor):
    motion = votes.opened(vcast.chair, vcast.estate.id)
    announced = votes.announce(vcast.chair, vcast.estate.id)

    results = as_auditor.get(f"/console/votes/{motion['id']}/exports/results.xlsx")
    ballots = as_auditor.get(f"/console/votes/{motion['id']}/exports/ballots.xlsx")
    electors = as_auditor.get(f"/console/votes/{motion['id']}/exports/electors.xlsx")
    too_early = as_auditor.get(f"/console/votes/{announced['id']}/exports/electors.xlsx")

    assert results.status_code == ballots.status_code == too_early.status_code == 409
    assert "投票结束后才能导出结果和表决票" in html_of(results)
    assert "投票开始后才有表决名册" in html_of(too_early)
    assert electors.status_code == 200


# -- the community organises: paper ballots and closing ------------------------------------


def test_organising_auditor_records_a_paper_ballot(vcast, paper_motion, as_auditor):
    motion_id = paper_motion["id"]
    page = html_of(as_auditor.get(f"/console/votes/{motion_id}"))
    assert 'id="paper-ballot"' in page and 'id="close-now"' in page
    assert "表决名册共 3 位业主" in page
    unit = elector_id(motion_id, "2栋201")
    assert f'<option value="{unit}">2栋201（未认证房屋，1 套，90.00 ㎡）</option>' in page
    assert "陈**（认证业主，1 套，120.00 ㎡）" in page and "陈美玲" not in page

    response = paper(as_auditor, motion_id, elector_id=str(unit), choice="no", note="纸质票 No.007")

    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/console/votes/{motion_id}")
    ballot = db.session.scalar(select(Ballot).where(Ballot.motion_id == motion_id))
    assert (ballot.elector_id, ballot.choice, ballot.channel, ballot.note) == (
        unit,
        "no",
        "paper",
        "纸质票 No.007",
    )
    assert ballot.cast_by_id == vcast.auditor.id
    after = html_of(as_auditor.get(response.headers["Location"]))
    assert "已录入「2栋201」的纸质表决票：反对" in after
    assert f'<option value="{unit}" disabled>2栋201（未认证房屋，1 套，90.00 ㎡） · 已投票' in after
    assert "1/3 人，90.00/290.00 ㎡" in after


def test_elector_search_narrows_the_select(vcast, paper_motion, as_auditor):
    html = html_of(as_auditor.get(f"/console/votes/{paper_motion['id']}?q=3栋"))

    options = re.findall(r'<option value="(\d+)"', html)
    assert options == [str(elector_id(paper_motion["id"], "开发建设单位（未售房屋）"))]
    assert "找到 1 位业主" in html
    assert '<input type="hidden" name="q" value="3栋">' in html


def test_a_second_paper_ballot_for_the_same_owner_is_409_keeping_what_was_typed(
    vcast, paper_motion, as_auditor
):
    unit = str(elector_id(paper_motion["id"], "2栋201"))
    assert paper(as_auditor, paper_motion["id"], elector_id=unit, choice="yes").status_code == 303

    again = paper(as_auditor, paper_motion["id"], elector_id=unit, choice="no", note="补交")

    assert again.status_code == 409
    html = html_of(again)
    assert flash_error(html) == "已投票，表决票一经提交不可更改"
    assert 'name="note" maxlength="200" value="补交"' in html
    assert 'value="no" required checked' in html
    assert ballot_count(paper_motion["id"]) == 1


def test_paper_ballot_with_missing_fields_is_422_on_its_fields(vcast, paper_motion, as_auditor):
    response = paper(as_auditor, paper_motion["id"], elector_id="", choice="maybe")
    elsewhere = paper(as_auditor, paper_motion["id"], elector_id="99999", choice="yes")

    assert response.status_code == 422
    html = html_of(response)
    assert field_error(html, "elector_id") == "此项为必填"
    assert field_error(html, "choice") == "请选择赞成、反对或弃权"
    assert elsewhere.status_code == 404
    assert field_error(html_of(elsewhere), "elector_id") == "不在本次表决名册中"
    assert ballot_count(paper_motion["id"]) == 0


def test_paper_ballot_without_csrf_token_is_refused(vcast, paper_motion, as_auditor):
    unit = str(elector_id(paper_motion["id"], "2栋201"))

    response = as_auditor.post(
        f"/console/votes/{paper_motion['id']}/paper-ballots",
        data={"elector_id": unit, "choice": "yes"},
    )

    assert response.status_code == 400
    assert response.json["error"]["code"] == "csrf_failed"
    assert ballot_count(paper_motion["id"]) == 0


def test_staff_who_do_not_organise_get_no_forms_and_403(client, vcast, paper_motion):
    signed_in(client, vcast.township, "township1")
    html = html_of(client.get(f"/console/votes/{paper_motion['id']}"))
    unit = str(elector_id(paper_motion["id"], "2栋201"))

    response = paper(client, paper_motion["id"], elector_id=unit, choice="yes")

    assert 'id="paper-ballot"' not in html and 'id="close-now"' not in html
    assert response.status_code == 403
    assert "只有业主委员会（未成立业委会的由社区）可以发起和管理表决" in flash_error(
        html_of(response)
    )
    assert ballot_count(paper_motion["id"]) == 0


def test_close_now_waits_for_the_deadline_then_tallies(vcast, votes, paper_motion, as_auditor):
    motion_id = paper_motion["id"]
    page = html_of(as_auditor.get(f"/console/votes/{motion_id}"))
    assert re.search(
        r'id="close-now-button" data-confirm="[^"]+" data-closes-at="\d+" disabled>立即计票', page
    )

    early = post(as_auditor, f"/console/votes/{motion_id}/close", {})
    assert early.status_code == 409
    assert flash_error(html_of(early)) == "投票尚未结束，结束后才能计票（投票中只公布参与情况）"
    assert motion_row(motion_id).status == "open"

    unit = str(elector_id(motion_id, "2栋201"))
    assert paper(as_auditor, motion_id, elector_id=unit, choice="yes").status_code == 303
    votes.end(motion_id)  # the deadline passes while the page is open
    done = post(as_auditor, f"/console/votes/{motion_id}/close", {})

    assert done.status_code == 303
    assert motion_row(motion_id).status == "closed"
    html = html_of(as_auditor.get(done.headers["Location"]))
    assert "已计票：未达到法定参与比例" in html
    assert table_rows(html, "vote-result")[2][:2] == ["赞成", "1"]
    assert 'id="paper-ballot"' not in html and 'id="close-now"' not in html


def test_close_now_waits_for_the_confirmation_step(vcast, votes, paper_motion, as_auditor):
    motion_id = paper_motion["id"]
    # Asked before the deadline: after it, the page's own read would tally the motion.
    page = html_of(as_auditor.get(f"/console/votes/{motion_id}"))
    assert f'data-confirm="确认对「{paper_motion["title"]}」立即计票？' in page

    unconfirmed = post(as_auditor, f"/console/votes/{motion_id}/close", {"confirmed": ""})

    assert unconfirmed.status_code == 422
    assert "此操作不可撤销，请在确认提示中确认后再提交" in html_of(unconfirmed)
    assert motion_row(motion_id).status == "open"
