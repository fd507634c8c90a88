"""The Arrow schemas of the three tables, and rows → Arrow tables (extra ``parquet``)."""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter
from typing import Any

from gxschema.batch._rows import CELL_COLUMNS, FINDING_COLUMNS, REPORT_COLUMNS, Row

__all__ = ["TABLES", "concat", "pyarrow", "schema", "to_table"]

TABLES: tuple[str, ...] = ("reports", "cells", "findings")
"""The tables a batch writes, in the order a chunk is written (reports last)."""

_COLUMNS = {"reports": REPORT_COLUMNS, "cells": CELL_COLUMNS, "findings": FINDING_COLUMNS}


def pyarrow() -> Any:
    """Import pyarrow, or say which extra brings it."""
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError:  # pragma: no cover - depends on the installation
        raise ImportError(
            "the batch tables need pyarrow: pip install 'gxschema[parquet]'"
        ) from None
    return pyarrow


def schema(name: str) -> Any:
    """The Arrow schema of one table: ``reports``, ``cells`` or ``findings``."""
    pa = pyarrow()
    s, i64, f64, b = pa.string(), pa.int64(), pa.float64(), pa.bool_()
    types: dict[str, Any] = {
        "year": i64,
        "errors": i64,
        "warnings": i64,
        "cells": pa.list_(s) if name == "findings" else i64,
        "blanks": i64,
        "value": f64,
        "tolerance": f64,
        "blank": b,
        "inferred": b,
        "other_cells": pa.list_(s),
    }
    return pa.schema([(c, types.get(c, s)) for c in _COLUMNS[name]])


def to_table(name: str, rows: Sequence[Row]) -> Any:
    """An Arrow table of one table's rows."""
    pa = pyarrow()
    sch = schema(name)
    # One column at a time (itemgetter over the rows is cheaper than zip(*rows)).
    return pa.Table.from_arrays(
        [pa.array(list(map(itemgetter(i), rows)), type=f.type) for i, f in enumerate(sch)],
        schema=sch,
    )


def concat(name: str, parts: Sequence[Any]) -> Any:
    """One table of parts of the same table (an empty table for none)."""
    if not parts:
        return to_table(name, [])
    return pyarrow().concat_tables(parts)
