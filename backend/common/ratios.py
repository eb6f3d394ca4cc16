"""Ratios as every page shows them ("97.86%"), from integer counts: exact, rounded half up, and
None (shown as 暂无数据) when there is nothing to divide by, never an invented 0% or 100%."""


def _rounded(numerator: int, denominator: int) -> int:
    return (2 * numerator + denominator) // (2 * denominator)


def basis_points(count: int, of: int) -> int | None:
    """``count / of`` in hundredths of a percent (9786 = 97.86%)."""
    return _rounded(count * 10_000, of) if of else None


def percent(count: int, of: int) -> str | None:
    """ "97.86%" for 9786 basis points."""
    points = basis_points(count, of)
    return None if points is None else f"{points // 100}.{points % 100:02d}%"


def average(total: int, count: int) -> str | None:
    """``total / count`` to two decimals: "4.35"."""
    if not count:
        return None
    hundredths = _rounded(total * 100, count)
    return f"{hundredths // 100}.{hundredths % 100:02d}"


def chart_value(points: int | None) -> str | None:
    """Basis points as the number a chart plots ("97.86"); null leaves a gap in the line."""
    return None if points is None else f"{points // 100}.{points % 100:02d}"
