"""The command line: exit codes, formats, and the read-only commands."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

import gxschema as gx
from gxschema.cli import main
from tests.conftest import EXAMPLES
from tests.layout import tab_text

EXAMPLE = str(EXAMPLES / "lucheng-police-2020.txt")


def consistent_file(tmp_path: Path) -> str:
    """A consistent national-2021 report (all zeros) written to a file."""
    path = tmp_path / "zeros.txt"
    path.write_text(tab_text(gx.templates.get("national-2021"), {}, year=2022), encoding="utf-8")
    return str(path)


def test_check_exit_codes(tmp_path: Path) -> None:
    """0 for a consistent report, 1 for a broken one, 2 when a file cannot be read."""
    runner = CliRunner()
    assert runner.invoke(main, ["check", consistent_file(tmp_path)]).exit_code == 0
    assert runner.invoke(main, ["check", EXAMPLE]).exit_code == 1
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\xff" * 10)
    result = runner.invoke(main, ["check", EXAMPLE, str(bad)])
    assert result.exit_code == 2
    assert "bad.txt" in result.output


def test_check_json_has_one_object_per_file(tmp_path: Path) -> None:
    """--format json prints a list: file, template, ok, violations with the contract's keys."""
    result = CliRunner().invoke(
        main, ["check", consistent_file(tmp_path), EXAMPLE, "--format", "json"]
    )
    data = json.loads(result.output)
    assert [d["ok"] for d in data] == [True, False]
    assert data[0]["violations"] == []
    v = data[1]["violations"][0]
    assert {
        "rule",
        "severity",
        "status",
        "table",
        "cells",
        "lhs",
        "rhs",
        "difference",
        "tolerance",
        "message_zh",
        "message_en",
    } <= set(v)
    assert set(v["cells"][0]) == {
        "line_id",
        "line_label",
        "column_id",
        "column_label",
        "value",
        "raw",
    }


def test_check_text_output_names_rules_and_messages() -> None:
    """Text output names the verdict, each rule and its message, in Chinese or English."""
    zh = CliRunner().invoke(main, ["check", EXAMPLE]).output
    assert "FAILED" in zh
    assert "C3.balance" in zh
    assert "应等于" in zh
    en = CliRunner().invoke(main, ["check", EXAMPLE, "--lang", "en"]).output
    assert "should equal" in en


def test_template_option_forces_a_template() -> None:
    """--template reads with the named template; an unknown id is an unreadable file (2)."""
    runner = CliRunner()
    result = runner.invoke(main, ["check", EXAMPLE, "--template", "hubei-2019", "--format", "json"])
    assert json.loads(result.output)[0]["template"] == "hubei-2019"
    assert runner.invoke(main, ["check", EXAMPLE, "--template", "nope"]).exit_code == 2


def test_templates_and_schema_commands() -> None:
    """`templates` lists every registered id; `schema ID` prints that template's schema."""
    runner = CliRunner()
    listed = runner.invoke(main, ["templates"]).output
    for tid in gx.templates.available():
        assert tid in listed
    schema = json.loads(runner.invoke(main, ["schema", "national-2021"]).output)
    assert schema == json.loads(json.dumps(gx.json_schema(gx.templates.get("national-2021"))))
    assert runner.invoke(main, ["schema", "nope"]).exit_code == 2


def test_extract_csv_quotes_and_blank_values(tmp_path: Path) -> None:
    """CSV output: one header, blank cells with an empty value and their raw text kept."""
    spec = gx.templates.get("national-2021")
    path = tmp_path / "blank.txt"
    path.write_text(tab_text(spec, {("s3", "new", "other"): "—"}, year=2022), encoding="utf-8")
    out = CliRunner().invoke(main, ["extract", str(path), "--format", "csv"]).output
    row = next(line for line in out.splitlines() if ",s3,new," in line and ",other," in line)
    assert row.split(",")[7:9] == ["", "—"]


def test_load_registers_a_users_templates(tmp_path: Path) -> None:
    """--load runs a declarations file, so its templates take part in detection."""
    decl = tmp_path / "mine.py"
    decl.write_text(
        "import gxschema as gx\n"
        "from gxschema.templates import NATIONAL_2019\n"
        "if 'mine-2019' not in gx.templates.available():\n"
        "    gx.templates.register(NATIONAL_2019.extend('mine-2019'))\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    try:
        listed = runner.invoke(main, ["--load", str(decl), "templates"]).output
        [row] = [line.split("\t") for line in listed.splitlines() if line.startswith("mine-2019")]
        assert row[-1] == f"--load {decl}"  # where it came from
        result = runner.invoke(
            main,
            ["--load", str(decl), "check", EXAMPLE, "--template", "mine-2019", "--format", "json"],
        )
        assert json.loads(result.output)[0]["template"] == "mine-2019"
    finally:
        gx.templates.unregister("mine-2019")
    broken = tmp_path / "broken.py"
    broken.write_text("raise RuntimeError('boom')\n", encoding="utf-8")
    result = runner.invoke(main, ["--load", str(broken), "templates"])
    assert result.exit_code == 2
    assert "boom" in result.output


def test_render_writes_every_form_and_check_reads_it_back(tmp_path: Path) -> None:
    """`render --to FORM` writes each form; `extract` of what it wrote gives the same cells."""
    runner = CliRunner()
    original = json.loads(runner.invoke(main, ["extract", EXAMPLE]).output)[0]["tables"]
    for form in ("text", "html", "markdown", "docx"):
        out = tmp_path / f"report.{form}"
        result = runner.invoke(main, ["render", EXAMPLE, "--to", form, "-o", str(out)])
        assert result.exit_code == 0, result.output
        again = runner.invoke(main, ["extract", str(out)])
        assert again.exit_code == 0, (form, again.output)
        tables = json.loads(again.output)[0]["tables"]
        strip = lambda t: {  # noqa: E731 - provenance differs by form
            k: {r: {c: (v["value"], v["raw"]) for c, v in cols.items()} for r, cols in rows.items()}
            for k, rows in t.items()
        }
        assert strip(tables) == strip(original), form
    assert runner.invoke(main, ["render", EXAMPLE, "--to", "docx"]).exit_code == 2
