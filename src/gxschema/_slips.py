"""The slips people make when they fill in the tables, registered once.

One vocabulary for the two engines that speak of slips: :func:`gxschema.diagnose`
names the slip it recognises in a report, and
:func:`gxschema.strategies.broken_reports` makes the slips it breaks reports with.  Each
:class:`Slip` has a name (the ``kind`` of a diagnosis, the name of a perturbation), the
reason diagnosis gives in Chinese and English, how to make it from the correct values
(:attr:`Slip.apply`) and how to tell that observed values are it (:attr:`Slip.recognise`).

A slip acts on a tuple of cell values (``None`` for a blank), at a :class:`Place` the
constraint model's structure gives (:attr:`Slip.places`): one cell for most, a cell and
one beside it for ``neighbour_swap``, one total or every cell of a printed line or
column for ``total_left_zero``, and a target followed by its source (one total and
another line's value in its column, or a whole line and another line of the same
table) for ``copied_from_row``.  ``apply(values, where)`` returns the values after the
slip (``where`` picks among the ways it could happen), or None when these values cannot
take it; ``recognise(observed, proposed)`` says whether ``observed`` is this slip of
``proposed``.  For every slip, ``recognise(apply(v, w), v)`` holds whenever ``apply``
applies (``tests/test_slips.py``).  :meth:`Slip.reason` words a slip found, in
Chinese and English, for one cell or for a whole line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Literal, TypeAlias

import attrs

from gxschema._values import Kind

if TYPE_CHECKING:
    from gxschema._model import Model, PrintedLine

__all__ = ["DIGIT_SLIPS", "SLIPS", "Place", "Slip", "slip"]

Value: TypeAlias = int | Decimal | None
Values: TypeAlias = tuple[Value, ...]


@attrs.frozen
class Place:
    """Where a slip can happen: cells of the constraint model, in the order it acts on them.

    Attributes:
        cells: the cell indices (for ``copied_from_row``: the target cells, then as many
            source cells).
        line: the printed line or column the slip takes whole; None for a slip of
            single cells.
        source: for a whole line copied, the line copied from.
    """

    cells: tuple[int, ...]
    line: PrintedLine | None = None
    source: PrintedLine | None = None


_WHOLE_ZH = {"row": "整行", "column": "整列"}
_WHOLE_EN = {"row": "line", "column": "column"}


@attrs.frozen
class Slip:
    """One kind of slip.

    Attributes:
        name: its name (``"transposition"``).
        cells: the values it acts on: ``"one"`` cell, a ``"pair"`` of cells, a
            ``"line"`` (one total or a whole printed line) or a ``"copy"`` (targets,
            then their sources).
        zh: the reason diagnosis gives for a slip of single cells, in Chinese
            (``{where}``, ``{n}`` the printed value, ``{r}`` the right one, ``{other}``
            the line copied from; for ``neighbour_swap`` ``{a}``, ``{b}``, ``{x}``,
            ``{y}``).
        en: the same in English.
        apply: ``(values, where) -> values``: make the slip, or None when it cannot.
        recognise: ``(observed, proposed) -> bool``: whether observed is this slip.
        places: ``(model, cell) -> places``: where the slip can happen at a cell, from
            the model's structure (kinds, totals, neighbours, printed lines).
        line_zh: the reason for a whole line or column (``{where}`` the line,
            ``{whole}`` 整行 or 整列, ``{listing}`` the cells and their right values,
            ``{other}`` the line copied from); empty when the slip has no such form.
        line_en: the same in English.
    """

    name: str
    cells: Literal["one", "pair", "line", "copy"]
    zh: str
    en: str
    apply: Callable[[Values, int], Values | None]
    recognise: Callable[[Values, Values], bool]
    places: Callable[[Model, int], list[Place]]
    line_zh: str = ""
    line_en: str = ""

    def reason(
        self,
        fields: Mapping[str, str],
        *,
        line: PrintedLine | None = None,
        listing: Sequence[tuple[str, str]] = (),
    ) -> tuple[str, str]:
        """Word this slip, found, in Chinese and English.

        Args:
            fields: the texts' fields (see :attr:`zh`, :attr:`line_zh`).
            line: the printed line taken whole, when it is; then ``{whole}`` and
                ``{listing}`` are filled in here.
            listing: for a whole line, each cell's label and right value.

        Returns:
            ``(zh, en)``.
        """
        if line is None or not self.line_zh:
            return self.zh.format(**fields), self.en.format(**fields)
        zh = "、".join(f"{label} {value}" for label, value in listing)
        en = ", ".join(f"{label} {value}" for label, value in listing)
        return (
            self.line_zh.format(**fields, whole=_WHOLE_ZH[line.axis], listing=zh),
            self.line_en.format(**fields, whole=_WHOLE_EN[line.axis], listing=en),
        )


# -- where slips happen -------------------------------------------------------------------


def _anywhere(m: Model, i: int) -> list[Place]:
    return [Place((i,))]


def _whole_number(m: Model, i: int) -> list[Place]:
    return [] if m.kinds[i] is Kind.MONEY else [Place((i,))]


def _not_total(m: Model, i: int) -> list[Place]:
    return [] if m.total[i] else [Place((i,))]


def _at_total(m: Model, i: int) -> list[Place]:
    return [Place((i,))] if m.total[i] else []


def _beside(m: Model, i: int) -> list[Place]:
    return [Place((i, j)) for j in m.neighbours[i] if m.kinds[j] is m.kinds[i]]


def _whole_lines(m: Model, i: int) -> list[Place]:
    lines = [m.lines[k] for k in m.line_of[i]]
    return [Place(ln.cells, ln) for ln in lines if len(ln.cells) >= 2]


def _total_or_line(m: Model, i: int) -> list[Place]:
    return _at_total(m, i) + _whole_lines(m, i)


def _copies(m: Model, i: int) -> list[Place]:
    """A total and each other line's cell of its column (nearest first); whole lines."""
    out: list[Place] = []
    if m.total[i]:
        column = m.lines[m.line_of[i][1]].cells
        here = column.index(i)
        near = sorted((abs(p - here), j) for p, j in enumerate(column) if p != here)
        out += [Place((i, j)) for _, j in near if m.kinds[j] is m.kinds[i]]
    for line in (m.lines[k] for k in m.line_of[i]):
        if len(line.cells) < 2:
            continue
        for other in m.lines:
            if (
                other is not line
                and other.table is line.table
                and other.axis == line.axis
                and len(other.cells) == len(line.cells)
            ):
                out.append(Place(line.cells + other.cells, line, other))
    return out


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
    """Targets then as many sources: the targets take the sources' values."""
    n = len(values) // 2
    target, source = values[:n], values[n:]
    if not n or len(values) != 2 * n or target == source or None in source:
        return None
    return source + source


def _is_copied(observed: Values, proposed: Values) -> bool:
    """Targets then sources: the targets show the sources' values, not their own."""
    n = len(observed) // 2
    if not n or len(proposed) != 2 * n:
        return False
    return observed[:n] == proposed[n:] and observed[:n] != proposed[:n]


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
        _whole_number,
    ),
    Slip(
        "doubled_digit",
        "one",
        "{where}：{n} 疑为 {r} 多写了一位重复数字",
        "{where}: {n} looks like {r} with a digit doubled",
        _one(_doubled),
        _is_doubled,
        _whole_number,
    ),
    Slip(
        "dropped_digit",
        "one",
        "{where}：{n} 疑为 {r} 漏写了一位数字",
        "{where}: {n} looks like {r} with a digit dropped",
        _one(_dropped),
        _is_dropped,
        _whole_number,
    ),
    Slip(
        "wrong_sign",
        "one",
        "{where}：{n} 的符号写反了，应为 {r}",
        "{where}: {n} has the wrong sign; it should be {r}",
        _negated,
        _is_negated,
        _whole_number,
    ),
    Slip(
        "neighbour_swap",
        "pair",
        "{a}（{x}）与 {b}（{y}）的数值疑似填反了",
        "{a} ({x}) and {b} ({y}) look swapped",
        _swapped,
        _is_swapped,
        _beside,
    ),
    Slip(
        "total_left_zero",
        "line",
        "{where}：合计数填成了 0，按规则应为 {r}",
        "{where}: the total was left 0; the rules make it {r}",
        _zeroed,
        _is_zeroed,
        _total_or_line,
        "{where}：{whole}填成了 0，按规则应为 {listing}",
        "{where}: the whole {whole} was left 0; the rules make it {listing}",
    ),
    Slip(
        "copied_from_row",
        "copy",
        "{where}：{n} 与「{other}」同一栏的数相同，疑为照抄，按规则应为 {r}",
        "{where}: {n} is the value of the same column in 「{other}」, copied by mistake; "
        "the rules make it {r}",
        _copied,
        _is_copied,
        _copies,
        "{where}：{whole}与「{other}」相同，疑为照抄，按规则应为 {listing}",
        "{where}: the whole {whole} repeats 「{other}」; the rules make it {listing}",
    ),
    Slip(
        "total_left_blank",
        "one",
        "{where}：合计数留空，按规则应为 {r}",
        "{where}: the total was left blank; the rules make it {r}",
        _blanked,
        _is_blank_total,
        _at_total,
    ),
    Slip(
        "left_blank",
        "one",
        "{where}：留空，按规则应为 {r}",
        "{where}: left blank; the rules make it {r}",
        _blanked,
        _is_blanked,
        _not_total,
    ),
    Slip(
        "miscount",
        "one",
        "{where}：{n} 计错了，按规则应为 {r}",
        "{where}: {n} is miscounted; the rules make it {r}",
        _miscounted,
        _is_miscounted,
        _anywhere,
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
