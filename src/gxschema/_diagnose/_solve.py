"""A report against the constraint model: its values and weights, and the solving.

:class:`_Case` holds what diagnosis knows of one report (each cell's printed value and
tolerance, as Fractions, and its weight) and answers, for one component of the model,
which values the rules leave the cells (:meth:`_Case.solve`: bound propagation, then
linear programming when it leaves freedom) and which printed cells of least weight to
change (:meth:`_Case.minimal`: a mixed-integer programme for HiGHS).  Whether a rule
holds is the model's decision (:func:`gxschema._model.status`); which side of 0 a rule
keeps its ``lhs - rhs`` to is the rule kind's (:mod:`gxschema._rules`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import Any

from gxschema._diagnose._records import (
    Bound,
    CellChange,
    Num,
    Ranges,
    Weights,
    _contains,
    _float,
    _list_text,
    _minimal_text,
    _num,
    _out,
    _Part,
)
from gxschema._model import Component, Intervals, Model, status
from gxschema._report import Cell, Report
from gxschema._rules import RuleKind
from gxschema._values import Kind, Number

_TOTAL_DISCOUNT = 1e-4  # relative: breaks ties towards totals, never outweighs a cell
_MILP_OPTIONS: dict[str, object] = {
    "mip_rel_gap": 1e-9,
    "time_limit": 30.0,
    # Off: faster on these small models (8 against 12 ms, median of 41 models).
    "presolve": False,
    # The solver is silenced through its own option: nothing here touches the process's
    # standard output (a library must not, and other threads may be printing).  With
    # presolve off, HiGHS 1.12 never reaches the code path that prints a stray debug line
    # whatever its options say (ERGO-Code/HiGHS#2783).
    "disp": False,
}


class _Case:
    """A report against a model: its values, weights, and the searches over them."""

    def __init__(self, model: Model, report: Report, weights: Weights) -> None:
        self.model = model
        n = len(model.keys)
        self.values: list[Num | None] = [None] * n
        self.tols: list[Num] = [0] * n
        self.printed: list[int | Decimal | None] = [None] * n
        self.cells: list[Cell | None] = [None] * n
        self.intervals = Intervals.blank(model.kinds)
        for i, (t, r, c) in enumerate(model.keys):
            cell = report.cell(t, r, c)
            self.cells[i] = cell
            if cell is None:
                continue
            if isinstance(cell.value, Number):
                self.values[i] = _num(cell.value.value)
                self.tols[i] = _num(cell.value.tolerance)
                self.printed[i] = cell.value.value
                self.intervals.set(i, self.values[i], self.tols[i])
            else:
                self.intervals.present[i] = True
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

    def row_holds(self, r: int) -> bool:
        """Whether a rule over several cells holds, as the model decides it."""
        return status(self.model.ties[r], self.intervals) == "holds"

    def bound_holds(self, i: int) -> bool:
        """Whether every one-cell rule on cell ``i`` holds, as the model decides it."""
        m = self.model
        return all(status(row, self.intervals) == "holds" for row in m.bounds_of[i])

    # -- feasibility and ranges -----------------------------------------------------------

    def solve(
        self, comp: Component, assign: Mapping[int, Num], free: Iterable[int]
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
        prepared: list[tuple[list[tuple[int, int]], Num, RuleKind]] = []
        for r in comp.rows:
            row = m.ties[r]
            k: Num = row.const
            terms: list[tuple[int, int]] = []
            for i, w in row.terms:
                if i in fixed:
                    k += w * fixed[i]
                else:
                    terms.append((i, w))
            if not terms:
                if not row.kind.holds(k, k):
                    return None
            else:
                prepared.append((terms, k, row.kind))
        if not self._propagate(prepared, lo, hi):
            return None
        wanted = [i for i in lo if i in free or self.values[i] is None]
        point: dict[int, Num] = {}
        for i, a in lo.items():
            if a is None or a != hi[i]:
                return self._lp_ranges(prepared, lo, hi, wanted)
            point[i] = a
        for terms, k, kind in prepared:
            s = k
            for i, w in terms:
                s += w * point[i]
            if not kind.holds(s, s):
                return None
        return {i: (lo[i], hi[i]) for i in wanted}

    def _propagate(
        self,
        prepared: Sequence[tuple[list[tuple[int, int]], Num, RuleKind]],
        lo: dict[int, Bound],
        hi: dict[int, Bound],
    ) -> bool:
        """Tighten bounds rule by rule until nothing changes; False when infeasible."""
        kinds = self.model.kinds
        for _ in range(50):
            changed = False
            for terms, k, rule in prepared:
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
                    if rule.upper and nmin - (tmin is None) == 0:
                        rest_min = smin - (tmin or 0)
                        cap = Fraction(-rest_min, 1) / w  # w·x <= -rest_min
                        if w > 0:
                            new_hi = cap
                        else:
                            new_lo = cap
                    if rule.lower and nmax - (tmax is None) == 0:
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
        prepared: Sequence[tuple[list[tuple[int, int]], Num, RuleKind]],
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
        for terms, k, rule in prepared:
            row = [0.0] * len(order)
            for i, w in terms:
                row[pos[i]] += w
            if rule.upper and rule.lower:
                a_eq.append(row)
                b_eq.append(float(-k))
            elif rule.upper:
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
        comp: Component,
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
            row = m.ties[r]
            terms = [(pos[i], float(w)) for i, w in row.terms]
            k = float(-row.const)
            add(terms, k if row.kind.lower else -np.inf, k if row.kind.upper else np.inf)
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
        comp: Component,
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
        spec = self.model.table_of[i]
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
        comp: Component,
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
            zh, en = _minimal_text(self.where, items)
        elif extra:
            more_zh, more_en = _list_text(self.where, extra)
            zh += f"；空白单元格按规则应为：{more_zh}"
            en += f"; blank cells, as the rules require: {more_en}"
        return _Part(key, weight, kind, slip, tiebreak, tuple(items), zh, en)

    def _needed_blanks(
        self, comp: Component, ranges: Ranges, changed: Mapping[int, Num | None]
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


def _need_scipy() -> None:
    try:
        import scipy.optimize  # type: ignore[import-untyped, unused-ignore]  # noqa: F401
    except ImportError as exc:  # pragma: no cover - scipy is installed where tests run
        raise ImportError(
            "gx.diagnose needs SciPy for its solver (HiGHS): pip install 'scipy>=1.11'"
        ) from exc
