"""Content-addressed file storage: a local directory, and an S3-compatible object store spoken
to over real HTTP (moto's server standing in for the production store)."""

import hashlib
import io
import socket
import time
import uuid
from contextlib import contextmanager

import boto3
import pytest
from flask import Flask
from moto.server import ThreadedMotoServer

from backend.access.roles import Role
from backend.common import storage
from backend.extensions import db
from backend.ledger.models import LedgerVoucher
from tests.pdf_support import plain_pdf

# Dummy credentials, passed explicitly so nothing is read from the machine's AWS settings.
S3_CLIENT = {
    "region_name": "us-east-1",
    "aws_access_key_id": "linli-test",
    "aws_secret_access_key": "linli-test-secret",
}
PDF = plain_pdf()


def _app_with(**config) -> Flask:
    """A bare Flask app carrying only storage settings: storage needs nothing else."""
    app = Flask(__name__)
    app.config.update(config)
    return app


# -- local directory ---------------------------------------------------------------------


def test_local_storage_round_trip(tmp_path):
    local = storage.LocalStorage(str(tmp_path))
    key = "ab/abcdef.pdf"
    assert not local.exists(key)
    local.write(key, PDF, "application/pdf")
    assert local.exists(key)
    with local.open(key) as stored:
        assert stored.read() == PDF
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == ["abcdef.pdf"]


def test_put_names_files_by_their_digest_and_stores_the_same_bytes_once(tmp_path):
    app = _app_with(STORAGE_BACKEND="local", STORAGE_DIR=str(tmp_path))
    with app.app_context():
        key, digest = storage.put(PDF, ".pdf", "application/pdf")
        assert digest == hashlib.sha256(PDF).hexdigest()
        assert key == f"{digest[:2]}/{digest}.pdf"
        path = tmp_path / key
        written = path.stat().st_mtime_ns
        time.sleep(0.01)

        assert storage.put(PDF, ".pdf", "application/pdf") == (key, digest)
        assert path.stat().st_mtime_ns == written  # not written a second time
        other_key, other_digest = storage.put(PDF + b"%", ".pdf")
        assert other_key != key and other_digest != digest

        with storage.open_file(key) as stored:
            assert stored.read() == PDF
    files = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert files == sorted([key, other_key])  # and no ".part" left behind


# -- S3 over HTTP ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3(s3_endpoint):
    """A client of the fake store and a fresh bucket in it."""
    client = boto3.client("s3", endpoint_url=s3_endpoint, **S3_CLIENT)
    bucket = f"linli-{uuid.uuid4().hex[:16]}"
    client.create_bucket(Bucket=bucket)
    return client, bucket


def _s3_settings(endpoint: str, bucket: str) -> dict:
    return {
        "STORAGE_BACKEND": "s3",
        "S3_BUCKET": bucket,
        "S3_PREFIX": "uploads/",
        "S3_ENDPOINT_URL": endpoint,
        "S3_REGION": S3_CLIENT["region_name"],
        "S3_ACCESS_KEY_ID": S3_CLIENT["aws_access_key_id"],
        "S3_SECRET_ACCESS_KEY": S3_CLIENT["aws_secret_access_key"],
    }


def _keys(client, bucket) -> list[str]:
    return [o["Key"] for o in client.list_objects_v2(Bucket=bucket).get("Contents", [])]


def test_s3_storage_round_trip(s3, s3_endpoint):
    client, bucket = s3
    store = storage.S3Storage(bucket, "linli/", endpoint_url=s3_endpoint, **S3_CLIENT)
    key = "ab/abcdef.pdf"
    assert not store.exists(key)
    store.write(key, PDF, "application/pdf")
    assert store.exists(key)
    assert store.open(key).read() == PDF
    assert _keys(client, bucket) == ["linli/ab/abcdef.pdf"]
    head = client.head_object(Bucket=bucket, Key="linli/ab/abcdef.pdf")
    assert head["ContentType"] == "application/pdf" and head["ContentLength"] == len(PDF)


def test_put_on_s3_uploads_the_same_bytes_once(s3, s3_endpoint):
    client, bucket = s3
    app = _app_with(**_s3_settings(s3_endpoint, bucket))
    with app.app_context():
        backend = storage._backend()
        assert isinstance(backend, storage.S3Storage)
        uploads = []
        backend.client.meta.events.register(
            "before-parameter-build.s3.PutObject",
            lambda **kwargs: uploads.append(kwargs["params"]["Key"]),
        )
        key, digest = storage.put(PDF, ".pdf", "application/pdf")
        assert storage.put(PDF, ".pdf", "application/pdf") == (key, digest)
        assert uploads == [f"uploads/{key}"]
        assert storage.open_file(key).read() == PDF
    assert _keys(client, bucket) == [f"uploads/{key}"]


def test_from_config_picks_the_backend():
    local = storage.from_config({"STORAGE_BACKEND": "local", "STORAGE_DIR": "/tmp/x"})
    assert isinstance(local, storage.LocalStorage)
    s3 = storage.from_config(_s3_settings("http://127.0.0.1:9", "bucket"))
    assert isinstance(s3, storage.S3Storage)
    assert (s3.bucket, s3.prefix) == ("bucket", "uploads/")
    assert s3.client.meta.endpoint_url == "http://127.0.0.1:9"
    assert s3.client.meta.region_name == "us-east-1"


# -- the API on S3 -----------------------------------------------------------------------


@contextmanager
def _storage_settings(app, settings: dict):
    """The session's test app with other storage settings for a while; the backend object is
    built from the config on first use, so it is dropped on the way in and on the way out."""
    saved = {key: app.config[key] for key in settings}
    app.extensions.pop("linli_storage", None)
    app.config.update(settings)
    try:
        yield
    finally:
        app.config.update(saved)
        app.extensions.pop("linli_storage", None)


@pytest.fixture
def draft_entry(client, auth, make):
    """(ledger URL prefix, headers of the estate's property manager, id of a draft entry)."""
    estate = make.estate(make.community())
    manager = make.member(Role.PROPERTY_MANAGER, estate, make.user(real_name="赵强"))
    headers = auth(manager)
    base = f"/api/v1/estates/{estate.id}/ledger"
    period = client.post(
        f"{base}/periods", json={"kind": "month", "start_date": "2026-10-01"}, headers=headers
    )
    assert period.status_code == 201, period.json
    entry = client.post(
        f"{base}/periods/{period.json['id']}/entries",
        json={
            "entry_date": "2026-10-05",
            "direction": "expense",
            "category": "maintenance",
            "amount_fen": 128050,
            "counterparty": "安溪电梯维保公司",
            "description": "2号梯维修",
        },
        headers=headers,
    )
    assert entry.status_code == 201, entry.json
    return base, headers, entry.json["id"]


def _upload(client, draft_entry, name: str, data: bytes):
    base, headers, entry_id = draft_entry
    return client.post(
        f"{base}/entries/{entry_id}/vouchers",
        data={"file": (io.BytesIO(data), name)},
        headers=headers,
        content_type="multipart/form-data",
    )


def test_voucher_upload_and_download_through_the_api_on_s3(
    app, client, draft_entry, s3, s3_endpoint
):
    s3_client, bucket = s3
    _base, headers, _entry_id = draft_entry
    data = plain_pdf(str(uuid.uuid4()))  # bytes no other test has stored locally

    with _storage_settings(app, _s3_settings(s3_endpoint, bucket)):
        first = _upload(client, draft_entry, "维保合同.pdf", data)
        second = _upload(client, draft_entry, "合同副本.pdf", data)
        assert (first.status_code, second.status_code) == (201, 201), first.json
        downloads = [client.get(v.json["url"], headers=headers) for v in (first, second)]

    row = db.session.get(LedgerVoucher, first.json["id"])
    assert _keys(s3_client, bucket) == [f"uploads/{row.storage_key}"]  # one object for both
    head = s3_client.head_object(Bucket=bucket, Key=f"uploads/{row.storage_key}")
    assert head["ContentType"] == "application/pdf"
    assert not storage.LocalStorage(app.config["STORAGE_DIR"]).exists(row.storage_key)
    for download in downloads:
        assert download.status_code == 200
        assert download.data == data
        assert download.mimetype == "application/pdf"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_unreachable_store_is_a_quick_503_and_saves_nothing(app, client, draft_entry):
    base, headers, entry_id = draft_entry
    down = _s3_settings(f"http://127.0.0.1:{_closed_port()}", "nowhere")
    with _storage_settings(app, down):
        started = time.monotonic()
        response = _upload(client, draft_entry, "v.pdf", PDF)
        elapsed = time.monotonic() - started
    assert response.status_code == 503, response.json
    assert response.json["error"]["code"] == "storage_unavailable"
    assert response.json["error"]["message"] == "文件存储暂时不可用，请稍后重试"
    assert elapsed < 15
    detail = client.get(f"{base}/entries/{entry_id}", headers=headers).json
    assert detail["voucher_count"] == 0


def test_missing_bucket_is_storage_unavailable(s3_endpoint):
    store = storage.S3Storage("no-such-bucket", endpoint_url=s3_endpoint, **S3_CLIENT)
    assert not store.exists("ab/abc.pdf")  # HEAD answers 404 for a missing bucket too
    with pytest.raises(storage.StorageUnavailable):
        store.write("ab/abc.pdf", PDF, "application/pdf")
    with pytest.raises(storage.StorageUnavailable):
        store.open("ab/abc.pdf")
