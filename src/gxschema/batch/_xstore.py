"""The cross-year rules over a batch output, as Arrow joins (memory stays flat).

The same rules and findings as :func:`gxschema.batch.cross_findings`, computed on the
stored tables: each rule reads only the cells it compares, pairs an agency's years by a
join, and only the pairs that disagree come back to Python.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from gxschema._seriesmap import CrossRule
from gxschema.batch._cross import (
    CrossFinding,
    cross_rules,
    normalise_agency,
    order,
    parse_exact,
)

__all__ = ["store_findings"]


def _reports(root: Path) -> Any:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.dataset as ds

    reports = ds.dataset(root / "reports", format="parquet").to_table(
        columns=["file", "sha256", "agency", "year", "digest"],
        filter=(pc.field("verdict") != "unreadable")
        & pc.field("agency").is_valid()
        & pc.field("year").is_valid(),
    )
    keys = pa.array([normalise_agency(a) for a in reports.column("agency").to_pylist()])
    return reports.append_column("key", keys)


def _cells(root: Path, reports: Any, table: str, field: str, values: list[str]) -> Any:
    """The cells of a table whose line (or column) is one of ``values``, with key and year."""
    import pyarrow.compute as pc
    import pyarrow.dataset as ds

    cells = ds.dataset(root / "cells", format="parquet").to_table(
        columns=["file", "sha256", "line_id", "column_id", "value", "exact", "tolerance"],
        filter=(pc.field("table") == table) & pc.field(field).isin(values),
    )
    return cells.join(
        reports.select(["file", "sha256", "key", "year"]), ["file", "sha256"], join_type="inner"
    )


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


def _carry(root: Path, reports: Any, rule: CrossRule) -> list[tuple[CrossFinding, str]]:
    import pyarrow.compute as pc

    table, source, target = rule.table or "", rule.source or "", rule.target or ""
    cells = _cells(root, reports, table, "line_id", [source, target])
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


def _stock(root: Path, reports: Any, rule: CrossRule) -> list[tuple[CrossFinding, str]]:
    import pyarrow.compute as pc

    table = rule.table or ""
    names = [rule.source or "", rule.plus or "", rule.minus or ""]
    cells = _cells(root, reports, table, "column_id", names)
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


def store_findings(root: str | os.PathLike[str]) -> list[tuple[CrossFinding, str]]:
    """The cross-year findings over a batch output, each with the later file's sha256.

    In the order :func:`gxschema.batch.cross_findings` gives them.
    """
    root = Path(root)
    reports = _reports(root)
    found: list[tuple[CrossFinding, str]] = []
    if reports.num_rows == 0:
        return found
    rules = cross_rules()
    for rule in rules:
        if rule.kind == "carry":
            found.extend(_carry(root, reports, rule))
        elif rule.kind == "stock":
            found.extend(_stock(root, reports, rule))
        else:
            found.extend(_same(reports, rule))
    rank = {r.id: i for i, r in enumerate(rules)}
    found.sort(key=lambda fs: order(fs[0], rank))
    return found
