"""Base schema: unknown fields are an error everywhere, decided once."""

import re
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

import marshmallow as ma

from backend.common.clock import as_utc

# C0 control characters other than tab and newlines: never meant as text, and NUL cannot
# be stored in PostgreSQL at all.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# The same rule as a JSON Schema pattern, so the OpenAPI document states it.
NO_CONTROL_CHARS = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$"


class _ArgumentSchemaMeta(type(ma.Schema)):
    """Writes the control-character rule into each text field's document: the ``pattern`` of
    every string field that has no pattern of its own (a stricter one, which already leaves
    control characters out)."""

    def __new__(mcs, name, bases, attrs):
        klass = super().__new__(mcs, name, bases, attrs)
        for field in klass._declared_fields.values():
            if not isinstance(field, ma.fields.String) or "pattern" in field.metadata:
                continue
            if not any(isinstance(rule, ma.validate.Regexp) for rule in field.validators):
                # A new dict: a metadata dict may be shared with fields elsewhere.
                field.metadata = {**field.metadata, "pattern": NO_CONTROL_CHARS}
        return klass


class BaseSchema(ma.Schema, metaclass=_ArgumentSchemaMeta):
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


def text_field(label: str, max_chars: int, required: bool = True) -> ma.fields.String:
    """A text field people type: at most ``max_chars``; if required, not only spaces."""
    rules = [ma.validate.Length(max=max_chars, error=f"{label}不能超过 {max_chars} 个字")]
    if required:
        rules.append(ma.validate.Predicate("strip", error=f"请填写{label}"))
        return ma.fields.String(required=True, validate=rules)
    return ma.fields.String(load_default="", validate=rules)


def coordinate_field(low: int, high: int, error: str, **kwargs) -> ma.fields.Decimal:
    """Latitude or longitude in degrees, read as an exact decimal (stored as microdegrees)."""
    # The bounds in the document as numbers: apispec writes a Decimal field's as Decimals,
    # which JSON gives as strings.
    metadata = {"minimum": low, "maximum": high, **kwargs.pop("metadata", {})}
    return ma.fields.Decimal(
        load_default=None,
        allow_nan=False,
        metadata=metadata,
        validate=ma.validate.Range(low, high, error=error),
        error_messages={"invalid": "应为数字", "special": "应为数字"},
        **kwargs,
    )


def microdegrees(degrees) -> int:
    """Degrees (a Decimal, or a float from a computation) as an exact integer of 1e-6°."""
    return int((Decimal(str(degrees)) * 1_000_000).to_integral_value(ROUND_HALF_EVEN))


class FileUploadSchema(ma.Schema):
    """A multipart upload with one file in the field ``file``."""

    file = ma.fields.Raw(metadata={"type": "string", "format": "binary"}, required=True)


class UtcDateTime(ma.fields.DateTime):
    """ISO 8601 with its UTC offset always present (SQLite returns naive UTC values)."""

    def _serialize(self, value, attr, obj, **kwargs):
        return super()._serialize(as_utc(value) if value else value, attr, obj, **kwargs)


# Every date and time anyone may send (DESIGN.md, Input bounds): far enough either way for
# any real record, and far from date.max, so adding a day or converting between time zones
# can never overflow.
MIN_DATE, MAX_DATE = date(2000, 1, 1), date(2100, 12, 31)
DATE_BOUNDS_TEXT = f"{MIN_DATE.isoformat()} 至 {MAX_DATE.isoformat()}"
DATE_BOUNDS_ERROR = f"日期须在 {DATE_BOUNDS_TEXT} 之间"
ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_day(text: str | None) -> date:
    """A day typed in a console form or query string (2026-10-05), within the bounds: the one
    parser for dates that do not come through a schema.

    :raises ValueError: with a Chinese message, on anything else.
    """
    text = (text or "").strip()
    try:
        # fromisoformat also reads 20261005 and 2026-W41-1; people type the dashed form.
        if not ISO_DAY.fullmatch(text):
            raise ValueError
        day = date.fromisoformat(text)
    except ValueError:
        raise ValueError("日期格式应为 2026-10-05") from None
    if not MIN_DATE <= day <= MAX_DATE:
        raise ValueError(DATE_BOUNDS_ERROR)
    return day


def _with_bounds(kwargs: dict, note: str) -> dict:
    """``kwargs`` whose OpenAPI description states the bounds (JSON Schema cannot bound a
    string date), after any description the field already has."""
    metadata = dict(kwargs.pop("metadata", None) or {})
    metadata["description"] = "；".join(filter(None, [metadata.get("description"), note]))
    return {**kwargs, "metadata": metadata}


class BoundedDate(ma.fields.Date):
    """A date (2026-10-05) between MIN_DATE and MAX_DATE: every date field people send."""

    default_error_messages = {"bounds": DATE_BOUNDS_ERROR}

    def __init__(self, **kwargs):
        super().__init__(**_with_bounds(kwargs, f"取值 {DATE_BOUNDS_TEXT}"))

    def _deserialize(self, value, attr, data, **kwargs):
        day = super()._deserialize(value, attr, data, **kwargs)
        if not MIN_DATE <= day <= MAX_DATE:
            raise self.make_error("bounds")
        return day


class BoundedDateTime(ma.fields.AwareDateTime):
    """An instant with its UTC offset, whose date as written lies between MIN_DATE and
    MAX_DATE: every date-time field people send. Checked on the date as written, before any
    conversion, since converting 9999-12-31T23:00-12:00 to UTC is what overflows."""

    default_error_messages = {
        "invalid": "时间格式应为 2026-10-05T09:00:00+08:00",
        "bounds": f"时间须在 {DATE_BOUNDS_TEXT} 之间",
        "invalid_awareness": "时间须带时区，如 +08:00",
    }

    def __init__(self, **kwargs):
        super().__init__(**_with_bounds(kwargs, f"须带时区；日期取值 {DATE_BOUNDS_TEXT}"))

    def _deserialize(self, value, attr, data, **kwargs):
        instant = super()._deserialize(value, attr, data, **kwargs)
        if not MIN_DATE <= instant.date() <= MAX_DATE:
            raise self.make_error("bounds")
        return instant


class JsonBoolean(ma.fields.Boolean):
    """true or false only: marshmallow would also read "yes", "on", 1 and the like."""

    default_error_messages = {"invalid": "应为 true 或 false"}

    def _deserialize(self, value, attr, data, **kwargs):
        # Not a set lookup: 1 == True and 0 == False in Python.
        if type(value) is not bool:
            raise self.make_error("invalid")
        return value
