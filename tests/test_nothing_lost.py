"""Nothing a report holds is lost or changed.

Huge counts, footnotes, nested tables, unmatched rows and round trips through the
writers.
"""

from __future__ import annotations

from pathlib import Path

import attrs
import jsonschema
import orjson
from click.testing import CliRunner

import gxschema as gx
from gxschema.cli import main
from tests.layout import tab_text

HUGE = 10**40 + 7  # 41 digits: the reader accepts counts of up to 100


def _numbered(spec: gx.spec.TemplateSpec) -> dict[tuple[str, str, str], str]:
    out = {}
    for n, (table, line, column) in enumerate(
        ((t, ln, c) for t in spec.tables for ln, c in t.cells()), start=1
    ):
        out[(table.id, line.id, column.id)] = str(n)
    return out


def test_counts_beyond_64_bits_round_trip_through_json() -> None:
    """A count of 41 digits is written as a string of digits and read back exactly."""
    spec = gx.templates.get("national-2021")
    values = _numbered(spec)
    s3 = spec.table("s3")
    first = (s3.id, s3.lines[0].id, s3.columns[0].id)
    values[first] = str(HUGE)
    report = gx.read(tab_text(spec, values, year=2023))
    cell = report.tables[first[0]][first[1]][first[2]]
    assert cell.value == gx.Number(HUGE)
    text = gx.to_json(report)
    data = orjson.loads(text)
    assert data["tables"][first[0]][first[1]][first[2]]["value"] == str(HUGE)
    jsonschema.validate(data, gx.json_schema(spec))
    assert gx.from_json(text) == report
    # Just past 2**53: a string too, so no JSON reader rounds it.
    edge = gx.Cell(value=gx.Number(2**53), raw=str(2**53))
    assert orjson.loads(gx.to_json(edge))["value"] == str(2**53)
    assert orjson.loads(gx.to_json(gx.Cell(value=gx.Number(2**53 - 1), raw="")))["value"] == (
        2**53 - 1
    )
    # Anything else holding the number (the violations of check) is written too.
    assert str(HUGE) in gx.to_json(gx.validate(report))


def test_the_command_line_writes_counts_beyond_64_bits(tmp_path: Path) -> None:
    """Gxschema extract and check print a 41-digit count as its digits, in valid JSON."""
    spec = gx.templates.get("national-2021")
    values = _numbered(spec)
    s3 = spec.table("s3")
    values[(s3.id, s3.lines[0].id, s3.columns[0].id)] = str(HUGE)
    path = tmp_path / "huge.txt"
    path.write_text(tab_text(spec, values, year=2023), encoding="utf-8")
    runner = CliRunner()
    extracted = runner.invoke(main, ["extract", str(path)])
    assert extracted.exit_code == 0, extracted.output
    [data] = orjson.loads(extracted.output)
    assert data["tables"][s3.id][s3.lines[0].id][s3.columns[0].id]["value"] == str(HUGE)
    checked = runner.invoke(main, ["check", "--format", "json", str(path)])
    assert checked.exit_code in (0, 1, 3), checked.output
    assert str(HUGE) in checked.output
    orjson.loads(checked.output)


# -- footnote marks, struck-out and hidden text ----------------------------------------


def _numbered_report(template: str = "national-2021") -> gx.Report:
    spec = gx.templates.get(template)
    return gx.read(tab_text(spec, _numbered(spec), year=2023))


def _cell_of(report: gx.Report, raw: str) -> gx.Cell:
    [cell] = [c for _, _, _, c in report.cells() if c.raw == raw]
    return cell


# value printed → (HTML of the cell's content, the number it holds, its asides)
HTML_ASIDES = {
    "57": ("57<sup>1</sup>", 57, ("1",)),
    "58": ("58<sub>注</sub>", 58, ("注",)),
    "59": ("<s>12</s>59", 59, ("12",)),
    "60": ("<strike>9</strike>60", 60, ("9",)),
    "61": ("61<del>0</del>", 61, ("0",)),
    "62": ('62<span style="display: none">3</span>', 62, ("3",)),
    "63": ("<span hidden>4</span>63", 63, ("4",)),
}


def test_html_footnotes_struck_and_hidden_text_are_asides_not_digits() -> None:
    """12<sup>1</sup> reads 12 (not 121) with the mark kept as the cell's aside."""
    report = _numbered_report()
    page = gx.render(report, "html")
    for printed, (html, _, _) in HTML_ASIDES.items():
        assert page.count(f"<td>{printed}</td>") == 1
        page = page.replace(f"<td>{printed}</td>", f"<td>{html}</td>")
    back = gx.read(page)
    assert back.template == report.template
    for printed, (_, number, asides) in HTML_ASIDES.items():
        cell = _cell_of(back, printed)
        assert cell.value == gx.Number(number)
        assert cell.asides == asides
    # Every other cell is unchanged, and the asides survive JSON, HTML and Word.
    assert back == report
    again = gx.from_json(gx.to_json(back))
    assert _cell_of(again, "57").asides == ("1",)
    for form in ("html", "docx"):
        written = gx.read(gx.render(back, form))
        assert written == report
        for printed, (_, _, asides) in HTML_ASIDES.items():
            assert _cell_of(written, printed).asides == asides, form


def _docx_with(data: bytes, change: dict[str, str]) -> bytes:
    """The .docx with the run printing each key replaced by the given runs."""
    import io
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "word/document.xml":
                xml = body.decode("utf-8")
                for printed, runs in change.items():
                    run = f'<w:r><w:t xml:space="preserve">{printed}</w:t></w:r>'
                    assert xml.count(run) == 1
                    xml = xml.replace(run, runs)
                body = xml.encode("utf-8")
            dst.writestr(item, body)
    return out.getvalue()


def _run(text: str, props: str = "") -> str:
    return f'<w:r><w:rPr>{props}</w:rPr><w:t xml:space="preserve">{text}</w:t></w:r>'


def test_docx_superscript_struck_and_vanished_runs_are_asides() -> None:
    """w:vertAlign superscript, w:strike, w:dstrike and w:vanish runs are not digits."""
    report = _numbered_report()
    changed = _docx_with(
        gx.render(report, "docx"),
        {
            "57": _run("57") + _run("1", '<w:vertAlign w:val="superscript"/>'),
            "58": _run("12", "<w:strike/>") + _run("58"),
            "59": _run("59") + _run("3", "<w:vanish/>"),
            "60": _run("6", '<w:dstrike w:val="true"/>') + _run("60"),
            # Switched off: part of the number.
            "61": _run("6", '<w:strike w:val="0"/>') + _run("1", '<w:vertAlign w:val="baseline"/>'),
        },
    )
    back = gx.read(changed)
    expected = {"57": ("1",), "58": ("12",), "59": ("3",), "60": ("6",), "61": ()}
    for printed, asides in expected.items():
        cell = _cell_of(back, printed)
        assert cell.value == gx.Number(int(printed))
        assert cell.asides == asides
    assert back == report


# -- rows no line matches keep every cell ----------------------------------------------


def test_a_41_digit_count_in_a_flat_table_is_read_and_nothing_dropped() -> None:
    """Section 四's one row of 15 values with a 41-digit count among them reads whole."""
    spec = gx.templates.get("national-2021")
    values = _numbered(spec)
    s4 = spec.table("s4")
    key = (s4.id, s4.lines[1].id, s4.columns[1].id)
    values[key] = str(HUGE)
    report = gx.read(tab_text(spec, values, year=2023))
    assert report.extras == ()
    for (table, line, column), printed in values.items():
        if table == s4.id:
            assert report.tables[table][line][column].raw == printed


def test_an_unreadable_count_keeps_its_whole_row_as_an_extra() -> None:
    """101 digits (past what a count may hold): the row is an extra with all 15 values."""
    spec = gx.templates.get("national-2021")
    values = _numbered(spec)
    s4 = spec.table("s4")
    printed = [values[(s4.id, ln.id, c.id)] for ln in s4.lines for c in s4.columns]
    values[(s4.id, s4.lines[1].id, s4.columns[1].id)] = "1" * 101
    printed[len(s4.columns) + 1] = "1" * 101
    report = gx.read(tab_text(spec, values, year=2023))
    [extra] = report.extras
    assert extra.table == s4.id
    assert extra.cells == tuple(printed)


def test_a_note_among_an_extra_rows_values_keeps_the_label_and_every_value() -> None:
    """A label, 1, 2, a note, 3 …: the label is the real one and no value is lost."""
    spec = gx.templates.get("national-2019")
    row = ["", "（八）其他情形", "1", "2", "注：含转办件", "3", "4", "5", "6"]
    report = gx.read(tab_text(spec, _numbered(spec), extra_rows={"s3": [row]}))
    [extra] = report.extras
    assert extra.label == "（八）其他情形"
    assert extra.cells == tuple(row[2:])


def test_an_extra_rows_heading_path_is_kept_in_its_label() -> None:
    """Non-blank cells before the label (a heading path) are kept, joined, in the label."""
    spec = gx.templates.get("national-2019")
    row = ["（八）其他", "1.补充情形", "1", "0", "0", "0", "0", "0", "1"]
    report = gx.read(tab_text(spec, _numbered(spec), extra_rows={"s3": [row]}))
    [extra] = report.extras
    assert extra.label == "（八）其他 1.补充情形"
    assert extra.cells == tuple(row[2:])


# -- a table nested in a cell ------------------------------------------------------------


def _values(report: gx.Report) -> dict[tuple[str, str, str], object]:
    return {(t, ln, c): cell.value for t, ln, c, cell in report.cells()}


def _inner_html(rows: list[list[str]]) -> str:
    cells = ("<tr>" + "".join(f"<td>{t}</td>" for t in row) + "</tr>" for row in rows)
    return "<table>" + "".join(cells) + "</table>"


def test_html_table_nested_in_a_cell_keeps_both_tables() -> None:
    """A table inside one cell of section 三: every value read, the inner one kept."""
    report = _numbered_report()
    page = gx.render(report, "html")
    assert page.count("<td>57</td>") == 1
    # The cell's content wrapped in a table of one cell: read as the cell's text.
    wrapped = gx.read(page.replace("<td>57</td>", f"<td>{_inner_html([['57']])}</td>"))
    assert wrapped == report
    # A table of two rows in a cell beside its number: the rows kept as extras.
    inner = _inner_html([["注一", "1"], ["注二", "2"]])
    beside = gx.read(page.replace("<td>57</td>", f"<td>57{inner}</td>"))
    assert _values(beside) == _values(report)
    assert [(e.label, e.cells) for e in beside.extras] == [("注一", ("1",)), ("注二", ("2",))]
    assert {e.table for e in beside.extras} == {"s3"}


def _docx_replacing_paragraph(data: bytes, printed: str, new: str) -> bytes:
    """The .docx with the paragraph printing ``printed`` replaced by ``new``."""
    import io
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "word/document.xml":
                xml = body.decode("utf-8")
                run = f'<w:r><w:t xml:space="preserve">{printed}</w:t></w:r>'
                assert xml.count(run) == 1
                at = xml.index(run)
                start = xml.rindex("<w:p>", 0, at)
                end = xml.index("</w:p>", at) + len("</w:p>")
                body = (xml[:start] + new + xml[end:]).encode("utf-8")
            dst.writestr(item, body)
    return out.getvalue()


def _inner_docx(rows: list[list[str]]) -> str:
    def cell(t: str) -> str:
        return f"<w:tc><w:p><w:r><w:t>{t}</w:t></w:r></w:p></w:tc>"

    return (
        "<w:tbl>"
        + "".join("<w:tr>" + "".join(map(cell, r)) + "</w:tr>" for r in rows)
        + ("</w:tbl>")
    )


def test_docx_table_nested_in_a_cell_keeps_both_tables() -> None:
    """The same in Word: a nested w:tbl in a cell of section 三 loses nothing."""
    report = _numbered_report()
    data = gx.render(report, "docx")
    para = '<w:p><w:r><w:t xml:space="preserve">57</w:t></w:r></w:p>'
    wrapped = gx.read(_docx_replacing_paragraph(data, "57", _inner_docx([["57"]])))
    assert wrapped == report
    inner = _inner_docx([["注一", "1"], ["注二", "2"]])
    beside = gx.read(_docx_replacing_paragraph(data, "57", para + inner + "<w:p/>"))
    assert _values(beside) == _values(report)
    assert [(e.label, e.cells) for e in beside.extras] == [("注一", ("1",)), ("注二", ("2",))]


def test_a_page_laid_out_in_a_table_is_still_layout() -> None:
    """A page whose report tables sit in one cell of a layout table reads as before."""
    report = _numbered_report()
    page = gx.render(report, "html")
    start = page.index("<body>") + len("<body>")
    end = page.index("</body>")
    laid = (
        page[:start]
        + "<table><tr><td>导航</td><td>"
        + page[start:end]
        + "</td></tr><tr><td>页脚</td><td>版权</td></tr></table>"
        + page[end:]
    )
    assert gx.read(laid) == report


# -- round trips through the writers ----------------------------------------------------

FORMS = ("text", "html", "markdown", "docx")


def _without(report: gx.Report, lines: set[str], cells: set[tuple[str, str, str]]) -> gx.Report:
    tables = {
        t: {
            ln: {c: cell for c, cell in cols.items() if (t, ln, c) not in cells}
            for ln, cols in rows.items()
            if (t, ln) not in {("s3", x) for x in lines}
        }
        for t, rows in report.tables.items()
    }
    return attrs.evolve(report, tables=tables)


def test_the_template_id_survives_a_round_trip() -> None:
    """A national-2021 report lacking the lines only it has stays national-2021.

    Detected again from the document alone, it would read as hybrid-2021, whose rules
    differ; the writers' closing line names the template and the reader honours it.
    """
    report = _numbered_report()
    national = {ln.id for ln in gx.templates.get("national-2021").table("s3").lines}
    hybrid = {ln.id for ln in gx.templates.get("hybrid-2021").table("s3").lines}
    lacking = _without(report, national - hybrid, set())
    for form in FORMS:
        back = gx.read(gx.render(lacking, form))
        assert back.template == "national-2021", form
        assert back == lacking, form


def test_a_cell_absent_from_a_written_line_comes_back_absent() -> None:
    """A cell the report lacks, in a line it holds, is written empty and read absent."""
    report = _numbered_report()
    gone = {("s3", "new", "research"), ("s2.art20_1", "rules", "made")}
    gone = {k for k in gone if report.cell(*k) is not None}
    assert gone
    lacking = _without(report, set(), gone)
    for form in FORMS:
        back = gx.read(gx.render(lacking, form))
        assert back == lacking, form
        assert all(back.cell(*k) is None for k in gone)


def test_inferred_survives_json_and_a_round_trip() -> None:
    """A cell a reader inferred stays inferred through JSON and through every form."""
    report = _numbered_report()
    s3 = {ln: dict(cols) for ln, cols in report.tables["s3"].items()}
    s3["new"]["total"] = attrs.evolve(s3["new"]["total"], inferred=True)
    marked = attrs.evolve(report, tables={**report.tables, "s3": s3})
    assert gx.from_json(gx.to_json(marked)).tables["s3"]["new"]["total"].inferred
    for form in FORMS:
        back = gx.read(gx.render(marked, form))
        assert back.tables["s3"]["new"]["total"].inferred, form
        assert back == marked, form


def test_raw_white_space_of_word_cells_survives_html_and_docx() -> None:
    """Cells read from Word with spaces and tabs keep them through HTML and DOCX."""
    report = _numbered_report()
    data = _docx_with(
        gx.render(report, "docx"),
        {
            "57": '<w:r><w:t xml:space="preserve"> 57  </w:t></w:r>',
            "58": "<w:r><w:tab/><w:t>58</w:t></w:r>",
            "59": '<w:r><w:t xml:space="preserve">59 </w:t><w:tab/></w:r>',
        },
    )
    read = gx.read(data)
    raws = {c.raw for _, _, _, c in read.cells()}
    assert {" 57  ", " 58", "59  "} <= raws  # Word's tab reads as one space
    for form in ("html", "docx"):
        back = gx.read(gx.render(read, form))
        assert back == read, form


def test_html_asides_nest_stay_in_their_cell_and_spare_other_text() -> None:
    """Nested and unclosed asides end with their cell; a page's own marks stay text."""
    from gxschema._readers._html import read_html

    grid = read_html(
        "<table><tr><td>1<s>2<span hidden>3</span>4</s>5</td><td>6<sup>7</td><td>8</td>"
        '<td>9<span class="hidden">0</span></td><td>\ue000 1</td></tr></table>'
    )
    [row] = grid.rows
    assert [(c.text, c.asides) for c in row.cells] == [
        ("15", ("234",)),
        ("6", ("7",)),
        ("8", ()),
        ("90", ()),  # a class says nothing without the page's style sheet
        ("\ufffd 1", ()),
    ]
    [alone] = read_html("<table><tr><td>\ue0001\ue001</td></tr></table>").rows
    assert [(c.text, c.asides) for c in alone.cells] == [("\ufffd1\ufffd", ())]
    # Text outside the tables: an aside broken over lines stays out of both.
    prose = read_html("<p>收到12<sup>注<br>一</sup>件</p>").rows
    assert [(r.cells[0].text, r.cells[0].asides) for r in prose] == [
        ("收到12", ("注",)),
        ("件", ("一",)),
    ]
