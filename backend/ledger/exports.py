"""A period's statement as an .xlsx workbook and as a PDF (Chinese text, head hash printed)."""

import io
from decimal import Decimal
from pathlib import Path

from flask import current_app
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace
from openpyxl import Workbook
from openpyxl.styles import Font

from backend.common.clock import local_text, utcnow
from backend.common.money import format_fen
from backend.errors import DomainError

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# (path, index in a font collection): Noto Sans CJK SC is face 2 of Debian's .ttc.
FONT_CANDIDATES = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
)

# fpdf2 sets table headings in bold by default, and a bold face of a CJK font is rarely
# installed (or configured) next to the regular one: without a bold face every table refused
# to render. Headings are told apart by a grey fill instead.
HEADINGS = FontFace(emphasis=None, fill_color=(235, 235, 235))


class FontMissing(DomainError):
    status, code = 503, "font_missing"
    message = "服务器未安装中文字体，暂不能导出 PDF（请安装 fonts-noto-cjk）"


def file_name(statement: dict, suffix: str) -> str:
    return f"{statement['estate_name']}-{statement['period'].label}-收支公示{suffix}"


def _yuan(fen: int) -> Decimal:
    return Decimal(fen) / 100


def to_xlsx(statement: dict, entries) -> bytes:
    period = statement["period"]
    book = Workbook()
    summary = book.active
    summary.title = "收支汇总"
    summary.append([f"{statement['estate_name']} {period.label} 公共收益收支公示"])
    summary["A1"].font = Font(bold=True, size=14)
    summary.append(["状态", period.status_label])
    for label, key in (
        ("期初余额（元）", "opening_balance_fen"),
        ("本期收入（元）", "income_total_fen"),
        ("本期支出（元）", "expense_total_fen"),
        ("期末余额（元）", "closing_balance_fen"),
    ):
        summary.append([label, _yuan(statement[key])])
    summary.append([])
    summary.append(["收支", "类别", "本期（元）", "上期（元）"])
    for row in statement["categories"]:
        previous = row["previous_total_fen"]
        summary.append(
            [
                "收入" if row["direction"] == "income" else "支出",
                row["label"],
                _yuan(row["total_fen"]),
                None if previous is None else _yuan(previous),
            ]
        )
    if statement["head_hash"]:
        summary.append([])
        summary.append(["本期哈希", statement["head_hash"]])
        summary.append(["上期哈希", statement["previous_hash"]])
    detail = book.create_sheet("收支明细")
    detail.append(["序号", "日期", "收支", "类别", "金额（元）", "往来单位", "摘要", "冲销分录"])
    for entry in entries:
        detail.append(
            [
                entry.id,
                entry.entry_date,
                entry.direction_label,
                entry.category_label,
                _yuan(entry.signed_amount_fen),
                entry.counterparty,
                entry.description,
                entry.reverses_entry_id,
            ]
        )
    for sheet in (summary, detail):
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, Decimal):
                    cell.number_format = "#,##0.00"
        sheet.column_dimensions["A"].width = 18
        sheet.column_dimensions["B"].width = 14
    for column, width in zip("CDEFGH", (8, 12, 14, 24, 40, 10), strict=True):
        detail.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _font() -> tuple[str, int]:
    configured = current_app.config.get("PDF_FONT")
    candidates = ((configured, 0),) if configured else FONT_CANDIDATES
    for path, index in candidates:
        if Path(path).is_file():
            return path, index
    raise FontMissing()


class _StatementPdf(FPDF):
    def __init__(self, footer_text: str):
        super().__init__(format="A4")
        self.footer_text = footer_text

    def footer(self):
        self.set_y(-12)
        self.set_font(size=7)
        self.set_text_color(120)
        self.cell(0, 5, f"{self.footer_text}    第 {self.page_no()}/{{nb}} 页", align="C")


def to_pdf(statement: dict, entries) -> bytes:
    period = statement["period"]
    path, index = _font()
    made = local_text(utcnow())
    pdf = _StatementPdf(f"{statement['estate_name']} {period.label} · 生成于 {made}")
    pdf.add_font("cjk", fname=path, collection_font_number=index)
    pdf.set_font("cjk", size=10)
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=16)
    pdf.add_page()
    _title(pdf, statement)
    _balances(pdf, statement)
    _categories(pdf, statement)
    _entries(pdf, entries)
    _chain(pdf, statement)
    return bytes(pdf.output())


def _line(pdf: FPDF, text: str, size: float = 10, height: float = 6, **kwargs):
    pdf.set_font(size=size)
    pdf.cell(0, height, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT, **kwargs)


def _title(pdf: FPDF, statement: dict):
    period = statement["period"]
    _line(pdf, f"{statement['estate_name']}公共收益收支公示", size=16, height=9, align="C")
    _line(pdf, f"账期：{period.label}    状态：{period.status_label}", size=10, align="C")
    if not period.is_published:
        pdf.set_text_color(200, 30, 30)
        _line(pdf, "（未公示草稿，仅供审核使用）", size=10, align="C")
        pdf.set_text_color(0)
    pdf.ln(3)


def _balances(pdf: FPDF, statement: dict):
    with pdf.table(
        col_widths=(1, 1, 1, 1), text_align="CENTER", line_height=7, headings_style=HEADINGS
    ) as table:
        table.row(["期初余额", "本期收入", "本期支出", "期末余额"])
        table.row(
            [
                format_fen(statement[k])
                for k in (
                    "opening_balance_fen",
                    "income_total_fen",
                    "expense_total_fen",
                    "closing_balance_fen",
                )
            ]
        )
    pdf.ln(4)


def _categories(pdf: FPDF, statement: dict):
    _line(pdf, "分类汇总", size=12, height=8)
    pdf.set_font(size=10)  # the table would otherwise inherit the heading's size
    with pdf.table(
        col_widths=(1, 2, 2, 2),
        text_align=("CENTER", "LEFT", "RIGHT", "RIGHT"),
        line_height=6,
        headings_style=HEADINGS,
    ) as table:
        table.row(["收支", "类别", "本期", "上期"])
        for row in statement["categories"]:
            previous = row["previous_total_fen"]
            table.row(
                [
                    "收入" if row["direction"] == "income" else "支出",
                    row["label"],
                    format_fen(row["total_fen"]),
                    "—" if previous is None else format_fen(previous),
                ]
            )
    pdf.ln(4)


def _entries(pdf: FPDF, entries):
    _line(pdf, "收支明细", size=12, height=8)
    if not entries:
        _line(pdf, "本期无收支。")
        return
    pdf.set_font(size=8)
    with pdf.table(
        col_widths=(7, 11, 6, 10, 14, 20, 32),  # the date column fits 2026-10-05
        text_align=("CENTER", "CENTER", "CENTER", "LEFT", "RIGHT", "LEFT", "LEFT"),
        line_height=5,
        headings_style=HEADINGS,
    ) as table:
        table.row(["序号", "日期", "收支", "类别", "金额", "往来单位", "摘要"])
        for e in entries:
            note = f"（冲销第 {e.reverses_entry_id} 笔）" if e.reverses_entry_id else ""
            table.row(
                [
                    str(e.id),
                    e.entry_date.isoformat(),
                    e.direction_label,
                    e.category_label,
                    format_fen(e.signed_amount_fen),
                    e.counterparty,
                    e.description + note,
                ]
            )
    pdf.ln(4)


def _chain(pdf: FPDF, statement: dict):
    _line(pdf, "防篡改校验", size=12, height=8)
    if not statement["head_hash"]:
        _line(pdf, "本账期尚未公示，公示时生成哈希并接入本小区账目哈希链。", size=9)
        return
    period = statement["period"]
    published = local_text(period.published_at)
    _line(pdf, f"公示时间：{published}    链上序号：第 {period.chain_seq} 期", size=9)
    _line(pdf, f"本期哈希（SHA-256）：{statement['head_hash']}", size=8)
    _line(pdf, f"上期哈希：{statement['previous_hash']}", size=8)
    _line(pdf, "任何人可在小程序“账目公示”中核验：改动任何一笔已公示的账目都会使哈希不符。", 8)
