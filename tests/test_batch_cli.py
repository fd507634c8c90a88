"""The batch command line: inputs, stdin, report JSON, jobs, Parquet, CSV for spreadsheets."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import gxschema as gx
from gxschema.cli import main
from tests.batchdata import report_of, write_html
from tests.layout import tab_text

BOM = b"\xef\xbb\xbf"


def _dir(tmp_path: Path) -> Path:
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    write_html(root, "a.html", report_of(2020, 1))
    write_html(root / "sub", "b.html", report_of(2021, 2))
    (root / "sub" / "junk.html").write_bytes(b"\x00\xff" * 50)
    return root


def test_directory_batch_goes_on_past_an_unreadable_file(tmp_path: Path) -> None:
    """A directory is read recursively; the unreadable file is named, the others checked."""
    root = _dir(tmp_path)
    result = CliRunner().invoke(main, ["check", str(root), "--format", "json"])
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert [Path(d["file"]).name for d in data] == ["a.html", "b.html", "junk.html"]
    assert [d["verdict"] for d in data][2] == "unreadable"
    assert "junk.html" in data[2]["error"]
    assert {d["verdict"] for d in data[:2]} <= {"ok", "failed", "incomplete"}


def test_jobs_give_the_same_output_in_the_same_order(tmp_path: Path) -> None:
    """--jobs 2 prints exactly what one process prints."""
    root = _dir(tmp_path)
    one = CliRunner().invoke(main, ["check", str(root), "--format", "json"])
    two = CliRunner().invoke(main, ["check", str(root), "--format", "json", "--jobs", "2"])
    assert one.stdout == two.stdout
    assert one.exit_code == two.exit_code


def test_standard_input_and_report_json(tmp_path: Path) -> None:
    """`-` reads standard input; extract's JSON is checked again like the file it came from."""
    page = tmp_path / "a.html"
    write_html(tmp_path, "a.html", report_of(2021, 4))
    runner = CliRunner()
    direct = json.loads(runner.invoke(main, ["check", str(page), "--format", "json"]).stdout)
    piped = runner.invoke(main, ["check", "-", "--format", "json"], input=page.read_bytes())
    assert json.loads(piped.stdout)[0]["verdict"] == direct[0]["verdict"]
    extracted = runner.invoke(main, ["extract", str(page)])
    assert extracted.exit_code == 0
    saved = tmp_path / "a.json"
    saved.write_text(extracted.stdout, encoding="utf-8")
    again = json.loads(runner.invoke(main, ["check", str(saved), "--format", "json"]).stdout)
    assert again[0]["file"] == f"{saved}:{page}"
    assert again[0]["verdict"] == direct[0]["verdict"]
    assert again[0]["findings"] == direct[0]["findings"]


def test_csv_for_spreadsheets_has_a_bom_unit_and_tolerance(tmp_path: Path) -> None:
    """A .csv file begins with the UTF-8 BOM; 19万 stays 190000 ± 5000, 974.20万元 in 元."""
    spec = gx.templates.get("national-2019")
    values_key = ("s3", "new", "natural_person")
    values = {
        values_key: "19万",
        ("s2.art20_9", "procurement", "amount"): "974.20万元",
    }
    text = tab_text(spec, values, year=2020)
    report = tmp_path / "r.txt"
    report.write_text(text, encoding="utf-8")
    out = tmp_path / "cells.csv"
    result = CliRunner().invoke(main, ["extract", str(report), "--format", "csv", "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = out.read_bytes()
    assert data.startswith(BOM)
    assert not data[3:].startswith(BOM)
    # As a spreadsheet on Chinese Windows reads it: the BOM says UTF-8 (not GBK).
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    [count] = [r for r in rows if (r["table"], r["line_id"], r["column_id"]) == values_key]
    assert (count["value"], count["raw"], count["tolerance"]) == ("190000", "19万", "5000")
    [amount] = [r for r in rows if r["column_id"] == "amount"]
    assert (amount["value"], amount["unit"], amount["tolerance"]) == ("9742000.00", "元", "0")
    plain = CliRunner().invoke(main, ["extract", str(report), "--format", "csv"])
    assert not plain.stdout_bytes.startswith(BOM)
    forced = CliRunner().invoke(main, ["extract", str(report), "--format", "csv", "--bom"])
    assert forced.stdout_bytes.startswith(BOM)


@pytest.mark.parametrize(
    "args",
    [
        ["extract", "{page}", "--format", "csv", "-o", "{missing}/cells.csv"],
        ["check", "{page}", "--out", "{missing}/x.parquet"],
        ["series", "{page}", "--out", "{missing}/series.parquet"],
    ],
)
def test_unwritable_output_is_one_line_and_exit_2(tmp_path: Path, args: list[str]) -> None:
    """A missing folder: one clear line on standard error, exit code 2, no traceback."""
    write_html(tmp_path, "a.html", report_of(2021, 4))
    filled = [a.format(page=tmp_path / "a.html", missing=tmp_path / "no" / "such") for a in args]
    result = CliRunner().invoke(main, filled)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: cannot write")
    assert "Traceback" not in result.output


def test_out_parquet_rerun_skips_what_is_there(tmp_path: Path) -> None:
    """`check DIR --out`: tables written; a rerun skips every file and changes nothing."""
    pytest.importorskip("pyarrow", reason="the 'parquet' extra is not installed")
    from gxschema import batch

    root = _dir(tmp_path)
    out = tmp_path / "x.parquet"
    first = CliRunner().invoke(main, ["check", str(root), "--out", str(out)])
    assert first.exit_code == 2
    assert first.stdout == ""
    assert "3 report(s)" in first.stderr
    before = batch.read_tables(out)
    again = CliRunner().invoke(main, ["check", str(root), "--out", str(out)])
    assert "3 already in" in again.stderr
    after = batch.read_tables(out)
    for name in batch.TABLES:
        assert after[name].equals(before[name])
    assert before["reports"].num_rows == 3


def test_series_command_writes_one_row_per_agency_year_and_series(tmp_path: Path) -> None:
    """`gxschema series DIR --out series.parquet` writes the series rows."""
    pq = pytest.importorskip("pyarrow.parquet", reason="the 'parquet' extra is not installed")
    root = _dir(tmp_path)
    out = tmp_path / "series.parquet"
    result = CliRunner().invoke(main, ["series", str(root), "--out", str(out)])
    assert result.exit_code == 0, result.output
    table = pq.read_table(out)
    r6 = [r for r in table.to_pylist() if r["series"] == "s3.r6.total"]
    assert [(r["year"], r["template"], r["comparable"]) for r in r6] == [
        (2020, "national-2019", True),
        (2021, "national-2021", True),
    ]


def test_extract_names_an_unreadable_file_and_exits_2(tmp_path: Path) -> None:
    """Extract keeps going past an unreadable file, names it on standard error, exits 2."""
    root = _dir(tmp_path)
    result = CliRunner().invoke(main, ["extract", str(root)])
    assert result.exit_code == 2
    assert [Path(d["file"]).name for d in json.loads(result.stdout)] == ["a.html", "b.html"]
    assert "junk.html" in result.stderr


def test_time_limit_option_on_local_processes(tmp_path: Path) -> None:
    """--time-limit with --jobs: files within it are checked as usual; 0 is refused."""
    root = _dir(tmp_path)
    args = ["check", str(root), "--jobs", "2", "--time-limit", "60", "--format", "json"]
    result = CliRunner().invoke(main, args)
    got = {Path(x["file"]).name: x["verdict"] for x in json.loads(result.output)}
    assert got["junk.html"] == "unreadable"
    assert got["a.html"] != "unreadable"
    assert got["b.html"] != "unreadable"
    bad = CliRunner().invoke(main, ["check", str(root), "--time-limit", "0"])
    assert bad.exit_code == 2
    assert "time-limit" in bad.output
