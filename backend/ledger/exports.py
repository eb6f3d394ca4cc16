"""A period's statement as an .xlsx workbook and as a PDF (Chinese text, head hash printed)."""

from decimal import Decimal

from openpyxl.styles import Font

from backend.common import xlsx
from backend.common.clock import local_text, utcnow
from backend.common.money import format_fen
from backend.common.pdf import HEADINGS, Document

XLSX_TYPE = xlsx.XLSX_TYPE


def file_name(statement: dict, suffix: str) -> str:
    return f"{statement['estate_name']}-{statement['period'].label}-收支公示{suffix}"


def _yuan(fen: int) -> Decimal:
    return Decimal(fen) / 100


def to_xlsx(statement: dict, entries) -> bytes:
    period = statement["period"]
    book = xlsx.new_workbook()
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
    return xlsx.to_bytes(book)


def to_pdf(statement: dict, entries) -> bytes:
    period = statement["period"]
    made = local_text(utcnow())
    pdf = Document(f"{statement['estate_name']} {period.label} · 生成于 {made}")
    pdf.add_page()
    _title(pdf, statement)
    _balances(pdf, statement)
    _categories(pdf, statement)
    _entries(pdf, entries)
    _chain(pdf, statement)
    return bytes(pdf.output())


def _title(pdf: Document, statement: dict):
    period = statement["period"]
    pdf.text_line(f"{statement['estate_name']}公共收益收支公示", size=16, height=9, align="C")
    pdf.text_line(f"账期：{period.label}    状态：{period.status_label}", size=10, align="C")
    if not period.is_published:
        pdf.set_text_color(200, 30, 30)
        pdf.text_line("（未公示草稿，仅供审核使用）", size=10, align="C")
        pdf.set_text_color(0)
    pdf.ln(3)


def _balances(pdf: Document, statement: dict):
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


def _categories(pdf: Document, statement: dict):
    pdf.text_line("分类汇总", size=12, height=8)
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


def _entries(pdf: Document, entries):
    pdf.text_line("收支明细", size=12, height=8)
    if not entries:
        pdf.text_line("本期无收支。")
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


def _chain(pdf: Document, statement: dict):
    pdf.text_line("防篡改校验", size=12, height=8)
    if not statement["head_hash"]:
        pdf.text_line("本账期尚未公示，公示时生成哈希并接入本小区账目哈希链。", size=9)
        return
    period = statement["period"]
    published = local_text(period.published_at)
    pdf.text_line(f"公示时间：{published}    链上序号：第 {period.chain_seq} 期", size=9)
    pdf.text_line(f"本期哈希（SHA-256）：{statement['head_hash']}", size=8)
    pdf.text_line(f"上期哈希：{statement['previous_hash']}", size=8)
    pdf.text_line("任何人可在小程序“账目公示”中核验：改动任何一笔已公示的账目都会使哈希不符。", 8)
