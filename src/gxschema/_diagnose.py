"""Diagnosis: which cells of a report are wrong, and what they should be.

Validation says which rules a report breaks; :func:`diagnose` says which cells to
change, and to what.  It answers as official statistics does (Fellegi–Holt error
localisation, as R's ``errorlocate`` does it): the explanation is the set of cells of
least total weight whose change makes every error-severity rule hold, found with a
mixed-integer programme (HiGHS, through :func:`scipy.optimize.milp`).  Before the
general search it recognises the slips people make when they fill in the tables (two
digits transposed, a digit dropped or doubled, a wrong sign, values swapped with the
neighbouring cell, a total left 0, a total copied from another line), as R's
``deductive`` does, and names them.

Everything is derived from the template's declared rules, never from knowledge of one
table:

* The error-severity constraints are linear relations between cells.  Those with one
  cell are bounds on it (``N.int``); the others tie cells into *components* that can
  be diagnosed apart, so a report broken in two tables gets one search per table.
* Blank and missing cells are unknowns: any admissible value, at no cost.  One is
  listed in an explanation when the rules need it to be something other than 0 (a
  blank total whose parts are not all 0); its proposed value is what they need.
* Approximate values (``19万``) may move within their interval at no cost.
* A proposed value is exact when the rules, with the other cells as printed,
  determine it; otherwise the explanation gives the range they leave.

Default weights: 1 per cell.  Among explanations of equal weight, named slips come
first and then those that change totals (a cell alone on one side of a sum rule)
rather than parts: a total is computed after its parts, by hand, and the reports seen
so far left totals at 0 (the seed's （七）总计, 洪泽区 2023's section 四).

Most reports never reach the solver: a repair by one cell, or a recognised slip, whose
weight meets a lower bound (broken rules with no cell in common each need a change of
their own) is provably least, and exact bound propagation over the rules gives the
values.  The solver is HiGHS through :func:`scipy.optimize.milp` rather than
``highspy``: the same solver, no dependency beyond SciPy, and on the seed's section 三
(161 cells) one solve took 7–15 ms through SciPy against 14–40 ms through highspy 1.16.
"""

from __future__ import annotations

import contextlib
import math
import os
import warnings
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any, TypeAlias

import attrs

from gxschema._report import Cell, Report
from gxschema._spec import TableSpec, TemplateSpec
from gxschema._values import Kind, Number

__all__ = ["CellChange", "Explanation", "Weights", "diagnose"]

Key: TypeAlias = tuple[str, str, str]  # (table, line, column)
Num: TypeAlias = int | Fraction
Bound: TypeAlias = Num | None  # None: unbounded
Weights: TypeAlias = Mapping[Key, float] | Callable[[str, str, str, Cell | None], float] | None
"""Change costs: ``{(table, line, column): weight}`` (other cells cost 1), or a function
``(table, line, column, cell) -> weight`` (``cell`` is None when the report lacks it)."""

_TOTAL_DISCOUNT = 1e-4  # relative: breaks ties towards totals, never outweighs a cell
_EPS = 1e-9
_MILP_OPTIONS: dict[str, object] = {
    "mip_rel_gap": 1e-9,
    "time_limit": 30.0,
    # Off: faster on these small models (8 against 12 ms, median of 41 models).
    "presolve": False,
    "output_flag": False,
}
_TIE_CELLS = 3  # look for other repairs of equal weight when the best changes so few

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
        kind: ``"transposition"``, ``"dropped_digit"``, ``"doubled_digit"``,
            ``"wrong_sign"``, ``"neighbour_swap"``, ``"total_left_zero"``,
            ``"copied_from_row"``, ``"total_left_blank"``, ``"blank_filled"`` or
            ``"minimal_change"``; when independent parts of the report are explained
            differently, their kinds joined by ``+``.
        reason_zh: why, in Chinese.
        reason_en: why, in English.
        changes: the cells, in document order.
    """

    weight: float
    kind: str
    reason_zh: str
    reason_en: str
    changes: tuple[CellChange, ...]


# -- the compiled model of a template ----------------------------------------------------


@attrs.frozen(eq=False)
class _Row:
    """A constraint over two or more cells: ``Σ w·cell + const  op  0``."""

    terms: tuple[tuple[int, int], ...]
    const: int
    op: str


@attrs.frozen(eq=False)
class _Component:
    """Cells the rules tie together, and those rules."""

    cells: tuple[int, ...]
    rows: tuple[int, ...]


@attrs.frozen(eq=False)
class _Line:
    """A printed line or column of a table, as cell indices."""

    table: TableSpec
    axis: str  # "row" or "column"
    id: str
    cells: tuple[int, ...]


@attrs.frozen(eq=False)
class _Model:
    """What diagnosis needs of a template, derived once from its spec."""

    spec: TemplateSpec
    keys: tuple[Key, ...]
    tables: tuple[TableSpec, ...]  # per cell
    kinds: tuple[Kind, ...]
    low: tuple[Bound, ...]  # bounds from one-cell rules
    high: tuple[Bound, ...]
    rows: tuple[_Row, ...]
    rows_of: tuple[tuple[int, ...], ...]
    component: tuple[int, ...]  # per cell
    components: tuple[_Component, ...]
    total: tuple[bool, ...]
    neighbours: tuple[tuple[int, ...], ...]
    lines: tuple[_Line, ...]
    line_of: tuple[tuple[int, int], ...]  # per cell: (row line, column line) indices


_MODELS: dict[int, tuple[TemplateSpec, _Model]] = {}


def _model(spec: TemplateSpec) -> _Model:
    cached = _MODELS.get(id(spec))
    if cached is not None and cached[0] is spec:
        return cached[1]
    keys: list[Key] = []
    tables: list[TableSpec] = []
    kinds: list[Kind] = []
    for table in spec.tables:
        for line, column in table.cells():
            keys.append((table.id, line.id, column.id))
            tables.append(table)
            kinds.append(column.kind)
    index = {k: i for i, k in enumerate(keys)}
    n = len(keys)
    low: list[Bound] = [None] * n
    high: list[Bound] = [None] * n
    rows: list[_Row] = []
    total = [False] * n
    for table in spec.tables:
        for c in table.constraints:
            if c.rule.severity != "error":
                continue
            weights, const = c.linear()
            terms = tuple((index[(table.id, r, col)], w) for (r, col), w in weights.items())
            if len(terms) == 1:
                ((i, w),) = terms
                _add_bound(low, high, i, w, const, c.op)
            elif terms:
                rows.append(_Row(terms, const, c.op))
                if c.op == "==":
                    for one, other in ((c.lhs, c.rhs), (c.rhs, c.lhs)):
                        if len(one.terms) == 1 and len(other.terms) >= 2:
                            t = one.terms[0]
                            total[index[(table.id, t.line, t.column)]] = True
    rows_of: list[list[int]] = [[] for _ in range(n)]
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r, row in enumerate(rows):
        first = find(row.terms[0][0])
        for i, _ in row.terms:
            rows_of[i].append(r)
            parent[find(i)] = first
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    component = [0] * n
    components: list[_Component] = []
    for members in groups.values():
        for i in members:
            component[i] = len(components)
        comp_rows = sorted({r for i in members for r in rows_of[i]})
        components.append(_Component(tuple(members), tuple(comp_rows)))

    neighbours: list[tuple[int, ...]] = []
    lines: list[_Line] = []
    line_of: list[tuple[int, int]] = [(0, 0)] * n
    for table in spec.tables:
        grid = [[index[(table.id, ln.id, col.id)] for col in table.columns] for ln in table.lines]
        for a, ln in enumerate(table.lines):
            lines.append(_Line(table, "row", ln.id, tuple(grid[a])))
        for b, col in enumerate(table.columns):
            lines.append(_Line(table, "column", col.id, tuple(g[b] for g in grid)))
        base = len(lines) - len(table.lines) - len(table.columns)
        for a, cells in enumerate(grid):
            for b, i in enumerate(cells):
                near = [
                    grid[a2][b2]
                    for a2, b2 in ((a, b - 1), (a, b + 1), (a - 1, b), (a + 1, b))
                    if 0 <= a2 < len(grid) and 0 <= b2 < len(cells)
                ]
                neighbours.append(tuple(near))
                line_of[i] = (base + a, base + len(table.lines) + b)
    model = _Model(
        spec=spec,
        keys=tuple(keys),
        tables=tuple(tables),
        kinds=tuple(kinds),
        low=tuple(low),
        high=tuple(high),
        rows=tuple(rows),
        rows_of=tuple(tuple(r) for r in rows_of),
        component=tuple(component),
        components=tuple(components),
        total=tuple(total),
        neighbours=tuple(neighbours),
        lines=tuple(lines),
        line_of=tuple(line_of),
    )
    _MODELS[id(spec)] = (spec, model)
    return model


def _add_bound(low: list[Bound], high: list[Bound], i: int, w: int, const: int, op: str) -> None:
    """Record ``w·x + const op 0`` as a bound on x."""
    edge = Fraction(-const, w)
    lower = op == "==" or (op == ">=") == (w > 0)
    upper = op == "==" or (op == "<=") == (w > 0)
    if lower:
        cur = low[i]
        low[i] = edge if cur is None else max(cur, edge)
    if upper:
        cur = high[i]
        high[i] = edge if cur is None else min(cur, edge)


# -- numbers ------------------------------------------------------------------------------


def _num(x: int | Decimal) -> Num:
    return Fraction(x) if isinstance(x, Decimal) else x


def _holds(op: str, lo: Num, hi: Num) -> bool:
    """Whether ``lhs - rhs`` in [lo, hi] can satisfy ``op``."""
    if op == "==":
        return lo <= 0 <= hi
    if op == "<=":
        return lo <= 0
    return hi >= 0


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


# -- one report ----------------------------------------------------------------------------


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

    def rank(self) -> tuple[float, int, float, int]:
        return (round(self.weight, 9), 0 if self.slip else 1, self.tiebreak, len(self.key))


Ranges: TypeAlias = dict[int, tuple[Bound, Bound]]


class _Case:
    """A report against a model: its values, weights, and the searches over them."""

    def __init__(self, model: _Model, report: Report, weights: Weights) -> None:
        self.model = model
        n = len(model.keys)
        self.values: list[Num | None] = [None] * n
        self.tols: list[Num] = [0] * n
        self.printed: list[int | Decimal | None] = [None] * n
        self.cells: list[Cell | None] = [None] * n
        for i, (t, r, c) in enumerate(model.keys):
            cell = report.cell(t, r, c)
            self.cells[i] = cell
            if cell is not None and isinstance(cell.value, Number):
                self.values[i] = _num(cell.value.value)
                self.tols[i] = _num(cell.value.tolerance)
                self.printed[i] = cell.value.value
        self.weights = [self._weight(i, weights) for i in range(n)]

    def _weight(self, i: int, weights: Weights) -> float:
        if weights is None:
            return 1.0
        key = self.model.keys[i]
        w = weights(*key, self.cells[i]) if callable(weights) else weights.get(key, 1.0)
        w = float(w)
        if not math.isfinite(w) or w <= 0:
            raise ValueError(f"the weight of cell {key} must be a positive number, not {w!r}")
        return w

    def known(self, i: int) -> Num:
        """The printed value of a cell that is not blank or missing."""
        v = self.values[i]
        assert v is not None
        return v

    def cost(self, i: int) -> float:
        """The objective's cost of changing cell i (totals a little cheaper, for ties)."""
        return self.weights[i] * (1 - _TOTAL_DISCOUNT * self.model.total[i])

    # -- exact evaluation ----------------------------------------------------------------

    def interval(self, i: int) -> tuple[Num, Num]:
        v = self.values[i]
        if v is None:
            return 0, 0
        t = self.tols[i]
        return v - t, v + t

    def row_holds(self, r: int) -> bool:
        """Whether a rule holds with blank and missing cells counted as 0."""
        row = self.model.rows[r]
        lo: Num = row.const
        hi: Num = row.const
        for i, w in row.terms:
            a, b = self.interval(i)
            if w > 0:
                lo, hi = lo + w * a, hi + w * b
            else:
                lo, hi = lo + w * b, hi + w * a
        return _holds(row.op, lo, hi)

    def bound_holds(self, i: int) -> bool:
        a, b = self.interval(i)
        lo, hi = self.model.low[i], self.model.high[i]
        return (lo is None or b >= lo) and (hi is None or a <= hi)

    # -- feasibility and ranges -----------------------------------------------------------

    def solve(
        self, comp: _Component, assign: Mapping[int, Num], free: Iterable[int]
    ) -> Ranges | None:
        """The range of each free and unknown cell of a component, or None if infeasible.

        Cells in ``assign`` take those values; ``free`` cells and blank or missing ones
        may take any admissible value; approximate ones stay in their interval; the
        others keep their printed values.
        """
        m = self.model
        free = set(free)
        fixed: dict[int, Num] = {}
        lo: dict[int, Bound] = {}
        hi: dict[int, Bound] = {}
        for i in comp.cells:
            v = self.values[i]
            if i in assign:
                fixed[i] = assign[i]
            elif i in free or v is None or self.tols[i]:
                a, b = m.low[i], m.high[i]
                if i not in free and v is not None:
                    t = self.tols[i]
                    a = v - t if a is None else max(a, v - t)
                    b = v + t if b is None else min(b, v + t)
                lo[i], hi[i] = a, b
            else:
                fixed[i] = v
        for i, x in fixed.items():
            a, b = m.low[i], m.high[i]
            if (a is not None and x < a) or (b is not None and x > b):
                return None
        prepared: list[tuple[list[tuple[int, int]], Num, str]] = []
        for r in comp.rows:
            row = m.rows[r]
            k: Num = row.const
            terms: list[tuple[int, int]] = []
            for i, w in row.terms:
                if i in fixed:
                    k += w * fixed[i]
                else:
                    terms.append((i, w))
            if not terms:
                if not _holds(row.op, k, k):
                    return None
            else:
                prepared.append((terms, k, row.op))
        if not self._propagate(prepared, lo, hi):
            return None
        wanted = [i for i in lo if i in free or self.values[i] is None]
        point: dict[int, Num] = {}
        for i, a in lo.items():
            if a is None or a != hi[i]:
                return self._lp_ranges(prepared, lo, hi, wanted)
            point[i] = a
        for terms, k, op in prepared:
            s = k
            for i, w in terms:
                s += w * point[i]
            if not _holds(op, s, s):
                return None
        return {i: (lo[i], hi[i]) for i in wanted}

    def _propagate(
        self,
        prepared: Sequence[tuple[list[tuple[int, int]], Num, str]],
        lo: dict[int, Bound],
        hi: dict[int, Bound],
    ) -> bool:
        """Tighten bounds rule by rule until nothing changes; False when infeasible."""
        kinds = self.model.kinds
        for _ in range(50):
            changed = False
            for terms, k, op in prepared:
                # The least and greatest value of Σ w·x, counting unbounded terms apart.
                smin: Num = k
                smax: Num = k
                nmin = nmax = 0
                mins: list[Bound] = []
                maxs: list[Bound] = []
                for i, w in terms:
                    a, b = (lo[i], hi[i]) if w > 0 else (hi[i], lo[i])
                    tmin = None if a is None else w * a
                    tmax = None if b is None else w * b
                    mins.append(tmin)
                    maxs.append(tmax)
                    if tmin is None:
                        nmin += 1
                    else:
                        smin += tmin
                    if tmax is None:
                        nmax += 1
                    else:
                        smax += tmax
                for (i, w), tmin, tmax in zip(terms, mins, maxs, strict=True):
                    # rest = Σ of the other terms; the rule bounds w·x by -rest.
                    new_lo: Bound = None
                    new_hi: Bound = None
                    if op in ("==", "<=") and nmin - (tmin is None) == 0:
                        rest_min = smin - (tmin or 0)
                        cap = Fraction(-rest_min, 1) / w  # w·x <= -rest_min
                        if w > 0:
                            new_hi = cap
                        else:
                            new_lo = cap
                    if op in ("==", ">=") and nmax - (tmax is None) == 0:
                        rest_max = smax - (tmax or 0)
                        floor_ = Fraction(-rest_max, 1) / w  # w·x >= -rest_max
                        if w > 0:
                            new_lo = floor_ if new_lo is None else max(new_lo, floor_)
                        else:
                            new_hi = floor_ if new_hi is None else min(new_hi, floor_)
                    whole = kinds[i] is not Kind.MONEY
                    if new_lo is not None:
                        if whole:
                            new_lo = math.ceil(new_lo)
                        elif new_lo.denominator == 1:
                            new_lo = int(new_lo)
                        cur = lo[i]
                        if cur is None or new_lo > cur:
                            lo[i] = new_lo
                            changed = True
                    if new_hi is not None:
                        if whole:
                            new_hi = math.floor(new_hi)
                        elif new_hi.denominator == 1:
                            new_hi = int(new_hi)
                        cur = hi[i]
                        if cur is None or new_hi < cur:
                            hi[i] = new_hi
                            changed = True
                    a, b = lo[i], hi[i]
                    if a is not None and b is not None and a > b:
                        return False
            if not changed:
                break
        return True

    def _lp_ranges(
        self,
        prepared: Sequence[tuple[list[tuple[int, int]], Num, str]],
        lo: dict[int, Bound],
        hi: dict[int, Bound],
        wanted: Sequence[int],
    ) -> Ranges | None:
        """Exact-enough ranges by linear programming, when propagation leaves freedom."""
        _need_scipy()
        import numpy as np
        from scipy.optimize import linprog  # type: ignore[import-untyped, unused-ignore]

        order = list(lo)
        pos = {i: p for p, i in enumerate(order)}
        a_ub: list[list[float]] = []
        b_ub: list[float] = []
        a_eq: list[list[float]] = []
        b_eq: list[float] = []
        for terms, k, op in prepared:
            row = [0.0] * len(order)
            for i, w in terms:
                row[pos[i]] += w
            if op == "==":
                a_eq.append(row)
                b_eq.append(float(-k))
            elif op == "<=":
                a_ub.append(row)
                b_ub.append(float(-k))
            else:
                a_ub.append([-x for x in row])
                b_ub.append(float(k))
        bounds = [(_float(lo[i]), _float(hi[i])) for i in order]

        def run(cost: Any) -> Any:
            return linprog(
                cost,
                A_ub=np.array(a_ub) if a_ub else None,
                b_ub=np.array(b_ub) if b_ub else None,
                A_eq=np.array(a_eq) if a_eq else None,
                b_eq=np.array(b_eq) if b_eq else None,
                bounds=bounds,
                method="highs",
            )

        out: Ranges = {}
        checked = False
        for i in wanted:
            a, b = lo[i], hi[i]
            if a is not None and a == b:
                out[i] = (a, b)
                continue
            ends: list[float | None] = []
            for sign in (1.0, -1.0):
                cost = np.zeros(len(order))
                cost[pos[i]] = sign
                res = run(cost)
                if res.status == 2:
                    return None
                checked = True
                ends.append(None if res.status == 3 else sign * float(res.fun))
            out[i] = self._rounded(i, ends[0], ends[1])
            x, y = out[i]
            if x is not None and y is not None and x > y:
                return None
        if not checked:
            res = run(np.zeros(len(order)))
            if res.status == 2:
                return None
        return out

    def _rounded(self, i: int, a: float | None, b: float | None) -> tuple[Bound, Bound]:
        if self.model.kinds[i] is not Kind.MONEY:
            return (
                None if a is None else math.ceil(a - 1e-6),
                None if b is None else math.floor(b + 1e-6),
            )
        return (
            None if a is None else Fraction(round(a, 6)).limit_denominator(10**6),
            None if b is None else Fraction(round(b, 6)).limit_denominator(10**6),
        )

    # -- the minimal change ---------------------------------------------------------------

    def minimal(
        self,
        comp: _Component,
        hard: Sequence[frozenset[int]] = (),
        exclude: Sequence[frozenset[int]] = (),
        cap: float | None = None,
        integral: bool = False,
    ) -> tuple[frozenset[int], frozenset[int]] | None:
        """The printed cells of least total weight whose change repairs a component.

        Args:
            comp: the component.
            hard: sets of printed cells of which each repair changes at least one (the
                cells of a broken rule with no unknown cell); not needed for the
                answer, they tighten the relaxation a great deal.
            exclude: change sets found already; neither they nor their supersets are
                returned.
            cap: the greatest total weight to accept.
            integral: make whole-number cells integer variables (the first try leaves
                them continuous, which the sum rules almost always make integral anyway;
                the answer is checked exactly either way).

        Returns:
            The cells the solver chose to change, and those whose continuous value it
            moved within its integrality tolerance without choosing them (empty but
            for numerical slack); None when no change within the cap repairs it.
        """
        _need_scipy()
        import numpy as np
        from scipy.optimize import (  # type: ignore[import-untyped, unused-ignore]
            Bounds,
            LinearConstraint,
            milp,
        )
        from scipy.sparse import coo_matrix  # type: ignore[import-untyped, unused-ignore]

        m = self.model
        cells = comp.cells
        pos = {c: p for p, c in enumerate(cells)}
        known = [c for c in cells if self.values[c] is not None]
        zpos = {c: len(cells) + p for p, c in enumerate(known)}
        nvar = len(cells) + len(known)
        value = {c: float(self.known(c)) for c in known}
        scale = sum(abs(value[c]) + float(self.tols[c]) for c in known)
        # No repaired value is assumed to exceed ten times everything printed in the
        # component: a loose bound, which the deviation rows below tighten per cell.
        big = 10 * scale + 1000
        lb = np.zeros(nvar)
        ub = np.ones(nvar)
        for c in cells:
            a, b = m.low[c], m.high[c]
            lb[pos[c]] = -big if a is None else max(float(a), -big)
            ub[pos[c]] = big if b is None else min(float(b), big)
        data: list[float] = []
        ri: list[int] = []
        ci: list[int] = []
        rlo: list[float] = []
        rhi: list[float] = []

        def add(terms: Iterable[tuple[int, float]], low: float, high: float) -> None:
            r = len(rlo)
            for col, w in terms:
                ri.append(r)
                ci.append(col)
                data.append(w)
            rlo.append(low)
            rhi.append(high)

        for r in comp.rows:
            row = m.rows[r]
            terms = [(pos[i], float(w)) for i, w in row.terms]
            k = float(-row.const)
            add(terms, k if row.op != "<=" else -np.inf, k if row.op != ">=" else np.inf)
        for c in known:
            v = value[c]
            t = float(self.tols[c])
            # x - v <= t + up·z and v - x <= t + down·z: each M as small as the bounds allow.
            up = ub[pos[c]] - v - t
            down = v - t - lb[pos[c]]
            add([(pos[c], 1.0), (zpos[c], -max(up, 0.0))], -np.inf, v + t)
            add([(pos[c], 1.0), (zpos[c], max(down, 0.0))], v - t, np.inf)
        for h in hard:
            add([(zpos[c], 1.0) for c in h], 1.0, np.inf)
        for s in exclude:
            if s:
                add([(zpos[c], 1.0) for c in s], -np.inf, len(s) - 1)
        if cap is not None:
            add([(zpos[c], self.weights[c]) for c in known], -np.inf, cap + 1e-6)
        cost = np.zeros(nvar)
        integrality = np.zeros(nvar)
        for c in known:
            cost[zpos[c]] = self.cost(c)
            integrality[zpos[c]] = 1
        if integral:
            for c in cells:
                if m.kinds[c] is not Kind.MONEY:
                    integrality[pos[c]] = 1
        matrix = coo_matrix((data, (ri, ci)), shape=(len(rlo), nvar)).tocsr()
        with warnings.catch_warnings(), _stdout_silenced():
            # SciPy passes the options it does not know on to HiGHS, with a warning.
            warnings.simplefilter("ignore", RuntimeWarning)
            res = milp(
                cost,
                constraints=LinearConstraint(matrix, rlo, rhi),
                integrality=integrality,
                bounds=Bounds(lb, ub),
                options=dict(_MILP_OPTIONS),
            )
        if res.x is None:
            return None
        x = res.x
        chosen = frozenset(c for c in known if x[zpos[c]] > 0.5)
        moved = frozenset(
            c for c in known if abs(x[pos[c]] - value[c]) > float(self.tols[c]) + 1e-6
        )
        return chosen, moved - chosen

    def repair(
        self,
        comp: _Component,
        hard: Sequence[frozenset[int]],
        exclude: Sequence[frozenset[int]] = (),
        cap: float | None = None,
    ) -> _Part | None:
        """The least repair :meth:`minimal` finds, checked exactly and written up.

        When the cells the solver chose cannot repair the component exactly (it leaned
        on its tolerances), whole-number cells are made integer variables; failing
        that, the cells it moved are changed too: a repair, if not provably least.
        """
        found = self.minimal(comp, hard, exclude, cap)
        if found is None:
            return None
        part = self.part(comp, dict.fromkeys(found[0]), "minimal_change")
        if part is not None:
            return part
        again = self.minimal(comp, hard, exclude, cap, integral=True) or found
        part = self.part(comp, dict.fromkeys(again[0]), "minimal_change")
        if part is not None:
            return part
        return self.part(comp, dict.fromkeys(again[0] | again[1]), "minimal_change")

    # -- writing explanations up -------------------------------------------------------------

    def where(self, i: int) -> str:
        _, line, column = self.model.keys[i]
        spec = self.model.tables[i]
        return f"{spec.label} · {spec.line(line).label} · {spec.column(column).label}"

    def change(self, i: int, rng: tuple[Bound, Bound], point: Num | None = None) -> CellChange:
        kind = self.model.kinds[i]
        a, b = rng
        if point is None and a is not None and a == b:
            point = a
        table, line, column = self.model.keys[i]
        return CellChange(
            table=table,
            line_id=line,
            column_id=column,
            value=self.printed[i],
            proposed=_out(point, kind),
            low=_out(a, kind),
            high=_out(b, kind),
        )

    def part(
        self,
        comp: _Component,
        changed: Mapping[int, Num | None],
        kind: str,
        zh: str = "",
        en: str = "",
        mentioned: Iterable[int] = (),
    ) -> _Part | None:
        """Write up a set of changes (cell → value, or None to give the range only).

        The ranges are those the rules leave each changed cell while the others keep
        their printed values; blank cells the rules need to be non-zero are added, and
        named in the reason unless it ``mentioned`` them already.  Returns None when
        the changes do not repair the component.
        """
        ranges = self.solve(comp, {}, changed)
        if ranges is None:
            return None
        if any(v is not None for v in changed.values()):
            fixed = {i: v for i, v in changed.items() if v is not None}
            if self.solve(comp, fixed, [i for i, v in changed.items() if v is None]) is None:
                return None
        blanks = self._needed_blanks(comp, ranges, changed)
        items: list[tuple[int, CellChange]] = []
        for i in sorted({*changed, *blanks}):
            point = changed.get(i)
            items.append((i, self.change(i, ranges[i], point)))
        key = frozenset(changed)
        weight = sum(self.weights[i] for i in key)
        tiebreak = sum(self.cost(i) for i in key)
        slip = kind not in ("minimal_change", "blank_filled")
        told = key | set(mentioned)
        extra = [(i, c) for i, c in items if i not in told]
        if not zh:
            zh, en = _minimal_text(self, items)
        elif extra:
            more_zh, more_en = _list_text(self, extra)
            zh += f"；空白单元格按规则应为：{more_zh}"
            en += f"; blank cells, as the rules require: {more_en}"
        return _Part(key, weight, kind, slip, tiebreak, tuple(items), zh, en)

    def _needed_blanks(
        self, comp: _Component, ranges: Ranges, changed: Mapping[int, Num | None]
    ) -> set[int]:
        """Blank cells to list: those the rules need non-zero.

        When leaving the others 0 would break a rule, every blank not forced to 0.
        """
        blanks = [i for i in ranges if i not in changed and self.values[i] is None]
        if not blanks:
            return set()
        needed = {i for i in blanks if not _contains(ranges[i], 0)}
        rest = {i: 0 for i in blanks if i not in needed}
        fixed = {i: v for i, v in changed.items() if v is not None}
        others = [i for i, v in changed.items() if v is None]
        if not rest or self.solve(comp, {**fixed, **rest}, [*others, *needed]) is not None:
            return needed
        return {i for i in blanks if ranges[i] != (0, 0)}


@contextlib.contextmanager
def _stdout_silenced() -> Iterator[None]:
    """Point file descriptor 1 at the null device for the duration.

    HiGHS 1.12 (the one SciPy 1.17 bundles) prints a stray debug line straight to
    standard output when it repairs a solution of its presolved model
    (ERGO-Code/HiGHS#2783), whatever ``output_flag`` says; that would corrupt the
    command line's JSON.  Python's own ``sys.stdout`` is untouched.
    """
    try:
        saved = os.dup(1)
    except OSError:  # no descriptor 1: nothing to protect
        yield
        return
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, 1)
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(null)


def _need_scipy() -> None:
    try:
        import scipy.optimize  # type: ignore[import-untyped, unused-ignore]  # noqa: F401
    except ImportError as exc:  # pragma: no cover - scipy is installed where tests run
        raise ImportError(
            "gx.diagnose needs SciPy for its solver (HiGHS): pip install 'scipy>=1.11'"
        ) from exc


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


def _list_text(case: _Case, items: Sequence[tuple[int, CellChange]]) -> tuple[str, str]:
    zh: list[str] = []
    en: list[str] = []
    for i, c in items:
        was_zh = "空白" if c.value is None else _fmt(c.value)
        was_en = "blank" if c.value is None else _fmt(c.value)
        zh.append(f"{case.where(i)} {was_zh} → {_value_text(c, True)}")
        en.append(f"{case.where(i)} {was_en} → {_value_text(c, False)}")
    return "；".join(zh), "; ".join(en)


def _minimal_text(case: _Case, items: Sequence[tuple[int, CellChange]]) -> tuple[str, str]:
    zh, en = _list_text(case, items)
    printed = sum(1 for _, c in items if c.value is not None)
    if not printed:
        return f"空白单元格按规则应为：{zh}", f"Blank cells, as the rules require: {en}"
    return (
        f"改动 {printed} 个单元格即可使所有规则成立：{zh}",
        f"Changing {printed} cell{'s' if printed > 1 else ''} makes every rule hold: {en}",
    )


# -- recognising slips ------------------------------------------------------------------------


def _digit_slips(n: int) -> Iterable[tuple[str, int]]:
    """The values ``n`` could be a slip of, with the kind of slip."""
    sign = -1 if n < 0 else 1
    digits = str(abs(n))
    for j in range(len(digits) - 1):
        if digits[j] != digits[j + 1]:
            s = digits[:j] + digits[j + 1] + digits[j] + digits[j + 2 :]
            if s[0] != "0":
                yield "transposition", sign * int(s)
    for j in range(len(digits) - 1):
        if digits[j] == digits[j + 1]:
            yield "doubled_digit", sign * int(digits[:j] + digits[j + 1 :])
    for j in range(len(digits) + 1):
        for d in "0123456789":
            s = digits[:j] + d + digits[j:]
            if s[0] != "0" and s != digits:
                yield "dropped_digit", sign * int(s)


_SLIP_TEXT = {
    "transposition": ("{where}：{n} 疑为 {r} 的相邻两位数字颠倒", "{where}: {n} looks like {r} "
                      "with two adjacent digits transposed"),
    "doubled_digit": ("{where}：{n} 疑为 {r} 多写了一位重复数字", "{where}: {n} looks like {r} "
                      "with a digit doubled"),
    "dropped_digit": ("{where}：{n} 疑为 {r} 漏写了一位数字", "{where}: {n} looks like {r} "
                      "with a digit dropped"),
    "wrong_sign": ("{where}：{n} 的符号写反了，应为 {r}", "{where}: {n} has the wrong sign; "
                   "it should be {r}"),
    "total_left_zero": ("{where}：合计数填成了 0，按规则应为 {r}", "{where}: the total was left "
                        "0; the rules make it {r}"),
    "copied_from_row": ("{where}：{n} 与「{other}」同一栏的数相同，疑为照抄，按规则应为 {r}",
                        "{where}: {n} is the value of the same column in 「{other}」, copied "
                        "by mistake; the rules make it {r}"),
}  # fmt: skip


def _single(case: _Case, comp: _Component, i: int) -> _Part | None:
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
    spec = m.tables[i]
    fields = {
        "where": case.where(i),
        "n": _fmt(case.printed[i]),
        "r": _fmt(_out(value, m.kinds[i])),
        "other": spec.line(m.keys[other][1]).label if other is not None else "",
    }
    zh, en = _SLIP_TEXT[kind]
    return case.part(comp, {i: value}, kind, zh.format(**fields), en.format(**fields))


def _classify(case: _Case, i: int, rng: tuple[Bound, Bound]) -> tuple[str, Num | None, int | None]:
    m = case.model
    v = case.values[i]
    if case.tols[i] or m.kinds[i] is Kind.MONEY or not isinstance(v, int):
        return "minimal_change", None, None
    a, b = rng
    point = a if a is not None and a == b else None
    if v != 0 and _contains(rng, -v):
        return "wrong_sign", -v, None
    if point is None:
        return "minimal_change", None, None
    if v == 0 and m.total[i]:
        return "total_left_zero", point, None
    for kind, x in _digit_slips(v):
        if x == point:
            return kind, point, None
    if v != 0 and m.total[i]:
        column_line = m.lines[m.line_of[i][1]]
        here = column_line.cells.index(i)
        others = sorted((abs(p - here), j) for p, j in enumerate(column_line.cells) if p != here)
        for _, j in others:
            if case.values[j] == v and case.tols[j] == 0:
                return "copied_from_row", point, j
    return "minimal_change", None, None


def _swap(case: _Case, comp: _Component, i: int, j: int) -> _Part | None:
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
    return case.part(
        comp,
        {i: vj, j: vi},
        "neighbour_swap",
        "{a}（{x}）与 {b}（{y}）的数值疑似填反了".format(**fields),
        "{a} ({x}) and {b} ({y}) look swapped".format(**fields),
    )


def _line_fix(
    case: _Case, comp: _Component, line: _Line, kind: str, other: _Line | None
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
            case.model.tables[i].line(case.model.keys[i][1]).label
            if line.axis == "column"
            else case.model.tables[i].column(case.model.keys[i][2]).label
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
    zh = "；".join(
        f"{case.where(i)}：合计数留空，按规则应为 {_fmt(c.proposed)}" for i, c in filled.changes
    )
    en = "; ".join(
        f"{case.where(i)}: the total was left blank; the rules make it {_fmt(c.proposed)}"
        for i, c in filled.changes
    )
    return attrs.evolve(filled, kind="total_left_blank", slip=True, zh=zh, en=en)


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
        frozenset(i for i, _ in m.rows[r].terms)
        for r in broken
        if all(values[i] is not None for i, _ in m.rows[r].terms)
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


# -- the entry point --------------------------------------------------------------------------


def _spec_for(report: Report, template: TemplateSpec | None) -> TemplateSpec:
    if template is not None:
        return template
    from gxschema.templates import get

    return get(report.template)


def _explanation(combo: Sequence[_Part]) -> Explanation:
    kinds: list[str] = []
    for p in combo:
        if p.kind not in kinds:
            kinds.append(p.kind)
    items = sorted((i, c) for p in combo for i, c in p.changes)
    return Explanation(
        weight=sum(p.weight for p in combo),
        kind="+".join(kinds),
        reason_zh="；".join(p.zh for p in combo),
        reason_en="; ".join(p.en for p in combo),
        changes=tuple(c for _, c in items),
    )


def diagnose(
    report: Report,
    *,
    template: TemplateSpec | None = None,
    weights: Weights = None,
    limit: int = 3,
) -> list[Explanation]:
    """Say which cells to change, and to what, so that every error-severity rule holds.

    Each explanation is a complete repair: applying all its changes makes every
    error-severity rule of the template hold (blank and missing cells taking the values
    it proposes, or any in its ranges).  The best comes first: the least total weight,
    then recognised slips before other changes, then changes to totals before changes
    to parts.  Parts of the report that no rule ties together are repaired apart, and an
    explanation combines the best repair of each.

    Args:
        report: the report.
        template: the spec to diagnose against (default: the registered template named
            by ``report.template``).
        weights: what changing each printed cell costs: a mapping from
            ``(table, line, column)`` (other cells cost 1), or a function of
            ``(table, line, column, cell)``.  Make a cell costly to keep it, cheap to
            suspect it first (approximate values, say).  Blank and missing cells are
            unknowns and cost nothing.
        limit: at most this many explanations.

    Returns:
        The explanations, best first; empty when every error-severity rule holds with
        blank cells read as 0.

    Raises:
        KeyError: the report's template is not registered and none was given.
        ValueError: a weight is not a positive number, or ``limit`` is below 1.
    """
    if limit < 1:
        raise ValueError(f"limit must be at least 1, not {limit!r}")
    model = _model(_spec_for(report, template))
    case = _Case(model, report, weights)
    per: list[list[_Part]] = []
    for index in range(len(model.components)):
        parts = _component_parts(case, index, limit)
        if parts:
            per.append(parts[:limit])
    if not per:
        return []
    best = [parts[0] for parts in per]
    combos: list[list[_Part]] = [best]
    for k, parts in enumerate(per):
        for alt in parts[1:]:
            combos.append([*best[:k], alt, *best[k + 1 :]])

    def rank(combo: Sequence[_Part]) -> tuple[float, int, float]:
        return (
            round(sum(p.weight for p in combo), 9),
            0 if all(p.slip for p in combo) else 1,
            sum(p.tiebreak for p in combo),
        )

    combos.sort(key=rank)
    return [_explanation(c) for c in combos[:limit]]
