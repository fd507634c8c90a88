"""One ``template=`` everywhere, and a report that carries its spec.

A report read with a template nobody registered must be as usable as any other:
validated, rendered in every form, diagnosed, serialised and listed in long format.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import gxschema as gx
from gxschema import templates
from gxschema._resolve import UnknownTemplateError, resolve_template, spec_of
from tests.conftest import EXAMPLES

EXAMPLE = EXAMPLES / "lucheng-police-2020.txt"

#: A variant declared here and never registered.
UNREGISTERED = templates.NATIONAL_2019.extend(
    "unregistered-2019", description="A variant that no registry knows."
)


@pytest.fixture(scope="module")
def report() -> gx.Report:
    """The example report read with the unregistered variant."""
    return gx.read(EXAMPLE, template=UNREGISTERED)


def test_the_variant_is_not_registered() -> None:
    """The premise: the registry does not know the template."""
    assert "unregistered-2019" not in templates.available()
    with pytest.raises(KeyError):
        templates.get("unregistered-2019")


def test_report_carries_its_spec(report: gx.Report) -> None:
    """The report names its template and carries the spec it was read with."""
    assert report.template == "unregistered-2019"
    assert report.spec is UNREGISTERED.spec
    assert spec_of(report) is UNREGISTERED.spec


def test_unregistered_report_validates(report: gx.Report) -> None:
    """Validation uses the carried spec and finds the example's violations."""
    rules = {v.rule for v in gx.validate(report) if v.status == "fail"}
    assert {"C3.balance", "C3.results_total"} <= rules
    assert gx.check(report).verdict == "failed"
    with pytest.raises(gx.ValidationError):
        gx.check(report).raise_if_failed()


@pytest.mark.parametrize("form", ["text", "html", "markdown", "docx"])
def test_unregistered_report_renders_and_reads_back(report: gx.Report, form: str) -> None:
    """Every writer uses the carried spec; the rendering reads back equal with it."""
    written = gx.render(report, form)
    again = gx.read(written, template=UNREGISTERED)
    assert again == report


def test_unregistered_report_diagnoses(report: gx.Report) -> None:
    """Diagnosis uses the carried spec: the best explanation fixes （七）总计."""
    best = gx.diagnose(report)[0]
    assert {(c.table, c.line_id) for c in best.changes} == {("s3", "r7_total")}


def test_unregistered_report_serialises(report: gx.Report) -> None:
    """JSON round-trips (the template named by the caller) and long rows list the cells."""
    text = gx.to_json(report)
    assert gx.from_json(text, template=UNREGISTERED) == report
    rows = list(gx.long_rows(report))
    assert len(rows) == sum(1 for _ in report.cells())
    assert {r.template for r in rows} == {"unregistered-2019"}


def test_template_keyword_takes_id_declaration_or_spec(report: gx.Report) -> None:
    """validate, render and diagnose take an id, a declaration or a spec alike."""
    registered = gx.read(EXAMPLE)
    by_id = gx.validate(registered, template="national-2019")
    assert by_id == gx.validate(registered, template=templates.NATIONAL_2019)
    assert by_id == gx.validate(registered, template=templates.get("national-2019"))
    assert gx.render(registered, "text", template="national-2019") == gx.render(
        registered, "text", template=templates.NATIONAL_2019
    )
    assert gx.diagnose(registered, template="national-2019") == gx.diagnose(registered)


def test_unknown_template_is_a_gxschema_error() -> None:
    """An unknown id is a GxSchemaError (and a KeyError) listing what exists."""
    with pytest.raises(UnknownTemplateError, match="national-2021") as info:
        resolve_template("no-such-template")
    assert isinstance(info.value, gx.GxSchemaError)
    assert isinstance(info.value, KeyError)
    with pytest.raises(TypeError, match="template= takes"):
        resolve_template(42)  # type: ignore[arg-type]


def test_one_line_text_that_is_no_file_is_a_parse_error(tmp_path: Path) -> None:
    """A long one-line string is neither a file name nor a report: a ParseError."""
    with pytest.raises(gx.ParseError):
        gx.read("三" * 300)
    with pytest.raises(gx.ParseError, match="no-such-file"):
        gx.read(str(tmp_path / "no-such-file.txt"))
