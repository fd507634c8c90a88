"""Nothing a report holds is lost or changed.

Huge counts, footnotes, nested tables, unmatched rows and round trips through the
writers.
"""

from __future__ import annotations

import jsonschema
import orjson

import gxschema as gx
from tests.layout import tab_text

HUGE = 10**40 + 7  # 41 digits: the reader accepts counts of up to 100


def _numbered(spec: gx.spec.TemplateSpec) -> dict[tuple[str, str, str], str]:
    out = {}
    for n, (table, line, column) in enumerate(
        ((t, ln, c) for t in spec.tables for ln, c in t.cells()), start=1
    ):
        out[(table.id, line.id, column.id)] = str(n)
    return out


def test_counts_beyond_64_bits_round_trip_through_json() -> None:
    """A count of 41 digits is written as a string of digits and read back exactly."""
    spec = gx.templates.get("national-2021")
    values = _numbered(spec)
    s3 = spec.table("s3")
    first = (s3.id, s3.lines[0].id, s3.columns[0].id)
    values[first] = str(HUGE)
    report = gx.read(tab_text(spec, values, year=2023))
    cell = report.tables[first[0]][first[1]][first[2]]
    assert cell.value == gx.Number(HUGE)
    text = gx.to_json(report)
    data = orjson.loads(text)
    assert data["tables"][first[0]][first[1]][first[2]]["value"] == str(HUGE)
    jsonschema.validate(data, gx.json_schema(spec))
    assert gx.from_json(text) == report
    # Just past 2**53: a string too, so no JSON reader rounds it.
    edge = gx.Cell(value=gx.Number(2**53), raw=str(2**53))
    assert orjson.loads(gx.to_json(edge))["value"] == str(2**53)
    assert orjson.loads(gx.to_json(gx.Cell(value=gx.Number(2**53 - 1), raw="")))["value"] == (
        2**53 - 1
    )
    # Anything else holding the number (the violations of check) is written too.
    assert str(HUGE) in gx.to_json(gx.validate(report))
