"""Splitting an amount of fen over units by area, exactly (分摊).

The rule (largest remainder, Hamilton's method):

1. Each unit's exact share is ``amount × area / total_area``. It gets the whole fen of that
   share, rounded towards zero: ``floor(|amount| × area / total_area)``.
2. The fen left over (fewer than the number of units) go one each to the units with the
   largest remainders ``|amount| × area mod total_area``.
3. Equal remainders are broken by the smaller unit id first.

So the shares always add up to the amount exactly, no unit is ever more than one fen from its
exact share, and the same inputs always give the same split. A negative amount (a payment) is
split as its absolute value and every share negated. All integer arithmetic: no floats.
"""


def apportion(amount_fen: int, areas: dict[int, int]) -> dict[int, int]:
    """{unit id: share in fen} of ``amount_fen`` over ``areas`` ({unit id: area in dm²}).

    :raises ValueError: no units, or an area that is not positive.
    """
    if not areas:
        raise ValueError("no units to apportion over")
    if any(area <= 0 for area in areas.values()):
        raise ValueError("every area must be positive")
    sign = -1 if amount_fen < 0 else 1
    amount = abs(amount_fen)
    total = sum(areas.values())
    shares, remainders = {}, []
    for unit_id, area in areas.items():
        whole, remainder = divmod(amount * area, total)
        shares[unit_id] = whole
        remainders.append((-remainder, unit_id))
    left = amount - sum(shares.values())
    for _remainder, unit_id in sorted(remainders)[:left]:
        shares[unit_id] += 1
    return {unit_id: sign * share for unit_id, share in shares.items()}
