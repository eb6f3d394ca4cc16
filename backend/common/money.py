"""Money is integer fen (分) everywhere; people read it as ¥1,234.50."""

import marshmallow as ma

# 1,000,000,000.00 yuan: above any estate's yearly accounts, far below BIGINT.
MAX_FEN = 100_000_000_000


def format_fen(fen: int) -> str:
    """123450 → "¥1,234.50"; -99 → "-¥0.99"."""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}¥{yuan:,}.{cents:02d}"


class Fen(ma.fields.Integer):
    """A positive amount in fen sent as a JSON integer: 12.5, "1250", true, 0, -1 and 1e20
    are all refused rather than rounded or coerced."""

    default_error_messages = {
        "invalid": "金额应为以分为单位的整数",
        "range": f"金额应在 0.01 元到 {MAX_FEN // 100:,} 元之间",
    }

    def __init__(self, **kwargs):
        super().__init__(strict=True, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if type(value) is not int:  # bool is an int subclass; floats are never money
            raise self.make_error("invalid")
        if not 0 < value <= MAX_FEN:
            raise self.make_error("range")
        return value
