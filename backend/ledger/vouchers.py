"""What a voucher may be: a photo of a receipt or invoice, or a PDF, checked by content."""

from backend.common import uploads

SUFFIXES = (".jpg", ".jpeg", ".png", ".pdf")
MAX_BYTES = 10 * 1024 * 1024


def keep(filename: str, data: bytes) -> dict:
    """The stored voucher's file columns; see backend.common.uploads.keep."""
    return uploads.keep(filename, data, SUFFIXES, "JPG、PNG、PDF", MAX_BYTES)
