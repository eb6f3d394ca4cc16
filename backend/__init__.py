"""Linli backend: `flask --app backend ...` finds create_app here."""

# Before any schema module is imported: marshmallow copies its default messages into each
# field as the field is created (backend.common.zh_messages).
from backend.common.zh_messages import install

install()

from backend.app import create_app  # noqa: E402

__all__ = ["create_app"]
