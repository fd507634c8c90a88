"""The records a diagnosis returns, the numbers they hold, and the prose that explains them."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import TypeAlias

import attrs

from gxschema._claims import ClaimCheck
from gxschema._report import Cell
from gxschema._values import Kind

__all__ = ["CellChange", "Explanation", "Weights"]

Key: TypeAlias = tuple[str, str, str]  # (table, line, column)
Num: TypeAlias = int | Fraction
Bound: TypeAlias = Num | None  # None: unbounded
Weights: TypeAlias = Mapping[Key, float] | Callable[[str, str, str, Cell | None], float] | None
"""Change costs: ``{(table, line, column): weight}`` (other cells cost 1), or a function
``(table, line, column, cell) -> weight`` (``cell`` is None when the report lacks it)."""
Ranges: TypeAlias = dict[int, tuple[Bound, Bound]]

# -- the public records -------------------------------------------------------------------


@attrs.frozen
class CellChange:
    """One cell an explanation changes (or, for a blank, fills in).

    Attributes:
        table: the table id.
        line_id: the line id.
        column_id: the column id.
        value: the value as printed; None when the cell is blank or missing.
        proposed: the value it should have, when the rules (or the recognised slip)
            determine it; None when they leave a range.
        low: the least value the rules allow it, the other cells as printed (None:
            no limit).
        high: the greatest value the rules allow it (None: no limit).
    """

    table: str
    line_id: str
    column_id: str
    value: int | Decimal | None
    proposed: int | Decimal | None
    low: int | Decimal | None
    high: int | Decimal | None


@attrs.frozen
class Explanation:
    """A set of changes that makes every error-severity rule hold, and why.

    Attributes:
        weight: the total weight of the printed cells it changes (blank cells are
            free).
        kind: the name of the slip recognised, from the slip registry (the names
            :func:`gxschema.strategies.broken_reports` makes slips by, its
            ``PERTURBATIONS``), otherwise ``"blank_filled"`` (blank cells given the
            ranges the rules leave them) or ``"minimal_change"``; when independent
            parts of the report are explained differently, their kinds joined by ``+``.
        reason_zh: why, in Chinese.
        reason_en: why, in English.
        changes: the cells, in document order.
        evidence: the statements of the report's own text that side with it: numbers
            the text states (:func:`gxschema.check_claims`) that disagree with a
            printed cell and equal the value this explanation gives it.
    """

    weight: float
    kind: str
    reason_zh: str
    reason_en: str
    changes: tuple[CellChange, ...]
    evidence: tuple[ClaimCheck, ...] = ()


# -- numbers ------------------------------------------------------------------------------


def _num(x: int | Decimal) -> Num:
    return Fraction(x) if isinstance(x, Decimal) else x


def _out(x: Bound, kind: Kind) -> int | Decimal | None:
    if x is None:
        return None
    if kind is not Kind.MONEY:
        return int(x)
    q = Fraction(x)
    return (Decimal(q.numerator) / Decimal(q.denominator)).normalize()


def _fmt(x: int | Decimal | None) -> str:
    if x is None:
        return "?"
    if isinstance(x, Decimal):
        return format(x.normalize(), "f")
    return str(x)


# -- an explanation of one component ----------------------------------------------------


@attrs.frozen(eq=False)
class _Part:
    """An explanation of one component."""

    key: frozenset[int]  # the printed cells it changes
    weight: float
    kind: str
    slip: bool
    tiebreak: float
    changes: tuple[tuple[int, CellChange], ...]
    zh: str
    en: str
    evidence: tuple[ClaimCheck, ...] = ()

    def rank(self) -> tuple[float, int, float, int]:
        return (round(self.weight, 9), 0 if self.slip else 1, self.tiebreak, len(self.key))


def _float(x: Bound) -> float | None:
    return None if x is None else float(x)


def _contains(rng: tuple[Bound, Bound], x: Num) -> bool:
    a, b = rng
    return (a is None or a <= x) and (b is None or x <= b)


def _value_text(c: CellChange, zh: bool) -> str:
    if c.proposed is not None:
        return _fmt(c.proposed)
    if c.low is not None and c.high is not None:
        return f"{_fmt(c.low)} 至 {_fmt(c.high)}" if zh else f"{_fmt(c.low)} to {_fmt(c.high)}"
    if c.low is not None:
        return f"不小于 {_fmt(c.low)}" if zh else f"at least {_fmt(c.low)}"
    if c.high is not None:
        return f"不大于 {_fmt(c.high)}" if zh else f"at most {_fmt(c.high)}"
    return "任意值" if zh else "any value"


def _list_text(
    where: Callable[[int], str], items: Sequence[tuple[int, CellChange]]
) -> tuple[str, str]:
    zh: list[str] = []
    en: list[str] = []
    for i, c in items:
        was_zh = "空白" if c.value is None else _fmt(c.value)
        was_en = "blank" if c.value is None else _fmt(c.value)
        zh.append(f"{where(i)} {was_zh} → {_value_text(c, True)}")
        en.append(f"{where(i)} {was_en} → {_value_text(c, False)}")
    return "；".join(zh), "; ".join(en)


def _minimal_text(
    where: Callable[[int], str], items: Sequence[tuple[int, CellChange]]
) -> tuple[str, str]:
    zh, en = _list_text(where, items)
    printed = sum(1 for _, c in items if c.value is not None)
    if not printed:
        return f"空白单元格按规则应为：{zh}", f"Blank cells, as the rules require: {en}"
    return (
        f"改动 {printed} 个单元格即可使所有规则成立：{zh}",
        f"Changing {printed} cell{'s' if printed > 1 else ''} makes every rule hold: {en}",
    )
