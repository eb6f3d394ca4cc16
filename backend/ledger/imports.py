"""Reading ledger entries from an .xlsx sheet (and the template people fill in).

Amounts are typed in yuan as people write them (1234.5, "1,234.50"); they become fen through
Decimal, never float arithmetic, and more than two decimals is an error, not a rounding.
"""

import re
import zipfile
import zlib
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from backend.common import xlsx
from backend.common.money import MAX_FEN
from backend.common.schemas import DATE_BOUNDS_ERROR, MAX_DATE, MIN_DATE
from backend.errors import ValidationFailed
from backend.ledger.models import CATEGORIES, DIRECTION_LABELS

HEADER = ["日期", "收支", "类别", "金额（元）", "往来单位", "摘要"]
MAX_ROWS = 5000
# A real sheet of MAX_ROWS rows unpacks to a few MB; the cap refuses zip bombs before openpyxl
# inflates them (shared strings are read whole into memory, sheets parsed for as long as
# they last).
MAX_UNZIPPED_BYTES = 64 * 1024 * 1024
# What a file that is a zip but not a well-formed workbook makes zipfile and openpyxl raise:
# xml's ParseError is a SyntaxError, an unknown XML attribute a TypeError, an odd zip feature
# NotImplementedError. Sheets are parsed lazily, while rows are read, so reading the rows
# needs the same guard as opening the file.
_UNREADABLE = (
    InvalidFileException,
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    KeyError,
    IndexError,
    OSError,
    ValueError,
    TypeError,
    SyntaxError,
    NotImplementedError,
)
COUNTERPARTY_MAX, DESCRIPTION_MAX = 100, 500

_PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_DIRECTIONS = {label: code for code, label in DIRECTION_LABELS.items()}
_CATEGORIES = {label: code for code, (_d, label) in CATEGORIES.items()}


def _date(value) -> date:
    """A cell's date: a spreadsheet date, or text people write as 2026/10/5 or 2026.10.05;
    within the dates anyone may send, like the API's."""
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    else:
        text = str(value or "").strip().replace("/", "-").replace(".", "-")
        try:
            day = date.fromisoformat("-".join(part.zfill(2) for part in text.split("-")))
        except ValueError:
            raise ValueError("日期格式应为 2026-10-05") from None
    if not MIN_DATE <= day <= MAX_DATE:
        raise ValueError(DATE_BOUNDS_ERROR)
    return day


def _fen(value) -> int:
    if value is None or value == "":
        raise ValueError("请填写金额")
    if isinstance(value, bool):
        raise ValueError("金额格式不正确")
    text = repr(value) if isinstance(value, float) else str(value)
    text = text.replace(",", "").replace("，", "").replace("¥", "").strip()
    # Typed text must read as people write money: "1e3" is a typo, not a thousand yuan.
    if not isinstance(value, float) and not _PLAIN_NUMBER.match(text):
        raise ValueError("金额格式不正确")
    try:
        yuan = Decimal(text)
    except InvalidOperation:
        raise ValueError("金额格式不正确") from None
    if not yuan.is_finite():
        raise ValueError("金额格式不正确")
    fen = yuan * 100
    if fen != fen.to_integral_value():
        raise ValueError("金额最多两位小数")
    if not 0 < fen <= MAX_FEN:
        raise ValueError(f"金额应在 0.01 元到 {MAX_FEN // 100:,} 元之间")
    return int(fen)


def _row(cells) -> tuple[dict, list[str]]:
    day, direction, category, amount, party, text = (list(cells) + [None] * 6)[:6]
    values, errors = {}, []
    for key, parse in (("entry_date", _date), ("amount_fen", _fen)):
        try:
            values[key] = parse(day if key == "entry_date" else amount)
        except ValueError as error:
            errors.append(str(error))
    values["direction"] = _DIRECTIONS.get(str(direction or "").strip())
    if values["direction"] is None:
        errors.append("收支应为“收入”或“支出”")
    values["category"] = _CATEGORIES.get(str(category or "").strip())
    if values["category"] is None:
        errors.append("类别应为：" + "、".join(_CATEGORIES))
    values["counterparty"] = str(party or "").strip()
    values["description"] = str(text or "").strip()
    if len(values["counterparty"]) > COUNTERPARTY_MAX:
        errors.append(f"往来单位不能超过 {COUNTERPARTY_MAX} 个字")
    if not values["description"]:
        errors.append("请填写摘要")
    elif len(values["description"]) > DESCRIPTION_MAX:
        errors.append(f"摘要不能超过 {DESCRIPTION_MAX} 个字")
    return values, errors


def _unreadable() -> ValidationFailed:
    return ValidationFailed(
        "无法读取该文件，请上传 .xlsx 格式的表格", fields={"file": ["不是有效的 .xlsx 文件"]}
    )


def _check_unzipped_size(stream) -> None:
    # zipfile never inflates an entry past its declared size, so the declared sizes bound
    # what openpyxl can be made to read.
    with zipfile.ZipFile(stream) as package:
        unzipped = sum(info.file_size for info in package.infolist())
    stream.seek(0)
    if unzipped > MAX_UNZIPPED_BYTES:
        raise ValidationFailed("表格内容过大，请拆分后分批导入", fields={"file": ["表格内容过大"]})


def read_rows(stream) -> tuple[list[tuple[int, dict]], dict[str, list[str]]]:
    """([(row number, entry values)], {row number: [errors]}) of the first sheet.

    :raises ValidationFailed: not a readable .xlsx, a wrong header, or too many rows.
    """
    try:
        _check_unzipped_size(stream)
        book = load_workbook(stream, read_only=True, data_only=True)
        try:
            return _read_sheet(book.worksheets[0])
        finally:
            book.close()
    except _UNREADABLE:
        raise _unreadable() from None


def _read_sheet(sheet) -> tuple[list[tuple[int, dict]], dict[str, list[str]]]:
    # Only the template's columns: without max_col a read-only sheet pads every row out to
    # the widest cell, and one cell in column XFD makes each of a million rows 16,384 wide.
    lines = sheet.iter_rows(max_col=len(HEADER), values_only=True)
    header = [str(c or "").strip() for c in next(lines, ())][:6]
    if header != HEADER:
        raise ValidationFailed(
            "表头应为：" + "、".join(HEADER), fields={"file": ["表头不符，请使用导入模板"]}
        )
    rows, errors = [], {}
    for number, cells in enumerate(lines, start=2):
        if not any(c not in (None, "") for c in cells):
            continue
        if len(rows) + len(errors) >= MAX_ROWS:
            raise ValidationFailed(f"一次最多导入 {MAX_ROWS} 行", fields={"file": ["行数过多"]})
        values, row_errors = _row(cells)
        if row_errors:
            errors[str(number)] = row_errors
        else:
            rows.append((number, values))
    return rows, errors


def template() -> bytes:
    """The import template: the header and two example rows."""
    book = xlsx.new_workbook()
    sheet = book.active
    sheet.title = "分录"
    sheet.append(HEADER)
    sheet.append(["2026-10-05", "收入", "停车收益", 3600, "临停收费系统", "10月临时停车收入"])
    sheet.append(["2026-10-12", "支出", "维修维保", "1280.50", "安溪电梯维保公司", "2号梯维修"])
    for column, width in zip("ABCDEF", (12, 8, 12, 12, 24, 40), strict=True):
        sheet.column_dimensions[column].width = width
    return xlsx.to_bytes(book)
