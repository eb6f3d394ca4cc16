"""Uploaded documents (notice attachments, ledger vouchers, evidence, minutes): checked by what
their bytes are, not by what their name says; pictures among them are kept as their pixels
only (no EXIF GPS), documents as they came."""

import io
import logging
import zipfile
from pathlib import PurePosixPath

from PIL import Image, UnidentifiedImageError
from pypdf import PasswordType, PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from backend.common import images, storage
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


def download_doc(suffixes) -> dict:
    """The OpenAPI answer of a stored upload's download: the file as it was taken, in the
    content type of its suffix (for ``blp.doc``)."""
    binary = {"schema": {"type": "string", "format": "binary"}}
    types = dict.fromkeys(CONTENT_TYPES[suffix] for suffix in suffixes)
    return {"responses": {"200": {"description": "OK", "content": dict.fromkeys(types, binary)}}}


IMAGE_FORMATS = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG"}
MAX_NAME_CHARS = 120
log = logging.getLogger(__name__)
# Keys that make a PDF do something when opened or touched: run JavaScript, start a program,
# carry another file, act on page / field events. A notice, a voucher or minutes needs none.
ACTIVE_PDF_KEYS = frozenset(
    {
        "/JS",
        "/JavaScript",
        "/Launch",
        "/EmbeddedFile",
        "/EmbeddedFiles",
        "/AA",
        "/RichMedia",
        "/XFA",
        "/SubmitForm",
        "/ImportData",
        "/GoToE",
    }
)
# Actions a PDF may start on opening: going to a page is all a document needs.
HARMLESS_OPEN_ACTIONS = frozenset({"/GoTo"})
# More objects than any honest document of MAX_UPLOAD_MB has; a bound on the walk.
MAX_PDF_OBJECTS = 500_000


def _refuse(message: str):
    raise ValidationFailed(message, fields={"file": [message]})


def _looks_like(suffix: str, data: bytes) -> bool:
    if suffix == ".pdf":
        return data.startswith(b"%PDF-") and _passive_pdf(data)
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


def _passive_pdf(data: bytes) -> bool:
    """True for a PDF pypdf can read that has pages; False for anything else behind a
    ``%PDF-`` (HTML, say).

    :raises ValidationFailed: the PDF carries active content (ACTIVE_PDF_KEYS, or an
        /OpenAction that is more than going to a page), or is encrypted (then unreadable).
    """
    quiet = logging.getLogger("pypdf")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # a damaged file is answered with a 422, not logged
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        # Many official PDFs are encrypted only to restrict printing or copying: they open
        # with the empty password, and then we can read (and check) them like any other.
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            _refuse("不支持加密的 PDF 文件，请去除密码后再上传")
        root = reader.trailer["/Root"].get_object()
        if not isinstance(root, DictionaryObject) or len(reader.pages) == 0:
            return False
        active = _active_content(root)
    except ValidationFailed:
        raise
    except Exception:  # pypdf raises many kinds on a damaged or fake PDF: all are "not a PDF"
        return False
    finally:
        quiet.setLevel(level)
    if active:
        log.info("PDF upload refused: it carries %s", active)
        _refuse("PDF 文件含有脚本、附件或自动动作，出于安全考虑不予接收，请另存为普通 PDF 后再上传")
    return True


def _active_content(root) -> str | None:
    """The first active key found anywhere reachable from the document catalog (pages,
    annotations, form fields, the names tree, outlines), or None."""
    seen = set()
    stack = [root]
    count = 0
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            ref = (node.idnum, node.generation)
            if ref in seen:
                continue
            seen.add(ref)
            node = node.get_object()
        count += 1
        if count > MAX_PDF_OBJECTS:
            return "对象过多"
        if isinstance(node, DictionaryObject):
            for key, value in node.items():
                if key in ACTIVE_PDF_KEYS:
                    return key
                if key == "/S" and isinstance(value, NameObject) and value in ACTIVE_PDF_KEYS:
                    return str(value)  # an action of an active kind, wherever it hangs
                if key == "/OpenAction":
                    action = value.get_object()
                    if isinstance(action, DictionaryObject) and (
                        action.get("/S") not in HARMLESS_OPEN_ACTIONS
                    ):
                        return "/OpenAction"
                stack.append(value)
        elif isinstance(node, ArrayObject):
            stack.extend(node)
    return None


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
    row has: name, content_type, size, sha256, storage_key (of the bytes stored). A picture is
    stored re-encoded: upright, with no EXIF (GPS), XMP, ICC profile or text left.

    :raises ValidationFailed: as ``check``; a picture of more than images.MAX_PIXELS.
    """
    name, content_type, suffix = check(filename, data, suffixes, kinds_text, max_bytes)
    if suffix in IMAGE_FORMATS:
        data = _pixels_only(data)
    key, digest = storage.put(data, suffix, content_type)
    return {
        "name": name,
        "content_type": content_type,
        "size": len(data),
        "sha256": digest,
        "storage_key": key,
    }


def _pixels_only(data: bytes) -> bytes:
    """A checked JPEG or PNG as the same kind of picture with nothing but its pixels: a phone
    photo of a receipt or of a repaired drain must not tell anyone where it was taken."""
    try:
        return images.reencoded(data)
    except images.TooManyPixels:
        _refuse(f"图片像素过多（不超过 {images.MAX_PIXELS / 10_000:g} 万像素），请缩小后再上传")
    except images.NotAPicture:
        _refuse("文件内容与扩展名不符或已损坏")
