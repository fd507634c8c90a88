"""Writers: every form lays tables out from the spec, and reading it gives the report back."""

from __future__ import annotations

import html
import io
import os
import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import gxschema as gx
from gxschema import dsl
from gxschema._grid import GridTable
from gxschema._mapper import map_grid
from gxschema._readers._text import read_tab_layout
from gxschema._writers import FORMS, render
from gxschema._writers._layout import lay_out, lay_out_table
from gxschema._writers._markdown import escape_cell
from gxschema._writers._text import cell_lines
from tests.conftest import EXAMPLES

EXAMPLE = EXAMPLES / "lucheng-police-2020.txt"
TEMPLATES = gx.templates.available()


# -- helpers ----------------------------------------------------------------------------


def distinct_report(spec: gx.spec.TemplateSpec) -> gx.Report:
    """A report of ``spec`` with a different value in every cell (raw text as written)."""
    tables: dict[str, dict[str, dict[str, gx.Cell]]] = {}
    n = 0
    for table in spec.tables:
        for line in table.lines:
            for column in table.columns:
                n += 1
                raw = str(n)
                value = gx.values.parse_value(raw, column.kind, unit=column.unit)
                tables.setdefault(table.id, {}).setdefault(line.id, {})[column.id] = gx.Cell(
                    value=value, raw=raw
                )
    return gx.Report(template=spec.id, tables=tables)


def example() -> gx.Report:
    return gx.read(EXAMPLE.read_text(encoding="utf-8"))


def candidates() -> list[gx.spec.TemplateSpec]:
    return [gx.templates.get(t) for t in TEMPLATES]


def read_grid(grid: Any) -> gx.Report:
    return map_grid(grid, candidates(), compose=gx.templates.compose)


def html_row_widths(document: str) -> list[list[int]]:
    """Per table, how many grid columns each row covers, rowspans from above included."""
    lxml_html = pytest.importorskip("lxml.html")
    root = lxml_html.fromstring(document)
    out = []
    for table in root.iter("table"):
        widths = []
        carried: dict[int, int] = {}  # grid column -> rows still covered from above
        for tr in table.iter("tr"):
            column = 0
            covered = {c for c, left in carried.items() if left > 0}
            for cell in tr:
                while column in covered:
                    column += 1
                span = int(cell.get("colspan", "1"))
                rows = int(cell.get("rowspan", "1"))
                for c in range(column, column + span):
                    carried[c] = rows
                column += span
            while column in covered:
                column += 1
            widths.append(max(column, *(c + 1 for c in covered)) if covered else column)
            carried = {c: left - 1 for c, left in carried.items() if left - 1 > 0}
        out.append(widths)
    return out


# -- the layout -------------------------------------------------------------------------


@pytest.mark.parametrize("template", TEMPLATES)
def test_layout_tiles(template: str) -> None:
    """Every laid-out row covers the table's width exactly, spans included."""
    for table in gx.templates.get(template).tables:
        laid = lay_out_table(table)
        for row in laid.rows:
            assert sum(cell.colspan for cell in row.cells) == laid.width
        assert laid.header_rows < len(laid.rows)
        assert laid.id == table.id


def test_layout_section3_as_the_official_template() -> None:
    """Section 三: three header rows (note 3×3, group 7; 自然人/总计 rowspan 2) and label spans."""
    table = gx.templates.get("national-2021").table("s3")
    laid = lay_out_table(table)
    assert laid.width == 3 + 7
    assert laid.header_rows == 3
    h1, h2, h3 = (row.cells for row in laid.rows[:3])
    assert [(c.text, c.colspan, c.rowspan, c.role) for c in h1] == [
        (table.corner, 3, 3, "corner"),
        (table.header, 7, 1, "column"),
    ]
    assert [(c.colspan, c.rowspan, c.continued) for c in h2] == [
        (3, 1, True),  # the corner, continued: it carries its colspan
        (1, 2, False),
        (5, 1, False),
        (1, 2, False),
    ]
    assert h2[2].text == table.column("commercial").path[0]
    assert [c.continued for c in h3] == [True, True, False, False, False, False, False, True]
    assert [c.location.cell for c in h3] == [0, 3, 4, 5, 6, 7, 8, 9]
    data = [row.cells for row in laid.rows[3:]]
    assert len(data) == len(table.lines)
    for line, row in zip(table.lines, data, strict=True):
        labels = [c for c in row if c.role == "line"]
        # one cell per heading level (maybe continued) and the label, which spans what is left
        assert len(labels) == len(line.path) + 1
        assert labels[-1].text == line.label
        assert labels[-1].colspan == 3 - len(line.path)
        values = [c for c in row if c.role == "value"]
        assert [c.ref for c in values] == [(table.id, line.id, col.id) for col in table.columns]
    results = data[table.lines.index(table.line("r1_open"))][0]
    under = [ln for ln in table.lines if ln.path[:1] == table.line("r1_open").path]
    assert results.rowspan == len(under)
    withheld = data[table.lines.index(table.line("r3_1"))][1]
    assert withheld.rowspan == 8


def test_layout_section4_as_the_official_template() -> None:
    """Section 四: review 5 / suits 10, then labels (rowspan 2) and the suits, then 15 values."""
    table = gx.templates.get("national-2019").table("s4")
    laid = lay_out_table(table)
    assert laid.width == 15
    assert laid.header_rows == 3
    assert len(laid.rows) == 4
    h1, h2, h3, data = (row.cells for row in laid.rows)
    assert [(c.colspan, c.rowspan, c.role) for c in h1] == [(5, 1, "line"), (10, 1, "line")]
    assert [(c.colspan, c.rowspan) for c in h2] == [(1, 2)] * 5 + [(5, 1)] * 2
    assert [c.continued for c in h3] == [True] * 5 + [False] * 10
    assert len(data) == 15
    assert all(c.role == "value" for c in data)


def test_layout_section2_caption_rows() -> None:
    """Section 二 tables get a caption row spanning the table; 三 and 四 do not."""
    spec = gx.templates.get("national-2019")
    for table in spec.tables:
        laid = lay_out_table(table)
        first = laid.rows[0].cells
        if table.id.startswith("s2."):
            assert [(c.text, c.colspan, c.role) for c in first] == [
                (table.label, laid.width, "caption")
            ]
            header = [c.text for c in laid.rows[1].cells]
            assert header == [table.corner, *(c.label for c in table.columns)]
        else:
            assert first[0].role != "caption"


def test_text_rows_as_the_seed_prints_them() -> None:
    """In the text form, section 三 rows have 8, 9 or 10 cells, as the seed's do."""
    text = render(distinct_report(gx.templates.get("national-2019")), "text")
    grid = read_tab_layout(text)
    lengths = [len(r.cells) for r in grid.rows if not r.heading]
    table = gx.templates.get("national-2019").table("s3")
    expected = [1 + len(line.path) + 7 for line in table.lines]
    # the three header rows of 三 come first: 2, 4 and 8 cells
    start = lengths.index(2, 5 * 3)
    assert lengths[start : start + 3 + len(expected)] == [2, 4, 8, *expected]


# -- round trips ------------------------------------------------------------------------


@pytest.mark.parametrize("template", TEMPLATES)
def test_text_round_trip(template: str) -> None:
    """read(render(r, "text")) == r for every template, every cell distinct."""
    report = distinct_report(gx.templates.get(template))
    assert gx.read(render(report, "text")) == report


@pytest.mark.parametrize("form", ["html", "docx", "markdown"])
@pytest.mark.parametrize("template", TEMPLATES)
def test_round_trip_other_forms(template: str, form: str) -> None:
    """The form's reader reads back what its writer wrote, every cell distinct."""
    report = distinct_report(gx.templates.get(template))
    assert _read_form(form, render(report, form)) == report


def test_example_round_trips_through_text() -> None:
    """The example report comes back from its text form with every value and raw text."""
    report = example()
    again = gx.read(render(report, "text"))
    assert again == report
    for table, line, column, cell in report.cells():
        back = again.cell(table, line, column)
        assert back is not None
        assert (back.value, back.raw) == (cell.value, cell.raw)


def _read_form(form: str, document: str | bytes, *, references: bool = False) -> gx.Report:
    """Read a written document back with the form's reader (skip until it exists).

    ``references``: the document needs Markdown's character references decoded.
    """
    if form == "html":
        reader = pytest.importorskip("gxschema._readers._html")
        assert isinstance(document, str)
        return read_grid(reader.read_html(document.encode("utf-8"), source="<html>"))
    if form == "docx":
        reader = pytest.importorskip("gxschema._readers._docx")
        assert isinstance(document, bytes)
        return read_grid(reader.read_docx(document, source="<docx>"))
    reader = pytest.importorskip("gxschema._readers._markdown")
    assert isinstance(document, str)
    probe = reader.read_markdown("| a |\n|---|\n| &amp; |\n", source="<probe>")
    if references and probe.rows[-1].cells[0].text != "&":
        pytest.skip("the Markdown reader does not decode character references yet")
    return read_grid(reader.read_markdown(document, source="<markdown>"))


@pytest.mark.parametrize("form", ["html", "docx", "markdown"])
def test_example_round_trips_through(form: str) -> None:
    """The example report, NBSP padding and 　增1万 included, comes back from each form."""
    report = example()
    assert _read_form(form, render(report, form), references=True) == report


def test_example_special_texts_survive() -> None:
    """BLANK, 19万, 　增1万, 974.20万元 and NBSP padding are written as printed."""
    report = example()
    amount = report.cell("s2.art20_9", "procurement", "amount")
    assert amount is not None
    assert amount.raw == "974.20万元"
    approx = report.cell("s2.art20_5", "other_services", "previous")
    assert approx is not None
    assert approx.value == gx.Number(190000, 5000)
    blank = gx.Cell(value=gx.BLANK, raw="—")
    empty = gx.Cell(value=gx.BLANK, raw="")
    tables = {t: {ln: dict(cols) for ln, cols in rows.items()} for t, rows in report.tables.items()}
    tables["s3"]["r3_8"]["research"] = blank
    tables["s3"]["r3_8"]["other"] = empty
    edited = gx.Report(template=report.template, tables=tables)
    for form in ("text", "markdown", "html"):
        out = render(edited, form)
        assert isinstance(out, str)
        for raw in ("974.20万元", "19万", "20万", "—"):
            assert raw in out, (form, raw)
    again = gx.read(render(edited, "text"))
    assert again == edited
    assert again.cell("s3", "r3_8", "research") == blank
    assert again.cell("s3", "r3_8", "other") == empty
    assert again.cell("s3", "r3_7", "natural_person") == report.cell("s3", "r3_7", "natural_person")


def test_values_without_raw_text_are_written_plainly() -> None:
    """A cell without raw text is written with render_value (19万 for 190000 ± 5000)."""
    spec = gx.templates.get("national-2019")
    report = distinct_report(spec)
    tables = {t: {ln: dict(cols) for ln, cols in rows.items()} for t, rows in report.tables.items()}
    tables["s2.art20_5"]["licensing"]["previous"] = gx.Cell(value=gx.Number(190000, 5000))
    tables["s2.art20_5"]["licensing"]["change"] = gx.Cell(value=gx.Number(-7))
    money = gx.Number(Decimal("9742000.00"), unit="元")
    tables["s2.art20_9"]["procurement"]["amount"] = gx.Cell(value=money)
    # a raw text that does not read as the value is not trusted
    tables["s3"]["new"]["total"] = gx.Cell(value=gx.Number(5), raw="3")
    again = gx.read(render(gx.Report(template=spec.id, tables=tables), "text"))
    assert again.cell("s2.art20_5", "licensing", "previous") == gx.Cell(
        value=gx.Number(190000, 5000), raw="19万"
    )
    assert again.cell("s2.art20_5", "licensing", "change") == gx.Cell(gx.Number(-7), "-7")
    assert again.cell("s2.art20_9", "procurement", "amount") == gx.Cell(money, "9742000.00")
    assert again.cell("s3", "new", "total") == gx.Cell(gx.Number(5), "5")


def test_absent_tables_lines_and_cells() -> None:
    """Absent tables and grid lines are not written; other absent cells are written empty.

    The closing gxschema line lists the cells written empty because they are absent, so
    they read back absent; without that line they read as BLANK.
    """
    spec = gx.templates.get("national-2021")
    report = distinct_report(spec)
    tables = {t: {ln: dict(cols) for ln, cols in rows.items()} for t, rows in report.tables.items()}
    del tables["s2.art20_8"]
    del tables["s3"]["r5_2"]
    trimmed = gx.Report(template=spec.id, tables=tables)
    assert gx.read(render(trimmed, "text")) == trimmed
    del tables["s3"]["r5_3"]["total"]
    del tables["s4"]["suit_direct"]  # a flat table prints every line: its cells are empty
    lacking = gx.Report(template=spec.id, tables=tables)
    text = render(lacking, "text")
    assert gx.read(text) == lacking
    mark = text.rstrip("\n").rsplit("\n", 1)[-1]
    assert "s3/r5_3/total" in mark
    again = gx.read(text.replace(mark, ""))
    assert again.cell("s3", "r5_3", "total") == gx.Cell(gx.BLANK, "")
    blank = {c.id: gx.Cell(gx.BLANK, "") for c in spec.table("s4").columns}
    assert again.tables["s4"]["suit_direct"] == blank
    assert again.tables["s4"]["review"] == tables["s4"]["review"]


def test_empty_report_is_the_blank_form() -> None:
    """A report without tables is written as the blank form, every cell empty."""
    spec = gx.templates.get("national-2021")
    empty = gx.Report(template=spec.id)
    laid = lay_out(empty, spec)
    tables = [b.id for b in laid.blocks() if isinstance(b, GridTable)]
    assert tables == [t.id for t in spec.tables]
    again = gx.read(render(empty, "text"))
    assert again.template == spec.id
    # a grid table's rows are read blank (an all-blank flat row is not taken as data)
    assert {t.id for t in spec.tables if t.layout == "grid"} <= set(again.tables)
    assert all(cell == gx.Cell(gx.BLANK, "") for *_, cell in again.cells())


@dsl.columns
class _Columns:
    plain: dsl.Count = dsl.column("甲栏")
    deep_a: dsl.Count = dsl.column("乙栏", group=("第一组", "第一小组"))
    deep_b: dsl.Count = dsl.column("丙栏", group=("第一组", "第一小组"))
    shallow: dsl.Count = dsl.column("丁栏", group="第一组")
    amount: dsl.Money = dsl.column("戊栏（万元）", unit="万元")


@dsl.table("t1", label="测试表", section="一、测试章节", corner="项目", header="总体情况")
class _Grid:
    first: _Columns = dsl.line("一、甲行")
    sub_1: _Columns = dsl.line("1.乙行", under=("二、分类", "（一）小类"))
    sub_2: _Columns = dsl.line("2.丙行", under=("二、分类", "（一）小类"))
    mid: _Columns = dsl.line("（二）丁行", under="二、分类")
    last: _Columns = dsl.line("三、戊行")


@dsl.columns
class _Pair:
    before: dsl.Count = dsl.column("前值")
    change: dsl.Delta = dsl.column("增减")


@dsl.table("t2", label="对照表", section="二、另一章节", corner="说明文字", layout="flat")
class _Flat:
    one: _Pair = dsl.line("第一类")
    two: _Pair = dsl.line("第二类", under="合并类")
    three: _Pair = dsl.line("第三类", under="合并类")


CUSTOM = dsl.template("test-render", title="测试报告", tables=[_Grid, _Flat])


@pytest.mark.parametrize("form", ["text", "html", "markdown"])
def test_custom_template_laid_out_from_its_spec(form: str) -> None:
    """A template of three column levels, mixed line depths and a flat table lays out too."""
    spec = CUSTOM.spec
    report = distinct_report(spec)
    laid = lay_out(report, spec)
    grid_table = next(b for b in laid.blocks() if isinstance(b, GridTable))
    assert grid_table.header_rows == 1 + 1 + 3  # caption, header, three column levels
    assert grid_table.width == 3 + 5
    out = render(report, form, template=spec)
    assert isinstance(out, str)
    for table in spec.tables:
        labels = [*(ln.label for ln in table.lines), *(c.label for c in table.columns)]
        for label in labels:
            assert html.escape(label, quote=False) in out
    if form == "text":
        assert gx.read(out, template=spec) == report
    if form == "html":
        assert all(len(set(w)) == 1 for w in html_row_widths(out))


# -- each form --------------------------------------------------------------------------


@pytest.mark.parametrize("template", TEMPLATES)
def test_html_is_well_formed(template: str) -> None:
    """The HTML parses, and every row of every table covers the same number of columns."""
    lxml_html = pytest.importorskip("lxml.html")
    document = render(distinct_report(gx.templates.get(template)), "html")
    assert isinstance(document, str)
    root = lxml_html.fromstring(document)
    spec = gx.templates.get(template)
    assert len(list(root.iter("table"))) == len(spec.tables)
    widths = html_row_widths(document)
    for table, rows in zip(spec.tables, widths, strict=True):
        assert len(set(rows)) == 1, (table.id, rows)
        assert rows[0] == lay_out_table(table).width
    headings = [h.text_content() for h in root.iter("h2")]
    # Every numbered section, those without tables (一, 五, 六) too.
    assert headings == [s.title for s in spec.sections]
    assert {t.section for t in spec.tables} <= set(headings)
    stated = {c.section for c in spec.claims if c.section and c.wording}  # the overview
    assert stated <= set(headings)
    paragraphs = [p.text_content() for p in root.iter("p")]
    assert len(paragraphs) == len(stated) + 1  # and the closing gxschema line
    assert paragraphs[-1] == f"（gxschema 模板 {template}）"


def test_html_escapes_and_breaks_lines() -> None:
    """Cell text is escaped, and a line break inside it is a <br>."""
    lxml_html = pytest.importorskip("lxml.html")
    spec = gx.templates.get("national-2021")
    report = distinct_report(spec)
    tables = {t: {ln: dict(cols) for ln, cols in rows.items()} for t, rows in report.tables.items()}
    tables["s3"]["new"]["total"] = gx.Cell(gx.Number(10000, 5000), "1\n万")
    document = render(gx.Report(template=spec.id, tables=tables), "html")
    assert isinstance(document, str)
    assert "1<br>万" in document
    assert "&lt;" not in document
    root = lxml_html.fromstring(document)
    assert root.findtext(".//title") == spec.title


def test_markdown_convention() -> None:
    """Markdown: ``||`` continues a cell to the left, ``^^`` one from above; every row is full."""
    spec = gx.templates.get("national-2019")
    text = render(distinct_report(spec), "markdown")
    assert isinstance(text, str)
    rows = [line for line in text.splitlines() if line.startswith("|") and "---" not in line]
    caption = spec.tables[0]
    assert f"| {caption.label} ||||" in rows
    s4 = next(i for i, r in enumerate(rows) if spec.table("s4").lines[0].label in r)
    assert rows[s4 + 2].startswith("| ^^ | ^^ | ^^ | ^^ | ^^ | ")
    s3 = spec.table("s3")
    assert f"| ^^ ||| {s3.columns[0].label} |" in text  # the 3-wide corner spans down
    # every pipe row of a table has as many pipe cells as its delimiter row has columns
    for block in text.split("\n\n"):
        lines = block.strip("\n").splitlines()
        if not lines[0].startswith("|"):
            continue
        width = lines[1].count("---")
        for line in lines:
            assert line.replace("\\|", "").count("|") - 1 == width, line


def _decode_markdown_cell(piece: str) -> str:
    """The reading side of the documented convention, for one pipe cell."""
    text = piece.strip()
    return html.unescape(text.replace("<br>", "\n").replace("\\|", "|"))


CELL_CHARS = st.characters(exclude_categories=["Cs", "Cc"]) | st.sampled_from("\n\t |\\&<^-")


@given(st.text(alphabet=CELL_CHARS, max_size=20))
def test_markdown_escape_round_trips(text: str) -> None:
    """Any cell text, escaped as documented and read as documented, comes back."""
    escaped = escape_cell(text)
    assert len(escaped.splitlines()) <= 1
    assert escaped.replace("\\|", "").count("|") == 0
    assert escaped.strip() != "^^" or text == ""
    assert _decode_markdown_cell(f" {escaped or ' '} ") == text


def test_markdown_padding_is_kept() -> None:
    """NBSP padding and the ideographic space of raw texts are written as references."""
    assert escape_cell("\xa02") == "&#xa0;2"
    assert escape_cell("\u3000增1万") == "&#x3000;增1万"
    assert escape_cell("a|b") == "a\\|b"
    assert escape_cell("^^") == "&#x5e;^"
    assert escape_cell("---") == "&#x2d;--"
    assert escape_cell("") == ""


@given(
    st.lists(
        st.text(alphabet=st.characters(exclude_categories=["Cs", "Cc"]), max_size=8), max_size=4
    )
)
def test_text_cell_lines_round_trip(parts: list[str]) -> None:
    """A cell's text comes back from the tab layout, or with only its white space changed."""
    text = "\n".join(parts)
    lines = cell_lines(text)
    block = "\t" + "\n".join(lines) + "\n\n"
    grid = read_tab_layout(block + "\tx\n\tlabel\n\n")
    got = grid.rows[0].cells
    assert len(got) == 1
    if (
        "\t" not in text
        and all(p.strip() for p in text.splitlines()[1:])
        and text == "\n".join(text.splitlines())
    ):
        assert got[0].text == text
    else:
        assert got[0].text.split() == text.replace("\t", " ").split()


def test_text_raw_line_breaks() -> None:
    """A raw text with a line break reads back exactly; a blank line inside it is dropped."""
    spec = gx.templates.get("national-2019")
    report = distinct_report(spec)
    tables = {t: {ln: dict(cols) for ln, cols in rows.items()} for t, rows in report.tables.items()}
    tables["s3"]["new"]["total"] = gx.Cell(gx.Number(10000, 5000), "1\n万")
    tables["s3"]["new"]["other"] = gx.Cell(gx.Number(20000, 5000), "2\n\n万")
    again = gx.read(render(gx.Report(template=spec.id, tables=tables), "text"))
    assert again.cell("s3", "new", "total") == gx.Cell(gx.Number(10000, 5000), "1\n万")
    assert again.cell("s3", "new", "other") == gx.Cell(gx.Number(20000, 5000), "2\n万")


def test_docx_package() -> None:
    """The .docx holds the three parts, spans as gridSpan and vMerge, and python-docx opens it."""
    spec = gx.templates.get("national-2021")
    data = render(distinct_report(spec), "docx")
    assert isinstance(data, bytes)
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        assert package.namelist() == ["[Content_Types].xml", "_rels/.rels", "word/document.xml"]
        document = package.read("word/document.xml").decode("utf-8")
    from xml.etree import ElementTree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    root = ElementTree.fromstring(document)
    tables = list(root.iter(f"{w}tbl"))
    assert len(tables) == len(spec.tables)
    for table, tbl in zip(spec.tables, tables, strict=True):
        width = len(list(tbl.iter(f"{w}gridCol")))
        assert width == lay_out_table(table).width
        for tr in tbl.iter(f"{w}tr"):
            spans = [int(g.get(f"{w}val", "1")) for g in tr.iter(f"{w}gridSpan")]
            cells = len(list(tr.iter(f"{w}tc")))
            assert cells - len(spans) + sum(spans) == width
    merges = [m.get(f"{w}val") for m in root.iter(f"{w}vMerge")]
    assert "restart" in merges
    assert None in merges
    assert render(distinct_report(spec), "docx") == data  # the same bytes every time
    docx = pytest.importorskip("docx")
    opened = docx.Document(io.BytesIO(data))
    assert len(opened.tables) == len(spec.tables)
    assert opened.paragraphs[0].text == spec.title
    s4 = opened.tables[-1]
    assert len(s4.rows) == 4
    assert len(s4.columns) == 15


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_docx_opens_in_libreoffice(tmp_path: Path) -> None:
    """LibreOffice converts the .docx to PDF."""
    source = tmp_path / "report.docx"
    source.write_bytes(render(example(), "docx"))
    profile = (tmp_path / "profile").as_uri()
    result = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            os.fspath(tmp_path),
            os.fspath(source),
        ],
        capture_output=True,
        timeout=180,
        check=False,
    )
    pdf = tmp_path / "report.pdf"
    assert pdf.exists(), result.stderr.decode(errors="replace")
    assert pdf.read_bytes().startswith(b"%PDF-")


def test_forms_and_errors() -> None:
    """FORMS lists the four forms; an unknown form is refused by name."""
    assert FORMS == ("text", "html", "markdown", "docx")
    report = example()
    for form in FORMS:
        out = render(report, form)
        assert isinstance(out, bytes if form == "docx" else str)
    with pytest.raises(ValueError, match="pdf"):
        render(report, "pdf")
