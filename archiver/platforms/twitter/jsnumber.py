"""JavaScript's ``Number.prototype.toString(radix)`` for non-negative doubles.

Twitter's syndication endpoint wants a token computed in the browser as
``((Number(id) / 1e15) * Math.PI).toString(36).replace(/(0+|\\.)/g, '')``
(vercel/react-tweet, ``fetch-tweet.ts``). Python has no radix formatting for
floats, and the digits must match V8's exactly, so this follows V8's
``DoubleToRadixCString`` (src/numbers/conversions.cc): emit fraction digits
while they are still significant (``delta`` is half the gap to the next
double), rounding half to even with carry, then the integer digits.
"""

from __future__ import annotations

import math

_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def to_radix_string(value: float, radix: int) -> str:
    if not 2 <= radix <= 36:
        raise ValueError("radix must be between 2 and 36")
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value < 0:
        return "-" + to_radix_string(-value, radix)
    integer = float(math.floor(value))
    fraction = value - integer
    delta = max(0.5 * (math.nextafter(value, math.inf) - value), math.nextafter(0.0, 1.0))
    fraction_digits: list[int] = []
    if fraction >= delta:
        while True:
            fraction *= radix
            delta *= radix
            digit = int(fraction)
            fraction_digits.append(digit)
            fraction -= digit
            if (fraction > 0.5 or (fraction == 0.5 and (digit & 1))) and fraction + delta > 1:
                # Round up, carrying through earlier digits (and into the integer).
                while True:
                    if not fraction_digits:
                        integer += 1
                        break
                    last = fraction_digits.pop()
                    if last + 1 < radix:
                        fraction_digits.append(last + 1)
                        break
                break
            if not fraction >= delta:
                break
    integer_digits: list[str] = []
    # Digits below the double's precision are written as zeros, as V8 does.
    while math.frexp(integer / radix)[1] - 53 > 0:
        integer /= radix
        integer_digits.append("0")
    while True:
        remainder = math.fmod(integer, radix)
        integer_digits.append(_DIGITS[int(remainder)])
        integer = (integer - remainder) / radix
        if not integer > 0:
            break
    text = "".join(reversed(integer_digits))
    if fraction_digits:
        text += "." + "".join(_DIGITS[d] for d in fraction_digits)
    return text
