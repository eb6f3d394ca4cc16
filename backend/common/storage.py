"""Uploaded files (notice attachments, ledger vouchers), content-addressed: the key is the
sha256 of the bytes, so the same file is stored once and a key always names the same bytes.

Two backends behind the same calls: a local directory (the embedded default) and an
S3-compatible object store for production (LINLI_STORAGE_BACKEND=s3), so web and worker hosts
share files without sharing a disk.
"""

import hashlib
import logging
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Protocol

from flask import current_app

from backend.errors import DomainError

log = logging.getLogger(__name__)


class StorageUnavailable(DomainError):
    status, code = 503, "storage_unavailable"
    message = "文件存储暂时不可用，请稍后重试"


class Storage(Protocol):
    def exists(self, key: str) -> bool: ...
    def write(self, key: str, data: bytes, content_type: str) -> None: ...
    def open(self, key: str) -> BinaryIO: ...


class LocalStorage:
    def __init__(self, root: str):
        self.root = Path(root)

    def exists(self, key: str) -> bool:
        return (self.root / key).exists()

    def write(self, key: str, data: bytes, content_type: str) -> None:
        path = self.root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(path.suffix + ".part")
        partial.write_bytes(data)
        partial.replace(path)  # readers never see half a file

    def open(self, key: str) -> BinaryIO:
        return (self.root / key).open("rb")


class S3Storage:
    # A store that does not answer fails the request in seconds, not after botocore's default
    # 60 s connect timeout times five attempts, which would hold a sync worker for minutes.
    TIMEOUTS = {"connect_timeout": 5, "read_timeout": 30}
    RETRIES = {"max_attempts": 3, "mode": "standard"}

    def __init__(self, bucket: str, prefix: str = "", **client_options):
        import boto3  # only production pays for importing botocore
        from botocore.config import Config

        self.bucket = bucket
        self.prefix = prefix
        config = Config(**self.TIMEOUTS, retries=self.RETRIES)
        self.client = boto3.client("s3", config=config, **client_options)

    def _name(self, key: str) -> str:
        return self.prefix + key

    @contextmanager
    def _reachable(self):
        """Turn the store being down or refusing us into 503, not an anonymous 500."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            yield
        except (BotoCoreError, ClientError) as error:
            log.warning("object store request failed: %s", error)
            raise StorageUnavailable() from error

    def exists(self, key: str) -> bool:
        from botocore.exceptions import ClientError

        with self._reachable():
            try:
                self.client.head_object(Bucket=self.bucket, Key=self._name(key))
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                    return False
                raise
        return True

    def write(self, key: str, data: bytes, content_type: str) -> None:
        with self._reachable():
            self.client.put_object(
                Bucket=self.bucket, Key=self._name(key), Body=data, ContentType=content_type
            )

    def open(self, key: str) -> BinaryIO:
        with self._reachable():
            return self.client.get_object(Bucket=self.bucket, Key=self._name(key))["Body"]


def from_config(cfg) -> Storage:
    if cfg["STORAGE_BACKEND"] == "s3":
        options = {
            "endpoint_url": cfg["S3_ENDPOINT_URL"] or None,
            "region_name": cfg["S3_REGION"] or None,
            "aws_access_key_id": cfg["S3_ACCESS_KEY_ID"] or None,
            "aws_secret_access_key": cfg["S3_SECRET_ACCESS_KEY"] or None,
        }
        return S3Storage(cfg["S3_BUCKET"], cfg["S3_PREFIX"], **options)
    return LocalStorage(cfg["STORAGE_DIR"])


def _backend() -> Storage:
    extensions = current_app.extensions
    if "linli_storage" not in extensions:
        extensions["linli_storage"] = from_config(current_app.config)
    return extensions["linli_storage"]


def put(data: bytes, suffix: str, content_type: str = "application/octet-stream"):
    """Store ``data``; returns (storage key, sha256). The same bytes are stored once."""
    digest = hashlib.sha256(data).hexdigest()
    key = f"{digest[:2]}/{digest}{suffix}"
    backend = _backend()
    if not backend.exists(key):
        backend.write(key, data, content_type)
    return key, digest


def open_file(key: str) -> BinaryIO:
    """A stored file for reading; keys come from put(), never from a request."""
    return _backend().open(key)


def send(key: str, content_type: str, name: str):
    """A response carrying a stored file, named for the person downloading it."""
    from flask import send_file

    # Only pictures are shown in place; anything else is saved, never opened in our origin.
    return send_file(
        open_file(key),
        mimetype=content_type,
        download_name=name,
        as_attachment=not content_type.startswith("image/"),
        max_age=0,
    )
