"""Reader for Word documents (.docx, Office Open XML WordprocessingML).

Only ``word/document.xml`` is read, with :mod:`zipfile` and a locked-down lxml parser.
The input is untrusted, so the archive is checked before any member is read: the size of
its central directory, its member count, the declared size and compression ratio of
``word/document.xml``; the member is then read with a bounded read, so a header that
lies about the size cannot inflate past the cap.  A document type declaration is refused
(OOXML never has one): no entity is expanded, no DTD loaded, nothing fetched.

The body is walked in document order.  A paragraph outside a table becomes a heading
row.  A table becomes one row per ``w:tr`` in the grid's convention, which is Word's
own: a ``w:gridSpan`` cell appears once with its ``colspan``, a ``w:vMerge`` continuation
appears as one empty ``continued`` cell, and ``w:gridBefore`` shifts the columns.  A
table that holds tables is layout: its nested (leaf) tables are read as tables and the
paragraphs of its own cells as heading rows; but a grid (three rows of three cells or
more) with more cells of its own than any table nested in it is a report table with a
small table in a cell: it is read as a table, and each nested table of two rows of two
cells or more after it as a table of its own (a smaller one's text is its cell's text).
"""

from __future__ import annotations

import io
import lzma
import struct
import zipfile
import zlib
from collections.abc import Iterator

from lxml import etree  # type: ignore[import-untyped, unused-ignore]  # no stubs in the deps

from gxschema._grid import (
    MAX_CELLS,
    MAX_INPUT_BYTES,
    MAX_ROWS,
    Grid,
    GridBuilder,
    GridCell,
    GridRow,
)
from gxschema._readers._asides import CLOSE, OPEN, clean, split
from gxschema._report import Location
from gxschema.exceptions import ParseError

__all__ = [
    "DOCUMENT",
    "MAX_CENTRAL_DIRECTORY",
    "MAX_MARKUP",
    "MAX_MEMBERS",
    "MAX_RATIO",
    "looks_like_docx",
    "read_docx",
]

DOCUMENT = "word/document.xml"
"""The archive member holding the document body."""
MAX_MEMBERS = 2000
"""More archive members than this and the input is refused (a .docx has a few dozen)."""
MAX_CENTRAL_DIRECTORY = 1024 * 1024
"""A larger zip central directory is refused before it is parsed (a .docx's is a few KB)."""
MAX_RATIO = 200
"""A ``word/document.xml`` over 1 MiB that inflates more than this is refused (a bomb)."""
MAX_MARKUP = 1_000_000
"""More ``<`` and ``=`` than this in ``word/document.xml`` and it is refused before parsing.

Each element costs the parser about 130 bytes, so 46 MB of ``<w:p/>`` would take 1 GB
and seconds; a long report has a few hundred thousand tags and attributes at most.
"""
_RATIO_FLOOR = 1024 * 1024
_MAX_SPAN = 1000  # a w:gridSpan / w:gridBefore beyond this is damage, not layout

_TRANSITIONAL = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_STRICT = "http://purl.oclc.org/ooxml/wordprocessingml/main"

# What zipfile (and its decompressors) raise on damaged or hostile archives.
_ZIP_ERRORS: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    OSError,
    EOFError,
    ValueError,
    KeyError,
    IndexError,
    OverflowError,
    NotImplementedError,  # an unsupported compression method
    RuntimeError,  # an encrypted member
    struct.error,
    zlib.error,
    lzma.LZMAError,
)
# "<!DOCTYPE" in the encodings libxml2 detects from the bytes alone.
_DOCTYPE_MARKS = tuple(
    "<!DOCTYPE".encode(enc) for enc in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
)


def looks_like_docx(head: bytes, data: bytes | None = None) -> bool:
    """Tell whether the input looks like a .docx.

    Args:
        head: the input's first bytes (4 are enough).
        data: the whole input; when given, ``word/document.xml`` must be named in the
            zip central directory (which is checked for size first, never inflated).

    Returns:
        True when the input starts with the zip magic (and, with ``data``, holds the
        document member).
    """
    if not head.startswith(b"PK\x03\x04"):
        return False
    if data is None:
        return True
    try:
        with _open_zip(data, "<docx>") as archive:
            return DOCUMENT in archive.NameToInfo
    except ParseError:
        return False


def read_docx(data: bytes, *, source: str = "<docx>") -> Grid:
    """Read a .docx into a grid.

    Args:
        data: the file's bytes.
        source: the input's name, for locations in errors.

    Returns:
        The grid: a heading row per non-empty paragraph outside data tables (``line``
        counts those paragraphs, empty ones included, from 1), and a row per table row
        (``table`` counts tables in document order, nested ones included; ``row`` and
        ``cell`` are 0-based, ``cell`` being the grid column of the cell's first column).

    Raises:
        ParseError: the input is not a readable .docx, breaks a safety limit, or exceeds
            the grid's size limits.
    """
    root = _parse(_document_bytes(data, source), source)
    ns = etree.QName(root).namespace or _TRANSITIONAL
    body = root.find(f"{{{ns}}}body")
    if body is None:
        raise ParseError(f"{DOCUMENT} has no body", source=source)
    walker = _Walker(ns, source)
    walker.blocks(body)
    return walker.rows.build()


# -- the archive -------------------------------------------------------------------------


def _check_central_directory(data: bytes, source: str) -> None:
    """Refuse a zip whose central directory is too large, before zipfile parses it.

    zipfile builds an object per directory entry for as many entries as the directory's
    declared size holds, so the size (and the declared count) is checked from the end
    record first.
    """
    pos = data.rfind(b"PK\x05\x06", max(0, len(data) - 22 - 0xFFFF))
    if pos < 0 or len(data) - pos < 22:
        raise ParseError("not a .docx: not a zip archive", source=source)
    count, size = struct.unpack_from("<HL", data, pos + 10)
    locator = pos - 20
    if locator >= 56 and data[locator : locator + 4] == b"PK\x06\x07":
        record = locator - 56  # zipfile reads the zip64 end record just before it
        if data[record : record + 4] == b"PK\x06\x06":
            count, size = struct.unpack_from("<QQ", data, record + 32)
    if count > MAX_MEMBERS or size > MAX_CENTRAL_DIRECTORY:
        raise ParseError(
            f"the archive declares {count} members in a {size}-byte directory; a .docx has "
            f"a few dozen (limits {MAX_MEMBERS} members, {MAX_CENTRAL_DIRECTORY} bytes)",
            source=source,
        )


def _open_zip(data: bytes, source: str) -> zipfile.ZipFile:
    """Open the archive after checking its directory's size and member count."""
    _check_central_directory(data, source)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except _ZIP_ERRORS as exc:
        raise ParseError(f"not a .docx: a damaged zip archive ({exc})", source=source) from None
    if len(archive.infolist()) > MAX_MEMBERS:
        archive.close()
        raise ParseError(
            f"the archive has {len(archive.infolist())} members; a .docx has a few dozen "
            f"(limit {MAX_MEMBERS})",
            source=source,
        )
    return archive


def _document_bytes(data: bytes, source: str) -> bytes:
    """Return ``word/document.xml``, inflated only after its header passed the limits."""
    with _open_zip(data, source) as archive:
        try:
            info = archive.getinfo(DOCUMENT)
        except KeyError:
            raise ParseError(f"not a .docx: the archive has no {DOCUMENT}", source=source) from None
        if info.file_size > MAX_INPUT_BYTES:
            raise ParseError(
                f"{DOCUMENT} inflates to {info.file_size} bytes, over the "
                f"{MAX_INPUT_BYTES}-byte limit",
                source=source,
            )
        if info.file_size > _RATIO_FLOOR and info.file_size > MAX_RATIO * max(
            info.compress_size, 1
        ):
            raise ParseError(
                f"{DOCUMENT} inflates {info.file_size // max(info.compress_size, 1)}-fold, "
                f"over the limit of {MAX_RATIO}: a zip bomb, not a document",
                source=source,
            )
        try:
            with archive.open(info) as member:
                # Ask for no more than the declared size: zipfile inflates up to the
                # amount asked for before it cuts at the declared size (and then checks
                # the CRC), so asking for the cap would let a lying header cost the cap.
                raw = member.read(info.file_size + 1)
        except _ZIP_ERRORS as exc:
            raise ParseError(f"cannot read {DOCUMENT}: {exc}", source=source) from None
    if len(raw) > info.file_size:  # zipfile stops at the declared size; stay safe if not
        raise ParseError(
            f"{DOCUMENT} holds more than the {info.file_size} bytes its header declares",
            source=source,
        )
    return raw


# -- the XML -----------------------------------------------------------------------------


def _parse(raw: bytes, source: str) -> etree._Element:
    """Parse the document XML strictly: no DTD, no entity, no network, no huge tree."""
    # Counting bytes bounds the elements and attributes in UTF-8, GB18030 and UTF-16
    # alike (a multi-byte character never hides a "<" there; UTF-16 may only overcount).
    markup = raw.count(b"<") + raw.count(b"=")
    if markup > MAX_MARKUP:
        raise ParseError(
            f"{DOCUMENT} has {markup} tags and attributes; a report has far fewer "
            f"(limit {MAX_MARKUP})",
            source=source,
        )
    if any(mark in raw for mark in _DOCTYPE_MARKS):
        raise ParseError(
            f"{DOCUMENT} has a document type declaration, which a .docx never has "
            "(refused: it could expand entities or fetch files)",
            source=source,
        )
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,  # keeps libxml2's depth and text-size limits
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(raw, parser)
    except (etree.LxmlError, ValueError) as exc:
        raise ParseError(f"{DOCUMENT} is not well-formed XML: {exc}", source=source) from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:  # another encoding got past the scan
        raise ParseError(f"{DOCUMENT} has a document type declaration", source=source)
    name = etree.QName(root)
    if name.localname != "document" or name.namespace not in (_TRANSITIONAL, _STRICT):
        raise ParseError(
            f"{DOCUMENT} is not a WordprocessingML document (root {root.tag!r})",
            source=source,
        )
    return root


def _number(text: str | None, default: int) -> int:
    """A ``w:val`` as an int in [0, _MAX_SPAN]; ``default`` when absent or not a number."""
    if text is None:
        return default
    try:
        return max(0, min(int(text), _MAX_SPAN))
    except ValueError:
        return default


class _Slot:
    """A table cell placed on the grid, before its rowspan is known."""

    __slots__ = ("column", "continued", "rowspan", "span", "tc")

    def __init__(self, tc: etree._Element, column: int, span: int, continued: bool) -> None:
        self.tc = tc
        self.column = column
        self.span = span
        self.continued = continued
        self.rowspan = 1


def _grid_like(widths: list[int], rows: int, cells: int) -> bool:
    return sum(1 for w in widths if w >= cells) >= rows


class _Walker:
    """Walks the body and adds rows to a :class:`GridBuilder`."""

    def __init__(self, ns: str, source: str) -> None:
        w = f"{{{ns}}}"
        self.rows = GridBuilder(source, "docx")
        self.source = source
        self.paragraphs = 0
        self.tables = 0
        self.P, self.TBL, self.TR, self.TC = w + "p", w + "tbl", w + "tr", w + "tc"
        self.SDT, self.SDT_CONTENT, self.CUSTOM_XML = w + "sdt", w + "sdtContent", w + "customXml"
        self.TR_PR, self.TC_PR, self.VAL = w + "trPr", w + "tcPr", w + "val"
        self.GRID_BEFORE, self.GRID_SPAN = w + "gridBefore", w + "gridSpan"
        self.V_MERGE, self.H_MERGE = w + "vMerge", w + "hMerge"
        self.T = w + "t"
        self.R, self.R_PR = w + "r", w + "rPr"
        # Run properties that make a run an aside (gxschema._readers._asides): hidden,
        # struck out, or raised or lowered (a footnote mark); vertAlign by its value.
        self.ASIDE_PROPS = frozenset({w + "vanish", w + "strike", w + "dstrike"})
        self.VERT_ALIGN = w + "vertAlign"
        self.SPACE = frozenset({w + "tab", w + "ptab"})
        self.NEWLINE = frozenset({w + "br", w + "cr"})
        self.HYPHEN = w + "noBreakHyphen"
        # Elements whose children hold a paragraph's visible runs.  Deleted and moved-away
        # text (w:del, w:moveFrom), field instructions, ruby annotations, drawings and
        # text boxes are not among them.
        self.RUN_CONTAINERS = frozenset(
            w + name
            for name in (
                "r", "hyperlink", "ins", "moveTo", "smartTag", "customXml", "sdt",
                "sdtContent", "fldSimple", "dir", "bdo", "ruby", "rubyBase",
            )
        )  # fmt: skip

    # -- structure -------------------------------------------------------------------

    def children(self, parent: etree._Element) -> Iterator[etree._Element]:
        """The children of ``parent``, looking through content controls and custom XML."""
        for child in parent:
            if child.tag == self.SDT:
                content = child.find(self.SDT_CONTENT)
                if content is not None:
                    yield from self.children(content)
            elif child.tag == self.CUSTOM_XML:
                yield from self.children(child)
            else:
                yield child

    def blocks(self, parent: etree._Element) -> None:
        """Read the paragraphs and tables of the body, or of a layout table's cell."""
        for child in self.children(parent):
            if child.tag == self.P:
                self.paragraph(child)
            elif child.tag == self.TBL:
                self.table(child)

    def paragraph(self, p: etree._Element) -> None:
        """Count a paragraph and, unless it is blank, add it as a heading row."""
        self.paragraphs += 1
        text, asides = split(self.text(p))
        text = text.strip()
        if text:
            where = Location(line=self.paragraphs)
            cell = GridCell(text, where, asides=asides)
            self.rows.add(GridRow(cells=(cell,), location=where, heading=True))

    def table(self, tbl: etree._Element) -> None:
        """Read a leaf table as rows, or a layout table's cells as blocks."""
        index = self.tables
        self.tables += 1
        if next(tbl.iterdescendants(self.TBL), None) is None:
            self.leaf(tbl, index)
            return
        nested = [
            n for n in tbl.iterdescendants(self.TBL) if next(n.iterancestors(self.TBL)) is tbl
        ]
        widths = self.widths(tbl)
        if _grid_like(widths, 3, 3) and sum(widths) > max(
            sum(1 for _ in n.iterdescendants(self.TC)) for n in nested
        ):
            # A report table with a small table in a cell: read as a table, then each
            # nested table of two rows of two cells or more as one of its own.
            self.leaf(tbl, index)
            for n in nested:
                if _grid_like(self.widths(n), 2, 2):
                    self.table(n)
            return
        for tr in self.children(tbl):
            if tr.tag == self.TR:
                for tc in self.children(tr):
                    if tc.tag == self.TC:
                        self.blocks(tc)

    def leaf(self, tbl: etree._Element, index: int) -> None:
        """Read a table without nested tables: place its cells, then add its rows."""
        placed: list[tuple[int, list[_Slot]]] = []
        merges: dict[int, _Slot] = {}  # grid column → the cell a vertical merge started at
        total = self.rows.cells
        over = False
        for r, tr in enumerate(c for c in self.children(tbl) if c.tag == self.TR):
            if len(placed) + len(self.rows.rows) > MAX_ROWS or total > MAX_CELLS:
                over = True  # stop placing: the rows placed already break a limit
                break
            column = _number(self.props(tr, self.TR_PR).get(self.GRID_BEFORE), 0)
            slots: list[_Slot] = []
            open_now: dict[int, _Slot] = {}
            for tc in self.children(tr):
                if tc.tag != self.TC:
                    continue
                pr = self.props(tc, self.TC_PR)
                span = max(1, _number(pr.get(self.GRID_SPAN), 1))
                hmerge = pr.get(self.H_MERGE)
                if hmerge is not None and hmerge != "restart" and slots:
                    slots[-1].span += span  # legacy horizontal merge: widen the cell before
                    column += span
                    continue
                vmerge = pr.get(self.V_MERGE)
                above = merges.get(column)
                continues = vmerge is not None and vmerge != "restart"  # no w:val: continue
                if continues and above is not None:
                    above.rowspan += 1
                    slots.append(_Slot(tc, column, span, continued=True))
                    open_now[column] = above
                else:
                    # A continuation with nothing above stands as a cell of its own.
                    slot = _Slot(tc, column, span, continued=False)
                    slots.append(slot)
                    if vmerge is not None:
                        open_now[column] = slot
                column += span
            merges = open_now
            total += len(slots)
            placed.append((r, slots))
        for r, slots in placed:
            cells = tuple(
                GridCell(
                    text,
                    Location(table=index, row=r, cell=s.column),
                    colspan=s.span,
                    rowspan=s.rowspan,
                    continued=s.continued,
                    asides=asides,
                )
                for s in slots
                for text, asides in [("", ()) if s.continued else split(self.cell_text(s.tc))]
            )
            if cells:
                self.rows.add(GridRow(cells=cells, location=Location(table=index, row=r)))
        if over:  # the builder raises first, unless empty rows kept its counts down
            raise ParseError(
                f"a table has over {MAX_ROWS} rows or {MAX_CELLS} cells; a report has far fewer",
                source=self.source,
                location=Location(table=index),
            )

    def props(self, el: etree._Element, tag: str) -> dict[object, str]:
        """The ``w:val`` of each child of ``el``'s property element ``tag``, by its tag.

        A child without ``w:val`` maps to ``""``; no property element gives ``{}``.
        """
        for child in el:
            if child.tag == tag:
                return {prop.tag: prop.get(self.VAL, "") for prop in child}
        return {}

    # -- text ------------------------------------------------------------------------

    def aside(self, run: etree._Element) -> bool:
        """Whether a run is hidden, struck out, or a superscript or subscript."""
        for child in run:
            if child.tag == self.R_PR:
                for prop in child:
                    if prop.tag in self.ASIDE_PROPS:
                        if prop.get(self.VAL, "true").lower() not in ("0", "false", "off"):
                            return True
                    elif prop.tag == self.VERT_ALIGN and prop.get(self.VAL) in (
                        "superscript",
                        "subscript",
                    ):
                        return True
                return False
        return False

    def widths(self, tbl: etree._Element) -> list[int]:
        """How many cells each of a table's own rows has."""
        return [
            sum(1 for tc in self.children(tr) if tc.tag == self.TC)
            for tr in self.children(tbl)
            if tr.tag == self.TR
        ]

    def cell_text(self, tc: etree._Element) -> str:
        """A cell's text: its paragraphs joined by line breaks.

        A table nested in the cell adds its paragraphs' text, unless it has two rows of
        two cells or more: then it is read as a table of its own (see :meth:`table`).
        """
        lines = []
        for child in self.children(tc):
            if child.tag == self.P:
                lines.append(self.text(child))
            elif child.tag == self.TBL and not _grid_like(self.widths(child), 2, 2):
                lines += [self.text(p) for p in child.iterdescendants(self.P)]
        return "\n".join(lines)

    def text(self, p: etree._Element) -> str:
        """A paragraph's visible text.

        ``w:t`` as written (NBSP and ideographic spaces kept), ``w:br``/``w:cr`` as a line
        break, a tab as one space, a non-breaking hyphen as ``-``.
        """
        out: list[str] = []
        stack: list[Iterator[etree._Element]] = [iter(p)]
        while stack:
            for el in stack[-1]:
                tag = el.tag
                if tag == self.T:
                    out.append(clean(el.text or ""))
                    out.extend(clean(child.tail or "") for child in el)
                elif tag in self.NEWLINE:
                    out.append("\n")
                elif tag in self.SPACE:
                    out.append(" ")
                elif tag == self.HYPHEN:
                    out.append("-")
                elif tag in self.RUN_CONTAINERS:
                    if tag == self.R and self.aside(el):
                        out.append(OPEN + self.text(el) + CLOSE)
                        continue
                    stack.append(iter(el))
                    break
            else:
                stack.pop()
        return "".join(out)
