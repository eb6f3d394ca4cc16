"""The poster owners scan to join their estate's supervision group: the group's join QR code
(as WeCom shows it, uploaded by the community worker) framed with the estate's name, 「扫码加入
小区监督群」 and short instructions. Pure: names and picture bytes in, PNG bytes out."""

import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from backend.errors import DomainError

# A4 portrait at 150 dpi: prints sharp on a notice board, small enough to send in a chat.
WIDTH, HEIGHT = 1240, 1754
QR_SIDE = 720  # the largest square the QR code is scaled into
QR_TOP = 540
BAND = (178, 34, 34)  # the red of the programme's notice boards
INK = (34, 34, 34)
MUTED = (110, 110, 110)
TITLE = "扫码加入小区监督群"
STEPS = (
    "1. 打开微信，扫描上方二维码，申请加入本小区监督群",
    "2. 群内发布账目公示、公告、业主表决和随手拍办理进展",
    "3. 在「邻里」小程序认证业主身份，查看账目、提出质询、参与表决",
    "4. 二维码过期后，请向社区居委会索取新的海报",
)
# (path, index in a font collection), as for the PDF documents.
FONT_CANDIDATES = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
)


class PosterFontMissing(DomainError):
    status, code = 503, "font_missing"
    message = "服务器未安装中文字体，暂不能生成海报（请安装 fonts-noto-cjk）"


def _font_path() -> tuple[str, int]:
    for path, index in FONT_CANDIDATES:
        if Path(path).is_file():
            return path, index
    raise PosterFontMissing()


def _font(size: int) -> ImageFont.FreeTypeFont:
    path, index = _font_path()
    return ImageFont.truetype(path, size, index=index)


def qr_placement(size: tuple[int, int]) -> tuple[tuple[int, int], tuple[int, int]]:
    """Where a QR picture of ``size`` goes on the poster: ((left, top), (width, height)).

    A small code is enlarged by a whole factor (nearest neighbour) so every module stays a
    crisp square a phone reads from across a lobby; a large one is shrunk to fit.
    """
    width, height = size
    longest = max(width, height)
    if longest <= QR_SIDE:
        factor = QR_SIDE // longest
        new = (width * factor, height * factor)
    else:
        new = (width * QR_SIDE // longest, height * QR_SIDE // longest)
    return ((WIDTH - new[0]) // 2, QR_TOP + (QR_SIDE - new[1]) // 2), new


def scaled_qr(qr: Image.Image) -> Image.Image:
    """The QR picture as the poster shows it (see qr_placement)."""
    _, new = qr_placement(qr.size)
    rgb = qr.convert("RGB")
    if new[0] >= qr.width:
        return rgb.resize(new, Image.Resampling.NEAREST)
    return rgb.resize(new, Image.Resampling.LANCZOS)


def _centred(draw: ImageDraw.ImageDraw, y: int, text: str, font, fill) -> None:
    width = draw.textlength(text, font=font)
    draw.text(((WIDTH - width) / 2, y), text, font=font, fill=fill)


def _fitted(draw, text: str, size: int, max_width: int):
    """The largest font up to ``size`` in which ``text`` fits ``max_width`` (long names)."""
    while size > 24 and draw.textlength(text, font=_font(size)) > max_width:
        size -= 4
    return _font(size)


def render(estate_name: str, group_name: str, qr: Image.Image, footer: str) -> bytes:
    """The poster as PNG bytes.

    :raises PosterFontMissing: no Chinese font on this server.
    """
    poster = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(poster)
    draw.rectangle((0, 0, WIDTH, 300), fill=BAND)
    _centred(draw, 70, TITLE, _font(96), "white")
    _centred(draw, 200, "物业管理小微权力监督群", _font(48), "white")
    _centred(draw, 360, estate_name, _fitted(draw, estate_name, 88, WIDTH - 120), INK)
    _centred(draw, 475, group_name, _fitted(draw, group_name, 40, WIDTH - 160), MUTED)
    at, _ = qr_placement(qr.size)
    poster.paste(scaled_qr(qr), at)
    steps_font = _font(34)
    y = QR_TOP + QR_SIDE + 50
    for step in STEPS:
        draw.text((110, y), step, font=steps_font, fill=INK)
        y += 62
    draw.line((110, HEIGHT - 130, WIDTH - 110, HEIGHT - 130), fill=MUTED, width=2)
    _centred(draw, HEIGHT - 105, footer, _fitted(draw, footer, 32, WIDTH - 220), MUTED)
    out = io.BytesIO()
    poster.save(out, "PNG", optimize=True)
    return out.getvalue()
