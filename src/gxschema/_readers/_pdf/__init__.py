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

Reading is bounded: a size limit for the file, its pages, each page's drawing
instructions, shapes, characters, tables and rule crossings, and a time budget
(:mod:`._budget`: :data:`MAX_PDF_SECONDS` by default, ``time_limit`` of
:func:`gxschema.read`) checked inside every loop whose work grows with the page.

Every failure, including pdfplumber's and pdfminer's own, is a
:class:`~gxschema.exceptions.ParseError` naming the source and, when known, the page.

This module is the entry point and keeps the limits: it opens the PDF, refuses inputs
and pages over a size or time limit, and walks the pages.  The work on a page is done
by :mod:`._ruling` (which rules show, and the tables they make), :mod:`._cells` (a
page's tables and text lines as rows of cells) and :mod:`._continued` (tables and
labels continued across pages), within the time budget of :mod:`._budget` (which
:mod:`._layout` also ticks while pdfminer interprets a page).  pdfplumber is imported
only when a PDF is read.
"""

from __future__ import annotations

import contextlib
import io
import zlib
from typing import TYPE_CHECKING, Any

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
from gxschema._readers._pdf._budget import MAX_PDF_SECONDS, Budget
from gxschema._readers._pdf._cells import Item, Row, dedupe_chars, table_rows, text_lines
from gxschema._readers._pdf._continued import OpenTable, continue_table, header
from gxschema._readers._pdf._layout import MAX_PAGE_CHARS, MAX_PAGE_INSTRUCTIONS, lay_out
from gxschema._readers._pdf._ruling import MAX_PAGE_CROSSINGS, find_tables, inside
from gxschema._report import Location
from gxschema.exceptions import ParseError

if TYPE_CHECKING:  # pragma: no cover - for annotations only
    from pdfplumber.page import Page

__all__ = [
    "MAX_PAGE_CHARS",
    "MAX_PAGE_CROSSINGS",
    "MAX_PAGE_INSTRUCTIONS",
    "MAX_PDF_PAGES",
    "MAX_PDF_SECONDS",
    "looks_like_pdf",
    "read_pdf",
]

MAX_PDF_PAGES = 200
"""PDFs with more pages than this are refused before any page is read."""
MAX_PAGE_CONTENT = 16 * 1024 * 1024
"""A page whose drawing instructions inflate to more bytes than this is refused."""
MAX_PAGE_GRAPHICS = 5_000
"""A page with more lines, rectangles and curves than this is refused."""
MAX_PAGE_TABLES = 30
"""A page with more tables than this is refused."""

_MISSING_EXTRA = "reading PDF needs the 'pdf' extra: pip install 'gxschema[pdf]'"


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


def read_pdf(data: bytes, *, source: str = "<pdf>", time_limit: float | None = None) -> Grid:
    """Read a PDF into a grid.

    Args:
        data: the PDF file's bytes.
        source: the input's name, for locations in errors.
        time_limit: the time budget in seconds; None for the one :func:`gxschema.read`
            was given, else :data:`MAX_PDF_SECONDS`.

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
    budget = Budget(source, time_limit)
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:
        raise ParseError(f"not a readable PDF: {_describe(exc)}", source=source) from None
    try:
        return _Reader(source, budget).read(pdf)
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


class _Reader:
    """Reads the pages of one PDF into rows."""

    def __init__(self, source: str, budget: Budget) -> None:
        self.source = source
        self.budget = budget
        self.rows: list[Row] = []
        self.cells = 0
        self.open: OpenTable | None = None

    # -- limits --------------------------------------------------------------------------

    def check_time(self, page: int) -> None:
        self.budget.page = page
        self.budget.check()

    def emit(self, row: Row) -> None:
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
                    lay_out(page, self.budget)
                    items = self.page_items(page, number)
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

    def page_items(self, page: Page, number: int) -> list[Item]:
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
        self.check_time(number)
        chars = dedupe_chars(chars, self.budget)
        tables = find_tables(page, self.budget)
        if len(tables) > MAX_PAGE_TABLES:
            raise ParseError(
                f"the page has {len(tables)} tables (limit {MAX_PAGE_TABLES})",
                source=self.source,
                location=Location(page=number),
            )
        items: list[Item] = []
        boxes = [t.bbox for t in tables]
        for index, table in enumerate(tables):
            self.check_time(number)
            rows, columns = table_rows(table, chars, number, index, self.source, self.budget)
            if rows:
                items.append(Item(table.bbox[1], rows, columns))
        outside = [c for c in chars if not any(inside(c, box) for box in boxes)]
        self.check_time(number)
        items.extend(text_lines(outside, number))
        items.sort(key=lambda item: item.top)
        return items

    # -- across pages ------------------------------------------------------------------

    def place(self, items: list[Item]) -> None:
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
                    rows = continue_table(self.open, rows)
                else:
                    self.open = OpenTable(item.columns, header(rows), None)
                for row in rows:
                    self.emit(row)
                if rows:
                    self.open.last = rows[-1]
            first = False


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
