"""Every kind of upload kept by uploads.keep, through the route people use: a picture is stored
as its pixels only (upright, no EXIF GPS, XMP, ICC or PNG text), as the same kind of picture,
with the sha256 of the stored bytes; a PDF is stored byte for byte."""

import hashlib
import io
import struct
from dataclasses import dataclass

import pytest
from PIL import ExifTags, Image, ImageCms, PngImagePlugin
from sqlalchemy import select

from backend.access.roles import Role
from backend.common import storage
from backend.extensions import db
from backend.governance.credit.models import PenaltyEvidence
from backend.governance.meetings.models import MeetingMinutes
from backend.governance.problems.models import ProblemEvidence
from backend.ledger.models import LedgerVoucher
from backend.notices.models import NoticeAttachment
from backend.votes.models import MotionAttachment
from tests.console.test_company_pages import post_penalty
from tests.console.test_meeting_pages import record_form
from tests.console.test_problem_pages import close_form
from tests.console.test_problem_pages import make as make_problem
from tests.console.test_ticket_pages import signed_in
from tests.governance_support import gcast  # noqa: F401  (the console's governance cast)
from tests.ledger_support import cast, ledger  # noqa: F401  (the ledger cast and API)
from tests.pdf_support import plain_pdf
from tests.tickets.test_photos import segments_before_scan
from tests.vote_support import vcast  # noqa: F401  (the vote cast)

RED, BLUE = (255, 0, 0), (0, 0, 255)
SRGB_ICC = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
# What the uploads carry that must not be kept, as it appears in their bytes.
TRACES = (b"Exif", b"GPS", b"WGS-84", b"LinliPhone", b"xmpmeta", b"secret", b"ICC")
# PNG chunks that are pixels (or how to read them); anything else is metadata.
PIXEL_CHUNKS = {b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND"}


def phone_exif() -> Image.Exif:
    """Taken with the phone turned (Orientation 6: rotate 90° clockwise to show), with GPS."""
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "LinliPhone"
    exif.get_ifd(ExifTags.IFD.GPSInfo).update(
        {
            ExifTags.GPS.GPSLatitudeRef: "N",
            ExifTags.GPS.GPSLatitude: (24.0, 55.0, 12.0),
            ExifTags.GPS.GPSLongitudeRef: "E",
            ExifTags.GPS.GPSLongitude: (118.0, 11.0, 6.0),
            ExifTags.GPS.GPSMapDatum: "WGS-84",
        }
    )
    return exif


def stored_sideways() -> Image.Image:
    """60×40 as stored, red top-left corner: upright, it is 40×60 with red top-right."""
    image = Image.new("RGB", (60, 40), BLUE)
    image.paste(RED, (0, 0, 15, 10))
    return image


def phone_jpeg() -> bytes:
    out = io.BytesIO()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">GPSLatitude</x:xmpmeta>'
    stored_sideways().save(
        out, "JPEG", exif=phone_exif(), xmp=xmp, icc_profile=SRGB_ICC, comment=b"secret"
    )
    return out.getvalue()


def screenshot_png() -> bytes:
    """A PNG with tEXt and iTXt (XMP) chunks, an sRGB profile and an eXIf chunk (GPS,
    Orientation 6)."""
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "secret: taken at home")
    text.add_itxt("XML:com.adobe.xmp", '<x:xmpmeta xmlns:x="adobe:ns:meta/">secret</x:xmpmeta>')
    out = io.BytesIO()
    stored_sideways().save(out, "PNG", pnginfo=text, icc_profile=SRGB_ICC, exif=phone_exif())
    return out.getvalue()


def png_chunks(data: bytes) -> list[bytes]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    kinds, at = [], 8
    while at < len(data):
        length = struct.unpack(">I", data[at : at + 4])[0]
        kinds.append(data[at + 4 : at + 8])
        at += 12 + length
    return kinds


def near(actual, expected, tolerance=40) -> bool:
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))


# -- each kind of upload, through its own route ---------------------------------------------


@dataclass(frozen=True)
class Kind:
    model: type
    takes_pdf: bool
    upload: object  # (request, name, data) -> the response; the row is the model's newest
    download: object  # (request, row) -> the bytes served, or None: read from storage


def _console(request, person_of, username):
    return signed_in(request.getfixturevalue("client"), person_of(gcast_of(request)), username)


def gcast_of(request):
    return request.getfixturevalue("gcast")


def close_out(request, name, data):
    client = _console(request, lambda g: g.township_a, "township1")
    problem = make_problem(gcast_of(request), gcast_of(request).estate_a)
    return close_form(client, problem, photos=[(name, data)])


def penalty(request, name, data):
    client = _console(request, lambda g: g.county_officer, "county1")
    return post_penalty(client, gcast_of(request).company, {}, files=[(name, data)])


def minutes(request, name, data):
    client = _console(request, lambda g: g.auditor_a, "auditor1")
    return record_form(client, gcast_of(request), files={"minutes": (io.BytesIO(data), name)})


def console_file(path):
    return lambda request, row: request.getfixturevalue("client").get(f"{path}/{row.id}").data


def voucher(request, name, data):
    ledger_api, the_cast = request.getfixturevalue("ledger"), request.getfixturevalue("cast")
    period = ledger_api.open_period(the_cast.manager, "2026-10-01")
    entry_id = ledger_api.add_entry(the_cast.manager, period["id"]).json["id"]
    return ledger_api.client.post(
        ledger_api.url(f"/entries/{entry_id}/vouchers"),
        data={"file": (io.BytesIO(data), name)},
        headers=ledger_api.auth(the_cast.manager),
        content_type="multipart/form-data",
    )


def voucher_file(request, row):
    the_cast = request.getfixturevalue("cast")
    return request.getfixturevalue("ledger").get(the_cast.manager, f"/vouchers/{row.id}").data


def notice_attachment(request, name, data):
    make, auth = request.getfixturevalue("make"), request.getfixturevalue("auth")
    chair = make.member(Role.COMMITTEE_CHAIR, make.estate())
    return request.getfixturevalue("client").post(
        "/api/v1/notices/attachments",
        data={"file": (io.BytesIO(data), name)},
        headers=auth(chair),
        content_type="multipart/form-data",
    )


def motion_attachment(request, name, data):
    votes_cast, auth = request.getfixturevalue("vcast"), request.getfixturevalue("auth")
    return request.getfixturevalue("client").post(
        f"/api/v1/estates/{votes_cast.estate.id}/motion-attachments",
        data={"file": (io.BytesIO(data), name)},
        headers=auth(votes_cast.chair),
    )


def motion_file(request, row):
    votes_cast, auth = request.getfixturevalue("vcast"), request.getfixturevalue("auth")
    url = f"/api/v1/motion-attachments/{row.id}"
    return request.getfixturevalue("client").get(url, headers=auth(votes_cast.chair)).data


KINDS = {
    "problem close-out photo": Kind(
        ProblemEvidence, False, close_out, console_file("/console/problem-evidence")
    ),
    "credit penalty evidence": Kind(
        PenaltyEvidence, True, penalty, console_file("/console/penalty-evidence")
    ),
    "meeting minutes": Kind(
        MeetingMinutes, True, minutes, console_file("/console/meeting-minutes")
    ),
    "ledger voucher": Kind(LedgerVoucher, True, voucher, voucher_file),
    "notice attachment": Kind(NoticeAttachment, True, notice_attachment, None),
    "motion attachment": Kind(MotionAttachment, True, motion_attachment, motion_file),
}


def uploaded(request, kind: Kind, name: str, data: bytes):
    """The stored row of ``data`` uploaded as ``name``, and the bytes stored for it (served
    by its download route where the uploader has one, else read from storage)."""
    response = kind.upload(request, name, data)
    assert response.status_code in (201, 303), response.data[:500]
    db.session.expire_all()
    row = db.session.scalars(select(kind.model).order_by(kind.model.id.desc())).first()
    with storage.open_file(row.storage_key) as file:
        stored = file.read()
    if kind.download is not None:
        assert kind.download(request, row) == stored
    assert (row.sha256, row.size) == (hashlib.sha256(stored).hexdigest(), len(stored))
    return row, stored


@pytest.mark.parametrize("kind", KINDS.values(), ids=KINDS)
def test_a_phone_jpeg_is_kept_upright_as_a_jpeg_without_exif_or_gps(request, kind):
    source = phone_jpeg()
    assert all(trace in source for trace in TRACES)  # the fixture really carries them

    row, stored = uploaded(request, kind, "现场照片.jpg", source)

    assert row.content_type == "image/jpeg" and row.name == "现场照片.jpg"
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG" and image.size == (40, 60)  # turned upright
    assert near(image.getpixel((35, 3)), RED) and near(image.getpixel((3, 3)), BLUE)
    assert len(image.getexif()) == 0
    assert not {"exif", "xmp", "icc_profile", "comment"} & set(image.info)
    assert not [trace for trace in TRACES if trace in stored]
    markers = segments_before_scan(stored)
    assert 0xFE not in markers  # COM
    assert not [m for m in markers if 0xE1 <= m <= 0xEF]  # APP1…APP15: EXIF, XMP, ICC


@pytest.mark.parametrize("kind", KINDS.values(), ids=KINDS)
def test_a_png_is_kept_upright_as_a_png_without_text_or_exif(request, kind):
    source = screenshot_png()
    assert {b"tEXt", b"iTXt", b"eXIf", b"iCCP"} <= set(png_chunks(source))

    row, stored = uploaded(request, kind, "截图.png", source)

    assert row.content_type == "image/png"
    assert set(png_chunks(stored)) <= PIXEL_CHUNKS
    assert not [trace for trace in TRACES if trace in stored]
    image = Image.open(io.BytesIO(stored))
    assert image.format == "PNG" and image.size == (40, 60)
    # Lossless: every pixel exactly as it was, only turned.
    assert (
        image.convert("RGB").tobytes()
        == stored_sideways().transpose(Image.Transpose.ROTATE_270).tobytes()
    )
    assert len(image.getexif()) == 0


@pytest.mark.parametrize(
    "kind",
    [k for k in KINDS.values() if k.takes_pdf],
    ids=[n for n, k in KINDS.items() if k.takes_pdf],
)
def test_a_pdf_is_kept_byte_for_byte(request, kind):
    source = plain_pdf("metadata")

    row, stored = uploaded(request, kind, "记录.pdf", source)

    assert row.content_type == "application/pdf"
    assert stored == source and row.sha256 == hashlib.sha256(source).hexdigest()
