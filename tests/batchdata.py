"""Reports for the batch tests: drawn with fixed seeds, titled with an agency and year."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import attrs
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st

import gxschema as gx
from gxschema import Cell, Number
from gxschema.strategies import reports

T = TypeVar("T")


def draw(strategy: st.SearchStrategy[T], n: int) -> T:
    """An example of a strategy under seed ``n`` (the same on every run).

    The third example drawn: the first is often the simplest (all zeros).
    """
    out: list[T] = []

    @seed(n)
    @settings(
        max_examples=3,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(x: T) -> None:
        out.append(x)

    collect()
    return out[-1]


def titled(report: gx.Report, agency: str, year: int) -> gx.Report:
    """The report under a title naming the agency and year."""
    title = f"{agency}{year}年政府信息公开工作年度报告"
    meta = gx.Metadata(
        agency=agency, year=year, title=title, agency_from="title", year_from="title"
    )
    return attrs.evolve(report, metadata=meta)


def report_of(year: int, n: int, agency: str = "某某县财政局") -> gx.Report:
    """A consistent report of the template of ``year``, titled."""
    template = "national-2019" if year <= 2020 else "national-2021"
    return titled(draw(reports(template, max_value=50), n), agency, year)


def with_line(report: gx.Report, table: str, line: str, values: dict[str, int]) -> gx.Report:
    """The report with some cells of one line set."""
    tables = {t: {ln: dict(row) for ln, row in rows.items()} for t, rows in report.tables.items()}
    for column, v in values.items():
        tables[table][line][column] = Cell(Number(v), str(v))
    return attrs.evolve(report, tables=tables)


def write_html(directory: Path, name: str, report: gx.Report) -> Path:
    """Write a report as an HTML page."""
    path = directory / name
    path.write_text(str(gx.render(report, "html")), encoding="utf-8")
    return path
