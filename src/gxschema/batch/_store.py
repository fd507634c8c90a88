"""The batch output on disk: three Parquet tables, written in chunks, resumable.

``OUT`` (``results.parquet`` or any directory name) is a directory holding one folder
per table (``reports/``, ``cells/``, ``findings/``), each a Parquet dataset of part
files.  Rows are written a part at a time (by the writing process, or by each local
worker process for its own chunk of inputs): each part is written under a
temporary name and renamed when complete, the ``reports`` part last, so a run that is
interrupted leaves only whole chunks, and a chunk counts as done when its ``reports``
part exists.  Opening the store again removes what an interrupted chunk left and
knows the sha256 of every report already written, so a rerun skips them.  The
cross-year findings are recomputed over the whole store at the end of each run
(``findings/cross.parquet``).
"""

from __future__ import annotations

import itertools
import os
import shutil
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from gxschema.batch._arrow import TABLES, concat, pyarrow, schema, to_table
from gxschema.batch._rows import Row

__all__ = ["CROSS_PART", "PART", "Store", "read_tables", "write_part"]

CROSS_PART = "cross.parquet"
PART = 500
"""Inputs per part file, by default."""
_TMP = ".tmp"
_CROSS_TMP = ".cross-"


def _parts(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.name.endswith(".parquet"))


def write_part(root: str | os.PathLike[str], part: str, tables: dict[str, Any]) -> None:
    """Write one part of each table into a store: cells and findings first, reports last.

    Each file is written under a temporary name and renamed when complete, so a part
    counts as written when its ``reports`` file exists.  Local worker processes call
    this themselves, so the rows they made never cross to the writing process.
    """
    import pyarrow.parquet as pq

    for name in ("cells", "findings", "reports"):
        target = Path(root) / name / part
        tmp = target.with_name(target.name + _TMP)
        pq.write_table(tables[name], tmp)
        os.replace(tmp, target)


def read_tables(out: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a batch output back: ``{"reports": ..., "cells": ..., "findings": ...}``.

    Args:
        out: the directory a batch wrote (``--out``).

    Returns:
        Arrow tables (``.to_pandas()``, ``polars.from_arrow``).
    """
    pa = pyarrow()
    import pyarrow.parquet as pq

    root = Path(out)
    tables: dict[str, Any] = {}
    for name in TABLES:
        parts = [pq.read_table(p, schema=schema(name)) for p in _parts(root / name)]
        tables[name] = pa.concat_tables(parts) if parts else to_table(name, [])
    return tables


class Store:
    """Parquet output written a chunk at a time (see the module docstring).

    Args:
        out: the output directory (created, with its table folders; its parent must
            exist).
        chunk: reports per part file.

    Raises:
        OSError: the directory cannot be created or written.
    """

    def __init__(self, out: str | os.PathLike[str], *, chunk: int = PART) -> None:
        pyarrow()
        self.root = Path(out)
        if not self.root.parent.is_dir():
            raise FileNotFoundError(2, "No such directory", str(self.root.parent))
        self.root.mkdir(exist_ok=True)
        for name in TABLES:
            (self.root / name).mkdir(exist_ok=True)
        self.chunk = chunk
        self.run = uuid.uuid4().hex[:12]
        self.seq = 0
        self._batches: dict[str, list[Any]] = {name: [] for name in TABLES}
        self._pending = 0
        self._recover()
        self.done = self._known()

    def _recover(self) -> None:
        """Remove what an interrupted chunk left: temporary parts, parts without reports."""
        for p in self.root.iterdir():
            if p.name.startswith(_CROSS_TMP) and p.is_dir():
                shutil.rmtree(p, ignore_errors=True)  # the cross-year step's, left behind
        done = {p.name for p in _parts(self.root / "reports")}
        for name in TABLES:
            folder = self.root / name
            for p in folder.iterdir():
                orphan = p.name.endswith(".parquet") and p.name not in done
                if p.name.endswith(_TMP) or (orphan and p.name != CROSS_PART):
                    p.unlink()

    def _known(self) -> set[str]:
        import pyarrow.parquet as pq

        known: set[str] = set()
        for p in _parts(self.root / "reports"):
            col = pq.read_table(p, columns=["sha256"]).column("sha256")
            known.update(x for x in col.to_pylist() if x is not None)
        return known

    def add(self, reports: list[Row], cells: list[Row], findings: list[Row]) -> None:
        """Buffer one input's rows; write a chunk when enough reports are buffered."""
        rows = {"reports": reports, "cells": cells, "findings": findings}
        self.add_tables({name: to_table(name, r) for name, r in rows.items()}, 1)

    def add_tables(self, tables: dict[str, Any], inputs: int) -> None:
        """Buffer the rows of some inputs, as Arrow tables; write a chunk when enough are.

        Rows arrive packed as Arrow (by the process that made them), which takes a
        fraction of the memory of the same rows as Python objects.

        Args:
            tables: ``{"reports": ..., "cells": ..., "findings": ...}``.
            inputs: how many inputs gave them.
        """
        for name in TABLES:
            if tables[name].num_rows:
                self._batches[name].append(tables[name])
        self._pending += inputs
        if self._pending >= self.chunk:
            self.flush()

    def next_part(self) -> str:
        """The file name of the next part (parts sort in the order they were given)."""
        part = f"part-{self.run}-{self.seq:06d}.parquet"
        self.seq += 1
        return part

    def flush(self) -> None:
        """Write the buffered rows as one part (cells and findings first, reports last)."""
        if not self._pending:
            return
        tables = {name: concat(name, self._batches[name]) for name in TABLES}
        write_part(self.root, self.next_part(), tables)
        self._batches = {name: [] for name in TABLES}
        self._pending = 0

    def write_cross(self, rows: Iterable[Row]) -> int:
        """Replace the cross-year findings with these rows, written as they come.

        Returns:
            How many rows were written.
        """
        import pyarrow.parquet as pq

        target = self.root / "findings" / CROSS_PART
        tmp = target.with_name(target.name + _TMP)
        n = 0
        with pq.ParquetWriter(tmp, schema("findings")) as writer:
            for batch in _batched(rows, 5000):
                writer.write_table(to_table("findings", batch))
                n += len(batch)
        os.replace(tmp, target)
        return n


def _batched(rows: Iterable[Row], size: int) -> Iterator[list[Row]]:
    it = iter(rows)
    while batch := list(itertools.islice(it, size)):
        yield batch
