r"""Writer for HTML: one ``<table>`` per table, merged cells as ``rowspan``/``colspan``.

It writes any :class:`~gxschema._grid.Grid`. The document is UTF-8 HTML5: the title (the
heading row of role ``"title"``) as ``<title>`` and ``<h1>``, a paragraph of text (role
``"paragraph"``) as ``<p>``, every other heading row (a section heading) as ``<h2>``, and
the tables between them. A table's rows are ``<tr>``
elements holding the cells that start in them, as HTML does (a cell spanning down from a
row above is absent from the rows it covers); caption, header and label cells are
``<th>``, values ``<td>``. A caption row is a row of one cell spanning the table, as the
official templates print it, not a ``<caption>`` element.

Cell text is escaped (``&``, ``<``, ``>``) and otherwise written as is, white space
included; a line break (``\n``, ``\r\n`` or ``\r``) is written ``<br>``.  HTML
collapses white space, so a value cell whose text holds any also carries it exactly in
``data-gx-raw``, which the reader takes when it reads as the cell's visible text.  A
cell's asides (footnote marks, struck-out and hidden text read with it) follow its text
as ``<sup>``, which the reader keeps apart again.  Characters
HTML cannot hold (C0 controls other than tab and line breaks, U+FFFE/U+FFFF) are
dropped.
"""

from __future__ import annotations

import html
import re

from gxschema._grid import Grid, GridRow, GridTable

__all__ = ["write_html"]

_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_STYLE = (
    "table{border-collapse:collapse;margin:0 0 1em}"
    "th,td{border:1px solid #000;padding:2px 6px}"
    "th{font-weight:normal;text-align:left}"
    "td{text-align:right}"
)


_BREAK = re.compile("\r\n|\r|\n")


def _text(text: str) -> str:
    """Escape a cell's text, its line breaks written ``<br>``."""
    clean = _INVALID.sub("", text)
    return "<br>".join(html.escape(line, quote=False) for line in _BREAK.split(clean))


_SPACE = re.compile(r"[ \t\n\r\f]")


def _attribute(text: str) -> str:
    """A cell's raw text as an attribute value, white space kept exactly."""
    clean = html.escape(_INVALID.sub("", text), quote=True)
    return clean.replace("\t", "&#9;").replace("\n", "&#10;").replace("\r", "&#13;")


def _role(block: GridRow | GridTable) -> str | None:
    """The role of a heading row's cell (None for a table, or a row without one)."""
    if isinstance(block, GridTable) or not block.cells:
        return None
    return block.cells[0].role


def _table(table: GridTable) -> list[str]:
    out = [f'<table border="1" data-table="{html.escape(table.id or "")}">']
    for row in table.rows:
        cells = []
        for cell in row.cells:
            if cell.continued:
                continue
            tag = "td" if cell.role in (None, "value") else "th"
            attrs = ""
            if cell.colspan > 1:
                attrs += f' colspan="{cell.colspan}"'
            if cell.rowspan > 1:
                attrs += f' rowspan="{cell.rowspan}"'
            if cell.role == "value" and _SPACE.search(cell.text):
                attrs += f' data-gx-raw="{_attribute(cell.text)}"'
            body = _text(cell.text) + "".join(f"<sup>{_text(a)}</sup>" for a in cell.asides)
            cells.append(f"<{tag}{attrs}>{body}</{tag}>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</table>")
    return out


def write_html(grid: Grid) -> str:
    """Write a grid (a laid-out report) as an HTML document.

    Args:
        grid: the grid.

    Returns:
        The document, ending with a newline.
    """
    blocks = list(grid.blocks())
    first = next(
        (b.cells[0].text for b in blocks if isinstance(b, GridRow) and _role(b) == "title"), ""
    )
    title = html.escape(" ".join(_INVALID.sub("", first).split()), quote=False)
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{title}</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        f"<h1>{title}</h1>",
    ]
    for block in blocks:
        if isinstance(block, GridTable):
            out += _table(block)
        elif _role(block) != "title" and block.cells and block.cells[0].text:
            tag = "p" if _role(block) == "paragraph" else "h2"
            out.append(f"<{tag}>{_text(block.cells[0].text)}</{tag}>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"
