"""PDFs for upload tests, built with pypdf: a plain one-page document, and documents carrying
active content that uploads must refuse."""

import io

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)


def _bytes(writer: PdfWriter) -> bytes:
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _writer(tag: str) -> PdfWriter:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    # The tag makes the bytes (and so the storage key) unique.
    writer.add_metadata({"/Title": f"linli test {tag}"})
    return writer


def plain_pdf(tag: str = "") -> bytes:
    """A one-page PDF with nothing active in it."""
    return _bytes(_writer(tag))


def encrypted_pdf(tag: str = "", password: str = "") -> bytes:
    """Encrypted with an owner password; ``password`` is the one needed to open it ("" for
    a document that only restricts printing or copying)."""
    writer = _writer(tag)
    writer.encrypt(user_password=password, owner_password="owner", algorithm="AES-128")
    return _bytes(writer)


def pdf_with_open_action_javascript(tag: str = "") -> bytes:
    """Runs JavaScript when opened (/OpenAction → /S /JavaScript /JS ...)."""
    writer = _writer(tag)
    action = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Action"),
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('hi')"),
        }
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    return _bytes(writer)


def pdf_with_page_additional_action(tag: str = "") -> bytes:
    """Launches a program when its page opens (/AA on the page, /O → /Launch)."""
    writer = _writer(tag)
    launch = DictionaryObject(
        {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("calc.exe")}
    )
    page = writer.pages[0]
    page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): writer._add_object(launch)})
    return _bytes(writer)


def pdf_opening_at_its_first_page(tag: str = "") -> bytes:
    """An /OpenAction that is a destination (as Word writes): harmless, accepted."""
    writer = _writer(tag)
    page = writer.pages[0].indirect_reference
    writer._root_object[NameObject("/OpenAction")] = ArrayObject(
        [page, NameObject("/XYZ"), NumberObject(0), NumberObject(842), NumberObject(0)]
    )
    return _bytes(writer)


HTML_BEHIND_PDF_PREFIX = (
    b"%PDF-1.7\n<html><body><script>alert(document.cookie)</script></body></html>\n"
)
