"""The accounts as the mini-program's pages drive them, through exactly the endpoints those
pages call: a bookkeeper imports a month's sheet picked from a chat, attaches a PDF voucher,
submits and resubmits after a return; the committee answers an owner's question; owners open
the statement files and run the chain check."""

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import text

from backend.ledger.exports import XLSX_TYPE
from backend.ledger.imports import HEADER
from tests.isolation import once_per_module, raw_sql
from tests.ledger_support import build_cast
from tests.pdf_support import plain_pdf

_cast_of_module, cast = once_per_module("cast", build_cast)

GOOD_ROWS = [
    ["2026-10-05", "收入", "停车收益", "3600", "临停收费系统", "10月临时停车收入"],
    ["2026-10-12", "支出", "维修维保", "1280.5", "安溪电梯维保公司", "2号梯维修"],
]


def sheet(*rows) -> bytes:
    book = Workbook()
    book.active.append(HEADER)
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def send_file(ledger, person, path, data: bytes, part_name: str, filename: str):
    """What wx.uploadFile sends: the part named after the temp file, the real name as a field."""
    return ledger.client.post(
        ledger.url(path),
        data={"file": (io.BytesIO(data), part_name), "filename": filename},
        headers=ledger.auth(person),
        content_type="multipart/form-data",
    )


def entries_of(ledger, person, period_id) -> list[dict]:
    response = ledger.get(person, f"/periods/{period_id}/entries", query_string={"page_size": 50})
    assert response.status_code == 200
    return response.json["items"]


def test_a_sheet_with_three_bad_rows_imports_nothing_then_the_fixed_one_imports(ledger, cast):
    period = ledger.open_period(cast.manager, "2026-10-01")
    bad = sheet(
        GOOD_ROWS[0],
        ["2026-10-06", "收入", "广告收益", "12.345", "电梯广告", "三位小数"],
        ["2026-11-02", "支出", "公摊费用", "100", "供电公司", "日期不在本月"],
        ["2026-10-07", "收入", "乱填的类别", "50", "", "类别不对"],
        GOOD_ROWS[1],
    )
    path = f"/periods/{period['id']}/entries/import"

    refused = send_file(ledger, cast.manager, path, bad, "tmp_8f2c", "十月账目.xlsx")

    assert refused.status_code == 422
    assert "3 行有误" in refused.json["error"]["message"]
    rows = refused.json["error"]["fields"]["rows"]
    assert sorted(rows) == ["3", "4", "5"]
    assert rows["3"] == ["金额最多两位小数"]
    assert rows["4"] == ["日期应在账期（2026年10月）之内"]
    assert rows["5"][0].startswith("类别应为：")
    assert entries_of(ledger, cast.manager, period["id"]) == []

    imported = send_file(ledger, cast.manager, path, sheet(*GOOD_ROWS), "tmp_9a1d", "十月.xlsx")

    assert imported.status_code == 201
    assert imported.json == {"imported": 2}
    amounts = [e["amount_fen"] for e in entries_of(ledger, cast.manager, period["id"])]
    assert amounts == [360000, 128050]
    detail = ledger.get(cast.manager, f"/periods/{period['id']}").json
    assert (detail["income_total_fen"], detail["expense_total_fen"]) == (360000, 128050)


def test_a_file_from_a_chat_that_is_not_xlsx_by_its_name_is_refused(ledger, cast):
    period = ledger.open_period(cast.manager, "2026-10-01")
    path = f"/periods/{period['id']}/entries/import"

    response = send_file(ledger, cast.manager, path, sheet(*GOOD_ROWS), "tmp_1.xlsx", "十月.xls")

    assert response.status_code == 422
    assert response.json["error"]["fields"] == {"file": ["仅支持 .xlsx"]}


def test_a_pdf_voucher_from_a_chat_keeps_the_name_it_had_there(ledger, cast):
    period = ledger.open_period(cast.manager, "2026-10-01")
    entry = ledger.add_entry(cast.manager, period["id"], amount_fen=128050).json

    uploaded = send_file(
        ledger,
        cast.manager,
        f"/entries/{entry['id']}/vouchers",
        plain_pdf("voucher"),
        "tmp_77.pdf",
        "电梯维修发票.pdf",
    )

    assert uploaded.status_code == 201, uploaded.json
    assert uploaded.json["name"] == "电梯维修发票.pdf"
    assert uploaded.json["content_type"] == "application/pdf"
    detail = ledger.get(cast.manager, f"/entries/{entry['id']}").json
    assert [v["name"] for v in detail["vouchers"]] == ["电梯维修发票.pdf"]
    assert detail["voucher_count"] == 1
    download = ledger.get(cast.manager, f"/vouchers/{uploaded.json['id']}")
    assert download.status_code == 200
    assert download.data.startswith(b"%PDF")


def test_a_returned_period_shows_its_reason_and_goes_back_once_corrected(ledger, cast):
    period = ledger.open_period(cast.manager, "2026-10-01")
    entry = ledger.add_entry(cast.manager, period["id"], amount_fen=360000).json
    assert ledger.act(cast.manager, period["id"], "submit").json["status"] == "submitted"

    returned = ledger.act(cast.chair, period["id"], "return", "停车收入金额与系统流水不符")
    assert returned.status_code == 200

    seen = ledger.get(cast.manager, f"/periods/{period['id']}").json
    assert seen["status"] == "draft"
    assert seen["return_reason"] == "停车收入金额与系统流水不符"
    assert seen["actions"] == ["submit"]
    assert seen["events"][-1]["reason"] == "停车收入金额与系统流水不符"

    changed = ledger.patch(cast.manager, f"/entries/{entry['id']}", {"amount_fen": 350000})
    assert changed.status_code == 200
    assert changed.json["amount_fen"] == 350000
    resubmitted = ledger.act(cast.manager, period["id"], "submit")

    assert resubmitted.status_code == 200
    assert resubmitted.json["status"] == "submitted"
    assert resubmitted.json["return_reason"] is None
    assert resubmitted.json["income_total_fen"] == 350000
    assert [e["action"] for e in resubmitted.json["events"]] == [
        "create",
        "submit",
        "return",
        "submit",
    ]


def test_a_committee_member_answers_an_owners_question_from_the_period_page(ledger, cast):
    period = ledger.publish_period(cast)
    questions = f"/periods/{period['id']}/questions"
    asked = ledger.post(cast.owner, questions, {"body": "停车收入为何比上月少？"})
    assert asked.status_code == 201
    assert asked.json["can_answer"] is False

    listed = ledger.get(cast.member, questions).json["items"]
    assert [(q["id"], q["can_answer"]) for q in listed] == [(asked.json["id"], True)]
    answered = ledger.post(
        cast.member, f"/questions/{asked.json['id']}/answer", {"body": "十月有两周道闸维修。"}
    )

    assert answered.status_code == 200
    assert answered.json["can_answer"] is False
    (seen,) = ledger.get(cast.owner, questions).json["items"]
    assert seen["answer"] == "十月有两周道闸维修。"
    assert seen["answered_by"]
    again = ledger.post(cast.chair, f"/questions/{asked.json['id']}/answer", {"body": "补充"})
    assert again.status_code == 409


@pytest.mark.parametrize(
    ("suffix", "content_type", "magic"),
    [(".pdf", "application/pdf", b"%PDF"), (".xlsx", XLSX_TYPE, b"PK")],
)
def test_an_owner_downloads_the_published_statement(ledger, cast, suffix, content_type, magic):
    period = ledger.publish_period(cast)

    response = ledger.get(cast.owner, f"/periods/{period['id']}/statement{suffix}")

    assert response.status_code == 200
    assert response.mimetype == content_type
    assert response.data.startswith(magic)


def test_the_chain_check_is_ok_then_says_altered_after_tampering(ledger, cast):
    period = ledger.publish_period(cast)
    detail = ledger.get(cast.owner, f"/periods/{period['id']}").json
    assert detail["chain_seq"] == 1

    intact = ledger.get(cast.owner, "/verify").json
    assert intact == {
        "ok": True,
        "periods_checked": 1,
        "head_hash": detail["head_hash"],
        "broken": None,
    }

    with raw_sql() as conn:
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(
            text("UPDATE ledger_entry SET amount_fen = amount_fen + 1 WHERE period_id = :p"),
            {"p": period["id"]},
        )
    altered = ledger.get(cast.owner, "/verify").json

    assert altered["ok"] is False
    assert altered["periods_checked"] == detail["chain_seq"]
    assert altered["broken"]["period_id"] == period["id"]
    assert "不一致" in altered["broken"]["reason"]


def test_the_preparer_opens_a_month_writes_changes_and_deletes_an_entry(ledger, cast):
    created = ledger.post(cast.manager, "/periods", {"kind": "month", "start_date": "2026-11-01"})
    assert created.status_code == 201
    assert (created.json["status"], created.json["actions"]) == ("draft", ["submit"])
    period_id = created.json["id"]
    body = {
        "entry_date": "2026-11-12",
        "direction": "expense",
        "category": "maintenance",
        "amount_fen": 128050,
        "counterparty": "安溪电梯维保公司",
        "description": "2号梯维修",
    }
    entry = ledger.post(cast.manager, f"/periods/{period_id}/entries", body).json
    changed = ledger.patch(cast.manager, f"/entries/{entry['id']}", {**body, "amount_fen": 1})
    assert changed.json["amount_fen"] == 1
    send_file(
        ledger,
        cast.manager,
        f"/entries/{entry['id']}/vouchers",
        plain_pdf("gone"),
        "t.pdf",
        "单.pdf",
    )

    deleted = ledger.delete(cast.manager, f"/entries/{entry['id']}")

    assert deleted.status_code == 204
    assert entries_of(ledger, cast.manager, period_id) == []
    detail = ledger.get(cast.manager, f"/periods/{period_id}").json
    assert (detail["entry_count"], detail["expense_total_fen"]) == (0, 0)


def test_the_import_page_opens_the_template_for_preparers_only(ledger, cast):
    template = ledger.get(cast.manager, "/import-template")
    assert template.status_code == 200
    assert template.mimetype == XLSX_TYPE
    assert ledger.get(cast.owner, "/import-template").status_code == 403
