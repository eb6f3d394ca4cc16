"""The columns every row describing an uploaded file has (see ``uploads.keep``, which fills
them): notice and motion attachments, vouchers, penalty evidence, close-out photos."""

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column


class StoredFileColumns:
    name: Mapped[str] = mapped_column(String(120))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(200))
