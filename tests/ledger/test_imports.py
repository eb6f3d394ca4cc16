"""Importing entries from an .xlsx sheet: every row or none, amounts to exact fen, errors keyed
by the row number people see in Excel, and files that are not spreadsheets refused as 422."""

import io
import zipfile
from datetime import datetime

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from backend.extensions import db
from backend.ledger.exports import XLSX_TYPE
from backend.ledger.imports import HEADER, MAX_ROWS
from backend.ledger.models import LedgerEntry, LedgerPeriod
from tests.isolation import once_per_module
from tests.ledger_support import build_cast

_cast_of_module, cast = once_per_module("cast", build_cast)


GOOD = ["2026-10-05", "收入", "停车收益", 3600, "临停收费系统", "10月临时停车收入"]


def workbook(*rows, header=HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    if header is not None:
        sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(ledger, person, period_id, data: bytes, name="十月账目.xlsx"):
    return ledger.client.post(
        ledger.url(f"/periods/{period_id}/entries/import"),
        data={"file": (io.BytesIO(data), name)},
        headers=ledger.auth(person),
        content_type="multipart/form-data",
    )


def stored(period_id) -> tuple:
    """(rows counted, the period's entry_count, income and expense totals) as stored now."""
    db.session.expire_all()
    count = db.session.scalar(
        select(func.count()).select_from(LedgerEntry).where(LedgerEntry.period_id == period_id)
    )
    period = db.session.get(LedgerPeriod, period_id)
    return count, period.entry_count, period.income_total_fen, period.expense_total_fen


@pytest.fixture
def draft(ledger, cast):
    """A draft October with one entry already in it, so "nothing saved" means "still one"."""
    period = ledger.open_period(cast.manager, "2026-10-01")
    assert ledger.add_entry(cast.manager, period["id"], amount_fen=10000).status_code == 201
    return period["id"]


def test_good_sheet_imports_every_row_as_exact_fen_and_updates_totals(ledger, cast, draft):
    rows = [
        ["2026-10-05", "收入", "停车收益", "1,234.50", "临停收费系统", "临时停车"],
        [datetime(2026, 10, 6), "收入", "广告收益", 1234.5, "电梯广告公司", "电梯广告"],
        ["2026/10/7", "支出", "维修维保", 3600, "安溪电梯维保公司", "2号梯维修"],
        ["2026-10-08", "支出", "公摊费用", 19.99, "", "  公共照明电费  "],
        ["2026-10-09", "收入", "场地租金", "¥88", "快递柜", "场地租金"],
        ["2026-10-10", "收入", "其他收入", "1，000.1", None, "废品回收"],
        ["2026-10-11", "支出", "管理费用", 0.07, "文具店", "打印纸"],
        ["2026-10-12", "支出", "其他支出", " 12.3 ", "社区", "活动"],
    ]

    response = upload(ledger, cast.manager, draft, workbook(*rows))

    assert response.status_code == 201, response.json
    assert response.json == {"imported": 8}
    items = ledger.get(cast.manager, f"/periods/{draft}/entries?page_size=50").json["items"]
    imported = [(e["entry_date"], e["category"], e["amount_fen"]) for e in items[1:]]
    assert imported == [
        ("2026-10-05", "parking", 123450),
        ("2026-10-06", "advertising", 123450),
        ("2026-10-07", "maintenance", 360000),
        ("2026-10-08", "shared_costs", 1999),
        ("2026-10-09", "venue_rent", 8800),
        ("2026-10-10", "other_income", 100010),
        ("2026-10-11", "management", 7),
        ("2026-10-12", "other_expense", 1230),
    ]
    assert items[4]["counterparty"] == "" and items[4]["description"] == "公共照明电费"
    assert all(type(e["amount_fen"]) is int for e in items)
    income = 10000 + 123450 + 123450 + 8800 + 100010
    expense = 360000 + 1999 + 7 + 1230
    assert stored(draft) == (9, 9, income, expense)
    period = ledger.get(cast.manager, f"/periods/{draft}").json
    assert (period["entry_count"], period["income_total_fen"]) == (9, income)
    assert period["expense_total_fen"] == expense
    assert period["closing_balance_fen"] == income - expense


def test_largest_amount_imports_and_one_fen_more_does_not(ledger, cast, draft):
    top = ["2026-10-05", "收入", "其他收入", 1_000_000_000, "", "上限"]
    assert upload(ledger, cast.manager, draft, workbook(top)).status_code == 201
    over = ["2026-10-06", "收入", "其他收入", "1000000000.01", "", "超限"]
    response = upload(ledger, cast.manager, draft, workbook(over))
    assert response.status_code == 422
    assert response.json["error"]["fields"]["rows"] == {
        "2": ["金额应在 0.01 元到 1,000,000,000 元之间"]
    }


BAD_ROWS = [
    ("three decimals in a number cell", {3: 12.345}, "金额最多两位小数"),
    ("three decimals as text", {3: "12.345"}, "金额最多两位小数"),
    ("negative", {3: -5}, "金额应在 0.01 元到"),
    ("zero", {3: 0}, "金额应在 0.01 元到"),
    ("text", {3: "三百元"}, "金额格式不正确"),
    ("not a number", {3: "NaN"}, "金额格式不正确"),
    ("infinite", {3: "Infinity"}, "金额格式不正确"),
    ("astronomical", {3: 1e20}, "金额应在 0.01 元到"),
    ("missing amount", {3: None}, "请填写金额"),
    ("true is not money", {3: True}, "金额格式不正确"),
    ("exponent typed as text", {3: "1e3"}, "金额格式不正确"),
    ("unknown category", {2: "物业费"}, "类别应为：停车收益"),
    ("income category as expense", {1: "支出"}, "类别与收支方向不符"),
    ("unknown direction", {1: "收"}, "收支应为“收入”或“支出”"),
    ("date after the period", {0: "2026-11-05"}, "日期应在账期（2026年10月）之内"),
    ("date before the period", {0: datetime(2026, 9, 30)}, "日期应在账期（2026年10月）之内"),
    ("impossible date", {0: "2026-10-32"}, "日期格式应为 2026-10-05"),
    ("date in words", {0: "十月五日"}, "日期格式应为 2026-10-05"),
    ("empty description", {5: ""}, "请填写摘要"),
    ("blank description", {5: "   "}, "请填写摘要"),
    ("description too long", {5: "修" * 501}, "摘要不能超过 500 个字"),
    ("counterparty too long", {4: "公" * 101}, "往来单位不能超过 100 个字"),
]


@pytest.mark.parametrize(
    ("change", "message"), [case[1:] for case in BAD_ROWS], ids=[case[0] for case in BAD_ROWS]
)
def test_one_bad_row_refuses_the_whole_sheet(ledger, cast, draft, change, message):
    bad = list(GOOD)
    for column, value in change.items():
        bad[column] = value
    before = stored(draft)

    response = upload(ledger, cast.manager, draft, workbook(GOOD, bad, GOOD))

    assert response.status_code == 422, response.json
    error = response.json["error"]
    assert error["code"] == "validation_failed"
    assert "未导入任何分录" in error["message"]
    rows = error["fields"]["rows"]
    assert list(rows) == ["3"]  # header is row 1, the bad row is the sheet's row 3
    assert any(message in text for text in rows["3"]), rows
    assert stored(draft) == before == (1, 1, 10000, 0)


def test_errors_name_the_rows_people_see_in_excel(ledger, cast, draft):
    no_amount = [*GOOD[:3], "", *GOOD[4:]]
    wrong_month = ["2026-11-01", *GOOD[1:]]
    sheet = workbook(GOOD, [None] * 6, no_amount, GOOD, [], wrong_month)
    before = stored(draft)

    response = upload(ledger, cast.manager, draft, sheet)

    assert response.status_code == 422
    assert "有 2 行有误" in response.json["error"]["message"]
    assert response.json["error"]["fields"]["rows"] == {
        "4": ["请填写金额"],
        "7": ["日期应在账期（2026年10月）之内"],
    }
    assert stored(draft) == before


def test_a_row_with_several_mistakes_lists_each(ledger, cast, draft):
    response = upload(
        ledger, cast.manager, draft, workbook(["昨天", "进账", "杂项", "abc", "", ""])
    )
    assert response.status_code == 422
    assert response.json["error"]["fields"]["rows"]["2"] == [
        "日期格式应为 2026-10-05",
        "金额格式不正确",
        "收支应为“收入”或“支出”",
        "类别应为：停车收益、广告收益、场地租金、其他收入、公摊费用、维修维保、管理费用、其他支出",
        "请填写摘要",
    ]


@pytest.mark.parametrize(
    "header",
    [
        ["日期", "收支", "类别", "金额", "往来单位", "摘要"],
        ["收支", "日期", "类别", "金额（元）", "往来单位", "摘要"],
        ["日期", "收支", "类别", "金额（元）", "往来单位"],
        ["楼栋", "房号", "楼层", "建筑面积(㎡)", "开发商未售"],
    ],
)
def test_wrong_header_is_422_and_saves_nothing(ledger, cast, draft, header):
    before = stored(draft)
    response = upload(ledger, cast.manager, draft, workbook(GOOD, header=header))
    assert response.status_code == 422
    assert response.json["error"]["fields"] == {"file": ["表头不符，请使用导入模板"]}
    assert (
        "表头应为：日期、收支、类别、金额（元）、往来单位、摘要"
        in response.json["error"]["message"]
    )
    assert stored(draft) == before


def test_sheet_without_rows_is_422(ledger, cast, draft):
    for data in (workbook(), workbook(header=None), workbook([None] * 6, [])):
        response = upload(ledger, cast.manager, draft, data)
        assert response.status_code == 422
        assert "file" in response.json["error"]["fields"]
    assert stored(draft)[0] == 1


def test_header_with_extra_columns_after_the_template_still_imports(ledger, cast, draft):
    data = workbook([*GOOD, "备注会被忽略"], header=[*HEADER, "备注"])
    response = upload(ledger, cast.manager, draft, data)
    assert response.status_code == 201 and response.json == {"imported": 1}


def _zip(parts: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return buffer.getvalue()


def _tampered(change) -> bytes:
    """The good workbook with its parts passed through ``change(name, bytes)`` (None drops)."""
    original = zipfile.ZipFile(io.BytesIO(workbook(GOOD)))
    parts = {}
    for name in original.namelist():
        data = change(name, original.read(name))
        if data is not None:
            parts[name] = data
    return _zip(parts)


def _sheet_part(edit):
    return lambda name, data: edit(data) if name == "xl/worksheets/sheet1.xml" else data


NOT_SPREADSHEETS = {
    "text": "这不是表格".encode(),
    "csv content": ",".join(HEADER).encode() + b"\n2026-10-05,\xe6\x94\xb6\xe5\x85\xa5\n",
    "pdf": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
    "png": bytes.fromhex("89504e470d0a1a0a0000000d49484452"),
    "empty": b"",
    "zip of something else": _zip({"readme.txt": "hello"}),
    "docx-like package": _zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w/>"}),
    "truncated zip": workbook(GOOD)[:2000],
    # A real package whose sheet part is broken: openpyxl only parses it while rows are read.
    "sheet xml cut in half": _tampered(_sheet_part(lambda data: data[: len(data) // 2])),
    "sheet without its xml": _tampered(
        lambda name, data: None if name == "xl/worksheets/sheet1.xml" else data
    ),
    "number cell that is not a number": _tampered(
        _sheet_part(lambda data: data.replace(b"<v>3600</v>", b"<v>abc</v>"))
    ),
    "control character reference": _tampered(
        _sheet_part(lambda data: data.replace("临停收费系统".encode(), b"&#1;"))
    ),
}


@pytest.mark.parametrize("data", NOT_SPREADSHEETS.values(), ids=NOT_SPREADSHEETS.keys())
def test_file_that_is_not_a_workbook_is_422_not_500(ledger, cast, draft, data):
    before = stored(draft)
    response = upload(ledger, cast.manager, draft, data, name="账目.xlsx")
    assert response.status_code == 422, response.json
    assert response.json["error"]["fields"] == {"file": ["不是有效的 .xlsx 文件"]}
    assert stored(draft) == before


def test_zip_bomb_is_refused_before_it_is_unpacked(ledger, cast, draft):
    # ~100 KB on the wire, ~80 MB unpacked: a comment padding the sheet part.
    padding = b"<!--" + b" " * (80 * 1024 * 1024) + b"-->"
    data = _tampered(
        _sheet_part(lambda xml: xml.replace(b"</worksheet>", padding + b"</worksheet>"))
    )
    assert len(data) < 1024 * 1024
    response = upload(ledger, cast.manager, draft, data)
    assert response.status_code == 422
    assert response.json["error"]["fields"] == {"file": ["表格内容过大"]}


def test_one_cell_far_away_does_not_make_the_import_crawl(ledger, cast, draft):
    # Read-only openpyxl pads every row to the widest cell: a cell in column XFD once made a
    # 5 KB file take minutes. Only the template's six columns are read now.
    book = Workbook()
    book.active.append(HEADER)
    book.active.append(GOOD)
    book.active.cell(row=200_000, column=16_384, value="远处的单元格")
    buffer = io.BytesIO()
    book.save(buffer)
    response = upload(ledger, cast.manager, draft, buffer.getvalue())
    assert response.status_code == 201 and response.json == {"imported": 1}


def test_too_many_rows_is_422(ledger, cast, draft):
    data = workbook(*([GOOD] * (MAX_ROWS + 1)))
    response = upload(ledger, cast.manager, draft, data)
    assert response.status_code == 422
    assert response.json["error"]["fields"] == {"file": ["行数过多"]}
    assert stored(draft)[0] == 1


@pytest.mark.parametrize("name", ["账目.csv", "账目.xls", "账目", "账目.xlsx.exe", ""])
def test_file_not_named_xlsx_is_422(ledger, cast, draft, name):
    response = upload(ledger, cast.manager, draft, workbook(GOOD), name=name)
    assert response.status_code == 422
    assert "file" in response.json["error"]["fields"]
    assert stored(draft)[0] == 1


def test_upper_case_suffix_is_still_xlsx(ledger, cast, draft):
    response = upload(ledger, cast.manager, draft, workbook(GOOD), name="ACCOUNTS.XLSX")
    assert response.status_code == 201


def test_missing_file_field_and_json_body_are_refused(ledger, cast, draft):
    url = ledger.url(f"/periods/{draft}/entries/import")
    headers = ledger.auth(cast.manager)
    no_file = ledger.client.post(
        url, data={"upload": "x"}, headers=headers, content_type="multipart/form-data"
    )
    assert no_file.status_code == 422 and "file" in no_file.json["error"]["fields"]
    as_json = ledger.client.post(url, json={"file": "x"}, headers=headers)
    assert as_json.status_code == 415
    assert as_json.json["error"]["code"] == "unsupported_media_type"
    assert stored(draft)[0] == 1


@pytest.mark.parametrize("status", ["submitted", "published"])
def test_importing_into_a_period_past_draft_is_409(ledger, cast, status):
    if status == "published":
        pid = ledger.publish_period(cast, "2026-10-01")["id"]
    else:
        pid = ledger.open_period(cast.manager, "2026-10-01")["id"]
        ledger.add_entry(cast.manager, pid)
        assert ledger.act(cast.manager, pid, "submit").status_code == 200
    before = stored(pid)
    response = upload(ledger, cast.manager, pid, workbook(GOOD))
    assert response.status_code == 409, response.json
    assert stored(pid) == before


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("owner", 404),
        ("township", 404),
        ("outsider", 404),
        ("other_auditor", 404),
        ("auditor", 403),
    ],
)
def test_only_preparers_import(ledger, cast, draft, who, expected):
    response = upload(ledger, getattr(cast, who), draft, workbook(GOOD))
    assert response.status_code == expected, response.json
    assert set(response.json) == {"error"}
    assert stored(draft)[0] == 1


@pytest.mark.parametrize(("who", "expected"), [("owner", 403), ("outsider", 404)])
def test_template_is_for_those_who_prepare_the_accounts(ledger, cast, who, expected):
    assert ledger.get(getattr(cast, who), "/import-template").status_code == expected


@pytest.mark.parametrize("who", ["chair", "member", "manager"])
def test_committee_and_property_manager_import(ledger, cast, draft, who):
    assert upload(ledger, getattr(cast, who), draft, workbook(GOOD)).status_code == 201


def test_template_has_the_header_and_imports_cleanly_when_posted_back(ledger, cast):
    response = ledger.get(cast.manager, "/import-template")
    assert response.status_code == 200
    assert response.mimetype == XLSX_TYPE
    assert ".xlsx" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    assert [r[0] for r in rows[1:]] == ["2026-10-05", "2026-10-12"]

    pid = ledger.open_period(cast.manager, "2026-10-01")["id"]
    posted = upload(ledger, cast.manager, pid, response.data, name="账目导入模板.xlsx")

    assert posted.status_code == 201, posted.json
    assert posted.json == {"imported": 2}
    period = ledger.get(cast.manager, f"/periods/{pid}").json
    assert (period["entry_count"], period["income_total_fen"]) == (2, 360000)
    assert period["expense_total_fen"] == 128050
    items = ledger.get(cast.manager, f"/periods/{pid}/entries").json["items"]
    assert [(e["category"], e["counterparty"]) for e in items] == [
        ("parking", "临停收费系统"),
        ("maintenance", "安溪电梯维保公司"),
    ]


def test_imported_period_goes_through_the_workflow_like_any_other(ledger, cast):
    pid = ledger.open_period(cast.manager, "2026-10-01")["id"]
    assert upload(ledger, cast.manager, pid, workbook(GOOD, GOOD)).status_code == 201
    for person, action in (
        (cast.manager, "submit"),
        (cast.chair, "approve"),
        (cast.member, "approve"),
        (cast.auditor, "audit"),
        (cast.chair, "publish"),
    ):
        assert ledger.act(person, pid, action).status_code == 200
    assert ledger.get(cast.owner, "/verify").json["ok"] is True
    period = ledger.get(cast.owner, f"/periods/{pid}").json
    assert period["closing_balance_fen"] == 720000
