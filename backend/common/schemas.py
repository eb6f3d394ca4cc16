"""Base schema: unknown fields are an error everywhere, decided once."""

import marshmallow as ma

from backend.common.clock import as_utc


class BaseSchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE


class UtcDateTime(ma.fields.DateTime):
    """ISO 8601 with its UTC offset always present (SQLite returns naive UTC values)."""

    def _serialize(self, value, attr, obj, **kwargs):
        return super()._serialize(as_utc(value) if value else value, attr, obj, **kwargs)
