"""Golden tests on the hand-checked corpus: validate finds exactly what each file lists.

The corpus PDFs are read by the readers of a later release; here each report is built
from its ``*.expected.json`` by a small loader that finds lines and columns by their
official labels in the spec, so nothing here spells a template again.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

import gxschema as gx
from tests.conftest import CORPUS, need

NAMES = ["hzq-2023", "hzq-2024", "huaian-2024"]
TEXTS = {"pingtan-2022": "txt", "shanghai-office-2025": "md"}
"""The corpus files in messy text forms (crawled page text, converter Markdown), read by
the aligner; the PDFs are read cell for cell in ``tests/test_pdf.py``."""
KNOWN_OPEN: dict[str, set[tuple[str, str, str]]] = {}
"""Cells of a corpus file the reader names as open (ambiguous) instead of reading, by
file: none today.  (shanghai-office-2025's 第二十条第（一）项 cells, printed apart from
their rows, are placed by the notes printed with them.)"""


def _template_for(data: dict[str, Any]) -> gx.spec.TemplateSpec:
    """Pick the template the file's own tables follow (the hybrid keeps a single r6 row)."""
    if data["template"] == "gb2019":
        return gx.templates.get("national-2019")
    if "r6" in data["s3"]:
        return gx.templates.get("hybrid-2021")
    return gx.templates.get("national-2021")


def _cell(column: gx.spec.ColumnSpec, value: Any) -> gx.Cell:
    if value is None:
        return gx.Cell(value=gx.BLANK, raw="")
    if column.kind is gx.values.Kind.MONEY:
        return gx.Cell(value=gx.Number(Decimal(value), unit=column.unit), raw=str(value))
    return gx.Cell(value=gx.Number(int(value)), raw=str(value))


def load(path: Path) -> tuple[gx.Report, dict[str, Any]]:
    """Build a report from an expected.json file."""
    data = json.loads(path.read_text(encoding="utf-8"))
    spec = _template_for(data)
    tables: dict[str, dict[str, dict[str, gx.Cell]]] = {}
    for block, rows in data["s2"].items():
        table = spec.table(f"s2.{block}")
        for line_label, columns in rows.items():
            line = next(ln for ln in table.lines if ln.label == line_label)
            for column_label, value in columns.items():
                column = next(c for c in table.columns if c.label == column_label)
                tables.setdefault(table.id, {}).setdefault(line.id, {})[column.id] = _cell(
                    column, value
                )
    for table_id in ("s3", "s4"):
        table = spec.table(table_id)
        for line_id, columns in data[table_id].items():
            tables.setdefault(table_id, {})[line_id] = {
                column_id: _cell(table.column(column_id), value)
                for column_id, value in columns.items()
            }
    return gx.Report(template=spec.id, tables=tables, source=path.name), data


@pytest.fixture(params=NAMES)
def corpus_file(request: pytest.FixtureRequest) -> Path:
    """One expected.json of the corpus (skipped when ../shared is absent)."""
    return need(CORPUS / f"{request.param}.expected.json")


def test_every_declared_cell_is_in_the_file(corpus_file: Path) -> None:
    """The loader fills every cell of the template the file follows: the spec fits the corpus."""
    report, _ = load(corpus_file)
    spec = gx.templates.get(report.template)
    for table in spec.tables:
        for line, column in table.cells():
            assert report.cell(table.id, line.id, column.id) is not None, (
                table.id,
                line.id,
                column.id,
            )


Sides = dict[tuple[str, str], tuple[object, object]]


def found_and_listed(report: gx.Report, data: dict[str, Any]) -> tuple[Sides, Sides]:
    """The error violations validate finds, and those the file lists, as (rule, at) → sides."""
    spec = gx.templates.get(report.template)
    scope = {r.id: r.scope for r in spec.rules}
    found: Sides = {
        (v.rule, v.at): (v.lhs, v.rhs) for v in gx.validate(report) if v.severity == "error"
    }
    listed: Sides = {
        (e["rule"], e["row"] if scope[e["rule"]] == "line" else e["column"]): (e["lhs"], e["rhs"])
        for e in data["violations"]
    }
    return found, listed


def test_validate_finds_exactly_the_listed_violations(corpus_file: Path) -> None:
    """validate() finds exactly the file's listed hard-rule violations, with both sides."""
    report, data = load(corpus_file)
    found, expected = found_and_listed(report, data)
    assert found == expected
    assert data["consistent"] == (not expected)


def test_hongze_2023_breaks_group_total_twice() -> None:
    """洪泽区 2023: C4.group_total fails on review (11 ≠ 0) and suit_after_review (5 ≠ 0)."""
    report, _ = load(need(CORPUS / "hzq-2023.expected.json"))
    errors = [v for v in gx.validate(report) if v.severity == "error"]
    assert sorted((v.rule, v.at, v.lhs, v.rhs, v.status) for v in errors) == [
        ("C4.group_total", "review", 11, 0, "fail"),
        ("C4.group_total", "suit_after_review", 5, 0, "fail"),
    ]


def test_fee_amounts_are_exact_decimals_in_wan_yuan(corpus_file: Path) -> None:
    """Section 二's fee amount is an exact Decimal in 万元, and S.fee_unit stays quiet."""
    report, data = load(corpus_file)
    cell = report.cell("s2.art20_8", "fees", "amount")
    assert cell is not None
    assert isinstance(cell.value, gx.Number)
    assert cell.value.unit == "万元"
    expected = data["s2"]["art20_8"]["行政事业性收费"]["本年收费金额（单位：万元）"]
    assert cell.value.value == Decimal(expected)
    assert not [v for v in gx.validate(report) if v.rule == "S.fee_unit"]


def _golden(report: gx.Report, data: dict[str, Any]) -> dict[tuple[str, str, str], Any]:
    """(table, line, column) → the golden value, s2 found by its labels in the spec."""
    spec = _template_for(data)
    out: dict[tuple[str, str, str], Any] = {}
    for block, rows in data["s2"].items():
        table = spec.table(f"s2.{block}")
        for line_label, columns in rows.items():
            line = next(ln for ln in table.lines if ln.label == line_label)
            for column_label, value in columns.items():
                column = next(c for c in table.columns if c.label == column_label)
                out[(table.id, line.id, column.id)] = value
    for table_id in ("s3", "s4"):
        for line_id, columns in data[table_id].items():
            for column_id, value in columns.items():
                out[(table_id, line_id, column_id)] = value
    return out


def _same(expected: Any, cell: gx.Cell) -> bool:
    if expected is None:
        return cell.value == gx.BLANK
    if isinstance(expected, str):
        return isinstance(cell.value, gx.Number) and cell.value.value == Decimal(expected)
    return cell.value == gx.Number(expected)


@pytest.mark.parametrize("name", list(TEXTS))
def test_messy_text_files_read_cell_for_cell(name: str) -> None:
    """The crawled page and the converted Markdown read exactly: every golden cell."""
    source = need(CORPUS / f"{name}.{TEXTS[name]}")
    data = json.loads(need(CORPUS / f"{name}.expected.json").read_text(encoding="utf-8"))
    report = gx.read(source)
    assert report.template == _template_for(data).id
    gaps = KNOWN_OPEN.get(name, set())
    golden = _golden(report, data)
    assert len(golden) == 10 + 7 * len(data["s3"]) + 15
    wrong = [k for k, v in golden.items() if (c := report.cell(*k)) is not None and not _same(v, c)]
    unread = {k for k in golden if report.cell(*k) is None}
    assert wrong == []
    assert unread == gaps
    named = {(a.table, *cell) for a in report.ambiguities for cell in a.cells}
    assert gaps <= named
    for a in report.ambiguities:
        truth = tuple(str(golden[(a.table, *cell)]) for cell in a.cells)
        assert truth in a.readings
    found, listed = found_and_listed(report, data)
    assert {k: v for k, v in found.items() if k[0] != "R.cell"} == listed


@pytest.mark.parametrize("name", list(TEXTS))
def test_messy_text_files_say_how_cells_were_read(name: str) -> None:
    """Cells read by the aligner say so; a file with unread cells is never ``ok``."""
    report = gx.read(need(CORPUS / f"{name}.{TEXTS[name]}"))
    hows = {cell.how for _, _, _, cell in report.cells()}
    assert hows
    assert hows <= {"label", "order", "split", "cell"}
    assert "split" in hows or "label" in hows
    verdict = gx.check(report).verdict
    assert verdict == ("incomplete" if KNOWN_OPEN.get(name) else "ok")
