"""The HTML reader: Word-export pages read cell for cell, spans in the grid's convention.

Pages are made by ``tests/fixtures/html/wordpage.py`` from a template spec (labels are
never spelled here) and carry the mess real pages do; every value written is read back
in its place.  Hostile inputs end in a ParseError or a correct grid, quickly.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gxschema as gx
from gxschema._grid import MAX_INPUT_BYTES, Grid, GridRow
from gxschema._labels import normalize_label
from gxschema._mapper import map_grid
from gxschema._readers import _html
from gxschema._readers._html import MAX_TAGS, looks_like_html, read_html
from gxschema._values import BLANK, parse_value
from gxschema.exceptions import ParseError
from tests.fixtures.html.wordpage import FIXTURE, PROSE, fixture_bytes, report_values, word_page

SANITY_SECONDS = 5.0  # a bound against hangs, not a benchmark


def read_report(grid: Grid) -> gx.Report:
    """Map a grid the way ``gx.read`` will: every template, composed per table."""
    candidates = [gx.templates.get(t) for t in gx.templates.available()]
    return map_grid(grid, candidates, compose=gx.templates.compose)


def assert_every_value(
    report: gx.Report, spec: gx.spec.TemplateSpec, written: dict[tuple[str, str, str], str]
) -> None:
    """Every declared cell holds exactly the text written, read as its column's kind."""
    raws = {(t, ln, c): cell.raw for t, ln, c, cell in report.cells()}
    assert raws == written
    for table in spec.tables:
        for line, column in table.cells():
            cell = report.cell(table.id, line.id, column.id)
            assert cell is not None
            expected = parse_value(cell.raw, column.kind, unit=column.unit)
            assert cell.value == expected
    assert any(c.value is BLANK for _, _, _, c in report.cells())  # blanks were written too


@contextmanager
def quickly() -> Iterator[None]:
    """Fail when the block takes longer than the sanity bound."""
    start = time.perf_counter()
    yield
    assert time.perf_counter() - start < SANITY_SECONDS


def outcome(read: Callable[[], Grid]) -> Grid | ParseError:
    """Run a read, returning the grid or the ParseError (any other exception propagates)."""
    try:
        return read()
    except ParseError as exc:
        return exc


def tables_of(grid: Grid) -> dict[int, list[GridRow]]:
    """Table rows grouped by their table index."""
    out: dict[int, list[GridRow]] = {}
    for row in grid.rows:
        if not row.heading:
            assert row.location.table is not None
            out.setdefault(row.location.table, []).append(row)
    return out


def headings(grid: Grid) -> list[str]:
    """The heading rows' texts."""
    return [row.cells[0].text for row in grid.rows if row.heading]


def shape(row: GridRow) -> list[tuple[str, int | None, int, int, bool]]:
    """A row's cells as (text, grid column, colspan, rowspan, continued)."""
    return [(c.text, c.location.cell, c.colspan, c.rowspan, c.continued) for c in row.cells]


# -- whole reports ---------------------------------------------------------------------


def test_committed_fixture_is_what_the_script_makes() -> None:
    """The committed GB18030 page is exactly what wordpage.py generates."""
    assert FIXTURE.read_bytes() == fixture_bytes()


def test_committed_fixture_reads_every_value() -> None:
    """The messy GB18030 Word page declaring gb2312 reads with every value in its place."""
    spec = gx.templates.get("national-2019")
    data = FIXTURE.read_bytes()
    assert b"charset=gb2312" in data
    report = read_report(read_html(data, source="page.html"))
    assert report.template == "national-2019"
    assert_every_value(report, spec, report_values(spec))
    assert report.extras == ()


@pytest.mark.parametrize(
    ("template_id", "year", "encode"),
    [
        (
            "national-2019",
            2020,
            lambda page: page.replace("charset=utf-8", "charset=gb2312").encode("gb18030"),
        ),
        ("national-2021", 2022, lambda page: page),
        ("hubei-2019", 2020, lambda page: page.encode("utf-8")),
        (
            "hybrid-2021",
            2023,
            lambda page: page.replace("charset=utf-8", "charset=GBK").encode("gb18030"),
        ),
    ],
    ids=["2019-gb2312-bytes", "2021-str", "hubei-utf8-bytes", "hybrid-gbk-bytes"],
)
def test_each_template_reads_every_value(
    template_id: str, year: int, encode: Callable[[str], str | bytes]
) -> None:
    """Each template's page, as text or declared-charset bytes, reads cell for cell."""
    spec = gx.templates.get(template_id)
    values = report_values(spec)
    page = word_page(spec, values, year=year, seed=year)
    report = read_report(read_html(encode(page)))
    assert report.template == template_id
    assert_every_value(report, spec, values)
    assert report.extras == ()


@pytest.mark.parametrize("seed", range(6))
def test_the_mess_may_fall_anywhere(seed: int) -> None:
    """Whichever </td>, </tr>, <br> and wrappers are left out or added, the values hold."""
    spec = gx.templates.get("national-2021" if seed % 2 else "national-2019")
    values = report_values(spec)
    page = word_page(spec, values, year=2022 if seed % 2 else 2020, seed=seed)
    assert_every_value(read_report(read_html(page)), spec, values)


def test_gbk_only_characters_survive_a_gb2312_declaration() -> None:
    """喆 and 镕, which GB2312 lacks, read from bytes declaring gb2312; nothing is cut."""
    grid = read_html(FIXTURE.read_bytes())
    texts = headings(grid)
    assert texts.count(PROSE) == 2  # in 一 and in 五: the page was read to its end
    assert "本年度未收取信息处理费。" in texts
    assert not any("\ufffd" in t for t in texts)


def test_section_headings_come_before_their_tables() -> None:
    """Each section heading sits between the previous section's table and its own."""
    spec = gx.templates.get("national-2019")
    grid = read_html(FIXTURE.read_bytes())
    sections = list(dict.fromkeys(t.section for t in spec.tables))
    position = {normalize_label(r.cells[0].text): i for i, r in enumerate(grid.rows) if r.heading}
    first: dict[int | None, int] = {}
    last: dict[int | None, int] = {}
    for i, row in enumerate(grid.rows):
        if not row.heading:
            first.setdefault(row.location.table, i)
            last[row.location.table] = i
    for k, section in enumerate(sections):
        assert position[normalize_label(section)] < first[k]
        if k:
            assert last[k - 1] < position[normalize_label(section)]


def test_clutter_is_not_read_as_tables() -> None:
    """Script, comment, nav and layout tables add no table; the nested footer table does."""
    grid = read_html(FIXTURE.read_bytes())
    tables = tables_of(grid)
    assert sorted(tables) == [0, 1, 2, 3]  # 二, 三, 四 and the footer's inner table
    footer = tables[3]
    assert [r.texts for r in footer] == [("地址：示例路", "邮编见网站")]
    texts = [t for row in grid.rows for t in row.texts]
    assert not any("脚本" in t or "cellTemplate" in t or "旧版" in t for t in texts)
    assert "主办单位：示例单位" in headings(grid)  # the layout table's own text
    assert sum(1 for t in headings(grid) if t.startswith("栏目")) == 60


def test_section_three_header_follows_the_text_layout() -> None:
    """三's header: the corner spans 3×3, 自然人 and 总计 continue down, one stand-in each."""
    spec = gx.templates.get("national-2019")
    s3 = spec.table("s3")
    rows = tables_of(read_html(FIXTURE.read_bytes()))[1]
    h1, h2, h3 = (shape(r) for r in rows[:3])
    assert [(c[1], c[2], c[3], c[4]) for c in h1] == [(0, 3, 3, False), (3, 7, 1, False)]
    assert [(c[1], c[2], c[3], c[4]) for c in h2] == [
        (0, 1, 1, True),
        (3, 1, 2, False),
        (4, 5, 1, False),
        (9, 1, 2, False),
    ]
    assert [(c[1], c[4]) for c in h3] == [(0, True), (3, True)] + [
        (4 + k, False) for k in range(5)
    ] + [(9, True)]
    group = [c.label for c in s3.columns if c.path]
    assert ["".join(c[0].split()) for c in h3[2:7]] == group
    data = shape(rows[10])  # (三)4: two stand-ins, the label, seven values
    assert [c[4] for c in data] == [True, True] + [False] * 8


def test_section_four_is_three_header_rows_and_fifteen_values() -> None:
    """四: 5 stand-ins then 10 labels in the third header row, 15 cells in the data row."""
    rows = tables_of(read_html(FIXTURE.read_bytes()))[2]
    assert len(rows) == 4
    assert [c.continued for c in rows[2].cells] == [True] * 5 + [False] * 10
    assert len(rows[3].cells) == 15
    assert [c.location.cell for c in rows[3].cells] == list(range(15))


# -- the span convention ---------------------------------------------------------------


def test_colspan_cell_appears_once_and_rowspan_leaves_one_stand_in() -> None:
    """A 2×2 cell appears once (colspan 2), then as one continued cell at its column."""
    grid = read_html(
        "<table><tr><td rowspan=2 colspan=2>a<td>b<tr><td>c<tr><td>d<td colspan=2>e</table>"
    )
    rows = tables_of(grid)[0]
    assert [shape(r) for r in rows] == [
        [("a", 0, 2, 2, False), ("b", 2, 1, 1, False)],
        [("", 0, 1, 1, True), ("c", 2, 1, 1, False)],
        [("d", 0, 1, 1, False), ("e", 1, 2, 1, False)],
    ]
    assert rows[1].cells[1].location == gx.Location(table=0, row=1, cell=2)
    assert rows[1].location == gx.Location(table=0, row=1)


def test_stand_ins_fall_where_the_covering_cells_are() -> None:
    """Covering cells left, middle and right give stand-ins in column order."""
    grid = read_html(
        "<table><tr><td rowspan=2>L<td>a<td rowspan=3 colspan=2>M<td>b<td rowspan=2>R"
        "<tr><td>c<td>d<tr><td>e<td>f<td>g<td>h</table>"
    )
    rows = tables_of(grid)[0]
    assert [[(c.text, c.location.cell, c.continued) for c in r.cells] for r in rows] == [
        [("L", 0, False), ("a", 1, False), ("M", 2, False), ("b", 4, False), ("R", 5, False)],
        [("", 0, True), ("c", 1, False), ("", 2, True), ("d", 4, False), ("", 5, True)],
        [("e", 0, False), ("f", 1, False), ("", 2, True), ("g", 4, False), ("h", 5, False)],
    ]


@st.composite
def tilings(draw: st.DrawFn) -> tuple[int, list[tuple[int, int, int, int]]]:
    """A grid of up to 6×6 cut into rectangles (top, left, height, width), row by row."""
    n_rows = draw(st.integers(1, 6))
    n_cols = draw(st.integers(1, 6))
    taken = [[False] * n_cols for _ in range(n_rows)]
    rects = []
    for r in range(n_rows):
        for c in range(n_cols):
            if taken[r][c]:
                continue
            run = 0
            while c + run < n_cols and not taken[r][c + run]:
                run += 1
            width = draw(st.integers(1, run))
            height = draw(st.integers(1, n_rows - r))
            while any(taken[r + k][c + w] for k in range(height) for w in range(width)):
                height -= 1
            for k in range(height):
                for w in range(width):
                    taken[r + k][c + w] = True
            rects.append((r, c, height, width))
    return n_rows, rects


@given(tilings())
def test_any_tiling_reads_in_the_text_layout_convention(
    tiling: tuple[int, list[tuple[int, int, int, int]]],
) -> None:
    """Every row lists the cells it meets in column order: its own once, others' as stand-ins."""
    n_rows, rects = tiling
    rows_html = []
    for r in range(n_rows):
        cells = [
            f"<td colspan={w} rowspan={h}>c{top}_{left}"
            for top, left, h, w in sorted(rects, key=lambda x: x[1])
            if top == r
        ]
        rows_html.append("<tr>" + "".join(cells))
    grid = read_html("<table>" + "".join(rows_html) + "</table>")
    got = tables_of(grid).get(0, [])
    expected = []
    for r in range(n_rows):
        meets = sorted((x for x in rects if x[0] <= r < x[0] + x[2]), key=lambda x: x[1])
        expected.append(
            [
                (f"c{top}_{left}", left, w, h, False) if top == r else ("", left, 1, 1, True)
                for top, left, h, w in meets
            ]
        )
    assert [shape(row) for row in got] == expected
    assert [row.location.row for row in got] == list(range(n_rows))


@pytest.mark.parametrize(
    ("attribute", "colspan"),
    [("2;", 2), (" 2 ", 2), ("+2", 2), ("2px", 2), ("abc", 1), ("", 1), ("-3", 1),
     ("0", 1), ("99999", 1000), ("9" * 5000, 1000)],
)  # fmt: skip
def test_spans_are_read_leniently_and_clamped(attribute: str, colspan: int) -> None:
    """Spans "2;", " 2 " and "+2" are 2; junk and negatives 1; colspan 0 is 1; huge 1000."""
    grid = read_html(f'<table><tr><td colspan="{attribute}">x<td>y</table>')
    (row,) = tables_of(grid)[0]
    assert shape(row) == [("x", 0, colspan, 1, False), ("y", colspan, 1, 1, False)]


def test_huge_spans_are_clamped_and_stop_at_the_last_row() -> None:
    """rowspan=1000000 colspan=99999 gives colspan 1000, a rowspan to the table's end."""
    with quickly():
        grid = read_html(
            "<table><tr><td rowspan=1000000 colspan=99999>x<td>y<tr><td>z<tr><td>w</table>"
        )
    rows = tables_of(grid)[0]
    assert [shape(r) for r in rows] == [
        [("x", 0, 1000, 3, False), ("y", 1000, 1, 1, False)],
        [("", 0, 1, 1, True), ("z", 1000, 1, 1, False)],
        [("", 0, 1, 1, True), ("w", 1000, 1, 1, False)],
    ]


def test_rowspan_zero_and_row_groups() -> None:
    """rowspan=0 runs to its group's end; no rowspan crosses from thead into tbody."""
    grid = read_html(
        "<table><thead><tr><td rowspan=5>h<td>a</thead>"
        "<tbody><tr><td rowspan=0>b<td>c<tr><td>d<tr><td>e</tbody></table>"
    )
    rows = tables_of(grid)[0]
    assert [shape(r) for r in rows] == [
        [("h", 0, 1, 1, False), ("a", 1, 1, 1, False)],
        [("b", 0, 1, 3, False), ("c", 1, 1, 1, False)],
        [("", 0, 1, 1, True), ("d", 1, 1, 1, False)],
        [("", 0, 1, 1, True), ("e", 1, 1, 1, False)],
    ]


def test_nested_table_rows_belong_to_the_nested_table_only() -> None:
    """An outer table is layout: its text becomes headings, its inner table is table 0."""
    grid = read_html(
        "<p>before</p><table><tr><td>outer a<td>outer b<tr><td>"
        "<p>三、标题</p><table><tr><td>1<td>2</table>after</table><p>end</p>"
        "<table><tr><td>3</table>"
    )
    assert [(r.heading, r.texts, r.location) for r in grid.rows] == [
        (True, ("before",), gx.Location(line=1)),
        (True, ("outer a",), gx.Location(line=2)),
        (True, ("outer b",), gx.Location(line=3)),
        (True, ("三、标题",), gx.Location(line=4)),
        (False, ("1", "2"), gx.Location(table=0, row=0)),
        (True, ("after",), gx.Location(line=5)),
        (True, ("end",), gx.Location(line=6)),
        (False, ("3",), gx.Location(table=1, row=0)),
    ]


# -- text ------------------------------------------------------------------------------


def test_cell_text_keeps_breaks_nbsp_and_ideographic_space() -> None:
    """<br> and blocks are newlines, &nbsp; stays U+00A0, runs of spaces collapse."""
    grid = read_html(
        "<table><tr>"
        "<td><p class=MsoNormal><span>本年新<br>\n制作数量<o:p></o:p></span></p>"
        "<td><p>&nbsp;5</p><p class=MsoNormal>&nbsp;</p>"
        "<td>\u3000增1万"
        "<td><div>a  \n  b</div><div>c</div>"
        "<td><p>&nbsp;</p><p><o:p>&nbsp;</o:p></p>"
        "<td><font face=宋体>974.20</font><span lang=EN-US>万元</span>"
        "<td>"
        "</table>"
    )
    (row,) = tables_of(grid)[0]
    assert row.texts == (
        "本年新\n制作数量",
        "\xa05",
        "\u3000增1万",
        "a b\nc",
        "\xa0",
        "974.20万元",
        "",
    )


def test_invisible_content_is_skipped() -> None:
    """Scripts, styles, noscript, templates, comments and form controls are not text."""
    grid = read_html(
        "<html><head><title>T</title><style>td{}</style><script>var a='<td>';</script></head>"
        "<body><!-- <table><tr><td>c</td></tr></table> --><noscript><p>ns</p></noscript>"
        "<template><table><tr><td>t</table></template>"
        "<table><tr><td>v<script>x()</script><!-- y --><select><option>o</select></table>"
    )
    assert [r.texts for r in grid.rows] == [("T",), ("v",)]


def test_headings_are_numbered_lines_in_document_order() -> None:
    """Each non-blank line outside the tables is a heading row numbered from 1."""
    grid = read_html(
        "<h1>一、总体情况</h1><p>第一行<br>第二行</p><p>&nbsp;</p><div>甲<div>乙</div>丙</div>"
        "<ul><li>项</ul>\u3000\u3000"
    )
    assert [(r.texts, r.location) for r in grid.rows] == [
        (("一、总体情况",), gx.Location(line=1)),
        (("第一行",), gx.Location(line=2)),
        (("第二行",), gx.Location(line=3)),
        (("甲",), gx.Location(line=4)),
        (("乙",), gx.Location(line=5)),
        (("丙",), gx.Location(line=6)),
        (("项",), gx.Location(line=7)),
    ]
    assert all(r.heading and len(r.cells) == 1 for r in grid.rows)


def test_word_list_numbers_and_removed_elements_do_not_split_a_line() -> None:
    """A list number in <![if !supportLists]>, a comment or a script leave one line."""
    grid = read_html(
        "<p class=MsoListParagraph><![if !supportLists]><span>三、<span style='font:7.0pt'>"
        "&nbsp;&nbsp; </span></span><![endif]>收到和处理政府信息公开申请情况<o:p></o:p></p>"
        "<p>共<script>x()</script>12<!-- c -->件</p><table><tr><td>1<!--x-->2</table>"
    )
    assert [r.texts for r in grid.rows] == [
        ("三、\xa0\xa0 收到和处理政府信息公开申请情况",),
        ("共12件",),
        ("12",),
    ]


@pytest.mark.parametrize(
    "page",
    ["<!--" * 150_000, "<?x" * 150_000, "<![if x" * 150_000, "<b " + "x" * 10_000_000],
    ids=["comments", "instructions", "markers", "open-tag"],
)
def test_unterminated_markup_reads_in_linear_time(page: str) -> None:
    """Unclosed comments, instructions and tags run to the end, as in HTML, quickly."""
    with quickly():
        grid = read_html(page)
    assert grid.rows == ()


def test_word_smart_tags_do_not_split_a_line() -> None:
    """Word's namespaced tags (st1:chsdate, o:p) are dropped, their text kept in line."""
    grid = read_html(
        "<p class=MsoNormal>示例单位<st1:chsdate year=2020 w:st=on>2020年</st1:chsdate>"
        "政府信息公开工作年度报告<o:p></o:p></p>"
    )
    assert headings(grid) == ["示例单位2020年政府信息公开工作年度报告"]


# -- decoding --------------------------------------------------------------------------

GBK_PAGE = "<p>张喆、朱镕</p><table><tr><td>规章<td>12</table>"


@pytest.mark.parametrize(
    "declaration",
    [
        '<meta charset="gb2312">',
        "<meta charset=GBK>",
        "<meta http-equiv=Content-Type content='text/html; charset=x-gbk'>",
        '<meta http-equiv="Content-Type" content="text/html;charset=gb2312">',
        "",  # undeclared: not UTF-8, so GB18030
    ],
)
def test_gb_family_declarations_decode_as_gb18030(declaration: str) -> None:
    """gb2312, gbk, x-gbk (or nothing) read GB18030 bytes, GBK-only characters included."""
    data = f"<html><head>{declaration}</head><body>{GBK_PAGE}".encode("gb18030")
    grid = read_html(data)
    assert [r.texts for r in grid.rows] == [("张喆、朱镕",), ("规章", "12")]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\xef\xbb\xbf<p>\xe4\xb8\xad</p>", "中"),
        ("\ufeff<p>中</p>".encode("utf-16-le"), "中"),
        ("\ufeff<p>中</p>".encode("utf-16-be"), "中"),
        ("<html><p>中</p>".encode("utf-16-le"), "中"),
        ("<meta charset=gb2312><p>中</p>".encode(), "中"),  # mislabelled UTF-8
        ("<meta charset=big5><p>中文</p>".encode("big5"), "中文"),
        ("<meta charset=punycode><p>中</p>".encode(), "中"),  # not an HTML encoding: ignored
        ("<meta charset=nonsense><p>中</p>".encode("gb18030"), "中"),
    ],
    ids=["utf8-bom", "utf16le-bom", "utf16be-bom", "utf16le", "mislabelled", "big5",
         "punycode", "unknown"],
)  # fmt: skip
def test_byte_order_marks_and_odd_declarations(data: bytes, expected: str) -> None:
    """BOMs decide; a wrong or unknown declaration never garbles decodable bytes."""
    assert headings(read_html(data)) == [expected]


def test_bad_bytes_become_replacement_characters_not_truncation() -> None:
    """Undecodable bytes in the middle leave the rest of the page in place."""
    data = "<meta charset=gb2312><p>开头</p><p>".encode("gb18030") + b"\xff\xff\x80"
    data += "</p><table><tr><td>规章<td>12</table><p>结尾</p>".encode("gb18030")
    grid = read_html(data)
    texts = [r.texts for r in grid.rows]
    assert texts[0] == ("开头",)
    assert "\ufffd" in texts[1][0]
    assert texts[2:] == [("规章", "12"), ("结尾",)]


# -- sniffing --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "head",
    [
        b"<!DOCTYPE html><html>",
        b"<!doctype HTML>",
        b"\xef\xbb\xbf  \n<html xmlns:o='urn:schemas-microsoft-com:office:office'>",
        b"\r\n<TABLE border=1><tr><td>",
        b"<!-- saved from url=(0014)about:internet -->\n<head><meta charset=gb2312>",
        b"<body>",
        "\ufeff<html>".encode("utf-16-le"),
        "<html><body>".encode("utf-16-be"),
        "<html>".encode("utf-16-le"),
    ],
)
def test_html_is_recognised(head: bytes) -> None:
    """Doctype, html, table, body, meta and head marks are found after BOMs and space."""
    assert looks_like_html(head)


@pytest.mark.parametrize(
    "head",
    [
        "示例单位2020年政府信息公开工作年度报告\n\t规章\n\t1\n".encode(),
        b"%PDF-1.7\n<html>",
        b"PK\x03\x04<html>",
        b"a <tablet> is not a table",
        b"",
        bytes(range(256)),
    ],
)
def test_other_inputs_are_not_html(head: bytes) -> None:
    """Tab layout, PDF, ZIP, look-alike words, empty and binary input are not HTML."""
    assert not looks_like_html(head)


def test_the_fixture_is_recognised() -> None:
    """The committed Word page is recognised from its first 4 KB."""
    assert looks_like_html(FIXTURE.read_bytes()[:4096])


# -- hostile input ---------------------------------------------------------------------


def test_input_over_50_mb_is_refused_before_parsing() -> None:
    """Bytes or text over the limit are refused at once."""
    with quickly():
        for data in (b"<p>" + b"x" * MAX_INPUT_BYTES, "<p>" + "x" * MAX_INPUT_BYTES):
            with pytest.raises(ParseError, match="limit") as info:
                read_html(data, source="big.html")
            assert info.value.source == "big.html"


def test_entity_floods_read_linearly() -> None:
    """Floods of &amp; (HTML has no DTD entities to blow up) read as plain text.

    Up to the limits on a paragraph; millions of them are refused by a limit, at once.
    """
    with quickly():
        grid = read_html("<p>" + "&amp;" * 90_000 + "</p><p>" + "&amp;amp;" * 19_000)
        with pytest.raises(ParseError, match="limit"):
            read_html("<p>" + "&amp;" * 2_000_000 + "</p><p>" + "&amp;amp;" * 500_000)
    assert headings(grid) == ["&" * 90_000, "&amp;" * 19_000]


@pytest.mark.parametrize(
    "page",
    [
        "<div>" * 100_000,
        "<table><tr><td>" * 60_000,
        "<ul><li>" * 100_000,
        "<x-a>" * 100_000,
        "<svg>" + "<g>" * 100_000,
    ],
    ids=["div", "table", "ul-li", "custom", "svg"],
)
def test_deep_nesting_is_refused_fast(page: str) -> None:
    """10⁵ levels of nesting are refused before tree building turns quadratic."""
    with quickly(), pytest.raises(ParseError, match="nests too deep") as info:
        read_html(page)
    assert info.value.location is not None


def test_nesting_error_names_the_line_in_the_page() -> None:
    """The line reported counts the lines of removed comments and tags too."""
    page = "<!-- a\nb -->\n<span\nstyle=x>\n</span>" + "\n<p>ok</p>" * 3000 + "\n" + "<div>" * 6000
    with pytest.raises(ParseError, match="nests too deep") as info:
        read_html(page)
    assert info.value.location == gx.Location(line=page.count("\n") + 1)


def test_formatting_tags_cannot_multiply() -> None:
    """Unclosed formatting elements reopened at every paragraph do not multiply the tree."""
    page = "<p>" + "".join(f"<b id={i}>" for i in range(3000)) + "</p>" + "<p>x</p>" * 3000
    with quickly():
        result = outcome(lambda: read_html(page))
    assert isinstance(result, ParseError) or len(result.rows) <= 3000


def test_deep_inline_nesting_is_harmless() -> None:
    """10⁵ nested spans and fonts carry no structure and read as their text."""
    with quickly():
        grid = read_html("<p>" + "<span><font>" * 50_000 + "文字")
    assert headings(grid) == ["文字"]


@pytest.mark.parametrize(
    ("page", "message"),
    [
        ("<" * (MAX_TAGS + 1), "tags"),
        ("<table>" + "<tr><td>1" * 6000, "rows"),
        ("<table><tr>" + "<td>1" * 101, "a row has 101 cells"),
        ("<p>x" * 5001, "rows"),
    ],
    ids=["tags", "rows", "cells", "headings"],
)
def test_oversized_structures_are_refused(page: str, message: str) -> None:
    """Too many tags, rows, cells in a row or lines: a ParseError, quickly."""
    with quickly(), pytest.raises(ParseError, match=message) as info:
        read_html(page, source="x.html")
    assert info.value.source == "x.html"


@pytest.mark.parametrize("seed", range(8))
def test_random_bytes_give_a_grid_or_a_parse_error(seed: int) -> None:
    """Random bytes (some dressed as HTML) never raise anything else, nor hang."""
    rng = random.Random(seed)
    data = rng.randbytes(rng.choice([0, 10, 1000, 200_000]))
    if seed % 2:
        data = b"<html><table><tr><td rowspan=3>" + data
    with quickly():
        result = outcome(lambda: read_html(data))
    assert isinstance(result, (Grid, ParseError))


@given(
    st.text(
        alphabet=st.sampled_from(list("<>/=\"' tdrablecospniwx0123&;!-\ufdd0中\ud800")),
        max_size=300,
    )
)
def test_markup_soup_gives_a_grid_or_a_parse_error(soup: str) -> None:
    """Any soup of markup characters (lone surrogates too) reads or fails as a ParseError."""
    result = outcome(lambda: read_html(soup))
    assert isinstance(result, (Grid, ParseError))


def test_wrong_argument_type_is_a_parse_error() -> None:
    """Something that is neither bytes nor text is refused as input."""
    with pytest.raises(ParseError, match="bytes or text"):
        read_html(12345)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "markup",
    [
        "<p>12<sup>1</sup> <SUP >2</Sup ></p>",
        "<td>1<s>2</s><s\u3000>3</s><strike x='<'>4</strike><del>5</del><ſ>6</ſ></td>",
        "<span><sup><span>1</span></sup></span><sub/>x</sub><s:x>y</s:x>",
        "<td>12<span style='display:none'>3</span><b hidden>4</b></td>",
        '<td>12<font style="DISPLAY : none">3</font><o:p hidden>4</o:p></td>',
        "<td>1<span style='d\u0130splay:none'>2</span>中文 hidden display</td>",
        "<td>1</td>",
    ],
)
def test_asides_found_by_the_quick_tests_as_by_counting_every_tag(
    markup: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counting only the tags the quick byte tests name marks what counting all marks."""
    from gxschema._readers import _html_input

    quick = _html_input._mark_asides(markup)
    monkeypatch.setattr(_html_input, "_aside_names", lambda text, low=None: None)
    assert quick == _html_input._mark_asides(markup)


@pytest.mark.parametrize("codec", ["utf-8", "gb18030", "big5hkscs", "utf-16"])
@pytest.mark.parametrize(
    "markup",
    [
        "<table><tr><td>12<sup>1</sup></td><td>中文<s>3</s>4</td></tr></table>",
        "<p>1<span style='display\u3000:\u3000none'>2</span>字</p><p>3<b HIDDEN>4</b></p>",
        "<p>甲<STRIKE>5</STRIKE><del>6</del><sub>7</sub>乙</p>",
        "<p>中文 12</p>",
    ],
)
def test_asides_read_from_bytes_as_from_text(markup: str, codec: str) -> None:
    """The quick aside tests on a page's own bytes find what they find on its text."""
    page = f"<meta charset={codec}>{markup}"
    data = page.encode(codec)
    from_text = read_html(page)
    assert from_text.rows  # the markup's text was read
    assert read_html(data) == from_text


@pytest.mark.parametrize(
    "markup",
    [
        "<SCRIPT>hidden()</SCRIPT>",
        "<Style type='text/css'>p{}</Style>",
        "<svg\nviewBox='0 0 1 1'><text>hidden</text></svg>",
        "<textarea/>hidden</textarea>",
        "<select><option>hidden</select>",
    ],
)
@pytest.mark.parametrize("codec", ["utf-8", "gb18030", "big5hkscs"])
def test_unread_elements_are_found_in_the_page_bytes(markup: str, codec: str) -> None:
    """The quick look for unread elements in the bytes never misses one (any case, any end)."""
    page = f"<meta charset={codec}><p>前文</p>{markup}<p>正文</p>"
    data = page.encode(codec)
    assert _html._skipped(data.lower())
    texts = [c.text for row in read_html(data).rows for c in row.cells]
    assert texts == ["前文", "正文"]


def _open_at(text: str, end: int) -> int:
    """How many asides are open at ``end``: opens less the closes that find one open."""
    depth = 0
    for ch in text[:end]:
        if ch == "\ue000":
            depth += 1
        elif ch == "\ue001" and depth:
            depth -= 1
    return depth


@settings(max_examples=1000)
@given(st.text(alphabet=st.sampled_from(["a", "中", " ", "\n", "\ue000", "\ue001"]), max_size=40))
def test_lines_split_into_asides_as_one_line_at_a_time(text: str) -> None:
    """Each line is split opened as deep as the text before it left it, no deeper."""
    from gxschema._readers._asides import OPEN, split, split_lines

    expected = []
    start = 0
    for line in text.split("\n"):
        expected.append(split(OPEN * _open_at(text, start) + line))
        start += len(line) + 1
    assert split_lines(text) == expected


def test_an_aside_closed_on_a_later_line_leaves_the_lines_after_it_alone() -> None:
    """A footnote broken over lines ends where it closes: the next line is the text's own."""
    from gxschema._readers._asides import split_lines

    assert split_lines("5\ue000注\n1\ue001\n备注") == [
        ("5", ("注",)),
        ("", ("1",)),
        ("备注", ()),
    ]


def test_a_paragraph_after_a_footnote_over_lines_is_read_as_its_own_line() -> None:
    """The paragraph's footnote stays an aside; the line after its close is a heading row."""
    grid = read_html("<p>正文<sup>注<br>1</sup><br>备注</p>")
    assert [(c.text, c.asides) for row in grid.rows for c in row.cells] == [
        ("正文", ("注", "1")),  # the footnote's second line is kept with its first
        ("备注", ()),
    ]
