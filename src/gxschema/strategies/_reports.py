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

:func:`broken_reports` makes one slip from the slip registry (:mod:`gxschema._slips`,
the vocabulary :func:`gxschema.diagnose` names slips in) in a consistent report, says
what it did, and has the constraint model decide which error-severity violations the
result has.  The tests check those claims against an oracle of their own that reads
the rules' sides directly, so the property stays a differential test.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from math import lcm
from typing import Any, NamedTuple, TypeAlias

import attrs
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from gxschema._model import Model, Row, model, status
from gxschema._report import Cell, Report
from gxschema._resolve import TemplateLike, resolve_template
from gxschema._slips import SLIPS
from gxschema._spec import TemplateSpec
from gxschema._validate import Violation, row_violation
from gxschema._values import BLANK, PLAIN, Kind, Number, Value, render_value

__all__ = ["PERTURBATIONS", "Broken", "Damage", "DamagedCell", "broken_reports", "reports"]

Address: TypeAlias = tuple[str, str, str]  # (table, line, column)
PERTURBATIONS: tuple[str, ...] = tuple(SLIPS)
"""How :func:`broken_reports` breaks a report: every slip of the slip registry
(:mod:`gxschema._slips`), named as :func:`gxschema.diagnose` names the slips it
recognises."""


@attrs.frozen
class DamagedCell:
    """One cell a perturbation changed.

    Attributes:
        table: the table id.
        line_id: the line id.
        column_id: the column id.
        old: its value in the consistent report.
        new: its value in the broken one.
    """

    table: str
    line_id: str
    column_id: str
    old: Value
    new: Value


@attrs.frozen
class Damage:
    """What :func:`broken_reports` did to a consistent report.

    Attributes:
        slip: the slip made (a name from :data:`PERTURBATIONS`).
        cells: the cells it changed, in document order.
    """

    slip: str
    cells: tuple[DamagedCell, ...]


class Broken(NamedTuple):
    """A broken report, the violations it has, and what was done to it."""

    report: Report
    expected: frozenset[Violation]
    damage: Damage


_WAN = attrs.evolve(PLAIN, wan=True)


def _spec(template: TemplateLike) -> TemplateSpec:
    try:
        return resolve_template(template)
    except (KeyError, TypeError) as exc:
        raise InvalidArgument(str(exc)) from None


@attrs.frozen(eq=False)
class _Basis:
    """A template's model and a set of integer solutions that generate its consistent reports."""

    model: Model
    rays: tuple[tuple[tuple[int, int], ...], ...]  # each: (cell index, weight) pairs

    @property
    def spec(self) -> TemplateSpec:
        return self.model.spec

    @property
    def cells(self) -> tuple[Address, ...]:
        return self.model.keys

    @property
    def kinds(self) -> tuple[Kind, ...]:
        return self.model.kinds

    @property
    def units(self) -> tuple[str | None, ...]:
        return self.model.units


def _basis(spec: TemplateSpec) -> _Basis:
    """Find, once per spec, integer solutions of the error rules through every cell."""
    m = model(spec)
    cached = m.derived.get("strategies.basis")
    if isinstance(cached, _Basis):
        return cached
    import numpy as np
    from scipy.optimize import linprog  # type: ignore[import-untyped, unused-ignore]

    kinds = m.kinds
    eq_rows: list[dict[int, int]] = []
    ub_rows: list[dict[int, int]] = []
    for r in m.errors:
        if r.is_bound and m.has_default_bounds(r.terms[0][0]):
            continue  # the variables' bounds say the same
        if r.const:
            raise InvalidArgument(
                f"rule {r.constraint.rule.id!r} has a constant term; reports() builds "
                "reports from rules that relate cells only"
            )
        row = dict(r.terms)
        if r.kind.upper and r.kind.lower:
            eq_rows.append(row)
        elif r.kind.upper:
            ub_rows.append(row)
        else:
            ub_rows.append({k: -w for k, w in row.items()})
    # LP variables: one per cell (its positive part), plus a negative part per signed cell.
    signed = [i for i, k in enumerate(kinds) if k is Kind.DELTA]
    n = len(kinds)
    nvar = n + len(signed)
    owner = list(range(n)) + signed  # the cell each LP variable belongs to
    sign = [1] * n + [-1] * len(signed)

    def matrix(rows: list[dict[int, int]]) -> Any:
        out = np.zeros((len(rows), nvar))
        for r, row in enumerate(rows):
            for j in range(nvar):
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
    for j in range(nvar):
        if sign[j] > 0 and owner[j] in covered:
            continue
        bounds: list[tuple[float, float | None]] = [(0.0, None)] * nvar
        bounds[j] = (1.0, 1.0)
        result = linprog(
            np.ones(nvar),
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
    basis = _Basis(model=m, rays=tuple(rays))
    m.derived["strategies.basis"] = basis
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
    return Report(template=basis.spec.id, tables=tables, spec=basis.spec)


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
    """Whether no error rule constrains a cell beyond its kind (any value is consistent)."""
    return not basis.model.rows_of[i] and basis.model.has_default_bounds(i)


def reports(
    template: TemplateLike,
    *,
    consistent: bool = True,
    max_value: int = 10_000,
    zeros: float = 0.3,
    blanks: float = 0.0,
    approximate: bool = False,
) -> st.SearchStrategy[Report]:
    """Reports of any declared template, consistent by construction.

    Args:
        template: a template id, declaration (:class:`gxschema.dsl.Template`) or spec.
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


def _expected(m: Model, report: Report) -> frozenset[Violation]:
    """Every error-severity violation of a report, as the model decides them."""
    iv = m.intervals(report)
    tables = {t.id: t for t in m.spec.tables}
    found: set[Violation] = set()
    for row in m.errors:
        decided = status(row, iv)
        violation = row_violation(report, tables[row.constraint.table], row, decided)
        if violation is not None:
            found.add(violation)
    return frozenset(found)


def _chosen(m: Model, rules: frozenset[str] | None) -> list[Row]:
    """The error rows whose cells may be damaged (one-cell bounds only when named)."""
    if rules is None:
        return [r for r in m.errors if not r.is_bound]
    return [r for r in m.errors if r.constraint.rule.id in rules]


def _number(value: Value) -> int | Decimal | None:
    return value.value if isinstance(value, Number) else None


def _as_value(basis: _Basis, i: int, x: int | Decimal | None) -> Value:
    if x is None:
        return BLANK
    if basis.kinds[i] is Kind.MONEY:
        return Number(Decimal(x), unit=basis.units[i])
    return Number(int(x))


def _apply(
    basis: _Basis, values: Sequence[Value], how: str, i: int, where: int
) -> dict[int, Value] | None:
    """The cells the slip ``how`` changes at cell ``i``, or None when it cannot apply there.

    The slip's places at the cell (its registry entry reads them from the model's
    structure) are tried from the one ``where`` picks; the first that can take it is used.
    """
    slip = SLIPS[how]
    places = slip.places(basis.model, i)
    for k in range(len(places)):
        cells = places[(where + k) % len(places)].cells
        out = slip.apply(tuple(_number(values[c]) for c in cells), where)
        if out is None:
            continue
        changes = {}
        for c, x in zip(cells, out, strict=True):
            new = _as_value(basis, c, x)
            if new != values[c]:
                changes[c] = new
        if changes:
            return changes
    return None


def _breaking(row: Row, values: Sequence[Value], i: int, where: int) -> int:
    """How far to miscount cell ``i`` so that ``row`` (which holds) breaks."""
    s: int | Decimal = row.const
    w = 0
    for k, wk in row.terms:
        s += wk * (_number(values[k]) or 0)
        if k == i:
            w = wk
    direction = 1 if w > 0 else -1
    if row.kind.upper and row.kind.lower:
        return where
    if row.kind.upper:  # s <= 0: make it positive
        return direction * (int(-s // abs(w)) + 1)
    return -direction * (int(s // abs(w)) + 1)


def _possible(
    basis: _Basis, values: Sequence[Value], how: str, targets: Sequence[int], where: int
) -> dict[int, dict[int, Value]]:
    """The cells that can take the slip, with the changes it makes there."""
    out = {}
    for i in targets:
        changes = _apply(basis, values, how, i, where)
        if changes is not None:
            out[i] = changes
    return out


@st.composite
def _broken(
    draw: st.DrawFn,
    basis: _Basis,
    rules: frozenset[str] | None,
    perturbations: tuple[str, ...],
    options: Mapping[str, Any],
) -> Broken:
    values = draw(_consistent_values(basis, approximate=False, **options))
    m = basis.model
    rows = _chosen(m, rules)
    targets = list(dict.fromkeys(k for r in rows for k, _ in r.terms))
    if not targets:
        raise InvalidArgument("no cell is involved in the chosen rules")
    how = draw(st.sampled_from(perturbations))
    where = draw(st.integers(1, 9))
    # The slip is made at a cell that can take it (a digit slip needs digits to slip).
    possible = _possible(basis, values, how, targets, where)
    if not possible:
        # No cell can take this slip (a report of zeros): a cell is miscounted instead.
        how = "miscount"
        possible = _possible(basis, values, how, targets, where)
    cells = list(possible)
    i = cells[draw(st.integers(0, len(cells) - 1))]
    changes = possible[i]
    report = _build(basis, [changes.get(k, v) for k, v in enumerate(values)])
    expected = _expected(m, report)
    if not expected:
        # The slip kept every rule (two equal parts swapped, a line of zeros no rule
        # adds up, an inequality with room to spare): miscount the cell instead, by
        # what breaks a chosen rule through it.  So every broken report breaks one.
        row = next(r for r in rows if any(k == i for k, _ in r.terms))
        how = "miscount"
        fallback = _apply(basis, values, how, i, _breaking(row, values, i, where))
        assert fallback is not None
        changes = fallback
        report = _build(basis, [changes.get(k, v) for k, v in enumerate(values)])
        expected = _expected(m, report)
    damage = Damage(
        slip=how,
        cells=tuple(
            DamagedCell(*m.keys[k], old=values[k], new=changes[k]) for k in sorted(changes)
        ),
    )
    return Broken(report, expected, damage)


def broken_reports(
    template: TemplateLike,
    *,
    rules: Iterable[str] | None = None,
    perturbations: Iterable[str] = PERTURBATIONS,
    max_value: int = 10_000,
    zeros: float = 0.3,
    blanks: float = 0.0,
) -> st.SearchStrategy[Broken]:
    """Reports broken in one place, with the exact set of error violations they have.

    A consistent report is drawn (as by :func:`reports`), then one slip from
    :data:`PERTURBATIONS` (the slip registry, whose names :func:`gxschema.diagnose`
    gives the slips it recognises) is made at a cell that a chosen rule involves, at a
    place the registry gives there (the cell, a neighbour, the cell's line or column,
    another line to copy from) and with values that can take it (transposing needs two
    different digits); when no cell can take it (a report of zeros), a cell is
    miscounted instead.  Every broken report breaks at least one error-severity rule:
    when the slip happens to keep every rule (two equal parts swapped, a line copied
    from an equal one, an inequality with room to spare), the cell is miscounted
    instead, by what breaks a chosen rule through it.  The expected violations are the
    records :func:`gxschema.validate` returns, so a test can compare
    ``set(validate(report, severity=("error",)))`` with them; one slip can break
    several rules.

    Args:
        template: a template id, declaration (:class:`gxschema.dsl.Template`) or spec.
        rules: ids of the rules whose cells may be perturbed (default: every
            error-severity rule over two or more cells).
        perturbations: which slips to draw from (names in :data:`PERTURBATIONS`).
        max_value: as for :func:`reports`.
        zeros: as for :func:`reports`.
        blanks: as for :func:`reports`.

    Returns:
        A strategy for :class:`Broken` ``(report, expected, damage)``: the report, its
        error violations, and the :class:`Damage` done (slip, cells, old and new values).

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
        known = {r.constraint.rule.id for r in basis.model.errors}
        missing = sorted(wanted - known)
        if missing:
            raise InvalidArgument(f"no error-severity rule {missing} in {basis.spec.id}")
    options = {"max_value": max_value, "zeros": zeros, "blanks": blanks}
    return _broken(basis, wanted, chosen, options)
