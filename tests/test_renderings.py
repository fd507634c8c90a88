"""Noisy renderings: every form, with every kind of noise, reads back as its expected report."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import gxschema as gx
from gxschema._writers import FORMS
from gxschema.strategies import NOISE, Rendering, renderings, reports
from tests.conftest import examples

TEMPLATES = gx.templates.available()
# One property per form, the template drawn inside: each example writes a report of up
# to 200 cells and reads it back, so the fast profile runs fewer of them than usual;
# the thorough profile runs its full count.
EXAMPLES = examples(15)
# Built once: building a strategy per cell costs more than drawing from it.
COUNTS = st.just(0) | st.integers(0, 10**6)
SIGNED = st.just(0) | st.integers(-(10**6), 10**6)


@st.composite
def simple_reports(draw: st.DrawFn, spec: gx.spec.TemplateSpec) -> gx.Report:
    """A report with every declared cell, each an integer written plainly (maybe 0)."""
    tables: dict[str, dict[str, dict[str, gx.Cell]]] = {}
    for table in spec.tables:
        for line in table.lines:
            row = tables.setdefault(table.id, {}).setdefault(line.id, {})
            for column in table.columns:
                n = draw(SIGNED if column.kind is gx.values.Kind.DELTA else COUNTS)
                value = gx.values.parse_value(str(n), column.kind, unit=column.unit)
                row[column.id] = gx.Cell(value=value, raw=str(n))
    return gx.Report(template=spec.id, tables=tables)


def sample_report(spec: gx.spec.TemplateSpec, *, tables: int | None = None) -> gx.Report:
    """A fixed report of ``spec`` where every kind of noise has somewhere to go.

    Zeros, values over 1000, negative and positive changes; ``tables`` keeps only the
    first few tables with a line of each heading group, so that shrinking stays quick.
    """
    out: dict[str, dict[str, dict[str, gx.Cell]]] = {}
    n = 0
    for table in spec.tables[:tables]:
        lines = table.lines if tables is None else table.lines[::4]
        for line in lines:
            row = out.setdefault(table.id, {}).setdefault(line.id, {})
            for column in table.columns:
                n += 1
                number = 0 if n % 3 == 0 else 997 * n
                if column.kind is gx.values.Kind.DELTA and n % 2:
                    number = -number
                raw = str(number)
                value = gx.values.parse_value(raw, column.kind, unit=column.unit)
                row[column.id] = gx.Cell(value, raw)
    return gx.Report(template=spec.id, tables=out)


def read_back(rendering: Rendering) -> gx.Report:
    return gx.read(rendering.content, form=rendering.form)


@pytest.mark.parametrize("form", FORMS)
@settings(deadline=None, max_examples=EXAMPLES, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_noisy_rendering_reads_as_its_expected_report(form: str, data: st.DataObject) -> None:
    """read(r.content, form=r.form) == r.expected for plain integer reports of every template."""
    template = data.draw(st.sampled_from(TEMPLATES), label="template")
    report = data.draw(simple_reports(gx.templates.get(template)), label="report")
    rendering = data.draw(renderings(report, form), label="rendering")
    assert read_back(rendering) == rendering.expected, rendering.noise


@pytest.mark.parametrize("form", FORMS)
@settings(deadline=None, max_examples=EXAMPLES, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_noisy_renderings_of_generated_reports_read_back(form: str, data: st.DataObject) -> None:
    """The same holds for the consistent reports strategies.reports() draws."""
    template = data.draw(st.sampled_from(TEMPLATES), label="template")
    report = data.draw(reports(template, blanks=0.2, approximate=True), label="report")
    rendering = data.draw(renderings(report, form), label="rendering")
    assert read_back(rendering) == rendering.expected, rendering.noise


@pytest.mark.parametrize("form", FORMS)
def test_without_noise_a_rendering_is_what_render_writes(form: str) -> None:
    """The least noisy rendering is render(report, form) exactly, expecting the report back."""
    report = sample_report(gx.templates.get("national-2019"))
    # Hypothesis tries the simplest example first: every noise off.
    simplest = settings(database=None, phases=[Phase.generate])
    least = find(renderings(report, form), lambda _: True, settings=simplest)
    assert least.noise == ()
    assert least.content == gx.render(report, form)
    assert least.expected == report


@pytest.mark.parametrize("form", FORMS)
def test_each_kind_of_noise_happens(form: str) -> None:
    """Every kind of noise a form declares is drawn, and changes what is written."""
    report = sample_report(gx.templates.get("national-2019"))
    plain = gx.render(report, form)
    for kind in NOISE[form]:
        found = find(
            renderings(report, form),
            lambda r, kind=kind: kind in r.noise,
            settings=settings(database=None, phases=[Phase.generate], max_examples=200),
        )
        assert found.content != plain, kind


SHRINKING = [
    ("text", "label-break"),
    ("markdown", "padding"),
    ("docx", "alias"),
    ("html", "blank-zeros"),
    ("html", "gb18030"),
]


@pytest.mark.parametrize(("form", "kind"), SHRINKING)
def test_noise_shrinks_to_the_kind_that_matters(form: str, kind: str) -> None:
    """A rendering found for one kind of noise shrinks to that kind alone, still read back."""
    report = sample_report(gx.templates.get("national-2019"), tables=2)
    found = find(
        renderings(report, form),
        lambda r: kind in r.noise,
        settings=settings(database=None, max_examples=500),
    )
    assert found.noise == (kind,)
    assert read_back(found) == found.expected


def test_zeros_printed_blank_are_expected_as_blank() -> None:
    """A zero the noise prints blank is expected back as BLANK, not 0."""
    report = sample_report(gx.templates.get("national-2021"))
    found = find(
        renderings(report, "html"),
        lambda r: "blank-zeros" in r.noise,
        settings=settings(database=None, phases=[Phase.generate]),
    )
    blanked = [
        (t, ln, c)
        for t, ln, c, cell in found.expected.cells()
        if cell.is_blank and report.cell(t, ln, c) == gx.Cell(gx.Number(0), "0")
    ]
    assert blanked
    assert read_back(found) == found.expected


def test_an_unknown_form_is_an_invalid_argument() -> None:
    """renderings() refuses a form the writers do not write."""
    report = sample_report(gx.templates.get("national-2019"))
    with pytest.raises(InvalidArgument, match="pdf"):
        renderings(report, "pdf")
