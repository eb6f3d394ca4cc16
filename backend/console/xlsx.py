"""Any console table as an .xlsx workbook: a title, the lines that say what it covers
(place, period, definitions), the header row, then the rows as the page shows them."""

import io
from datetime import datetime

from flask import send_file
from openpyxl.styles import Font

from backend.common.xlsx import XLSX_TYPE, new_workbook, sheet_title, to_bytes

NO_DATA = "暂无数据"


def workbook(title: str, lines: list[str], headers: list[str], rows: list[list]) -> bytes:
    book = new_workbook()
    sheet = book.active
    sheet.title = sheet_title(title)
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=14)
    for line in lines:
        sheet.append([line])
    sheet.append([])
    sheet.append(headers)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([NO_DATA if value is None else value for value in row])
    return to_bytes(book)


def send(data: bytes, name: str):
    stamp = datetime.now().strftime("%Y%m%d")
    return send_file(
        io.BytesIO(data), mimetype=XLSX_TYPE, download_name=f"{name}-{stamp}.xlsx", max_age=0
    )
