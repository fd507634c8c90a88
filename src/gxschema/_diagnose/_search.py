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
from gxschema._model import Component
from gxschema._slips import DIGIT_SLIPS, SLIPS, Place
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
    fields = {
        "where": case.where(i),
        "n": _fmt(case.printed[i]),
        "r": _fmt(_out(value, m.kinds[i])),
        "other": m.table_of[other].line(m.keys[other][1]).label if other is not None else "",
    }
    zh, en = SLIPS[kind].reason(fields)
    return case.part(comp, {i: value}, kind, zh, en)


def _at(case: _Case, name: str, cells: tuple[int, ...]) -> bool:
    """Whether the registry's slip ``name`` can happen at exactly these cells."""
    return any(p.cells == cells for p in SLIPS[name].places(case.model, cells[0]))


def _classify(case: _Case, i: int, rng: tuple[Bound, Bound]) -> tuple[str, Num | None, int | None]:
    m = case.model
    v = case.values[i]
    a, b = rng
    point = a if a is not None and a == b else None
    miscount = ("miscount", point, None) if point is not None else ("minimal_change", None, None)
    if case.tols[i] or m.kinds[i] is Kind.MONEY or not isinstance(v, int):
        return miscount
    negated = SLIPS["wrong_sign"]
    if _contains(rng, -v) and _at(case, "wrong_sign", (i,)) and negated.recognise((v,), (-v,)):
        return "wrong_sign", -v, None
    if point is None or Fraction(point).denominator != 1:
        return miscount
    whole = int(point)
    if _at(case, "total_left_zero", (i,)) and SLIPS["total_left_zero"].recognise((v,), (whole,)):
        return "total_left_zero", point, None
    for slip in DIGIT_SLIPS:
        if slip.recognise((v,), (whole,)):
            return slip.name, point, None
    copied = SLIPS["copied_from_row"]
    for place in copied.places(m, i):
        if place.line is not None:
            continue
        j = place.cells[1]
        vj = case.values[j]
        if isinstance(vj, int) and case.tols[j] == 0 and copied.recognise((v, vj), (whole, vj)):
            return "copied_from_row", point, j
    return miscount


def _swap(case: _Case, comp: Component, i: int, j: int) -> _Part | None:
    vi, vj = case.values[i], case.values[j]
    if vi is None or vj is None or vi == vj or case.tols[i] or case.tols[j]:
        return None
    if not _at(case, "neighbour_swap", (i, j)):
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
    zh, en = slip.reason(fields)
    return case.part(comp, {i: vj, j: vi}, slip.name, zh, en)


def _line_fix(case: _Case, comp: Component, place: Place, kind: str) -> _Part | None:
    """A whole printed line or column as the slip ``kind`` made it, when the rules fix it."""
    line = place.line
    assert line is not None
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
    slip = SLIPS[kind]
    source = place.cells[len(line.cells) :]
    observed = tuple(case.values[i] for i in place.cells)
    proposed = tuple(points[i] for i in line.cells) + tuple(case.values[i] for i in source)
    if not slip.recognise(observed, proposed):  # type: ignore[arg-type]
        return None
    m = case.model
    fills = {i: x for i, x in points.items() if x != 0 or i in changed}
    listing = [
        (
            m.table_of[i].line(m.keys[i][1]).label
            if line.axis == "column"
            else m.table_of[i].column(m.keys[i][2]).label,
            _fmt(_out(x, m.kinds[i])),
        )
        for i, x in sorted(fills.items())
    ]
    fields = {
        "where": f"{line.table.label} · {line.label}",
        "other": place.source.label if place.source is not None else "",
    }
    zh, en = slip.reason(fields, line=line, listing=listing)
    return case.part(comp, changed, kind, zh, en, mentioned=fills)


def _blank_fill(case: _Case, filled: _Part) -> _Part:
    """Name a fill of blank cells as totals, or cells, left blank, when that is all it is."""
    if not filled.changes or any(c.proposed is None for _, c in filled.changes):
        return filled
    totals = all(_at(case, "total_left_blank", (i,)) for i, _ in filled.changes)
    slip = SLIPS["total_left_blank" if totals else "left_blank"]
    texts = [
        slip.reason({"where": case.where(i), "r": _fmt(c.proposed)}) for i, c in filled.changes
    ]
    zh = "；".join(z for z, _ in texts)
    en = "; ".join(e for _, e in texts)
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
            return [_blank_fill(case, filled)]

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
        seen: set[tuple[int, ...]] = set()
        for name in ("total_left_zero", "copied_from_row"):
            for i in suspects:
                for place in SLIPS[name].places(m, i):
                    line = place.line
                    if line is None or place.cells in seen:
                        continue
                    seen.add(place.cells)
                    cells = line.cells
                    if any(m.component[k] != index for k in cells):
                        continue
                    if not covers(cells) or any(case.tols[k] for k in place.cells):
                        continue
                    row = [values[k] for k in cells]
                    if name == "total_left_zero":
                        fits = all(v is None or v == 0 for v in row)
                    else:
                        fits = row == [values[k] for k in place.cells[len(cells) :]]
                    if fits:
                        offer(_line_fix(case, comp, place, name))

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
