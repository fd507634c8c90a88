"""Running a batch: inputs → engine → output, with progress, resumable tables, cross rules."""

from __future__ import annotations

import hashlib
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import attrs

from gxschema._check import Verdict, worst
from gxschema.batch._arrow import concat, to_table
from gxschema.batch._cross import (
    CrossFinding,
    Entry,
    check_entries,
    finding_row,
)
from gxschema.batch._engine import DASK_CHUNK, LOCAL_CHUNK, Engine, run_chunks
from gxschema.batch._inputs import Source, expand
from gxschema.batch._rows import Row
from gxschema.batch._store import PART, Store
from gxschema.batch._work import Options, Outcome
from gxschema.batch._xstore import iter_store_findings

__all__ = ["Summary", "run"]


@attrs.frozen
class Summary:
    """What a batch did.

    Attributes:
        counts: reports per verdict.
        skipped: inputs skipped because their sha256 was already in the output.
        cross: the cross-year findings.
        tables: the Arrow tables, when collected in memory (no ``out``).
        cross_count: how many cross-year findings there are (with ``out`` and
            ``keep_cross=False``, ``cross`` is left empty and only this counts them).
    """

    counts: dict[str, int]
    skipped: int
    cross: list[CrossFinding]
    tables: dict[str, Any] | None = None
    cross_count: int = 0

    @property
    def verdict(self) -> Verdict:
        """The worst verdict of the batch (``ok`` for an empty one)."""
        return worst([v for v, n in self.counts.items() if n])  # type: ignore[misc]


def _sha(path: str) -> str | None:
    try:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return None


def _unseen(sources: Iterable[Source], done: set[str], skipped: list[int]) -> Iterator[Source]:
    for s in sources:
        sha = hashlib.sha256(s.data).hexdigest() if s.data is not None else _sha(s.name)
        if sha is not None and sha in done:
            skipped[0] += 1
            continue
        yield s


def _progress(total: int | None) -> Any:
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]:.0f} files/s"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        TextColumn("{task.fields[verdicts]}"),
        transient=False,
    )


def run(
    inputs: Sequence[str],
    options: Options,
    *,
    out: str | os.PathLike[str] | None = None,
    engine: Engine = "local",
    jobs: int = 1,
    scheduler: Any = None,
    progress: bool = False,
    emit: Callable[[Outcome], None] | None = None,
    stdin: bytes | None = None,
    collect: bool = False,
    chunk: int = PART,
    keep_cross: bool = True,
) -> Summary:
    """Run a batch.

    Args:
        inputs: files, directories, globs, ``-``.
        options: what each worker does (``tables`` and ``cross`` are set here).
        out: a directory to write the three tables to (resumable), if any.
        engine: ``"local"`` or ``"dask"``.
        jobs: local processes.
        scheduler: the Dask scheduler address, or a ``distributed.Client``.
        progress: show a progress bar on standard error.
        emit: called with each outcome, in input order, as it comes.
        stdin: standard input's bytes, when ``-`` is among the inputs.
        collect: keep the three tables in memory and return them.
        keep_cross: with ``out``, keep the cross-year findings in the summary (they
            are in the findings table either way; False keeps memory flat).
        chunk: inputs per Parquet part (a run interrupted loses at most one part per
            process).

    Returns:
        The summary.

    Raises:
        OSError: the output cannot be written.
    """
    store = Store(out, chunk=chunk) if out is not None else None
    options = attrs.evolve(
        options, tables=store is not None or collect, cross=store is None or collect
    )
    skipped = [0]
    skip = [os.fspath(out)] if out is not None else []
    sources: Iterable[Source] = expand(inputs, stdin=stdin, skip=skip)
    if store is not None and store.done:
        sources = _unseen(sources, store.done, skipped)
    total = None
    if progress:
        sources = list(sources)
        total = len(sources)
    counts: Counter[str] = Counter()
    entries: list[Entry] = []
    kept: dict[str, list[Any]] = {"reports": [], "cells": [], "findings": []}
    bar = _progress(total) if progress else None
    task = None
    if bar is not None:
        bar.start()
        task = bar.add_task("checking", total=total, rate=0.0, verdicts="")
    started = time.perf_counter()
    try:
        done = 0
        # Local processes write the parts of the output themselves, a task per part;
        # elsewhere tasks are smaller than a part and their rows come back packed.
        direct = store is not None and engine == "local" and jobs > 1 and not collect
        size = min(chunk, DASK_CHUNK if engine == "dask" else LOCAL_CHUNK)
        parts = run_chunks(
            sources,
            options,
            engine=engine,
            jobs=jobs,
            scheduler=scheduler,
            chunk=chunk if direct else size,
            parts=(os.fspath(store.root), store.next_part) if direct and store else None,
        )
        for part in parts:
            for outcomes in part.outcomes:
                for o in outcomes:
                    counts[o.verdict] += 1
                    if emit is not None:
                        emit(o)
                    if o.entry is not None:
                        entries.append(o.entry)
            if part.tables is not None:
                if store is not None:
                    store.add_tables(part.tables, len(part.outcomes))
                if collect:
                    for name, t in part.tables.items():
                        kept[name].append(t)
            # inputs, not outcomes: a JSON list gives several
            done += len(part.outcomes)
            if bar is not None and task is not None:
                elapsed = time.perf_counter() - started
                bar.update(
                    task,
                    completed=done,
                    rate=done / elapsed if elapsed else 0.0,
                    verdicts=" ".join(f"{k} {v}" for k, v in sorted(counts.items())),
                )
    finally:
        if bar is not None:
            bar.stop()
        if store is not None:
            store.flush()
    if store is not None:
        kept_cross: list[CrossFinding] = []

        def rows() -> Iterator[Row]:
            for f, sha in iter_store_findings(store.root):
                if keep_cross:
                    kept_cross.append(f)
                yield finding_row(f, sha)

        n_cross = store.write_cross(rows())
        cross = kept_cross
        cross_rows: list[Row] = []
    else:
        cross = check_entries(entries)
        n_cross = len(cross)
        shas = {(e.file, e.year): e.sha256 for e in entries}
        cross_rows = [finding_row(f, shas.get((f.file, f.year))) for f in cross]
    tables = None
    if collect:
        kept["findings"].append(to_table("findings", cross_rows))
        tables = {name: concat(name, parts) for name, parts in kept.items()}
    return Summary(dict(counts), skipped[0], cross, tables, n_cross)
