r"""Reader for HTML pages: agency web pages and Word's "Save as Web Page" exports.

The page is decoded (see :func:`read_html`), parsed with selectolax's Lexbor parser
(the HTML5 tree construction browsers use, so unclosed ``<td>`` and ``</tr>`` mean what
they mean in a browser) and walked in document order:

* A *leaf* table (one holding no ``<table>``) is a report table candidate: each of its
  ``<tr>`` becomes a table row, with the spans expanded here into the grid's convention
  (see :class:`~gxschema._grid.GridCell`): a cell spanning several columns appears once,
  at its first column, with its ``colspan``; a position covered by a cell of a row
  above appears as one empty ``continued`` cell per covering cell, where it falls in the
  row.  A cell's location is ``Location(table=i, row=r, cell=c)``: ``i`` counts leaf
  tables in document order, ``r`` the table's ``<tr>``, ``c`` the expanded grid column
  (for a continued cell, the covering cell's first column).  Spans are read leniently
  (``"2;"``, ``" 2 "``; junk is 1) and clamped to 1..1000; ``rowspan="0"`` spans to the
  end of its row group, and a rowspan never reaches past its row group (``thead``,
  ``tbody``, ``tfoot``), as in a browser.
* A table holding tables is data when it is a grid (three rows of three cells or
  more) with more cells of its own than any table nested in it: a report table with a
  small table inside a cell.  It is read as a table; a nested table of two rows of two
  cells or more is read after it as a table of its own (the mapper keeps its rows as
  extras when no line matches them), and a smaller one's text is its cell's text, so
  neither is lost.  Any other table holding tables
  is layout: it is not read as a table, but its own text (the text of its cells
  outside the nested tables) is, as below.
* Any other visible text becomes heading rows, one per line: blocks (``p``, ``div``,
  ``h1``…``h6``, ``li``, ``td`` of a layout table, a table's ``caption``, the page's
  ``title`` …) and ``<br>`` end lines.  The location of a heading row is
  ``Location(line=n)``, ``n`` counting the heading rows from 1 in document order: the
  parser keeps no source positions, so ``n`` is not a line number of the file.

Text is the visible text (a ``data-gx-raw`` attribute, which gxschema's writer puts on
a value cell whose text holds white space, gives the text exactly when it reads as the
visible text).  ``<script>``, ``<style>``, ``<noscript>``, ``<template>``
(and embedded objects, ``svg``, form controls) are removed after parsing, comments,
Word's ``<![if …]>`` markers and ``<?…?>`` before it; ``<br>`` and block boundaries
inside a cell are ``"\n"``; runs of HTML white space collapse to one space and lines are
trimmed of it, while ``&nbsp;`` stays U+00A0 and U+3000 stays as printed (the value
parser and the label matcher handle both).

Decoding, sniffing and the checks and removals before parsing (the input is untrusted)
are in :mod:`gxschema._readers._html_input`; which tables are data and which layout, in
:mod:`gxschema._readers._html_tables`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

import attrs
from selectolax.lexbor import LexborHTMLParser, LexborNode

from gxschema._construct import constructor
from gxschema._grid import MAX_INPUT_BYTES, MAX_ROW_CELLS, Grid, GridBuilder, GridCell, GridRow
from gxschema._readers._asides import CLOSE, OPEN, split, split_lines
from gxschema._readers._html_input import (
    MAX_NESTING,
    MAX_TAGS,
    ascii_view,
    decode_html,
    looks_like_html,
    prepare,
)
from gxschema._readers._html_tables import (
    data_tables,
    grid_like,
    nested_tables,
    own_rows,
    table_ancestors,
)
from gxschema._report import Location
from gxschema.exceptions import ParseError

__all__ = [
    "MAX_NESTING",
    "MAX_SPAN",
    "MAX_TAGS",
    "decode_html",
    "looks_like_html",
    "read_html",
]

MAX_SPAN = 1000
"""A ``rowspan`` or ``colspan`` beyond this is taken as this (HTML's own cap on colspan)."""

# -- text ----------------------------------------------------------------------------

_WS = re.compile(r"[ \t\n\r\f]+")
_HTML_SPACE = " \t\n\r\f"
# Lexbor joins the text nodes under an element with this between them.  Once the inline
# tags are gone, text nodes part only at <br>, blocks and the odd void element, so it
# marks the line breaks.  (A U+FDD0, a noncharacter, in the page itself breaks a line.)
_BREAK = "\ufdd0"
_TRIM = _HTML_SPACE + _BREAK
_SKIP = [
    "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math",
    "select", "textarea", "xml",
]  # fmt: skip
# Any start tag of those elements, in a page's lower-cased ASCII bytes (see ascii_view).
_SKIP_START = re.compile(("<(" + "|".join(_SKIP) + r")[^a-z0-9:_.-]").encode())


def _skipped(low: bytes) -> list[str]:
    """The elements of :data:`_SKIP` a page may hold, from its lower-cased bytes.

    Every ASCII character of the page is in them as itself, so a name whose start
    tag is not there is nowhere in the page (the parser makes none of these elements
    without a start tag).  A byte after the name that is not a name character stands
    for white space, ``/``, ``>`` or a character past ASCII, which may end a tag name.
    """
    found = {m.decode("ascii") for m in _SKIP_START.findall(low)}
    return [name for name in _SKIP if name in found]


_BLOCK = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "caption", "center", "dd",
        "details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure",
        "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "head", "header", "hgroup",
        "hr", "html", "legend", "li", "listing", "main", "menu", "nav", "ol", "p",
        "plaintext", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th",
        "thead", "title", "tr", "ul", "xmp",
    }
)  # fmt: skip


def _tag_ids() -> dict[str, int]:
    """Lexbor's ids of the tags the walk tells apart (static ids: the same in every page)."""
    probe = LexborHTMLParser("<p>a<!--b--></p>")
    ids = {name: probe.create_node(name).tag_id for name in (*_BLOCK, "br", "td", "th")}
    for node in probe.root.traverse(include_text=True) if probe.root is not None else ():
        if node.tag in ("-text", "-comment"):
            ids[node.tag] = node.tag_id
    return ids


_IDS = _tag_ids()
_TEXT_ID, _COMMENT_ID, _BR_ID = _IDS["-text"], _IDS["-comment"], _IDS["br"]
_TABLE_ID, _TR_ID, _CAPTION_ID = _IDS["table"], _IDS["tr"], _IDS["caption"]
_GROUP_IDS = frozenset(_IDS[name] for name in ("thead", "tbody", "tfoot"))
_CELL_IDS = frozenset((_IDS["td"], _IDS["th"]))
_BLOCK_IDS = frozenset(_IDS[name] for name in _BLOCK)


def _spaced(piece: str) -> bool:
    """Whether a piece may hold white space to collapse: a run, or a tab or line end.

    (``isprintable`` is the quick test: it is true of text without any of them, and
    false also of text with a no-break space, which is not collapsed.)
    """
    return "  " in piece or (
        not piece.isprintable()
        and ("\n" in piece or "\t" in piece or "\r" in piece or "\f" in piece)
    )


def _lines(raw: str) -> str:
    """Gathered text as lines: white-space runs collapsed, lines trimmed, empty ones gone."""
    # The common case, one line: its ends trimmed of white space and breaks, no break
    # left inside and nothing to collapse, it is the one piece the loop would keep.
    one = raw.strip(_TRIM)
    if _BREAK not in one and not _spaced(one):
        return one
    out = []
    for piece in raw.split(_BREAK):
        piece = piece.strip(_HTML_SPACE)
        if piece:
            if _spaced(piece):
                piece = _WS.sub(" ", piece)
            out.append(piece)
    return "\n".join(out)


def _text(node: LexborNode) -> str:
    return node.text(deep=True, separator=_BREAK, strip=False)


def _cell_text(cell: LexborNode) -> str:
    r"""The visible text of a cell, its lines joined with ``\n``.

    Lines holding only white space (``&nbsp;`` spacer paragraphs) are dropped when the
    cell has other text; a cell of nothing but ``&nbsp;`` reads as ``"\xa0"``.
    """
    return _cell_lines(cell.text(deep=True, separator=_BREAK, strip=False))


def _cell_lines(gathered: str) -> str:
    """A cell's gathered text as :func:`_cell_text` gives it."""
    text = _lines(gathered)
    if "\n" not in text:
        return text
    lines = text.split("\n")
    visible = [line for line in lines if line.strip()]
    return "\n".join(visible) if visible else lines[0]


def _written_raw(raw: str | None, text: str) -> str:
    """The raw text gxschema's writer kept for a cell, when it reads as the cell's text.

    HTML collapses white space; the writer keeps a value's exact text in
    ``data-gx-raw``.  Anything else (an edited cell) keeps the visible text.
    """
    if raw is None or "\r" in raw:
        return text
    return raw if _cell_lines(raw.replace("\n", _BREAK)) == text else text


def _text_apart(node: LexborNode, apart: set[int]) -> str:
    """A node's text as :func:`_text` gives it, without the tables read on their own."""
    out: list[str] = []
    stack: list[Iterator[LexborNode]] = [node.iter(include_text=True)]
    while stack:
        for child in stack[-1]:
            if child.tag == "-text":
                out.append(child.text_content or "")
            elif child.mem_id not in apart and child.tag != "-comment":
                stack.append(child.iter(include_text=True))
                break
        else:
            stack.pop()
    return _BREAK.join(out)


@attrs.define
class _Cover:
    """A cell spanning down: the grid columns it covers and the last row it reaches."""

    start: int
    end: int
    last: int
    top: int


_SPAN = re.compile(r"[ \t\n\r\f]*\+?([0-9]+)")


def _span(value: str | None, *, zero: int) -> int:
    """Read a span attribute leniently: leading digits count, junk is 1, clamped."""
    if value is None:
        return 1
    m = _SPAN.match(value)
    if m is None:
        return 1
    digits = m.group(1).lstrip("0")
    if not digits:
        return zero
    if len(digits) > 4:
        return MAX_SPAN
    return max(1, min(int(digits), MAX_SPAN))


def _spans(attributes: dict[str, str | None], rows_left: int) -> tuple[int, int]:
    """A cell's ``(colspan, rowspan)``, the rowspan cut at the end of its row group."""
    colspan = _span(attributes.get("colspan"), zero=1)
    rowspan = min(_span(attributes.get("rowspan"), zero=MAX_SPAN), rows_left)
    return colspan, rowspan


_PLACES: dict[tuple[int, int, int | None], Location] = {}
"""Grid locations ``(table, row, cell)`` (``cell`` None for a row), shared as the JSON
reader shares text places: a Location is immutable, and the same few thousand places
recur in every page of a corpus, so a page's cells need not each build their own."""
_LINE_PLACES: dict[int, Location] = {}
"""Heading rows' locations, by line number, shared likewise."""
_PLACES_MAX = 1 << 16


def _place(table: int, row: int, cell: int | None) -> Location:
    """The location of a grid cell (or a row, ``cell`` None), shared when seen before."""
    key = (table, row, cell)
    place = _PLACES.get(key)
    if place is None:
        place = Location(None, None, None, table, row, cell)
        if len(_PLACES) < _PLACES_MAX:
            _PLACES[key] = place
    return place


def _line_place(line: int) -> Location:
    """The location of a heading row, shared when seen before."""
    place = _LINE_PLACES.get(line)
    if place is None:
        place = Location(line=line)
        if len(_LINE_PLACES) < _PLACES_MAX:
            _LINE_PLACES[line] = place
    return place


_cell = constructor(GridCell)
_row = constructor(GridRow)


def _cover_order(c: _Cover) -> tuple[int, int]:
    return c.start, c.top


def _placed_order(p: tuple[int, int, GridCell]) -> tuple[int, int]:
    return p[0], p[1]


class _Reader:
    """Walks a parsed page in document order, adding heading and table rows."""

    def __init__(
        self,
        builder: GridBuilder,
        data: set[int] | None = None,
        nested: dict[int, list[LexborNode]] | None = None,
    ) -> None:
        self.rows = builder
        self.data = data or set()  # tables holding tables that are read as tables
        self.nested = nested or {}
        # The nested tables of those read again on their own: not in the outer cell's text.
        self.apart = {
            n.mem_id
            for t in self.data
            for n in self.nested.get(t, ())
            if n.mem_id not in self.data and grid_like(own_rows(n), 2, 2)
        }
        self.tables = 0
        self.headings = 0
        self.text: list[str] = []  # the text gathered since the last heading rows

    # -- headings ------------------------------------------------------------------

    def flush(self) -> None:
        """Add the text gathered so far as heading rows, one per non-blank line."""
        if not self.text:
            return
        last: GridCell | None = None  # this text's last heading row's cell
        for line, asides in split_lines(_lines("".join(self.text))):
            line = line.strip()
            if line:
                self.headings += 1
                where = _line_place(self.headings)
                last = _cell(line, where, 1, 1, False, asides)
                self.rows.add(_row((last,), where, True))
            elif asides and last is not None:
                # A line of nothing but an aside (a footnote's second line): it goes
                # with the line before, whose aside it continues.
                last = attrs.evolve(last, asides=last.asides + asides)
                self.rows.rows[-1] = _row((last,), last.location, True)
        self.text = []

    # -- the walk ------------------------------------------------------------------

    def walk(self, root: LexborNode, layout: set[int]) -> None:
        """Walk the page in document order.

        Only the nodes holding a table are descended into (iteratively, so nesting
        depth is no concern); any other element's text is taken whole.

        Args:
            root: the ``<html>`` element.
            layout: the nodes holding a table
                (see :func:`~gxschema._readers._html_tables.table_ancestors`).
        """
        stack: list[Iterator[LexborNode]] = [root.iter(include_text=True)]
        while stack:
            for child in stack[-1]:
                tag = child.tag_id
                if tag == _TEXT_ID:
                    self.text.append(child.text_content or "")
                elif tag == _COMMENT_ID:
                    continue
                elif tag == _TABLE_ID and (child.mem_id not in layout or child.mem_id in self.data):
                    self.flush()
                    self.table(child)
                    self.inner(child, layout)
                elif tag == _BR_ID:
                    self.text.append(_BREAK)
                elif child.mem_id in layout:  # a layout table, or anything holding one
                    self.flush()
                    stack.append(child.iter(include_text=True))
                    break
                elif tag in _BLOCK_IDS:
                    self.flush()
                    self.text.append(_text(child))
                    self.flush()
                else:
                    self.text.append(_text(child))
            else:
                stack.pop()
                self.flush()  # the end of a layout cell, row or table ends a line
        self.flush()

    # -- tables --------------------------------------------------------------------

    def inner(self, table: LexborNode, layout: set[int]) -> None:
        """Read a data table's nested tables that stand apart from its cells' text.

        Those of two rows of two cells or more, and nested data tables: each as a table
        of its own, after the outer one.
        """
        for child in self.nested.get(table.mem_id, ()):
            if child.mem_id in self.data:
                self.table(child)
                self.inner(child, layout)
            elif child.mem_id in self.apart:
                if child.mem_id in layout:
                    self.walk(child, layout)
                else:
                    self.table(child)

    def table(self, table: LexborNode) -> None:
        """Add a leaf table's caption as heading rows, then its rows, group by group."""
        index = self.tables
        self.tables += 1
        groups: list[list[LexborNode]] = []
        loose: list[LexborNode] | None = None  # <tr> children of the table itself
        for child in table.iter():
            tag = child.tag_id
            if tag == _CAPTION_ID:
                self.text.append(_text(child))
                self.flush()
            elif tag in _GROUP_IDS:
                loose = None
                groups.append([tr for tr in child.iter() if tr.tag_id == _TR_ID])
            elif tag == _TR_ID:
                if loose is None:
                    loose = []
                    groups.append(loose)
                loose.append(child)
        row = 0
        for group in groups:
            self.group(index, row, group, table.mem_id in self.data)
            row += len(group)

    def group(self, table: int, first: int, trs: Sequence[LexborNode], holds: bool = False) -> None:
        """Expand one row group's spans and add its rows (spans stop at its end)."""
        last_row = first + len(trs) - 1
        covers: list[_Cover] = []
        add = self.rows.add
        places = _PLACES
        for r, tr in enumerate(trs, start=first):
            tds = [td for td in tr.iter() if td.tag_id in _CELL_IDS]
            if not tds and not covers:
                continue  # an empty row adds nothing
            if len(tds) > MAX_ROW_CELLS:
                raise ParseError(
                    f"a row has {len(tds)} cells; a report's rows have far fewer "
                    f"(limit {MAX_ROW_CELLS})",
                    source=self.rows.source,
                    location=_place(table, r, None),
                )
            if covers:
                above = sorted((c for c in covers if c.last >= r), key=_cover_order)
                # (column, row of its top, cell): the continued cells, then this row's own
                placed: list[tuple[int, int, GridCell]] = [
                    (c.start, c.top, _cell("", _place(table, r, c.start), 1, 1, True, ()))
                    for c in above
                ]
            else:
                above = []
                placed = []
            fresh: list[_Cover] = []
            cells: list[GridCell] = []  # this row's own, when no cell from above is in it
            x = j = 0
            for td in tds:
                while j < len(above) and above[j].start <= x:
                    x = max(x, above[j].end)
                    j += 1
                # _cell_text and _spans, inlined for the common cell: one line of text,
                # no span attribute (a page has a few hundred cells, most of them so).
                if holds and td.css_first("table") is not None:
                    raw = _text_apart(td, self.apart)
                else:
                    raw = td.text(True, _BREAK, False)  # deep, separator, strip
                text = raw.strip(_TRIM)
                asides: tuple[str, ...] = ()
                if _BREAK in text or "  " in text or not text.isprintable():
                    text = _cell_lines(raw) if not holds else _cell_lines(text)
                    if OPEN in text or CLOSE in text:
                        text, asides = split(text)
                attributes = td.attributes
                if "data-gx-raw" in attributes:
                    text = _written_raw(attributes["data-gx-raw"], text)
                if "colspan" in attributes or "rowspan" in attributes:
                    colspan, rowspan = _spans(attributes, last_row - r + 1)
                    if rowspan > 1:
                        fresh.append(_Cover(x, x + colspan, r + rowspan - 1, r))
                else:
                    colspan = rowspan = 1
                where = places.get((table, r, x))
                if where is None:
                    where = _place(table, r, x)
                cell = _cell(text, where, colspan, rowspan, False, asides)
                if above:
                    placed.append((x, r, cell))
                else:
                    cells.append(cell)
                x += colspan
            covers = [c for c in above if c.last > r] + fresh if above else fresh
            if placed:  # continued cells and this row's own, put in column order
                placed.sort(key=_placed_order)
                add(_row(tuple([p[2] for p in placed]), _place(table, r, None), False))
            elif cells:  # in column order already
                add(_row(tuple(cells), _place(table, r, None), False))


# -- entry point -----------------------------------------------------------------------


def read_html(data: bytes | str, *, source: str = "<html>") -> Grid:
    """Read an HTML page into a grid.

    Bytes are decoded by their byte-order mark, else as UTF-8 when they are valid
    UTF-8, else by the page's declared charset (``<meta charset>`` or the
    ``http-equiv`` content type, within the first 8 KB; GB2312 and GBK are read as
    GB18030), else as GB18030; bytes no candidate decodes become U+FFFD, so a bad byte
    never cuts the page short.

    Args:
        data: the page's bytes, or its text.
        source: the input's name, for errors.

    Returns:
        The grid: heading rows for the text outside the tables and one row per
        ``<tr>`` of each leaf table, in document order (see the module's notes for
        the span and location conventions).

    Raises:
        ParseError: the input is over 50 MB or the grid's size limits, or nests too
            deep; every other failure is one too.
    """
    if not isinstance(data, (bytes, bytearray, memoryview, str)):
        raise ParseError(f"read_html takes bytes or text, not {type(data).__name__}", source=source)
    if len(data) > MAX_INPUT_BYTES:
        raise ParseError(
            f"the input is over the {MAX_INPUT_BYTES}-byte limit for HTML", source=source
        )
    try:
        if isinstance(data, str):
            text, low = data, None
        else:
            raw = bytes(data)
            text, low = decode_html(raw), ascii_view(raw)
            del raw
        if text.startswith("\ufeff"):
            text = text[1:]
        markup = prepare(text, source=source, low=low)
        skip = _SKIP if low is None else _skipped(low)
        del low
        del text  # the parser keeps its own copy: peak memory counts every one
        try:
            parser = LexborHTMLParser(markup)
        except UnicodeEncodeError:  # lone surrogates in a str
            parser = LexborHTMLParser(markup.encode("utf-8", "replace").decode("utf-8"))
        del markup
        if skip:
            parser.strip_tags(skip)
        parser.merge_text_nodes()  # text on either side of a removed element is one run
        root = parser.root
        builder = GridBuilder(source, "html")
        if root is not None:
            tables = parser.css("table")
            nested = nested_tables(tables)
            reader = _Reader(builder, data_tables(tables, nested), nested)
            reader.walk(root, table_ancestors(tables))
        return builder.build()
    except ParseError:
        raise
    except Exception as exc:  # the last line of defence: input never raises anything else
        raise ParseError(
            f"cannot read the HTML ({type(exc).__name__}: {exc})", source=source
        ) from exc
