"""One series across the template change: rows of agency, year, series id and value.

The cells behind each series are the registered series maps' (declared next to the
templates, :class:`gxschema.dsl.SeriesMap`): a report gives a series from the later
template's cells when its table has them, else from the earlier template's.  The sum
of cells is exact (tolerances add); a blank or missing addend leaves the value empty,
never 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from gxschema._report import Report
from gxschema._seriesmap import SeriesLink, links_of, series_maps
from gxschema._values import Number
from gxschema.batch._cross import Mapping_, place
from gxschema.batch._rows import Row, exact

__all__ = ["SERIES_COLUMNS", "links", "series_of", "series_table"]

SERIES_COLUMNS: tuple[str, ...] = (
    "agency",
    "year",
    "series",
    "value",
    "exact",
    "tolerance",
    "template",
    "comparable",
    "reading",
    "file",
)


def links() -> tuple[SeriesLink, ...]:
    """Every link of the registered series maps."""
    import gxschema.templates  # noqa: F401  (registers the national map)

    return links_of(series_maps())


def _table_templates(report: Report) -> dict[str, str]:
    return {d.table: d.template for d in report.detection}


def _sum(rows: Any, cells: Sequence[str]) -> tuple[bool, Any, Any]:
    """(present, value, tolerance) of a sum of ``line.column`` cells; value None if blank."""
    total: Any = 0
    tol: Any = 0
    blank = False
    for key in cells:
        line, _, column = key.partition(".")
        cell = rows.get(line, {}).get(column)
        if cell is None:
            return False, None, None
        v = cell.value
        if isinstance(v, Number):
            total += v.value
            tol += v.tolerance
        else:
            blank = True
    return True, (None if blank else total), (None if blank else tol)


def series_of(report: Report, name: str, mapping: Mapping_ | None = None) -> list[Row]:
    """The series rows of one report (none when its agency or year is unknown)."""
    agency, year = place(name, report.metadata.agency, report.metadata.year, mapping)
    if agency is None or year is None:
        return []
    per_table = _table_templates(report)
    out: list[Row] = []
    for link in links():
        rows = report.tables.get(link.table)
        if not rows:
            continue
        for cells in (link.after, link.before):
            if not cells:
                continue
            present, value, tol = _sum(rows, cells)
            if not present:
                continue
            out.append(
                (
                    agency,
                    year,
                    link.series,
                    None if value is None else float(value),
                    None if value is None else exact(value),
                    None if tol is None else float(tol),
                    per_table.get(link.table, report.template),
                    link.comparable,
                    link.reading,
                    name,
                )
            )
            break
    return out


def series_table(rows: Iterable[Row]) -> Any:
    """The series rows as an Arrow table (extra ``parquet``)."""
    from gxschema.batch._arrow import pyarrow

    pa = pyarrow()
    types = {
        "year": pa.int64(),
        "value": pa.float64(),
        "tolerance": pa.float64(),
        "comparable": pa.bool_(),
    }
    schema = pa.schema([(c, types.get(c, pa.string())) for c in SERIES_COLUMNS])
    data = list(rows)
    columns: list[Any] = list(zip(*data, strict=True)) if data else [[] for _ in SERIES_COLUMNS]
    return pa.Table.from_arrays(
        [pa.array(list(c), type=f.type) for c, f in zip(columns, schema, strict=True)],
        schema=schema,
    )
