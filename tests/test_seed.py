"""Golden tests on the seed report and on the example built from its tables."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

import gxschema as gx
from gxschema.cli import main
from tests.conftest import EXAMPLES, SEED, need

EXAMPLE = EXAMPLES / "lucheng-police-2020.txt"


@pytest.fixture(params=["seed", "example"])
def report_path(request: pytest.FixtureRequest) -> Path:
    """The seed (when ../shared is present) and the shipped example, which share tables."""
    return need(SEED) if request.param == "seed" else EXAMPLE


def test_check_json_exits_1_with_exactly_the_two_broken_rules(report_path: Path) -> None:
    """`check --format json` exits 1 with C3.balance and C3.results_total in 自然人 and 总计."""
    result = CliRunner().invoke(main, ["check", str(report_path), "--format", "json"])
    assert result.exit_code == 1, result.output
    [entry] = json.loads(result.output)
    assert entry["template"] == "national-2019"
    assert entry["ok"] is False
    errors = {(v["rule"], v["at"]) for v in entry["violations"] if v["severity"] == "error"}
    assert errors == {
        ("C3.balance", "natural_person"),
        ("C3.balance", "total"),
        ("C3.results_total", "natural_person"),
        ("C3.results_total", "total"),
    }
    assert all(v["status"] == "fail" for v in entry["violations"])
    balance = next(v for v in entry["violations"] if v["rule"] == "C3.balance")
    assert (balance["lhs"], balance["rhs"], balance["difference"]) == (2, 0, 2)
    assert {c["line_id"] for c in balance["cells"]} == {
        "new",
        "carried_in",
        "r7_total",
        "carried_out",
    }
    assert balance["message_zh"]
    assert balance["message_en"]


def test_soft_delta_holds_on_every_section_two_row(report_path: Path) -> None:
    """S2.delta holds on every row of section 二, the approximate 19万 + 增1万 = 20万 included."""
    report = gx.read(report_path)
    assert not [v for v in gx.validate(report) if v.severity == "warning"]
    spec = gx.templates.get(report.template)
    delta_lines = [(c.table, c.at) for c in spec.constraints if c.rule.id == "S2.delta"]
    assert len(delta_lines) == 4
    for table, line in delta_lines:
        assert report.tables[table][line], (table, line)


def test_extract_gives_the_golden_values(report_path: Path) -> None:
    """`extract` gives the seed's values: deltas, approximate 万 values, money in 元, counts."""
    result = CliRunner().invoke(main, ["extract", str(report_path), "--format", "json"])
    assert result.exit_code == 0, result.output
    [data] = json.loads(result.output)
    art20_5 = data["tables"]["s2.art20_5"]
    assert [art20_5["licensing"][c]["value"] for c in ("previous", "change", "decisions")] == [
        472,
        -55,
        417,
    ]
    other = art20_5["other_services"]
    assert [other[c]["value"] for c in ("previous", "change", "decisions")] == [
        190000,
        10000,
        200000,
    ]
    assert all(other[c]["tolerance"] == 5000 for c in ("previous", "change", "decisions"))
    amount = data["tables"]["s2.art20_9"]["procurement"]["amount"]
    assert Decimal(amount["value"]) == Decimal(9742000)
    assert amount["unit"] == "元"
    assert amount["raw"] == "974.20万元"
    assert data["tables"]["s3"]["r3_7"]["natural_person"]["value"] == 1
    assert data["tables"]["s4"]["suit_direct"]["total"]["value"] == 2


def test_extract_csv_has_the_contract_columns_and_every_cell(report_path: Path) -> None:
    """The CSV has the contract's columns and one row per cell of the template."""
    result = CliRunner().invoke(main, ["extract", str(report_path), "--format", "csv"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert (
        lines[0] == "file,template,table,line_id,line_label,column_id,column_label,value,raw,source"
        ",unit,tolerance,how"
    )
    spec = gx.templates.get("national-2019")
    assert len(lines) - 1 == sum(len(t.lines) * len(t.columns) for t in spec.tables)
    s3 = spec.table("s3")
    want = f",s3,r3_7,{s3.line('r3_7').label},natural_person,{s3.column('natural_person').label},1,"
    assert any(want in line for line in lines)


def test_every_cell_keeps_raw_text_and_line(report_path: Path) -> None:
    """Every cell keeps its raw text (NBSP padding included) and the line it came from."""
    report = gx.read(report_path)
    cells = list(report.cells())
    spec = gx.templates.get(report.template)
    assert len(cells) == sum(len(t.lines) * len(t.columns) for t in spec.tables) == 198
    assert all(c.source is not None and c.source.line for *_, c in cells)
    raws = {c.raw for *_, c in cells}
    assert "\xa00" in raws
    assert "0\xa0" in raws
    assert report.cell("s2.art20_5", "other_services", "change").raw == "\u3000增1万"


def test_json_round_trip_is_exact(report_path: Path) -> None:
    """from_json(to_json(r)) == r: raw text, Decimal, tolerance and provenance survive."""
    report = gx.read(report_path)
    again = gx.from_json(gx.to_json(report))
    assert again == report
    assert gx.to_json(again) == gx.to_json(report)


def test_detection_is_recorded_per_table(report_path: Path) -> None:
    """Each table records the template it was read with and why."""
    report = gx.read(report_path)
    assert {d.table for d in report.detection} == {
        t.id for t in gx.templates.get("national-2019").tables
    }
    s3 = next(d for d in report.detection if d.table == "s3")
    assert s3.template == "national-2019"
    assert "23 of 23" in s3.reason
    assert "national-2021" in s3.reason
    assert report.extras == ()
