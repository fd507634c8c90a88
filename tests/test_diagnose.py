"""Diagnosis: the best explanation repairs the report, finds the corrupted cell, names the slip.

The oracle for "the rules determine the corrupted cell uniquely"
(:func:`tests.oracles.single_cell_repairs`) is independent of the diagnosis: it tries
every printed cell that all failing rules share, solves one failing equality for it, and
asks :func:`gxschema.validate` whether the report then holds.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import gxschema as gx
from gxschema import dsl
from gxschema._diagnose import CellChange, Explanation, diagnose
from gxschema.cli import main
from gxschema.strategies import broken_reports, reports
from tests.conftest import CORPUS, EXAMPLES, examples, need
from tests.oracles import rule_cells, single_cell_repairs, with_values
from tests.test_random_templates import declare, template_shapes

TEMPLATES = gx.templates.available()
EXAMPLE = EXAMPLES / "lucheng-police-2020.txt"
Key = tuple[str, str, str]
# The test's own corruption, named as the slip registry names slips; the first four
# are slips diagnosis must name when the rules single the cell out.
SLIPS = ("transposition", "wrong_sign", "dropped_digit", "doubled_digit", "left_blank", "miscount")
NAMED = frozenset(SLIPS[:4])


# -- helpers ---------------------------------------------------------------------------


def errors(report: gx.Report, spec: gx.spec.TemplateSpec | None = None) -> list[gx.Violation]:
    """The error-severity violations validate finds."""
    return gx.validate(report, template=spec, severity=("error",))


def applied(report: gx.Report, explanation: Explanation) -> gx.Report | None:
    """The report with an explanation's proposals applied (None when one is a range)."""
    if any(c.proposed is None for c in explanation.changes):
        return None
    return with_values(
        report, {(c.table, c.line_id, c.column_id): c.proposed for c in explanation.changes}
    )


def changes(explanation: Explanation) -> list[tuple[str, str, str, object, object]]:
    return [(c.table, c.line_id, c.column_id, c.value, c.proposed) for c in explanation.changes]


def corrupt(draw: st.DrawFn, value: int, how: str) -> tuple[int | None, str]:
    """Damage a count as ``how`` says; fall back to a shift when it cannot apply."""
    digits = str(value)
    if how == "left_blank" and value:
        return None, how
    if how == "wrong_sign" and value:
        return -value, how
    if how == "transposition":
        spots = [j for j in range(len(digits) - 1) if digits[j] != digits[j + 1]]
        spots = [j for j in spots if j or digits[1] != "0"]
        if spots:
            j = draw(st.sampled_from(spots))
            return int(digits[:j] + digits[j + 1] + digits[j] + digits[j + 2 :]), how
    if how == "dropped_digit" and len(digits) >= 2:
        spots = [j for j in range(len(digits)) if j or digits[1] != "0"]
        j = draw(st.sampled_from(spots))
        return int(digits[:j] + digits[j + 1 :]), how
    if how == "doubled_digit" and value:
        j = draw(st.integers(0, len(digits) - 1))
        return int(digits[: j + 1] + digits[j:]), how
    return value + draw(st.integers(1, 9)) * draw(st.sampled_from([1, -1])), "miscount"


@st.composite
def corrupted(draw: st.DrawFn, template: str, cells: int) -> tuple[gx.Report, dict[Key, int], str]:
    """A consistent report with ``cells`` rule cells damaged: (report, originals, how)."""
    report = draw(reports(template))
    spec = gx.templates.get(template)
    keys = draw(
        st.lists(st.sampled_from(rule_cells(spec)), min_size=cells, max_size=cells, unique=True)
    )
    how = draw(st.sampled_from(SLIPS)) if cells == 1 else "miscount"
    originals: dict[Key, int] = {}
    damaged: dict[Key, int | None] = {}
    for key in keys:
        cell = report.cell(*key)
        assert cell is not None
        assert isinstance(cell.value, gx.Number)
        originals[key] = int(cell.value.value)
        damaged[key], how = corrupt(draw, originals[key], how)
    return with_values(report, damaged), originals, how


# -- the reference reports -------------------------------------------------------------


def test_seed_best_explanation_is_the_total_line() -> None:
    """The seed: fill （七）总计 with natural_person = 2 and total = 2, and nothing else."""
    report = gx.read(EXAMPLE)
    best = diagnose(report)[0]
    assert changes(best) == [
        ("s3", "r7_total", "natural_person", 0, 2),
        ("s3", "r7_total", "total", 0, 2),
    ]
    assert best.kind == "total_left_zero"
    assert best.weight == 2
    assert "（七）总计" in best.reason_zh
    assert "left 0" in best.reason_en
    assert not errors(applied(report, best))  # type: ignore[arg-type]


def test_hongze_2023_best_explanation_is_the_two_review_totals() -> None:
    """洪泽区 2023: section 四's review total is 11 and suit_after_review's is 5."""
    report = gx.read(need(CORPUS / "hzq-2023.pdf"))
    best = diagnose(report)[0]
    assert changes(best) == [
        ("s4", "review", "total", 0, 11),
        ("s4", "suit_after_review", "total", 0, 5),
    ]
    assert best.kind == "total_left_zero"
    assert not errors(applied(report, best))  # type: ignore[arg-type]


# -- the slips, one by one ---------------------------------------------------------------


@pytest.fixture
def repaired_seed() -> gx.Report:
    """The seed with its （七）总计 line filled in: a consistent national-2019 report."""
    report = gx.read(EXAMPLE)
    fixed = applied(report, diagnose(report)[0])
    assert fixed is not None
    assert not errors(fixed)
    return fixed


def test_neighbour_swap_in_a_line_is_named_and_undone(repaired_seed: gx.Report) -> None:
    """Two values written in each other's column are swapped back."""
    a, b = ("s3", "r3_7", "natural_person"), ("s3", "r3_7", "commercial")
    best = diagnose(with_values(repaired_seed, {a: 0, b: 1}))[0]
    assert best.kind == "neighbour_swap"
    assert sorted(changes(best)) == [(*b, 1, 0), (*a, 0, 1)]


def test_neighbour_swap_across_lines_is_named_and_repairs(repaired_seed: gx.Report) -> None:
    """Values swapped between two lines: the rules cannot tell which column, only the swap."""
    a, b = ("s3", "r3_7", "natural_person"), ("s3", "r3_6", "natural_person")
    report = with_values(repaired_seed, {a: 0, b: 1})
    best = diagnose(report)[0]
    assert best.kind == "neighbour_swap"
    assert {c.line_id for c in best.changes} == {"r3_6", "r3_7"}
    assert not errors(applied(report, best))  # type: ignore[arg-type]


def test_total_copied_from_another_line_is_named(repaired_seed: gx.Report) -> None:
    """A total holding the same column's value of another line is named as copied."""
    key = ("s3", "r3_7", "total")
    best = diagnose(with_values(repaired_seed, {key: 2}))[0]
    assert best.kind == "copied_from_row"
    assert changes(best) == [(*key, 2, 1)]
    assert "一、本年新收政府信息公开申请数量" in best.reason_zh


def test_whole_column_left_zero_is_filled(repaired_seed: gx.Report) -> None:
    """A total column left 0 is one slip: every total it needs, filled in."""
    spec = gx.templates.get("national-2019")
    zeros = {("s3", ln.id, "total"): 0 for ln in spec.table("s3").lines}
    best = diagnose(with_values(repaired_seed, zeros))[0]
    assert best.kind == "total_left_zero"
    assert "整列" in best.reason_zh
    assert not errors(applied(repaired_seed, best) or repaired_seed)
    assert {c.line_id for c in best.changes} == {"new", "r3_7", "r4_1", "r7_total"}


def test_totals_left_blank_are_filled_at_no_cost(repaired_seed: gx.Report) -> None:
    """Blank totals are unknowns: filled with what the rules need, weight 0."""
    blank = {("s3", "r7_total", "natural_person"): None, ("s3", "r7_total", "total"): None}
    best = diagnose(with_values(repaired_seed, blank))[0]
    assert best.kind == "total_left_blank"
    assert best.weight == 0
    assert changes(best) == [
        ("s3", "r7_total", "natural_person", None, 2),
        ("s3", "r7_total", "total", None, 2),
    ]


def test_blank_cells_get_ranges_when_the_rules_leave_freedom() -> None:
    """Blank parts of a known total are free, at no cost: each gets the range left to it."""

    @dsl.columns
    class Pair:
        a: dsl.Count = dsl.column("甲")
        b: dsl.Count = dsl.column("乙")
        total: dsl.Count = dsl.column("合计")
        adds_up = dsl.rule("T.adds_up", dsl.this.total == dsl.this.a + dsl.this.b)

    @dsl.table("t", label="测试表")
    class Tiny:
        only = dsl.line("唯一行", row=Pair)

    spec = dsl.template("tiny", tables=[Tiny]).spec
    report = with_values(
        gx.Report(template="tiny"),
        {("t", "only", "a"): None, ("t", "only", "b"): None, ("t", "only", "total"): 5},
    )
    [best] = diagnose(report, template=spec)
    assert best.kind == "blank_filled"
    assert best.weight == 0
    assert [(c.column_id, c.proposed, c.low, c.high) for c in best.changes] == [
        ("a", None, 0, 5),
        ("b", None, 0, 5),
    ]


# -- weights -----------------------------------------------------------------------------


def test_weights_steer_the_search_away_from_costly_cells() -> None:
    """Making （七）总计 costly moves the blame to the six cells that feed it."""
    report = gx.read(EXAMPLE)
    line = gx.templates.get("national-2019").table("s3").columns
    costly = {("s3", "r7_total", c.id): 100.0 for c in line}
    by_map = diagnose(report, weights=costly)[0]
    by_function = diagnose(report, weights=lambda t, r, c, cell: 100.0 if r == "r7_total" else 1.0)[
        0
    ]
    assert by_map == by_function
    assert by_map.weight == 6
    assert all(c.line_id != "r7_total" for c in by_map.changes)
    assert not errors(applied(report, by_map))  # type: ignore[arg-type]


def test_bad_arguments_are_refused() -> None:
    """A weight that is not positive, or a limit below 1, raises ValueError."""
    report = gx.read(EXAMPLE)
    with pytest.raises(ValueError, match="weight"):
        diagnose(report, weights={("s3", "new", "total"): 0})
    with pytest.raises(ValueError, match="limit"):
        diagnose(report, limit=0)


# -- properties --------------------------------------------------------------------------


@pytest.mark.parametrize("template", TEMPLATES)
@settings(deadline=None)
@given(data=st.data())
def test_consistent_reports_need_no_explanation(template: str, data: st.DataObject) -> None:
    """A consistent report, with blanks and approximate values, has nothing to explain."""
    assert diagnose(data.draw(reports(template, blanks=0.2, approximate=True))) == []


@pytest.mark.parametrize("template", TEMPLATES)
@settings(deadline=None)
@given(data=st.data())
def test_every_explanation_repairs_the_broken_report(template: str, data: st.DataObject) -> None:
    """Applying any explanation leaves no error violation; the list is ranked by weight."""
    report, expected, _ = data.draw(broken_reports(template))
    explanations = diagnose(report)
    assert bool(explanations) == bool(expected)
    assert [e.weight for e in explanations] == sorted(e.weight for e in explanations)
    for e in explanations:
        assert e.reason_zh
        assert e.reason_en
        fixed = applied(report, e)
        if fixed is not None:
            assert errors(fixed) == [], e


@pytest.mark.parametrize("template", TEMPLATES)
@settings(deadline=None)
@given(data=st.data())
def test_one_corrupted_cell_is_found_and_restored(template: str, data: st.DataObject) -> None:
    """Whenever the rules single the damaged cell out, the best explanation restores it."""
    spec = gx.templates.get(template)
    report, originals, how = data.draw(corrupted(template, cells=1))
    [(key, old)] = originals.items()
    explanations = diagnose(report)
    if not errors(report):
        assert explanations == []
        return
    best = explanations[0]
    blank = report.cell(*key).value is gx.BLANK  # type: ignore[union-attr]
    assert best.weight <= (0 if blank else 1)
    repairs = single_cell_repairs(report, spec)
    unique = repairs == {key: old} or (blank and repairs.get(key) == old)
    if unique:
        found = [(c.table, c.line_id, c.column_id, c.proposed) for c in best.changes]
        assert found == [(*key, old)]
        if how in NAMED:
            assert best.kind == how


@pytest.mark.parametrize("template", TEMPLATES)
@settings(deadline=None, max_examples=examples(30))
@given(data=st.data())
def test_two_corrupted_cells_never_take_more_than_two_changes(
    template: str, data: st.DataObject
) -> None:
    """With two cells damaged, the best explanation changes at most two, and repairs."""
    report, _, _ = data.draw(corrupted(template, cells=2))
    explanations = diagnose(report)
    if not errors(report):
        return
    best = explanations[0]
    assert len(best.changes) <= 2
    assert best.weight <= 2
    fixed = applied(report, best)
    if fixed is not None:
        assert errors(fixed) == []


@settings(deadline=None, max_examples=examples(20))
@given(template_shapes(max_row_rules=2, max_table_rules=2), st.data())
def test_diagnosis_works_from_the_rules_of_any_template(shape: object, data: st.DataObject) -> None:
    """Random templates: a damaged consistent report gets a repair of weight at most 1."""
    spec = declare(shape)  # type: ignore[arg-type]
    report = data.draw(reports(spec))
    key = data.draw(st.sampled_from([(t, r, c) for t, r, c, _ in report.cells()]))
    old = report.cell(*key).value.value  # type: ignore[union-attr]
    broken = with_values(report, {key: int(old) + data.draw(st.integers(1, 9))})
    explanations = diagnose(broken, template=spec)
    assert bool(explanations) == bool(errors(broken, spec))
    if explanations:
        assert explanations[0].weight <= 1
        fixed = applied(broken, explanations[0])
        if fixed is not None:
            assert errors(fixed, spec) == []


# -- the command line --------------------------------------------------------------------


def test_cli_diagnose_json_has_one_object_per_file(tmp_path: Path) -> None:
    """--format json: file, template and explanations with the contract's keys; exit 1."""
    result = CliRunner().invoke(main, ["diagnose", str(EXAMPLE), "--format", "json"])
    assert result.exit_code == 1
    [data] = json.loads(result.output)
    assert (data["file"], data["template"]) == (str(EXAMPLE), "national-2019")
    best = data["explanations"][0]
    assert {"weight", "reason_zh", "reason_en", "cells"} <= set(best)
    assert [(c["line_id"], c["column_id"], c["value"], c["proposed"]) for c in best["cells"]] == [
        ("r7_total", "natural_person", 0, 2),
        ("r7_total", "total", 0, 2),
    ]
    assert {"table", "line_id", "column_id", "value", "proposed"} <= set(best["cells"][0])


def test_cli_diagnose_text_highlights_the_changes_and_exits_by_outcome(tmp_path: Path) -> None:
    """Text output shows the reason and the changed cells; 0 when sound, 2 when unreadable."""
    runner = CliRunner()
    result = runner.invoke(main, ["diagnose", str(EXAMPLE), "--lang", "en"])
    assert result.exit_code == 1
    assert "total_left_zero" in result.output
    assert "the whole line was left 0" in result.output
    assert "0 → 2" in result.output
    report = gx.read(EXAMPLE)
    sound = tmp_path / "sound.txt"
    sound.write_text(gx.render(applied(report, diagnose(report)[0]), "text"), encoding="utf-8")  # type: ignore[arg-type]
    result = runner.invoke(main, ["diagnose", str(sound)])
    assert result.exit_code == 0
    assert "every rule holds" in result.output
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\xff" * 10)
    assert runner.invoke(main, ["diagnose", str(bad)]).exit_code == 2


def test_change_records_are_plain_values() -> None:
    """CellChange holds numbers and None only, so it serializes as it is."""
    change = diagnose(gx.read(EXAMPLE))[0].changes[0]
    assert change == CellChange("s3", "r7_total", "natural_person", 0, 2, 2, 2)
