"""Hypothesis strategies for reports, derived from any template's declaration.

Consistent reports are built by construction, never by rejection.  The error-severity
rules of a template are homogeneous linear relations between cells, so its consistent
reports (with counts ≥ 0) form a cone; every non-negative integer combination of
solutions is again a solution.  :func:`_basis` finds, once per template, a solution
through every cell that can be non-zero (a small linear programme per cell, solved by
HiGHS through SciPy, rounded to exact integers and checked exactly), and
:func:`reports` draws a sparse list of ``(solution, multiplier)`` pairs and adds them
up.  Shrinking drops pairs and lowers multipliers, so a failing example shrinks to a
report of zeros with a single solution in it.

:func:`broken_reports` perturbs a consistent report the ways real reports go wrong and
works out, from the perturbed values and the rules alone (never by calling
:func:`gxschema.validate`), exactly which error-severity violations the result has.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from math import lcm
from typing import Any, Literal, TypeAlias

import attrs
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from gxschema._report import Cell, Report
from gxschema._spec import Constraint, TableSpec, TemplateSpec
from gxschema._template import Template
from gxschema._validate import Status, Violation, violation_record
from gxschema._values import BLANK, PLAIN, Kind, Number, Value, render_value

__all__ = ["PERTURBATIONS", "broken_reports", "reports"]

Address: TypeAlias = tuple[str, str, str]  # (table, line, column)
Perturbation: TypeAlias = Literal["zero_line", "blank", "transpose", "neighbour", "sign", "shift"]
PERTURBATIONS: tuple[Perturbation, ...] = (
    "zero_line",
    "blank",
    "transpose",
    "neighbour",
    "sign",
    "shift",
)
"""How :func:`broken_reports` breaks a report: a line left all 0 (the seed's （七）总计),
a cell left blank, two digits transposed, a value written in the neighbouring column,
a wrong sign, a value off by some amount."""

_WAN = attrs.evolve(PLAIN, wan=True)


def _spec(template: str | Template | TemplateSpec) -> TemplateSpec:
    if isinstance(template, TemplateSpec):
        return template
    if isinstance(template, Template):
        return template.spec
    if isinstance(template, str):
        from gxschema.templates import get

        try:
            return get(template)
        except KeyError as exc:
            raise InvalidArgument(str(exc.args[0])) from None
    raise InvalidArgument(f"template must be an id, a Template or a TemplateSpec, not {template!r}")


@attrs.frozen(eq=False)
class _Basis:
    """A template's cells and a set of integer solutions that generate its consistent reports."""

    spec: TemplateSpec
    cells: tuple[Address, ...]
    kinds: tuple[Kind, ...]
    units: tuple[str | None, ...]
    rays: tuple[tuple[tuple[int, int], ...], ...]  # each: (cell index, weight) pairs
    errors: tuple[tuple[TableSpec, Constraint], ...]  # error-severity constraints


_BASES: dict[int, tuple[TemplateSpec, _Basis]] = {}


def _error_constraints(spec: TemplateSpec) -> list[tuple[TableSpec, Constraint]]:
    return [(t, c) for t in spec.tables for c in t.constraints if c.rule.severity == "error"]


def _basis(spec: TemplateSpec) -> _Basis:
    """Find, once per spec, integer solutions of the error rules through every cell."""
    cached = _BASES.get(id(spec))
    if cached is not None and cached[0] is spec:
        return cached[1]
    import numpy as np
    from scipy.optimize import linprog  # type: ignore[import-untyped, unused-ignore]

    cells: list[Address] = []
    kinds: list[Kind] = []
    units: list[str | None] = []
    for table in spec.tables:
        for line, column in table.cells():
            cells.append((table.id, line.id, column.id))
            kinds.append(column.kind)
            units.append(column.unit)
    index = {a: i for i, a in enumerate(cells)}
    errors = _error_constraints(spec)
    eq_rows: list[dict[int, int]] = []
    ub_rows: list[dict[int, int]] = []
    for table, c in errors:
        weights, const = c.linear()
        if c.rule.id == "N.int":
            continue  # the variables' bounds say the same
        if const:
            raise InvalidArgument(
                f"rule {c.rule.id!r} has a constant term; reports() builds reports from "
                "rules that relate cells only"
            )
        row = {index[(table.id, r, col)]: w for (r, col), w in weights.items()}
        if c.op == "==":
            eq_rows.append(row)
        elif c.op == "<=":
            ub_rows.append(row)
        else:
            ub_rows.append({k: -w for k, w in row.items()})
    # LP variables: one per cell (its positive part), plus a negative part per signed cell.
    signed = [i for i, k in enumerate(kinds) if k is Kind.DELTA]
    n = len(cells)
    m = n + len(signed)
    owner = list(range(n)) + signed  # the cell each LP variable belongs to
    sign = [1] * n + [-1] * len(signed)

    def matrix(rows: list[dict[int, int]]) -> Any:
        out = np.zeros((len(rows), m))
        for r, row in enumerate(rows):
            for j in range(m):
                out[r, j] = sign[j] * row.get(owner[j], 0)
        return out

    a_eq, a_ub = matrix(eq_rows), matrix(ub_rows)

    def exact_ok(ray: dict[int, int]) -> bool:
        for row in eq_rows:
            if sum(w * ray.get(i, 0) for i, w in row.items()) != 0:
                return False
        return all(sum(w * ray.get(i, 0) for i, w in row.items()) <= 0 for row in ub_rows)

    rays: list[tuple[tuple[int, int], ...]] = []
    covered: set[int] = set()
    for j in range(m):
        if sign[j] > 0 and owner[j] in covered:
            continue
        bounds: list[tuple[float, float | None]] = [(0.0, None)] * m
        bounds[j] = (1.0, 1.0)
        result = linprog(
            np.ones(m),
            A_ub=a_ub if ub_rows else None,
            b_ub=np.zeros(len(ub_rows)) if ub_rows else None,
            A_eq=a_eq if eq_rows else None,
            b_eq=np.zeros(len(eq_rows)) if eq_rows else None,
            bounds=bounds,
            method="highs",
        )
        if result.status != 0:
            continue  # this cell is 0 in every consistent report
        fractions = [Fraction(float(x)).limit_denominator(1000) for x in result.x]
        scale = lcm(*(f.denominator for f in fractions if f))
        ray: dict[int, int] = {}
        for k, f in enumerate(fractions):
            if f:
                ray[owner[k]] = ray.get(owner[k], 0) + sign[k] * int(f * scale)
        ray = {k: w for k, w in ray.items() if w}
        if ray and exact_ok(ray):
            key = tuple(sorted(ray.items()))
            if key not in rays:
                rays.append(key)
                covered.update(ray)
    basis = _Basis(
        spec=spec,
        cells=tuple(cells),
        kinds=tuple(kinds),
        units=tuple(units),
        rays=tuple(rays),
        errors=tuple(errors),
    )
    _BASES[id(spec)] = (spec, basis)
    return basis


def _check_options(max_value: int, zeros: float, blanks: float) -> None:
    if not isinstance(max_value, int) or max_value < 1:
        raise InvalidArgument(f"max_value must be a positive integer, not {max_value!r}")
    for name, share in (("zeros", zeros), ("blanks", blanks)):
        if not 0.0 <= share <= 1.0:
            raise InvalidArgument(f"{name} must be between 0 and 1, not {share!r}")


def _cell(value: Value, kind: Kind, unit: str | None) -> Cell:
    style = _WAN if isinstance(value, Number) and value.approx else PLAIN
    return Cell(value=value, raw=render_value(value, kind, unit=unit, style=style))


def _build(basis: _Basis, values: Sequence[Value]) -> Report:
    tables: dict[str, dict[str, dict[str, Cell]]] = {}
    for (table, line, column), value, kind, unit in zip(
        basis.cells, values, basis.kinds, basis.units, strict=True
    ):
        tables.setdefault(table, {}).setdefault(line, {})[column] = _cell(value, kind, unit)
    return Report(template=basis.spec.id, tables=tables)


@st.composite
def _consistent_values(
    draw: st.DrawFn,
    basis: _Basis,
    max_value: int,
    zeros: float,
    blanks: float,
    approximate: bool,
) -> list[Value]:
    counts = [0] * len(basis.cells)
    if basis.rays:
        heaviest = max(sum(abs(w) for _, w in ray) for ray in basis.rays)
        size = max(1, round(len(basis.rays) * (1.0 - zeros)))
        top = max(1, max_value // (size * heaviest))
        # A count, then that many (solution, multiplier) pairs: unlike st.lists, this
        # leaves Hypothesis nothing to discard (st.lists marks about a tenth of its
        # draws invalid), and shrinking still drops pairs from the end.
        pick = st.tuples(st.integers(0, len(basis.rays) - 1), st.integers(1, top))
        picks = [draw(pick) for _ in range(draw(st.integers(0, size)))]
        for ray, k in picks:
            for i, w in basis.rays[ray]:
                counts[i] += k * w
    blank: frozenset[int] = frozenset()
    zero_counts = [i for i, n in enumerate(counts) if n == 0 and basis.kinds[i] is not Kind.MONEY]
    if blanks and zero_counts:
        # One draw for all of them (shrinking towards none), not one per cell.
        size = max(1, round(len(zero_counts) * blanks))
        pick_cell = st.sampled_from(zero_counts)
        blank = frozenset(draw(pick_cell) for _ in range(draw(st.integers(0, size))))
    values: list[Value] = []
    for i, n in enumerate(counts):
        kind = basis.kinds[i]
        if kind is Kind.MONEY:
            cents = draw(st.integers(0, 99)) if _free(basis, i) else 0
            values.append(Number(Decimal(n) + Decimal(cents) / 100, unit=basis.units[i]))
        elif i in blank:
            values.append(BLANK)
        elif approximate and n and n % 10_000 == 0 and draw(st.booleans()):
            values.append(Number(n, tolerance=5_000))
        else:
            values.append(Number(n))
    return values


def _free(basis: _Basis, i: int) -> bool:
    """Whether a cell appears in no rule (so any value of it is consistent)."""
    table, line, column = basis.cells[i]
    for t, c in basis.errors:
        if t.id == table and c.rule.id != "N.int" and (line, column) in c.cells():
            return False
    return True


def reports(
    template: str | Template | TemplateSpec,
    *,
    consistent: bool = True,
    max_value: int = 10_000,
    zeros: float = 0.3,
    blanks: float = 0.0,
    approximate: bool = False,
) -> st.SearchStrategy[Report]:
    """Reports of any declared template, consistent by construction.

    Args:
        template: a template id, :class:`~gxschema.Template` or spec.
        consistent: when True (the default) every error-severity rule holds; when
            False every cell is drawn on its own, so rules hold only by chance.
        max_value: about the largest count a cell gets.
        zeros: roughly the share of cells left 0 (more zeros: sparser reports).
        blanks: the chance that a cell whose value is 0 is printed blank instead (a
            blank addend counts as 0, so consistency is kept).
        approximate: write some multiples of 10,000 as approximate values (``19万``,
            190000 ± 5000), which keep consistency through their tolerance.

    Returns:
        A strategy for :class:`~gxschema.Report`; every cell has a value and raw text.

    Raises:
        InvalidArgument: an option is out of range, or a rule has a constant term.
    """
    _check_options(max_value, zeros, blanks)
    spec = _spec(template)
    basis = _basis(spec)
    if consistent:
        return _consistent_values(basis, max_value, zeros, blanks, approximate).map(
            lambda values: _build(basis, values)
        )

    def cell_value(kind: Kind, unit: str | None) -> st.SearchStrategy[Value]:
        if kind is Kind.MONEY:
            return st.decimals(0, max_value, places=2).map(lambda d: Number(d, unit=unit))
        low = -max_value if kind is Kind.DELTA else 0
        return st.integers(low, max_value).map(Number)

    return st.tuples(
        *(cell_value(k, u) for k, u in zip(basis.kinds, basis.units, strict=True))
    ).map(lambda values: _build(basis, values))


# -- broken reports ---------------------------------------------------------------------


def _expected(basis: _Basis, report: Report) -> frozenset[Violation]:
    """Every error-severity violation of a report without approximate values.

    Worked out from the values and the rules directly: a side is the weighted sum of
    its cells (a blank counting 0); a rule that fails with blank cells in it is
    ``uncertain`` when some admissible value of those cells (any, for a signed cell;
    ≥ 0 otherwise) would satisfy it.
    """
    found: set[Violation] = set()
    for table, c in basis.errors:
        cells = report.tables.get(table.id, {})
        sides: list[int | Decimal] = []
        blank_weights: list[tuple[int, bool]] = []
        for sign, side in ((1, c.lhs), (-1, c.rhs)):
            total: int | Decimal = side.const
            for term in side.terms:
                value = cells[term.line][term.column].value
                if isinstance(value, Number):
                    total += term.weight * value.value
                else:
                    signed = table.column(term.column).kind is Kind.DELTA
                    blank_weights.append((sign * term.weight, signed))
            sides.append(total)
        lhs, rhs = sides
        diff = lhs - rhs
        if _holds(c.op, diff):
            continue
        if blank_weights and len(blank_weights) == len(c.lhs.terms) + len(c.rhs.terms):
            continue  # every cell blank: nothing to check (as validate treats it)
        can_raise = any(signed or w > 0 for w, signed in blank_weights)
        can_lower = any(signed or w < 0 for w, signed in blank_weights)
        fixable = (
            (c.op == "==" and ((diff < 0 and can_raise) or (diff > 0 and can_lower)))
            or (c.op == "<=" and can_lower)
            or (c.op == ">=" and can_raise)
        )
        status: Status = "uncertain" if fixable else "fail"
        found.add(violation_record(report, table, c, lhs=lhs, rhs=rhs, tolerance=0, status=status))
    return frozenset(found)


def _holds(op: str, diff: int | Decimal) -> bool:
    if op == "==":
        return diff == 0
    if op == "<=":
        return diff <= 0
    return diff >= 0


def _targets(basis: _Basis, rules: frozenset[str] | None) -> list[int]:
    """Cells that some chosen rule involves (N.int counts only when named)."""
    index = {a: i for i, a in enumerate(basis.cells)}
    out: dict[int, None] = {}
    for table, c in basis.errors:
        if rules is None and c.rule.id == "N.int":
            continue
        if rules is not None and c.rule.id not in rules:
            continue
        for line, column in c.cells():
            out.setdefault(index[(table.id, line, column)], None)
    return list(out)


def _transpose(n: int) -> int | None:
    digits = str(abs(n))
    for i in range(len(digits) - 1):
        if digits[i] != digits[i + 1]:
            swapped = digits[:i] + digits[i + 1] + digits[i] + digits[i + 2 :]
            return int(swapped) * (1 if n >= 0 else -1)
    return None


@st.composite
def _broken(
    draw: st.DrawFn,
    basis: _Basis,
    rules: frozenset[str] | None,
    perturbations: tuple[Perturbation, ...],
    options: Mapping[str, Any],
) -> tuple[Report, frozenset[Violation]]:
    values = draw(_consistent_values(basis, approximate=False, **options))
    targets = _targets(basis, rules)
    if not targets:
        raise InvalidArgument("no cell is involved in the chosen rules")
    how = draw(st.sampled_from(perturbations))
    i = targets[draw(st.integers(0, len(targets) - 1))]
    values = list(values)
    current = values[i]
    n = current.value if isinstance(current, Number) else 0
    kind = basis.kinds[i]
    table, line, _ = basis.cells[i]
    applied = False
    if how == "zero_line":
        same_line = [k for k, (t, ln, _) in enumerate(basis.cells) if (t, ln) == (table, line)]
        if any(isinstance(values[k], Number) and values[k].value for k in same_line):  # type: ignore[union-attr]
            for k in same_line:
                values[k] = Number(0) if basis.kinds[k] is not Kind.MONEY else values[k]
            applied = True
    elif how == "blank" and n:
        values[i] = BLANK
        applied = True
    elif how == "transpose" and kind is not Kind.MONEY:
        swapped = _transpose(int(n))
        if swapped is not None:
            values[i] = Number(swapped)
            applied = True
    elif how == "neighbour":
        row = [k for k, (t, ln, _) in enumerate(basis.cells) if (t, ln) == (table, line)]
        here = row.index(i)
        for there in (here + 1, here - 1):
            if 0 <= there < len(row) and values[row[there]] != values[i]:
                j = row[there]
                if basis.kinds[j] == kind:
                    values[i], values[j] = values[j], values[i]
                    applied = True
                    break
    elif how == "sign" and n and kind is not Kind.MONEY:
        values[i] = Number(-n)
        applied = True
    if not applied:
        # "shift", or a perturbation this cell cannot take: change the value by some amount.
        delta = draw(st.integers(1, 9))
        if kind is Kind.MONEY:
            values[i] = Number(Decimal(n) + delta, unit=basis.units[i])
        else:
            values[i] = Number(int(n) + delta)
    report = _build(basis, values)
    return report, _expected(basis, report)


def broken_reports(
    template: str | Template | TemplateSpec,
    *,
    rules: Iterable[str] | None = None,
    perturbations: Iterable[Perturbation] = PERTURBATIONS,
    max_value: int = 10_000,
    zeros: float = 0.3,
    blanks: float = 0.0,
) -> st.SearchStrategy[tuple[Report, frozenset[Violation]]]:
    """Reports broken in one place, with the exact set of error violations they have.

    A consistent report is drawn (as by :func:`reports`), then one perturbation from
    :data:`PERTURBATIONS` is applied to a cell that a chosen rule involves.  The
    expected violations are worked out from the perturbed values and the rules, not by
    calling :func:`gxschema.validate`, as the same records ``validate`` returns, so a
    test can compare ``set(validate(report, severity=("error",)))`` with them.  One
    perturbation can break several rules; one that happens to keep every rule (a
    change to a cell no rule constrains) yields an empty set, never a false claim.

    Args:
        template: a template id, :class:`~gxschema.Template` or spec.
        rules: ids of the rules whose cells may be perturbed (default: every
            error-severity rule except the per-cell N.int).
        perturbations: which kinds of damage to draw from.
        max_value: as for :func:`reports`.
        zeros: as for :func:`reports`.
        blanks: as for :func:`reports`.

    Returns:
        A strategy for ``(report, expected_violations)``.

    Raises:
        InvalidArgument: an option is out of range or no cell fits the chosen rules.
    """
    _check_options(max_value, zeros, blanks)
    chosen = tuple(perturbations)
    unknown = [p for p in chosen if p not in PERTURBATIONS]
    if not chosen or unknown:
        raise InvalidArgument(f"perturbations must be drawn from {PERTURBATIONS}, not {chosen}")
    basis = _basis(_spec(template))
    wanted = frozenset(rules) if rules is not None else None
    if wanted is not None:
        known = {c.rule.id for _, c in basis.errors}
        missing = sorted(wanted - known)
        if missing:
            raise InvalidArgument(f"no error-severity rule {missing} in {basis.spec.id}")
    options = {"max_value": max_value, "zeros": zeros, "blanks": blanks}
    return _broken(basis, wanted, chosen, options)
