"""Templates declared at random validate exactly the rules they broke.

Each example draws a template shape (tables, row classes, lines under headings) and sum
rules as plain data, declares it with the DSL, and checks :func:`gxschema.validate`
against an oracle that evaluates the drawn rules directly on the drawn values.  The
oracle never looks at the compiled spec: it knows which fields each rule adds up
because the strategy chose them, so a mistake in selector expansion, compilation or
evaluation shows up as a disagreement.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gxschema as gx
from gxschema import dsl

# -- the drawn declaration, as plain data ---------------------------------------------

HEADINGS = ("甲类情况", "乙类情况")
SUBHEADINGS = ("其中子项", "另列子项")
COLUMN_GROUPS = ("第一栏组", "第二栏组")
VALUES = st.integers(min_value=0, max_value=4)  # small, so sums agree by chance too

Form = Literal["total", "sum3"]


@dataclass(frozen=True)
class SumRule:
    """``target == Σ parts`` written as a total over a selector, or as ``a + b == c``.

    The oracle reads only ``lhs`` and ``rhs`` (which fields each side adds up); the
    selector fields say how the rule is spelled in the DSL.
    """

    id: str
    form: Form
    target: str
    parts: tuple[str, ...]
    flipped: bool = False
    exclude: tuple[str, ...] = ()  # sum_of(..., exclude=)
    under: tuple[str, ...] | None = None  # table totals: dsl.lines(under=...)
    under_as_str: bool = False
    selector_exclude: tuple[str, ...] = ()  # dsl.lines(..., exclude=)
    over_this: bool = False  # table totals over all lines: sum_of(this) not lines()

    @property
    def sides(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        one, many = (self.target,), self.parts
        lhs, rhs = (one, many) if self.form == "total" else (many, one)
        return (rhs, lhs) if self.flipped else (lhs, rhs)


@dataclass(frozen=True)
class RowShape:
    name: str
    columns: tuple[str, ...]
    groups: tuple[tuple[str, ...], ...]
    rules: tuple[SumRule, ...]


@dataclass(frozen=True)
class TableShape:
    id: str
    name: str
    row: int  # index into TemplateShape.rows (tables may share a row class)
    lines: tuple[str, ...]
    paths: tuple[tuple[str, ...], ...]
    rules: tuple[SumRule, ...]
    annotate: bool  # lines typed by annotation rather than row=


@dataclass(frozen=True)
class TemplateShape:
    rows: tuple[RowShape, ...]
    tables: tuple[TableShape, ...]

    def row_of(self, table: TableShape) -> RowShape:
        return self.rows[table.row]


Values = Mapping[tuple[str, str, str], int | None]  # (table, line, column) -> value; None = BLANK


def _subset(draw: st.DrawFn, items: list[str]) -> list[str]:
    """A non-empty subset of ``items`` (often all of them), in their order."""
    if draw(st.booleans()):
        chosen = set(draw(st.lists(st.sampled_from(items), min_size=1, unique=True)))
        return [x for x in items if x in chosen]
    return list(items)


@st.composite
def row_rules(draw: st.DrawFn, columns: tuple[str, ...], rule_id: str) -> SumRule:
    forms: list[Form] = ["total", "sum3"] if len(columns) >= 3 else ["total"]
    form = draw(st.sampled_from(forms))
    flipped = draw(st.booleans())
    if form == "sum3":
        a, b, c = draw(st.permutations(columns))[:3]
        return SumRule(rule_id, "sum3", target=c, parts=(a, b), flipped=flipped)
    k = draw(st.sampled_from(columns))
    others = [c for c in columns if c != k]
    parts = _subset(draw, others)
    dropped = [c for c in others if c not in parts]
    exclude = tuple(draw(st.permutations([k, *dropped])))
    return SumRule(rule_id, "total", k, tuple(parts), flipped=flipped, exclude=exclude)


@st.composite
def table_rules(
    draw: st.DrawFn, lines: tuple[str, ...], paths: tuple[tuple[str, ...], ...], rule_id: str
) -> SumRule:
    forms: list[Form] = ["total", "sum3"] if len(lines) >= 3 else ["total"]
    form = draw(st.sampled_from(forms))
    flipped = draw(st.booleans())
    if form == "sum3":
        a, b, c = draw(st.permutations(lines))[:3]
        return SumRule(rule_id, "sum3", target=c, parts=(a, b), flipped=flipped)
    k = draw(st.sampled_from(lines))
    path_of = dict(zip(lines, paths, strict=True))
    others = [n for n in lines if n != k]
    # A heading some other line sits under (or none: all lines), so the selection is
    # never empty once k is excluded.
    prefixes = sorted({path_of[n][:d] for n in others for d in range(len(path_of[n]) + 1)})
    under = draw(st.sampled_from(prefixes))
    selected = [n for n in others if path_of[n][: len(under)] == under]
    parts = _subset(draw, selected)
    dropped = [n for n in selected if n not in parts]
    outside = [n for n in others if n not in selected]
    extra = draw(st.lists(st.sampled_from(outside), unique=True)) if outside else []
    excluded = list(draw(st.permutations([k, *dropped, *extra])))
    over_this = under == () and draw(st.booleans())
    split = 0 if over_this else draw(st.integers(0, len(excluded)))
    return SumRule(
        rule_id,
        "total",
        k,
        tuple(parts),
        flipped=flipped,
        exclude=tuple(excluded[split:]),
        under=under,
        under_as_str=len(under) == 1 and draw(st.booleans()),
        selector_exclude=tuple(excluded[:split]),
        over_this=over_this,
    )


line_paths = st.one_of(
    st.just(()),
    st.tuples(st.sampled_from(HEADINGS)),
    st.tuples(st.sampled_from(HEADINGS), st.sampled_from(SUBHEADINGS)),
)
column_groups = st.one_of(st.just(()), st.tuples(st.sampled_from(COLUMN_GROUPS)))


@st.composite
def template_shapes(
    draw: st.DrawFn, max_row_rules: int = 3, max_table_rules: int = 3
) -> TemplateShape:
    rows: list[RowShape] = []
    tables: list[TableShape] = []
    for i in range(draw(st.integers(1, 3))):
        if rows and draw(st.booleans()):
            row = draw(st.integers(0, len(rows) - 1))
        else:
            ncols = draw(st.integers(2, 6))
            columns = tuple(f"c{j}" for j in range(ncols))
            groups = tuple(draw(column_groups) for _ in columns)
            n_rules = draw(st.integers(0, max_row_rules))
            rules = tuple(draw(row_rules(columns, f"R.t{i}.row.{j}")) for j in range(n_rules))
            rows.append(RowShape(f"RandRow{i}", columns, groups, rules))
            row = len(rows) - 1
        lines = tuple(f"l{j}" for j in range(draw(st.integers(2, 8))))
        paths = tuple(draw(line_paths) for _ in lines)
        n_rules = draw(st.integers(0, max_table_rules))
        rules = tuple(draw(table_rules(lines, paths, f"R.t{i}.tab.{j}")) for j in range(n_rules))
        tables.append(
            TableShape(f"s{i}.rand", f"RandTable{i}", row, lines, paths, rules, draw(st.booleans()))
        )
    return TemplateShape(tuple(rows), tuple(tables))


def _cells(shape: TemplateShape) -> list[tuple[str, str, str]]:
    return [
        (t.id, line, col)
        for t in shape.tables
        for line in t.lines
        for col in shape.row_of(t).columns
    ]


@st.composite
def cases(
    draw: st.DrawFn, blanks: bool = False, **shape_args: int
) -> tuple[TemplateShape, dict[tuple[str, str, str], int | None]]:
    shape = draw(template_shapes(**shape_args))
    value = st.one_of(VALUES, st.none()) if blanks else VALUES
    values = {key: draw(value) for key in _cells(shape)}
    return shape, values


# -- declaring the drawn shape with the DSL ---------------------------------------------


def _relation(rule: SumRule) -> Any:
    this = dsl.this
    if rule.form == "sum3":
        a, b = (getattr(this, p) for p in rule.parts)
        c = getattr(this, rule.target)
        return c == a + b if rule.flipped else a + b == c
    if rule.under is None or rule.over_this:
        summed = dsl.sum_of(this, exclude=rule.exclude)
    else:
        under = rule.under[0] if rule.under_as_str else rule.under
        selector = dsl.lines(under=under, exclude=rule.selector_exclude)
        summed = dsl.sum_of(selector, exclude=rule.exclude)
    target = getattr(this, rule.target)
    return summed == target if rule.flipped else target == summed


def declare(shape: TemplateShape, template_id: str = "rand-template") -> gx.spec.TemplateSpec:
    """Declare the shape with dsl.columns / dsl.table / dsl.template and compile it."""
    row_classes = []
    for r in shape.rows:
        ns: dict[str, Any] = {"__module__": __name__, "__annotations__": {}}
        for j, (col, group) in enumerate(zip(r.columns, r.groups, strict=True)):
            ns["__annotations__"][col] = dsl.Count
            ns[col] = dsl.column(f"列{j}", group=group)
        for j, rule in enumerate(r.rules):
            ns[f"rule_{j}"] = dsl.rule(rule.id, _relation(rule))
        row_classes.append(dsl.columns(type(r.name, (), ns)))
    table_classes = []
    for i, t in enumerate(shape.tables):
        row_cls = row_classes[t.row]
        ns = {"__module__": __name__, "__annotations__": {}}
        for j, (line, path) in enumerate(zip(t.lines, t.paths, strict=True)):
            if t.annotate:
                ns["__annotations__"][line] = row_cls
                ns[line] = dsl.line(f"第{j}行", under=path)
            else:
                ns[line] = dsl.line(f"第{j}行", under=path, row=row_cls)
        for j, rule in enumerate(t.rules):
            ns[f"rule_{j}"] = dsl.rule(rule.id, _relation(rule))
        table_classes.append(dsl.table(t.id, label=f"随机表{i}")(type(t.name, (), ns)))
    return dsl.template(template_id, tables=table_classes).spec


def make_report(spec: gx.spec.TemplateSpec, values: Values) -> gx.Report:
    tables: dict[str, dict[str, dict[str, gx.Cell]]] = {}
    for (table, line, col), v in values.items():
        cell = gx.Cell(value=gx.BLANK, raw="") if v is None else gx.Cell(gx.Number(v), str(v))
        tables.setdefault(table, {}).setdefault(line, {})[col] = cell
    return gx.Report(template=spec.id, tables=tables)


# -- the oracle -------------------------------------------------------------------------


@dataclass(frozen=True)
class Expected:
    lhs: int
    rhs: int
    status: Literal["fail", "uncertain"]
    cells: frozenset[tuple[str, str]]


Key = tuple[str, str, str]  # (rule id, table id, at)


def _judge(
    values: Values, table: str, lhs: list[tuple[str, str]], rhs: list[tuple[str, str]]
) -> Expected | None:
    """Evaluate ``Σ lhs == Σ rhs``; blank cells are unknown non-negative counts."""
    known = [sum(values[(table, *c)] or 0 for c in side) for side in (lhs, rhs)]
    diff = known[0] - known[1]
    if diff == 0:
        return None
    # Raising a blank on the left raises diff; raising one on the right lowers it.
    blank_left = any(values[(table, *c)] is None for c in lhs)
    blank_right = any(values[(table, *c)] is None for c in rhs)
    can_hold = (diff < 0 and blank_left) or (diff > 0 and blank_right)
    status: Literal["fail", "uncertain"] = "uncertain" if can_hold else "fail"
    return Expected(known[0], known[1], status, frozenset(lhs + rhs))


def oracle(shape: TemplateShape, values: Values) -> dict[Key, Expected]:
    """Every (rule, table, at) the drawn rules break on these values, computed directly."""
    out: dict[Key, Expected] = {}
    for t in shape.tables:
        columns = shape.row_of(t).columns
        for rule in shape.row_of(t).rules:
            lhs, rhs = rule.sides
            for line in t.lines:
                got = _judge(values, t.id, [(line, c) for c in lhs], [(line, c) for c in rhs])
                if got is not None:
                    out[(rule.id, t.id, line)] = got
        for rule in t.rules:
            lhs, rhs = rule.sides
            for col in columns:
                got = _judge(values, t.id, [(ln, col) for ln in lhs], [(ln, col) for ln in rhs])
                if got is not None:
                    out[(rule.id, t.id, col)] = got
        for line, col in itertools.product(t.lines, columns):
            v = values[(t.id, line, col)]
            if v is not None and v < 0:
                out[("N.int", t.id, f"{line}.{col}")] = Expected(
                    v, 0, "fail", frozenset({(line, col)})
                )
    return out


def assert_matches_oracle(shape: TemplateShape, values: Values) -> list[gx.Violation]:
    spec = declare(shape)
    violations = gx.validate(make_report(spec, values), template=spec)
    expected = oracle(shape, values)
    got = {(v.rule, v.table, v.at): v for v in violations}
    assert len(got) == len(violations), "a violation is reported twice"
    assert set(got) == set(expected)
    for key, v in got.items():
        want = expected[key]
        assert (v.lhs, v.rhs, v.status) == (want.lhs, want.rhs, want.status), key
        assert v.severity == "error"
        assert v.difference == v.lhs - v.rhs
        assert v.message_zh
        assert v.message_en
        assert {(c.line_id, c.column_id) for c in v.cells} == want.cells
        for c in v.cells:
            assert c.value == values[(v.table, c.line_id, c.column_id)]
    return violations


# -- the properties -------------------------------------------------------------------


@settings(deadline=None)
@given(cases())
def test_random_template_validates_exactly_the_broken_rules(
    case: tuple[TemplateShape, dict[Key, int | None]],
) -> None:
    """A random template with random sum rules reports exactly the rules its values break."""
    shape, values = case
    spec = declare(shape)
    declared = {r.id for row in shape.rows for r in row.rules}
    declared |= {r.id for t in shape.tables for r in t.rules}
    assert {r.id for r in spec.rules} == declared | {"N.int"}
    violations = assert_matches_oracle(shape, values)
    assert all(v.status == "fail" for v in violations)
    assert not [v for v in violations if v.rule == "N.int"]


@settings(deadline=None)
@given(cases(), st.data())
def test_one_negative_cell_adds_exactly_one_nint_violation(
    case: tuple[TemplateShape, dict[Key, int | None]], data: st.DataObject
) -> None:
    """Making one random cell negative adds exactly one N.int violation, at line.column."""
    shape, values = case
    table, line, col = data.draw(st.sampled_from(sorted(values)))
    values[(table, line, col)] = data.draw(st.integers(-5, -1))
    violations = assert_matches_oracle(shape, values)
    nint = [(v.table, v.at) for v in violations if v.rule == "N.int"]
    assert nint == [(table, f"{line}.{col}")]


@settings(deadline=None)
@given(template_shapes(max_row_rules=1, max_table_rules=1), st.data())
def test_report_consistent_by_construction_has_no_violations(
    shape: TemplateShape, data: st.DataObject
) -> None:
    """Free cells drawn at random, totals computed from them: no rule is broken."""
    values: dict[Key, int | None] = {key: data.draw(VALUES) for key in _cells(shape)}
    for t in shape.tables:
        row = shape.row_of(t)
        # Each rule defines one field as the sum of others; both maps are linear, so
        # filling row totals first and then the total line satisfies both.
        for rule in row.rules:
            for line in t.lines:
                values[(t.id, line, rule.target)] = sum(
                    values[(t.id, line, p)] or 0 for p in rule.parts
                )
        for rule in t.rules:
            for col in row.columns:
                values[(t.id, rule.target, col)] = sum(
                    values[(t.id, p, col)] or 0 for p in rule.parts
                )
    assert oracle(shape, values) == {}
    spec = declare(shape)
    assert gx.validate(make_report(spec, values), template=spec) == []


@settings(deadline=None)
@given(cases(blanks=True))
def test_blank_cells_make_broken_rules_uncertain_exactly_when_satisfiable(
    case: tuple[TemplateShape, dict[Key, int | None]],
) -> None:
    """With random BLANK cells, a broken rule is uncertain iff some values ≥ 0 would fix it."""
    shape, values = case
    assert_matches_oracle(shape, values)


# -- BLANK addends, by hand ----------------------------------------------------------------


@dsl.columns
class _Parts:
    total: dsl.Count = dsl.column("合计")
    p1: dsl.Count = dsl.column("第一部分")
    p2: dsl.Count = dsl.column("第二部分")
    p3: dsl.Count = dsl.column("第三部分")

    balance = dsl.rule("B.total", dsl.this.total == dsl.sum_of(dsl.this, exclude=("total",)))


@dsl.table("b.parts", label="空白测试表")
class _PartsTable:
    only: _Parts = dsl.line("唯一行")


BLANK_SPEC = dsl.template("rand-blank-parts", tables=[_PartsTable]).spec


@pytest.mark.parametrize(
    ("cells", "status"),
    [
        ((5, 3, 4, None), "fail"),  # 3 + 4 already exceeds 5
        ((10, 3, 4, None), "uncertain"),  # the blank could be 3
        ((7, 3, 4, None), None),  # holds with the blank as 0
        ((6, None, 4, None), "uncertain"),
        ((3, None, 4, None), "fail"),
        ((None, 3, 4, 1), "uncertain"),  # a blank total could be 8
        ((5, 3, 4, 0), "fail"),  # no blank: a plain failure
    ],
)
def test_blank_addend_in_broken_sum(
    cells: tuple[int | None, ...], status: Literal["fail", "uncertain"] | None
) -> None:
    """BLANK parts: uncertain when a value ≥ 0 of the blanks fits, fail when none does."""
    values = {
        ("b.parts", "only", col): v
        for col, v in zip(("total", "p1", "p2", "p3"), cells, strict=True)
    }
    violations = gx.validate(make_report(BLANK_SPEC, values), template=BLANK_SPEC)
    if status is None:
        assert violations == []
        return
    [v] = violations
    assert (v.rule, v.table, v.at, v.status) == ("B.total", "b.parts", "only", status)
    assert v.severity == "error"
    assert v.difference == v.lhs - v.rhs
    assert v.message_zh
    assert v.message_en
