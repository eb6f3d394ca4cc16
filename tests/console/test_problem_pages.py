"""The console's problem-list pages: the list in scope with its filters and counts, the
new-problem and new-inspection forms, the close-out form with photos (officers only), scope
404 and CSRF on every form."""

import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from backend.extensions import db
from backend.governance.credit.figures import today
from backend.governance.problems import services as problems
from backend.governance.problems.models import Inspection, ProblemEvidence, ProblemItem
from tests.console.test_console import csrf_token
from tests.console.test_estate_page import table_rows
from tests.console.test_ticket_pages import field_error, html_of, signed_in
from tests.download_support import assert_shown
from tests.governance_support import build_gcast
from tests.isolation import once_per_module
from tests.ledger_support import png_bytes
from tests.test_query_counts import count_queries

_gcast_of_module, gcast = once_per_module("gcast", build_gcast)


@pytest.fixture
def as_township_a(client, gcast):
    return signed_in(client, gcast.township_a, "township1")


@pytest.fixture
def as_auditor(client, gcast):
    return signed_in(client, gcast.auditor_a, "auditor1")


def count(model=ProblemItem) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def later(days=7) -> str:
    return (today() + timedelta(days=days)).isoformat()


def make(gcast, estate, title="消防通道堵塞", category="fire_safety", deadline_days=7):
    return problems.create_problem(
        gcast.admin,
        {
            "estate_id": estate.id,
            "category": category,
            "title": title,
            "plan": "清理",
            "deadline": today() + timedelta(days=deadline_days),
        },
    )


def overdue(problem, days=2):
    problem.deadline = today() - timedelta(days=days)
    db.session.commit()


def new_problem_form(client, gcast, **fields):
    form = {
        "csrf_token": csrf_token(client, "/console/problems/new"),
        "estate_id": str(gcast.estate_a.id),
        "category": "elevator",
        "title": "2 号楼电梯异响",
        "plan": "联系维保单位检修",
        "deadline": later(),
    }
    form.update(fields)
    return client.post("/console/problems/new", data=form)


def test_list_shows_scope_filters_and_counts(as_township_a, gcast):
    a1 = make(gcast, gcast.estate_a, "消防通道堵塞")
    a2 = make(gcast, gcast.estate_a, "路灯不亮", "lighting")
    overdue(a2)
    make(gcast, gcast.estate_b, "别的街道的问题")
    html = html_of(as_township_a.get("/console/problems"))
    rows = table_rows(html, "problems")
    assert [r[3] for r in rows] == ["路灯不亮", "消防通道堵塞"]
    assert rows[0][5] == "整改中 逾期" and rows[1][5] == "整改中"
    assert "问题清单" in html
    only_late = table_rows(html_of(as_township_a.get("/console/problems?overdue=1")), "problems")
    assert [r[0] for r in only_late] == [f"#{a2.id}"]
    fire = table_rows(
        html_of(as_township_a.get("/console/problems?category=fire_safety")), "problems"
    )
    assert [r[0] for r in fire] == [f"#{a1.id}"]
    closed = table_rows(
        html_of(as_township_a.get("/console/problems?status=closed_out")), "problems"
    )
    assert closed[0][0] == "暂无问题" or "没有符合条件的问题" in closed[0][0]


def test_list_queries_stay_constant(app, as_township_a, gcast):
    for n in range(3):
        make(gcast, gcast.estate_a, f"问题{n}")
    as_township_a.get("/console/problems")
    with count_queries(app) as few:
        as_township_a.get("/console/problems")
    for n in range(8):
        make(gcast, gcast.estate_a, f"更多问题{n}")
    with count_queries(app) as many:
        as_township_a.get("/console/problems")
    assert len(many) == len(few)


def test_other_townships_problem_is_404(as_township_a, gcast):
    other = make(gcast, gcast.estate_b)
    assert as_township_a.get(f"/console/problems/{other.id}").status_code == 404
    token = csrf_token(as_township_a, "/console/problems")
    response = as_township_a.post(
        f"/console/problems/{other.id}/close-out",
        data={
            "csrf_token": token,
            "close_note": "x",
            "confirmed": "1",
            "photos": (io.BytesIO(png_bytes()), "a.png"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 404


def test_auditor_creates_a_problem(as_auditor, gcast):
    response = new_problem_form(as_auditor, gcast)
    assert response.status_code == 303
    page = html_of(as_auditor.get(response.headers["Location"]))
    assert "已登记问题：2 号楼电梯异响" in page
    assert "审核销号" not in page  # auditors do not close out
    assert count() == 1


def test_new_problem_outside_scope_is_404(as_auditor, gcast):
    assert new_problem_form(as_auditor, gcast, estate_id=str(gcast.estate_b.id)).status_code == 404
    assert count() == 0


@pytest.mark.parametrize(
    "fields, field, message",
    [
        ({"title": ""}, "title", "请填写问题标题"),
        ({"category": "nonsense"}, "category", "请选择十件实事中的问题类别"),
        ({"deadline": later(-1)}, "deadline", "整改期限不能早于今天"),
        ({"plan": "长" * 2001}, "plan", "整改方案不能超过 2000 个字"),
    ],
)
def test_bad_new_problem_shows_the_error(as_auditor, gcast, fields, field, message):
    response = new_problem_form(as_auditor, gcast, **fields)
    assert response.status_code == 422
    assert field_error(html_of(response), f"problem-{field}") == message
    assert count() == 0


def test_new_problem_without_csrf_is_refused(as_auditor, gcast):
    response = as_auditor.post(
        "/console/problems/new",
        data={
            "estate_id": str(gcast.estate_a.id),
            "category": "elevator",
            "title": "x",
            "plan": "y",
            "deadline": later(),
        },
    )
    assert response.status_code == 400
    assert count() == 0


def inspection_form(client, gcast, **fields):
    form = {
        "csrf_token": csrf_token(client, "/console/inspections/new"),
        "estate_id": str(gcast.estate_a.id),
        "inspected_on": today().isoformat(),
        "notes": "第四季度动态督查",
        "items-0-category": "cleaning",
        "items-0-title": "垃圾清运不及时",
        "items-0-plan": "每日清运两次",
        "items-0-deadline": later(),
        "items-2-category": "green_land",
        "items-2-title": "绿地黄土裸露",
        "items-2-plan": "补种草皮",
        "items-2-deadline": later(30),
    }
    form.update(fields)
    return client.post("/console/inspections/new", data=form)


def test_inspection_form_records_several_problems(as_township_a, gcast):
    response = inspection_form(as_township_a, gcast)
    assert response.status_code == 303
    assert count() == 2 and count(Inspection) == 1
    titles = {r[3] for r in table_rows(html_of(as_township_a.get("/console/problems")), "problems")}
    assert titles == {"垃圾清运不及时", "绿地黄土裸露"}


def test_bad_inspection_item_names_its_row_and_writes_nothing(as_township_a, gcast):
    response = inspection_form(as_township_a, gcast, **{"items-2-title": ""})
    assert response.status_code == 422
    assert field_error(html_of(response), "problem-items-2-title") == "请填写问题标题"
    assert count() == 0 and count(Inspection) == 0


def test_inspection_without_items_is_refused(as_township_a, gcast):
    response = inspection_form(
        as_township_a, gcast, **{f"items-{n}-{k}": "" for n in (0, 2) for k in ("title", "plan")}
    )
    assert response.status_code == 422
    assert count(Inspection) == 0


def test_inspection_without_csrf_is_refused(as_township_a, gcast):
    response = as_township_a.post(
        "/console/inspections/new",
        data={"estate_id": str(gcast.estate_a.id), "inspected_on": today().isoformat()},
    )
    assert response.status_code == 400


def close_form(client, problem, token=True, photos=None, note="已清理并复查", confirmed="1"):
    # Past the confirmation step unless told (the step has a test of its own).
    data = {"close_note": note, "confirmed": confirmed}
    if token:
        data["csrf_token"] = csrf_token(client, f"/console/problems/{problem.id}")
    data["photos"] = [(io.BytesIO(c), n) for n, c in (photos or [("after.png", png_bytes())])]
    return client.post(
        f"/console/problems/{problem.id}/close-out",
        data=data,
        content_type="multipart/form-data",
    )


def test_officer_closes_out_with_photos(as_township_a, gcast):
    problem = make(gcast, gcast.estate_a)
    response = close_form(as_township_a, problem)
    assert response.status_code == 303
    page = html_of(as_township_a.get(f"/console/problems/{problem.id}"))
    assert "已销号" in page and "已清理并复查" in page and "审核销号" not in page
    photo = db.session.scalars(select(ProblemEvidence)).one()
    file = as_township_a.get(f"/console/problem-evidence/{photo.id}")
    assert file.status_code == 200 and file.data == png_bytes()
    assert_shown(file)
    again = close_form(as_township_a, problem)
    assert again.status_code == 409


def test_close_out_without_photo_or_with_a_bad_one_is_refused(as_township_a, gcast):
    problem = make(gcast, gcast.estate_a)
    response = close_form(as_township_a, problem, photos=[("x.jpg", b"nope")])
    assert response.status_code == 422
    assert field_error(html_of(response), "problem-file") == "文件内容与扩展名不符或已损坏"
    response = as_township_a.post(
        f"/console/problems/{problem.id}/close-out",
        data={
            "csrf_token": csrf_token(as_township_a, "/console/problems"),
            "close_note": "好了",
            "confirmed": "1",
        },
    )
    assert response.status_code == 422
    assert field_error(html_of(response), "problem-photos") == "销号须上传至少 1 张整改后的照片"
    db.session.expire_all()
    assert db.session.get(ProblemItem, problem.id).status == "open"


def test_close_out_without_csrf_is_refused(as_township_a, gcast):
    problem = make(gcast, gcast.estate_a)
    assert close_form(as_township_a, problem, token=False).status_code == 400
    db.session.expire_all()
    assert db.session.get(ProblemItem, problem.id).status == "open"


def test_auditor_close_out_is_403(as_auditor, gcast):
    problem = make(gcast, gcast.estate_a)
    assert close_form(as_auditor, problem).status_code == 403
    assert count(ProblemEvidence) == 0


def test_close_out_waits_for_the_confirmation_step(as_township_a, gcast):
    problem = make(gcast, gcast.estate_a)
    page = html_of(as_township_a.get(f"/console/problems/{problem.id}"))
    assert f'data-confirm="确认对「{problem.title}」销号？销号后不可撤销"' in page

    response = close_form(as_township_a, problem, confirmed="")

    assert response.status_code == 422
    assert "此操作不可撤销，请在确认提示中确认后再提交" in html_of(response)
    assert db.session.scalars(select(ProblemEvidence)).all() == []
    assert "已销号" not in html_of(as_township_a.get(f"/console/problems/{problem.id}"))
