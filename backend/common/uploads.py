"""Uploaded documents (notice attachments, ledger vouchers): checked by what their bytes are,
not by what their name says."""

import io
import zipfile
from pathlib import PurePosixPath

from PIL import Image, UnidentifiedImageError

from backend.common import storage
from backend.errors import ValidationFailed

# suffix -> content type, for every kind of document we take anywhere.
CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
IMAGE_FORMATS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG"}
MAX_NAME_CHARS = 120


def _refuse(message: str):
    raise ValidationFailed(message, fields={"file": [message]})


def _looks_like(suffix: str, data: bytes) -> bool:
    if suffix == ".pdf":
        return data.startswith(b"%PDF-")
    if suffix in IMAGE_FORMATS:
        try:
            with Image.open(io.BytesIO(data)) as image:
                image.verify()
                # Phones write JPEGs with extra pictures (gain maps) that Pillow calls MPO.
                found = "JPEG" if image.format == "MPO" else image.format
                return found == IMAGE_FORMATS[suffix]
        except Image.DecompressionBombError:
            # Not an OSError: uncaught, a tiny PNG declaring 30000×30000 pixels was a 500.
            _refuse("图片像素过多，请缩小后再上传")
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            return False
    # .docx / .xlsx are zip packages with a content-types part.
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            return "[Content_Types].xml" in package.namelist()
    except (zipfile.BadZipFile, NotImplementedError, OSError, ValueError, EOFError):
        # A damaged central directory can claim to span several disks (NotImplementedError)
        # or point outside the file: all of it is "not a document", not a 500.
        return False


def check(
    filename: str, data: bytes, suffixes, kinds_text: str, max_bytes: int | None = None
) -> tuple[str, str, str]:
    """(display name, content type, suffix) of an acceptable upload.

    :param suffixes: the suffixes taken here, e.g. (".pdf", ".jpg", ".jpeg", ".png").
    :param kinds_text: how people name them, e.g. "PDF、JPG、PNG".
    :raises ValidationFailed: empty, too big, a kind we do not take, or not what its name says.
    """
    name = PurePosixPath((filename or "").replace("\\", "/")).name.strip()
    suffix = PurePosixPath(name).suffix.lower()
    if not data:
        _refuse("文件为空")
    if max_bytes and len(data) > max_bytes:
        _refuse(f"文件不能超过 {max_bytes // (1024 * 1024)} MB")
    if suffix not in suffixes:
        _refuse(f"仅支持 {kinds_text} 文件")
    if not _looks_like(suffix, data):
        _refuse("文件内容与扩展名不符或已损坏")
    if len(name) > MAX_NAME_CHARS:
        name = name[: MAX_NAME_CHARS - len(suffix)] + suffix
    return name, CONTENT_TYPES[suffix], suffix


def keep(filename: str, data: bytes, suffixes, kinds_text: str, max_bytes: int | None = None):
    """Check an upload (see ``check``) and store it; returns the columns every stored-file
    row has: name, content_type, size, sha256, storage_key.

    :raises ValidationFailed: as ``check``.
    """
    name, content_type, suffix = check(filename, data, suffixes, kinds_text, max_bytes)
    key, digest = storage.put(data, suffix, content_type)
    return {
        "name": name,
        "content_type": content_type,
        "size": len(data),
        "sha256": digest,
        "storage_key": key,
    }
