"""The slips people make when they fill in the tables, registered once.

One vocabulary for the two engines that speak of slips: :func:`gxschema.diagnose`
names the slip it recognises in a report, and
:func:`gxschema.strategies.broken_reports` makes the slips it breaks reports with.  Each
:class:`Slip` has a name (the ``kind`` of a diagnosis, the name of a perturbation), the
reason diagnosis gives in Chinese and English, how to make it from the correct values
(:attr:`Slip.apply`) and how to tell that observed values are it (:attr:`Slip.recognise`).

A slip acts on a tuple of cell values (``None`` for a blank): one cell for most, two for
``neighbour_swap`` (the cell and the one beside it), a pair ``(target, source)`` for
``copied_from_row``, and every cell of a line for ``total_left_zero`` when it empties a
whole line.  ``apply(values, where)`` returns the values after the slip (``where``
picks among the places it could happen), or None when these values cannot take it;
``recognise(observed, proposed)`` says whether ``observed`` is this slip of
``proposed``.  For every slip, ``recognise(apply(v, w), v)`` holds whenever ``apply``
applies (``tests/test_slips.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Literal, TypeAlias

import attrs

__all__ = ["DIGIT_SLIPS", "SLIPS", "Slip", "slip"]

Value: TypeAlias = int | Decimal | None
Values: TypeAlias = tuple[Value, ...]


@attrs.frozen
class Slip:
    """One kind of slip.

    Attributes:
        name: its name (``"transposition"``).
        cells: what it acts on: ``"one"`` cell, a ``"pair"`` of cells or a ``"line"``.
        zh: the reason diagnosis gives, in Chinese (``{where}``, ``{n}`` the printed
            value, ``{r}`` the right one, ``{other}`` the line copied from; for
            ``neighbour_swap`` ``{a}``, ``{b}``, ``{x}``, ``{y}``).
        en: the same in English.
        apply: ``(values, where) -> values``: make the slip, or None when it cannot.
        recognise: ``(observed, proposed) -> bool``: whether observed is this slip.
    """

    name: str
    cells: Literal["one", "pair", "line"]
    zh: str
    en: str
    apply: Callable[[Values, int], Values | None]
    recognise: Callable[[Values, Values], bool]


def _digits(v: Value) -> tuple[int, str] | None:
    if not isinstance(v, int):
        return None
    return (-1 if v < 0 else 1), str(abs(v))


def _one(make: Callable[[int, str, int], int | None]) -> Callable[[Values, int], Values | None]:
    """Lift a slip of one whole number (sign, digits, where) to the tuple interface."""

    def apply(values: Values, where: int) -> Values | None:
        parts = _digits(values[0]) if len(values) == 1 else None
        if parts is None:
            return None
        out = make(*parts, where)
        return None if out is None else (out,)

    return apply


def _transposed(sign: int, d: str, where: int) -> int | None:
    spots = [j for j in range(len(d) - 1) if d[j] != d[j + 1] and (j or d[1] != "0")]
    if not spots:
        return None
    j = spots[where % len(spots)]
    return sign * int(d[:j] + d[j + 1] + d[j] + d[j + 2 :])


def _dropped(sign: int, d: str, where: int) -> int | None:
    spots = [j for j in range(len(d)) if len(d) >= 2 and (j or d[1] != "0")]
    if not spots:
        return None
    j = spots[where % len(spots)]
    return sign * int(d[:j] + d[j + 1 :])


def _doubled(sign: int, d: str, where: int) -> int | None:
    if d == "0":
        return None
    j = where % len(d)
    return sign * int(d[: j + 1] + d[j:])


def _same_sign(o: tuple[int, str], p: tuple[int, str]) -> bool:
    return o[0] == p[0]


def _is_transposition(observed: Values, proposed: Values) -> bool:
    """``observed`` is ``proposed`` with two adjacent, different digits swapped."""
    o, p = _digits(observed[0]), _digits(proposed[0])
    if o is None or p is None or not _same_sign(o, p) or len(o[1]) != len(p[1]):
        return False
    a, b = o[1], p[1]
    return any(
        b[j] != b[j + 1] and b[:j] + b[j + 1] + b[j] + b[j + 2 :] == a for j in range(len(b) - 1)
    )


def _is_doubled(observed: Values, proposed: Values) -> bool:
    """``observed`` is ``proposed`` with one digit written twice."""
    o, p = _digits(observed[0]), _digits(proposed[0])
    if o is None or p is None or not _same_sign(o, p) or len(o[1]) != len(p[1]) + 1:
        return False
    a = o[1]
    return any(a[j] == a[j + 1] and a[:j] + a[j + 1 :] == p[1] for j in range(len(a) - 1))


def _is_dropped(observed: Values, proposed: Values) -> bool:
    """``observed`` is ``proposed`` with one digit left out."""
    o, p = _digits(observed[0]), _digits(proposed[0])
    if o is None or p is None or not _same_sign(o, p) or len(p[1]) != len(o[1]) + 1:
        return False
    b = p[1]
    return b[0] != "0" and any(b[:j] + b[j + 1 :] == o[1] for j in range(len(b)))


def _negated(values: Values, where: int) -> Values | None:
    v = values[0]
    return None if len(values) != 1 or not v else (-v,)


def _is_negated(observed: Values, proposed: Values) -> bool:
    o, p = observed[0], proposed[0]
    return o is not None and p is not None and o != 0 and o == -p


def _swapped(values: Values, where: int) -> Values | None:
    if len(values) != 2 or values[0] == values[1]:
        return None
    return values[1], values[0]


def _is_swapped(observed: Values, proposed: Values) -> bool:
    return len(observed) == 2 and observed[0] != observed[1] and observed == proposed[::-1]


def _zeroed(values: Values, where: int) -> Values | None:
    if not any(values):
        return None
    return tuple(0 if v is not None else None for v in values)


def _is_zeroed(observed: Values, proposed: Values) -> bool:
    return all(o in (0, None) for o in observed) and any(proposed)


def _blanked(values: Values, where: int) -> Values | None:
    return None if len(values) != 1 or not values[0] else (None,)


def _is_blank_total(observed: Values, proposed: Values) -> bool:
    return observed == (None,) and bool(proposed[0])


def _is_blanked(observed: Values, proposed: Values) -> bool:
    return observed == (None,) and proposed[0] is not None


def _copied(values: Values, where: int) -> Values | None:
    """``(target, source)``: the target takes the source's value."""
    if len(values) != 2 or values[0] == values[1] or values[1] is None:
        return None
    return values[1], values[1]


def _is_copied(observed: Values, proposed: Values) -> bool:
    """``observed``, ``proposed`` are ``(target, source)``: the target shows the source."""
    return observed[0] == proposed[1] and observed[0] != proposed[0]


def _miscounted(values: Values, where: int) -> Values | None:
    """Off by ``where`` (a blank read as 0); ``where`` 0 makes no slip."""
    if len(values) != 1 or not where:
        return None
    return ((values[0] or 0) + where,)


def _is_miscounted(observed: Values, proposed: Values) -> bool:
    return observed != proposed and None not in observed


_LIST: tuple[Slip, ...] = (
    Slip(
        "transposition",
        "one",
        "{where}：{n} 疑为 {r} 的相邻两位数字颠倒",
        "{where}: {n} looks like {r} with two adjacent digits transposed",
        _one(_transposed),
        _is_transposition,
    ),
    Slip(
        "doubled_digit",
        "one",
        "{where}：{n} 疑为 {r} 多写了一位重复数字",
        "{where}: {n} looks like {r} with a digit doubled",
        _one(_doubled),
        _is_doubled,
    ),
    Slip(
        "dropped_digit",
        "one",
        "{where}：{n} 疑为 {r} 漏写了一位数字",
        "{where}: {n} looks like {r} with a digit dropped",
        _one(_dropped),
        _is_dropped,
    ),
    Slip(
        "wrong_sign",
        "one",
        "{where}：{n} 的符号写反了，应为 {r}",
        "{where}: {n} has the wrong sign; it should be {r}",
        _negated,
        _is_negated,
    ),
    Slip(
        "neighbour_swap",
        "pair",
        "{a}（{x}）与 {b}（{y}）的数值疑似填反了",
        "{a} ({x}) and {b} ({y}) look swapped",
        _swapped,
        _is_swapped,
    ),
    Slip(
        "total_left_zero",
        "line",
        "{where}：合计数填成了 0，按规则应为 {r}",
        "{where}: the total was left 0; the rules make it {r}",
        _zeroed,
        _is_zeroed,
    ),
    Slip(
        "copied_from_row",
        "pair",
        "{where}：{n} 与「{other}」同一栏的数相同，疑为照抄，按规则应为 {r}",
        "{where}: {n} is the value of the same column in 「{other}」, copied by mistake; "
        "the rules make it {r}",
        _copied,
        _is_copied,
    ),
    Slip(
        "total_left_blank",
        "one",
        "{where}：合计数留空，按规则应为 {r}",
        "{where}: the total was left blank; the rules make it {r}",
        _blanked,
        _is_blank_total,
    ),
    Slip(
        "left_blank",
        "one",
        "{where}：留空，按规则应为 {r}",
        "{where}: left blank; the rules make it {r}",
        _blanked,
        _is_blanked,
    ),
    Slip(
        "miscount",
        "one",
        "{where}：{n} 计错了，按规则应为 {r}",
        "{where}: {n} is miscounted; the rules make it {r}",
        _miscounted,
        _is_miscounted,
    ),
)

SLIPS: dict[str, Slip] = {s.name: s for s in _LIST}
"""Every slip, by name."""

DIGIT_SLIPS: Sequence[Slip] = tuple(
    SLIPS[n] for n in ("transposition", "doubled_digit", "dropped_digit")
)
"""The slips of a whole number's digits, in the order diagnosis tries them."""


def slip(name: str) -> Slip:
    """Return the registered slip of this name.

    Args:
        name: the slip's name.

    Returns:
        Its registry entry.

    Raises:
        KeyError: no slip has this name.
    """
    return SLIPS[name]
