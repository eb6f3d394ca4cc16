"""Reading console forms: numbers as people type them, ids from the query string, and the
API's own argument schemas (so a rule is written once, for the app and the console)."""

import marshmallow as ma

from backend.common.ids import MAX_ID
from backend.common.pagination import MAX_PAGE
from backend.errors import ValidationFailed


def load(schema: ma.Schema, fields: dict) -> dict:
    """``fields`` through ``schema``.

    :raises ValidationFailed: with the schema's messages per field.
    """
    try:
        return schema.load(fields)
    except ma.ValidationError as exc:
        raise ValidationFailed(fields=exc.messages_dict) from exc


def typed_int(value: str | None):
    """A typed number as an int; anything else is left as typed for a schema to refuse."""
    value = (value or "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 12 else value


def id_arg(value: str | None) -> int | None:
    """An id from the query string, or None when it cannot name anything."""
    number = typed_int(value)
    return number if isinstance(number, int) and 1 <= number <= MAX_ID else None


def page_arg(value) -> int:
    """A page number from a query string or form, bounded like the API's ``PageArgs``: one
    that cannot be read (empty, negative, huge, not digits) is the first page, one past
    MAX_PAGE the last a list can have. Never an error: a pager link is not a form."""
    number = typed_int(value if isinstance(value, str) else str(value or ""))
    return min(max(number, 1), MAX_PAGE) if isinstance(number, int) else 1
