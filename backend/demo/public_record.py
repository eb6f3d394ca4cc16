"""The demo estate's public record filled in where the other slices leave it thin: the first
estate's fire-lane problem closed out with a photo (its roster, company, meeting decisions and
rating come from the register, tickets, meetings and ratings slices), and a township notice
with a PDF and a photo attached, which every estate of 凤城镇 reads."""

import io

from fpdf import FPDF
from PIL import Image, ImageDraw
from sqlalchemy import select

from backend.access.roles import ScopeKind
from backend.accounts.models import User
from backend.common.unit_of_work import unit_of_work
from backend.extensions import db
from backend.governance.problems import services as problems
from backend.governance.problems.models import ProblemItem, ProblemStatus
from backend.notices import services as notices
from backend.places.models import Estate

FIRE_LANE = "3 号楼消防通道堆放杂物"


def _photo() -> bytes:
    """A made-up picture of a cleared fire lane: a grey passage with a red no-parking sign."""
    image = Image.new("RGB", (640, 480), (185, 210, 235))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 300, 640, 480), fill=(140, 140, 135))
    draw.rectangle((260, 120, 380, 240), fill=(220, 40, 40))
    draw.rectangle((275, 170, 365, 190), fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def _plan() -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=14)
    pdf.cell(0, 10, "Fire lane clean-up plan (demo)")
    return bytes(pdf.output())


@unit_of_work
def seed(estates: list[Estate]) -> None:
    officer = db.session.scalar(select(User).where(User.username == "township1"))
    problem = db.session.scalar(
        select(ProblemItem).where(
            ProblemItem.estate_id == estates[0].id,
            ProblemItem.title == FIRE_LANE,
            ProblemItem.status == ProblemStatus.OPEN,
        )
    )
    if problem is not None:
        problems.close_out(
            officer,
            problem.id,
            "杂物已清空，禁停标识已设置，现场复查合格",
            [("清理后.jpg", _photo())],
        )
    files = [
        notices.upload_attachment(officer, "消防通道整治方案.pdf", _plan()),
        notices.upload_attachment(officer, "整治示意.jpg", _photo()),
    ]
    notices.publish(
        officer,
        ScopeKind.TOWNSHIP,
        estates[0].township_id,
        "关于开展小区消防通道集中整治的通知",
        "各小区业委会、物业服务企业：\n　　本月起在全镇开展消防通道集中整治，"
        "请对照附件方案自查，月底前完成整改；街道将组织复查，结果列入问题清单公示。\n凤城镇",
        attachment_ids=[f.id for f in files],
    )
