"""Validation semantics: intervals for approximate values, blanks, records, messages."""

from __future__ import annotations

from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import gxschema as gx
from gxschema import dsl
from gxschema.dsl import this


@dsl.columns
class Items:
    """Last year, change, this year."""

    previous: dsl.Count = dsl.column("上一年")
    change: dsl.Delta = dsl.column("增减")
    current: dsl.Count = dsl.column("本年")

    delta = dsl.rule("T.delta", this.previous + this.change == this.current)


@dsl.table("t", label="测试表")
class ItemTable:
    """One line."""

    only: Items = dsl.line("项目")


SPEC = dsl.template("test-items", tables=[ItemTable]).spec


def report(previous: str, change: str, current: str) -> gx.Report:
    """A one-line report with these raw texts."""
    cols = {c.id: c for c in SPEC.table("t").columns}
    raw = {"previous": previous, "change": change, "current": current}
    cells = {
        k: gx.Cell(value=gx.values.parse_value(v, cols[k].kind, unit=cols[k].unit), raw=v)
        for k, v in raw.items()
    }
    return gx.Report(template="test-items", tables={"t": {"only": cells}})


def rules(r: gx.Report) -> list[tuple[str, str]]:
    """(rule, status) of every violation."""
    return [(v.rule, v.status) for v in gx.validate(r, template=SPEC)]


def test_approximate_values_pass_when_intervals_overlap() -> None:
    """19万 + 增1万 = 20万 holds: the intervals allow it."""
    assert rules(report("19万", "\u3000增1万", "20万")) == []


def test_approximate_values_fail_when_intervals_are_apart() -> None:
    """19万 + 增1万 = 30万 fails; the tolerance used is reported."""
    [v] = gx.validate(report("19万", "增1万", "30万"), template=SPEC)
    assert (v.rule, v.status) == ("T.delta", "fail")
    assert (v.lhs, v.rhs, v.difference) == (200000, 300000, -100000)
    assert v.tolerance == 15000


def test_exact_values_need_exact_equality() -> None:
    """472 - 55 = 417 holds; 472 - 55 = 418 fails by 1."""
    assert rules(report("472", "-55", "417")) == []
    [v] = gx.validate(report("472", "-55", "418"), template=SPEC)
    assert v.difference == -1
    assert v.tolerance == 0


def test_blank_signed_cell_makes_any_failure_uncertain() -> None:
    """A blank delta could be anything, so a mismatch with it is uncertain."""
    assert rules(report("10", "", "3")) == [("T.delta", "uncertain")]


def test_blank_total_that_no_value_fixes_is_still_a_failure() -> None:
    """A blank count that would have to be negative to satisfy the rule: the rule fails."""
    assert rules(report("", "+5", "3")) == [("T.delta", "fail")]
    assert rules(report("", "+5", "8")) == [("T.delta", "uncertain")]


def test_negative_count_breaks_n_int() -> None:
    """A negative count is read, kept, and flagged by N.int at its cell."""
    vs = gx.validate(report("-3", "3", "0"), template=SPEC)
    assert [(v.rule, v.at, v.lhs) for v in vs] == [("N.int", "only.previous", -3)]


def test_violations_are_frozen_hashable_records_with_both_messages() -> None:
    """Violation is frozen and hashable, and carries both sides, cells and two messages."""
    [v] = gx.validate(report("1", "1", "5"), template=SPEC)
    assert hash(v) == hash(attrs.evolve(v))
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        v.rule = "x"  # type: ignore[misc]
    assert {c.column_id for c in v.cells} == {"previous", "change", "current"}
    assert {c.raw for c in v.cells} == {"1", "5"}
    assert "测试表" in v.message_zh
    assert "项目" in v.message_en
    assert "should equal" in v.message_en


def test_a_violation_written_on_first_read_is_the_record_written_at_once() -> None:
    """Cells, sides and messages written on first read equal the eager record's.

    The same values whichever part is read first, in repr, hash, pickle, copies,
    ``attrs.asdict`` and the cattrs JSON, and the cells named by several violations of
    one call are one object.
    """
    import copy
    import pickle

    r = report("", "+5", "3")
    for first in ("cells", "lhs", "message_en", "tolerance", None):
        [v] = gx.validate(r, template=SPEC)
        if first is not None:
            getattr(v, first)
        eager = gx.Violation(*(getattr(v, f.name) for f in attrs.fields(gx.Violation)))
        assert v == eager and hash(v) == hash(eager) and repr(v) == repr(eager)
        assert attrs.asdict(v) == attrs.asdict(eager)
        assert gx.to_json([v]) == gx.to_json([eager])
        assert pickle.loads(pickle.dumps(v)) == v == copy.copy(v) == copy.deepcopy(v)
        assert (v.lhs, v.rhs, v.difference, v.tolerance) == (5, 3, 2, 0)
        assert "空白" in v.message_zh and "blank" in v.message_en
    [a, b] = gx.validate(report("-3", "3", "5"), template=SPEC)
    shared = {id(c) for c in a.cells} & {id(c) for c in b.cells}
    assert shared, "the cell both violations name is one object"


def test_check_gives_the_verdict_and_raises_on_request() -> None:
    """check() gives the verdict; raise_if_failed() raises one ValidationError.

    The error holds every error-severity failure.
    """
    r = report("1", "1", "5")
    result = gx.check(r, template=SPEC)
    assert result.verdict == "failed"
    assert result.exit_code == 1
    assert [f.id for f in result.findings] == ["T.delta"]
    assert [f.kind for f in result.findings] == ["rule"]
    with pytest.raises(gx.ValidationError) as info:
        result.raise_if_failed()
    assert [v.rule for v in info.value.violations] == ["T.delta"]
    good = gx.check(report("1", "1", "2"), template=SPEC)
    assert good.verdict == "ok"
    assert good.ok
    assert good.raise_if_failed() is good
    assert good.findings == ()


def test_missing_table_is_not_a_violation() -> None:
    """A table the input did not contain is unknown, not a failure of its rules."""
    assert gx.validate(gx.Report(template="test-items"), template=SPEC) == []


@given(
    previous=st.integers(0, 10**6),
    change=st.integers(-(10**6), 10**6),
    noise=st.integers(-3, 3),
)
def test_delta_rule_matches_arithmetic(previous: int, change: int, noise: int) -> None:
    """The rule fails exactly when previous + change differs from current."""
    current = previous + change + noise
    if current < 0:
        current = 0
        noise = current - previous - change
    found = rules(report(str(previous), f"{change:+d}", str(current)))
    assert bool(found) == (noise != 0)


def test_money_values_compare_as_decimals() -> None:
    """Money is an exact Decimal in the column's unit; S.fee_unit warns on 元-sized values."""
    spec = gx.templates.get("national-2021")
    col = spec.table("s2.art20_8").column("amount")
    value = gx.values.parse_value("12345678.9", col.kind, unit=col.unit)
    big = gx.Cell(value=value, raw="12345678.9")
    r = gx.Report(template="national-2021", tables={"s2.art20_8": {"fees": {"amount": big}}})
    [v] = gx.validate(r)
    assert (v.rule, v.severity, v.lhs) == ("S.fee_unit", "warning", Decimal("12345678.9"))


def test_validate_writes_the_records_each_constraint_alone_would() -> None:
    """Sharing cell references and constant text among violations changes no record."""
    from pathlib import Path

    from gxschema._validate import evaluate

    page = Path(__file__).parent / "fixtures" / "html" / "national-2019-gb18030.html"
    read = gx.read(page.read_bytes())
    spec = gx.templates.get(read.template)
    alone = [
        v
        for table in spec.tables
        for c in table.constraints
        if (v := evaluate(read, table, c)) is not None
    ]
    together = gx.validate(read)
    assert len(together) > 10  # the page breaks many rules: many records share cells
    assert together == alone
    assert [v.message_en for v in together] == [v.message_en for v in alone]
