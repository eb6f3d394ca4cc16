"""Owners' questions (质询) on published accounts: asked by verified owners, answered once and
in the open by the committee or the property manager, flagged when left unanswered too long."""

from datetime import timedelta

import pytest
from sqlalchemy import update

from backend.access.roles import Role
from backend.common.clock import utcnow
from backend.extensions import db
from backend.ledger.models import LedgerQuestion
from backend.ledger.questions import overdue_questions
from tests.isolation import once_per_module
from tests.ledger_support import build_cast

_cast_of_module, cast = once_per_module("cast", build_cast)


@pytest.fixture
def published(ledger, cast):
    """September and October published (one entry each); November a draft."""
    september = ledger.publish_period(cast, "2026-09-01")
    october = ledger.publish_period(
        cast,
        "2026-10-01",
        entries=[
            {"entry_date": "2026-10-05"},
            {
                "entry_date": "2026-10-20",
                "direction": "expense",
                "category": "maintenance",
                "amount_fen": 128050,
                "description": "2号梯维修",
            },
        ],
    )
    november = ledger.open_period(cast.manager, "2026-11-01")
    ledger.add_entry(cast.manager, november["id"], entry_date="2026-11-05")

    def entries(period):
        return ledger.get(cast.chair, f"/periods/{period['id']}/entries").json["items"]

    return {
        "september": september["id"],
        "october": october["id"],
        "november": november["id"],
        "september_entry": entries(september)[0]["id"],
        "october_entries": [e["id"] for e in entries(october)],
        "november_entry": entries(november)[0]["id"],
    }


def ask(ledger, person, period_id, body="10月停车收入为何比9月少？", **extra):
    return ledger.post(person, f"/periods/{period_id}/questions", {"body": body, **extra})


def answer(ledger, person, question_id, body="9月有一笔重复记账，已在10月冲销。"):
    return ledger.post(person, f"/questions/{question_id}/answer", {"body": body})


def questions(ledger, person, period_id):
    return ledger.get(person, f"/periods/{period_id}/questions")


def test_verified_owner_asks_on_a_published_period_and_on_an_entry(ledger, cast, published):
    october, entry_id = published["october"], published["october_entries"][1]

    on_period = ask(ledger, cast.owner, october, body="  本月结余为何减少？  ")
    on_entry = ask(ledger, cast.owner, october, body="电梯维修有合同吗？", entry_id=entry_id)

    assert on_period.status_code == 201, on_period.json
    assert on_entry.status_code == 201, on_entry.json
    question = on_period.json
    assert question["body"] == "本月结余为何减少？"
    assert question["asked_by"] == "业主张三丰"  # the asker reads their own name unmasked
    assert (question["period_id"], question["entry_id"]) == (october, None)
    assert (question["answer"], question["answered_by"], question["answered_at"]) == (None,) * 3
    assert (question["overdue"], question["can_answer"]) == (False, False)
    assert question["asked_at"].endswith("+00:00")
    assert on_entry.json["entry_id"] == entry_id
    entry = ledger.get(cast.owner, f"/entries/{entry_id}").json
    assert entry["question_count"] == 1
    listed = questions(ledger, cast.owner, october).json
    assert listed["total"] == 2
    assert [q["id"] for q in listed["items"]] == [on_entry.json["id"], question["id"]]


def test_owner_without_a_real_name_is_shown_as_owner(ledger, cast, published, make):
    nameless = make.member(Role.OWNER, make.unit(cast.estate), make.user())
    response = ask(ledger, nameless, published["october"])
    assert response.status_code == 201 and response.json["asked_by"] == "业主"


def test_owners_cannot_ask_about_drafts_they_cannot_see(ledger, cast, published):
    response = ask(ledger, cast.owner, published["november"])
    assert response.status_code == 404
    assert questions(ledger, cast.owner, published["november"]).status_code == 404


@pytest.mark.parametrize("who", ["chair", "member", "manager", "auditor", "township"])
def test_only_owners_ask(ledger, cast, published, who):
    response = ask(ledger, getattr(cast, who), published["october"])
    assert response.status_code == 403, response.json
    assert response.json["error"]["message"] == "只有已认证的业主可以质询"
    assert questions(ledger, cast.chair, published["october"]).json["total"] == 0


def test_people_outside_the_estate_cannot_ask(ledger, cast, published, make):
    pending = make.user(real_name="钱多多")
    make.claim(pending, make.unit(cast.estate))  # claimed a unit, not yet verified
    for person in (cast.outsider, cast.other_auditor, pending):
        response = ask(ledger, person, published["october"])
        assert response.status_code == 404, response.json
    assert questions(ledger, cast.chair, published["october"]).json["total"] == 0


@pytest.mark.parametrize(
    "entry",
    ["september_entry", "november_entry", 2**31 - 1],
    ids=["earlier period", "draft period", "no such entry"],
)
def test_entry_must_belong_to_the_period(ledger, cast, published, entry):
    entry_id = published[entry] if isinstance(entry, str) else entry
    response = ask(ledger, cast.owner, published["october"], entry_id=entry_id)
    assert response.status_code == 422
    assert response.json["error"]["fields"] == {"entry_id": ["该分录不属于这个账期"]}
    assert questions(ledger, cast.owner, published["october"]).json["total"] == 0


BAD_BODIES = {
    "empty": {"body": ""},
    "whitespace": {"body": " \n\t "},
    "too long": {"body": "问" * 501},
    "NUL": {"body": "停车费\x00去哪了"},
    "bell": {"body": "停车费\x07去哪了"},
    "escape": {"body": "\x1b[31m停车费"},
    "not text": {"body": 123},
    "missing": {},
    "null": {"body": None},
    "unknown field": {"body": "正常问题", "urgent": True},
    "entry id as text": {"body": "正常问题", "entry_id": "12"},
    "entry id zero": {"body": "正常问题", "entry_id": 0},
    "entry id too big": {"body": "正常问题", "entry_id": 2**40},
}


@pytest.mark.parametrize("body", BAD_BODIES.values(), ids=BAD_BODIES.keys())
def test_bad_question_is_422_and_saves_nothing(ledger, cast, published, body):
    response = ledger.post(cast.owner, f"/periods/{published['october']}/questions", body)
    assert response.status_code == 422, response.json
    assert response.json["error"]["code"] == "validation_failed"
    assert response.json["error"]["fields"]
    assert questions(ledger, cast.owner, published["october"]).json["total"] == 0


def test_five_hundred_characters_and_line_breaks_are_fine(ledger, cast, published):
    body = "问" * 498 + "\n？"
    response = ask(ledger, cast.owner, published["october"], body=body)
    assert response.status_code == 201 and response.json["body"] == body


def test_committee_and_property_manager_answer_in_the_estates_name(ledger, cast, published):
    october = published["october"]
    first = ask(ledger, cast.owner, october).json
    second = ask(ledger, cast.owner, october, body="保洁费用怎么算？").json
    before = questions(ledger, cast.chair, october).json["items"]
    assert [q["can_answer"] for q in before] == [True, True]

    by_committee = answer(ledger, cast.member, first["id"])
    by_manager = answer(ledger, cast.manager, second["id"], body="  按合同每月结算。 ")

    assert by_committee.status_code == 200, by_committee.json
    assert by_committee.json["answered_by"] == f"{cast.estate.name}业委会"
    assert by_committee.json["answer"] == "9月有一笔重复记账，已在10月冲销。"
    assert by_committee.json["answered_at"] is not None
    assert by_committee.json["can_answer"] is False
    assert by_manager.status_code == 200
    assert by_manager.json["answered_by"] == f"{cast.estate.name}物业服务中心"
    assert by_manager.json["answer"] == "按合同每月结算。"
    # The answer names the body, not the person.
    assert "王" not in by_committee.json["answered_by"]


def test_a_question_is_answered_once(ledger, cast, published):
    question = ask(ledger, cast.owner, published["october"]).json
    assert answer(ledger, cast.chair, question["id"]).status_code == 200
    again = answer(ledger, cast.manager, question["id"], body="补充说明")
    assert again.status_code == 409
    assert again.json["error"]["message"] == "该质询已答复"
    listed = questions(ledger, cast.owner, published["october"]).json["items"][0]
    assert listed["answer"] == "9月有一笔重复记账，已在10月冲销。"
    assert listed["answered_by"] == f"{cast.estate.name}业委会"


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("owner", 403),
        ("auditor", 403),
        ("township", 403),
        ("outsider", 404),
        ("other_auditor", 404),
    ],
)
def test_only_committee_and_property_manager_answer(ledger, cast, published, who, expected):
    question = ask(ledger, cast.owner, published["october"]).json
    response = answer(ledger, getattr(cast, who), question["id"])
    assert response.status_code == expected, response.json
    assert questions(ledger, cast.chair, published["october"]).json["items"][0]["answer"] is None


@pytest.mark.parametrize("body", ["", "   ", "答" * 2001, "好\x00的"])
def test_bad_answer_is_422(ledger, cast, published, body):
    question = ask(ledger, cast.owner, published["october"]).json
    response = answer(ledger, cast.chair, question["id"], body=body)
    assert response.status_code == 422
    assert "body" in response.json["error"]["fields"]
    assert questions(ledger, cast.chair, published["october"]).json["items"][0]["answer"] is None


def test_answering_a_question_that_does_not_exist_is_404(ledger, cast, published):
    assert answer(ledger, cast.chair, 2**31 - 1).status_code == 404
    assert answer(ledger, cast.chair, 2**40).status_code == 404


def test_questions_and_answers_are_public_to_the_estate_only(ledger, cast, published, make):
    neighbour = make.member(Role.OWNER, make.unit(cast.estate), make.user(real_name="欧阳娜娜"))
    question = ask(ledger, cast.owner, published["october"]).json
    answer(ledger, cast.chair, question["id"])
    # Named in full to staff and to the asker, masked to neighbours and the company.
    readers = {
        "neighbour": (neighbour, "业主张**"),
        "auditor": (cast.auditor, "业主张三丰"),
        "township": (cast.township, "业主张三丰"),
        "manager": (cast.manager, "业主张**"),
        "asker": (cast.owner, "业主张三丰"),
    }
    for person, asked_by in readers.values():
        response = questions(ledger, person, published["october"])
        assert response.status_code == 200
        (seen,) = response.json["items"]
        assert seen["body"] == question["body"] and seen["asked_by"] == asked_by
        assert seen["answered_by"] == f"{cast.estate.name}业委会"
    for person in (cast.outsider, cast.other_auditor):
        response = questions(ledger, person, published["october"])
        assert response.status_code == 404
        assert set(response.json) == {"error"}
    # The neighbour asks too; both are listed, newest first, the neighbour's name masked.
    ask(ledger, neighbour, published["october"], body="广告收入在哪里？")
    listed = questions(ledger, cast.owner, published["october"]).json["items"]
    assert [q["asked_by"] for q in listed] == ["业主欧***", "业主张三丰"]


def _age(question_id: int, days: float):
    db.session.execute(
        update(LedgerQuestion)
        .where(LedgerQuestion.id == question_id)
        .values(asked_at=utcnow() - timedelta(days=days))
    )
    db.session.commit()


def _overdue(ledger, person, period_id) -> dict[int, bool]:
    items = questions(ledger, person, period_id).json["items"]
    return {q["id"]: q["overdue"] for q in items}


def test_unanswered_for_more_than_seven_days_is_overdue(ledger, cast, published):
    october = published["october"]
    old = ask(ledger, cast.owner, october, body="八天前的问题").json["id"]
    recent = ask(ledger, cast.owner, october, body="六天前的问题").json["id"]
    fresh = ask(ledger, cast.owner, october, body="今天的问题").json["id"]
    _age(old, 8)
    _age(recent, 6)

    assert _overdue(ledger, cast.owner, october) == {old: True, recent: False, fresh: False}
    assert _overdue(ledger, cast.auditor, october)[old] is True

    late = answer(ledger, cast.chair, old)
    assert late.status_code == 200 and late.json["overdue"] is False
    assert _overdue(ledger, cast.owner, october) == {old: False, recent: False, fresh: False}


def test_days_allowed_come_from_config(app, ledger, cast, published, monkeypatch):
    question = ask(ledger, cast.owner, published["october"]).json["id"]
    _age(question, 6)
    assert _overdue(ledger, cast.owner, published["october"])[question] is False
    monkeypatch.setitem(app.config, "LEDGER_QUESTION_DAYS", 5)
    assert _overdue(ledger, cast.owner, published["october"])[question] is True


def test_console_list_of_overdue_questions(ledger, cast, published, make):
    october, september = published["october"], published["september"]
    overdue = ask(ledger, cast.owner, october, body="八天无人答复").json["id"]
    on_entry = ask(
        ledger, cast.owner, september, body="九月停车？", entry_id=published["september_entry"]
    ).json["id"]
    recent = ask(ledger, cast.owner, october, body="六天").json["id"]
    answered = ask(ledger, cast.owner, october, body="已答复").json["id"]
    _age(overdue, 8)
    _age(on_entry, 10)
    _age(recent, 6)
    _age(answered, 9)
    answer(ledger, cast.manager, answered)

    rows = overdue_questions(cast.auditor)

    assert [q.id for q in rows] == [on_entry, overdue]  # oldest first
    assert [(q.estate_name, q.period_label) for q in rows] == [
        (cast.estate.name, "2026年9月"),
        (cast.estate.name, "2026年10月"),
    ]
    assert [q.id for q in overdue_questions(cast.township)] == [on_entry, overdue]
    assert [q.id for q in overdue_questions(cast.auditor, limit=1)] == [on_entry]
    assert overdue_questions(cast.other_auditor) == []
    assert overdue_questions(make.member(Role.AUDITOR, make.community())) == []
