r"""Writer for Word (.docx): a minimal WordprocessingML package, written with zipfile.

It writes any :class:`~gxschema._grid.Grid`. The package holds three parts:
``[Content_Types].xml``, ``_rels/.rels`` and ``word/document.xml`` (no styles, fonts or
settings parts; Word and LibreOffice supply their defaults). The body is the title (the
heading row of role ``"title"``: a bold, centred paragraph), then each other heading row
(a section heading: a bold paragraph kept with the next; a paragraph of text, role
``"paragraph"``: a plain paragraph) and the tables, each followed
by an empty paragraph so that consecutive tables stay apart. The page is A4 landscape,
wide enough for section 四's 15 columns.

A table is a ``w:tbl`` with a ``w:tblGrid`` of one ``w:gridCol`` per grid column and
every row holding one ``w:tc`` per cell in it: a cell spanning columns has
``w:gridSpan``; a cell spanning rows has ``w:vMerge w:val="restart"`` in its first row and
an empty ``w:tc`` with ``w:vMerge`` (continue) and the same ``w:gridSpan`` in each row it
spans down into, as Word writes it.

Cell text goes in one paragraph: a line break (``\n``) is a ``w:br``, a tab a
``w:tab``, white space is kept (``xml:space="preserve"``).  Characters XML cannot hold
(C0 controls other than tab and line breaks, U+FFFE/U+FFFF) are dropped.  The bytes are
the same for the same report: the zip entries carry a fixed date.
"""

from __future__ import annotations

import io
import re
import zipfile
from xml.sax.saxutils import escape

from gxschema._grid import Grid, GridCell, GridTable

__all__ = ["write_docx"]

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_BREAK = re.compile("\r\n|\r|\n")

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
    '2006/relationships/officeDocument" Target="word/document.xml"/>'
    "</Relationships>"
)
# A4 landscape, 2 cm margins (twentieths of a point).
_PAGE = (
    '<w:sectPr><w:pgSz w:w="16838" w:h="11906" w:orient="landscape"/>'
    '<w:pgMar w:top="1134" w:right="1134" w:bottom="1134" w:left="1134" '
    'w:header="567" w:footer="567" w:gutter="0"/></w:sectPr>'
)
_TEXT_WIDTH = 16838 - 2 * 1134
_LABEL_WIDTH = 2400
_VALUE_WIDTH = 1000
_BORDERS = "".join(
    f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
    for side in ("top", "left", "bottom", "right", "insideH", "insideV")
)
_DATE = (1980, 1, 1, 0, 0, 0)


def _runs(text: str, bold: bool = False, *, raised: bool = False) -> str:
    """The runs of a paragraph holding ``text``: line breaks as ``w:br``, tabs ``w:tab``.

    ``raised``: a superscript (a cell's aside, which the reader keeps apart).
    """
    props = "<w:rPr><w:b/></w:rPr>" if bold else ""
    if raised:
        props = '<w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
    parts: list[str] = []
    for i, line in enumerate(_BREAK.split(_INVALID.sub("", text))):
        if i:
            parts.append("<w:br/>")
        for j, piece in enumerate(line.split("\t")):
            if j:
                parts.append("<w:tab/>")
            if piece:
                parts.append(f'<w:t xml:space="preserve">{escape(piece)}</w:t>')
    return f"<w:r>{props}{''.join(parts)}</w:r>" if parts else ""


def _heading(text: str, *, center: bool = False) -> str:
    """A bold paragraph kept on the page of what follows it."""
    align = '<w:jc w:val="center"/>' if center else ""
    return f"<w:p><w:pPr><w:keepNext/>{align}</w:pPr>{_runs(text, bold=True)}</w:p>"


def _widths(table: GridTable, header_rows: int) -> list[int]:
    """Column widths: label columns wide, value columns narrow, scaled to fit the page."""
    kinds = ["value"] * table.width
    for row in table.rows[header_rows:]:
        column = 0
        for cell in row.cells:
            if cell.role == "line":
                for c in range(column, column + cell.colspan):
                    kinds[c] = "label"
            column += cell.colspan
    widths = [_LABEL_WIDTH if k == "label" else _VALUE_WIDTH for k in kinds]
    total = sum(widths)
    if total > _TEXT_WIDTH:
        widths = [w * _TEXT_WIDTH // total for w in widths]
    return widths


def _cell(cell: GridCell, width: int, data_row: bool) -> str:
    covered = cell.continued
    props = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if cell.colspan > 1:
        props += f'<w:gridSpan w:val="{cell.colspan}"/>'
    if covered:
        props += "<w:vMerge/>"
    elif cell.rowspan > 1:
        props += '<w:vMerge w:val="restart"/>'
    props += '<w:vAlign w:val="center"/>'
    if cell.role in (None, "value"):
        align = "right"
    else:  # a line label left of the values; captions and headers centred
        align = "left" if cell.role == "line" and data_row else "center"
    body = "" if covered else _runs(cell.text) + "".join(_runs(a, raised=True) for a in cell.asides)
    paragraph = f'<w:p><w:pPr><w:jc w:val="{align}"/></w:pPr>{body}</w:p>'
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{paragraph}</w:tc>"


def _table(table: GridTable) -> str:
    header_rows = table.header_rows
    widths = _widths(table, header_rows)
    out = [
        "<w:tbl><w:tblPr>"
        f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
        f"<w:tblBorders>{_BORDERS}</w:tblBorders>"
        '<w:tblLayout w:type="fixed"/>'
        "</w:tblPr><w:tblGrid>"
        + "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
        + "</w:tblGrid>"
    ]
    for n, row in enumerate(table.rows):
        out.append("<w:tr>")
        if n < header_rows:
            out.append("<w:trPr><w:tblHeader/></w:trPr>")
        column = 0
        for cell in row.cells:
            span = cell.colspan
            out.append(_cell(cell, sum(widths[column : column + span]), n >= header_rows))
            column += span
        out.append("</w:tr>")
    out.append("</w:tbl>")
    return "".join(out)


def _document(grid: Grid) -> str:
    blocks = list(grid.blocks())
    title = next(
        (
            b.cells[0].text
            for b in blocks
            if not isinstance(b, GridTable) and b.cells[0].role == "title"
        ),
        "",
    )
    body = [_heading(title, center=True)]
    for block in blocks:
        if isinstance(block, GridTable):
            body += [_table(block), "<w:p/>"]
        elif block.cells[0].role == "paragraph" and block.cells[0].text:
            body.append(f"<w:p>{_runs(block.cells[0].text)}</w:p>")
        elif block.cells[0].role != "title" and block.cells[0].text:
            body.append(_heading(block.cells[0].text))
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:document xmlns:w="{_W}"><w:body>{"".join(body)}{_PAGE}</w:body></w:document>'
    )


def write_docx(grid: Grid) -> bytes:
    """Write a grid (a laid-out report) as a Word (.docx) package.

    Args:
        grid: the grid.

    Returns:
        The package's bytes.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, text in (
            ("[Content_Types].xml", _CONTENT_TYPES),
            ("_rels/.rels", _RELS),
            ("word/document.xml", _document(grid)),
        ):
            info = zipfile.ZipInfo(name, date_time=_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            package.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()
