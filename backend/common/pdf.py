"""PDF documents with Chinese text (fpdf2): the CJK font the server has, a page footer with
page numbers, and the plain table headings every document uses."""

from pathlib import Path

from flask import current_app
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from fpdf.fonts import FontFace

from backend.errors import DomainError

# (path, index in a font collection): Noto Sans CJK SC is face 2 of Debian's .ttc.
FONT_CANDIDATES = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
)

# fpdf2 sets table headings in bold by default, and a bold face of a CJK font is rarely
# installed: headings are shaded instead.
HEADINGS = FontFace(emphasis=None, fill_color=(235, 235, 235))


class FontMissing(DomainError):
    status, code = 503, "font_missing"
    message = "服务器未安装中文字体，暂不能导出 PDF（请安装 fonts-noto-cjk）"


def font() -> tuple[str, int]:
    """(path, face index) of the configured font (LINLI_PDF_FONT) or the first one installed.

    :raises FontMissing: no Chinese font on this server.
    """
    configured = current_app.config.get("PDF_FONT")
    candidates = ((configured, 0),) if configured else FONT_CANDIDATES
    for path, index in candidates:
        if Path(path).is_file():
            return path, index
    raise FontMissing()


class Document(FPDF):
    """An A4 document set in the CJK font, with ``footer_text`` and the page number."""

    def __init__(self, footer_text: str):
        super().__init__(format="A4")
        self.footer_text = footer_text
        path, index = font()
        self.add_font("cjk", fname=path, collection_font_number=index)
        self.set_font("cjk", size=10)
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(True, margin=16)

    def footer(self):
        self.set_y(-12)
        self.set_font(size=7)
        self.set_text_color(120)
        self.cell(0, 5, f"{self.footer_text}    第 {self.page_no()}/{{nb}} 页", align="C")

    def text_line(self, text: str, size: float = 10, height: float = 6, **kwargs):
        """One line of text across the page."""
        self.set_font(size=size)
        self.cell(0, height, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT, **kwargs)
