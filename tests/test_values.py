"""Tests for the cell value model: parse_value, render_value, Number, BLANK, ValueStyle."""

from __future__ import annotations

import pickle
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gxschema._values import (
    BLANK,
    PLAIN,
    Blank,
    Kind,
    Number,
    ValueParseError,
    ValueStyle,
    parse_value,
    render_value,
)
from gxschema.exceptions import GxSchemaError

COUNT, DELTA, MONEY = Kind.COUNT, Kind.DELTA, Kind.MONEY


# --- parsing: the seed's cells and the formats DOMAIN §6 lists ----------------------


@pytest.mark.parametrize(
    ("raw", "kind", "expected"),
    [
        ("\xa00", COUNT, Number(0)),
        ("0\xa0", COUNT, Number(0)),
        ("472", COUNT, Number(472)),
        ("-55", DELTA, Number(-55)),
        ("-3820", DELTA, Number(-3820)),
        ("19万", COUNT, Number(190000, 5000)),
        ("20万", COUNT, Number(200000, 5000)),
        ("\u3000增1万", DELTA, Number(10000, 5000)),
        ("+173", DELTA, Number(173)),
        ("+1", DELTA, Number(1)),
        ("-2", DELTA, Number(-2)),
        ("−2", DELTA, Number(-2)),
        ("－2", DELTA, Number(-2)),
        ("减少55", DELTA, Number(-55)),
        ("减55", DELTA, Number(-55)),
        ("增加7", DELTA, Number(7)),
        ("增 7", DELTA, Number(7)),
        ("０１２", COUNT, Number(12)),
        ("1,234", COUNT, Number(1234)),
        ("1，234", COUNT, Number(1234)),
        ("1,234,567", COUNT, Number(1234567)),
        ("12件", COUNT, Number(12)),
        ("3项", COUNT, Number(3)),
        ("5个", COUNT, Number(5)),
        ("1.5万", COUNT, Number(15000, 500)),
        ("1.2345万", COUNT, Number(12345)),
        ("1.23450万", COUNT, Number(12345)),
        ("1亿", COUNT, Number(100000000, 50000000)),
        ("19万人", COUNT, Number(190000, 5000)),
        ("-5", COUNT, Number(-5)),
    ],
)
def test_parse_whole_numbers(raw: str, kind: Kind, expected: Number) -> None:
    """Seed and §6 texts of counts and deltas read as the numbers they mean."""
    assert parse_value(raw, kind) == expected


@pytest.mark.parametrize("raw", ["", "　", " \xa0 ", "—", "——", "–", "-", "－", "/", "无", "空"])
@pytest.mark.parametrize("kind", list(Kind))
def test_parse_blank(raw: str, kind: Kind) -> None:
    """Empty text and the dash, slash, 无 and 空 placeholders read as BLANK in every kind."""
    assert parse_value(raw, kind) is BLANK


@pytest.mark.parametrize(
    ("raw", "unit", "expected"),
    [
        ("974.20万元", "元", Decimal("9742000.00")),
        ("974.20万", "元", Decimal("9742000")),
        ("974.20万元", "万元", Decimal("974.20")),
        ("251000元", "元", Decimal(251000)),
        ("251000元", "万元", Decimal("25.1")),
        ("184719元", "元", Decimal(184719)),
        ("184719", None, Decimal(184719)),
        ("7730.28", "万元", Decimal("7730.28")),
        ("7730.28", "元", Decimal("7730.28")),
        ("1,234.5元", "元", Decimal("1234.5")),
        ("1亿元", "万元", Decimal(10000)),
        ("三万", "万元", Decimal(3)),
        ("三千", "万元", Decimal(3000)),
        ("壹仟贰佰元", "元", Decimal(1200)),
        ("-12.5", "元", Decimal("-12.5")),
    ],
)
def test_parse_money(raw: str, unit: str | None, expected: Decimal) -> None:
    """Money reads as an exact Decimal expressed in the column's unit."""
    assert parse_value(raw, MONEY, unit=unit) == Number(expected, unit=unit or "元")


def test_money_from_wan_is_exact_and_keeps_its_digits() -> None:
    """'974.20万元' in a 元 column is exactly 9742000 元, with its two written decimals."""
    value = parse_value("974.20万元", MONEY, unit="元")
    assert isinstance(value, Number)
    assert value.value == Decimal(9742000)
    assert isinstance(value.value, Decimal)
    assert value.value.as_tuple().exponent == -2
    assert not value.approx
    assert value.unit == "元"


def test_money_down_conversion_keeps_the_written_precision() -> None:
    """'251000元' in a 万元 column is 25.1000, so no written digit is lost."""
    value = parse_value("251000元", MONEY, unit="万元")
    assert isinstance(value, Number)
    assert str(value.value) == "25.1000"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("零", 0),
        ("五", 5),
        ("十", 10),
        ("十一", 11),
        ("二十", 20),
        ("一百一十", 110),
        ("一千二百", 1200),
        ("一千二", 1200),
        ("一百五", 150),
        ("一万五", 15000),
        ("两千零五", 2005),
        ("两千〇五", 2005),
        ("一千零一十", 1010),
        ("二〇", 20),
        ("二〇二〇", 2020),
        ("十万", 100000),
        ("十二万", 120000),
        ("三万四千五百六十七", 34567),
        ("一百零五万", 1050000),
        ("一亿三千万", 130000000),
        ("一亿零一", 100000001),
        ("壹仟贰佰", 1200),
        ("叁拾", 30),
        ("玖佰玖拾玖", 999),
        ("十二件", 12),
    ],
)
def test_parse_chinese_numerals(raw: str, expected: int) -> None:
    """Chinese numerals, 小写 and 大写, positional or digit by digit, read exactly."""
    assert parse_value(raw, COUNT) == Number(expected)


def test_parse_signed_chinese_numeral() -> None:
    """A sign word before a Chinese numeral signs it: 减少十二 is -12."""
    assert parse_value("减少十二", DELTA) == Number(-12)


_CN_LOWER = "零一二三四五六七八九"
_TO_UPPER = str.maketrans("一二三四五六七八九十百千", "壹贰叁肆伍陆柒捌玖拾佰仟")


def _chinese(n: int) -> str:
    """Write 0 <= n < 10**12 in standard Chinese numerals (小写)."""
    if n == 0:
        return "零"
    out = ""
    zero = False
    for group, big in zip(
        (n // 10**8 % 10**4, n // 10**4 % 10**4, n % 10**4), ("亿", "万", ""), strict=True
    ):
        if group == 0:
            zero = zero or bool(out)
            continue
        if out and (zero or group < 1000):
            out += "零"
        zero = False
        part, pending = "", False
        for place, small in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
            digit = group // place % 10
            if digit == 0:
                pending = pending or bool(part)
                continue
            if pending:
                part, pending = part + "零", False
            part += _CN_LOWER[digit] + small
        out += part + big
    return out[1:] if out.startswith("一十") else out


@given(st.integers(min_value=0, max_value=10**12 - 1), st.booleans())
def test_chinese_numerals_round_trip(n: int, upper: bool) -> None:
    """Every number written in standard Chinese numerals, 小写 or 大写, reads back exactly."""
    text = _chinese(n)
    if upper:
        text = text.translate(_TO_UPPER)
    assert parse_value(text, COUNT) == Number(n)


# --- rejections -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("1.5", COUNT),
        ("1.0", COUNT),
        ("1.5", DELTA),
        ("abc", COUNT),
        ("abc", MONEY),
        ("1.23456万", COUNT),
        ("12元", COUNT),
        ("12万元", DELTA),
        ("12件", MONEY),
        ("--5", DELTA),
        ("5-", DELTA),
        ("+", DELTA),
        ("增", DELTA),
        ("1,23", COUNT),
        ("12,34", COUNT),
        ("1.2.3", MONEY),
        ("12¹", COUNT),
        ("١٢", COUNT),
        ("万", COUNT),
        ("一二十", COUNT),
        ("百", COUNT),
        ("一百一千", COUNT),
        ("一万一万", COUNT),
        ("五零十", COUNT),
        ("1" * 200, COUNT),
    ],
)
def test_rejects_malformed_text(raw: str, kind: Kind) -> None:
    """Text that is not a value of the cell's kind raises ValueParseError quoting it."""
    with pytest.raises(ValueParseError) as info:
        parse_value(raw, kind)
    assert raw in str(info.value) or repr(raw) in str(info.value)
    assert info.value.raw == raw


def test_parse_error_message_says_what_is_wrong() -> None:
    """The message names the fault: '1.5' is not a whole number."""
    with pytest.raises(ValueParseError, match=r"'1\.5' is not a whole number"):
        parse_value("1.5", COUNT)


def test_parse_error_is_a_value_error_and_pickles() -> None:
    """ValueParseError is a ValueError and a GxSchemaError, and survives pickling."""
    error = ValueParseError("abc", "is not a number")
    assert isinstance(error, ValueError)
    assert isinstance(error, GxSchemaError)
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.raw, copy.reason, str(copy)) == ("abc", "is not a number", str(error))


def test_bad_money_unit_argument_is_a_value_error() -> None:
    """A column unit that is not a money unit is misuse, reported as a plain ValueError."""
    with pytest.raises(ValueError, match="unit") as info:
        parse_value("12", MONEY, unit="件")
    assert not isinstance(info.value, ValueParseError)


_NEAR_ALPHABET = (
    "0123456789０１２.,，+-−－ \xa0\u3000增加减少万亿元件项个零〇一二两三十百千壹拾佰—/无空"
)


@given(st.one_of(st.text(), st.text(alphabet=_NEAR_ALPHABET, max_size=12)))
@pytest.mark.parametrize("kind", list(Kind))
def test_parse_raises_only_value_parse_error(kind: Kind, raw: str) -> None:
    """On any text, parse_value returns a Value or raises ValueParseError, nothing else."""
    outcome: object
    try:
        outcome = parse_value(raw, kind)
    except ValueParseError as error:
        outcome = error.raw
    assert outcome is BLANK or isinstance(outcome, Number) or outcome == raw


# --- BLANK and Number -----------------------------------------------------------------


def test_blank_is_not_zero() -> None:
    """BLANK is a value of its own: not equal to Number(0), and Number(0) is not BLANK."""
    zero: object = Number(0)
    assert zero != BLANK
    assert zero is not BLANK
    assert parse_value("0", COUNT) != parse_value("", COUNT)


def test_blank_is_a_falsy_singleton() -> None:
    """BLANK is falsy, prints as BLANK, and stays one object through Blank(), copy, pickle."""
    assert not BLANK
    assert bool(Number(0))
    assert repr(BLANK) == "BLANK"
    assert Blank() is BLANK
    assert pickle.loads(pickle.dumps(BLANK)) is BLANK


def test_number_interval() -> None:
    """An approximate number spans value ± tolerance; an exact one is a single point."""
    rounded = Number(190000, 5000)
    assert rounded.approx
    assert (rounded.low, rounded.high) == (185000, 195000)
    exact = Number(472)
    assert not exact.approx
    assert exact.low == exact.high == 472


def test_number_equality_is_numeric() -> None:
    """Numbers compare by numeric value, whatever the Decimal exponent."""
    assert Number(Decimal("9742000.00"), unit="元") == Number(Decimal(9742000), unit="元")
    assert Number(Decimal("1.0"), unit="元") != Number(Decimal("1.0"), unit="万元")


# --- rendering ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "kind", "unit", "text"),
    [
        (Number(0), COUNT, None, "0"),
        (Number(472), COUNT, None, "472"),
        (Number(-55), DELTA, None, "-55"),
        (Number(173), DELTA, None, "173"),
        (Number(0), DELTA, None, "0"),
        (Number(Decimal("9742000.00"), unit="元"), MONEY, "元", "9742000.00"),
        (Number(Decimal("7730.28"), unit="万元"), MONEY, "万元", "7730.28"),
        (BLANK, COUNT, None, ""),
        (BLANK, MONEY, "元", ""),
    ],
)
def test_plain_renders_canonical_forms(
    value: Number, kind: Kind, unit: str | None, text: str
) -> None:
    """PLAIN writes bare digits, '-' for negatives, money in its unit, BLANK as ''."""
    assert render_value(value, kind, unit=unit) == text


@pytest.mark.parametrize(
    ("value", "kind", "style", "text"),
    [
        (Number(173), DELTA, ValueStyle(explicit_plus=True), "+173"),
        (Number(173), COUNT, ValueStyle(explicit_plus=True), "173"),
        (Number(-55), DELTA, ValueStyle(sign_words="增加减少"), "减少55"),
        (Number(10000, 5000), DELTA, ValueStyle(wan=True, sign_words="增减"), "增1万"),
        (Number(190000, 5000), COUNT, ValueStyle(wan=True), "19万"),
        (Number(15000, 500), COUNT, ValueStyle(wan=True), "1.5万"),
        (Number(190000), COUNT, ValueStyle(wan=True), "190000"),
        (Number(1234567), COUNT, ValueStyle(thousands=","), "1,234,567"),
        (Number(12), COUNT, ValueStyle(fullwidth_digits=True, pad_left="\xa0"), "\xa0１２"),
        (BLANK, COUNT, ValueStyle(blank="—"), "—"),
    ],
)
def test_style_options(value: Number, kind: Kind, style: ValueStyle, text: str) -> None:
    """Each style option shows in the text as documented."""
    assert render_value(value, kind, style=style) == text


def test_money_unit_suffix_converts() -> None:
    """With money_unit set, money is written in that unit with its suffix."""
    value = Number(Decimal("9742000.00"), unit="元")
    style = ValueStyle(money_unit="万元")
    assert render_value(value, MONEY, unit="元", style=style) == "974.200000万元"
    assert parse_value("974.200000万元", MONEY, unit="元") == value


@pytest.mark.parametrize(
    ("value", "kind", "style"),
    [
        (Number(190000, 5000), COUNT, PLAIN),
        (Number(190000, 4000), COUNT, ValueStyle(wan=True)),
        (Number(195000, 5000), COUNT, ValueStyle(wan=True)),
        (Number(Decimal("1.5")), COUNT, PLAIN),
        (Number(Decimal(10), 5, unit="元"), MONEY, PLAIN),
    ],
)
def test_render_refuses_what_the_style_cannot_express(
    value: Number, kind: Kind, style: ValueStyle
) -> None:
    """Values no text in the style would read back as raise ValueError, not wrong text."""
    with pytest.raises(ValueError, match="Number"):
        render_value(value, kind, style=style)


@pytest.mark.parametrize(
    "options",
    [{"pad_left": "x"}, {"thousands": "."}, {"sign_words": "加"}, {"blank": "0"},
     {"money_unit": "件"}],
)  # fmt: skip
def test_style_rejects_options_that_would_not_read_back(options: dict[str, str]) -> None:
    """ValueStyle refuses option values whose text parse_value would misread."""
    with pytest.raises(ValueError, match=next(iter(options))):
        ValueStyle(**options)  # type: ignore[arg-type]


# --- round trips ----------------------------------------------------------------------

styles = st.builds(
    ValueStyle,
    pad_left=st.sampled_from(["", "\xa0", "\u3000", " "]),
    pad_right=st.sampled_from(["", "\xa0", "\u3000", " "]),
    fullwidth_digits=st.booleans(),
    thousands=st.sampled_from(["", ",", "，"]),
    sign_words=st.sampled_from(["", "增减", "增加减少"]),
    explicit_plus=st.booleans(),
    blank=st.sampled_from(["", "—", "–", "/", "无", "-", "空", "\xa0"]),
    wan=st.booleans(),
    money_unit=st.sampled_from([None, "元", "万元"]),
)


@st.composite
def approximate_numbers(draw: st.DrawFn) -> Number:
    """Draw a number as a 万/亿 text rounds it: a multiple of 10^(j+1), ± 5·10^j."""
    place = draw(st.integers(min_value=0, max_value=7))
    mantissa = draw(st.integers(min_value=-(10**6), max_value=10**6))
    return Number(mantissa * 10 ** (place + 1), 5 * 10**place)


@st.composite
def money(draw: st.DrawFn) -> tuple[Number, str]:
    """Draw an amount with 0–2 decimal places in a 元 or 万元 column."""
    unit = draw(st.sampled_from(["元", "万元"]))
    places = draw(st.integers(min_value=0, max_value=2))
    cents = draw(st.integers(min_value=-(10**15), max_value=10**15))
    return Number(Decimal(f"{cents}E-{places}"), unit=unit), unit


@given(styles, st.sampled_from([COUNT, DELTA]), st.integers(-(10**18), 10**18))
def test_whole_numbers_round_trip(style: ValueStyle, kind: Kind, n: int) -> None:
    """Every exact count or delta, in every style, reads back as itself."""
    value = Number(n)
    assert parse_value(render_value(value, kind, style=style), kind) == value


@given(styles, st.sampled_from([COUNT, DELTA]), approximate_numbers())
def test_approximate_numbers_round_trip(style: ValueStyle, kind: Kind, value: Number) -> None:
    """Every 万/亿-rounded number, in every style with wan, reads back with its tolerance."""
    style = attrs.evolve(style, wan=True)
    parsed = parse_value(render_value(value, kind, style=style), kind)
    assert parsed == value
    assert isinstance(parsed, Number)
    assert parsed.tolerance == value.tolerance


@given(styles.filter(lambda s: not s.wan), approximate_numbers())
def test_approximate_numbers_need_wan(style: ValueStyle, value: Number) -> None:
    """Without wan a rounded number cannot be written, so rendering it raises."""
    with pytest.raises(ValueError, match="wan"):
        render_value(value, COUNT, style=style)


@given(styles, money())
def test_money_round_trips(style: ValueStyle, drawn: tuple[Number, str]) -> None:
    """Every amount, in every style and suffix unit, reads back equal and in its unit."""
    value, unit = drawn
    parsed = parse_value(render_value(value, MONEY, unit=unit, style=style), MONEY, unit=unit)
    assert parsed == value


@given(styles, st.sampled_from(list(Kind)))
def test_blank_round_trips(style: ValueStyle, kind: Kind) -> None:
    """BLANK, written in every style, reads back as BLANK."""
    assert parse_value(render_value(BLANK, kind, style=style), kind) is BLANK
