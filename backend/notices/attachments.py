"""What a notice attachment may be: PDF, Office documents and photos, checked by content."""

import io
import zipfile
from pathlib import PurePosixPath

from PIL import Image, UnidentifiedImageError

from backend.errors import ValidationFailed

# suffix -> content type
ALLOWED = {
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
                return image.format == IMAGE_FORMATS[suffix]
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            return False
    # .docx / .xlsx are zip packages with a content-types part.
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            return "[Content_Types].xml" in package.namelist()
    except zipfile.BadZipFile:
        return False


def check(filename: str, data: bytes) -> tuple[str, str, str]:
    """(display name, content type, suffix) of an acceptable upload.

    :raises ValidationFailed: empty, a kind we do not take, or not what its name says.
    """
    name = PurePosixPath((filename or "").replace("\\", "/")).name.strip()
    suffix = PurePosixPath(name).suffix.lower()
    if not data:
        _refuse("文件为空")
    if suffix not in ALLOWED:
        _refuse("仅支持 PDF、Word、Excel、JPG、PNG 文件")
    if not _looks_like(suffix, data):
        _refuse("文件内容与扩展名不符或已损坏")
    if len(name) > MAX_NAME_CHARS:
        name = name[: MAX_NAME_CHARS - len(suffix)] + suffix
    return name, ALLOWED[suffix], suffix
