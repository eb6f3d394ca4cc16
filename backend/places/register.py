"""Unit registers from Excel. Every row is checked before anything is written, so a file
with one bad row saves nothing; errors name the row number and the column.

Two layouts, told apart by their headers (row 1, any column order):
- estate register: 楼栋 | 房号 | 楼层 | 建筑面积(㎡) | 开发商未售 | 产权人
- county register: 县(市、区) | 乡镇(街道) | 社区 | 小区 | 小区地址 + the estate columns
"""

import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import BinaryIO

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from backend.errors import ValidationFailed

PLACE_COLUMNS = {
    "county": "县(市、区)",
    "township": "乡镇(街道)",
    "community": "社区",
    "estate": "小区",
    "address": "小区地址",
}
UNIT_COLUMNS = {
    "building": "楼栋",
    "number": "房号",
    "floor": "楼层",
    "area": "建筑面积(㎡)",
    "unsold": "开发商未售",
    # The owner of record from the housing authority; claims are checked against it.
    "owner_of_record": "产权人",
}
OPTIONAL = {"floor", "unsold", "address", "owner_of_record"}
MAX_ROWS = 100_000
MAX_AREA_DM2 = 10_000_000  # 100,000 m²: nothing a single unit registers is larger
MAX_ERRORS = 50
_TEXT_LIMITS = {
    "county": 64,
    "township": 64,
    "community": 64,
    "estate": 64,
    "address": 200,
    "building": 32,
    "number": 32,
    "owner_of_record": 64,
}
_YES, _NO = {"是", "y", "yes", "true", "1"}, {"否", "n", "no", "false", "0", ""}


@dataclass(frozen=True)
class RegisterRow:
    row: int
    building: str
    number: str
    floor: int | None
    area_dm2: int
    unsold: bool
    county: str = ""
    township: str = ""
    community: str = ""
    estate: str = ""
    address: str = ""
    # None when the file has no 产权人 column (what is on record stays); "" for an empty cell.
    owner_of_record: str | None = None


class _Errors:
    def __init__(self):
        self.items: list[dict] = []

    def add(self, row: int, col: int | None, header: str, message: str):
        column = get_column_letter(col) if col else ""
        self.items.append({"row": row, "column": column, "header": header, "message": message})

    def raise_if_any(self):
        if self.items:
            first = self.items[0]
            where = f"第{first['row']}行" + (f" {first['column']}列" if first["column"] else "")
            raise ValidationFailed(
                f"导入失败，未保存任何数据。{where}（{first['header']}）：{first['message']}",
                fields={"rows": self.items[:MAX_ERRORS]},
                code="register_invalid",
            )


def parse_area(value) -> int:
    """Square metres (number or text, at most two decimals) to integer dm².

    :raises ValueError: not a positive number with at most two decimals.
    """
    if isinstance(value, bool) or value is None:
        raise ValueError
    # repr() of a float is its shortest exact decimal, so 89.12 stays 89.12.
    try:
        amount = Decimal(repr(value) if isinstance(value, float) else str(value).strip())
    except InvalidOperation:
        raise ValueError(value) from None
    if not amount.is_finite():
        raise ValueError(value)
    hundredths = amount * 100
    if hundredths != hundredths.to_integral_value() or not 0 < hundredths <= MAX_AREA_DM2:
        raise ValueError
    return int(hundredths)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _floor(value) -> int | None:
    text = _text(value)
    if not text:
        return None
    number = int(text)
    if not -10 <= number <= 300:
        raise ValueError
    return number


def read_register(stream: BinaryIO, with_places: bool) -> list[RegisterRow]:
    """Parse and check a whole register.

    :raises ValidationFailed: unreadable file, missing headers, or any bad row.
    """
    try:
        sheet = load_workbook(stream, read_only=True, data_only=True).worksheets[0]
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, IndexError):
        raise ValidationFailed(
            "文件不是有效的 Excel (.xlsx) 文件",
            fields={"file": ["请上传 .xlsx 格式的房屋清册"]},
            code="register_unreadable",
        ) from None
    rows = sheet.iter_rows(values_only=True)
    columns = {**(PLACE_COLUMNS if with_places else {}), **UNIT_COLUMNS}
    index = _header_index(next(rows, ()), columns)
    errors, parsed, seen = _Errors(), [], {}
    for row_number, values in enumerate(rows, start=2):
        if row_number > MAX_ROWS + 1:
            errors.add(row_number, None, "", f"一次最多导入 {MAX_ROWS} 行")
            break
        if all(v is None or _text(v) == "" for v in values):
            continue
        row = _read_row(row_number, values, index, columns, errors)
        if row is None:
            continue
        key = (row.county, row.township, row.community, row.estate, row.building, row.number)
        if key in seen:
            errors.add(row_number, index["number"] + 1, columns["number"], f"与第{seen[key]}行重复")
            continue
        seen[key] = row_number
        parsed.append(row)
    errors.raise_if_any()
    if not parsed:
        raise ValidationFailed(
            "文件中没有房屋数据", fields={"file": ["表格为空"]}, code="register_empty"
        )
    return parsed


def _header_index(header_row, columns: dict) -> dict:
    headers = [_text(h) for h in header_row]
    index, missing = {}, []
    for key, title in columns.items():
        if title in headers:
            index[key] = headers.index(title)
        elif key not in OPTIONAL:
            missing.append(title)
    if missing:
        raise ValidationFailed(
            f"表头缺少：{'、'.join(missing)}（第1行）",
            fields={
                "rows": [
                    {"row": 1, "column": "", "header": m, "message": "缺少该列"} for m in missing
                ]
            },
            code="register_invalid",
        )
    return index


def _read_row(row_number, values, index, columns, errors) -> RegisterRow | None:
    def cell(key):
        i = index.get(key)
        return values[i] if i is not None and i < len(values) else None

    before = len(errors.items)
    fields = {}
    for key, limit in _TEXT_LIMITS.items():
        if key not in columns:
            continue
        text = _text(cell(key))
        if not text and key not in OPTIONAL:
            errors.add(row_number, index[key] + 1, columns[key], "不能为空")
        elif len(text) > limit:
            errors.add(row_number, index[key] + 1, columns[key], f"不能超过 {limit} 个字")
        fields[key] = text
    if "owner_of_record" not in index:
        fields.pop("owner_of_record", None)
    try:
        fields["area_dm2"] = parse_area(cell("area"))
    except (ValueError, InvalidOperation):
        errors.add(
            row_number, index["area"] + 1, columns["area"], "面积必须是大于 0 的数字，最多两位小数"
        )
    try:
        fields["floor"] = _floor(cell("floor"))
    except ValueError:
        errors.add(row_number, index["floor"] + 1, columns["floor"], "楼层必须是整数")
    unsold = _text(cell("unsold")).lower()
    if unsold not in _YES | _NO:
        errors.add(row_number, index["unsold"] + 1, columns["unsold"], "请填写“是”或“否”")
    fields["unsold"] = unsold in _YES
    if len(errors.items) > before:
        return None
    return RegisterRow(row=row_number, **fields)
