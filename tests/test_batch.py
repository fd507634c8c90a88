"""Batches from Python: inputs, tables, resumable Parquet, cross-year rules, series."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

import pytest

import gxschema as gx
from gxschema.batch._inputs import Source, expand
from gxschema.batch._work import Options, process
from tests.batchdata import draw, report_of, with_line, write_html

pa = pytest.importorskip("pyarrow", reason="the batch tables need the 'parquet' extra")
pc = pytest.importorskip("pyarrow.compute")
from gxschema import batch  # noqa: E402

YEARS = range(2019, 2026)
BREAK = 2023


def _series_dir(tmp_path: Path, *, brk: bool = True) -> tuple[Path, dict[int, gx.Report]]:
    """Reports of one agency, 2019–2025, carried numbers chained except into BREAK."""
    out: dict[int, gx.Report] = {}
    prev: gx.Report | None = None
    for i, year in enumerate(YEARS):
        r = report_of(year, 100 + i)
        if prev is not None:
            carried = {
                c: cell.value.value  # type: ignore[union-attr]
                for c, cell in prev.tables["s3"]["carried_out"].items()
            }
            if brk and year == BREAK:
                carried["natural_person"] += 1
                carried["total"] += 1
            r = with_line(r, "s3", "carried_in", carried)
        out[year] = r
        prev = r
        write_html(tmp_path, f"{year}.html", r)
    return tmp_path, out


def test_expand_walks_directories_globs_and_keeps_unknown_names(tmp_path: Path) -> None:
    """Directories are walked recursively and sorted, hidden files skipped, each file once."""
    (tmp_path / "b").mkdir()
    (tmp_path / ".hidden").mkdir()
    for p in ("a.html", "b/c.html", "b/d.txt", ".hidden/e.html"):
        (tmp_path / p).write_text("x")
    names = [s.name for s in expand([str(tmp_path), str(tmp_path / "a.html"), "nope.html"])]
    assert names == [
        str(tmp_path / "a.html"),
        str(tmp_path / "b" / "c.html"),
        str(tmp_path / "b" / "d.txt"),
        "nope.html",
    ]
    globbed = [s.name for s in expand([str(tmp_path / "**" / "*.html")])]
    assert globbed == [str(tmp_path / "a.html"), str(tmp_path / "b" / "c.html")]


def test_directory_walks_take_report_files_only_named_files_always(tmp_path: Path) -> None:
    """A walk skips README.md, scripts and unknown suffixes; a file named is still tried."""
    for p in ("README.md", "LICENSE", "make.py", "notes.xlsx", "r.HTM", "r.json", "r.md"):
        (tmp_path / p).write_text("x")
    walked = [Path(s.name).name for s in expand([str(tmp_path)])]
    assert walked == ["r.HTM", "r.json", "r.md"]
    named = [Path(s.name).name for s in expand([str(tmp_path / "README.md")])]
    assert named == ["README.md"]


def test_time_limit_records_a_slow_input_as_unreadable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An input taking longer than the time limit is unreadable, and the batch goes on."""
    import time

    from gxschema.batch import _work

    root, _ = _series_dir(tmp_path, brk=False)
    read = _work.read_loaded

    def slow(data: bytes, name: str, **kw: object) -> object:
        if name.endswith("2020.html"):
            time.sleep(5)
        return read(data, name, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(_work, "read_loaded", slow)
    started = time.monotonic()
    got = [o for y in (2019, 2020, 2021) for o in process(
        Source(str(root / f"{y}.html")), Options(time_limit=0.5)
    )]  # fmt: skip
    assert time.monotonic() - started < 4
    assert [o.verdict == "unreadable" for o in got] == [False, True, False]
    assert "took longer than 0.5 s" in (got[1].error or "")


def test_cross_year_step_in_groups_equals_one_group(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stored cross-year step gives the same findings, in order, in many groups."""
    from gxschema.batch import _xstore

    (tmp_path / "in").mkdir()
    root, _ = _series_dir(tmp_path / "in")
    batch.write([str(root)], tmp_path / "x.parquet", chunk=2)
    one = _xstore.store_findings(tmp_path / "x.parquet")
    monkeypatch.setattr(_xstore, "GROUP", 1)
    many = _xstore.store_findings(tmp_path / "x.parquet")
    assert one
    assert many == one
    assert not [p for p in (tmp_path / "x.parquet").iterdir() if p.name.startswith(".")]


def test_unreadable_inputs_are_recorded_with_their_message(tmp_path: Path) -> None:
    """A missing file and junk bytes give an unreadable outcome each; nothing raises."""
    junk = tmp_path / "junk.html"
    junk.write_bytes(bytes(range(256)) * 4)
    options = Options(tables=True)
    [missing] = process(Source(str(tmp_path / "missing.html")), options)
    [bad] = process(Source(str(junk)), options)
    assert missing.verdict == bad.verdict == "unreadable"
    assert "missing.html" in (missing.error or "")
    assert bad.sha256 is not None
    assert bad.reports[0][-1] == bad.error


def test_report_json_is_read_back_as_reports() -> None:
    """A report's JSON and extract's list of reports are batch inputs like any file."""
    r = report_of(2021, 1)
    [(name, back)] = gx._read.read_loaded(gx.to_json(r).encode(), "r.json")
    assert (name, back) == ("r.json", r)
    listed = b"[" + gx.to_json(r).encode()[:-1] + b',"file":"a.html"}]'
    [(name, back)] = gx._read.read_loaded(listed, "all.json")
    assert name == "all.json:a.html"
    assert back == r


def test_carry_finds_exactly_the_break_in_its_columns(tmp_path: Path) -> None:
    """2019–2025, chained but for one year: X.carry names that year and its two columns."""
    root, by_year = _series_dir(tmp_path)
    tables = batch.tables([str(root)])
    found = tables["findings"].filter(pc.equal(tables["findings"]["id"], "X.carry"))
    got = sorted(zip(found["file"].to_pylist(), found["at"].to_pylist(), strict=True))
    later = str(root / f"{BREAK}.html")
    assert got == [(later, "carried_in.natural_person"), (later, "carried_in.total")]
    assert set(found["other_file"].to_pylist()) == {str(root / f"{BREAK - 1}.html")}
    assert found["other_cells"].to_pylist()[0] == ["s3.carried_out.natural_person"]
    # The plain function over reports agrees with the batch.
    plain = batch.cross_findings([(f"{y}.html", r) for y, r in by_year.items()])
    assert sorted((f.file, f.at) for f in plain if f.id == "X.carry") == [
        (f"{BREAK}.html", "carried_in.natural_person"),
        (f"{BREAK}.html", "carried_in.total"),
    ]


def test_same_and_stock_rules() -> None:
    """A report copied forward is X.same; a stock not updated by its flows is X.b_stock."""
    a = report_of(2022, 7)
    findings = batch.cross_findings([("a.html", a), ("b.html", report_of(2023, 7))])
    assert [f.id for f in findings if f.id == "X.same"] == ["X.same"]
    stock = {"issued": 2, "repealed": 1}
    b = with_line(report_of(2023, 8), "s2.art20_1", "rules", stock)
    prev_in_force = a.tables["s2.art20_1"]["rules"]["in_force"].value.value  # type: ignore[union-attr]
    good = with_line(b, "s2.art20_1", "rules", {"in_force": prev_in_force + 1})
    bad = with_line(b, "s2.art20_1", "rules", {"in_force": prev_in_force + 5})
    ok = batch.cross_findings([("a.html", a), ("b.html", good)])
    broken = batch.cross_findings([("a.html", a), ("b.html", bad)])
    assert "rules.in_force" not in [f.at for f in ok if f.id == "X.b_stock"]
    [f] = [f for f in broken if f.id == "X.b_stock" and f.at == "rules.in_force"]
    assert f.cells[0] == "s2.art20_1.rules.in_force"
    assert f.other_file == "a.html"


def test_mapping_file_gives_agency_and_year(tmp_path: Path) -> None:
    """Files whose titles name different agencies are one series by the user's mapping."""
    a = report_of(2021, 3, agency="甲局")
    b = with_line(
        report_of(2022, 4, agency="乙局"),
        "s3",
        "carried_in",
        {"total": 10_000},
    )
    write_html(tmp_path, "a.html", a)
    write_html(tmp_path, "b.html", b)
    assert (
        batch.tables([str(tmp_path)])["findings"]
        .filter(pc.equal(batch.tables([str(tmp_path)])["findings"]["kind"], "cross"))
        .num_rows
        == 0
    )
    mapping = tmp_path.parent / "map.csv"
    mapping.write_text("file,agency,year\na.html,丙局,2021\nb.html,丙局,\n", encoding="utf-8")
    tables = batch.tables([str(tmp_path)], mapping=mapping)
    assert set(tables["reports"]["agency"].to_pylist()) == {"丙局"}
    carry = tables["findings"].filter(pc.equal(tables["findings"]["id"], "X.carry"))
    assert "carried_in.total" in carry["at"].to_pylist()


def test_series_joins_r6_across_the_template_change(tmp_path: Path) -> None:
    """r6 (2019) and r6_1+r6_2+r6_3 (2021) are one comparable series, with their templates."""
    a, b = report_of(2019, 11), report_of(2021, 12)
    write_html(tmp_path, "a.html", a)
    write_html(tmp_path, "b.html", b)
    table = batch.series([str(tmp_path)])
    rows = [r for r in table.to_pylist() if r["series"] == "s3.r6.total"]
    s3b = b.tables["s3"]
    parts = sum(s3b[ln]["total"].value.value for ln in ("r6_1", "r6_2", "r6_3"))  # type: ignore[union-attr]
    assert [(r["year"], r["exact"], r["template"], r["comparable"]) for r in rows] == [
        (2019, str(a.tables["s3"]["r6"]["total"].value.value), "national-2019", True),  # type: ignore[union-attr]
        (2021, str(parts), "national-2021", True),
    ]
    fees = {r["comparable"] for r in table.to_pylist() if r["series"].startswith("s2.art20_8")}
    assert fees == {False}


def test_interrupted_rerun_processes_only_the_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run stopped after one chunk, rerun, equals a single run; the rerun skips that chunk."""
    (tmp_path / "in").mkdir()
    root, _ = _series_dir(tmp_path / "in")
    (root / "junk.html").write_bytes(b"\x00junk")
    from gxschema.batch._store import Store

    flush = Store.flush
    calls = [0]

    def dying(self: Store) -> None:
        calls[0] += 1
        if calls[0] >= 2:  # the second chunk dies after its cells part (a hard stop)
            import pyarrow.parquet as pq

            from gxschema.batch._arrow import concat

            pq.write_table(
                concat("cells", self._batches["cells"]), self.root / "cells" / "x.parquet"
            )
            raise KeyboardInterrupt
        flush(self)

    monkeypatch.setattr(Store, "flush", dying)
    with pytest.raises(KeyboardInterrupt):
        batch.write([str(root)], tmp_path / "x.parquet", chunk=3)
    monkeypatch.setattr(Store, "flush", flush)
    summary = batch.write([str(root)], tmp_path / "x.parquet", chunk=3)
    assert summary.skipped == 3
    assert sum(summary.counts.values()) == 5
    batch.write([str(root)], tmp_path / "once.parquet")
    got, once = (
        batch.read_tables(tmp_path / "x.parquet"),
        batch.read_tables(tmp_path / "once.parquet"),
    )
    for name in batch.TABLES:
        key = [
            (c, "ascending")
            for c in ("file", "sha256") + (("id", "at") if name == "findings" else ())
        ]
        if name == "cells":
            key += [(c, "ascending") for c in ("table", "line_id", "column_id")]
        assert got[name].sort_by(key).equals(once[name].sort_by(key)), name
    assert got["findings"].filter(pc.equal(got["findings"]["kind"], "cross")).num_rows >= 2


def test_tables_in_memory_equal_the_parquet_output(tmp_path: Path) -> None:
    """gxschema.batch.tables and the written Parquet hold the same tables; 2 jobs as 1."""
    (tmp_path / "in").mkdir()
    root, _ = _series_dir(tmp_path / "in")
    mem = batch.tables([str(root)])
    two = batch.tables([str(root)], jobs=2)
    batch.write([str(root)], tmp_path / "out.parquet")
    disk = batch.read_tables(tmp_path / "out.parquet")
    # Two processes writing their own parts (several of them): the same tables, in order.
    batch.write([str(root)], tmp_path / "two.parquet", jobs=2, chunk=2)
    assert len(list((tmp_path / "two.parquet" / "reports").iterdir())) == 4
    by_two = batch.read_tables(tmp_path / "two.parquet")
    for name in batch.TABLES:
        assert mem[name].equals(two[name])
        assert disk[name].equals(by_two[name]), name
        assert mem[name].schema == disk[name].schema == batch.schema(name)
        assert mem[name].num_rows == disk[name].num_rows
    # The cross-year findings: computed over reports in memory, and by joins on disk.
    cross = [[r for r in t["findings"].to_pylist() if r["kind"] == "cross"] for t in (mem, disk)]
    assert cross[0] == cross[1]
    assert {r["id"] for r in cross[0]} >= {"X.carry"}
    cells = mem["cells"]
    assert set(cells["how"].to_pylist()) <= {*get_args(gx._cell.How), "inferred", None}
    assert "cell" in cells["how"].to_pylist()


def test_dask_local_cluster_gives_the_same_tables(tmp_path: Path) -> None:
    """The same batch on a LocalCluster of two worker processes: identical tables."""
    distributed = pytest.importorskip("distributed", reason="the 'dask' extra is not installed")
    (tmp_path / "in").mkdir()
    root, _ = _series_dir(tmp_path / "in")
    local = batch.tables([str(root)])
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster),
    ):
        remote = batch.tables([str(root)], engine="dask", scheduler=cluster.scheduler_address)
    for name in batch.TABLES:
        assert remote[name].equals(local[name]), name


def test_cells_keep_unit_tolerance_and_blanks() -> None:
    """An approximate money value keeps its unit and tolerance; a blank stays null, not 0."""
    r = draw(gx.strategies.reports("national-2019", blanks=0.5), 5)
    from gxschema.batch._rows import cell_rows

    rows = cell_rows("r", "0" * 64, r)
    blank = [row for row in rows if row[13]]
    assert blank
    assert all(row[8] is None and row[9] is None for row in blank)
    money = [row for row in rows if row[6] == "amount"]
    assert money
    assert all(row[10] == "元" for row in money if row[9] is not None)
