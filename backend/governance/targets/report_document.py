"""The yearly report as a PDF: the same title and sentences as the printable page."""

from backend.common.clock import local_text, utcnow
from backend.common.pdf import Document
from backend.governance.targets.report import YearlyReport, sections, title


def to_pdf(report: YearlyReport) -> bytes:
    trail = " › ".join([name for _, _, name in report.place.trail] + [report.place.name])
    pdf = Document(f"{trail} · 生成于 {local_text(utcnow())} · 邻里物业管理监督平台")
    pdf.add_page()
    pdf.text_line(title(report), size=15, height=10, align="C")
    period = f"统计区间：{report.since.isoformat()} 至 {report.until.isoformat()}（北京时间）"
    pdf.text_line(period, size=9, align="C")
    pdf.ln(4)
    for heading, sentences in sections(report):
        pdf.text_line(heading, size=12, height=8)
        pdf.set_font(size=10)
        for sentence in sentences:
            pdf.multi_cell(0, 6, sentence, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)
    pdf.ln(2)
    pdf.text_line("各项数据均由平台记录自动统计，口径见控制台“四升一降”页面的指标说明。", size=8)
    return bytes(pdf.output())
