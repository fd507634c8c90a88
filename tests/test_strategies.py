"""The strategies: consistent reports hold, broken ones break exactly as claimed."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import find, given, settings
from hypothesis import strategies as st

import gxschema as gx
from gxschema.strategies import PERTURBATIONS, broken_reports, reports
from tests.conftest import examples
from tests.test_random_templates import declare, template_shapes

TEMPLATES = gx.templates.available()


def errors(report: gx.Report, spec: gx.TemplateSpec | None = None) -> frozenset[gx.Violation]:
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
    """validate(broken report) equals the expected violations exactly, records included."""
    report, expected = data.draw(broken_reports(template))
    assert errors(report) == expected


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
        broken, expected = data.draw(broken_reports(spec))
        assert errors(broken, spec) == expected


def test_every_perturbation_is_drawn_and_breaks_something() -> None:
    """Each kind of damage shows up, and most draws break at least one rule."""
    seen: Counter[str] = Counter()
    broke = 0

    @settings(deadline=None, max_examples=300, database=None)
    @given(data=st.data())
    def run(data: st.DataObject) -> None:
        nonlocal broke
        how = data.draw(st.sampled_from(PERTURBATIONS))
        _, expected = data.draw(broken_reports("national-2021", perturbations=[how]))
        seen[how] += 1
        broke += bool(expected)

    run()
    assert set(seen) == set(PERTURBATIONS)
    assert broke > 0.9 * sum(seen.values())


def test_failures_shrink_to_small_readable_reports() -> None:
    """A failing property shrinks to a report of zeros around one offending cell."""
    report, expected = find(
        broken_reports("national-2019", rules=["C3.results_total"]),
        lambda pair: any(v.rule == "C3.results_total" for v in pair[1]),
        settings=settings(database=None, max_examples=500),
    )
    nonzero = [c for *_, c in report.cells() if isinstance(c.value, gx.Number) and c.value.value]
    assert len(nonzero) <= 3
    assert expected


def test_blank_totals_make_uncertain_violations() -> None:
    """A blanked total yields `uncertain` violations, as validate reports them."""
    report, expected = find(
        broken_reports("national-2021", perturbations=["blank"], rules=["C4.group_total"]),
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
