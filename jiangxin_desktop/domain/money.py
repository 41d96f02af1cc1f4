"""Money: integer fen (分) everywhere, ``Decimal`` with ROUND_HALF_UP for arithmetic.

The one place that turns typed 元 into fen, fen into text (screens, messages, printed
forms, 大写金额) and scales an amount by a ratio. Floats never hold money: 1005 × 1.3 is
1306.5 in a float, and ``round`` of it gives 1306 (round-half-even), not 1306.50.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

FEN_PER_YUAN = 100
_CENT = Decimal("0.01")
_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_GROUP_UNITS = ("", "万", "亿", "万亿")  # every four digits
_PLACE_UNITS = ("仟", "佰", "拾", "")


class MoneyError(ValueError):
    """A typed amount that is not money; the message is for the user (Chinese)."""


def _decimal(value: str | int | float | Decimal) -> Decimal:
    """A float goes through its shortest text (0.3 stays 0.3, not 0.299999…)."""
    return value if isinstance(value, Decimal) else Decimal(str(value))


def parse_yuan(text: str | int | Decimal | None) -> int:
    """Typed 元 ("1200", "1,200.50", "1200.5") → fen; empty is 0.

    Raises MoneyError for what is not a number, a negative amount, or more than two decimals.
    """
    raw = str(text if text is not None else "").strip().replace(",", "").replace("，", "") or "0"
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise MoneyError(f"“{text}”不是金额，请填写数字，如 1200 或 1200.50") from None
    if not value.is_finite():
        raise MoneyError(f"“{text}”不是金额，请填写数字，如 1200 或 1200.50")
    if value < 0 or value != value.quantize(_CENT):
        raise MoneyError("金额不能为负数，最多保留两位小数")
    return int(value * FEN_PER_YUAN)


def yuan_to_fen(amount: str | int | float | Decimal) -> int:
    """An amount in 元 from a catalog or a calculation → fen, rounded half up to the fen."""
    return int((_decimal(amount) * FEN_PER_YUAN).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def multiply(fen: int, factor: str | int | float | Decimal) -> int:
    """``fen`` × ``factor`` (1.3 for a 30 % uplift), rounded half up to the fen."""
    return int((Decimal(fen) * _decimal(factor)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def percent(fen: int, rate: str | int | float | Decimal) -> int:
    """``rate`` per cent of ``fen`` (30 → 30 %), rounded half up to the fen."""
    return multiply(fen, _decimal(rate) / 100)


def to_decimal(fen: int) -> Decimal:
    """Fen → 元 as an exact Decimal with two places (1234.50)."""
    return (Decimal(fen) / FEN_PER_YUAN).quantize(_CENT)


def yuan_text(fen: int, *, grouping: bool = True) -> str:
    """Fen → "1,234.50" (without the comma when ``grouping`` is off)."""
    return f"{to_decimal(fen):{',' if grouping else ''}.2f}"


def yuan_sign(fen: int) -> str:
    """Fen → "¥1,234.50", as on screens and in the command line."""
    return f"¥{yuan_text(fen)}"


def yuan_plain(fen: int) -> str:
    """Fen → "1200" or "1200.50": what a clerk types, and totals on printed forms."""
    return yuan_text(fen, grouping=False).removesuffix(".00")


def yuan_number(fen: int) -> int | float:
    """Fen → 元 for a spreadsheet cell: a whole number stays an int (Excel keeps doubles)."""
    return fen // FEN_PER_YUAN if fen % FEN_PER_YUAN == 0 else float(to_decimal(fen))


def _four_digits(group: int) -> str:
    """0 < group < 10000 → "壹仟零伍"; inner zeros read as one 零, trailing ones not at all."""
    text, zero, started = "", False, False
    for place, unit in zip((1000, 100, 10, 1), _PLACE_UNITS, strict=True):
        digit = group // place % 10
        if digit == 0:
            zero = zero or started
            continue
        if zero:
            text, zero = text + "零", False
        text += _DIGITS[digit] + unit
        started = True
    return text


def capital(fen: int) -> str:
    """大写金额 of the payment rules: 120000 → 壹仟贰佰元整, 5 → 伍分, 100530 → 壹仟零伍元叁角."""
    if fen < 0:
        raise ValueError("大写金额不能为负数")
    yuan, rest = divmod(fen, FEN_PER_YUAN)
    jiao, cents = divmod(rest, 10)
    groups = []
    while yuan:
        yuan, group = divmod(yuan, 10000)
        groups.append(group)
    if len(groups) > len(_GROUP_UNITS):
        raise ValueError("金额过大")
    text, gap = "", False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            gap = gap or bool(text)
            continue
        if text and (gap or group < 1000):
            text += "零"
        text += _four_digits(group) + _GROUP_UNITS[index]
        gap = False
    if text:
        text += "元"
    if jiao == 0 and cents == 0:
        return (text or "零元") + "整"
    if jiao:
        text += _DIGITS[jiao] + "角"
    elif text:
        text += "零"
    if cents:
        text += _DIGITS[cents] + "分"
    return text
