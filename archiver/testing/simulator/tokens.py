"""The token syndication.twitter.com expects, computed here and not by archiver.

X's embed script sends ``((Number(id) / 1e15) * Math.PI).toString(36)`` with every
zero and the point removed. The simulator checks it with this second, deliberately
separate implementation, so that a regression in archiver's own token code fails the
end-to-end tests instead of being checked against itself.

``Number.prototype.toString(radix)`` is V8's ``DoubleToRadixCString``: it writes the
fraction's digits until they are below half a unit in the last place of the double,
rounding the last digit half-to-even. The integer part of these values is far below
2**53, so it is converted exactly with integers.
"""

from __future__ import annotations

import math

_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def expected_token(tweet_id: str) -> str:
    value = float(int(tweet_id)) / 1e15 * math.pi
    return "".join(c for c in _to_base36(value) if c not in "0.")


def _to_base36(value: float) -> str:
    whole = int(value)
    if whole >= 2**53:
        raise ValueError("the simulator only computes tokens of ordinary tweet ids")
    rest = value - whole
    # Half the gap to the next double: digits finer than this say nothing about value.
    slack = max((math.nextafter(value, math.inf) - value) / 2, math.ulp(0.0))
    fraction: list[int] = []
    while rest >= slack:
        rest *= 36
        slack *= 36
        digit = int(rest)
        rest -= digit
        fraction.append(digit)
        rounds_up = rest > 0.5 or (rest == 0.5 and digit % 2 == 1)
        if rounds_up and rest + slack > 1:
            # Add one in the last place; a carry out of the fraction goes into the integer.
            while fraction and fraction[-1] == 35:
                fraction.pop()
            if fraction:
                fraction[-1] += 1
            else:
                whole += 1
            break
    head = ""
    while True:
        whole, d = divmod(whole, 36)
        head = _DIGITS[d] + head
        if not whole:
            break
    return head + ("." + "".join(_DIGITS[d] for d in fraction) if fraction else "")
