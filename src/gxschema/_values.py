r"""What one table cell's raw text means: a number, an approximate number, or BLANK.

:func:`parse_value` reads the text of a cell as the reports print it (``"\xa00"``,
``"19万"``, ``"\u3000增1万"``, ``"974.20万元"``, ``"减少55"``, ``"—"`` …) into a
:class:`Number` or :data:`BLANK`; :func:`render_value` writes a value back under a
:class:`ValueStyle`, so that parsing what was rendered gives the value again.

What a cell may hold is decided by its :class:`Kind`: a count of items, a signed
change, or an amount of money in the column's unit.  Whether a count is negative, or
a blank total is missing, is for the rules to judge, not for this module.
"""

from __future__ import annotations

import enum
import functools
import re
from decimal import Decimal
from typing import Final, TypeAlias

import attrs

from gxschema.exceptions import ValueParseError

__all__ = [
    "BLANK",
    "BLANK_MARKS",
    "COUNT_UNITS",
    "MONEY_UNITS",
    "PLAIN",
    "Blank",
    "Kind",
    "Number",
    "Value",
    "ValueParseError",
    "ValueStyle",
    "looks_like_value",
    "parse_value",
    "render_value",
]

MONEY_UNITS: Final = ("元", "万元", "亿元")
"""The units of money a column is expressed in and a cell may carry (``974.20万元``)."""
COUNT_UNITS: Final = ("件", "项", "个", "次", "人", "家")
"""The units a count or a change may carry (``12件``)."""
BLANK_MARKS: Final = frozenset({"", "—", "——", "–", "-", "/", "无", "空"})
"""Texts that alone mean a cell is :data:`BLANK`, once full-width forms are folded to
ASCII and white space (NBSP and the ideographic space included) is stripped: empty,
the dashes (``——`` is the Chinese dash, two em dashes), ``/``, ``无`` and ``空``.  The
one set every part of gxschema asks."""


class Kind(enum.Enum):
    """What a cell counts, which decides how its text is read.

    ``COUNT`` is a number of items (an ``int``; that it is not negative is checked by
    a rule, not here), ``DELTA`` a signed change (an ``int``), ``MONEY`` an amount of
    money (a :class:`~decimal.Decimal` in the column's unit, ``"元"`` or ``"万元"``).
    """

    COUNT = "count"
    DELTA = "delta"
    MONEY = "money"


_blank_instance: Blank | None = None


@attrs.frozen(repr=False)
class Blank:
    """The value of a cell printed blank (``""``, ``"—"``, ``"/"``, ``"无"`` …).

    BLANK is not 0: a blank addend counts as 0 but a blank total is unknown, so the
    rules need to tell the two apart.  There is one instance, :data:`BLANK`; calling
    ``Blank()`` returns it.  It is falsy and its repr is ``BLANK``.
    """

    def __new__(cls) -> Blank:
        global _blank_instance  # the singleton is created once, on first call
        if _blank_instance is None:
            _blank_instance = super().__new__(cls)
        return _blank_instance

    def __repr__(self) -> str:
        return "BLANK"

    def __bool__(self) -> bool:
        return False

    def __reduce__(self) -> str:
        # Pickle and copy by name, so that unpickling gives the singleton back.
        return "BLANK"


BLANK: Final[Blank] = Blank()


@attrs.frozen
class Number:
    """A number written in a cell, exact or approximate.

    Attributes:
        value: the number: an ``int`` for ``COUNT`` and ``DELTA``, a
            :class:`~decimal.Decimal` for ``MONEY``.
        tolerance: half the width of the interval the written precision allows
            (``"19万"`` is 190000 ± 5000); 0 means exact.
        unit: for ``MONEY`` only, the unit ``value`` is expressed in (``"元"`` or
            ``"万元"``); ``None`` otherwise.

    Equality is numeric: ``Number(Decimal("9742000.00"), unit="元")`` equals
    ``Number(Decimal(9742000), unit="元")``.

    """

    value: int | Decimal
    tolerance: int | Decimal = 0
    unit: str | None = None

    @property
    def approx(self) -> bool:
        """Whether the number was written rounded (its tolerance is not 0)."""
        return self.tolerance != 0

    @property
    def low(self) -> int | Decimal:
        """The smallest number the written text allows."""
        return self.value - self.tolerance

    @property
    def high(self) -> int | Decimal:
        """The largest number the written text allows."""
        return self.value + self.tolerance


Value: TypeAlias = Number | Blank
"""What a cell holds: a :class:`Number` or :data:`BLANK`."""


# --- the style a value is written in -------------------------------------------------

# How a style may write BLANK: the blank marks (empty first, the simplest to shrink to),
# and NBSP alone; derived from BLANK_MARKS, so what is written is what is read as blank.
_BLANK_TEXTS: Final = ("", *sorted(BLANK_MARKS - {""}), "\xa0")
_THOUSANDS: Final = ("", ",", "，")
_SIGN_WORDS: Final = ("", "增减", "增加减少")
_STYLE_MONEY_UNITS: Final = (None, *MONEY_UNITS[:2])  # 亿元 would round most amounts


def _is_padding(_instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if value and not value.isspace():
        raise ValueError(f"{attribute.name} must be whitespace, not {value!r}")


@attrs.frozen
class ValueStyle:
    r"""How a value is written: used by writers, and by property tests to vary the text.

    Every style writes text that :func:`parse_value` reads back to the same value.

    Attributes:
        pad_left: whitespace written before the value (e.g. ``"\xa0"``, ``"\u3000"``).
        pad_right: whitespace written after the value.
        fullwidth_digits: write the digits full-width (``０１２``).
        thousands: the thousands separator: ``""``, ``","`` or ``"，"``.
        sign_words: how a ``DELTA`` is signed: ``""`` (``+``/``-``), ``"增减"``
            (``增N``/``减N``) or ``"增加减少"`` (``增加N``/``减少N``).
        explicit_plus: write a positive ``DELTA`` as ``+N`` (when ``sign_words`` is
            ``""``).
        blank: how :data:`BLANK` is written: ``""``, ``"—"``, ``"–"``, ``"/"``,
            ``"无"``, ``"-"``, ``"空"`` or ``"\xa0"``.
        wan: write approximate numbers with ``万`` (or ``亿``), e.g. ``"19万"``;
            without it an approximate number cannot be written.
        money_unit: write ``MONEY`` in this unit with the unit as a suffix (``"元"``
            or ``"万元"``), converting from the column's unit; ``None`` writes the bare
            number in the column's unit.

    """

    pad_left: str = attrs.field(default="", validator=_is_padding)
    pad_right: str = attrs.field(default="", validator=_is_padding)
    fullwidth_digits: bool = False
    thousands: str = attrs.field(default="", validator=attrs.validators.in_(_THOUSANDS))
    sign_words: str = attrs.field(default="", validator=attrs.validators.in_(_SIGN_WORDS))
    explicit_plus: bool = False
    blank: str = attrs.field(default="", validator=attrs.validators.in_(_BLANK_TEXTS))
    wan: bool = False
    money_unit: str | None = attrs.field(
        default=None, validator=attrs.validators.in_(_STYLE_MONEY_UNITS)
    )


PLAIN: Final[ValueStyle] = ValueStyle()

# --- parsing ---------------------------------------------------------------------------

# Full-width ASCII (U+FF01–U+FF5E) and the ideographic space fold to ASCII.  This is
# the part of NFKC that matters here; full NFKC would also fold superscript and
# circled digits, so that a footnote mark in "12¹" would silently read as 121.
_FOLD: Final = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


_CN_DIGITS: Final = {
    "零": 0, "〇": 0,
    "一": 1, "壹": 1,
    "二": 2, "两": 2, "贰": 2,
    "三": 3, "叁": 3,
    "四": 4, "肆": 4,
    "五": 5, "伍": 5,
    "六": 6, "陆": 6,
    "七": 7, "柒": 7,
    "八": 8, "捌": 8,
    "九": 9, "玖": 9,
}  # fmt: skip
_CN_SMALL: Final = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_CN_BIG: Final = {"万": 10**4, "亿": 10**8}
_CN_CHARS: Final = "".join([*_CN_DIGITS, *_CN_SMALL, *_CN_BIG])

_PATTERN: Final = re.compile(
    r"""
    (?P<sign>增加|减少|[-+−增减])?\s*
    (?:
        (?P<num>[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?)
        \s*(?P<mult>[万亿])?
      | (?P<cn>[{cn}]+)
    )
    \s*(?P<unit>[{units}])?
    """.replace("{cn}", _CN_CHARS).replace("{units}", "".join(("元", *COUNT_UNITS))),
    re.VERBOSE,
)

_NEGATIVE: Final = frozenset({"-", "−", "减", "减少"})
_MULT_EXP: Final = {None: 0, "万": 4, "亿": 8}
_MONEY_UNIT_EXP: Final = dict(zip(MONEY_UNITS, (0, 4, 8), strict=True))
# Longer than any cell value a report prints; keeps int() far from its digit limit.
_MAX_LEN: Final = 100


# -- what a value looks like ---------------------------------------------------------------


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


# The blank marks as printed: ASCII, or their full-width forms (－, ／), unfolded.
_BLANK_LIKE: Final = BLANK_MARKS | {_fullwidth(mark) for mark in BLANK_MARKS}
_VALUE_LIKE: Final = re.compile(
    r"([+\-−－]|增加|减少|增|减)?\s*[0-9０-９][0-9０-９,，.．]*\s*"
    rf"({'|'.join((*MONEY_UNITS[::-1], '万', '亿', *COUNT_UNITS))})?"
)
# As long as parse_value reads (a count of up to 100 digits): a longer run of digits is
# not taken for a label.  Bounded, which also keeps the check linear.
_VALUE_LIKE_LEN: Final = _MAX_LEN
_STRIP: Final = " \t\r\n\u00a0\u3000"


def looks_like_value(text: str) -> bool:
    r"""Tell whether a cell's text looks like a value (or a blank) rather than a label.

    This is the shape, not the reading: a sign (``+``, ``-``, ``增``, ``减少`` …), digits
    (full-width too) with separators, then an optional multiplier (``万``, ``亿``) or
    unit (:data:`MONEY_UNITS`, :data:`COUNT_UNITS`); or one of the :data:`BLANK_MARKS`
    (full-width ``－`` and ``／`` too), empty text included, since an empty cell reads
    as BLANK.  White space at either end (NBSP and the ideographic space included) is
    ignored.  Chinese numerals, which :func:`parse_value` reads, do not look like
    values: labels start with them (``一、``).  Readers and the mapper use this to tell
    value cells from label cells; use :func:`parse_value` to read one.

    Args:
        text: the cell's text.

    Returns:
        True when the text has the shape of a value.

    >>> looks_like_value("\xa0 12 件\u3000"), looks_like_value("——"), looks_like_value("规章")
    (True, True, False)
    """
    stripped = text.strip(_STRIP)
    if len(stripped) > _VALUE_LIKE_LEN:
        return False
    return stripped in _BLANK_LIKE or _VALUE_LIKE.fullmatch(stripped) is not None


def parse_value(raw: str, kind: Kind, *, unit: str | None = None) -> Value:
    """Read the raw text of one cell.

    Full-width digits, signs and separators read as their ASCII forms; whitespace
    (including NBSP and the ideographic space) is ignored at both ends and between a
    sign and the number.  Empty text, or ``—``, ``——``, ``–``, ``-``, ``/``, ``无``
    or ``空`` alone, is :data:`BLANK` for every kind.

    A number may carry a sign (``+``, ``-``, ``−``, ``增``, ``增加``; ``减``,
    ``减少``), ``,``/``，`` thousands separators, a decimal point, a multiplier ``万``
    or ``亿`` and a unit (``件``, ``项``, ``个``, ``次``, ``人``, ``家`` for counts;
    ``元``, ``万元``, ``亿元`` for money), or be written in Chinese numerals
    (``一千二百``, ``两千零五``, ``二〇``, ``壹仟贰佰``), which are exact.

    A ``COUNT`` or ``DELTA`` is a whole number.  With ``万``/``亿`` it is approximate,
    to half a unit of its last written digit (``"19万"`` is 190000 ± 5000, ``"1.5万"``
    15000 ± 500, ``"1.2345万"`` exactly 12345).  Without a multiplier a decimal point
    is rejected even when the fraction is zero (``"1.0"``): counts are not written so.

    A ``MONEY`` value is an exact :class:`~decimal.Decimal`, expressed in the column's
    ``unit`` whatever unit the text uses: ``"974.20万元"`` in a 元 column is
    ``Decimal("9742000.00")``.  A bare number is in the column's unit; a bare ``万``
    means 万元, and so does a Chinese numeral with 万 in it (``"三万"`` is 30000 元).

    Only full-width ASCII and the ideographic space are folded, not all of NFKC:
    NFKC would read the footnote mark in ``"12¹"`` as a digit, giving 121.  A digit
    right after a unit other than 十 is the next lower place, as in speech:
    ``"一千二"`` is 1200, ``"一万五"`` 15000.

    Args:
        raw: the cell's text as printed.
        kind: what the cell counts.
        unit: the column's money unit, ``"元"`` (the default) or ``"万元"``; ignored
            for ``COUNT`` and ``DELTA``.

    Returns:
        :data:`BLANK`, or a :class:`Number` (``unit`` set for money only).

    Raises:
        ValueParseError: the text is not a value of this kind; the message quotes it.
        ValueError: ``unit`` is not a money unit.

    """
    return _parse(raw, kind, unit)


@functools.lru_cache(maxsize=4096)
def _parse(raw: str, kind: Kind, unit: str | None) -> Value:
    """Parse as :func:`parse_value` does; cached, since a few texts make most cells."""
    money = kind is Kind.MONEY
    if money:
        col_unit = "元" if unit is None else unit
        if col_unit not in _MONEY_UNIT_EXP:
            raise ValueError(f"unit must be one of {', '.join(MONEY_UNITS)}, not {unit!r}")
    # Fast path: plain ASCII digits, which most cells are.
    if raw.isdigit() and raw.isascii() and len(raw) <= _MAX_LEN:
        if money:
            return Number(Decimal(raw), unit=col_unit)
        return Number(int(raw))

    text = raw if raw.isascii() else raw.translate(_FOLD)
    text = text.strip()
    if text in BLANK_MARKS:
        return BLANK
    if len(text) > _MAX_LEN:
        raise ValueParseError(raw, "is too long to be a cell value")
    m = _PATTERN.fullmatch(text)
    if m is None:
        raise ValueParseError(raw, "is not a number")
    sign, num, mult, cn, suffix = m.group("sign", "num", "mult", "cn", "unit")
    negative = sign in _NEGATIVE

    if money:
        if suffix is not None and suffix != "元":
            raise ValueParseError(raw, f"has the count unit {suffix!r} in a money cell")
        col_exp = _MONEY_UNIT_EXP[col_unit]
        if num is not None:
            amount = Decimal(num.replace(",", ""))
            # A bare number is in the column's unit; 万 or 元 says the unit itself.
            exp = col_exp if mult is None and suffix is None else _MULT_EXP[mult]
        else:
            amount = Decimal(_chinese_numeral(raw, cn))
            # A numeral with 万 or 亿 in it reads like "3万": an amount of 元.
            big = suffix is not None or "万" in cn or "亿" in cn
            exp = 0 if big else col_exp
        amount = _scale(amount, exp - col_exp)
        return Number(-amount if negative else amount, unit=col_unit)

    if suffix == "元":
        raise ValueParseError(raw, "has the money unit '元' in a count cell")
    tolerance = 0
    if num is None:
        value = _chinese_numeral(raw, cn)
    else:
        whole, _, fraction = num.replace(",", "").partition(".")
        places = len(fraction)
        mantissa = int(whole + fraction)
        exp = _MULT_EXP[mult]
        if places > exp:
            value, rest = divmod(mantissa, 10 ** (places - exp))
            if rest:
                raise ValueParseError(raw, "is not a whole number")
            if mult is None:
                raise ValueParseError(
                    raw, "is written with a decimal point; a count is a whole number"
                )
        else:
            value = mantissa * 10 ** (exp - places)
            if exp - places >= 1:
                tolerance = 5 * 10 ** (exp - places - 1)
    return Number(-value if negative else value, tolerance)


def _scale(amount: Decimal, exp: int) -> Decimal:
    """Multiply ``amount`` by ``10**exp`` exactly, keeping every written digit."""
    if exp == 0:
        return amount
    sign, digits, exponent = amount.as_tuple()
    assert isinstance(exponent, int)  # finite: read from digits, or checked by the caller
    if exp > 0:
        return Decimal((sign, (*digits, *(0,) * exp), exponent))
    return Decimal((sign, digits, exponent + exp))


def _chinese_numeral(raw: str, text: str) -> int:
    """Read a Chinese numeral (一千二百, 两千零五, 三万四千五百六十七, 二〇) as an int."""
    if not any(c in _CN_SMALL or c in _CN_BIG for c in text):
        # Written digit by digit, as years are: 二〇二〇.
        return int("".join(str(_CN_DIGITS[c]) for c in text))
    high = 0  # the 亿 part
    middle = 0  # the 万 part
    section = 0  # below 万
    digit: int | None = None  # a digit waiting for its unit
    smallest = 10**4  # small units within a section must decrease
    last_unit = 0  # the unit just before `digit`, when no 零 came between
    seen_wan = seen_yi = False
    for c in text:
        if c in _CN_DIGITS:
            if digit is not None:
                raise ValueParseError(raw, "is not a well-formed Chinese numeral")
            d = _CN_DIGITS[c]
            if d == 0:
                last_unit = 0
            else:
                digit = d
        elif c in _CN_SMALL:
            u = _CN_SMALL[c]
            if u >= smallest or (digit is None and u != 10):
                raise ValueParseError(raw, "is not a well-formed Chinese numeral")
            section += (1 if digit is None else digit) * u
            digit, smallest, last_unit = None, u, u
        else:
            total = section + (digit or 0)
            if c == "万":
                if seen_wan or total == 0:
                    raise ValueParseError(raw, "is not a well-formed Chinese numeral")
                middle, seen_wan = total, True
            else:
                total += middle * 10**4
                if seen_yi or total == 0:
                    raise ValueParseError(raw, "is not a well-formed Chinese numeral")
                high, middle, seen_wan, seen_yi = total, 0, False, True
            section, digit, smallest, last_unit = 0, None, 10**4, _CN_BIG[c]
    if digit is not None:
        # A digit right after a unit other than 十 stands for the next lower place:
        # 一千二 is 1200, 一万五 is 15000 (with 零 between, it is units: 两千零五).
        section += digit * (last_unit // 10 if last_unit > 10 else 1)
    return high * 10**8 + middle * 10**4 + section


# --- rendering -------------------------------------------------------------------------

_TO_FULLWIDTH: Final = str.maketrans("0123456789", "０１２３４５６７８９")


def render_value(
    value: Value, kind: Kind, *, unit: str | None = None, style: ValueStyle = PLAIN
) -> str:
    """Write a value as cell text, so that :func:`parse_value` reads it back.

    ``parse_value(render_value(v, kind, unit=u, style=s), kind, unit=u) == v`` for
    every value the style can express.  :data:`PLAIN` writes canonical forms: ``"0"``,
    ``"472"``, ``"-55"``, ``"173"`` (a positive ``DELTA`` gets ``+`` only with
    ``explicit_plus``), money as the plain decimal in the column's unit
    (``"9742000.00"``), and BLANK as ``""``.  Sign words and ``+`` apply to ``DELTA``
    only; a negative ``COUNT`` or ``MONEY`` is written with ``-``.

    An approximate number (tolerance not 0) can be written only with ``wan=True``,
    and only when its tolerance is ``5·10^j`` (0 ≤ j ≤ 7) and the value a multiple of
    ``10^(j+1)``, the precision a number of 万 (j ≤ 3) or 亿 (j ≥ 4) written to some
    decimal places gives: ``Number(190000, 5000)`` is ``"19万"``,
    ``Number(15000, 500)`` is ``"1.5万"``.

    Args:
        value: the value to write.
        kind: what the cell counts.
        unit: the column's money unit (``"元"`` or ``"万元"``), which the text is
            written in unless the style sets ``money_unit``; by default the value's
            own unit, else ``"元"``.  Ignored for ``COUNT`` and ``DELTA``.
        style: how to write it.

    Returns:
        The cell text, padded as the style says.

    Raises:
        ValueError: the style cannot express the value (an approximate number without
            ``wan``, or with a tolerance no 万/亿 form gives; approximate money; a
            non-whole count; a unit that is not a money unit).

    """
    if isinstance(value, Blank):
        body = style.blank
    elif kind is Kind.MONEY:
        body = _render_money(value, unit, style)
    else:
        body = _render_whole(value, kind, style)
    return f"{style.pad_left}{body}{style.pad_right}"


def _group(digits: str, separator: str) -> str:
    """Put a thousands separator into a string of digits."""
    if not separator or len(digits) <= 3:
        return digits
    head = len(digits) % 3 or 3
    groups = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return separator.join(groups)


def _render_whole(value: Number, kind: Kind, style: ValueStyle) -> str:
    """Write a ``COUNT`` or ``DELTA``."""
    n = value.value
    if isinstance(n, Decimal):
        if not n.is_finite() or n != n.to_integral_value():
            raise ValueError(f"{value!r} is not a whole number")
        n = int(n)
    magnitude = abs(n)
    tolerance = value.tolerance
    if tolerance == 0:
        number = _group(str(magnitude), style.thousands)
    else:
        if not style.wan:
            raise ValueError(f"{value!r} is approximate; only ValueStyle(wan=True) writes it")
        j = _tolerance_place(tolerance)
        if j is None or magnitude % 10 ** (j + 1):
            raise ValueError(f"{value!r} has a precision no 万 or 亿 form gives")
        exp, mult = (4, "万") if j <= 3 else (8, "亿")
        places = exp - j - 1
        whole, rest = divmod(magnitude, 10**exp)
        number = _group(str(whole), style.thousands)
        if places:
            number += "." + str(rest // 10 ** (j + 1)).zfill(places)
        number += mult
    if style.fullwidth_digits:
        number = number.translate(_TO_FULLWIDTH)
    return _sign(n, kind, style) + number


def _tolerance_place(tolerance: int | Decimal) -> int | None:
    """Return j when ``tolerance == 5·10^j`` with 0 ≤ j ≤ 7, else None."""
    for j in range(8):
        if tolerance == 5 * 10**j:
            return j
    return None


def _sign(n: int | Decimal, kind: Kind, style: ValueStyle) -> str:
    """Return the sign written before a number's digits."""
    if n < 0:
        if kind is Kind.DELTA and style.sign_words:
            return style.sign_words[len(style.sign_words) // 2 :]
        return "-"
    if n > 0 and kind is Kind.DELTA:
        if style.sign_words:
            return style.sign_words[: len(style.sign_words) // 2]
        if style.explicit_plus:
            return "+"
    return ""


def _render_money(value: Number, unit: str | None, style: ValueStyle) -> str:
    """Write a ``MONEY`` amount in the column's unit, or in the style's with a suffix."""
    if value.tolerance != 0:
        raise ValueError(f"{value!r} is approximate; money is written exactly")
    col_unit = unit or value.unit or "元"
    src_unit = value.unit or col_unit
    out_unit = style.money_unit or col_unit
    for u in (col_unit, src_unit):
        if u not in _MONEY_UNIT_EXP:
            raise ValueError(f"unit must be one of {', '.join(MONEY_UNITS)}, not {u!r}")
    amount = Decimal(value.value)
    if not amount.is_finite():
        raise ValueError(f"{value!r} is not a finite amount")
    amount = _scale(abs(amount), _MONEY_UNIT_EXP[src_unit] - _MONEY_UNIT_EXP[out_unit])
    whole, point, fraction = format(amount, "f").partition(".")
    number = _group(whole, style.thousands) + point + fraction
    if style.fullwidth_digits:
        number = number.translate(_TO_FULLWIDTH)
    return _sign(value.value, Kind.MONEY, style) + number + (style.money_unit or "")
