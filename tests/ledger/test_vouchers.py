"""Vouchers: photos and PDFs behind an entry, checked by their bytes, attached only while the
period is a draft, shown to verified owners and staff, and committed to by the hash chain."""

import hashlib
import io
import os
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select, text
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from backend.common import images
from backend.extensions import db
from backend.ledger import chain
from backend.ledger.models import LedgerVoucher
from tests import pdf_support
from tests.download_support import assert_saved, assert_shown
from tests.isolation import once_per_module, raw_sql
from tests.ledger_support import build_cast
from tests.pdf_support import plain_pdf
from tests.tickets.test_photos import blank_png

_cast_of_module, cast = once_per_module("cast", build_cast)

MB = 1024 * 1024


def image(fmt: str, color=(200, 60, 40), size=(64, 48)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt)
    return buffer.getvalue()


def kept(name: str, data: bytes) -> bytes:
    """What is stored for an upload: a picture re-encoded to its pixels, a PDF as it came."""
    return data if name.lower().endswith(".pdf") else images.reencoded(data)


def pdf(tag: str = "") -> bytes:
    """A one-page PDF; ``tag`` makes its bytes (and so its storage key) unique."""
    return plain_pdf(tag)


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` × ``height`` pixels (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def upload(ledger, person, entry_id, name, data, **kwargs):
    return ledger.client.post(
        ledger.url(f"/entries/{entry_id}/vouchers"),
        data={"file": (io.BytesIO(data), name)},
        headers=ledger.auth(person),
        content_type="multipart/form-data",
        **kwargs,
    )


def voucher_rows() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(LedgerVoucher))


def stored_file(app, data: bytes, suffix: str) -> Path:
    digest = hashlib.sha256(data).hexdigest()
    return Path(app.config["STORAGE_DIR"]) / digest[:2] / f"{digest}{suffix}"


@pytest.fixture
def draft_entry(ledger, cast):
    period = ledger.open_period(cast.manager, "2026-10-01")
    response = ledger.add_entry(cast.manager, period["id"])
    assert response.status_code == 201
    return response.json["id"]


def test_jpeg_png_and_pdf_are_taken_with_their_content_types(app, ledger, cast, draft_entry):
    files = [
        ("停车收费截图.jpg", image("JPEG"), "image/jpeg", ".jpg"),
        ("发票.PNG", image("PNG", (10, 120, 200)), "image/png", ".png"),
        ("维保合同.pdf", pdf("contract"), "application/pdf", ".pdf"),
        ("收据.jpeg", image("JPEG", (0, 0, 0)), "image/jpeg", ".jpeg"),
    ]
    for name, data, content_type, suffix in files:
        response = upload(ledger, cast.manager, draft_entry, name, data)
        assert response.status_code == 201, response.json
        body = response.json
        stored = kept(name, data)
        assert (body["name"], body["content_type"], body["size"]) == (
            name,
            content_type,
            len(stored),
        )
        assert body["sha256"] == hashlib.sha256(stored).hexdigest()
        assert body["url"] == f"/api/v1/estates/{cast.estate.id}/ledger/vouchers/{body['id']}"
        assert stored_file(app, stored, suffix).read_bytes() == stored

    detail = ledger.get(cast.manager, f"/entries/{draft_entry}").json
    assert detail["voucher_count"] == 4 and detail["vouchers_hidden"] is False
    assert [v["name"] for v in detail["vouchers"]] == [f[0] for f in files]


def test_name_keeps_only_the_file_name_and_stays_short(ledger, cast, draft_entry):
    nested = upload(ledger, cast.manager, draft_entry, "相册/2026/收据.jpg", image("JPEG"))
    assert nested.status_code == 201 and nested.json["name"] == "收据.jpg"
    sneaky = upload(ledger, cast.manager, draft_entry, "../../etc/passwd.png", image("PNG"))
    assert sneaky.status_code == 201 and sneaky.json["name"] == "passwd.png"
    long_name = "发" * 200 + ".pdf"
    long = upload(ledger, cast.manager, draft_entry, long_name, pdf("long"))
    assert long.status_code == 201
    assert len(long.json["name"]) == 120 and long.json["name"].endswith(".pdf")


WRONG_CONTENT = {
    "png named jpg": ("凭证.jpg", image("PNG")),
    "jpeg named png": ("凭证.png", image("JPEG")),
    "pdf named jpg": ("凭证.jpg", pdf()),
    "text named pdf": ("凭证.pdf", "这不是PDF".encode()),
    "png named pdf": ("凭证.pdf", image("PNG")),
    "truncated png": ("凭证.png", image("PNG")[:40]),
    "html named jpg": ("凭证.jpg", b"<html><script>alert(1)</script></html>"),
}


@pytest.mark.parametrize(("name", "data"), WRONG_CONTENT.values(), ids=WRONG_CONTENT.keys())
def test_content_that_does_not_match_the_suffix_is_422(ledger, cast, draft_entry, name, data):
    response = upload(ledger, cast.manager, draft_entry, name, data)
    assert response.status_code == 422, response.json
    assert response.json["error"]["fields"] == {"file": ["文件内容与扩展名不符或已损坏"]}
    assert voucher_rows() == 0


@pytest.mark.parametrize(
    "data, message",
    [
        (
            pdf_support.pdf_with_open_action_javascript("voucher"),
            "PDF 文件含有脚本、附件或自动动作，出于安全考虑不予接收，请另存为普通 PDF 后再上传",
        ),
        (
            pdf_support.pdf_with_page_additional_action("voucher"),
            "PDF 文件含有脚本、附件或自动动作，出于安全考虑不予接收，请另存为普通 PDF 后再上传",
        ),
        (pdf_support.HTML_BEHIND_PDF_PREFIX, "文件内容与扩展名不符或已损坏"),
    ],
    ids=["open action javascript", "page additional action", "html behind %PDF"],
)
def test_active_or_fake_pdf_vouchers_are_422_and_not_stored(
    app, ledger, cast, draft_entry, data, message
):
    response = upload(ledger, cast.manager, draft_entry, "发票.pdf", data)
    assert response.status_code == 422
    assert response.json["error"]["fields"] == {"file": [message]}
    assert voucher_rows() == 0
    assert not stored_file(app, data, ".pdf").exists()


def test_a_pdf_that_opens_without_a_password_is_checked_and_taken(ledger, cast, draft_entry):
    restricted = pdf_support.encrypted_pdf("restricted")
    assert upload(ledger, cast.manager, draft_entry, "红头文件.pdf", restricted).status_code == 201
    locked = pdf_support.encrypted_pdf("locked", password="secret")
    response = upload(ledger, cast.manager, draft_entry, "加密.pdf", locked)
    assert response.status_code == 422
    assert response.json["error"]["fields"] == {
        "file": ["不支持加密的 PDF 文件，请去除密码后再上传"]
    }


def test_decompression_bomb_is_422_not_500(ledger, cast, draft_entry):
    response = upload(ledger, cast.manager, draft_entry, "巨图.png", png_declaring(30000, 30000))
    assert response.status_code == 422, response.json
    assert response.json["error"]["fields"] == {"file": ["图片像素过多，请缩小后再上传"]}
    assert voucher_rows() == 0


def test_a_picture_over_forty_megapixels_is_422(ledger, cast, draft_entry):
    response = upload(ledger, cast.manager, draft_entry, "扫描件.png", blank_png(8000, 5001))
    assert response.status_code == 422, response.json
    message = "图片像素过多（不超过 4000 万像素），请缩小后再上传"
    assert response.json["error"]["fields"] == {"file": [message]}
    assert voucher_rows() == 0


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("动图.gif", image("GIF")),
        ("setup.exe", b"MZ\x90\x00" + b"\x00" * 60),
        ("照片.webp", image("WEBP")),
        ("合同.docx", b"PK\x03\x04"),
        ("无扩展名", pdf()),
        ("凭证.pdf.exe", pdf()),
    ],
)
def test_kinds_other_than_jpg_png_pdf_are_422(ledger, cast, draft_entry, name, data):
    response = upload(ledger, cast.manager, draft_entry, name, data)
    assert response.status_code == 422
    assert response.json["error"]["fields"] == {"file": ["仅支持 JPG、PNG、PDF 文件"]}
    assert voucher_rows() == 0


def test_empty_file_is_422(ledger, cast, draft_entry):
    response = upload(ledger, cast.manager, draft_entry, "空.pdf", b"")
    assert response.status_code == 422
    assert response.json["error"]["fields"] == {"file": ["文件为空"]}


def test_ten_megabytes_is_the_limit(app, ledger, cast, draft_entry):
    assert app.config["MAX_UPLOAD_MB"] > 10  # else the request limit (413) would come first
    at_limit = pdf().ljust(10 * MB, b" ")
    assert upload(ledger, cast.manager, draft_entry, "大.pdf", at_limit).status_code == 201
    over = pdf("over").ljust(10 * MB + 1, b" ")
    response = upload(ledger, cast.manager, draft_entry, "太大.pdf", over)
    assert response.status_code == 422
    assert response.json["error"]["fields"] == {"file": ["文件不能超过 10 MB"]}
    assert not stored_file(app, over, ".pdf").exists()
    assert voucher_rows() == 1


def test_request_over_the_upload_limit_is_413(app, ledger, cast, draft_entry):
    huge = pdf("huge").ljust((app.config["MAX_UPLOAD_MB"] + 1) * MB, b" ")
    response = upload(ledger, cast.manager, draft_entry, "巨大.pdf", huge)
    assert response.status_code == 413
    assert response.json["error"]["code"] == "payload_too_large"
    assert not stored_file(app, huge, ".pdf").exists()
    assert voucher_rows() == 0


def test_a_chunked_request_over_the_upload_limit_is_413_too(app, ledger, cast, draft_entry):
    """No Content-Length to check up front: the app-wide MAX_CONTENT_LENGTH still holds,
    because Werkzeug limits a stream the server ends (wsgi.input_terminated) to it."""
    huge = pdf("chunked").ljust((app.config["MAX_UPLOAD_MB"] + 1) * MB, b" ")
    file = FileStorage(io.BytesIO(huge), filename="巨大.pdf", content_type="application/pdf")
    boundary, body = encode_multipart({"file": file})
    response = ledger.client.post(
        ledger.url(f"/entries/{draft_entry}/vouchers"),
        headers={**ledger.auth(cast.manager), "Transfer-Encoding": "chunked"},
        content_type=f"multipart/form-data; boundary={boundary}",
        environ_overrides={"wsgi.input": io.BytesIO(body), "wsgi.input_terminated": True},
    )
    assert response.status_code == 413
    assert response.json["error"]["code"] == "payload_too_large"
    assert not stored_file(app, huge, ".pdf").exists()
    assert voucher_rows() == 0


def test_not_multipart_is_415_and_no_file_is_422(ledger, cast, draft_entry):
    url = ledger.url(f"/entries/{draft_entry}/vouchers")
    headers = ledger.auth(cast.manager)
    as_json = ledger.client.post(url, json={"file": "JVBERi0xLjQ="}, headers=headers)
    assert as_json.status_code == 415
    assert as_json.json["error"]["code"] == "unsupported_media_type"
    raw = ledger.client.post(url, data=pdf(), headers=headers, content_type="application/pdf")
    assert raw.status_code == 415
    no_file = ledger.client.post(
        url, data={"name": "x.pdf"}, headers=headers, content_type="multipart/form-data"
    )
    assert no_file.status_code == 422 and "file" in no_file.json["error"]["fields"]
    assert voucher_rows() == 0


@pytest.mark.parametrize("status", ["submitted", "published"])
def test_no_vouchers_once_the_period_has_left_draft(app, ledger, cast, status):
    if status == "published":
        period = ledger.publish_period(cast, "2026-10-01")
    else:
        period = ledger.open_period(cast.manager, "2026-10-01")
        ledger.add_entry(cast.manager, period["id"])
        ledger.act(cast.manager, period["id"], "submit")
    entry_id = ledger.get(cast.chair, f"/periods/{period['id']}/entries").json["items"][0]["id"]
    data = pdf(f"late-{status}")

    response = upload(ledger, cast.manager, entry_id, "补交发票.pdf", data)

    assert response.status_code == 409, response.json
    assert voucher_rows() == 0
    assert not stored_file(app, data, ".pdf").exists()
    assert ledger.get(cast.chair, f"/entries/{entry_id}").json["voucher_count"] == 0


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("owner", 404),
        ("township", 404),
        ("outsider", 404),
        ("other_auditor", 404),
        ("auditor", 403),
        ("chair", 201),
        ("member", 201),
    ],
)
def test_who_may_attach_vouchers(ledger, cast, draft_entry, who, expected):
    response = upload(ledger, getattr(cast, who), draft_entry, "v.pdf", pdf(who))
    assert response.status_code == expected, response.json
    assert voucher_rows() == (1 if expected == 201 else 0)


def test_an_entry_takes_at_most_twenty_vouchers(ledger, cast, draft_entry):
    for n in range(20):
        assert upload(ledger, cast.manager, draft_entry, f"{n}.pdf", pdf(str(n))).status_code == 201
    response = upload(ledger, cast.manager, draft_entry, "21.pdf", pdf("21"))
    assert response.status_code == 422 and "最多 20 个凭证" in response.json["error"]["message"]
    assert voucher_rows() == 20


def test_same_bytes_are_stored_once_and_serve_both_entries(app, ledger, cast, draft_entry):
    period_id = ledger.get(cast.manager, f"/entries/{draft_entry}").json["period_id"]
    other = ledger.add_entry(cast.manager, period_id, amount_fen=5000).json["id"]
    data = image("PNG", (1, 2, 3))
    first = upload(ledger, cast.manager, draft_entry, "a.png", data).json
    second = upload(ledger, cast.manager, other, "b.png", data).json
    keys = db.session.scalars(select(LedgerVoucher.storage_key).order_by(LedgerVoucher.id)).all()
    assert keys[0] == keys[1]
    files = list(stored_file(app, kept("a.png", data), ".png").parent.glob(f"{first['sha256']}*"))
    assert len(files) == 1
    for voucher in (first, second):
        assert ledger.get(cast.manager, f"/vouchers/{voucher['id']}").data == kept("a.png", data)


@pytest.fixture
def published_with_vouchers(ledger, cast):
    """October published; its only entry carries a JPEG, a PNG and a PDF."""
    period = ledger.open_period(cast.manager, "2026-10-01")
    entry_id = ledger.add_entry(cast.manager, period["id"]).json["id"]
    files = {
        "收费截图.jpg": (image("JPEG", (30, 30, 30)), "image/jpeg"),
        "发票.png": (image("PNG", (90, 20, 20)), "image/png"),
        "合同.pdf": (pdf("contract"), "application/pdf"),
    }
    for name, (data, _type) in files.items():
        assert upload(ledger, cast.manager, entry_id, name, data).status_code == 201
    for person, action in (
        (cast.manager, "submit"),
        (cast.chair, "approve"),
        (cast.member, "approve"),
        (cast.auditor, "audit"),
        (cast.chair, "publish"),
    ):
        response = ledger.act(person, period["id"], action)
        assert response.status_code == 200, response.json
    return response.json, entry_id, files


@pytest.mark.parametrize("who", ["owner", "auditor", "township", "manager", "member2"])
def test_owners_and_staff_see_and_download_vouchers(ledger, cast, published_with_vouchers, who):
    _period, entry_id, files = published_with_vouchers
    person = getattr(cast, who)

    detail = ledger.get(person, f"/entries/{entry_id}")

    assert detail.status_code == 200
    assert detail.json["vouchers_hidden"] is False and detail.json["voucher_count"] == 3
    vouchers = detail.json["vouchers"]
    assert [v["name"] for v in vouchers] == list(files)
    for voucher in vouchers:
        data, content_type = files[voucher["name"]]
        prefix = f"/api/v1/estates/{cast.estate.id}/ledger"
        assert voucher["url"].startswith(prefix)
        download = ledger.client.get(voucher["url"], headers=ledger.auth(person))
        assert download.status_code == 200
        stored = kept(voucher["name"], data)
        assert download.data == stored
        assert download.mimetype == content_type
        if content_type == "application/pdf":
            assert_saved(download, voucher["name"])
        else:
            assert_shown(download)
        assert voucher["content_type"] == content_type and voucher["size"] == len(stored)


def test_outsiders_see_neither_entry_nor_voucher(ledger, cast, published_with_vouchers, make):
    _period, entry_id, _files = published_with_vouchers
    voucher_id = ledger.get(cast.owner, f"/entries/{entry_id}").json["vouchers"][0]["id"]
    stranger = make.user()
    for person in (cast.outsider, cast.other_auditor, stranger):
        entry = ledger.get(person, f"/entries/{entry_id}")
        download = ledger.get(person, f"/vouchers/{voucher_id}")
        assert (entry.status_code, download.status_code) == (404, 404)
        assert set(download.json) == {"error"}
    # Nor through their own estate's URL.
    elsewhere = cast.outsider.memberships[0].estate_id
    foreign = f"/api/v1/estates/{elsewhere}/ledger/vouchers/{voucher_id}"
    assert ledger.client.get(foreign, headers=ledger.auth(cast.outsider)).status_code == 404
    unauthenticated = ledger.client.get(ledger.url(f"/vouchers/{voucher_id}"))
    assert unauthenticated.status_code == 401


def test_draft_vouchers_are_hidden_from_owners(ledger, cast, draft_entry):
    voucher = upload(ledger, cast.manager, draft_entry, "v.pdf", pdf("draft")).json
    assert ledger.get(cast.owner, f"/vouchers/{voucher['id']}").status_code == 404
    assert ledger.get(cast.owner, f"/entries/{draft_entry}").status_code == 404
    assert ledger.get(cast.auditor, f"/vouchers/{voucher['id']}").status_code == 200


def test_deleting_a_draft_entry_takes_its_vouchers(ledger, cast, draft_entry):
    voucher = upload(ledger, cast.manager, draft_entry, "v.pdf", pdf("gone")).json
    assert ledger.delete(cast.manager, f"/entries/{draft_entry}").status_code == 204
    assert ledger.get(cast.manager, f"/vouchers/{voucher['id']}").status_code == 404
    assert voucher_rows() == 0


def test_voucher_digests_are_part_of_the_hash_chain(ledger, cast, published_with_vouchers):
    period, entry_id, files = published_with_vouchers
    assert ledger.get(cast.owner, "/verify").json == {
        "ok": True,
        "periods_checked": 1,
        "head_hash": period["head_hash"],
        "broken": None,
    }

    # The published hash is the one over the entry *with* its vouchers' digests.
    entry = ledger.get(cast.owner, f"/entries/{entry_id}").json
    digests = tuple(
        hashlib.sha256(kept(name, data)).hexdigest() for name, (data, _) in files.items()
    )

    def head(voucher_digests):
        document = chain.statement_document(
            cast.estate.id,
            "month",
            "2026-10-01",
            "2026-11-01",
            0,
            [
                chain.ChainEntry(
                    entry["id"],
                    entry["entry_date"],
                    entry["direction"],
                    entry["category"],
                    entry["amount_fen"],
                    entry["counterparty"],
                    entry["description"],
                    None,
                    voucher_digests,
                )
            ],
        )
        return chain.link_hash(chain.GENESIS, document)

    assert head(digests) == period["head_hash"]
    assert head(digests[::-1]) == period["head_hash"]  # order of upload does not matter
    assert head(()) != period["head_hash"]
    assert head(digests[:2]) != period["head_hash"]

    # Swapping a voucher's file behind the database's back breaks the chain at October.
    forged = hashlib.sha256(b"a different invoice").hexdigest()
    with raw_sql() as conn:
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(
            text("UPDATE ledger_voucher SET sha256 = :forged WHERE entry_id = :entry"),
            {"forged": forged, "entry": entry_id},
        )
    verdict = ledger.get(cast.owner, "/verify").json
    assert verdict["ok"] is False
    assert verdict["broken"]["period_id"] == period["id"]
    assert "凭证" in verdict["broken"]["reason"]


def test_storage_directory_holds_no_partial_files(app, ledger, cast, draft_entry):
    upload(ledger, cast.manager, draft_entry, "v.pdf", pdf("partial"))
    leftovers = [
        name for _root, _dirs, names in os.walk(app.config["STORAGE_DIR"]) for name in names
    ]
    assert not [name for name in leftovers if name.endswith(".part")]
