"""The console's credit pages: the supervised companies with their scores and penalty counts,
one company with its history and the record (with evidence) and revoke forms; township
officers limited to their township, CSRF on every form."""

import io
import re

import pytest
from sqlalchemy import func, select

from backend.extensions import db
from backend.governance.credit.models import CreditPenalty, PenaltyEvidence
from tests.console.test_console import csrf_token
from tests.console.test_estate_page import table_rows
from tests.console.test_ticket_pages import field_error, html_of, signed_in
from tests.download_support import assert_saved
from tests.governance_support import build_gcast, on, penalty
from tests.isolation import once_per_module
from tests.ledger_support import png_bytes
from tests.pdf_support import plain_pdf
from tests.test_query_counts import count_queries

_gcast_of_module, gcast = once_per_module("gcast", build_gcast)

PDF = plain_pdf()


@pytest.fixture
def as_county(client, gcast):
    return signed_in(client, gcast.county_officer, "county1")


@pytest.fixture
def as_township_a(client, gcast):
    return signed_in(client, gcast.township_a, "township1")


def penalties() -> int:
    return db.session.scalar(select(func.count()).select_from(CreditPenalty))


def post_penalty(client, company, data, files=None, token=True):
    form = {"kind": "interview", "reason": "小区消防通道长期堵塞", "decided_on": on(1).isoformat()}
    # Past the confirmation step (each irreversible action has a test of it).
    form["confirmed"] = "1"
    form.update(data)
    if token:
        form["csrf_token"] = csrf_token(client, f"/console/companies/{company.id}")
    for name, content in files or []:
        form.setdefault("evidence", []).append((io.BytesIO(content), name))
    return client.post(
        f"/console/companies/{company.id}/penalties",
        data=form,
        content_type="multipart/form-data",
    )


def test_list_shows_the_county_companies_with_scores_and_counts(as_county, gcast):
    by = gcast.admin.id
    penalty(gcast.company, "deduction", 10, points=12, recorded_by_id=by)
    penalty(gcast.company, "interview", 5, recorded_by_id=by)
    gone = penalty(gcast.company, "criticism", 5, recorded_by_id=by)
    gone.revoked_at = gone.created_at
    db.session.commit()
    response = as_county.get("/console/companies")
    assert response.status_code == 200
    rows = table_rows(html_of(response), "companies")
    assert rows == [
        ["安溪宜家物业服务有限公司", "91350524MA2XXXXX1A", "88", "2", "1"],
        ["安溪鸿福物业管理有限公司", "—", "100", "0", "0"],
    ]
    assert "企业信用" in html_of(response)


def test_list_queries_stay_constant(app, as_county, gcast):
    from tests.governance_support import company

    for n in range(6):
        c = company(gcast.county, f"测试物业{n}")
        penalty(c, "deduction", 3, points=n + 1, recorded_by_id=gcast.admin.id)
    as_county.get("/console/companies")
    with count_queries(app) as few:
        as_county.get("/console/companies")
    for n in range(6, 12):
        c = company(gcast.county, f"测试物业{n}")
        penalty(c, "deduction", 3, points=1, recorded_by_id=gcast.admin.id)
    with count_queries(app) as many:
        as_county.get("/console/companies")
    assert len(many) == len(few)


def test_township_officer_sees_only_companies_serving_their_township(as_township_a, gcast):
    rows = table_rows(html_of(as_township_a.get("/console/companies")), "companies")
    assert [r[0] for r in rows] == ["安溪宜家物业服务有限公司"]
    assert as_township_a.get(f"/console/companies/{gcast.company.id}").status_code == 200
    other = as_township_a.get(f"/console/companies/{gcast.other_company.id}")
    assert other.status_code == 404


def test_township_officer_of_another_township_cannot_record_there(client, gcast):
    signed_in(client, gcast.township_a, "township1")
    token = csrf_token(client, f"/console/companies/{gcast.company.id}")
    response = client.post(
        f"/console/companies/{gcast.other_company.id}/penalties",
        data={"csrf_token": token, "kind": "interview", "reason": "x", "decided_on": on(1)},
    )
    assert response.status_code == 404
    assert penalties() == 0


def test_county_officer_records_a_deduction_with_evidence(as_county, gcast):
    response = post_penalty(
        as_county,
        gcast.company,
        {"kind": "deduction", "points": "8", "estate_id": str(gcast.estate_a.id)},
        files=[("约谈记录.pdf", PDF), ("现场照片.png", png_bytes())],
    )
    assert response.status_code == 303
    page = html_of(as_county.get(response.headers["Location"]))
    assert "已记录信用扣分" in page
    assert re.search(r'id="credit-score">92<', page)
    rows = table_rows(page, "penalties")
    assert rows[0][:5] == [on(1).isoformat(), "信用扣分", "8", "阳光小区", "—"]
    assert "约谈记录.pdf" in rows[0][6] and "现场照片.png" in rows[0][6]
    evidence = db.session.scalars(select(PenaltyEvidence)).all()
    assert len(evidence) == 2
    file = as_county.get(f"/console/penalty-evidence/{evidence[0].id}")
    assert file.status_code == 200 and file.data == PDF
    assert_saved(file, "约谈记录.pdf")


def test_bad_evidence_refuses_the_whole_penalty(as_county, gcast):
    response = post_penalty(as_county, gcast.company, {}, files=[("x.pdf", b"not a pdf")])
    assert response.status_code == 422
    assert field_error(html_of(response), "penalty-file") == "文件内容与扩展名不符或已损坏"
    assert penalties() == 0


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"reason": ""}, "reason", "请填写惩戒事由"),
        ({"points": "5"}, "points", "只有信用扣分需要填写扣分分值"),
        ({"decided_on": on(-1).isoformat()}, "decided_on", "决定日期不能晚于今天"),
        ({"kind": "deduction", "points": "abc"}, "points", "应为整数"),
        ({"reason": "长" * 501}, "reason", "惩戒事由不能超过 500 个字"),
    ],
)
def test_bad_form_shows_the_error_and_keeps_what_was_typed(as_county, gcast, data, field, message):
    response = post_penalty(as_county, gcast.company, data)
    assert response.status_code == 422
    html = html_of(response)
    assert field_error(html, f"penalty-{field}") == message
    assert 'role="alert"' in html
    assert penalties() == 0


def test_record_without_csrf_token_is_refused(as_county, gcast):
    response = post_penalty(as_county, gcast.company, {}, token=False)
    assert response.status_code == 400
    assert response.json["error"]["code"] == "csrf_failed"
    assert penalties() == 0


def test_revoke_form_marks_it_revoked(as_county, gcast):
    row = penalty(gcast.company, "deduction", 3, points=20, recorded_by_id=gcast.admin.id)
    token = csrf_token(as_county, f"/console/companies/{gcast.company.id}")
    response = as_county.post(
        f"/console/companies/{gcast.company.id}/penalties/{row.id}/revoke",
        data={"csrf_token": token, "reason": "重复录入", "confirmed": "1"},
    )
    assert response.status_code == 303
    page = html_of(as_county.get(f"/console/companies/{gcast.company.id}"))
    assert "已撤销信用扣分" in page and re.search(r'id="credit-score">100<', page)
    assert "已撤销" in table_rows(page, "penalties")[0][7]


def test_revoke_without_csrf_token_is_refused(as_county, gcast):
    row = penalty(gcast.company, recorded_by_id=gcast.admin.id)
    response = as_county.post(
        f"/console/companies/{gcast.company.id}/penalties/{row.id}/revoke",
        data={"reason": "重复录入", "confirmed": "1"},
    )
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.get(CreditPenalty, row.id).revoked_at is None


def test_revoke_through_another_companys_page_is_404(as_county, gcast):
    row = penalty(gcast.company, recorded_by_id=gcast.admin.id)
    token = csrf_token(as_county, f"/console/companies/{gcast.company.id}")
    response = as_county.post(
        f"/console/companies/{gcast.other_company.id}/penalties/{row.id}/revoke",
        data={"csrf_token": token, "reason": "重复录入", "confirmed": "1"},
    )
    assert response.status_code == 404


def test_auditor_reads_but_gets_no_forms(client, gcast):
    signed_in(client, gcast.auditor_a, "auditor1")
    html = html_of(client.get(f"/console/companies/{gcast.company.id}"))
    assert "记录失信惩戒" not in html and 'id="credit-score">100<' in html


def test_penalty_and_revocation_wait_for_the_confirmation_step(as_county, gcast):
    page = html_of(as_county.get(f"/console/companies/{gcast.company.id}"))
    assert f'data-confirm="确认记录对 {gcast.company.name} 的失信惩戒？' in page

    response = post_penalty(as_county, gcast.company, {"confirmed": ""})

    assert response.status_code == 422
    assert "此操作不可撤销，请在确认提示中确认后再提交" in html_of(response)
    assert db.session.scalars(select(CreditPenalty)).all() == []
    row = penalty(gcast.company, recorded_by_id=gcast.admin.id)
    page = html_of(as_county.get(f"/console/companies/{gcast.company.id}"))
    assert f'data-confirm="确认撤销对 {gcast.company.name} 的这条惩戒？撤销后不可恢复"' in page
    token = csrf_token(as_county, f"/console/companies/{gcast.company.id}")
    revoke = as_county.post(
        f"/console/companies/{gcast.company.id}/penalties/{row.id}/revoke",
        data={"csrf_token": token, "reason": "重复录入"},
    )
    assert revoke.status_code == 422
    db.session.expire_all()
    assert db.session.get(CreditPenalty, row.id).revoked_at is None
