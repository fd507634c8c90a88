"""The strategies: consistent reports hold, broken ones break exactly as claimed.

The claims of ``broken_reports`` (decided by the constraint model) are checked against
two deciders that do not share it: :func:`gxschema.validate` and the oracle of
:mod:`tests.oracles`, which adds up each rule's sides itself.
"""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import find, given, settings
from hypothesis import strategies as st

import gxschema as gx
from gxschema._slips import SLIPS
from gxschema.strategies import PERTURBATIONS, Broken, broken_reports, reports
from tests.conftest import examples
from tests.oracles import error_violations
from tests.test_random_templates import declare, template_shapes

TEMPLATES = gx.templates.available()
SPEC_2021 = gx.templates.get("national-2021")


def errors(report: gx.Report, spec: gx.spec.TemplateSpec | None = None) -> frozenset[gx.Violation]:
    """The error-severity violations validate finds."""
    return frozenset(gx.validate(report, template=spec, severity=("error",)))


@pytest.mark.parametrize("template", TEMPLATES)
@settings(deadline=None)
@given(data=st.data())
def test_consistent_reports_break_no_rule(template: str, data: st.DataObject) -> None:
    """validate(consistent report) has no error, with blanks and approximate values too."""
    report = data.draw(reports(template, blanks=0.2, approximate=True))
    assert errors(report) == frozenset()
    assert report.template == template


@pytest.mark.parametrize("template", TEMPLATES)
@settings(deadline=None)
@given(data=st.data())
def test_broken_reports_have_exactly_the_claimed_violations(
    template: str, data: st.DataObject
) -> None:
    """validate(broken report) and the oracle equal the expected violations exactly."""
    report, expected, damage = data.draw(broken_reports(template))
    assert expected
    assert errors(report) == expected
    assert error_violations(report, gx.templates.get(template)) == expected
    assert damage.slip in PERTURBATIONS
    assert damage.cells
    for cell in damage.cells:
        assert cell.old != cell.new
        assert report.cell(cell.table, cell.line_id, cell.column_id).value == cell.new  # type: ignore[union-attr]


@settings(deadline=None, max_examples=2000, database=None)
@given(broken=broken_reports("national-2021"))
def test_two_thousand_broken_reports_each_break_an_error_rule(broken) -> None:  # type: ignore[no-untyped-def]
    """Every broken report breaks at least one error-severity rule (by construction)."""
    assert any(v.severity == "error" for v in error_violations(broken.report, SPEC_2021))


@settings(deadline=None, max_examples=examples(200))
@given(data=st.data())
def test_the_damage_record_names_a_slip_the_registry_recognises(data: st.DataObject) -> None:
    """What broken_reports says it did is that slip of the old values (miscounts aside)."""
    template = data.draw(st.sampled_from(TEMPLATES))
    report, _, damage = data.draw(broken_reports(template))
    slip = SLIPS[damage.slip]

    def number(v: gx.values.Value) -> object:
        return v.value if isinstance(v, gx.Number) else None

    old = tuple(number(c.old) for c in damage.cells)
    new = tuple(number(c.new) for c in damage.cells)
    if slip.cells == "one":
        assert len(damage.cells) == 1
        assert slip.recognise(new, old)
    elif damage.slip == "neighbour_swap":
        assert slip.recognise(new, old)
    elif damage.slip == "copied_from_row":
        # Each copy shows a value found elsewhere in its line or column (its source,
        # which keeps its value).
        for c, n, o in zip(damage.cells, new, old, strict=True):
            assert n != o
            elsewhere = [
                number(cell.value)
                for t, line, column, cell in report.cells()
                if t == c.table and (line == c.line_id) != (column == c.column_id)
            ]
            assert n in elsewhere
    else:
        assert all(n == 0 for n in new)


@pytest.mark.parametrize("template", TEMPLATES)
@settings(deadline=None)
@given(data=st.data())
def test_generated_reports_round_trip_json_and_text(template: str, data: st.DataObject) -> None:
    """Generated reports survive JSON and the text form exactly."""
    report = data.draw(reports(template, blanks=0.2, approximate=True))
    assert gx.from_json(gx.to_json(report)) == report
    assert gx.read(gx.render(report, "text"), form="text") == report


@pytest.mark.parametrize("form", ["html", "markdown", "docx"])
@settings(deadline=None, max_examples=examples(15))
@given(data=st.data())
def test_generated_reports_round_trip_every_form(form: str, data: st.DataObject) -> None:
    """read(render(r, f), f) == r for generated reports of every template."""
    template = data.draw(st.sampled_from(TEMPLATES))
    report = data.draw(reports(template, blanks=0.2, approximate=True))
    assert gx.read(gx.render(report, form), form=form) == report


@settings(deadline=None, max_examples=examples(25))
@given(shape=template_shapes(), data=st.data())
def test_a_template_declared_at_random_gets_working_strategies(shape, data) -> None:  # type: ignore[no-untyped-def]
    """For a template declared inside the test, consistent reports hold and broken ones match."""
    spec = declare(shape, "rand-strategies")
    report = data.draw(reports(spec))
    assert errors(report, spec) == frozenset()
    if any(c.rule.id != "N.int" for t in spec.tables for c in t.constraints):
        broken, expected, _ = data.draw(broken_reports(spec))
        assert errors(broken, spec) == expected == error_violations(broken, spec)


def test_every_perturbation_is_drawn_and_breaks_something() -> None:
    """Each slip shows up and is made as itself in most draws; every draw breaks a rule."""
    seen: Counter[str] = Counter()
    broke = 0

    @settings(deadline=None, max_examples=300, database=None)
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        nonlocal broke
        how = data.draw(st.sampled_from(PERTURBATIONS))
        _, expected, damage = data.draw(broken_reports("national-2021", perturbations=[how]))
        seen[how] += 1
        assert expected
        broke += damage.slip == how

    run()
    assert set(seen) == set(PERTURBATIONS)
    assert broke > 0.8 * sum(seen.values())


@pytest.mark.parametrize("name", PERTURBATIONS)
def test_each_registry_slip_is_made_as_itself(name: str) -> None:
    """perturbations= takes every registry name, and that slip is made (not a miscount)."""
    made: Counter[str] = Counter()

    @settings(deadline=None, max_examples=40, database=None, derandomize=True)
    @given(broken=broken_reports("national-2021", perturbations=[name]))
    def run(broken: Broken) -> None:
        made[broken.damage.slip] += 1

    run()
    assert made[name] > 0.5 * sum(made.values()), made


def test_failures_shrink_to_small_readable_reports() -> None:
    """A failing property shrinks to a report of zeros around one offending cell."""
    report, expected, _ = find(
        broken_reports("national-2019", rules=["C3.results_total"]),
        lambda pair: any(v.rule == "C3.results_total" for v in pair[1]),
        settings=settings(database=None, max_examples=500),
    )
    nonzero = [c for *_, c in report.cells() if isinstance(c.value, gx.Number) and c.value.value]
    assert len(nonzero) <= 3
    assert expected


def test_blank_totals_make_uncertain_violations() -> None:
    """A blanked total yields `uncertain` violations, as validate reports them."""
    report, expected, _ = find(
        broken_reports("national-2021", perturbations=["left_blank"], rules=["C4.group_total"]),
        lambda pair: bool(pair[1]) and any(c.is_blank for *_, c in pair[0].cells()),
        settings=settings(database=None, max_examples=500),
    )
    assert {v.status for v in expected} == {"uncertain"}
    assert errors(report) == expected


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"max_value": 0}, "max_value"),
        ({"zeros": 2.0}, "zeros"),
        ({"blanks": -1.0}, "blanks"),
    ],
)
def test_bad_options_are_refused(kwargs: dict[str, object], needle: str) -> None:
    """Out-of-range options raise InvalidArgument naming the option."""
    from hypothesis.errors import InvalidArgument

    with pytest.raises(InvalidArgument, match=needle):
        reports("national-2019", **kwargs)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match="no error-severity rule"):
        broken_reports("national-2019", rules=["nope"])
