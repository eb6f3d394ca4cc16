"""Base schema: unknown fields are an error everywhere, decided once."""

import re

import marshmallow as ma

from backend.common.clock import as_utc

# C0 control characters other than tab and newlines: never meant as text, and NUL cannot
# be stored in PostgreSQL at all.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class BaseSchema(ma.Schema):
    """Every argument schema: unknown fields are an error, and so are control characters."""

    class Meta:
        unknown = ma.RAISE

    @ma.pre_load
    def _refuse_control_characters(self, data, **kwargs):
        if hasattr(data, "items"):
            bad = {
                key: ["不能包含控制字符"]
                for key, value in data.items()
                if isinstance(value, str) and CONTROL_CHARS.search(value)
            }
            if bad:
                raise ma.ValidationError(bad)
        return data


class UtcDateTime(ma.fields.DateTime):
    """ISO 8601 with its UTC offset always present (SQLite returns naive UTC values)."""

    def _serialize(self, value, attr, obj, **kwargs):
        return super()._serialize(as_utc(value) if value else value, attr, obj, **kwargs)


class JsonBoolean(ma.fields.Boolean):
    """true or false only: marshmallow would also read "yes", "on", 1 and the like."""

    default_error_messages = {"invalid": "应为 true 或 false"}

    def _deserialize(self, value, attr, data, **kwargs):
        # Not a set lookup: 1 == True and 0 == False in Python.
        if type(value) is not bool:
            raise self.make_error("invalid")
        return value
