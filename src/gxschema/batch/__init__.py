"""Batches: many reports checked at once, as tables (extra ``parquet``).

>>> from gxschema import batch
>>> sorted(batch.TABLES)
['cells', 'findings', 'reports']

* :func:`tables` checks files, directories, globs or report JSON, on this process,
  local processes or a Dask cluster, and returns three Arrow tables: ``reports``,
  ``cells`` and ``findings`` (for pandas: ``.to_pandas()``; for polars:
  ``polars.from_arrow``);
* :func:`write` does the same into a directory of Parquet files, resumably (a rerun
  skips what is there), and :func:`read_tables` reads them back;
* :func:`cross_findings` gives the cross-year findings (``X.carry``, ``X.same``,
  ``X.b_stock``) over any reports, and :func:`series` one series per agency across
  the template change.

The command line's ``check``, ``extract``, ``diagnose`` and ``series`` use this module.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import Any

from gxschema._report import Report
from gxschema.batch._arrow import TABLES, schema
from gxschema.batch._cross import CrossFinding, cross_findings, load_mapping, normalise_agency
from gxschema.batch._engine import Engine, run_engine
from gxschema.batch._inputs import STDIN, Source, expand
from gxschema.batch._run import Summary, run
from gxschema.batch._series import SERIES_COLUMNS, series_of, series_table
from gxschema.batch._store import PART, read_tables
from gxschema.batch._work import Options

__all__ = [
    "SERIES_COLUMNS",
    "STDIN",
    "TABLES",
    "CrossFinding",
    "Source",
    "Summary",
    "cross_findings",
    "expand",
    "load_mapping",
    "normalise_agency",
    "read_tables",
    "schema",
    "series",
    "series_rows",
    "tables",
    "write",
]


def tables(
    inputs: Sequence[str],
    *,
    template: str | None = None,
    jobs: int = 1,
    engine: Engine = "local",
    scheduler: Any = None,
    mapping: str | os.PathLike[str] | None = None,
) -> dict[str, Any]:
    """Check a batch and return its tables as Arrow tables.

    Args:
        inputs: files, directories (recursively), glob patterns, report JSON.
        template: read every file with this template instead of detecting it.
        jobs: local processes.
        engine: ``"local"`` or ``"dask"``.
        scheduler: the Dask scheduler's address, or a ``distributed.Client``.
        mapping: a file giving agency and year per file (:func:`load_mapping`).

    Returns:
        ``{"reports": ..., "cells": ..., "findings": ...}``, in input order, the
        cross-year findings last in ``findings``.
    """
    options = Options(
        template=template, mapping=load_mapping(os.fspath(mapping)) if mapping else None
    )
    summary = run(inputs, options, engine=engine, jobs=jobs, scheduler=scheduler, collect=True)
    assert summary.tables is not None
    return summary.tables


def write(
    inputs: Sequence[str],
    out: str | os.PathLike[str],
    *,
    template: str | None = None,
    jobs: int = 1,
    engine: Engine = "local",
    scheduler: Any = None,
    mapping: str | os.PathLike[str] | None = None,
    chunk: int = PART,
) -> Summary:
    """Check a batch into a directory of Parquet tables; a rerun adds only what is missing.

    Args:
        inputs: files, directories (recursively), glob patterns, report JSON.
        out: the output directory (``results.parquet``).
        template: read every file with this template instead of detecting it.
        jobs: local processes.
        engine: ``"local"`` or ``"dask"``.
        scheduler: the Dask scheduler's address, or a ``distributed.Client``.
        mapping: a file giving agency and year per file (:func:`load_mapping`).
        chunk: reports per Parquet part; an interrupted run loses at most one chunk.

    Returns:
        The summary: reports per verdict, inputs skipped, cross-year findings.
    """
    options = Options(
        template=template, mapping=load_mapping(os.fspath(mapping)) if mapping else None
    )
    return run(inputs, options, out=out, engine=engine, jobs=jobs, scheduler=scheduler, chunk=chunk)


def series_rows(reports: Iterable[tuple[str, Report]]) -> list[tuple[Any, ...]]:
    """The series rows (:data:`SERIES_COLUMNS`) of (file name, report) pairs."""
    return [row for name, r in reports for row in series_of(r, name)]


def series(
    inputs: Sequence[str],
    *,
    jobs: int = 1,
    engine: Engine = "local",
    scheduler: Any = None,
    mapping: str | os.PathLike[str] | None = None,
) -> Any:
    """One row per agency, year and series, across the template change (Arrow table).

    Args:
        inputs: files, directories (recursively), glob patterns, report JSON.
        jobs: local processes.
        engine: ``"local"`` or ``"dask"``.
        scheduler: the Dask scheduler's address, or a ``distributed.Client``.
        mapping: a file giving agency and year per file (:func:`load_mapping`).

    Returns:
        The table, columns :data:`SERIES_COLUMNS`: the value (exact in ``exact``), the
        template it came from, and whether the series is comparable across the change.
    """
    options = Options(
        command="series", mapping=load_mapping(os.fspath(mapping)) if mapping else None
    )
    rows = [
        row
        for outcomes in run_engine(
            expand(inputs), options, engine=engine, jobs=jobs, scheduler=scheduler
        )
        for o in outcomes
        for row in o.series
    ]
    return series_table(rows)
