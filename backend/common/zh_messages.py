"""Chinese text for every message marshmallow (and so webargs and flask-smorest) writes on its
own: field types, required and null, unknown fields, and the Range/Length/OneOf/… validators
used without an ``error=``. Everything a user can read is Chinese (DESIGN.md); a schema's own
``error=`` or ``error_messages`` still wins over these.

Why class attributes, installed once: marshmallow copies a field class's
``default_error_messages`` into each field when the field is created, at import time of every
schema module, and reads the validators' message templates from the class. Giving each of
hundreds of fields its own messages would be forgotten on the next one; setting the defaults
here, before any schema module is imported (``backend/__init__.py``), covers them all.
``install`` refuses a key marshmallow no longer has, so an upgrade cannot quietly bring the
English back.
"""

import marshmallow as ma
from marshmallow import fields, validate
from webargs import core as webargs

# Field class -> its own default messages (subclasses inherit the ones they do not override).
FIELD_MESSAGES = {
    fields.Field: {"required": "此项为必填", "null": "不能为空", "validator_failed": "格式不正确"},
    fields.Nested: {"type": "格式不正确"},
    fields.List: {"invalid": "应为列表"},
    fields.Tuple: {"invalid": "应为数组"},
    fields.String: {"invalid": "应为文本", "invalid_utf8": "不是有效的文本编码"},
    fields.UUID: {"invalid_uuid": "编号格式不正确"},
    fields.Number: {"invalid": "应为数字", "too_large": "数值过大"},
    fields.Integer: {"invalid": "应为整数"},
    fields.Float: {"special": "应为数字"},
    fields.Decimal: {"special": "应为数字"},
    fields.Boolean: {"invalid": "应为 true 或 false"},
    # DateTime, Time and their aware/naive kinds share these; {obj_type} and {input} (an
    # English type name, the raw input) are left out of the text.
    fields._TemporalField: {
        "invalid": "日期时间格式不正确",
        "invalid_awareness": "日期时间须带时区",
        "format": "日期时间无法格式化",
    },
    fields.Date: {"invalid": "日期格式应为 2026-10-05", "format": "日期无法格式化"},
    fields.TimeDelta: {"invalid": "时长格式不正确", "format": "时长无法格式化"},
    fields.Mapping: {"invalid": "应为对象"},
    fields.Url: {"invalid": "网址格式不正确"},
    fields.Email: {"invalid": "邮箱格式不正确"},
    fields.IP: {"invalid_ip": "地址格式不正确"},
    fields.IPv4: {"invalid_ip": "地址格式不正确"},
    fields.IPv6: {"invalid_ip": "地址格式不正确"},
    fields.IPInterface: {"invalid_ip_interface": "地址格式不正确"},
    fields.IPv4Interface: {"invalid_ip_interface": "地址格式不正确"},
    fields.IPv6Interface: {"invalid_ip_interface": "地址格式不正确"},
    # The choices are codes, not words people read: the message does not list them.
    fields.Enum: {"unknown": "不是可选的值"},
}

SCHEMA_MESSAGES = {"type": "请求体应为 JSON 对象", "unknown": "不支持的字段"}

# Validator class -> message templates (the same placeholders marshmallow formats).
VALIDATOR_MESSAGES = {
    validate.Range: {
        "message_min": "须{min_op} {{min}}",
        "message_max": "须{max_op} {{max}}",
        "message_all": "须{min_op} {{min}} 且{max_op} {{max}}",
        "message_gte": "不小于",
        "message_gt": "大于",
        "message_lte": "不大于",
        "message_lt": "小于",
    },
    validate.Length: {
        "message_min": "长度不能少于 {min}",
        "message_max": "长度不能超过 {max}",
        "message_all": "长度须在 {min} 至 {max} 之间",
        "message_equal": "长度须为 {equal}",
    },
    validate.URL: {"default_message": "网址格式不正确"},
    validate.Email: {"default_message": "邮箱格式不正确"},
    validate.Equal: {"default_message": "取值不正确"},
    validate.Regexp: {"default_message": "格式不正确"},
    validate.Predicate: {"default_message": "取值无效"},
    validate.NoneOf: {"default_message": "取值无效"},
    validate.OneOf: {"default_message": "不是可选的值"},
    validate.ContainsOnly: {"default_message": "包含不可选的值"},
    validate.ContainsNoneOf: {"default_message": "包含不允许的值"},
}


def install() -> None:
    """Put the Chinese defaults on marshmallow's classes (idempotent)."""
    for cls, messages in FIELD_MESSAGES.items():
        own = vars(cls).get("default_error_messages", {})
        unknown = set(messages) - set(own)
        if unknown:
            raise RuntimeError(f"marshmallow {cls.__name__} has no messages {sorted(unknown)}")
        cls.default_error_messages = {**own, **messages}
    unknown = set(SCHEMA_MESSAGES) - set(ma.Schema._default_error_messages)
    if unknown:
        raise RuntimeError(f"marshmallow Schema has no messages {sorted(unknown)}")
    ma.Schema._default_error_messages = {**ma.Schema._default_error_messages, **SCHEMA_MESSAGES}
    for cls, templates in VALIDATOR_MESSAGES.items():
        for name, text in templates.items():
            if not hasattr(cls, name):
                raise RuntimeError(f"marshmallow {cls.__name__} has no {name}")
            setattr(cls, name, text)
    # webargs' own, for a validator that returns False instead of raising.
    if not hasattr(webargs.Parser, "DEFAULT_VALIDATION_MESSAGE"):
        raise RuntimeError("webargs Parser has no DEFAULT_VALIDATION_MESSAGE")
    webargs.Parser.DEFAULT_VALIDATION_MESSAGE = "取值无效"
