"""The constraint model: one index of cells, every rule as a row, one decider."""

from __future__ import annotations

from decimal import Decimal

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gxschema as gx
from gxschema import _rules
from gxschema._model import Intervals, Model, Row, model, status, table_model
from gxschema._validate import evaluate
from gxschema.strategies import reports
from tests.conftest import EXAMPLES, examples
from tests.oracles import error_violations

SPEC = gx.templates.get("national-2019")


def test_the_model_is_built_once_and_cached_on_the_spec() -> None:
    """model(spec) is the same object every time; its tables are the tables' own models."""
    m = model(SPEC)
    assert model(SPEC) is m
    assert m.tables == tuple(table_model(t) for t in SPEC.tables)
    assert len(m.keys) == sum(len(t.lines) * len(t.columns) for t in SPEC.tables)
    assert len(m.rows) == sum(len(t.constraints) for t in SPEC.tables)
    for offset, tm in zip(m.offsets, m.tables, strict=True):
        for k, (line, column) in enumerate(tm.keys):
            assert m.keys[offset + k] == (tm.table.id, line, column)
            assert m.index[(tm.table.id, line, column)] == offset + k


def test_rows_keep_their_origin_and_linear_form() -> None:
    """Each row is its constraint's linear form, over the model's cell numbers."""
    m = model(SPEC)
    constraints = list(SPEC.constraints)
    assert [r.constraint for r in m.rows] == constraints
    for row in m.rows:
        weights, const = row.constraint.linear()
        assert row.const == const
        assert {m.keys[i][1:]: w for i, w in row.terms} == weights
        assert {m.keys[i][0] for i, _ in row.terms} == {row.constraint.table}
        assert row.kind is _rules.rule_kind(row.constraint.op)


def test_one_cell_rules_are_the_bounds() -> None:
    """A rule over one cell is a bound: counts and money ≥ 0, deltas free."""
    m = model(gx.templates.get("national-2021"))
    for i, kind in enumerate(m.kinds):
        if kind is gx.values.Kind.DELTA:
            assert (m.low[i], m.high[i]) == (None, None)
        else:
            assert (m.low[i], m.high[i]) == (0, None)
        assert m.has_default_bounds(i)
        assert all(r.constraint.rule.id == "N.int" for r in m.bounds_of[i])
    assert all(not r.is_bound for r in m.ties)


def test_components_partition_the_cells_and_the_rules() -> None:
    """Every cell is in one component; every rule over several cells in its cells' one."""
    m = model(SPEC)
    seen = sorted(i for c in m.components for i in c.cells)
    assert seen == list(range(len(m.keys)))
    for r, row in enumerate(m.ties):
        [owner] = {m.component[i] for i, _ in row.terms}
        assert r in m.components[owner].rows


def results_total(m: Model) -> Row:
    """The row of C3.results_total in the total column."""
    [r] = [
        r
        for r in m.rows
        if (r.constraint.rule.id, r.constraint.at) == ("C3.results_total", "total")
    ]
    return r


def test_status_reads_blank_as_unknown_not_as_zero() -> None:
    """A total that a blank part could explain is uncertain; one no part could, fails."""
    m = model(SPEC)
    [r] = [
        r
        for r in m.rows
        if r.constraint.rule.id == "C3.results_total" and r.constraint.at == "total"
    ]
    total, *parts = [i for i, _ in r.terms]
    iv = Intervals.blank(m.kinds)
    for i in parts:
        iv.set(i, 1)
    iv.set(total, len(parts))
    assert status(r, iv) == "holds"
    iv.unknown[parts[0]] = True
    iv.lo[parts[0]] = iv.hi[parts[0]] = 0
    iv.present[parts[0]] = True
    assert status(r, iv) == "uncertain"  # the blank could be 1
    iv.set(total, 0)
    assert status(r, iv) == "fail"  # no count ≥ 0 brings the parts down to 0


def test_status_widens_approximate_values_and_ignores_absent_rows() -> None:
    """An approximate value is an interval; a row none of whose cells exist holds."""
    m = model(SPEC)
    [r] = [
        r
        for r in m.rows
        if r.constraint.rule.id == "C3.results_total" and r.constraint.at == "total"
    ]
    iv = Intervals.blank(m.kinds)
    assert status(r, iv) == "holds"
    total, first, *rest = [i for i, _ in r.terms]
    for i in rest:
        iv.set(i, 0)
    iv.set(first, 190_000, 5_000)
    iv.set(total, 194_000)
    assert status(r, iv) == "holds"
    iv.set(total, Decimal(196_000))
    assert status(r, iv) == "fail"


def test_every_rule_kind_says_which_side_of_zero_it_keeps() -> None:
    """holds() is derived from upper/lower, the one description of each kind."""
    assert [(k.upper, k.lower) for k in _rules.KINDS.values()] == [
        (True, True),
        (True, False),
        (False, True),
    ]
    for kind in _rules.KINDS.values():
        for lo, hi in [(-2, -1), (-1, 1), (1, 2), (0, 0)]:
            expected = {"==": lo <= 0 <= hi, "<=": lo <= 0, ">=": hi >= 0}[kind.op]
            assert kind.holds(lo, hi) == expected


def test_the_example_report_is_decided_as_the_oracle_decides() -> None:
    """Validate (through the model) and the oracle agree on the seed's error rules."""
    report = gx.read(EXAMPLES / "lucheng-police-2020.txt")
    assert frozenset(gx.validate(report, severity=("error",))) == error_violations(report, SPEC)


@pytest.mark.parametrize("template", gx.templates.available())
@settings(deadline=None, max_examples=examples(25))
@given(data=st.data())
def test_random_reports_are_decided_as_the_oracle_decides(
    template: str, data: st.DataObject
) -> None:
    """On reports drawn cell by cell (rules hold by chance), model and oracle agree."""
    report = data.draw(reports(template, consistent=False, max_value=30))
    spec = gx.templates.get(template)
    assert frozenset(gx.validate(report, severity=("error",))) == error_violations(report, spec)


def test_evaluate_decides_one_constraint_through_the_model() -> None:
    """evaluate() gives the record validate gives, for a spec's own or an equal constraint."""
    report = gx.read(EXAMPLES / "lucheng-police-2020.txt")
    found = gx.validate(report)
    assert found
    for v in found:
        table = SPEC.table(v.table)
        [c] = [c for c in table.constraints if (c.rule.id, c.at) == (v.rule, v.at)]
        assert evaluate(report, table, c) == v
        assert evaluate(report, table, attrs.evolve(c)) == v
