"""Uploaded files: content-addressed under STORAGE_DIR (an S3-compatible store in a later
step keeps the same two calls)."""

import hashlib
from pathlib import Path

from flask import current_app


def _root() -> Path:
    return Path(current_app.config["STORAGE_DIR"])


def put(data: bytes, suffix: str) -> tuple[str, str]:
    """Store ``data``; returns (storage key, sha256). The same bytes are stored once."""
    digest = hashlib.sha256(data).hexdigest()
    key = f"{digest[:2]}/{digest}{suffix}"
    path = _root() / key
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(path.suffix + ".part")
        partial.write_bytes(data)
        partial.replace(path)  # readers never see half a file
    return key, digest


def path_of(key: str) -> Path:
    """Where a stored file lives; keys come from put(), never from a request."""
    return _root() / key
