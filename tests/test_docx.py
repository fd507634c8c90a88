"""The .docx reader: Word's spans in the grid's convention, cell text, and hostile archives."""

from __future__ import annotations

import io
import resource
import struct
import time
import tracemalloc
import zipfile
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import gxschema as gx
from gxschema._grid import MAX_ROW_CELLS, MAX_ROWS, Grid, GridRow
from gxschema._mapper import map_grid
from gxschema._readers import _docx
from gxschema._readers._docx import MAX_MARKUP, MAX_MEMBERS, looks_like_docx, read_docx
from gxschema._report import Location
from tests.fixtures.docx.make_docx import FIXTURES, Block, blocks, values

HERE = Path(__file__).resolve().parent / "fixtures" / "docx"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
STRICT = "http://purl.oclc.org/ooxml/wordprocessingml/main"
SANITY_SECONDS = 5.0
MB = 1024 * 1024

# -- building documents ------------------------------------------------------------------

CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    b'package/2006/content-types"><Override PartName="/word/document.xml" ContentType="'
    b'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)


def pack(members: Mapping[str, bytes], *, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A zip archive holding the members, deflated (or stored)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buf.getvalue()


def document(body: str, *, ns: str = W, prolog: str = "") -> bytes:
    """The XML of a document with this body."""
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}'
        f'<w:document xmlns:w="{ns}"><w:body>{body}</w:body></w:document>'
    ).encode()


def docx(body: str, *, ns: str = W) -> bytes:
    """A minimal .docx with this body."""
    return pack({"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": document(body, ns=ns)})


def with_document(xml: bytes, *, method: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A .docx whose word/document.xml is exactly these bytes."""
    return pack({"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": xml}, method=method)


def p(*runs: str) -> str:
    """A paragraph of runs, each given as the run's inner XML or plain text."""
    return (
        "<w:p>"
        + "".join(r if r.startswith("<") else f"<w:r><w:t>{r}</w:t></w:r>" for r in runs)
        + "</w:p>"
    )


def tc(text: str = "", *, span: int = 1, vmerge: str | None = None, inner: str = "") -> str:
    """A table cell: one paragraph of ``text`` (or ``inner`` blocks), a span, a vMerge."""
    props = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    if vmerge is not None:
        props += f'<w:vMerge w:val="{vmerge}"/>' if vmerge else "<w:vMerge/>"
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{inner or p(text)}</w:tc>"


def tr(*cells: str, before: int = 0, after: int = 0) -> str:
    """A table row, with gridBefore/gridAfter when given."""
    props = (f'<w:gridBefore w:val="{before}"/>' if before else "") + (
        f'<w:gridAfter w:val="{after}"/>' if after else ""
    )
    return f"<w:tr><w:trPr>{props}</w:trPr>{''.join(cells)}</w:tr>"


def tbl(*rows: str) -> str:
    """A table."""
    return f"<w:tbl><w:tblPr/>{''.join(rows)}</w:tbl>"


def cells(row: GridRow) -> list[tuple[str, int | None, int, int, bool]]:
    """A row's cells as (text, grid column, colspan, rowspan, continued)."""
    return [(c.text, c.location.cell, c.colspan, c.rowspan, c.continued) for c in row.cells]


def table_rows(grid: Grid) -> list[GridRow]:
    """The grid's table rows."""
    return [r for r in grid.rows if not r.heading]


def report(grid: Grid) -> gx.Report:
    """Map a grid with every registered template, as gx.read does."""
    candidates = [gx.templates.get(t) for t in gx.templates.available()]
    return map_grid(grid, candidates, compose=gx.templates.compose)


# -- the fixtures made by LibreOffice ----------------------------------------------------

Expected = tuple[bool, Location, tuple[tuple[str, Location, int, int, bool], ...]]


def expected_grid(doc: list[Block]) -> list[Expected]:
    """The grid a document written as HTML must read as, in the grid's convention.

    A rowspan becomes Word's vertical merge: an empty continued cell, at the covered
    column, in each later row it covers.
    """
    out: list[Expected] = []
    line = table = 0
    for block in doc:
        if isinstance(block, str):
            line += 1
            where = Location(line=line)
            out.append((True, where, ((block, where, 1, 1, False),)))
            continue
        covering: dict[int, list[int]] = {}  # grid column → [rows still covered, colspan]
        for r, row in enumerate(block):
            placed = []
            pending = list(row)
            col = 0
            while pending or any(c >= col for c in covering):
                if col in covering:
                    left, span = covering[col]
                    placed.append(("", Location(table=table, row=r, cell=col), span, 1, True))
                    if left == 1:
                        del covering[col]
                    else:
                        covering[col] = [left - 1, span]
                    col += span
                elif pending:
                    text, span, rowspan = pending.pop(0)
                    placed.append(
                        (text, Location(table=table, row=r, cell=col), span, rowspan, False)
                    )
                    if rowspan > 1:
                        covering[col] = [rowspan - 1, span]
                    col += span
                else:
                    col += 1
            out.append((False, Location(table=table, row=r), tuple(placed)))
        table += 1
    return out


def as_expected(grid: Grid) -> list[Expected]:
    """The grid in the shape of :func:`expected_grid`."""
    return [
        (
            row.heading,
            row.location,
            tuple((c.text, c.location, c.colspan, c.rowspan, c.continued) for c in row.cells),
        )
        for row in grid.rows
    ]


def fixture(template_id: str) -> bytes:
    """The committed .docx of a template."""
    return (HERE / f"{template_id}.docx").read_bytes()


@pytest.mark.parametrize("template_id", sorted(FIXTURES))
def test_fixture_reads_exactly_as_written(template_id: str) -> None:
    """Every paragraph and cell of the LibreOffice fixture reads as written, spans included."""
    spec = gx.templates.get(template_id)
    doc = blocks(spec, values(spec), FIXTURES[template_id])
    grid = read_docx(fixture(template_id), source=f"{template_id}.docx")
    assert (grid.source, grid.form) == (f"{template_id}.docx", "docx")
    assert as_expected(grid) == expected_grid(doc)


@pytest.mark.parametrize("template_id", sorted(FIXTURES))
def test_fixture_template_is_detected_and_every_value_read(template_id: str) -> None:
    """The mapper detects the fixture's template and finds every value's raw text in place."""
    spec = gx.templates.get(template_id)
    written = values(spec)
    rep = report(read_docx(fixture(template_id)))
    assert rep.template == template_id
    assert rep.extras == ()
    read = {(t, ln, c): cell.raw for t, ln, c, cell in rep.cells()}
    assert read == written
    cell = rep.cell("s3", "r3_7", "natural_person")
    assert cell is not None
    assert cell.source is not None
    assert cell.source.table is not None
    assert cell.source.row is not None


@pytest.mark.parametrize("template_id", sorted(FIXTURES))
def test_python_docx_agrees_with_the_grid(template_id: str) -> None:
    """python-docx (the oracle) sees the same paragraphs and, span-filled, the same cells."""
    docx_oracle = pytest.importorskip("docx")
    data = fixture(template_id)
    grid = read_docx(data)
    oracle = docx_oracle.Document(io.BytesIO(data))
    assert [p.text.strip() for p in oracle.paragraphs if p.text.strip()] == [
        r.cells[0].text for r in grid.rows if r.heading
    ]
    for index, table in enumerate(oracle.tables):
        mine = [r for r in table_rows(grid) if r.location.table == index]
        above: dict[int, str] = {}  # grid column → text of the cell a merge started at
        assert len(mine) == len(table.rows)
        for row, theirs in zip(mine, table.rows, strict=True):
            filled: list[str] = []
            for c in row.cells:
                assert c.location.cell is not None
                if not c.continued:
                    above[c.location.cell] = c.text
                filled += [above[c.location.cell]] * c.colspan
            assert filled == [c.text for c in theirs.cells]


def test_a_typical_read_is_fast() -> None:
    """Reading a 26-row report fixture takes well under the sanity bound."""
    data = fixture("national-2019")
    start = time.perf_counter()
    for _ in range(10):
        read_docx(data)
    assert (time.perf_counter() - start) / 10 < 0.5


# -- spans and positions -----------------------------------------------------------------


def test_grid_span_appears_once_with_its_colspan() -> None:
    """A w:gridSpan cell appears once, at its first grid column, with its colspan."""
    grid = read_docx(
        docx(tbl(tr(tc("a", span=3), tc("b")), tr(tc("1"), tc("2"), tc("3"), tc("4"))))
    )
    first, second = table_rows(grid)
    assert cells(first) == [("a", 0, 3, 1, False), ("b", 3, 1, 1, False)]
    assert [c.location.cell for c in second.cells] == [0, 1, 2, 3]
    assert first.location == Location(table=0, row=0)


def test_vertical_merge_continues_as_one_empty_cell_per_row() -> None:
    """Vertical merges: the text once with its rowspan, then one empty continued cell."""
    grid = read_docx(
        docx(
            tbl(
                tr(tc("head", span=2, vmerge="restart"), tc("x")),
                tr(tc("ignored", span=2, vmerge="continue"), tc("y")),
                tr(tc(span=2, vmerge=""), tc("z")),  # no w:val means continue
                tr(tc("new"), tc("n2"), tc("w")),
            )
        )
    )
    assert [cells(r) for r in table_rows(grid)] == [
        [("head", 0, 2, 3, False), ("x", 2, 1, 1, False)],
        [("", 0, 2, 1, True), ("y", 2, 1, 1, False)],
        [("", 0, 2, 1, True), ("z", 2, 1, 1, False)],
        [("new", 0, 1, 1, False), ("n2", 1, 1, 1, False), ("w", 2, 1, 1, False)],
    ]


def test_continue_without_a_cell_above_stands_alone() -> None:
    """A vMerge continue with no merge above is read as a cell of its own, text kept."""
    grid = read_docx(
        docx(tbl(tr(tc("a"), tc("orphan", vmerge="continue")), tr(tc("b"), tc(vmerge=""))))
    )
    first, second = table_rows(grid)
    assert cells(first) == [("a", 0, 1, 1, False), ("orphan", 1, 1, 2, False)]
    assert cells(second) == [("b", 0, 1, 1, False), ("", 1, 1, 1, True)]


def test_grid_before_and_after_shift_positions_without_cells() -> None:
    """w:gridBefore shifts the cells' grid columns; neither it nor w:gridAfter emits cells."""
    grid = read_docx(
        docx(
            tbl(
                tr(tc("a"), tc("b"), tc("c")),
                tr(tc("b2"), before=1, after=1),
                tr(tc("m", vmerge="restart"), tc("c3"), before=1),
                tr(tc(vmerge="continue"), tc("c4"), before=1),
            )
        )
    )
    rows = table_rows(grid)
    assert cells(rows[1]) == [("b2", 1, 1, 1, False)]
    assert cells(rows[2]) == [("m", 1, 1, 2, False), ("c3", 2, 1, 1, False)]
    assert cells(rows[3]) == [("", 1, 1, 1, True), ("c4", 2, 1, 1, False)]


def test_legacy_horizontal_merge_widens_the_cell_before() -> None:
    """A w:hMerge continue cell is folded into the cell before it, as Word shows it."""
    merged = '<w:tc><w:tcPr><w:hMerge w:val="continue"/></w:tcPr><w:p/></w:tc>'
    grid = read_docx(docx(tbl(tr(tc("wide"), merged, tc("c")))))
    assert cells(table_rows(grid)[0]) == [("wide", 0, 2, 1, False), ("c", 2, 1, 1, False)]


def test_nested_tables_are_read_as_tables_inside_a_layout_table() -> None:
    """A layout table's own paragraphs become headings; its nested tables are the data."""
    inner = tbl(tr(tc("label"), tc("1")))
    outer = tbl(tr(tc(inner=p("四、标题") + inner + p("注")), tc("side")))
    grid = read_docx(docx(p("前") + outer + tbl(tr(tc("after")))))
    shape = [(r.heading, r.location, r.texts) for r in grid.rows]
    assert shape == [
        (True, Location(line=1), ("前",)),
        (True, Location(line=2), ("四、标题",)),
        (False, Location(table=1, row=0), ("label", "1")),
        (True, Location(line=3), ("注",)),
        (True, Location(line=4), ("side",)),
        (False, Location(table=2, row=0), ("after",)),
    ]


def test_paragraph_numbers_count_empty_paragraphs_which_are_skipped() -> None:
    """Empty paragraphs give no row but keep their number: line k is the k-th paragraph."""
    grid = read_docx(docx(p("一") + "<w:p/>" + p("　 ") + p(" 二 ")))
    assert [(r.location, r.cells[0].location, r.texts) for r in grid.rows] == [
        (Location(line=1), Location(line=1), ("一",)),
        (Location(line=4), Location(line=4), ("二",)),
    ]
    assert all(r.heading for r in grid.rows)


def test_content_controls_and_custom_xml_are_looked_through() -> None:
    """Tables, rows and cells wrapped in w:sdt or w:customXml are read like the others."""
    row = f"<w:sdt><w:sdtPr/><w:sdtContent>{tr(tc('a'), tc('b'))}</w:sdtContent></w:sdt>"
    cell = f"<w:customXml w:element='x'>{tc('d')}</w:customXml>"
    body = f"<w:sdt><w:sdtContent>{p('title')}{tbl(row, tr(tc('c'), cell))}</w:sdtContent></w:sdt>"
    grid = read_docx(docx(body))
    assert [r.texts for r in grid.rows] == [("title",), ("a", "b"), ("c", "d")]


def test_strict_ooxml_reads_like_transitional() -> None:
    """A document in the ISO 29500 Strict namespace reads the same as a transitional one."""
    body = p("标题") + tbl(tr(tc("a", span=2)), tr(tc("b"), tc("c")))
    assert as_expected(read_docx(docx(body, ns=STRICT))) == as_expected(read_docx(docx(body)))


# -- cell text ---------------------------------------------------------------------------


def test_cell_text_keeps_breaks_spaces_and_hyphens() -> None:
    """br/cr and paragraph ends are newlines, a tab one space, noBreakHyphen '-', NBSP kept."""
    runs = (
        "<w:r><w:t>本年新</w:t><w:br/><w:t>制作</w:t><w:cr/><w:t>数量</w:t></w:r>",
        "<w:r><w:tab/><w:t xml:space='preserve'>\u00a01 </w:t><w:noBreakHyphen/>"
        "<w:t>\u3000增1万</w:t></w:r>",
    )
    cell = f"<w:tc>{p(*runs)}{p('第二段')}<w:p/></w:tc>"
    grid = read_docx(docx(tbl(tr(cell))))
    assert table_rows(grid)[0].texts == ("本年新\n制作\n数量 \u00a01 -\u3000增1万\n第二段\n",)


def test_only_visible_text_is_read() -> None:
    """Deleted text, field codes, text boxes, ruby annotations and properties are left out."""
    runs = (
        "<w:ins><w:r><w:t>新</w:t></w:r></w:ins>",
        "<w:del><w:r><w:delText>旧</w:delText></w:r></w:del>",
        "<w:r><w:fldChar w:fldCharType='begin'/></w:r><w:r><w:instrText>PAGE</w:instrText></w:r>",
        "<w:r><w:fldChar w:fldCharType='separate'/></w:r><w:r><w:t>7</w:t></w:r>",
        "<w:r><w:fldChar w:fldCharType='end'/></w:r>",
        "<w:hyperlink><w:r><w:t>链</w:t></w:r></w:hyperlink>",
        "<w:r><w:ruby><w:rt><w:r><w:t>zhu</w:t></w:r></w:rt>"
        "<w:rubyBase><w:r><w:t>注</w:t></w:r></w:rubyBase></w:ruby></w:r>",
        "<w:r><w:pict><w:txbxContent><w:p><w:r><w:t>框</w:t></w:r></w:p></w:txbxContent>"
        "</w:pict></w:r>",
        "<w:moveFrom><w:r><w:t>移走</w:t></w:r></w:moveFrom>",
        "<w:moveTo><w:r><w:t>移来</w:t></w:r></w:moveTo>",
    )
    body = "<w:p><w:pPr><w:tabs><w:tab w:val='left' w:pos='720'/></w:tabs></w:pPr>" + p(*runs)[5:]
    grid = read_docx(docx(body))
    assert grid.rows[0].texts == ("新7链注移来",)


# -- looks_like_docx ---------------------------------------------------------------------


def test_looks_like_docx() -> None:
    """Zip magic, and word/document.xml in the central directory when the data is given."""
    data = fixture("national-2019")
    assert looks_like_docx(data[:8])
    assert looks_like_docx(data[:8], data)
    other = pack({"xl/workbook.xml": b"<x/>"})
    assert looks_like_docx(other[:8])
    assert not looks_like_docx(other[:8], other)
    assert not looks_like_docx(b"\tlabel\n\t1\n")
    assert not looks_like_docx(b"PK")
    assert not looks_like_docx(b"PK\x03\x04junk", b"PK\x03\x04junk")


# -- hostile and broken input ------------------------------------------------------------


def refused(data: bytes, *, match: str | None = None) -> gx.ParseError:
    """Assert read_docx refuses the data with a ParseError naming the source, in time."""
    start = time.perf_counter()
    with pytest.raises(gx.ParseError, match=match) as info:
        read_docx(data, source="hostile.docx")
    assert time.perf_counter() - start < SANITY_SECONDS
    assert info.value.source == "hostile.docx"
    return info.value


def bounded(action: Callable[[], object]) -> tuple[int, float]:
    """Run the action; return its peak traced allocation (bytes) and RSS growth (MB)."""
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    try:
        action()
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024  # KiB → MiB
    return peak, grown


def _bomb_members(size: int) -> Iterator[bytes]:
    yield f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>'.encode()
    chunk = b" " * MB
    for _ in range(size // MB):
        yield chunk


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """A .docx whose word/document.xml inflates to 300 MB of spaces (about 1.4 MB zipped)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        with archive.open("word/document.xml", "w") as member:
            for piece in _bomb_members(300 * MB):
                member.write(piece)
    return buf.getvalue()


def set_declared_size(data: bytes, name: str, size: int) -> bytes:
    """Rewrite a member's uncompressed size in the central directory (what zipfile trusts)."""
    out = bytearray(data)
    pos = out.find(b"PK\x01\x02")
    while pos >= 0:
        name_len = struct.unpack_from("<H", out, pos + 28)[0]
        if out[pos + 46 : pos + 46 + name_len] == name.encode():
            struct.pack_into("<L", out, pos + 24, size)
            return bytes(out)
        pos = out.find(b"PK\x01\x02", pos + 46)
    raise AssertionError(f"{name} not in the central directory")


def test_zip_bomb_is_refused_from_the_header(bomb: bytes) -> None:
    """A 300 MB document.xml is refused before inflating: fast, and under 100 MB of memory."""
    holder: list[gx.ParseError] = []
    start = time.perf_counter()
    peak, grown = bounded(lambda: holder.append(refused(bomb, match="inflates to")))
    assert time.perf_counter() - start < 1.0
    assert peak < 100 * MB
    assert grown < 100
    declared = zipfile.ZipFile(io.BytesIO(bomb)).getinfo("word/document.xml").file_size
    assert declared > 300 * MB
    assert str(declared) in holder[0].message


def test_member_lying_about_its_size_cannot_inflate_past_it(bomb: bytes) -> None:
    """A header claiming 1 KB for 300 MB of data: only 1 KB is inflated, then refused."""
    liar = set_declared_size(bomb, "word/document.xml", 1024)
    peak, grown = bounded(lambda: refused(liar, match="word/document.xml"))
    assert peak < 100 * MB
    assert grown < 100


def test_member_claiming_more_than_it_holds_is_refused() -> None:
    """A header claiming more bytes than the member holds gives ParseError, not EOFError."""
    data = docx(p("短"))
    refused(set_declared_size(data, "word/document.xml", 2 * MB))
    refused(set_declared_size(data, "word/document.xml", 3))


def test_extreme_compression_ratio_is_refused() -> None:
    """A 5 MB document.xml of spaces (under the size cap) is refused for its ratio."""
    xml = document(p("x")) + b" " * (5 * MB)
    refused(with_document(xml), match="zip bomb")


def test_too_much_markup_is_refused_before_parsing() -> None:
    """Over a million tags (stored, so neither size nor ratio stops it) is refused unparsed."""
    xml = document("<w:p/>" * (MAX_MARKUP + 1))
    refused(with_document(xml, method=zipfile.ZIP_STORED), match="tags and attributes")


def test_too_many_members_are_refused() -> None:
    """An archive with more members than a .docx ever has is refused."""
    members = {f"word/media/{i}.bin": b"" for i in range(MAX_MEMBERS + 1)}
    members["word/document.xml"] = document(p("x"))
    refused(pack(members), match="members")


def test_declared_member_count_is_checked_before_parsing_the_directory() -> None:
    """An end record declaring 60,000 members is refused before zipfile reads the directory."""
    data = bytearray(docx(p("x")))
    pos = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, pos + 8, 60000, 60000)
    refused(bytes(data), match="declares 60000 members")


def _laughs() -> str:
    levels = ['<!ENTITY lol0 "lol">']
    for i in range(1, 10):
        levels.append(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">')
    return f"<!DOCTYPE w:document [{''.join(levels)}]>"


LAUGHS = _laughs()
"""A DTD whose entity lol9 expands to 10⁹ times "lol"."""


def as_zip64(data: bytes, *, count: int | None = None) -> bytes:
    """The archive with a zip64 end record (declaring ``count`` members, if given)."""
    end = data.rfind(b"PK\x05\x06")
    _, _, _, entries, _, size, offset, comment = struct.unpack_from("<4s4H2LH", data, end)
    total = entries if count is None else count
    record = struct.pack("<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, total, total, size, offset)
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, end, 1)
    eocd = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0)
    assert comment == 0
    return data[:end] + record + locator + eocd


def test_zip64_end_record_is_read_and_checked() -> None:
    """A zip64 .docx reads like the plain one; a zip64 record declaring 10⁶ members is refused."""
    data = docx(p("标题") + tbl(tr(tc("a"), tc("b"))))
    assert as_expected(read_docx(as_zip64(data))) == as_expected(read_docx(data))
    refused(as_zip64(data, count=10**6), match="declares 1000000 members")


def test_billion_laughs_is_refused() -> None:
    """Nested entity definitions are refused without expansion, in UTF-8 and UTF-16."""
    xml = document(p("&lol9;"), prolog=LAUGHS)
    refused(with_document(xml), match="document type declaration")
    utf16 = xml.decode().replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    refused(with_document(utf16), match="document type declaration")


def test_billion_laughs_is_refused_by_the_parser_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the byte scan switched off, the parser neither expands the entities nor accepts them."""
    monkeypatch.setattr(_docx, "_DOCTYPE_MARKS", ())
    xml = document(p("&lol9;"), prolog=LAUGHS)
    err = refused(with_document(xml))
    assert "lollollol" not in str(err)


@pytest.mark.parametrize("scan", [True, False])
def test_xxe_does_not_read_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, scan: bool
) -> None:
    """An external entity naming a local file is refused and its text never appears."""
    secret = "GXSCHEMA-SECRET-7f3a9c"
    target = tmp_path / "secret.txt"
    target.write_text(secret, encoding="utf-8")
    if not scan:
        monkeypatch.setattr(_docx, "_DOCTYPE_MARKS", ())
    for prolog, body in [
        (f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "{target.as_uri()}">]>', p("&xxe;")),
        (f'<!DOCTYPE w:document SYSTEM "{target.as_uri()}">', p("x")),
        ('<!DOCTYPE w:document SYSTEM "http://127.0.0.1:9/x.dtd">', p("x")),
    ]:
        err = refused(with_document(document(body, prolog=prolog)))
        assert secret not in str(err)


@given(st.binary(max_size=3000))
def test_random_bytes_are_parse_errors(data: bytes) -> None:
    """Arbitrary bytes, with or without the zip magic, give ParseError and nothing else."""
    for candidate in (data, b"PK\x03\x04" + data):
        with pytest.raises(gx.ParseError):
            read_docx(candidate)


@given(st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 255)), min_size=1, max_size=6))
def test_damaged_fixture_reads_or_gives_parse_error(flips: list[tuple[int, int]]) -> None:
    """A fixture with bytes overwritten either still reads or gives ParseError, nothing else."""
    data = bytearray(fixture("national-2021"))
    for pos, value in flips:
        data[pos % len(data)] = value
    try:
        grid = read_docx(bytes(data))
    except gx.ParseError:
        return
    assert grid.form == "docx"


def test_truncated_zip_is_refused() -> None:
    """A .docx cut short anywhere is refused."""
    data = fixture("national-2019")
    for cut in (0, 4, 30, len(data) // 2, len(data) - 23, len(data) - 1):
        refused(data[:cut])


def test_zip_without_the_document_is_refused() -> None:
    """A zip archive that is not a Word document is refused, naming the missing member."""
    refused(pack({"[Content_Types].xml": CONTENT_TYPES}), match="no word/document.xml")


def test_encrypted_or_oddly_compressed_member_is_refused() -> None:
    """A member flagged encrypted, or compressed by an unknown method, gives ParseError."""
    data = docx(p("x"))
    pos = data.rfind(b"PK\x01\x02")
    for offset, value in ((8, 1), (10, 99)):  # general-purpose flag bit 0; method 99
        damaged = bytearray(data)
        while pos >= 0:
            struct.pack_into("<H", damaged, pos + offset, value)
            pos = data.rfind(b"PK\x01\x02", 0, pos)
        pos = data.rfind(b"PK\x01\x02")
        refused(bytes(damaged))


@pytest.mark.parametrize("element", ["w:p", "w:tbl"])
def test_deep_nesting_is_refused(element: str) -> None:
    """10⁵ nested elements hit the parser's depth limit: ParseError, quickly."""
    depth = 100_000
    body = f"<{element}>" * depth + f"</{element}>" * depth
    # Stored, not deflated: deflated, its ratio alone would refuse it before the parser.
    refused(with_document(document(body), method=zipfile.ZIP_STORED), match="not well-formed")


@pytest.mark.parametrize(
    ("xml", "match"),
    [
        (b"<w:document", "not well-formed"),
        (b"", "not well-formed"),
        (b"<html><body/></html>", "not a WordprocessingML"),
        (f'<w:document xmlns:w="{W}"/>'.encode(), "no body"),
        (f'<w:document xmlns:w="{W}"><w:body><w:p>&nbsp;</w:p></w:body></w:document>'.encode(), ""),
    ],
)
def test_broken_document_xml_is_refused(xml: bytes, match: str) -> None:
    """Malformed XML, another vocabulary, a missing body or an undefined entity: ParseError."""
    refused(with_document(xml), match=match or None)


def test_too_many_rows_are_refused_with_where() -> None:
    """A table with more rows than the grid allows is refused, naming the table."""
    row = tr(tc("x"))
    err = refused(docx(tbl(*[row] * (MAX_ROWS + 1))), match="rows")
    assert err.location is not None
    assert err.location.table == 0
    refused(docx(tbl(*["<w:tr/>"] * (MAX_ROWS + 2))), match="rows")


def test_too_wide_a_row_is_refused_with_where() -> None:
    """A row with more cells than the grid allows is refused, naming the row."""
    err = refused(docx(tbl(tr(tc("a")), tr(*[tc()] * (MAX_ROW_CELLS + 1)))), match="cells")
    assert err.location == Location(table=0, row=1)
