"""The cross-year rules over a batch output, as Arrow joins, in bounded memory.

The same rules and findings as :func:`gxschema.batch.cross_findings`, computed on the
stored tables, a group of agencies at a time:

1. each part of the output is read on its own (its ``reports`` and ``cells`` files
   hold the same reports): the cells the rules compare are kept, given the report's
   agency key and year, and appended to the file of the report's group (a hash of the
   agency key; about :data:`GROUP` reports per group);
2. each group is read back and its rules run as joins: only the pairs that disagree
   come back to Python, sorted, and are spilled to disk;
3. the groups' sorted findings are merged, so the findings come in the order
   :func:`gxschema.batch.cross_findings` gives them, whatever the number of groups.

Memory is bounded by one part and one group, not by the number of reports.
"""

from __future__ import annotations

import heapq
import os
import pickle
import shutil
import tempfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from gxschema._seriesmap import CrossRule
from gxschema.batch._cross import (
    CrossFinding,
    cross_rules,
    normalise_agency,
    order,
    parse_exact,
    wanted,
)

__all__ = ["GROUP", "TMP_PREFIX", "iter_store_findings", "store_findings"]

GROUP = 20_000
"""About how many reports the cross-year step holds in memory at once."""
TMP_PREFIX = ".cross-"
"""The prefix of the cross-year step's temporary folder inside the output."""
_SPILL = 2_000


_REPORT_COLUMNS = ["file", "sha256", "agency", "year", "digest"]
_CELL_COLUMNS = ["file", "sha256", "table", "line_id", "column_id", "value", "exact", "tolerance"]


def _needed(rules: tuple[CrossRule, ...]) -> Any:
    """The filter of the cells the rules compare (None: none)."""
    import pyarrow.compute as pc

    expr = None
    for table, (lines, columns) in sorted(wanted(rules).items()):
        for field, values in (("line_id", lines), ("column_id", columns)):
            if values:
                e = (pc.field("table") == table) & pc.field(field).isin(sorted(values))
                expr = e if expr is None else expr | e
    return expr


def _part_reports(path: Path) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    t = pq.read_table(path, columns=[*_REPORT_COLUMNS, "verdict"])
    t = t.filter(
        pc.and_(
            pc.not_equal(t["verdict"], "unreadable"),
            pc.and_(t["agency"].is_valid(), t["year"].is_valid()),
        )
    ).select(_REPORT_COLUMNS)
    keys = [normalise_agency(a) for a in t.column("agency").to_pylist()]
    return t.append_column("key", pa.array(keys, pa.string()))


def _group_of(keys: Any, groups: int) -> Any:
    import pyarrow as pa

    return pa.array([zlib.crc32(k.encode()) % groups for k in keys.to_pylist()], pa.int32())


class _Groups:
    """One Parquet file per group and table, appended to part by part."""

    def __init__(self, folder: Path, groups: int) -> None:
        self.folder, self.groups = folder, groups
        self.writers: dict[tuple[str, int], Any] = {}

    def add(self, name: str, table: Any, group: Any) -> None:
        import pyarrow.compute as pc
        import pyarrow.parquet as pq

        for g in range(self.groups):
            part = table.filter(pc.equal(group, g)) if self.groups > 1 else table
            if not part.num_rows:
                continue
            w = self.writers.get((name, g))
            if w is None:
                w = pq.ParquetWriter(self.folder / f"{name}-{g}.parquet", part.schema)
                self.writers[(name, g)] = w
            w.write_table(part)

    def close(self) -> None:
        for w in self.writers.values():
            w.close()

    def read(self, name: str, g: int, schema: Any) -> Any:
        import pyarrow.parquet as pq

        path = self.folder / f"{name}-{g}.parquet"
        return pq.read_table(path) if path.exists() else schema.empty_table()


def _split(root: Path, folder: Path, rules: tuple[CrossRule, ...]) -> tuple[_Groups, Any, Any]:
    """Step 1: every part's reports and compared cells, into the files of their groups."""
    import pyarrow.parquet as pq

    parts = sorted(p.name for p in (root / "reports").glob("*.parquet"))
    total = sum(pq.ParquetFile(root / "reports" / p).metadata.num_rows for p in parts)
    groups = _Groups(folder, max(1, -(-total // GROUP)))
    needed = _needed(rules)
    rschema = cschema = None
    for name in parts:
        reports = _part_reports(root / "reports" / name)
        rschema = reports.schema
        groups.add("reports", reports, _group_of(reports["key"], groups.groups))
        cells_path = root / "cells" / name
        if needed is None or not cells_path.exists():
            continue
        cells = pq.read_table(cells_path, columns=_CELL_COLUMNS, filters=needed)
        cells = cells.join(
            reports.select(["file", "sha256", "key", "year"]),
            ["file", "sha256"],
            join_type="inner",
        )
        cschema = cells.schema
        groups.add("cells", cells, _group_of(cells["key"], groups.groups))
    groups.close()
    return groups, rschema, cschema


def _cells(cells: Any, table: str, field: str, values: list[str]) -> Any:
    """The cells of a table whose line (or column) is one of ``values``, with key and year."""
    import pyarrow.compute as pc

    return cells.filter(
        pc.and_(pc.equal(cells["table"], table), pc.is_in(cells[field], value_set=_arr(values)))
    )


def _arr(values: list[str]) -> Any:
    import pyarrow as pa

    return pa.array(values, pa.string())


def _plus_year(t: Any) -> Any:
    import pyarrow.compute as pc

    return t.set_column(t.schema.get_field_index("year"), "year", pc.add(t["year"], 1))


def _renamed(t: Any, columns: list[str], suffix: str, keep: tuple[str, ...]) -> Any:
    return t.select(columns).rename_columns([c if c in keep else f"{c}{suffix}" for c in columns])


def _finding(
    rule: CrossRule, r: dict[str, Any], at: str, cells: tuple[str, ...], other: tuple[str, ...],
    lhs: object, rhs: object, where: str,
) -> CrossFinding:  # fmt: skip
    parts = {"where": where, "year": r["year_a"], "next_year": r["year"], "lhs": lhs, "rhs": rhs}
    return CrossFinding(
        rule.id, r["agency"], r["file"], r["year"], r["file_a"], r["year_a"], rule.table, at,
        cells, other, rule.zh.format(**parts), rule.en.format(**parts),
    )  # fmt: skip


def _carry(all_cells: Any, reports: Any, rule: CrossRule) -> list[tuple[CrossFinding, str]]:
    import pyarrow.compute as pc

    table, source, target = rule.table or "", rule.source or "", rule.target or ""
    cells = _cells(all_cells, table, "line_id", [source, target])
    cols = ["key", "year", "column_id", "file", "sha256", "value", "exact", "tolerance"]
    before = cells.filter(pc.equal(cells["line_id"], source))
    before = _renamed(_plus_year(before), cols, "_a", ("key", "year", "column_id"))
    before = before.append_column("year_a", pc.subtract(before["year"], 1))
    now = cells.filter(pc.equal(cells["line_id"], target)).select(cols)
    pairs = now.join(before, ["key", "year", "column_id"], join_type="inner")
    gap = pc.abs(pc.subtract(pairs["value"], pairs["value_a"]))
    bad = pairs.filter(pc.greater(gap, pc.add(pairs["tolerance"], pairs["tolerance_a"])))
    agency = dict(zip(reports["key"].to_pylist(), reports["agency"].to_pylist(), strict=True))
    out = []
    for r in bad.to_pylist():
        r["agency"] = agency[r["key"]]
        column = r["column_id"]
        cell, other = f"{table}.{target}.{column}", f"{table}.{source}.{column}"
        lhs, rhs = parse_exact(r["exact_a"]), parse_exact(r["exact"])
        f = _finding(rule, r, f"{target}.{column}", (cell,), (other,), lhs, rhs, cell)
        out.append((f, r["sha256"]))
    return out


def _stock(all_cells: Any, reports: Any, rule: CrossRule) -> list[tuple[CrossFinding, str]]:
    import pyarrow.compute as pc

    table = rule.table or ""
    names = [rule.source or "", rule.plus or "", rule.minus or ""]
    cells = _cells(all_cells, table, "column_id", names)
    cols = ["key", "year", "line_id", "file", "sha256", "exact", "value", "tolerance"]
    by: dict[str, Any] = {}
    for i, name in enumerate(names):
        part = cells.filter(pc.equal(cells["column_id"], name)).select(cols)
        keep = ("key", "year", "line_id", "file", "sha256")
        by[name] = _renamed(part, cols, f"_{i}", keep)
    same = ["key", "year", "line_id", "file", "sha256"]
    now = by[names[0]].join(by[names[1]], same, join_type="inner")
    now = now.join(by[names[2]], same, join_type="inner")
    before = cells.filter(pc.equal(cells["column_id"], names[0])).select(cols)
    before = _renamed(_plus_year(before), cols, "_a", ("key", "year", "line_id"))
    before = before.append_column("year_a", pc.subtract(before["year"], 1))
    pairs = now.join(before, ["key", "year", "line_id"], join_type="inner")
    expected = pc.subtract(pc.add(pairs["value_a"], pairs["value_1"]), pairs["value_2"])
    allowed = pc.add(
        pc.add(pairs["tolerance_a"], pairs["tolerance_1"]),
        pc.add(pairs["tolerance_2"], pairs["tolerance_0"]),
    )
    bad = pairs.filter(pc.greater(pc.abs(pc.subtract(expected, pairs["value_0"])), allowed))
    agency = dict(zip(reports["key"].to_pylist(), reports["agency"].to_pylist(), strict=True))
    out = []
    for r in bad.to_pylist():
        r["agency"] = agency[r["key"]]
        line = r["line_id"]
        keys = tuple(f"{table}.{line}.{n}" for n in names)
        exp = parse_exact(r["exact_a"]) + parse_exact(r["exact_1"]) - parse_exact(r["exact_2"])
        f = _finding(
            rule, r, f"{line}.{names[0]}", keys, (keys[0],), exp, parse_exact(r["exact_0"]),
            keys[0],
        )  # fmt: skip
        out.append((f, r["sha256"]))
    return out


def _same(reports: Any, rule: CrossRule) -> list[tuple[CrossFinding, str]]:
    cols = ["key", "year", "digest", "file", "sha256"]
    before = _renamed(_plus_year(reports), cols, "_a", ("key", "year", "digest"))
    import pyarrow.compute as pc

    before = before.append_column("year_a", pc.subtract(before["year"], 1))
    pairs = reports.select([*cols, "agency"]).join(
        before, ["key", "year", "digest"], join_type="inner"
    )
    out = []
    for r in pairs.to_pylist():
        parts = {"where": "", "year": r["year_a"], "next_year": r["year"], "lhs": "", "rhs": ""}
        f = CrossFinding(
            rule.id, r["agency"], r["file"], r["year"], r["file_a"], r["year_a"], None, None,
            (), (), rule.zh.format(**parts), rule.en.format(**parts),
        )  # fmt: skip
        out.append((f, r["sha256"]))
    return out


def _group_findings(
    reports: Any, cells: Any, rules: tuple[CrossRule, ...]
) -> list[tuple[CrossFinding, str]]:
    """Step 2: the findings of one group of agencies."""
    found: list[tuple[CrossFinding, str]] = []
    if reports.num_rows == 0:
        return found
    for rule in rules:
        if rule.kind == "carry":
            found.extend(_carry(cells, reports, rule))
        elif rule.kind == "stock":
            found.extend(_stock(cells, reports, rule))
        else:
            found.extend(_same(reports, rule))
    return found


def _spill(items: list[tuple[tuple[object, ...], CrossFinding, str]], handle: IO[bytes]) -> None:
    for i in range(0, len(items), _SPILL):
        pickle.dump(items[i : i + _SPILL], handle, protocol=pickle.HIGHEST_PROTOCOL)


def _unspill(path: Path) -> Iterator[tuple[tuple[object, ...], CrossFinding, str]]:
    with path.open("rb") as handle:
        while True:
            try:
                batch = pickle.load(handle)
            except EOFError:
                return
            yield from batch


def iter_store_findings(root: str | os.PathLike[str]) -> Iterator[tuple[CrossFinding, str]]:
    """The cross-year findings over a batch output, each with the later file's sha256.

    In the order :func:`gxschema.batch.cross_findings` gives them; in memory bounded
    by one part of the output and one group of agencies (see the module docstring).
    """
    root = Path(root)
    rules = cross_rules()
    rank = {r.id: i for i, r in enumerate(rules)}
    folder = Path(tempfile.mkdtemp(prefix=TMP_PREFIX, dir=root))
    try:
        groups, rschema, cschema = _split(root, folder, rules)
        spilled = []
        for g in range(groups.groups):
            if rschema is None:
                break
            reports = groups.read("reports", g, rschema)
            cells = groups.read("cells", g, cschema) if cschema is not None else None
            if cells is None:
                cells = _empty_cells(rschema)
            found = _group_findings(reports, cells, rules)
            keyed = sorted(((order(f, rank), f, sha) for f, sha in found), key=_first)
            if keyed:
                path = folder / f"found-{g}.pickle"
                with path.open("wb") as handle:
                    _spill(keyed, handle)
                spilled.append(path)
        # Step 3: merge the groups' sorted findings.
        for _, f, sha in heapq.merge(*(_unspill(p) for p in spilled), key=_first):
            yield f, sha
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _first(item: tuple[tuple[object, ...], CrossFinding, str]) -> tuple[object, ...]:
    return item[0]


def _empty_cells(rschema: Any) -> Any:
    import pyarrow as pa

    fields = [
        ("file", pa.string()), ("sha256", pa.string()), ("table", pa.string()),
        ("line_id", pa.string()), ("column_id", pa.string()), ("value", pa.float64()),
        ("exact", pa.string()), ("tolerance", pa.float64()), ("key", pa.string()),
        ("year", rschema.field("year").type),
    ]  # fmt: skip
    return pa.schema(fields).empty_table()


def store_findings(root: str | os.PathLike[str]) -> list[tuple[CrossFinding, str]]:
    """:func:`iter_store_findings` as a list."""
    return list(iter_store_findings(root))
