"""The one place workbooks are written: every string a text cell (the ones a spreadsheet would
run with the quote prefix), numbers and dates left typed, and no other module making or
saving a workbook of its own."""

import ast
import io
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

from backend.common import xlsx
from tests.xlsx_support import HOSTILE, as_read, assert_written_as_text

BACKEND = Path(__file__).resolve().parents[2] / "backend"


def _saved(rows: list[list]):
    book = xlsx.new_workbook()
    for row in rows:
        book.active.append(row)
    return xlsx.to_bytes(book)


def test_text_a_spreadsheet_would_run_is_saved_as_quoted_text():
    data = _saved([HOSTILE])
    assert_written_as_text(data, exact=HOSTILE)
    row = next(load_workbook(io.BytesIO(data)).active.iter_rows())
    assert [c.value for c in row] == [as_read(text) for text in HOSTILE]


def test_other_text_is_plain_text_and_error_codes_are_text_too():
    data = _saved([["停车收益", "a=b", "1+1", "#N/A", "#REF!", ""]])
    row = next(load_workbook(io.BytesIO(data)).active.iter_rows())
    assert [c.value for c in row[:5]] == ["停车收益", "a=b", "1+1", "#N/A", "#REF!"]
    assert {c.data_type for c in row[:5]} == {"s"}
    assert not any(c.quotePrefix for c in row)


def test_numbers_and_dates_stay_typed():
    data = _saved([[-360000, Decimal("-3600.00"), 1.5, date(2026, 10, 5), datetime(2026, 10, 5)]])
    row = next(load_workbook(io.BytesIO(data)).active.iter_rows())
    assert [c.data_type for c in row] == ["n", "n", "n", "d", "d"]
    assert row[0].value == -360000 and Decimal(str(row[1].value)) == Decimal("-3600")
    assert not any(c.quotePrefix for c in row)


def _makes_or_saves_a_workbook(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("openpyxl"):
            found += [f"imports {a.name}" for a in node.names if a.name in ("Workbook", "Cell")]
        if isinstance(node, ast.Attribute) and node.attr == "save":
            if isinstance(node.value, ast.Name) and node.value.id in ("book", "workbook", "wb"):
                found.append(f"calls {node.value.id}.save")
    return found


def test_only_the_common_module_makes_and_saves_workbooks():
    offenders = {
        str(path.relative_to(BACKEND)): found
        for path in BACKEND.rglob("*.py")
        if path != BACKEND / "common" / "xlsx.py" and (found := _makes_or_saves_a_workbook(path))
    }
    assert offenders == {}, "write workbooks with backend.common.xlsx (new_workbook, to_bytes)"


def test_any_text_makes_a_sheet_name_excel_accepts():
    assert xlsx.sheet_title("城西/城南[片区]:*?\\") == "城西_城南_片区_____"
    assert xlsx.sheet_title("'引号'") == "引号"
    assert xlsx.sheet_title("长" * 40) == "长" * 31
    assert xlsx.sheet_title("''") == "Sheet"
    book = xlsx.new_workbook()
    book.active.title = xlsx.sheet_title("a/b" * 20)  # openpyxl raises on what Excel refuses
