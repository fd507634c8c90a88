"""Oracles independent of the constraint model, shared by the tests and the benchmarks.

Neither reads :mod:`gxschema._model`: :func:`error_violations` adds up each rule's
sides from the compiled constraints directly, and :func:`single_cell_repairs` asks
:func:`gxschema.validate` (through :func:`error_violations`' counterpart, ``validate``
itself) whether solving one failing equality for a cell repairs the report.  The
benchmarks import this module too (``benchmarks/bench_diagnose.py`` puts the repository
root on its path), so the diagnosis is measured against the same oracle it is tested
against.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from itertools import combinations
from typing import Literal

import attrs

import gxschema as gx
from gxschema._validate import violation_record

Key = tuple[str, str, str]


def _holds(op: str, diff: int | Decimal) -> bool:
    if op == "==":
        return diff == 0
    if op == "<=":
        return diff <= 0
    return diff >= 0


def error_violations(report: gx.Report, spec: gx.spec.TemplateSpec) -> frozenset[gx.Violation]:
    """Every error-severity violation of a report without approximate values.

    Worked out from the values and the rules directly: a side is the weighted sum of
    its cells (a blank counting 0); a rule that fails with blank cells in it is
    ``uncertain`` when some admissible value of those cells (any, for a signed cell;
    ≥ 0 otherwise) would satisfy it.
    """
    found: set[gx.Violation] = set()
    for table in spec.tables:
        for c in table.constraints:
            if c.rule.severity != "error":
                continue
            cells = report.tables.get(table.id, {})
            sides: list[int | Decimal] = []
            blank_weights: list[tuple[int, bool]] = []
            for sign, side in ((1, c.lhs), (-1, c.rhs)):
                total: int | Decimal = side.const
                for term in side.terms:
                    value = cells[term.line][term.column].value
                    if isinstance(value, gx.Number):
                        total += term.weight * value.value
                    else:
                        signed = table.column(term.column).kind is gx.values.Kind.DELTA
                        blank_weights.append((sign * term.weight, signed))
                sides.append(total)
            lhs, rhs = sides
            diff = lhs - rhs
            if _holds(c.op, diff):
                continue
            if blank_weights and len(blank_weights) == len(c.lhs.terms) + len(c.rhs.terms):
                continue  # every cell blank: nothing to check
            can_raise = any(signed or w > 0 for w, signed in blank_weights)
            can_lower = any(signed or w < 0 for w, signed in blank_weights)
            fixable = (
                (c.op == "==" and ((diff < 0 and can_raise) or (diff > 0 and can_lower)))
                or (c.op == "<=" and can_lower)
                or (c.op == ">=" and can_raise)
            )
            found.add(
                violation_record(
                    report,
                    table,
                    c,
                    lhs=lhs,
                    rhs=rhs,
                    tolerance=0,
                    status="uncertain" if fixable else "fail",
                )
            )
    return frozenset(found)


def with_values(report: gx.Report, values: Mapping[Key, int | Decimal | None]) -> gx.Report:
    """The report with some cells replaced (None: printed blank)."""
    tables = {t: {r: dict(cols) for r, cols in rows.items()} for t, rows in report.tables.items()}
    for (t, r, c), v in values.items():
        cell = gx.Cell(gx.BLANK, "") if v is None else gx.Cell(gx.Number(v), str(v))
        tables.setdefault(t, {}).setdefault(r, {})[c] = cell
    return attrs.evolve(report, tables=tables)


def rule_cells(spec: gx.spec.TemplateSpec) -> list[Key]:
    """Cells that some error-severity rule over several cells involves."""
    out: dict[Key, None] = {}
    for table in spec.tables:
        for c in table.constraints:
            if c.rule.severity == "error" and len(c.cells()) > 1:
                for row, col in c.cells():
                    out.setdefault((table.id, row, col), None)
    return list(out)


def single_cell_repairs(report: gx.Report, spec: gx.spec.TemplateSpec) -> dict[Key, int]:
    """Every printed or blank cell whose change alone repairs the report, with its value.

    Tries each cell that every failing rule shares, solves one failing equality for
    it, and asks :func:`gxschema.validate` whether the report then holds.
    """
    violations = gx.validate(report, template=spec, severity=("error",))
    shared = set.intersection(
        *({(v.table, c.line_id, c.column_id) for c in v.cells} for v in violations)
    )
    repairs: dict[Key, int] = {}
    for key in sorted(shared):
        table = spec.table(key[0])
        cell = report.cell(*key)
        old = cell.value.value if cell is not None and isinstance(cell.value, gx.Number) else 0
        for v in violations:
            [constraint] = [c for c in table.constraints if (c.rule.id, c.at) == (v.rule, v.at)]
            weight = constraint.linear()[0].get(key[1:])
            if constraint.op != "==" or weight is None or v.difference % weight:
                continue
            value = int(old - v.difference // weight)
            fixed = with_values(report, {key: value})
            if not gx.validate(fixed, template=spec, severity=("error",)):
                repairs[key] = value
            break
    return repairs


def determined(
    report: gx.Report, spec: gx.TemplateSpec, keys: Sequence[Key]
) -> dict[Key, Fraction] | Literal["free"] | None:
    """The values the error equalities force on ``keys``, every other cell as printed.

    Gauss–Jordan elimination over the equalities that involve the cells (a blank
    counting 0 elsewhere).  Returns ``"free"`` when they leave some of the cells free,
    None when they contradict each other.
    """
    unknown = {k: n for n, k in enumerate(keys)}
    rows: list[list[Fraction]] = []  # coefficients of the unknowns, then the constant
    for table in spec.tables:
        for c in table.constraints:
            if c.rule.severity != "error" or c.op != "==":
                continue
            weights, const = c.linear()
            row = [Fraction(0)] * (len(keys) + 1)
            row[-1] = -Fraction(const)
            for (line, column), w in weights.items():
                key = (table.id, line, column)
                if key in unknown:
                    row[unknown[key]] += w
                else:
                    cell = report.cell(*key)
                    value = cell.value.value if cell and isinstance(cell.value, gx.Number) else 0
                    row[-1] -= w * Fraction(value)
            rows.append(row)
    pivots: list[list[Fraction]] = []
    for col in range(len(keys)):
        pivot = next((r for r in rows if r[col] and all(r is not p for p in pivots)), None)
        if pivot is None:
            return "free"
        pivots.append(pivot)
        for r in rows:
            if r is not pivot and r[col]:
                f = r[col] / pivot[col]
                r[:] = [a - f * b for a, b in zip(r, pivot, strict=True)]
    if any(r[-1] for r in rows if all(r is not p for p in pivots)):
        return None  # every unknown eliminated, a constant left: contradictory
    return {k: p[-1] / p[n] for n, (k, p) in enumerate(zip(keys, pivots, strict=True))}


def _number(x: Fraction) -> int | Decimal:
    if x.denominator == 1:
        return int(x)
    return Decimal(x.numerator) / Decimal(x.denominator)


def two_cell_repairs(report: gx.Report, spec: gx.TemplateSpec) -> list[tuple[Key, Key]]:
    """Every pair of cells whose change alone may repair the report.

    A pair must share a cell with every failing rule; it repairs when the equalities
    force values on it that :func:`gxschema.validate` accepts, and may repair when they
    leave it free (counted, to be safe).
    """
    violations = gx.validate(report, template=spec, severity=("error",))
    sets = [{(v.table, c.line_id, c.column_id) for c in v.cells} for v in violations]
    cells = sorted(set().union(*sets))
    out: list[tuple[Key, Key]] = []
    for a, b in combinations(cells, 2):
        if not all(a in s or b in s for s in sets):
            continue
        solved = determined(report, spec, [a, b])
        if solved is None:
            continue
        if solved != "free":
            if any(x.denominator != 1 for x in solved.values()):
                continue
            fixed = with_values(report, {k: _number(x) for k, x in solved.items()})
            if gx.validate(fixed, template=spec, severity=("error",)):
                continue
        out.append((a, b))
    return out
