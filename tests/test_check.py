"""The verdict on a whole report, and the completeness findings behind it.

The verdict means one thing in Python, the JSON and the exit code: ``ok`` (0),
``failed`` (1), ``incomplete`` (3), ``unreadable`` (2); ``failed`` wins over
``incomplete``; warnings never change it.  Completeness findings name exactly what is
missing: a table (``R.table``), a line (``R.line``), a cell (``R.cell``), a numbered
section (``R.section``), a section's text (``R.section_empty``); and how the report was
read: columns placed by position (``R.position``), a template that does not fit the
report year (``R.template_year``).
"""

from __future__ import annotations

from pathlib import Path

import attrs
import orjson
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import gxschema as gx
from conftest import CORPUS, EXAMPLES, need
from gxschema.cli import main
from gxschema.strategies import reports

EXAMPLE = EXAMPLES / "lucheng-police-2020.txt"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout


Named = tuple[str, str | None, str | None]


def ids(result: gx.CheckResult, kind: str | None = None) -> list[Named]:
    return [(f.id, f.table, f.at) for f in result.findings if kind in (None, f.kind)]


# -- the seed ------------------------------------------------------------------------------


def test_the_seed_fails_with_its_sections_missing_and_its_metadata(seed_path: Path) -> None:
    """The seed fails (exit 1) on C3 only, lacks 五 and 六, and names its agency and year."""
    result = gx.check(gx.read(seed_path))
    assert result.verdict == "failed"
    assert result.exit_code == 1
    assert result.template == "national-2019"
    errors = {f.id for f in result.findings if f.severity == "error"}
    assert errors == {"C3.balance", "C3.results_total"}
    assert ids(result, "completeness") == [("R.section", None, "五"), ("R.section", None, "六")]
    assert all(f.severity == "warning" for f in result.of_kind("completeness"))
    assert "R.template_year" not in {f.id for f in result.findings}
    meta = result.metadata
    assert (meta.agency, meta.year) == ("鹿城公安分局", 2020)
    assert meta.title == "鹿城公安分局2020年政府信息公开工作年度报告"  # printed over two lines
    assert (meta.agency_from, meta.year_from, meta.title_from) == ("title",) * 3
    code, out = run("check", str(seed_path), "--lang", "en")
    assert code == 1
    assert out.startswith("FAILED")
    assert "section 五 (存在的主要问题及改进情况) is missing" in out


def test_findings_are_grouped_completeness_then_rules_then_claims(seed_path: Path) -> None:
    """Findings come completeness first, then the rules, then the claims."""
    kinds = [f.kind for f in gx.check(gx.read(seed_path)).findings]
    assert kinds == sorted(kinds, key=["completeness", "rule", "claim"].index)
    assert kinds[0] == "completeness"
    assert kinds[-1] == "claim"


def test_the_seeds_claims_are_findings_citing_the_sentence(seed_path: Path) -> None:
    """The seed's 实际办理申请2件 against （七）总计 0 is its one claim finding."""
    result = gx.check(gx.read(seed_path))
    [claim] = result.of_kind("claim")
    assert (claim.id, claim.severity, claim.table) == ("T.handled", "warning", "s3")
    assert claim.evidence is not None
    assert "实际办理申请2件" in claim.evidence
    assert [(c.line_id, c.value) for c in claim.cells] == [("r7_total", 0)]
    assert result.verdict == "failed"  # warnings never change the verdict


def test_the_seeds_json_has_the_verdict_metadata_and_kinds(seed_path: Path) -> None:
    """The JSON adds the verdict, the metadata and each finding's kind, and keeps the violations."""
    code, out = run("check", str(seed_path), "--format", "json")
    assert code == 1
    [data] = orjson.loads(out)
    assert data["verdict"] == "failed"
    assert data["ok"] is False
    assert data["template"] == "national-2019"
    assert data["metadata"]["agency"] == "鹿城公安分局"
    assert data["metadata"]["year"] == 2020
    assert data["metadata"]["year_from"] == "title"
    assert [f["kind"] for f in data["findings"]] == ["completeness"] * 2 + ["rule"] * 4 + ["claim"]
    rule = data["findings"][2]
    assert rule["id"] == "C3.balance"
    assert rule["lhs"] == 2
    assert rule["rhs"] == 0
    # The fields the JSON had before are kept: one entry per rule violation.
    assert [v["rule"] for v in data["violations"]] == [
        "C3.balance",
        "C3.balance",
        "C3.results_total",
        "C3.results_total",
    ]


# -- incomplete reports -------------------------------------------------------------------------


def _lines() -> list[str]:
    return EXAMPLE.read_text(encoding="utf-8").splitlines()


def _from(lines: list[str], start: str, stop: str | None = None) -> str:
    first = next(i for i, ln in enumerate(lines) if ln.startswith(start))
    last = len(lines)
    if stop is not None:
        last = next(i for i, ln in enumerate(lines) if i > first and ln.strip() == stop)
    return "\n".join(lines[first:last]) + "\n"


def test_section_four_alone_is_incomplete_naming_every_missing_table(tmp_path: Path) -> None:
    """Section 四 alone is incomplete (exit 3), with one R.table per missing table."""
    path = tmp_path / "s4-only.txt"
    path.write_text(_from(_lines(), "四、"), encoding="utf-8")
    result = gx.check(gx.read(path))
    assert result.verdict == "incomplete"
    spec = gx.templates.get("national-2019")
    missing = [t.id for t in spec.tables if t.id != "s4"]
    assert [(f.id, f.table) for f in result.findings if f.severity == "error"] == [
        ("R.table", t) for t in missing
    ]
    assert all(f.status == "uncertain" for f in result.findings if f.severity == "error")
    code, out = run("check", str(path), "--lang", "en")
    assert code == 3
    assert out.startswith("INCOMPLETE")
    assert "table s3 (收到和处理政府信息公开申请情况) is not in the document" in out


def test_a_fragment_of_section_three_is_incomplete_naming_its_missing_lines(
    tmp_path: Path,
) -> None:
    """A fragment of 三 without （七）总计 is incomplete, naming the lines it lacks."""
    path = tmp_path / "s3-fragment.txt"
    path.write_text(_from(_lines(), "三、", "（七）总计"), encoding="utf-8")
    result = gx.check(gx.read(path))
    assert result.verdict == "incomplete"
    lines = [(f.table, f.at) for f in result.findings if f.id == "R.line"]
    assert lines == [("s3", "r7_total"), ("s3", "carried_out")]
    r7 = next(f for f in result.findings if f.id == "R.line" and f.at == "r7_total")
    assert "（七）总计" in r7.message_zh
    assert "（七）总计" in r7.message_en
    assert {c.line_id for c in r7.cells} == {"r7_total"}
    assert all(c.value is None and c.raw is None for c in r7.cells)
    assert {f.table for f in result.findings if f.id == "R.table"} == {
        "s2.art20_1",
        "s2.art20_5",
        "s2.art20_6",
        "s2.art20_8",
        "s2.art20_9",
        "s4",
    }
    assert not any(f.status == "fail" and f.severity == "error" for f in result.findings)
    assert run("check", str(path))[0] == 3


def _blank_total() -> str:
    lines = _lines()
    at = next(i for i, ln in enumerate(lines) if ln.strip() == "（七）总计")
    i = at + 1
    while lines[i].strip():
        lines[i] = "\t"
        i += 1
    return "\n".join(lines) + "\n"


def test_a_blank_total_is_incomplete_for_check_and_diagnose_and_shown_blank(
    tmp_path: Path,
) -> None:
    """A blank （七）总计 is incomplete for check and diagnose alike, and shown blank, not 0."""
    path = tmp_path / "blank-total.txt"
    path.write_text(_blank_total(), encoding="utf-8")
    report = gx.read(path)
    assert report.cell("s3", "r7_total", "total").value is gx.BLANK  # type: ignore[union-attr]
    result = gx.check(report)
    assert result.verdict == "incomplete"
    results_total = [f for f in result.findings if f.id == "C3.results_total"]
    assert results_total
    assert all(f.status == "uncertain" for f in results_total)
    assert all("（七）总计 (blank)" in f.message_en for f in results_total)
    assert all("（七）总计（空白）" in f.message_zh for f in results_total)
    code, out = run("check", str(path), "--lang", "en")
    assert code == 3
    assert out.startswith("INCOMPLETE")
    assert "(0)" not in out
    code, out = run("diagnose", str(path), "--lang", "en")
    assert code == 3
    assert out.startswith("INCOMPLETE")
    assert "blank →" in out
    code, out = run("diagnose", str(path), "--format", "json")
    assert code == 3
    assert orjson.loads(out)[0]["verdict"] == "incomplete"


def test_failed_wins_over_incomplete(tmp_path: Path) -> None:
    """A report that both lacks a table and breaks a rule is failed."""
    lines = _lines()
    cut = next(i for i, ln in enumerate(lines) if ln.startswith("二、"))
    s2 = next(i for i, ln in enumerate(lines) if ln.startswith("三、"))
    path = tmp_path / "no-s2.txt"
    path.write_text("\n".join(lines[:cut] + lines[s2:]) + "\n", encoding="utf-8")
    result = gx.check(gx.read(path))
    assert "R.table" in {f.id for f in result.findings}
    assert result.verdict == "failed"  # the （七）总计 of 0 still fails
    assert run("check", str(path))[0] == 1


def test_a_report_without_tables_is_unreadable() -> None:
    """A report without any declared table is unreadable (exit 2)."""
    spec = gx.templates.get("national-2019")
    result = gx.check(gx.Report(template=spec.id, spec=spec))
    assert result.verdict == "unreadable"
    assert result.exit_code == 2


def test_exit_codes_over_several_files_follow_the_worst_verdict(tmp_path: Path) -> None:
    """Over several files: unreadable, then failed, then incomplete decide the exit code."""
    blank = tmp_path / "blank.txt"
    blank.write_text(_blank_total(), encoding="utf-8")
    unreadable = tmp_path / "nothing.txt"
    unreadable.write_text("没有表格\n", encoding="utf-8")
    assert run("check", str(blank), str(EXAMPLE))[0] == 1
    assert run("check", str(blank), str(unreadable), str(EXAMPLE))[0] == 2
    code, out = run("check", str(unreadable), "--format", "json")
    assert code == 2
    assert orjson.loads(out)[0]["verdict"] == "unreadable"


# -- how the report was read ---------------------------------------------------------------------


def test_a_forced_template_names_the_columns_placed_by_position_and_the_year() -> None:
    """Forcing national-2021 on a 2020 report names the columns placed by position and the year."""
    result = gx.check(gx.read(EXAMPLE, template="national-2021"))
    position = [f for f in result.findings if f.id == "R.position"]
    assert [f.table for f in position] == ["s2.art20_1"]
    [finding] = position
    assert finding.severity == "warning"
    for label in ("本年制发件数", "本年废止件数", "现行有效件数"):
        assert label in finding.message_zh
        assert label in finding.message_en
    assert "by position" in finding.message_en
    [year] = [f for f in result.findings if f.id == "R.template_year"]
    assert "2020" in year.message_en
    assert "national-2021" in year.message_en
    _code, out = run("check", str(EXAMPLE), "--template", "national-2021", "--lang", "en")
    assert "R.position" in out
    assert "本年制发件数" in out


def test_positions_survive_the_json() -> None:
    """The columns placed by position go through the JSON."""
    report = gx.read(EXAMPLE, template="national-2021")
    again = gx.from_json(gx.to_json(report))
    assert again.detection == report.detection
    assert any(d.by_position for d in again.detection)


def test_the_right_template_year_gives_no_finding() -> None:
    """R.template_year only when the year is outside the template's, naming where it came from."""
    result = gx.check(gx.read(EXAMPLE))
    assert "R.template_year" not in {f.id for f in result.findings}
    late = attrs.evolve(gx.read(EXAMPLE), metadata=gx.Metadata(year=2023, year_from="user"))
    [year] = [f for f in gx.check(late).findings if f.id == "R.template_year"]
    assert "from the user" in year.message_en


def test_hzq_2024_is_ok_on_its_tables() -> None:
    """A real 2024 PDF is ok on its tables, with every section found."""
    report = gx.read(need(CORPUS / "hzq-2024.pdf"))
    result = gx.check(report)
    assert result.verdict == "ok"
    assert not result.of_kind("completeness")
    assert (result.metadata.agency, result.metadata.year) == ("淮安市洪泽区人民政府", 2024)
    [claim] = result.of_kind("claim")  # the text says 受理17件, the table 95
    assert claim.id == "T.received"
    assert [c.value for c in claim.cells] == [95]


# -- sections ---------------------------------------------------------------------------------


def test_sections_are_found_by_number_and_keyword_in_longer_titles(tmp_path: Path) -> None:
    """A longer section title is still recognised by its number and keyword."""
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "五、存在的主要问题及改进情况", "五、政府信息公开工作存在的主要问题及改进情况"
    )
    path = tmp_path / "long-title.txt"
    path.write_text(text, encoding="utf-8")
    result = gx.check(gx.read(path))
    assert not [f for f in result.findings if f.id.startswith("R.section")]


def test_a_section_without_text_is_a_warning(tmp_path: Path) -> None:
    """A prose section without text is an R.section_empty warning."""
    lines = [ln for ln in _lines() if "存在的主要问题及改进措施" not in ln]
    path = tmp_path / "empty-5.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = gx.check(gx.read(path))
    assert ids(result, "completeness") == [("R.section_empty", None, "五")]
    assert result.verdict == "failed"  # the warning does not change the verdict


# -- metadata ----------------------------------------------------------------------------------


def test_the_year_falls_back_to_the_period_and_then_the_file_name(tmp_path: Path) -> None:
    """Without a title the year comes from the statistics period, then the file name."""
    body = _from(_lines(), "一、")
    period = tmp_path / "report.txt"
    period.write_text("统计期限自2019年1月1日起至2019年12月31日止。\n\n" + body, encoding="utf-8")
    meta = gx.read(period).metadata
    assert (meta.year, meta.year_from, meta.title) == (2019, "period", None)
    named = tmp_path / "agency-2022.txt"
    named.write_text(body, encoding="utf-8")
    meta = gx.read(named).metadata
    assert (meta.year, meta.year_from, meta.agency) == (2022, "file_name", None)


def test_metadata_goes_through_the_json_strictly(seed_path: Path) -> None:
    """Metadata goes through the JSON, and malformed metadata is refused."""
    report = gx.read(seed_path)
    again = gx.from_json(gx.to_json(report))
    assert again.metadata == report.metadata
    data = orjson.loads(gx.to_json(report))
    for bad in ({"year": "2020"}, {"agency_from": "guess"}, {"colour": "red"}):
        with pytest.raises(gx.ParseError, match="metadata"):
            gx.from_json(orjson.dumps({**data, "metadata": bad}))


def test_render_keeps_the_reports_own_title(seed_path: Path) -> None:
    """Every form written keeps the report's own title, not the template's."""
    report = gx.read(seed_path)
    for form in ("text", "markdown", "html"):
        written = gx.render(report, form)
        assert isinstance(written, str)
        assert "鹿城公安分局2020年政府信息公开工作年度报告" in written
        assert report.spec is not None
        assert report.spec.title not in written
        assert gx.read(written).metadata.title == report.metadata.title


# -- properties over generated reports -----------------------------------------------------------

TEMPLATES = ["national-2019", "national-2021"]


def _round_trip(report: gx.Report) -> gx.CheckResult:
    written = gx.render(report, "text")
    assert isinstance(written, str)
    return gx.check(gx.read(written))  # the template detected, not given


@settings(max_examples=25)
@given(data=st.data(), template=st.sampled_from(TEMPLATES))
def test_a_rendered_consistent_report_is_ok_with_every_section(
    data: st.DataObject, template: str
) -> None:
    """A consistent report, written and read back, is ok and lacks no section."""
    report = data.draw(reports(template))
    result = _round_trip(report)
    assert result.verdict == "ok", ids(result)
    assert not [f for f in result.findings if f.id in ("R.section", "R.table", "R.line")]


@settings(max_examples=40)
@given(data=st.data(), template=st.sampled_from(TEMPLATES))
def test_deleting_a_table_or_line_makes_it_incomplete_naming_exactly_that(
    data: st.DataObject, template: str
) -> None:
    """Deleting a table or line makes the verdict incomplete, naming exactly what was deleted."""
    report = data.draw(reports(template))
    spec = gx.templates.get(template)
    table = data.draw(st.sampled_from(spec.tables))
    tables = {t: dict(lines) for t, lines in report.tables.items()}
    # A line of a table printed as rows (a flat table prints all its lines in one row,
    # so a line cannot be left out of it); a table of one line goes whole.
    whole = table.layout == "flat" or len(table.lines) == 1 or data.draw(st.booleans())
    if whole:
        del tables[table.id]
        expected = [("R.table", table.id, None)]
    else:
        line = data.draw(st.sampled_from(table.lines))
        del tables[table.id][line.id]
        expected = [("R.line", table.id, line.id)]
    result = _round_trip(attrs.evolve(report, tables=tables))
    assert result.verdict == "incomplete", ids(result)
    missing = [
        (f.id, f.table, f.at) for f in result.findings if f.id in ("R.table", "R.line", "R.cell")
    ]
    assert missing == expected


@settings(max_examples=25)
@given(data=st.data(), template=st.sampled_from(TEMPLATES))
def test_deleting_a_prose_section_keeps_it_ok_with_a_warning_naming_it(
    data: st.DataObject, template: str
) -> None:
    """Deleting a prose section keeps the verdict ok, with an R.section naming it."""
    report = data.draw(reports(template))
    spec = gx.templates.get(template)
    section = data.draw(st.sampled_from([s for s in spec.sections if s.prose]))
    written = gx.render(report, "text")
    assert isinstance(written, str)
    kept = [ln for ln in written.splitlines() if ln.strip() != section.title]
    assert len(kept) == len(written.splitlines()) - 1
    result = gx.check(gx.read("\n".join(kept) + "\n"))
    assert result.verdict == "ok", ids(result)
    assert [(f.id, f.at) for f in result.findings if f.id == "R.section"] == [
        ("R.section", section.number)
    ]


@pytest.mark.parametrize("form", ["text", "markdown", "html", "docx"])
def test_every_form_keeps_the_section_headings(form: str) -> None:
    """Every form written and read back keeps all six section headings."""
    from gxschema._sections import find_sections

    report = gx.read(EXAMPLE)
    spec = gx.templates.get(report.template)
    again = gx.read(gx.render(report, form))
    assert set(find_sections(again.prose, spec.sections)) == {s.number for s in spec.sections}
    assert again.metadata.title == report.metadata.title


def test_a_missing_cell_is_named_and_makes_it_incomplete() -> None:
    """A missing cell is an R.cell naming it, and leaves the verdict incomplete."""
    report = gx.read(EXAMPLE)
    tables = {
        t: {ln: dict(cells) for ln, cells in lines.items()} for t, lines in report.tables.items()
    }
    del tables["s4"]["review"]["corrected"]
    del tables["s3"]["r7_total"]["total"]
    tables["s3"]["r7_total"]["natural_person"] = tables["s3"]["r1_open"]["natural_person"]
    result = gx.check(attrs.evolve(report, tables=tables))
    cells = [(f.table, f.at) for f in result.findings if f.id == "R.cell"]
    assert cells == [("s3", "r7_total.total"), ("s4", "review.corrected")]
    [s4] = [f for f in result.findings if f.id == "R.cell" and f.table == "s4"]
    assert [(c.line_id, c.column_id, c.value) for c in s4.cells] == [("review", "corrected", None)]
    assert result.verdict == "failed"  # C3.balance still fails in the 自然人 column
    del tables["s3"]["r7_total"]["natural_person"]
    rest = {t: v for t, v in tables.items() if t != "s3"}
    assert gx.check(attrs.evolve(report, tables=rest)).verdict == "incomplete"
