"""Base schema: unknown fields are an error everywhere, decided once."""

import re
from decimal import ROUND_HALF_EVEN, Decimal

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


def text_field(label: str, max_chars: int, required: bool = True) -> ma.fields.String:
    """A text field people type: at most ``max_chars``; if required, not only spaces."""
    rules = [ma.validate.Length(max=max_chars, error=f"{label}不能超过 {max_chars} 个字")]
    if required:
        rules.append(ma.validate.Predicate("strip", error=f"请填写{label}"))
        return ma.fields.String(required=True, validate=rules)
    return ma.fields.String(load_default="", validate=rules)


def coordinate_field(low: int, high: int, error: str, **kwargs) -> ma.fields.Decimal:
    """Latitude or longitude in degrees, read as an exact decimal (stored as microdegrees)."""
    return ma.fields.Decimal(
        load_default=None,
        allow_nan=False,
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


class JsonBoolean(ma.fields.Boolean):
    """true or false only: marshmallow would also read "yes", "on", 1 and the like."""

    default_error_messages = {"invalid": "应为 true 或 false"}

    def _deserialize(self, value, attr, data, **kwargs):
        # Not a set lookup: 1 == True and 0 == False in Python.
        if type(value) is not bool:
            raise self.make_error("invalid")
        return value


def _chinese_error_messages() -> None:
    """marshmallow's built-in messages are English; people read ours in Chinese. Changing
    ``default_error_messages`` globally is marshmallow's documented way to do that."""
    ma.fields.Field.default_error_messages.update(
        {
            "required": "此项为必填",
            "null": "不能为空",
            "validator_failed": "格式不正确",
            "invalid": "格式不正确",
        }
    )
    for field, message in (
        (ma.fields.String, "应为文本"),
        (ma.fields.Integer, "应为整数"),
        (ma.fields.Number, "应为数字"),
        (ma.fields.Boolean, "应为 true 或 false"),
        (ma.fields.Date, "日期格式应为 2026-10-05"),
        (ma.fields.List, "应为列表"),
        (ma.fields.Nested, "格式不正确"),
    ):
        field.default_error_messages["invalid"] = message
    ma.Schema._default_error_messages = {
        **ma.Schema._default_error_messages,
        "type": "请求体应为 JSON 对象",
        "unknown": "不支持的字段",
    }


_chinese_error_messages()
