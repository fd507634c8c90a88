"""The round trip, factored: the layout maps back with no form, and each form is a codec.

``read(render(r, form)) == r`` is two properties:

* **form-free**: mapping the grid the layout produces gives the report back,
  ``map(lay_out(r)) == r``;
* **one per form**: the form's reader reads back what its writer wrote from that grid:
  an equivalent grid (the same table rows, each cell's text up to the white space the
  form may change, its spans where the form keeps them, and the headings in order),
  which maps to the same report.

Both are drawn over the reports ``gxschema.strategies.reports`` makes, for every
template, with blank and approximate cells, consistent or not, and with only some of
their tables and lines (the layout writes what a report holds).
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import gxschema as gx
from gxschema._forms import forms, get_form
from gxschema._grid import Grid, GridRow
from gxschema._mapper import map_grid
from gxschema._writers._layout import lay_out
from gxschema.strategies import reports
from tests.conftest import EXAMPLES, examples

TEMPLATES = gx.templates.available()
# What each reader gives back of a cell's spans (the tab layout and Markdown's ^^ carry
# no row span; the tab layout no column span either).
SPANS = {
    "text": (),
    "html": ("colspan", "rowspan"),
    "markdown": ("colspan",),
    "docx": ("colspan", "rowspan"),
}
WRITTEN = [f.name for f in forms(writable=True)]
# Built once: building a strategy per example costs more than drawing from it.
REPORTS = {
    (t, consistent): reports(t, consistent=consistent, blanks=0.3, approximate=True)
    for t in TEMPLATES
    for consistent in (False, True)
}


class Held(tuple[gx.spec.TemplateSpec, gx.Report]):
    """A drawn (spec, report) that prints short, so that a failing example reads well."""

    def __repr__(self) -> str:
        spec, report = self
        lines = sum(len(rows) for rows in report.tables.values())
        return f"<{spec.id}: {len(report.tables)} tables, {lines} lines>"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        printer.text(repr(self))


@st.composite
def held_reports(draw: st.DrawFn) -> Held:
    """A drawn report of a drawn template, holding some of its tables and lines.

    A flat table is held whole (its lines are blocks of one printed row); a cell absent
    from a held line would read back as an empty BLANK, so lines are held whole.
    """
    template = draw(st.sampled_from(TEMPLATES), label="template")
    spec = gx.templates.get(template)
    report = draw(REPORTS[template, draw(st.booleans(), label="consistent")], label="report")
    # Which tables, and which lines of a grid table, are held: one draw each (a bit per
    # table or line, shrinking towards the first), at least one of each.
    held = draw(st.integers(1, 2 ** len(spec.tables) - 1), label="tables")
    tables: dict[str, dict[str, dict[str, gx.Cell]]] = {}
    for i, table in enumerate(spec.tables):
        if not held >> i & 1:
            continue
        rows = report.tables[table.id]
        lines = [ln.id for ln in table.lines]
        if table.layout != "flat":
            mask = draw(st.integers(1, 2 ** len(lines) - 1), label=f"lines of {table.id}")
            lines = [ln for j, ln in enumerate(lines) if mask >> j & 1]
        tables[table.id] = {ln: dict(rows[ln]) for ln in lines}
    return Held((spec, gx.Report(template=spec.id, tables=tables)))


def _key(text: str) -> str:
    return " ".join(text.split())


def _table_rows(grid: Grid, spans: tuple[str, ...]) -> list[list[tuple[object, ...]]]:
    """Every table row of a grid, each cell as its text (empty when continued) and spans."""
    return [
        [
            (
                "" if c.continued else _key(c.text),
                *(getattr(c, s) for s in spans if not c.continued),
            )
            for c in row.cells
        ]
        for row in grid.rows
        if not row.heading
    ]


def _headings(grid: Grid) -> list[str]:
    return [_key(row.cells[0].text) for row in grid.rows if row.heading and row.cells]


def _is_subsequence(part: list[str], whole: list[str]) -> bool:
    it = iter(whole)
    return all(any(x == y for y in it) for x in part)


def assert_equivalent(back: Grid, laid: Grid, form: str) -> None:
    """The grid read back is the laid-out grid, up to what the form cannot carry."""
    assert _table_rows(back, SPANS[form]) == _table_rows(laid, SPANS[form])
    assert _is_subsequence(_headings(laid), _headings(back)), (_headings(laid), _headings(back))


def _map(grid: Grid, spec: gx.spec.TemplateSpec) -> gx.Report:
    return map_grid(grid, [spec])


@settings(deadline=None, max_examples=examples(100), suppress_health_check=[HealthCheck.too_slow])
@given(held_reports())
def test_the_layout_maps_back_with_no_form(drawn: tuple[gx.spec.TemplateSpec, gx.Report]) -> None:
    """map(lay_out(r)) == r: the grid the writers share holds the whole report."""
    spec, report = drawn
    laid = lay_out(report, spec)
    assert _map(laid, spec) == report
    refs = [c.ref for row in laid.rows for c in row.cells if c.role == "value"]
    held = [(t, ln, c) for t, ln, c, _ in report.cells()]
    assert sorted(r for r in refs if r is not None) == sorted(held) or not report.tables


@pytest.mark.parametrize("form", WRITTEN)
@settings(deadline=None, max_examples=examples(40), suppress_health_check=[HealthCheck.too_slow])
@given(drawn=held_reports())
def test_each_form_is_a_codec_over_the_grid(
    form: str, drawn: tuple[gx.spec.TemplateSpec, gx.Report]
) -> None:
    """read(write(grid)) is an equivalent grid, and it maps to the same report."""
    spec, report = drawn
    codec = get_form(form)
    assert codec.write is not None
    laid = lay_out(report, spec)
    back = codec.read_content(codec.write(laid), f"<{form}>")
    assert_equivalent(back, laid, form)
    assert _map(back, spec) == report


def test_a_blank_form_is_laid_out_and_read_back_in_every_form() -> None:
    """A report without tables lays out as the blank form, which every codec carries."""
    spec = gx.templates.get("national-2021")
    laid = lay_out(gx.Report(template=spec.id), spec)
    assert [r.cells[0].role for r in laid.rows if r.heading][:2] == ["title", "section"]
    for form in WRITTEN:
        codec = get_form(form)
        assert codec.write is not None
        back = codec.read_content(codec.write(laid), f"<{form}>")
        assert_equivalent(back, laid, form)


def test_a_reader_grid_is_written_too() -> None:
    """A writer takes any grid, a reader's included: a page read as HTML, written as Markdown."""
    report = gx.read((EXAMPLES / "lucheng-police-2020.txt").read_text(encoding="utf-8"))
    grid = get_form("html").read_content(gx.render(report, "html"), "<html>")
    assert all(c.role is None for row in grid.rows for c in row.cells)
    markdown = get_form("markdown")
    assert markdown.write is not None
    again = markdown.read_content(markdown.write(grid), "<markdown>")
    assert _table_rows(again, ()) == _table_rows(grid, ())
    assert _map(again, gx.templates.get(report.template)) == report


def test_rows_keep_their_heading_rows() -> None:
    """The equivalence sees headings: a grid without them is not equivalent."""
    spec = gx.templates.get("national-2019")
    laid = lay_out(gx.Report(template=spec.id), spec)
    stripped = Grid(rows=tuple(r for r in laid.rows if not r.heading), source="<x>", form="layout")
    with pytest.raises(AssertionError):
        assert_equivalent(stripped, laid, "text")
    moved = Grid(rows=(*laid.rows[1:], laid.rows[0]), source="<x>", form="layout")
    assert isinstance(moved.rows[-1], GridRow)
    with pytest.raises(AssertionError):
        assert_equivalent(moved, laid, "html")
