"""Statements: totals by category with the previous period beside them, balances chained from
the last published period, reversals counted against their category; the same numbers in the
.xlsx workbook and in the PDF, which carries the head hash."""

import io
import re
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote

import pypdfium2
import pytest
from openpyxl import Workbook, load_workbook
from pypdf import PdfReader

from backend.extensions import db
from backend.ledger.exports import XLSX_TYPE
from backend.ledger.imports import HEADER
from tests.isolation import once_per_module
from tests.ledger_support import build_cast
from tests.xlsx_support import HOSTILE, assert_written_as_text

_cast_of_module, cast = once_per_module("cast", build_cast)

CATEGORY_ORDER = [
    ("income", "parking", "停车收益"),
    ("income", "advertising", "广告收益"),
    ("income", "venue_rent", "场地租金"),
    ("income", "other_income", "其他收入"),
    ("expense", "shared_costs", "公摊费用"),
    ("expense", "maintenance", "维修维保"),
    ("expense", "management", "管理费用"),
    ("expense", "other_expense", "其他支出"),
]
PNG_PATH = Path("/tmp/ledger-statement.png")


def _expense(day, category, amount, text):
    return {
        "entry_date": day,
        "direction": "expense",
        "category": category,
        "amount_fen": amount,
        "counterparty": "安溪电梯维保公司",
        "description": text,
    }


def _income(day, category, amount, text, **extra):
    return {
        "entry_date": day,
        "direction": "income",
        "category": category,
        "amount_fen": amount,
        "counterparty": "临停收费系统",
        "description": text,
        **extra,
    }


@pytest.fixture
def months(ledger, cast):
    """September and October published, November a draft. October reverses September's
    parking income and November its advertising income."""
    september = ledger.publish_period(
        cast,
        "2026-09-01",
        entries=[
            _income("2026-09-05", "parking", 360000, "9月临时停车收入"),
            _income("2026-09-10", "advertising", 50000, "电梯广告"),
            _expense("2026-09-20", "maintenance", 128050, "2号梯维修"),
        ],
    )
    sep_entries = ledger.get(cast.owner, f"/periods/{september['id']}/entries").json["items"]
    parking, advertising = sep_entries[0]["id"], sep_entries[1]["id"]
    october = ledger.publish_period(
        cast,
        "2026-10-01",
        entries=[
            _income("2026-10-02", "parking", 360000, "冲销9月重复记账", reverses_entry_id=parking),
            _income("2026-10-05", "parking", 400000, "10月临时停车收入"),
            _expense("2026-10-15", "shared_costs", 20000, "公共照明电费"),
        ],
    )
    november = ledger.open_period(cast.manager, "2026-11-01")
    for fields in (
        _income("2026-11-03", "advertising", 50000, "冲销9月广告", reverses_entry_id=advertising),
        _income("2026-11-08", "venue_rent", 30000, "快递柜场地租金"),
        _expense("2026-11-12", "management", 5000, "打印纸"),
    ):
        response = ledger.add_entry(cast.manager, november["id"], **fields)
        assert response.status_code == 201, response.json
    return {"september": september, "october": october, "november": november["id"]}


def _totals(categories):
    return {row["category"]: row["total_fen"] for row in categories}


def _previous_totals(categories):
    return {row["category"]: row["previous_total_fen"] for row in categories}


def test_statement_lists_all_eight_categories_income_first(ledger, cast, months):
    statement = ledger.get(cast.owner, f"/periods/{months['october']['id']}/statement").json
    assert [(r["direction"], r["category"], r["label"]) for r in statement["categories"]] == (
        CATEGORY_ORDER
    )
    assert statement["estate_name"] == cast.estate.name
    assert statement["period"]["label"] == "2026年10月"
    assert statement["period"]["status"] == "published"


def test_reversal_counts_against_its_category_and_totals(ledger, cast, months):
    october = ledger.get(cast.owner, f"/periods/{months['october']['id']}/statement").json
    assert _totals(october["categories"]) == {
        "parking": 400000 - 360000,
        "advertising": 0,
        "venue_rent": 0,
        "other_income": 0,
        "shared_costs": 20000,
        "maintenance": 0,
        "management": 0,
        "other_expense": 0,
    }
    assert (october["income_total_fen"], october["expense_total_fen"]) == (40000, 20000)
    # The reversal is stored as a positive amount; only the statement counts it negative.
    items = ledger.get(cast.owner, f"/periods/{months['october']['id']}/entries").json["items"]
    assert items[0]["amount_fen"] == 360000 and items[0]["reverses_entry_id"] is not None

    # November reverses all of September's advertising and has none of its own: negative.
    november = ledger.get(cast.manager, f"/periods/{months['november']}/statement").json
    assert _totals(november["categories"])["advertising"] == -50000
    assert november["income_total_fen"] == -50000 + 30000
    assert november["expense_total_fen"] == 5000


def test_statement_compares_with_the_previous_period(ledger, cast, months):
    september = ledger.get(cast.owner, f"/periods/{months['september']['id']}/statement").json
    assert september["previous"] is None
    assert set(_previous_totals(september["categories"]).values()) == {None}

    october = ledger.get(cast.owner, f"/periods/{months['october']['id']}/statement").json
    assert _previous_totals(october["categories"]) == {
        "parking": 360000,
        "advertising": 50000,
        "venue_rent": 0,
        "other_income": 0,
        "shared_costs": 0,
        "maintenance": 128050,
        "management": 0,
        "other_expense": 0,
    }
    previous = october["previous"]
    assert previous["id"] == months["september"]["id"]
    assert previous["label"] == "2026年9月"
    assert (previous["income_total_fen"], previous["expense_total_fen"]) == (410000, 128050)
    assert previous["closing_balance_fen"] == 410000 - 128050


def test_balances_chain_from_the_previous_published_period(ledger, cast, months):
    sep_closing = 410000 - 128050
    oct_closing = sep_closing + 40000 - 20000
    september = ledger.get(cast.owner, f"/periods/{months['september']['id']}/statement").json
    assert (september["opening_balance_fen"], september["closing_balance_fen"]) == (0, sep_closing)
    october = ledger.get(cast.owner, f"/periods/{months['october']['id']}/statement").json
    assert october["opening_balance_fen"] == sep_closing
    assert october["closing_balance_fen"] == oct_closing == months["october"]["closing_balance_fen"]
    assert october["head_hash"] == months["october"]["head_hash"]
    assert october["previous_hash"] == months["september"]["head_hash"]

    november = ledger.get(cast.manager, f"/periods/{months['november']}/statement").json
    assert november["opening_balance_fen"] == oct_closing
    assert november["closing_balance_fen"] == oct_closing - 20000 - 5000
    assert (november["head_hash"], november["previous_hash"]) == (None, None)
    assert november["previous"]["id"] == months["october"]["id"]


def test_statement_of_an_estate_without_history_is_all_zero(ledger, cast):
    pid = ledger.open_period(cast.manager, "2026-10-01")["id"]
    statement = ledger.get(cast.manager, f"/periods/{pid}/statement").json
    assert set(_totals(statement["categories"]).values()) == {0}
    assert statement["opening_balance_fen"] == statement["closing_balance_fen"] == 0
    assert statement["previous"] is None


@pytest.mark.parametrize("suffix", ["", ".xlsx", ".pdf"])
def test_drafts_are_404_to_owners_and_everything_is_404_to_outsiders(ledger, cast, months, suffix):
    draft = f"/periods/{months['november']}/statement{suffix}"
    published = f"/periods/{months['october']['id']}/statement{suffix}"
    for person in (cast.owner, cast.township):
        assert ledger.get(person, draft).status_code == 404
        assert ledger.get(person, published).status_code == 200
    for person in (cast.outsider, cast.other_auditor):
        assert ledger.get(person, draft).status_code == 404
        assert ledger.get(person, published).status_code == 404
        assert set(ledger.get(person, published).json) == {"error"}
    assert ledger.get(cast.auditor, draft).status_code == 200


# -- .xlsx -------------------------------------------------------------------------------


def _yuan(fen: int) -> Decimal:
    return Decimal(fen) / 100


def _number(value) -> Decimal:
    return Decimal(str(value))


def _workbook(ledger, person, period_id):
    statement = ledger.get(person, f"/periods/{period_id}/statement").json
    response = ledger.get(person, f"/periods/{period_id}/statement.xlsx")
    assert response.status_code == 200
    assert response.mimetype == XLSX_TYPE
    name = f"{statement['estate_name']}-{statement['period']['label']}-收支公示.xlsx"
    assert name in unquote(response.headers["Content-Disposition"])
    return load_workbook(io.BytesIO(response.data))


def _summary(book) -> dict:
    """First-column label -> the rest of its row, from the summary sheet."""
    return {r[0]: r[1:] for r in book["收支汇总"].iter_rows(values_only=True) if r[0]}


def test_xlsx_of_a_published_period_adds_up_and_carries_the_hashes(ledger, cast, months):
    october = months["october"]
    statement = ledger.get(cast.owner, f"/periods/{october['id']}/statement").json
    book = _workbook(ledger, cast.owner, october["id"])
    assert book.sheetnames == ["收支汇总", "收支明细"]
    summary = book["收支汇总"]
    assert summary["A1"].value == f"{cast.estate.name} 2026年10月 公共收益收支公示"
    rows = _summary(book)
    assert rows["状态"][0] == "已公示"
    for label, key in (
        ("期初余额（元）", "opening_balance_fen"),
        ("本期收入（元）", "income_total_fen"),
        ("本期支出（元）", "expense_total_fen"),
        ("期末余额（元）", "closing_balance_fen"),
    ):
        assert _number(rows[label][0]) == _yuan(statement[key]), label
    assert rows["本期哈希"][0] == october["head_hash"]
    assert rows["上期哈希"][0] == months["september"]["head_hash"]

    lines = list(summary.iter_rows(values_only=True))
    start = lines.index(("收支", "类别", "本期（元）", "上期（元）")) + 1
    categories = lines[start : start + 8]
    assert [(d, label) for d, label, *_ in categories] == [
        ("收入" if d == "income" else "支出", label) for d, _c, label in CATEGORY_ORDER
    ]
    income = sum(_number(current) for d, _l, current, _p in categories if d == "收入")
    expense = sum(_number(current) for d, _l, current, _p in categories if d == "支出")
    assert (income, expense) == (_yuan(40000), _yuan(20000))
    assert _number(categories[0][3]) == _yuan(360000)  # September's parking beside October's

    detail = list(book["收支明细"].iter_rows(values_only=True))
    assert detail[0] == (
        "序号",
        "日期",
        "收支",
        "类别",
        "金额（元）",
        "往来单位",
        "摘要",
        "冲销分录",
    )
    entries = detail[1:]
    assert [(e[1].date().isoformat(), e[2], e[3]) for e in entries] == [
        ("2026-10-02", "收入", "停车收益"),
        ("2026-10-05", "收入", "停车收益"),
        ("2026-10-15", "支出", "公摊费用"),
    ]
    assert [_number(e[4]) for e in entries] == [_yuan(-360000), _yuan(400000), _yuan(20000)]
    assert entries[0][7] is not None and entries[1][7] is None
    assert sum(_number(e[4]) for e in entries if e[2] == "收入") == income
    assert sum(_number(e[4]) for e in entries if e[2] == "支出") == expense
    assert summary["B4"].number_format == "#,##0.00"


def test_xlsx_of_a_draft_has_no_hash_and_says_draft(ledger, cast, months):
    book = _workbook(ledger, cast.manager, months["november"])
    rows = _summary(book)
    assert rows["状态"][0] == "草稿"
    assert "本期哈希" not in rows and "上期哈希" not in rows
    assert _number(rows["本期收入（元）"][0]) == _yuan(-20000)
    detail = list(book["收支明细"].iter_rows(values_only=True))[1:]
    assert len(detail) == 3 and _number(detail[0][4]) == _yuan(-50000)


def test_xlsx_writes_text_that_looks_like_a_formula_as_text(ledger, cast):
    cast.estate.name = "=1+2小区"  # the title cell begins with the estate's name
    db.session.commit()
    entries = [{"description": text, "counterparty": text} for text in HOSTILE]
    period = ledger.publish_period(cast, entries=entries)
    # The ledger keeps text without its surrounding whitespace ("\t=1+1" is stored "=1+1").
    items = ledger.get(cast.owner, f"/periods/{period['id']}/entries").json["items"]
    stored = {item[key] for item in items for key in ("description", "counterparty")}
    assert stored == {text.strip() for text in HOSTILE}

    response = ledger.get(cast.owner, f"/periods/{period['id']}/statement.xlsx")

    assert response.status_code == 200
    assert_written_as_text(response.data, exact=stored, inside=["=1+2小区"])


def test_the_import_template_has_no_formula(ledger, cast):
    response = ledger.get(cast.manager, "/import-template")
    assert response.status_code == 200
    assert_written_as_text(response.data, exact=HEADER)


# -- PDF ---------------------------------------------------------------------------------


def _pdf(ledger, person, period_id):
    response = ledger.get(person, f"/periods/{period_id}/statement.pdf")
    assert response.status_code == 200, response.data[:300]
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    return response.data


def _text(data: bytes) -> str:
    """All pages' text without whitespace: pypdf puts spaces (and NULs) between CJK glyphs."""
    pages = PdfReader(io.BytesIO(data)).pages
    return re.sub(r"[\s\x00]+", "", "".join(page.extract_text() for page in pages))


def test_pdf_of_a_published_period_names_estate_period_and_head_hash(ledger, cast, months):
    october = months["october"]
    data = _pdf(ledger, cast.owner, october["id"])
    text = _text(data)

    assert cast.estate.name in text
    assert "2026年10月" in text
    assert "收支公示" in text
    assert "已公示" in text and "未公示草稿" not in text
    assert october["head_hash"] in text
    assert months["september"]["head_hash"] in text
    assert "¥400.00" in text and "-¥3,600.00" in text  # the reversal is shown negative
    assert "冲销第" in text
    assert "期末余额" in text and "¥3,019.50" in text

    page = pypdfium2.PdfDocument(data)[0]
    image = page.render(scale=1.5).to_pil().convert("L")
    image.save(PNG_PATH)
    histogram = image.histogram()
    dark, total = sum(histogram[:128]), image.width * image.height
    assert dark > 5000, f"page 1 looks blank ({dark} dark pixels); see {PNG_PATH}"
    assert dark < total / 2, f"page 1 looks mostly black; see {PNG_PATH}"


def test_pdf_of_a_draft_says_so_and_has_no_hash(ledger, cast, months):
    text = _text(_pdf(ledger, cast.auditor, months["november"]))
    assert "未公示草稿" in text
    assert "本账期尚未公示" in text
    assert "2026年11月" in text and cast.estate.name in text
    assert not re.search(r"[0-9a-f]{64}", text)


def test_pdf_of_many_entries_runs_over_pages_with_page_numbers(ledger, cast):
    pid = ledger.open_period(cast.manager, "2026-10-01")["id"]
    book = Workbook()
    book.active.append(HEADER)
    for day in range(1, 31):
        for n in range(3):
            row = [
                datetime(2026, 10, day),
                "支出",
                "维修维保",
                100 + n,
                "维保公司",
                f"巡检{day}-{n}",
            ]
            book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    imported = ledger.client.post(
        ledger.url(f"/periods/{pid}/entries/import"),
        data={"file": (io.BytesIO(buffer.getvalue()), "a.xlsx")},
        headers=ledger.auth(cast.manager),
        content_type="multipart/form-data",
    )
    assert imported.status_code == 201 and imported.json == {"imported": 90}

    data = _pdf(ledger, cast.manager, pid)
    pages = len(PdfReader(io.BytesIO(data)).pages)
    assert pages > 1
    text = _text(data)
    assert f"第1/{pages}页" in text and f"第{pages}/{pages}页" in text
    assert "巡检30-2" in text  # the last entry made it onto the last page


def test_pdf_with_a_configured_font_file(app, ledger, cast, months, monkeypatch):
    monkeypatch.setitem(
        app.config, "PDF_FONT", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
    )
    text = _text(_pdf(ledger, cast.owner, months["october"]["id"]))
    assert "收支公示" in text and months["october"]["head_hash"] in text


def test_pdf_without_a_cjk_font_is_503_json(app, ledger, cast, months, monkeypatch):
    monkeypatch.setitem(app.config, "PDF_FONT", "/nonexistent/NotoSansCJK-Regular.ttc")
    response = ledger.get(cast.owner, f"/periods/{months['october']['id']}/statement.pdf")
    assert response.status_code == 503
    assert response.mimetype == "application/json"
    error = response.json["error"]
    assert error["code"] == "font_missing"
    assert "fonts-noto-cjk" in error["message"]
    # The other exports do not need the font.
    assert (
        ledger.get(cast.owner, f"/periods/{months['october']['id']}/statement.xlsx").status_code
        == 200
    )
