"""Reader for PDF reports, through pdfplumber (the optional ``pdf`` extra).

Each page is read in two parts, interleaved by their vertical position so that a
section heading comes before its table:

* **Tables**, found from the rules drawn on the page.  Only rules that show count
  (stroked lines and rectangles, and thin filled rectangles, in a colour other than
  white): WPS paints a white rectangle behind every line of body text, which
  pdfplumber would otherwise take for the rows of a one-column table.  Filled
  rectangles (cell backgrounds) count only inside the area the visible rules span, and
  that area is closed on all four sides, because a table cut by a page break has no
  rule along the cut.  Rows follow the grid convention of :class:`~gxschema._grid.GridCell`:
  a merged cell appears once, at its first column; a position covered by a cell from
  a row above appears as one empty ``continued`` cell per covering cell.
* **Text outside the tables**, grouped into lines: one heading row per line.  Lines
  that are only a page number (``- 3 -``, ``第3页``) are left out.

A table that ends one page and opens the next with the same number of columns is one
table: header rows the new page repeats are dropped, and a label cell cut by the page
break (``（四）无`` | ``法提供``) is joined into the cell it continues.  Duplicate
characters drawn on top of each other (synthetic bold) are read once.

Every failure, including pdfplumber's and pdfminer's own, is a
:class:`~gxschema.exceptions.ParseError` naming the source and, when known, the page.
"""

from __future__ import annotations

import contextlib
import io
import re
import time
import zlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import attrs

from gxschema._grid import (
    MAX_CELLS,
    MAX_INPUT_BYTES,
    MAX_ROW_CELLS,
    MAX_ROWS,
    Grid,
    GridBuilder,
    GridCell,
    GridRow,
)
from gxschema._labels import enumerator, normalize_label
from gxschema._report import Location
from gxschema._values import looks_like_value
from gxschema.exceptions import ParseError

if TYPE_CHECKING:  # pragma: no cover - for annotations only
    from pdfplumber.page import Page
    from pdfplumber.table import Table

__all__ = [
    "MAX_PDF_PAGES",
    "MAX_PDF_SECONDS",
    "looks_like_pdf",
    "read_pdf",
]

MAX_PDF_PAGES = 200
"""PDFs with more pages than this are refused before any page is read."""
MAX_PDF_SECONDS = 60.0
"""Reading stops with an error once this much wall-clock time has gone."""
MAX_PAGE_CONTENT = 16 * 1024 * 1024
"""A page whose drawing instructions inflate to more bytes than this is refused."""
MAX_PAGE_GRAPHICS = 5_000
"""A page with more lines, rectangles and curves than this is refused."""
MAX_PAGE_CHARS = 50_000
"""A page with more characters than this is refused."""
MAX_PAGE_TABLES = 30
"""A page with more tables than this is refused."""

_MISSING_EXTRA = "reading PDF needs the 'pdf' extra: pip install 'gxschema[pdf]'"
_TOL = 2.0  # points: how far a cell background may stick out of the ruled area
_THIN = 2.0  # points: a filled rectangle this thin is a rule, not a background
_CLUSTER = 3.0  # points: rules closer than this belong to the same ruled area
_PAGE_NUMBER = re.compile(
    r"^[\s\-—–－_·.]*(第\s*)?\d{1,4}(\s*页)?(\s*[/／]\s*(共\s*)?\d{1,4}\s*页?)?[\s\-—–－_·.]*$"
)
_SPACES = " \t\r\n\u00a0\u3000"


def looks_like_pdf(head: bytes) -> bool:
    """Tell whether the first bytes of an input are a PDF's.

    Readers of PDF accept the ``%PDF-`` marker anywhere in the first kilobyte, after
    junk a mail program or a web server put in front; so does this test.

    Args:
        head: the input's first bytes (1024 are enough).

    Returns:
        True when ``%PDF-`` occurs in the first 1024 bytes.
    """
    return b"%PDF-" in head[:1024]


def read_pdf(data: bytes, *, source: str = "<pdf>") -> Grid:
    """Read a PDF into a grid.

    Args:
        data: the PDF file's bytes.
        source: the input's name, for locations in errors.

    Returns:
        The grid: table rows and free text lines, page by page, in reading order.
        Locations give ``page`` (1-based) and either ``table``, ``row`` and ``cell``
        (0-based, per page) or ``line`` (1-based, per page).

    Raises:
        ParseError: pdfplumber is not installed; the input is not a readable PDF, is
            encrypted, is over :data:`~gxschema._grid.MAX_INPUT_BYTES` or
            :data:`MAX_PDF_PAGES`, or a page or the whole exceeds a size or time limit.
    """
    if len(data) > MAX_INPUT_BYTES:
        raise ParseError(
            f"the PDF is {len(data)} bytes, over the {MAX_INPUT_BYTES}-byte limit", source=source
        )
    try:
        import pdfplumber
    except ImportError:
        raise ParseError(_MISSING_EXTRA, source=source) from None
    if not looks_like_pdf(data[:1024]):
        raise ParseError("not a PDF (no %PDF- header in the first 1024 bytes)", source=source)
    deadline = time.monotonic() + MAX_PDF_SECONDS
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:
        raise ParseError(f"not a readable PDF: {_describe(exc)}", source=source) from None
    try:
        return _Reader(source, deadline).read(pdf)
    finally:
        with contextlib.suppress(Exception):
            pdf.close()


def _describe(exc: BaseException) -> str:
    """A short description of an exception from pdfplumber or pdfminer."""
    if exc.args and isinstance(exc.args[0], BaseException):
        exc = exc.args[0]  # pdfplumber wraps pdfminer's exceptions
    name = type(exc).__name__
    if "Password" in name or "Encrypt" in name:
        return "the PDF is encrypted (opening it needs a password)"
    text = str(exc).strip()
    return f"{name}: {text[:200]}" if text else name


# -- the mutable grid, until every page is read -------------------------------------------


@attrs.define
class _Cell:
    """A cell under construction (page breaks may still add to it)."""

    text: str
    location: Location
    colspan: int = 1
    rowspan: int = 1
    continued: bool = False
    column: int = 0  # first grid column, within its table
    origin: _Cell | None = None  # for a continued cell: the cell that covers it


@attrs.define
class _Row:
    """A row under construction."""

    cells: list[_Cell]
    location: Location
    heading: bool = False
    # For table rows: the cell covering each grid column (the origin, not a stand-in).
    cover: list[_Cell | None] = attrs.field(factory=list)


@attrs.define
class _OpenTable:
    """The last table read, while the next page may continue it."""

    columns: int
    header: list[tuple[str, ...]]
    last: _Row | None


@attrs.define
class _Item:
    """One thing found on a page: a table or a text line, and where it starts."""

    top: float
    rows: list[_Row]
    columns: int = 0  # 0 for a text line
    page_number: bool = False  # a line holding only the page number


def _is_white(color: Any) -> bool:
    """Whether a pdfminer colour is white (gray 1, RGB 1,1,1 or CMYK 0,0,0,0)."""
    if isinstance(color, (int, float)):
        return float(color) >= 0.99
    if isinstance(color, (tuple, list)) and all(isinstance(v, (int, float)) for v in color):
        values = [float(v) for v in color]
        if len(values) in (1, 3):
            return all(v >= 0.99 for v in values)
        if len(values) == 4:
            return all(v <= 0.01 for v in values)
    return False


def _is_value(text: str) -> bool:
    """Whether a cell's text is a number (or a blank mark) rather than a label.

    The value codec's :func:`~gxschema._values.looks_like_value`, except that an empty
    cell is neither: it says nothing about whether its row holds values.
    """
    return bool(text.strip(_SPACES)) and looks_like_value(text)


def _is_fragment(text: str) -> bool:
    """Whether a label text can be the rest of a label cut by a page break.

    A text that opens with an item number (``（五）``, ``2.``, ``三、``) starts a label
    of its own.
    """
    stripped = text.strip(_SPACES)
    if not stripped or _is_value(stripped):
        return False
    return enumerator(normalize_label(stripped)) is None


def _key(text: str) -> str:
    return "".join(text.split())


class _Reader:
    """Reads the pages of one PDF into rows."""

    def __init__(self, source: str, deadline: float) -> None:
        self.source = source
        self.deadline = deadline
        self.rows: list[_Row] = []
        self.cells = 0
        self.open: _OpenTable | None = None

    # -- limits --------------------------------------------------------------------------

    def check_time(self, page: int) -> None:
        if time.monotonic() > self.deadline:
            raise ParseError(
                f"reading the PDF took over {MAX_PDF_SECONDS:.0f} seconds; a report takes far less",
                source=self.source,
                location=Location(page=page),
            )

    def emit(self, row: _Row) -> None:
        if len(row.cells) > MAX_ROW_CELLS or len(self.rows) >= MAX_ROWS:
            raise ParseError(
                f"the PDF has a row of {len(row.cells)} cells or over {MAX_ROWS} rows; "
                "a report has far fewer",
                source=self.source,
                location=row.location,
            )
        self.cells += len(row.cells)
        if self.cells > MAX_CELLS:
            raise ParseError(
                f"the PDF has over {MAX_CELLS} cells; a report has far fewer",
                source=self.source,
                location=row.location,
            )
        self.rows.append(row)

    # -- the document ------------------------------------------------------------------

    def read(self, pdf: Any) -> Grid:
        pages = self.count_pages(pdf)
        for number in range(1, pages + 1):
            self.check_time(number)
            try:
                page = pdf.pages[number - 1]
                try:
                    self.check_page(page, number)
                    items = self.page_items(page.dedupe_chars(), number)
                finally:
                    page.close()  # drop the page's cached objects
                self.place(items)
            except ParseError:
                raise
            except Exception as exc:
                raise ParseError(
                    f"cannot read the page: {_describe(exc)}",
                    source=self.source,
                    location=Location(page=number),
                ) from None
        builder = GridBuilder(self.source, "pdf")
        for row in self.rows:
            builder.add(
                GridRow(
                    cells=tuple(
                        GridCell(c.text, c.location, c.colspan, c.rowspan, c.continued)
                        for c in row.cells
                    ),
                    location=row.location,
                    heading=row.heading,
                )
            )
        return builder.build()

    def count_pages(self, pdf: Any) -> int:
        """Count the pages without building them, refusing too many or none."""
        from pdfminer.pdfpage import PDFPage

        declared: object = None
        try:
            catalog_pages = pdf.doc.catalog.get("Pages")
            from pdfminer.pdftypes import resolve1

            declared = resolve1(resolve1(catalog_pages).get("Count"))
        except Exception:
            declared = None
        if isinstance(declared, int) and declared > MAX_PDF_PAGES:
            raise ParseError(
                f"the PDF declares {declared} pages, over the {MAX_PDF_PAGES}-page limit",
                source=self.source,
            )
        count = 0
        try:
            for _ in PDFPage.create_pages(pdf.doc):
                count += 1
                if count > MAX_PDF_PAGES:
                    raise ParseError(
                        f"the PDF has over {MAX_PDF_PAGES} pages (the limit)", source=self.source
                    )
                if count % 50 == 0:
                    self.check_time(count)
        except ParseError:
            raise
        except Exception as exc:
            raise ParseError(
                f"cannot read the PDF's pages: {_describe(exc)}", source=self.source
            ) from None
        if count == 0:
            raise ParseError("the PDF has no pages", source=self.source)
        return count

    def check_page(self, page: Page, number: int) -> None:
        """Refuse a page whose content would take too long to read, before reading it."""
        from pdfminer.pdftypes import LITERALS_FLATE_DECODE, resolve1

        total = 0
        contents = page.page_obj.contents
        for stream in contents if isinstance(contents, list) else []:
            stream = resolve1(stream)
            attrs_ = getattr(stream, "attrs", None)
            raw = getattr(stream, "rawdata", None)
            if not isinstance(attrs_, dict) or not isinstance(raw, bytes):
                continue
            filters = resolve1(attrs_.get("Filter") or attrs_.get("F"))
            if not isinstance(filters, list):
                filters = [filters] if filters is not None else []
            filters = [resolve1(f) for f in filters]
            if not filters:
                total += len(raw)
            elif len(filters) == 1 and filters[0] in LITERALS_FLATE_DECODE:
                total += _inflated_size(raw, MAX_PAGE_CONTENT - total + 1)
            else:
                total += len(raw)
            if total > MAX_PAGE_CONTENT:
                raise ParseError(
                    f"the page's drawing instructions are over {MAX_PAGE_CONTENT} bytes",
                    source=self.source,
                    location=Location(page=number),
                )

    # -- one page ----------------------------------------------------------------------

    def page_items(self, page: Page, number: int) -> list[_Item]:
        """Find the tables and the text lines of a page, in reading order."""
        graphics = len(page.rects) + len(page.lines) + len(page.curves)
        if graphics > MAX_PAGE_GRAPHICS:
            raise ParseError(
                f"the page draws {graphics} lines and shapes (limit {MAX_PAGE_GRAPHICS})",
                source=self.source,
                location=Location(page=number),
            )
        chars = page.chars
        if len(chars) > MAX_PAGE_CHARS:
            raise ParseError(
                f"the page has {len(chars)} characters (limit {MAX_PAGE_CHARS})",
                source=self.source,
                location=Location(page=number),
            )
        tables = self.find_tables(page, number)
        items: list[_Item] = []
        boxes = [t.bbox for t in tables]
        for index, table in enumerate(tables):
            self.check_time(number)
            rows, columns = self.table_rows(table, chars, number, index)
            if rows:
                items.append(_Item(table.bbox[1], rows, columns))
        outside = [c for c in chars if not any(_inside(c, box) for box in boxes)]
        items.extend(self.text_lines(outside, number))
        items.sort(key=lambda item: item.top)
        return items

    def find_tables(self, page: Page, number: int) -> list[Table]:
        """Find the tables drawn with visible rules."""
        visible: list[dict[str, Any]] = []
        fills: list[dict[str, Any]] = []
        for obj in [*page.rects, *page.lines, *page.curves]:
            kind = obj.get("object_type")
            stroked = obj.get("stroke") and not _is_white(obj.get("stroking_color"))
            rule = (
                kind == "rect"
                and obj.get("fill")
                and min(obj["width"], obj["height"]) <= _THIN
                and not _is_white(obj.get("non_stroking_color"))
            )
            if stroked or rule:
                visible.append(obj)
            elif kind == "rect" and obj.get("fill"):
                fills.append(obj)
        if not visible:
            return []
        areas = _areas(visible)
        edges: list[dict[str, Any]] = list(visible)
        for fill in fills:
            if any(_inside_box(fill, area, _TOL) for area in areas):
                edges.append(fill)
        for x0, top, x1, bottom in areas:
            if x1 - x0 < 3 or bottom - top < 3:
                continue
            edges += [
                _edge("h", x0, x1, top, top),
                _edge("h", x0, x1, bottom, bottom),
                _edge("v", x0, x0, top, bottom),
                _edge("v", x1, x1, top, bottom),
            ]
        settings = {
            "vertical_strategy": "explicit",
            "horizontal_strategy": "explicit",
            "explicit_vertical_lines": edges,
            "explicit_horizontal_lines": edges,
        }
        tables: list[Table] = page.find_tables(settings)
        if len(tables) > MAX_PAGE_TABLES:
            raise ParseError(
                f"the page has {len(tables)} tables (limit {MAX_PAGE_TABLES})",
                source=self.source,
                location=Location(page=number),
            )
        return sorted(tables, key=lambda t: (t.bbox[1], t.bbox[0]))

    def table_rows(
        self, table: Table, chars: Sequence[dict[str, Any]], number: int, index: int
    ) -> tuple[list[_Row], int]:
        """Turn one table into rows in the grid convention; also return its column count."""
        from pdfplumber.utils.text import extract_text

        cells = list(table.cells)
        xs = sorted({c[0] for c in cells})
        ys = sorted({c[1] for c in cells})
        col_of = {x: i for i, x in enumerate(xs)}
        row_of = {y: i for i, y in enumerate(ys)}
        if len(xs) > MAX_ROW_CELLS:
            raise ParseError(
                f"a table has {len(xs)} columns (limit {MAX_ROW_CELLS})",
                source=self.source,
                location=Location(page=number, table=index),
            )
        x0, top, x1, bottom = table.bbox
        inside = [c for c in chars if _inside(c, (x0, top, x1, bottom))]
        cover: dict[tuple[int, int], _Cell] = {}
        starts: dict[tuple[int, int], _Cell] = {}
        for bbox in cells:
            col, row = col_of[bbox[0]], row_of[bbox[1]]
            colspan = max(1, sum(1 for x in xs if bbox[0] <= x < bbox[2] - 0.01))
            rowspan = max(1, sum(1 for y in ys if bbox[1] <= y < bbox[3] - 0.01))
            text = extract_text([c for c in inside if _inside(c, bbox)])
            cell = _Cell(
                text.strip(_SPACES) if text else "",
                Location(page=number, table=index, row=row, cell=col),
                colspan,
                rowspan,
                column=col,
            )
            starts[(row, col)] = cell
            for r in range(row, row + rowspan):
                for c in range(col, col + colspan):
                    cover.setdefault((r, c), cell)
        rows: list[_Row] = []
        for r in range(len(ys)):
            out: list[_Cell] = []
            row_cover: list[_Cell | None] = []
            for c in range(len(xs)):
                owner = cover.get((r, c))
                row_cover.append(owner)
                start = starts.get((r, c))
                if start is not None:
                    out.append(start)
                elif owner is None:
                    # No cell here (a gap in the rules): keep the column's place.
                    out.append(
                        _Cell("", Location(page=number, table=index, row=r, cell=c), column=c)
                    )
                elif owner.column == c and owner.location.row != r:
                    out.append(
                        _Cell(
                            "",
                            Location(page=number, table=index, row=r, cell=c),
                            owner.colspan,
                            continued=True,
                            column=c,
                            origin=owner,
                        )
                    )
            rows.append(_Row(out, Location(page=number, table=index, row=r), cover=row_cover))
        # Rows with no cell text and no continued cell carry nothing (an artefact of
        # closing a ruled area): drop them.
        rows = [row for row in rows if any(c.text or c.continued for c in row.cells)]
        return rows, len(xs)

    def text_lines(self, chars: list[dict[str, Any]], number: int) -> list[_Item]:
        """Group the characters outside the tables into lines of text."""
        if not chars:
            return []
        from pdfplumber.utils.text import chars_to_textmap

        textmap = chars_to_textmap(chars)
        items: list[_Item] = []
        for k, line in enumerate(textmap.extract_text_lines(strip=True, return_chars=False), 1):
            text = str(line["text"]).strip(_SPACES)
            if not text:
                continue
            location = Location(page=number, line=k)
            row = _Row([_Cell(text, location)], location, heading=True)
            items.append(
                _Item(float(line["top"]), [row], page_number=_PAGE_NUMBER.match(text) is not None)
            )
        return items

    # -- across pages ------------------------------------------------------------------

    def place(self, items: list[_Item]) -> None:
        """Emit a page's items, joining a table continued from the previous page."""
        first = True
        for item in items:
            if item.page_number:
                continue  # neither content nor a break between a table and its rest
            if item.columns == 0:
                self.open = None
                for row in item.rows:
                    self.emit(row)
            else:
                rows = item.rows
                if first and self.open is not None and self.open.columns == item.columns:
                    rows = self.continue_table(self.open, rows)
                else:
                    self.open = _OpenTable(item.columns, _header(rows), None)
                for row in rows:
                    self.emit(row)
                if rows:
                    self.open.last = rows[-1]
            first = False

    def continue_table(self, table: _OpenTable, rows: list[_Row]) -> list[_Row]:
        """Drop repeated header rows and join label cells cut by the page break.

        Rows that repeat the table's header are dropped only when the previous page
        ended in a row of values: after a caption or a header row, the same texts are
        the table's own next rows.
        """
        previous = table.last
        ended_in_values = previous is not None and any(_is_value(c.text) for c in previous.cells)
        k = 0
        start = 0
        while ended_in_values and start < len(rows) and k < len(table.header):
            try:
                k = table.header.index(_texts(rows[start]), k) + 1
            except ValueError:
                break
            start += 1
        rows = rows[start:]
        if not rows or previous is None:
            return rows
        first = rows[0]
        if _join_cut_row(previous, first, rows[1:]):
            return rows[1:]
        _join_cut_labels(previous, first, rows[1:])
        return rows


def _join_cut_row(previous: _Row, first: _Row, below: list[_Row]) -> bool:
    """Join a row cut in two by the page break; True when ``first`` was joined.

    One part holds the rest of the other's labels (text that starts no item of its
    own, in the columns of the other's label cells), and at most one part holds values.
    """
    labels = [c for c in first.cells if c.text and not _is_value(c.text)]
    if not labels or not all(_is_fragment(c.text) and _continues(previous, c) for c in labels):
        return False
    values = [c for c in first.cells if _is_value(c.text)]
    if values:
        if any(_is_value(c.text) for c in previous.cells):
            return False
        starts = {c.column: c for c in previous.cells if not c.continued}
        targets = [starts.get(c.column) for c in values]
        if any(
            t is None or t.text or t.colspan != c.colspan
            for t, c in zip(targets, values, strict=True)
        ):
            return False
        for target, cell in zip(targets, values, strict=True):
            assert target is not None
            target.text, target.location = cell.text, cell.location
    for cell in labels:
        owner = _owner(previous, cell)
        owner.text = f"{owner.text}\n{cell.text}"
        owner.rowspan += cell.rowspan - 1
        _repoint(below, cell, owner)
    return True


def _join_cut_labels(previous: _Row, first: _Row, below: list[_Row]) -> None:
    """Join the rest of multi-row label cells cut by the page break into their first part.

    Cells left of the row's own label, under a label cell of the previous row with the
    same columns, continue it when they are empty or hold text that starts no item of
    its own (``法提供`` under ``（四）无``); they become continued stand-ins.
    """
    label = _last_label(first)
    if label is None:
        return
    for i, cell in enumerate(first.cells):
        if cell.column >= label.column or cell.continued:
            continue
        if not _continues(previous, cell) or (cell.text and not _is_fragment(cell.text)):
            continue
        owner = _owner(previous, cell)
        if cell.text:
            owner.text = f"{owner.text}\n{cell.text}"
        owner.rowspan += cell.rowspan
        first.cells[i] = _Cell(
            "", cell.location, owner.colspan, continued=True, column=cell.column, origin=owner
        )
        _repoint([first, *below], cell, owner)


def _repoint(rows: list[_Row], old: _Cell, new: _Cell) -> None:
    """Make rows covered by a cell that was joined into another refer to that other."""
    for row in rows:
        row.cover = [new if c is old else c for c in row.cover]
        for cell in row.cells:
            if cell.origin is old:
                cell.origin = new


def _inflated_size(raw: bytes, cap: int) -> int:
    """The size a Flate stream inflates to, counting no further than ``cap``."""
    inflater = zlib.decompressobj()
    size = 0
    data = raw
    try:
        while data and size < cap:
            out = inflater.decompress(data, 1 << 20)
            size += len(out)
            data = inflater.unconsumed_tail
    except zlib.error:
        return size  # pdfminer reports a broken stream itself
    return size


def _edge(orientation: str, x0: float, x1: float, top: float, bottom: float) -> dict[str, Any]:
    """An edge in pdfplumber's form, for a rule the page does not draw."""
    return {
        "object_type": "line_edge",
        "orientation": orientation,
        "x0": x0,
        "x1": x1,
        "top": top,
        "bottom": bottom,
        "width": x1 - x0,
        "height": bottom - top,
    }


def _areas(objects: Sequence[dict[str, Any]]) -> list[tuple[float, float, float, float]]:
    """Group visible rules into ruled areas: the bounding boxes of rules that touch.

    A sweep from the top: an area no rule has reached for ``_CLUSTER`` points is done,
    so the work stays near linear in the number of rules on ordinary pages.
    """
    done: list[list[float]] = []
    active: list[list[float]] = []
    for obj in sorted(objects, key=lambda o: (o["top"], o["x0"])):
        box = [obj["x0"], obj["top"], obj["x1"], obj["bottom"]]
        still: list[list[float]] = []
        for other in active:
            if other[3] + _CLUSTER < box[1]:
                done.append(other)
            else:
                still.append(other)
        merged = True
        while merged:  # a grown box may reach areas it was first checked against
            merged = False
            rest: list[list[float]] = []
            for other in still:
                if box[0] <= other[2] + _CLUSTER and other[0] <= box[2] + _CLUSTER:
                    box = [
                        min(box[0], other[0]),
                        min(box[1], other[1]),
                        max(box[2], other[2]),
                        max(box[3], other[3]),
                    ]
                    merged = True
                else:
                    rest.append(other)
            still = rest
        still.append(box)
        active = still
    return [(b[0], b[1], b[2], b[3]) for b in (*done, *active)]


def _inside_box(obj: dict[str, Any], box: tuple[float, float, float, float], tol: float) -> bool:
    return bool(
        obj["x0"] >= box[0] - tol
        and obj["x1"] <= box[2] + tol
        and obj["top"] >= box[1] - tol
        and obj["bottom"] <= box[3] + tol
    )


def _inside(char: dict[str, Any], box: tuple[float, float, float, float]) -> bool:
    """Whether a character's centre is in a box (pdfplumber's own test for cells)."""
    h = (char["x0"] + char["x1"]) / 2
    v = (char["top"] + char["bottom"]) / 2
    return bool(box[0] <= h < box[2] and box[1] <= v < box[3])


def _texts(row: _Row) -> tuple[str, ...]:
    return tuple(_key(c.text) for c in row.cells)


def _header(rows: list[_Row]) -> list[tuple[str, ...]]:
    """The rows before the first row holding a value: a table's header."""
    out: list[tuple[str, ...]] = []
    for row in rows:
        if any(_is_value(c.text) for c in row.cells):
            break
        out.append(_texts(row))
    return out


def _owner_or_none(previous: _Row, cell: _Cell) -> _Cell | None:
    """The cell of the previous row that covers a cell's first column, if any."""
    if cell.column >= len(previous.cover):
        return None
    return previous.cover[cell.column]


def _owner(previous: _Row, cell: _Cell) -> _Cell:
    owner = _owner_or_none(previous, cell)
    assert owner is not None
    return owner


def _continues(previous: _Row, cell: _Cell) -> bool:
    """Whether a cell lies where a label cell of the previous row lies (same columns)."""
    owner = _owner_or_none(previous, cell)
    return (
        owner is not None
        and owner.column == cell.column
        and owner.colspan == cell.colspan
        and bool(owner.text)
        and not _is_value(owner.text)
    )


def _last_label(row: _Row) -> _Cell | None:
    """The row's own label: its last non-empty cell that is not a value."""
    label = None
    for cell in row.cells:
        if cell.text and not _is_value(cell.text):
            label = cell
    return label
