"""Recognising slips and searching one component for its explanations.

The slips are the registry's (:mod:`gxschema._slips`): their names are the kinds of
explanation and their texts its reasons.  A repair by one cell, a recognised slip, or a
line filled in is tried first; the solver only when none meets the lower bound that
disjoint broken rules give.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from fractions import Fraction

import attrs

from gxschema._diagnose._records import Bound, Num, _contains, _fmt, _out, _Part
from gxschema._diagnose._solve import _Case
from gxschema._model import Component, PrintedLine
from gxschema._slips import DIGIT_SLIPS, SLIPS
from gxschema._values import Kind

_EPS = 1e-9
_TIE_CELLS = 3  # look for other repairs of equal weight when the best changes so few

# -- recognising slips ------------------------------------------------------------------------


def _single(case: _Case, comp: Component, i: int) -> _Part | None:
    """Changing cell i alone: whether it repairs the component, and which slip it is."""
    ranges = case.solve(comp, {}, [i])
    if ranges is None:
        return None
    rng = ranges[i]
    v = case.values[i]
    assert v is not None
    t = case.tols[i]
    if _contains(rng, v - t) or _contains(rng, v + t):
        return None  # the cell is fine: unknown cells carry the change
    kind, value, other = _classify(case, i, rng)
    if kind == "minimal_change":
        return case.part(comp, {i: None}, kind)
    m = case.model
    spec = m.table_of[i]
    fields = {
        "where": case.where(i),
        "n": _fmt(case.printed[i]),
        "r": _fmt(_out(value, m.kinds[i])),
        "other": spec.line(m.keys[other][1]).label if other is not None else "",
    }
    slip = SLIPS[kind]
    return case.part(comp, {i: value}, kind, slip.zh.format(**fields), slip.en.format(**fields))


def _classify(case: _Case, i: int, rng: tuple[Bound, Bound]) -> tuple[str, Num | None, int | None]:
    m = case.model
    v = case.values[i]
    if case.tols[i] or m.kinds[i] is Kind.MONEY or not isinstance(v, int):
        return "minimal_change", None, None
    a, b = rng
    point = a if a is not None and a == b else None
    if _contains(rng, -v) and SLIPS["wrong_sign"].recognise((v,), (-v,)):
        return "wrong_sign", -v, None
    if point is None or Fraction(point).denominator != 1:
        return "minimal_change", None, None
    whole = int(point)
    if m.total[i] and SLIPS["total_left_zero"].recognise((v,), (whole,)):
        return "total_left_zero", point, None
    for slip in DIGIT_SLIPS:
        if slip.recognise((v,), (whole,)):
            return slip.name, point, None
    if v != 0 and m.total[i]:
        copied = SLIPS["copied_from_row"]
        column_line = m.lines[m.line_of[i][1]]
        here = column_line.cells.index(i)
        others = sorted((abs(p - here), j) for p, j in enumerate(column_line.cells) if p != here)
        for _, j in others:
            vj = case.values[j]
            if isinstance(vj, int) and case.tols[j] == 0 and copied.recognise((v, vj), (whole, vj)):
                return "copied_from_row", point, j
    return "minimal_change", None, None


def _swap(case: _Case, comp: Component, i: int, j: int) -> _Part | None:
    vi, vj = case.values[i], case.values[j]
    if vi is None or vj is None or vi == vj or case.tols[i] or case.tols[j]:
        return None
    if case.model.kinds[i] is not case.model.kinds[j]:
        return None
    if case.solve(comp, {i: vj, j: vi}, ()) is None:
        return None
    a, b = (i, j) if i < j else (j, i)
    fields = {
        "a": case.where(a),
        "b": case.where(b),
        "x": _fmt(case.printed[a]),
        "y": _fmt(case.printed[b]),
    }
    slip = SLIPS["neighbour_swap"]
    return case.part(
        comp, {i: vj, j: vi}, slip.name, slip.zh.format(**fields), slip.en.format(**fields)
    )


def _line_fix(
    case: _Case, comp: Component, line: PrintedLine, kind: str, other: PrintedLine | None
) -> _Part | None:
    ranges = case.solve(comp, {}, line.cells)
    if ranges is None:
        return None
    points: dict[int, Num] = {}
    for i in line.cells:
        a, b = ranges[i]
        if a is None or a != b:
            return None
        points[i] = a
    changed: dict[int, Num | None] = {
        i: x for i, x in points.items() if case.values[i] is not None and case.values[i] != x
    }
    if not changed:
        return None
    heading = (
        line.table.line(line.id).label if line.axis == "row" else line.table.column(line.id).label
    )
    where = f"{line.table.label} · {heading}"
    fills = {i: x for i, x in points.items() if x != 0 or i in changed}
    items = [case.change(i, (x, x)) for i, x in sorted(fills.items())]
    label = [
        (
            case.model.table_of[i].line(case.model.keys[i][1]).label
            if line.axis == "column"
            else case.model.table_of[i].column(case.model.keys[i][2]).label
        )
        for i in sorted(fills)
    ]
    listing_zh = "、".join(f"{lab} {_fmt(c.proposed)}" for lab, c in zip(label, items, strict=True))
    listing_en = ", ".join(f"{lab} {_fmt(c.proposed)}" for lab, c in zip(label, items, strict=True))
    whole_zh = "整行" if line.axis == "row" else "整列"
    whole_en = "line" if line.axis == "row" else "column"
    if kind == "total_left_zero":
        zh = f"{where}：{whole_zh}填成了 0，按规则应为 {listing_zh}"
        en = f"{where}: the whole {whole_en} was left 0; the rules make it {listing_en}"
    else:
        assert other is not None
        name = (
            other.table.line(other.id).label
            if other.axis == "row"
            else other.table.column(other.id).label
        )
        zh = f"{where}：{whole_zh}与「{name}」相同，疑为照抄，按规则应为 {listing_zh}"
        en = f"{where}: the whole {whole_en} repeats 「{name}」; the rules make it {listing_en}"
    return case.part(comp, changed, kind, zh, en, mentioned=fills)


def _blank_totals(case: _Case, filled: _Part) -> _Part:
    """Name a fill of blank cells as totals left blank, when that is all it is."""
    m = case.model
    if not filled.changes or not all(
        m.total[i] and c.proposed is not None for i, c in filled.changes
    ):
        return filled
    slip = SLIPS["total_left_blank"]
    fields = [{"where": case.where(i), "r": _fmt(c.proposed)} for i, c in filled.changes]
    zh = "；".join(slip.zh.format(**f) for f in fields)
    en = "; ".join(slip.en.format(**f) for f in fields)
    return attrs.evolve(filled, kind=slip.name, slip=True, zh=zh, en=en)


# -- one component ------------------------------------------------------------------------


def _packing_bound(case: _Case, sets: Sequence[frozenset[int]]) -> float:
    """A lower bound on any repair: disjoint violated rules each need a change of their own."""
    worth = [min(case.weights[i] for i in s) for s in sets]
    order = sorted(range(len(sets)), key=lambda k: (len(sets[k]), -worth[k]))
    if len(order) > 16:
        used: set[int] = set()
        total = 0.0
        for k in order:
            if not sets[k] & used:
                used |= sets[k]
                total += worth[k]
        return total
    best = 0.0

    def search(at: int, used: frozenset[int], total: float) -> None:
        nonlocal best
        best = max(best, total)
        if at == len(order) or total + sum(worth[k] for k in order[at:]) <= best:
            return
        k = order[at]
        if not sets[k] & used:
            search(at + 1, used | sets[k], total + worth[k])
        search(at + 1, used, total)

    search(0, frozenset(), 0.0)
    return best


def _component_parts(case: _Case, index: int, limit: int) -> list[_Part]:
    """Every explanation found for one component, best first (empty when it is sound)."""
    m = case.model
    comp = m.components[index]
    broken = [r for r in comp.rows if not case.row_holds(r)]
    out_of_bounds = [i for i in comp.cells if not case.bound_holds(i)]
    if not broken and not out_of_bounds:
        return []
    values = case.values
    hard = [
        frozenset(i for i, _ in m.ties[r].terms)
        for r in broken
        if all(values[i] is not None for i, _ in m.ties[r].terms)
    ]
    hard += [frozenset({i}) for i in out_of_bounds if values[i] is not None]
    if not hard:
        # Only rules with unknown cells fail: filling the blanks may be enough, at no cost.
        filled = case.part(comp, {}, "blank_filled")
        if filled is not None:
            return [_blank_totals(case, filled)]

    parts: dict[frozenset[int], _Part] = {}

    def offer(p: _Part | None) -> None:
        if p is None:
            return
        old = parts.get(p.key)
        if old is None or p.rank() < old.rank():
            parts[p.key] = p

    if hard:
        for i in sorted(frozenset.intersection(*hard)):
            offer(_single(case, comp, i))
        suspects = sorted(frozenset.union(*hard))

        def covers(cells: Iterable[int]) -> bool:
            chosen = set(cells)
            return all(h & chosen for h in hard)

        pairs: set[tuple[int, int]] = set()
        for i in suspects:
            for j in m.neighbours[i]:
                pair = (min(i, j), max(i, j))
                if m.component[j] == index and pair not in pairs and covers(pair):
                    pairs.add(pair)
                    offer(_swap(case, comp, i, j))
        lines = sorted({k for i in suspects for k in m.line_of[i]})
        for k in lines:
            line = m.lines[k]
            cells = line.cells
            if len(cells) < 2 or any(m.component[i] != index for i in cells):
                continue
            if not covers(cells) or any(case.tols[i] for i in cells):
                continue
            row = [values[i] for i in cells]
            if all(v is None or v == 0 for v in row):
                offer(_line_fix(case, comp, line, "total_left_zero", None))
            elif all(v is not None for v in row):
                for other in m.lines:
                    if (
                        other is not line
                        and other.table is line.table
                        and other.axis == line.axis
                        and [values[i] for i in other.cells] == row
                    ):
                        offer(_line_fix(case, comp, line, "copied_from_row", other))
                        break

    lower = _packing_bound(case, hard)
    best = min((p.weight for p in parts.values()), default=math.inf)
    if best > lower + _EPS:
        offer(case.repair(comp, hard))
        best = min((p.weight for p in parts.values()), default=math.inf)
    if not parts:
        return []
    # Other repairs of the same least weight, when no slip explains the component (a
    # slip comes first anyway), the best changes few cells (past that, ties are many
    # and tell little), and a set of two cells could weigh so little (every single
    # cell that could do was tried).
    known = sorted(case.weights[i] for i in comp.cells if values[i] is not None)
    first = min(parts.values(), key=_Part.rank)
    while (
        not first.slip
        and len(first.key) <= _TIE_CELLS
        and len(known) >= 2
        and best + _EPS >= known[0] + known[1]
        and sum(p.weight <= best + _EPS for p in parts.values()) < limit
    ):
        part = case.repair(comp, hard, exclude=list(parts), cap=best)
        if part is None or part.key in parts:
            break
        offer(part)
    return sorted(parts.values(), key=_Part.rank)
