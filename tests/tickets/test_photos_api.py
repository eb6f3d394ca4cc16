"""Ticket photos through the upload and download endpoints: only JPEG, PNG and WebP of a sane
size are taken, and what is served is a re-encoded JPEG with no EXIF (GPS) and nothing
hidden in it, seen only by whoever sees the ticket (or its uploader before it is used).
The pipeline itself is tested in tests/tickets/test_photos.py."""

import io
import os

import pytest
from PIL import Image, PngImagePlugin

from backend.tickets.models import TicketPhoto
from tests.isolation import once_per_module
from tests.ticket_support import build_tcast, jpeg_bytes
from tests.tickets.helpers import count

_tcast_of_module, tcast = once_per_module("tcast", build_tcast)

GPS_IFD = 0x8825
MAKE = 0x010F


def jpeg_with_gps() -> bytes:
    """A phone photo: EXIF with the camera maker and where it was taken."""
    exif = Image.Exif()
    exif[MAKE] = "LinliTestCam"
    exif[GPS_IFD] = {1: "N", 2: (24.0, 55.0, 30.0), 3: "E", 4: (118.0, 10.0, 5.0)}
    buffer = io.BytesIO()
    Image.new("RGB", (120, 80), (10, 120, 200)).save(buffer, "JPEG", exif=exif)
    data = buffer.getvalue()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD)  # it really is there
    return data


def png_with_script() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "<script>alert(document.cookie)</script>")
    buffer = io.BytesIO()
    Image.new("RGB", (50, 50), (0, 200, 0)).save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


def gif() -> bytes:
    buffer = io.BytesIO()
    Image.new("P", (20, 20)).save(buffer, "GIF")
    return buffer.getvalue()


def bomb() -> bytes:
    """80 megapixels of one colour: under 10 KB on the wire, 240 MB once decoded as RGB."""
    buffer = io.BytesIO()
    Image.new("1", (10_000, 8_000)).save(buffer, "PNG")
    data = buffer.getvalue()
    assert len(data) < 20_000
    return data


def noise_png(megabytes: float) -> bytes:
    """A real PNG that cannot be compressed: random pixels."""
    side = int((megabytes * 1024 * 1024 / 3) ** 0.5) + 1
    image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=1)
    return buffer.getvalue()


def served(tickets, person, photo_id, **query):
    return tickets.get(person, f"/ticket-photos/{photo_id}", query_string=query)


# -- what is kept ---------------------------------------------------------------------------


def test_a_photo_with_gps_in_its_exif_is_served_without_any_exif(tickets, tcast):
    upload = tickets.upload(tcast.owner, jpeg_with_gps())
    assert upload.status_code == 201, upload.json
    assert (upload.json["width"], upload.json["height"]) == (120, 80)
    assert upload.json["url"] == f"/api/v1/ticket-photos/{upload.json['id']}"

    for size in ("full", "thumb"):
        response = served(tickets, tcast.owner, upload.json["id"], size=size)
        assert response.status_code == 200
        data = response.data
        assert data.startswith(b"\xff\xd8")
        assert b"Exif" not in data
        assert b"LinliTestCam" not in data
        image = Image.open(io.BytesIO(data))
        assert image.format == "JPEG"
        assert dict(image.getexif()) == {}
        assert "exif" not in image.info


def test_a_png_named_jpg_with_a_script_inside_is_served_as_a_clean_jpeg(tickets, tcast):
    upload = tickets.upload(tcast.owner, png_with_script(), name="photo.jpg")
    assert upload.status_code == 201, upload.json

    response = served(tickets, tcast.owner, upload.json["id"])

    assert response.status_code == 200
    assert response.mimetype == "image/jpeg"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert b"<script" not in response.data
    assert Image.open(io.BytesIO(response.data)).format == "JPEG"


def test_the_thumbnail_is_smaller_and_also_a_jpeg(tickets, tcast):
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 1200), (90, 90, 90)).save(buffer, "JPEG")
    photo = tickets.photo(tcast.owner, data=buffer.getvalue())

    thumb = Image.open(io.BytesIO(served(tickets, tcast.owner, photo, size="thumb").data))
    full = Image.open(io.BytesIO(served(tickets, tcast.owner, photo).data))

    assert full.size == (1600, 1200)
    assert max(thumb.size) == 480
    assert thumb.format == "JPEG"
    bad = served(tickets, tcast.owner, photo, size="huge")
    assert bad.status_code == 422
    assert "size" in bad.json["error"]["fields"]


# -- what is refused ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "name", "status", "code"),
    [
        (gif(), "photo.gif", 415, "unsupported_photo"),
        (b"%PDF-1.4 not a picture", "photo.jpg", 415, "unsupported_photo"),
        (b"<html><script>alert(1)</script></html>", "photo.png", 415, "unsupported_photo"),
        (jpeg_bytes()[:40], "photo.jpg", 415, "unsupported_photo"),
        (bomb(), "photo.png", 413, "photo_too_large"),
        (b"", "photo.jpg", 422, "validation_failed"),
    ],
    ids=["gif", "pdf", "html", "truncated jpeg", "decompression bomb", "empty"],
)
def test_what_is_not_a_sane_photo_is_refused_and_nothing_is_stored(
    tickets, tcast, data, name, status, code
):
    response = tickets.upload(tcast.owner, data, name=name)

    assert response.status_code == status, response.json
    error = response.json["error"]
    assert error["code"] == code
    assert "file" in error["fields"]
    assert error["message"]
    assert count(TicketPhoto) == 0


def test_a_valid_photo_over_ten_megabytes_is_413(tickets, tcast):
    data = noise_png(11)
    assert 10 * 1024 * 1024 < len(data) < 20 * 1024 * 1024

    response = tickets.upload(tcast.owner, data, name="big.png")

    assert response.status_code == 413, response.json
    assert response.json["error"]["code"] == "photo_too_large"
    assert "10 MB" in response.json["error"]["message"]
    assert count(TicketPhoto) == 0


def test_a_sixty_megabyte_upload_is_stopped_at_the_request_limit_with_the_envelope(tickets, tcast):
    response = tickets.upload(tcast.owner, b"\xff\xd8" + bytes(60 * 1024 * 1024))

    assert response.status_code == 413
    assert response.is_json
    assert response.json["error"]["code"] == "payload_too_large"
    assert response.json["error"]["message"]
    assert count(TicketPhoto) == 0


def test_an_upload_without_a_file_is_422(tickets, tcast):
    response = tickets.client.post(
        f"/api/v1/estates/{tcast.estate.id}/ticket-photos",
        data={"other": "x"},
        headers=tickets.auth(tcast.owner),
        content_type="multipart/form-data",
    )

    assert response.status_code == 422, response.json
    assert "file" in response.json["error"]["fields"]


def test_an_upload_as_json_is_415(tickets, tcast):
    response = tickets.post(tcast.owner, f"/estates/{tcast.estate.id}/ticket-photos", {"file": "x"})

    assert response.status_code == 415, response.json


@pytest.mark.parametrize("who", ["outsider", "other_manager", "other_auditor"])
def test_uploading_to_an_estate_outside_my_scope_is_404(tickets, tcast, who):
    response = tickets.upload(getattr(tcast, who))

    assert response.status_code == 404, response.json
    assert count(TicketPhoto) == 0


# -- who sees a photo -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("owner", 200),
        ("owner2", 200),
        ("manager", 200),
        ("chair", 200),
        ("auditor", 200),
        ("township", 200),
        ("county", 200),
        ("outsider", 404),
        ("other_manager", 404),
        ("other_auditor", 404),
    ],
)
def test_a_tickets_photos_are_seen_by_whoever_sees_the_ticket(tickets, tcast, who, status):
    photo = tickets.report(tcast.owner)["photos"][0]

    for url in (photo["url"], photo["thumb_url"]):
        response = tickets.get(getattr(tcast, who), url.removeprefix("/api/v1"))
        assert response.status_code == status
        if status == 200:
            assert response.mimetype == "image/jpeg"
            assert response.headers["X-Content-Type-Options"] == "nosniff"
        else:
            assert response.json["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    ("who", "status"),
    [("owner", 200), ("owner2", 404), ("manager", 404), ("county", 404), ("outsider", 404)],
)
def test_an_unattached_upload_is_seen_only_by_its_uploader(tickets, tcast, who, status):
    photo = tickets.photo(tcast.owner)

    response = served(tickets, getattr(tcast, who), photo)

    assert response.status_code == status


def test_a_photo_that_does_not_exist_is_404(tickets, tcast):
    response = served(tickets, tcast.owner, 99_999)

    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"
