"""Every .xlsx workbook Linli writes is made and saved here, so that no text in it is ever
read as a formula (DESIGN.md, Input bounds): an entry described as ``=HYPERLINK(…)`` must
reach the owners who open a published statement as those characters, not as a live link.

Writers build their sheets with openpyxl as usual; ``to_bytes`` turns every string cell into
a text cell on the way out, so no writer has to remember it cell by cell.
"""

import io
import re

from openpyxl import Workbook
from openpyxl.cell import Cell

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# What Excel and LibreOffice take as the start of a formula when a cell is typed or edited
# (= + - @), and the tab and CR that OWASP's CSV-injection advice adds to them.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Characters Excel refuses in a sheet's name (openpyxl raises on them), and its length limit.
SHEET_NAME_FORBIDDEN = re.compile(r"[\\/?*:\[\]]")
SHEET_NAME_MAX = 31


def new_workbook() -> Workbook:
    """An empty workbook, to be saved with ``to_bytes``."""
    return Workbook()


def sheet_title(text: str) -> str:
    """``text`` as a sheet's name: a place called "城西/城南" must not stop its export."""
    # Excel also refuses a name that begins or ends with an apostrophe.
    title = SHEET_NAME_FORBIDDEN.sub("_", text)[:SHEET_NAME_MAX].strip("'")
    return title or "Sheet"


def as_text(cell: Cell) -> None:
    """Make a cell holding a string a text cell, whatever the string begins with."""
    # openpyxl stores a string starting with "=" as a formula, and one like "#N/A" as an
    # error value; every string Linli writes is data.
    cell.data_type = "s"
    if cell.value.startswith(FORMULA_STARTS):
        # A string cell opens as text as it stands; the quote prefix (Excel's leading ')
        # keeps it text when someone edits the cell, where the typed text would be a formula.
        # The value itself stays exactly what was written.
        cell.quotePrefix = True


def to_bytes(book: Workbook) -> bytes:
    """The workbook as an .xlsx file, every string in it a text cell."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    as_text(cell)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
