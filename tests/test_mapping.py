"""One pass of reading: the label index, values read once, unreadable cells gathered.

Also the bounds that keep reading fast whatever the input: likeness of a long header
cell, and the HTML reader's quick paths, which must agree with the slow ones.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gxschema as gx
import gxschema._tablestate as tablestate
from gxschema._columns import resolve_columns
from gxschema._grid import GridCell, GridRow
from gxschema._labelindex import forget_indexes, label_index
from gxschema._labels import similarity, similarity_at_least
from gxschema._readers import _html, _html_input
from gxschema._report import Location
from gxschema.exceptions import CellErrors, ParseError
from gxschema.templates import NATIONAL_2019
from tests.conftest import EXAMPLES
from tests.layout import tab_text

EXAMPLE = EXAMPLES / "lucheng-police-2020.txt"


def registered() -> list[gx.spec.TemplateSpec]:
    """The specs of every registered template, in order."""
    return [gx.templates.get(t) for t in gx.templates.available()]


@pytest.fixture
def fresh() -> Iterator[None]:
    """Empty the index and value caches before and after a test."""
    forget_indexes()
    tablestate.parsed.cache_clear()
    yield
    forget_indexes()
    tablestate.parsed.cache_clear()


def test_each_distinct_cell_text_is_parsed_once(
    fresh: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The example's 198 cells take a few dozen value parses, with 4 templates tried."""
    calls: list[str] = []
    parse = tablestate.parse_value

    def counting(raw: str, *args: object, **kwargs: object) -> gx.values.Value:
        calls.append(raw)
        return parse(raw, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(tablestate, "parse_value", counting)
    report = gx.read(EXAMPLE)
    kept = sum(1 for _ in report.cells())
    assert len(gx.templates.available()) == 4
    assert kept == 198
    # The same text is parsed again only for a column of another kind or unit.
    assert len(calls) < kept // 4


def test_the_index_is_built_once_and_forgotten_when_the_registry_changes(fresh: None) -> None:
    """The same candidates give the same index until a template is (un)registered."""
    specs = registered()
    index = label_index(specs)
    assert label_index(specs) is index
    gx.templates.register(NATIONAL_2019.extend("index-probe-2019"))
    try:
        assert label_index(specs) is not index
        again = label_index(registered())
        assert "index-probe-2019" in [s.id for s in again.specs]
    finally:
        gx.templates.unregister("index-probe-2019")
    assert "index-probe-2019" not in [s.id for s in label_index(registered()).specs]


def test_long_headings_and_rows_are_looked_up_but_not_remembered() -> None:
    """Texts are the memo keys: hostile paragraphs of any length must not fill memory."""
    from gxschema._labelindex import ROW_CHARS_KEPT

    index = label_index(registered())
    long_heading = "三、收到和处理政府信息公开申请情况" + "说" * ROW_CHARS_KEPT
    short_heading = "三、收到和处理政府信息公开申请情况"
    assert index.heading_facts(long_heading) == index.heading_facts(short_heading)
    assert index.heading_facts(short_heading)[1] is not None  # it names section 三
    assert long_heading not in index._heading_facts
    assert short_heading in index._heading_facts
    assert all(len(key) <= ROW_CHARS_KEPT for key in index._section_of)
    row = ("（一）" + "话" * ROW_CHARS_KEPT, "1")
    index.row_facts(row)
    assert row not in index._row_facts


def test_only_tables_declared_differently_have_several_declarations() -> None:
    """s4 is declared alike by every template; s3 two ways; each candidate says which."""
    specs = registered()
    index = label_index(specs)
    assert len(index.declarations["s4"]) == 1
    assert len(index.declarations["s3"]) == 2
    for number, spec in enumerate(specs):
        for table in spec.tables:
            chosen = index.declaration(number, table.id)
            assert chosen is not None
            assert index.declarations[table.id][chosen] == table
    assert index.declaration(1, "s2.art20_9") is None  # national-2021 has no (九)


def test_a_table_the_candidates_disagree_on_is_read_with_the_fitting_declaration() -> None:
    """A 2021 section 三 in a 2019 report: read with national-2021's declaration of s3."""
    spec19, spec21 = gx.templates.get("national-2019"), gx.templates.get("national-2021")
    text19 = tab_text(spec19, {}, year=2020)
    text21 = tab_text(spec21, {}, year=2020)
    cut = spec19.table("s3").section
    report = gx.read(text19.split(cut, 1)[0] + cut + text21.split(cut, 1)[1])
    assert report.template == "national-2019[s3=national-2021]"
    s3 = next(d for d in report.detection if d.table == "s3")
    assert "rather than" in s3.reason
    assert set(report.tables["s3"]) == {ln.id for ln in spec21.table("s3").lines}


def test_unreadable_cells_are_gathered_into_one_error() -> None:
    """Three bad cells: one ParseError group holding all three, each naming its cell."""
    spec = gx.templates.get("national-2019")
    s3 = spec.table("s3")
    bad = {
        ("s3", "new", "total"): "abc",
        ("s3", "r3_1", "other"): "12元",
        ("s3", "r3_7", "natural_person"): "1.5",
    }
    with pytest.raises(gx.ParseError) as info:
        gx.read(tab_text(spec, bad))
    err = info.value
    assert isinstance(err, CellErrors)
    assert isinstance(err, ExceptionGroup)
    assert len(err.exceptions) == 3
    for error, (table, line, column) in zip(err.exceptions, bad, strict=True):
        assert s3.line(line).label in error.message
        assert s3.column(column).label in error.message
        assert bad[(table, line, column)] in error.message
        assert error.location is not None
        assert error.location.line
    assert err.message == "3 cells cannot be read"
    assert err.location == err.exceptions[0].location
    assert all(e.message in str(err) for e in err.exceptions)  # nothing "and N more"


def test_each_unreadable_cell_is_seen_by_except_star() -> None:
    """``except* ParseError`` sees every cell's error."""
    spec = gx.templates.get("national-2019")
    seen: list[ParseError] = []
    try:
        gx.read(tab_text(spec, {("s3", "new", "total"): "abc", ("s3", "r3_1", "other"): "x"}))
    except* ParseError as group:
        seen.extend(e for e in group.exceptions if isinstance(e, ParseError))
    assert len(seen) == 2
    assert all(e.location is not None for e in seen)


def test_one_unreadable_cell_is_an_error_of_its_own_message() -> None:
    """One bad cell: that cell's own ParseError, located at it, not a group."""
    spec = gx.templates.get("national-2019")
    with pytest.raises(gx.ParseError) as info:
        gx.read(tab_text(spec, {("s3", "new", "total"): "abc"}))
    assert not isinstance(info.value, CellErrors)
    assert "'abc'" in info.value.message
    assert info.value.location is not None


def test_a_long_header_cell_takes_linear_time() -> None:
    """A 300,000-character header cell among the labels is classified in linear time.

    Timed against the same header with a cell ten times shorter, in the same run (the
    best of three fresh cells each, so the machine's load weighs on both alike): linear
    work takes about ten times as long, quadratic work a hundred.
    """
    table = gx.templates.get("national-2019").table("s3")
    where = Location(line=1)

    def best_time(repeats: int) -> float:
        best = float("inf")
        for i in range(3):  # a new text each time: no cache of labels has seen it
            texts = ["", "申请人情况" * repeats + "条" * i, *(c.label for c in table.columns)]
            row = GridRow(tuple(GridCell(t, where) for t in texts), where)
            start = time.perf_counter()
            resolved = resolve_columns(table, [row])
            best = min(best, time.perf_counter() - start)
        assert [p.column for p in resolved.layout] == [c.id for c in table.columns]
        assert resolved.misses == 1
        return best

    short, long = best_time(6_000), best_time(60_000)
    assert long < 30 * short


_LABEL_CHARS = "自然人法组织其他商业abc"


@settings(max_examples=300, deadline=None)
@given(st.text(_LABEL_CHARS, max_size=12), st.text(_LABEL_CHARS, max_size=12))
def test_bounded_likeness_is_the_likeness_when_it_reaches_the_floor(a: str, b: str) -> None:
    """similarity_at_least gives the exact ratio at or above the floor, else 0."""
    for floor in (0.6, 0.8):
        exact = similarity(a, b)
        assert similarity_at_least(a, b, floor) == (exact if exact >= floor else 0.0)


_PIECES = ["<", "</", ">", " ", "span", "SPAN", "sPan", "o:p", "O:P", "b", "td", "x", '"']
_PIECES += ["'", "=", "中", "a", "font", "ſpan", "\u212a", "kbd", "!", "?", "\n", "/"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=30).map("".join))
def test_quick_inline_tag_removal_agrees_with_the_case_blind_one(markup: str) -> None:
    """Without IGNORECASE when names are lower-case, the result is the same."""
    assert _html_input._strip_inline(markup) == _html_input._INLINE_TAG.sub("", markup)


_WS = re.compile(r"[ \t\n\r\f]+")
_BREAKS = re.compile(" ?\ufdd0[ \ufdd0]*")


@settings(max_examples=500, deadline=None)
@given(st.text(" \t\n\r\f\ufdd0\xa0\u3000ab中1", max_size=30))
def test_cell_lines_are_gathered_as_by_the_two_substitutions(raw: str) -> None:
    """White space collapsed, lines trimmed, empty lines dropped: as the regexes define it."""
    assert _html._lines(raw) == _BREAKS.sub("\n", _WS.sub(" ", raw)).strip(" \n")


def test_header_rows_seen_before_are_not_resolved_again(
    fresh: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second read of a report resolves no header: the header texts are remembered."""
    import gxschema._mapper as mapper

    calls: list[str] = []
    resolve = mapper.resolve_columns

    def counting(table: gx.spec.TableSpec, *args: object) -> object:
        calls.append(table.id)
        return resolve(table, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(mapper, "resolve_columns", counting)
    first = gx.read(EXAMPLE)
    assert calls
    calls.clear()
    assert gx.read(EXAMPLE) == first
    assert calls == []


_FIXTURES = Path(__file__).parent / "fixtures"
_DETECTED = [
    "docx/national-2019.docx",
    "docx/national-2021.docx",
    "html/national-2019-gb18030.html",
    "libreoffice/national-2021.docx",
    "libreoffice/national-2021.html",
    "libreoffice/narrow-2021.html",
    "pdf/report-2021.pdf",
]


def _provenance(report: gx.Report) -> list[object]:
    return [(t, ln, c, cell.how, cell.source, cell.asides) for t, ln, c, cell in report.cells()]


@pytest.mark.parametrize("name", _DETECTED)
def test_detection_reads_as_the_template_given(name: str) -> None:
    """Detecting over every registered template reads what the template given reads.

    Remembered label matches and readings shared between declarations must not change
    a cell: the value, raw text, how and where of each cell and the extras agree, read
    twice (the second time from what the first remembered).
    """
    data = (_FIXTURES / name).read_bytes()
    for _ in range(2):
        detected = gx.read(data)
        given = gx.read(data, template=detected.template)
        assert detected == given
        assert len(_provenance(detected)) >= 198  # every cell of a national template
        assert _provenance(detected) == _provenance(given)
        assert [e.source for e in detected.extras] == [e.source for e in given.extras]


def _places(report: gx.Report) -> list[object]:
    return [
        *[(t, ln, c, cell, cell.how, cell.source) for t, ln, c, cell in report.cells()],
        *[(e, e.source) for e in report.extras],
        *[(d.table, d.template, d.reason, d.by_position) for d in report.detection],
    ]


def test_remembered_rows_keep_each_documents_own_places(fresh: None) -> None:
    """Rows read from what an earlier document left remembered keep their own places.

    The split of a data row, the extra of an unknown row and the tables a row's
    labels name are remembered by their texts; a second document holding the same
    rows one row further down must read as it reads with nothing remembered.
    """
    report = gx.read(_FIXTURES / "html" / "national-2019-gb18030.html")
    page = gx.render(report, "html")
    known = "<tr><th>规范性文件</th><td>4</td><td>5</td><td>6</td></tr>"
    unknown = "<tr><th>其他文件</th><td>7</td><td>8</td><td>9</td></tr>"
    assert page.count(known) == 1
    first = page.replace(known, known + unknown)
    second = page.replace(known, unknown + known + unknown)
    read_first = gx.read(first)
    assert [e.label for e in read_first.extras] == ["其他文件"]
    from_memory = gx.read(second)
    forget_indexes()
    tablestate._ROW_EXTRAS.clear()
    fresh_read = gx.read(second)
    assert _places(from_memory) == _places(fresh_read)
    assert [e.label for e in from_memory.extras] == ["其他文件", "其他文件"]
    assert from_memory.extras[1].source != read_first.extras[0].source
    moved = from_memory.cell("s2.art20_1", "normative", "published")
    before = read_first.cell("s2.art20_1", "normative", "published")
    assert moved is not None
    assert before is not None
    assert moved.source is not None
    assert moved.source == attrs.evolve(before.source, row=moved.source.row)
    assert moved.source != before.source
