r"""Writer for HTML: one ``<table>`` per table, merged cells as ``rowspan``/``colspan``.

The document is UTF-8 HTML5: the title as ``<title>`` and ``<h1>``, each section
heading as ``<h2>``, then its tables.  A table's rows are ``<tr>`` elements holding the
cells that start in them, as HTML does (a cell spanning down from a row above is absent
from the rows it covers); caption, header and label cells are ``<th>``, values ``<td>``.
A caption row is a row of one cell spanning the table, as the official templates print
it, not a ``<caption>`` element.

Cell text is escaped (``&``, ``<``, ``>``) and otherwise written as is, white space
included; a line break (``\n``, ``\r\n`` or ``\r``) is written ``<br>``.  Characters
HTML cannot hold (C0 controls other than tab and line breaks, U+FFFE/U+FFFF) are
dropped.
"""

from __future__ import annotations

import html
import re

from gxschema._writers._layout import LaidReport, LaidTable

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


def _table(table: LaidTable) -> list[str]:
    out = [f'<table border="1" data-table="{html.escape(table.id)}">']
    for row in table.rows:
        cells = []
        for slot in row:
            if slot.covered:
                continue
            cell = slot.cell
            tag = "td" if cell.role == "value" else "th"
            attrs = ""
            if cell.colspan > 1:
                attrs += f' colspan="{cell.colspan}"'
            if cell.rowspan > 1:
                attrs += f' rowspan="{cell.rowspan}"'
            cells.append(f"<{tag}{attrs}>{_text(cell.text)}</{tag}>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</table>")
    return out


def write_html(laid: LaidReport) -> str:
    """Write a laid-out report as an HTML document.

    Args:
        laid: the laid-out report.

    Returns:
        The document, ending with a newline.
    """
    title = html.escape(" ".join(_INVALID.sub("", laid.title).split()), quote=False)
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
    for section in laid.sections:
        if section.heading:
            out.append(f"<h2>{_text(section.heading)}</h2>")
        for table in section.tables:
            out += _table(table)
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"
