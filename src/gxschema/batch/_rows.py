"""The rows of a batch's three tables, built from one report's check.

* ``reports``: one row per input report: file, sha256, agency, year (each with where
  it came from), template, verdict and counts, a digest of its cells (for ``X.same``)
  and, for an unreadable file, the message;
* ``cells``: the long rows: one per cell, with its exact value, unit, tolerance, raw
  text, whether it is blank or inferred, how the reader placed it and where;
* ``findings``: one per finding (completeness, rules, claims, cross-year), each with
  the cells it names (``table.line.column``), and for a cross-year finding the other
  file and its cells.

Rows are plain tuples in the column order below, cheap to send between processes.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Any

from gxschema._cell import Cell, Location
from gxschema._check import CheckResult, Finding
from gxschema._report import Report
from gxschema._resolve import spec_of
from gxschema._values import Number

__all__ = [
    "CELL_COLUMNS",
    "FINDING_COLUMNS",
    "REPORT_COLUMNS",
    "cell_key",
    "cell_rows",
    "digest",
    "exact",
    "finding_rows",
    "report_row",
    "unreadable_row",
]

REPORT_COLUMNS: tuple[str, ...] = (
    "file",
    "sha256",
    "agency",
    "agency_from",
    "year",
    "year_from",
    "template",
    "verdict",
    "errors",
    "warnings",
    "cells",
    "blanks",
    "digest",
    "error",
)
CELL_COLUMNS: tuple[str, ...] = (
    "file",
    "sha256",
    "template",
    "table",
    "line_id",
    "line_label",
    "column_id",
    "column_label",
    "value",
    "exact",
    "unit",
    "tolerance",
    "raw",
    "blank",
    "inferred",
    "how",
    "source",
)
FINDING_COLUMNS: tuple[str, ...] = (
    "file",
    "sha256",
    "id",
    "kind",
    "severity",
    "status",
    "table",
    "at",
    "cells",
    "other_file",
    "other_cells",
    "message_zh",
    "message_en",
    "evidence",
)

Row = tuple[Any, ...]


def exact(value: int | Decimal) -> str:
    """A number as exact text (``9742000.00``, ``12``)."""
    return str(value)


def cell_key(table: str, line: str, column: str) -> str:
    """The name of a cell in the findings table: ``table.line.column``."""
    return f"{table}.{line}.{column}"


def _how(cell: Cell) -> str | None:
    """How the cell was read.

    The reader's own word (``Cell.how``) when it gave one; else ``inferred`` for an
    inferred cell, ``cell`` for one read from a place in the input, and None for a cell
    not read (generated, built by hand).
    """
    if cell.how is not None:
        return cell.how
    if cell.inferred:
        return "inferred"
    return "cell" if cell.source is not None else None


_WHERE = ("page", "line", "column", "table", "row", "cell")


def _where(loc: Location | None) -> str | None:
    """``str(loc)``, without its per-call attribute lookups by name (a hot path)."""
    if loc is None:
        return None
    page, line, column, table, row, cell = (
        loc.page, loc.line, loc.column, loc.table, loc.row, loc.cell
    )  # fmt: skip
    if page is None and line is None and column is None:
        if table is not None and row is not None and cell is not None:
            return f"table {table}, row {row}, cell {cell}"  # a grid cell: the common case
    elif page is None and table is None and row is None and cell is None:  # noqa: SIM102
        if line is not None and column is not None:
            return f"line {line}, column {column}"  # a text cell
    parts = (page, line, column, table, row, cell)
    text = ", ".join(f"{n} {v}" for n, v in zip(_WHERE, parts, strict=True) if v is not None)
    return text or "unknown location"


def cell_rows(name: str, sha256: str, report: Report) -> list[Row]:
    """One row per cell present in the report, in document order."""
    spec = spec_of(report)
    template = report.template
    out: list[Row] = []
    append = out.append
    for table in spec.tables:
        lines = report.tables.get(table.id)
        if not lines:
            continue
        tid = table.id
        columns = [(c.id, c.label, c.unit) for c in table.columns]
        for ln in table.lines:
            cells = lines.get(ln.id)
            if not cells:
                continue
            lid, label = ln.id, ln.label
            for cid, clabel, cunit in columns:
                cell = cells.get(cid)
                if cell is None:
                    continue
                v = cell.value
                value: float | None
                text: str | None
                tol: float | None
                if isinstance(v, Number):
                    n = v.value
                    value, text, unit, tol = float(n), str(n), v.unit or cunit, float(v.tolerance)
                else:
                    value = text = tol = None
                    unit = cunit
                how: str | None = cell.how
                if how is None:
                    how = _how(cell)
                append(
                    (
                        name, sha256, template, tid, lid, label, cid, clabel, value, text, unit,
                        tol, cell.raw, value is None, cell.inferred, how, _where(cell.source),
                    )
                )  # fmt: skip
    return out


def digest(report: Report) -> str:
    """A digest of every cell's id and value: equal digests, equal cells (``X.same``)."""
    parts: list[str] = []
    append = parts.append
    for table_id in sorted(report.tables):
        lines = report.tables[table_id]
        for line_id in sorted(lines):
            prefix = f"{table_id}.{line_id}."
            for column_id, cell in sorted(lines[line_id].items()):
                v = cell.value
                text = str(v.value) if isinstance(v, Number) else "-"
                append(f"{prefix}{column_id}={text};")
    # One update of the whole text: the same digest as an update per cell.
    return hashlib.blake2b("".join(parts).encode(), digest_size=16).hexdigest()


def _counts(result: CheckResult) -> tuple[int, int, int, int]:
    errors = sum(1 for f in result.findings if f.severity == "error")
    warnings = len(result.findings) - errors
    cells = blanks = 0
    for lines in result.report.tables.values():
        for row in lines.values():
            for cell in row.values():
                cells += 1
                blanks += cell.value.__class__ is not Number
    return errors, warnings, cells, blanks


def report_row(name: str, sha256: str, result: CheckResult) -> Row:
    """The ``reports`` row of a checked report."""
    meta = result.metadata
    errors, warnings, cells, blanks = _counts(result)
    return (
        name,
        sha256,
        meta.agency,
        meta.agency_from,
        meta.year,
        meta.year_from,
        result.template,
        result.verdict,
        errors,
        warnings,
        cells,
        blanks,
        digest(result.report),
        None,
    )


def unreadable_row(name: str, sha256: str | None, message: str) -> Row:
    """The ``reports`` row of a file that could not be read."""
    return (
        name,
        sha256,
        None,
        None,
        None,
        None,
        None,
        "unreadable",
        0,
        0,
        0,
        0,
        None,
        message,
    )


def _finding_row(name: str, sha256: str, f: Finding) -> Row:
    table = f.table or ""
    return (
        name,
        sha256,
        f.id,
        f.kind,
        f.severity,
        f.status,
        f.table,
        f.at,
        [cell_key(table, c.line_id, c.column_id) for c in f.cells],
        None,
        [],
        f.message_zh,
        f.message_en,
        f.evidence,
    )


def finding_rows(name: str, sha256: str, result: CheckResult) -> list[Row]:
    """One ``findings`` row per finding of a report's check."""
    return [_finding_row(name, sha256, f) for f in result.findings]
