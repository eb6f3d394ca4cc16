"""The community auditor's ledger pages: the audit queue, one period with its entries,
vouchers and history, auditing or returning it from the page, the statement files, and the
owners' questions left unanswered too long."""

import io
from datetime import timedelta
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from backend.access.roles import Role, ScopeKind
from backend.accounts import services as accounts
from backend.common.clock import local_text, utcnow
from backend.extensions import db
from backend.ledger.models import LedgerEvent, LedgerPeriod, LedgerQuestion, LedgerVoucher
from backend.outbox.models import OutboxMessage
from tests.console.test_console import sign_in
from tests.console.test_estate_page import post, table_rows
from tests.download_support import assert_saved, assert_shown
from tests.isolation import once_per_module
from tests.ledger_support import (
    STAFF_PASSWORD,
    LedgerApi,
    approved_period,
    build_cast,
    give_console_password,
    png_bytes,
)
from tests.pdf_support import plain_pdf
from tests.test_query_counts import count_queries
from tests.xlsx_support import HOSTILE, assert_written_as_text

_cast_of_module, cast = once_per_module("cast", build_cast)

PDF = plain_pdf()
EXPENSE = {
    "entry_date": "2026-10-12",
    "direction": "expense",
    "category": "maintenance",
    "amount_fen": 50000,
    "counterparty": "鑫达电梯维保公司",
    "description": "3号楼电梯更换门机皮带",
}


@pytest.fixture
def as_auditor(client, cast):
    give_console_password(cast.auditor, "auditor1")
    sign_in(client, "auditor1")
    return client


@pytest.fixture
def period(ledger, cast):
    """October, approved by the committee: parking income with a photo and a PDF voucher,
    and an elevator repair."""
    vouchers = [("停车收费截图.png", png_bytes()), ("维保合同.pdf", PDF)]
    return approved_period(ledger, cast, entries=[{}, EXPENSE], vouchers=vouchers)


def period_url(cast, period_id, suffix=""):
    return f"/console/estates/{cast.estate.id}/ledger/{period_id}{suffix}"


def committee_of(make, estate):
    """Someone to prepare, and two members to approve, an estate's accounts."""
    return SimpleNamespace(
        manager=make.member(Role.PROPERTY_MANAGER, estate),
        chair=make.member(Role.COMMITTEE_CHAIR, estate),
        member=make.member(Role.COMMITTEE_MEMBER, estate),
    )


def transition(client, cast, period_id, **form):
    return post(client, period_url(cast, period_id, "/transitions"), form)


def snapshot(period_id):
    db.session.expire_all()
    row = db.session.get(LedgerPeriod, period_id)
    events = db.session.scalar(select(func.count()).where(LedgerEvent.period_id == period_id))
    return row.status, row.version, events


def voucher_ids() -> list[int]:
    return db.session.scalars(select(LedgerVoucher.id).order_by(LedgerVoucher.id)).all()


def last_event(period_id):
    return db.session.scalar(
        select(LedgerEvent)
        .where(LedgerEvent.period_id == period_id)
        .order_by(LedgerEvent.id.desc())
    )


# -- the queue ---------------------------------------------------------------------------


def test_ledger_pages_need_sign_in(client, cast, period):
    for path in ("/console/ledger", period_url(cast, period["id"])):
        response = client.get(path)
        assert response.status_code == 302 and "/console/login" in response.headers["Location"]


def test_queue_lists_only_committee_approved_periods_of_the_auditors_community(
    client, auth, make, ledger, cast, as_auditor
):
    september = approved_period(ledger, cast, "2026-09-01", entries=[{"entry_date": "2026-09-03"}])
    ledger.open_period(cast.manager, "2026-10-01")  # a draft: not the auditor's turn
    submitted = ledger.open_period(cast.manager, "2026-08-01")
    ledger.add_entry(cast.manager, submitted["id"], entry_date="2026-08-05")
    ledger.act(cast.manager, submitted["id"], "submit")  # waiting for the committee
    community = cast.estate.community
    neighbour = make.estate(community, "翠湖苑")  # same community: the same auditor
    neighbours = LedgerApi(client, auth, neighbour.id)
    neighbour_period = approved_period(neighbours, committee_of(make, neighbour), entries=[EXPENSE])
    elsewhere = make.estate(name="别处小区")  # another community's estate
    approved_period(LedgerApi(client, auth, elsewhere.id), committee_of(make, elsewhere))

    html = as_auditor.get("/console/ledger").get_data(as_text=True)

    submitted_at = {
        p.id: local_text(p.submitted_at) for p in db.session.scalars(select(LedgerPeriod)).all()
    }
    assert table_rows(html, "audit-queue") == [
        [
            cast.estate.name,
            "2026年9月",
            "¥3,600.00",
            "¥0.00",
            "2/2",
            submitted_at[september["id"]],
            "去审核",
        ],
        [
            "翠湖苑",
            "2026年10月",
            "¥0.00",
            "¥500.00",
            "2/2",
            submitted_at[neighbour_period["id"]],
            "去审核",
        ],
    ]
    assert f'href="{period_url(cast, september["id"])}"' in html
    assert "别处小区" not in html
    assert "共 2 个" in html


def test_console_layout_links_to_the_ledger_queue(as_auditor):
    html = as_auditor.get("/console/").get_data(as_text=True)
    assert 'href="/console/ledger">账目审核</a>' in html


def test_officer_opens_the_queue_and_sees_that_it_is_empty(client, cast, period):
    community = cast.estate.community
    accounts.create_staff(
        "township1",
        STAFF_PASSWORD,
        Role.TOWNSHIP_OFFICER,
        ScopeKind.TOWNSHIP,
        community.township_id,
        "黄伟",
    )
    sign_in(client, "township1")

    response = client.get("/console/ledger")

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert table_rows(html, "audit-queue") == [["暂无待审核的账目"]]
    assert table_rows(html, "overdue-questions") == [["暂无超期未答复的质询"]]


def test_queue_pages_20_periods(client, auth, make, cast, as_auditor):
    community = cast.estate.community
    for n in range(21):
        estate = make.estate(community, f"小区{n:02d}")
        approved_period(LedgerApi(client, auth, estate.id), committee_of(make, estate))

    first = as_auditor.get("/console/ledger").get_data(as_text=True)
    second = as_auditor.get("/console/ledger?page=2").get_data(as_text=True)

    assert len(table_rows(first, "audit-queue")) == 20
    assert "第 1 / 2 页" in first and "page=2" in first
    assert [row[0] for row in table_rows(second, "audit-queue")] == ["小区20"]


# -- one period --------------------------------------------------------------------------


def test_period_page_shows_balances_entries_vouchers_history_and_audit_forms(
    as_auditor, cast, period
):
    response = as_auditor.get(period_url(cast, period["id"]))

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f"{cast.estate.name} · 2026年10月" in html
    assert '<span class="status" id="period-status">待社区审核</span>' in html
    for label, amount in (
        ("期初余额", "¥0.00"),
        ("本期收入", "¥3,600.00"),
        ("本期支出", "¥500.00"),
        ("期末余额", "¥3,100.00"),
    ):
        assert f"<dt>{label}</dt><dd>{amount}</dd>" in html
    assert ["收入", "停车收益", "¥3,600.00", "—"] in table_rows(html, "categories")
    entries = table_rows(html, "entries")
    assert entries == [
        [
            "2026-10-05",
            "收入",
            "停车收益",
            "¥3,600.00",
            "临停收费系统",
            "10月临时停车收入",
            "PDF：维保合同.pdf",
        ],
        [
            "2026-10-12",
            "支出",
            "维修维保",
            "¥500.00",
            "鑫达电梯维保公司",
            EXPENSE["description"],
            "无",
        ],
    ]
    image, pdf = voucher_ids()
    voucher_url = f"/console/estates/{cast.estate.id}/ledger/vouchers"
    assert f'<img src="{voucher_url}/{image}" alt="凭证 停车收费截图.png"' in html
    assert f'href="{voucher_url}/{pdf}"' in html
    assert [row[1:4] for row in table_rows(html, "events")] == [
        # Staff read the trail by full names (DESIGN.md, people and trails).
        ["新建账期", "草稿", "赵强（物业项目经理）"],
        ["提交审批", "草稿 → 待业委会审批", "赵强（物业项目经理）"],
        ["业委会审批通过", "待业委会审批 → 待业委会审批", "李建国（业委会主任）"],
        ["业委会审批通过", "待业委会审批 → 待社区审核", "王芳（业委会委员）"],
    ]
    assert ">审核通过</button>" in html and ">退回修改</button>" in html
    assert 'name="reason"' in html and 'maxlength="200"' in html
    assert period_url(cast, period["id"], "/statement.xlsx") in html
    assert period_url(cast, period["id"], "/statement.pdf") in html


def test_reversal_shows_as_a_negative_amount_against_last_periods_totals(ledger, cast, as_auditor):
    september = ledger.publish_period(cast, "2026-09-01")
    [original] = ledger.get(cast.manager, f"/periods/{september['id']}/entries").json["items"]
    reversal = {"reverses_entry_id": original["id"], "description": "9月停车收入重复入账，冲销"}
    october = approved_period(ledger, cast, entries=[{}, reversal])

    html = as_auditor.get(period_url(cast, october["id"])).get_data(as_text=True)

    rows = table_rows(html, "entries")
    assert rows[1][3] == "-¥3,600.00"
    assert f"冲销分录 #{original['id']}" in rows[1][5]
    assert '<td class="money negative">-¥3,600.00</td>' in html
    assert "<dt>期初余额</dt><dd>¥3,600.00</dd>" in html
    assert "<dt>本期收入</dt><dd>¥0.00</dd>" in html
    assert "上期（2026年9月）" in html
    assert ["收入", "停车收益", "¥0.00", "¥3,600.00"] in table_rows(html, "categories")


def test_another_communitys_auditor_gets_404_for_the_period_its_files_and_forms(
    client, cast, period
):
    give_console_password(cast.other_auditor, "stranger")
    sign_in(client, "stranger")
    voucher_id, _pdf = voucher_ids()
    before = snapshot(period["id"])

    responses = [
        client.get(period_url(cast, period["id"])),
        client.get(period_url(cast, period["id"], "/statement.xlsx")),
        client.get(period_url(cast, period["id"], "/statement.pdf")),
        client.get(f"/console/estates/{cast.estate.id}/ledger/vouchers/{voucher_id}"),
        transition(client, cast, period["id"], action="audit"),
        transition(client, cast, period["id"], action="return", reason="x" * 300),
    ]

    assert [r.status_code for r in responses] == [404] * 6
    html = responses[0].get_data(as_text=True)
    assert "未找到该对象，或您无权查看" in html and cast.estate.name not in html
    assert "停车" not in responses[3].get_data(as_text=True)
    assert snapshot(period["id"]) == before


def test_period_of_another_estate_is_404_through_this_estates_address(
    client, auth, make, cast, as_auditor
):
    community = cast.estate.community
    neighbour = make.estate(community, "翠湖苑")
    theirs = approved_period(LedgerApi(client, auth, neighbour.id), committee_of(make, neighbour))

    assert as_auditor.get(period_url(cast, theirs["id"])).status_code == 404
    assert (
        as_auditor.get(f"/console/estates/{neighbour.id}/ledger/{theirs['id']}").status_code == 200
    )


# -- auditing and returning ----------------------------------------------------------------


def test_audit_from_the_page_moves_the_period_to_audited_and_records_an_event(
    as_auditor, cast, period
):
    response = transition(as_auditor, cast, period["id"], action="audit")

    assert response.status_code == 303
    assert response.headers["Location"] == period_url(cast, period["id"])
    status, _version, events = snapshot(period["id"])
    assert (status, events) == ("audited", 5)
    event = last_event(period["id"])
    assert (event.action, event.from_status, event.to_status) == (
        "audit",
        "committee_approved",
        "audited",
    )
    assert (event.actor_id, event.actor_role, event.reason) == (cast.auditor.id, "auditor", None)
    html = as_auditor.get(period_url(cast, period["id"])).get_data(as_text=True)
    assert "「2026年10月」已审核通过，等待公示" in html
    assert '<span class="status" id="period-status">待公示</span>' in html
    assert ">审核通过</button>" not in html and 'name="reason"' not in html
    assert table_rows(html, "events")[-1][1:4] == [
        "社区审核通过",
        "待社区审核 → 待公示",
        "林慧（社区业账监管员）",
    ]
    queue = as_auditor.get("/console/ledger").get_data(as_text=True)
    assert table_rows(queue, "audit-queue") == [["暂无待审核的账目"]]


@pytest.mark.parametrize("reason", ["", "   "])
def test_return_without_reason_is_422_with_the_message_and_changes_nothing(
    as_auditor, cast, period, reason
):
    before = snapshot(period["id"])

    response = transition(as_auditor, cast, period["id"], action="return", reason=reason)

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert '<p class="flash error" role="alert">退回时请填写原因</p>' in html
    assert "请填写退回原因" in html and 'aria-invalid="true"' in html
    assert '<span class="status" id="period-status">待社区审核</span>' in html
    assert snapshot(period["id"]) == before


def test_return_with_a_reason_over_200_characters_is_422_and_keeps_what_was_typed(
    as_auditor, cast, period
):
    before = snapshot(period["id"])
    reason = "凭证不全" * 51

    response = transition(as_auditor, cast, period["id"], action="return", reason=reason)

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "原因不能超过 200 个字" in html
    assert f">{reason}</textarea>" in html
    assert snapshot(period["id"]) == before


def test_return_with_a_reason_sends_the_period_back_to_draft(as_auditor, cast, period):
    reason = "停车收入缺少收费系统截图"

    response = transition(as_auditor, cast, period["id"], action="return", reason=f" {reason} ")

    assert response.status_code == 303
    db.session.expire_all()
    row = db.session.get(LedgerPeriod, period["id"])
    assert (row.status, row.return_reason, row.approval_count) == ("draft", reason, 0)
    event = last_event(period["id"])
    assert (event.action, event.to_status, event.reason) == ("return", "draft", reason)
    html = as_auditor.get(period_url(cast, period["id"])).get_data(as_text=True)
    assert "「2026年10月」已退回草稿" in html
    assert f"已退回修改，原因：{reason}" in html
    assert '<span class="status" id="period-status">草稿</span>' in html
    assert table_rows(html, "events")[-1][1] == "退回修改"


def test_forms_without_csrf_token_are_refused(as_auditor, cast, period):
    before = snapshot(period["id"])
    path = period_url(cast, period["id"], "/transitions")

    responses = [
        as_auditor.post(path, data={"action": "audit"}),
        as_auditor.post(path, data={"action": "return", "reason": "缺凭证", "csrf_token": "x"}),
    ]

    assert [r.status_code for r in responses] == [400, 400]
    assert responses[0].json["error"]["code"] == "csrf_failed"
    assert snapshot(period["id"]) == before


def test_auditing_twice_is_409_on_the_page(as_auditor, cast, period):
    transition(as_auditor, cast, period["id"], action="audit")
    before = snapshot(period["id"])

    response = transition(as_auditor, cast, period["id"], action="audit")

    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "该账期尚未通过业委会审批（当前状态：待公示）" in html
    assert snapshot(period["id"]) == before


def test_auditor_publishes_an_audited_period_from_the_page(as_auditor, cast, period, make):
    group = make.group_chat(cast.estate)
    early = transition(as_auditor, cast, period["id"], action="publish")
    assert early.status_code == 409  # not audited yet

    transition(as_auditor, cast, period["id"], action="audit")
    response = transition(as_auditor, cast, period["id"], action="publish")

    assert response.status_code == 303
    status, _version, _events = snapshot(period["id"])
    assert status == "published"
    html = as_auditor.get(period_url(cast, period["id"])).get_data(as_text=True)
    assert "已公示，公示哈希已发送到小区监督群" in html
    # What the groups hear (the preparer's own messages: tests/subscriptions).
    rows = db.session.query(OutboxMessage).filter(OutboxMessage.group_chat_id.is_not(None)).all()
    assert [(r.topic, r.group_chat_id) for r in rows] == [("ledger.published", group.id)]


def test_committee_member_with_a_console_password_cannot_audit(client, cast, period):
    give_console_password(cast.member2, "member2")
    sign_in(client, "member2")
    before = snapshot(period["id"])

    response = transition(client, cast, period["id"], action="audit")

    assert response.status_code == 403
    assert "只有社区业账监管员可以审核账目" in response.get_data(as_text=True)
    assert snapshot(period["id"]) == before


@pytest.mark.parametrize("action", ["approve", "submit", ""])
def test_only_audit_return_and_publish_are_taken_from_the_console(as_auditor, cast, period, action):
    before = snapshot(period["id"])

    response = transition(as_auditor, cast, period["id"], action=action)

    assert response.status_code == 422
    assert "请选择审核通过、退回或公示" in response.get_data(as_text=True)
    assert snapshot(period["id"]) == before


# -- vouchers and statement files ----------------------------------------------------------


def test_voucher_is_served_to_the_auditor_and_404_to_an_outsider(client, cast, period):
    image_id, pdf_id = voucher_ids()
    base = f"/console/estates/{cast.estate.id}/ledger/vouchers"
    give_console_password(cast.auditor, "auditor1")
    give_console_password(cast.other_auditor, "stranger")

    sign_in(client, "auditor1")
    image = client.get(f"{base}/{image_id}")
    pdf = client.get(f"{base}/{pdf_id}")
    assert image.status_code == pdf.status_code == 200
    assert (image.mimetype, image.data) == ("image/png", png_bytes())
    assert (pdf.mimetype, pdf.data) == ("application/pdf", PDF)
    assert_shown(image)
    assert_saved(pdf)
    assert client.get(f"{base}/{image_id + 100}").status_code == 404

    sign_in(client, "stranger")
    assert client.get(f"{base}/{image_id}").status_code == 404


def test_statement_downloads_as_xlsx_and_pdf(as_auditor, cast, period):
    xlsx = as_auditor.get(period_url(cast, period["id"], "/statement.xlsx"))
    pdf = as_auditor.get(period_url(cast, period["id"], "/statement.pdf"))

    assert xlsx.status_code == pdf.status_code == 200
    assert xlsx.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(io.BytesIO(xlsx.data))
    assert book.active["A1"].value == f"{cast.estate.name} 2026年10月 公共收益收支公示"
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF-")
    assert "2026" in xlsx.headers["Content-Disposition"]
    assert_saved(xlsx)
    assert as_auditor.get(period_url(cast, period["id"], "/statement.csv")).status_code == 404


def test_statement_xlsx_writes_text_that_looks_like_a_formula_as_text(as_auditor, ledger, cast):
    entries = [{"description": text, "counterparty": text} for text in HOSTILE]
    period = approved_period(ledger, cast, entries=entries)

    response = as_auditor.get(period_url(cast, period["id"], "/statement.xlsx"))

    assert response.status_code == 200
    # The ledger keeps text without its surrounding whitespace ("\t=1+1" is stored "=1+1").
    assert_written_as_text(response.data, exact=[text.strip() for text in HOSTILE])


def test_period_page_query_count_does_not_grow_with_entries_or_vouchers(app, client, auth, make):
    counts = []
    for n in (1, 6):
        community = make.community()
        estate = make.estate(community)
        people = committee_of(make, estate)
        auditor = make.member(Role.AUDITOR, community, make.user(real_name="林慧"))
        give_console_password(auditor, f"auditor-of-{n}")
        vouchers = [(f"票据{i}.png", png_bytes(color=(i, 0, 0))) for i in range(n)]
        period = approved_period(
            LedgerApi(client, auth, estate.id), people, entries=[{}] * n, vouchers=vouchers
        )
        sign_in(client, f"auditor-of-{n}")
        with count_queries(app) as statements:
            response = client.get(f"/console/estates/{estate.id}/ledger/{period['id']}")
        assert response.status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]


# -- questions left unanswered -------------------------------------------------------------


def test_overdue_question_panel_lists_an_8_day_old_unanswered_question(ledger, cast, as_auditor):
    published = ledger.publish_period(cast)
    path = f"/periods/{published['id']}/questions"
    body = "10月停车收入为什么比9月少了一半？是否有车位被占用没有收费？请业委会说明具体原因。"
    ids = [
        ledger.post(cast.owner, path, {"body": text}).json["id"]
        for text in (body, "刚提的问题", "已经答复的问题")
    ]
    now = utcnow()
    for question_id, age in zip(ids, (8, 2, 9), strict=True):
        db.session.get(LedgerQuestion, question_id).asked_at = now - timedelta(days=age, hours=1)
    db.session.commit()
    answered = ledger.post(cast.chair, f"/questions/{ids[2]}/answer", {"body": "已在群里说明"})
    assert answered.status_code == 200

    html = as_auditor.get("/console/ledger").get_data(as_text=True)

    asked = local_text(db.session.get(LedgerQuestion, ids[0]).asked_at)
    assert table_rows(html, "overdue-questions") == [
        [cast.estate.name, "2026年10月", body[:39] + "…", asked, "8 天"]
    ]
    assert f'title="{body}"' in html
    assert f'href="{period_url(cast, published["id"])}"' in html


def test_the_opening_balance_is_the_previous_periods_closing_even_before_it_is_published(
    ledger, cast, as_auditor
):
    ledger.publish_period(cast, "2026-09-01")  # closes at ¥3,600.00
    october = ledger.open_period(cast.manager, "2026-10-01")
    ledger.add_entry(cast.manager, october["id"], entry_date="2026-10-05", amount_fen=50000)
    november = approved_period(ledger, cast, "2026-11-01", entries=[{"entry_date": "2026-11-05"}])

    html = as_auditor.get(period_url(cast, november["id"])).get_data(as_text=True)

    assert "<dt>期初余额</dt><dd>¥4,100.00</dd>" in html  # September's closing + October's net
    assert "上期尚未公示" in html
    detail = ledger.get(cast.chair, f"/periods/{november['id']}").json
    assert (detail["opening_balance_fen"], detail["previous_published"]) == (410000, False)

    for person, action in [
        (cast.manager, "submit"),
        (cast.chair, "approve"),
        (cast.member, "approve"),
        (cast.auditor, "audit"),
        (cast.chair, "publish"),
    ]:
        assert ledger.act(person, october["id"], action).status_code == 200

    html = as_auditor.get(period_url(cast, november["id"])).get_data(as_text=True)
    assert "<dt>期初余额</dt><dd>¥4,100.00</dd>" in html  # what the auditor saw stays true
    assert "上期尚未公示" not in html
    assert ledger.get(cast.chair, f"/periods/{november['id']}").json["previous_published"]


# -- the confirmation step (§7.4) ----------------------------------------------------------


def test_audit_and_publish_wait_for_the_confirmation_step(as_auditor, cast, period):
    name = cast.estate.name
    page = as_auditor.get(period_url(cast, period["id"])).get_data(as_text=True)
    assert f'data-confirm="确认审核通过 {name} 2026年10月 账目？' in page
    before = snapshot(period["id"])

    unconfirmed = transition(as_auditor, cast, period["id"], action="audit", confirmed="")

    assert unconfirmed.status_code == 422
    assert "此操作不可撤销，请在确认提示中确认后再提交" in unconfirmed.get_data(as_text=True)
    assert snapshot(period["id"]) == before
    assert transition(as_auditor, cast, period["id"], action="audit").status_code == 303
    page = as_auditor.get(period_url(cast, period["id"])).get_data(as_text=True)
    assert f'data-confirm="确认公示 {name} 2026年10月 账目？公示后不可修改"' in page
    audited = snapshot(period["id"])
    unconfirmed = transition(as_auditor, cast, period["id"], action="publish", confirmed="")
    assert unconfirmed.status_code == 422 and snapshot(period["id"]) == audited
