r"""Hypothesis strategies for the messy forms real reports are held in.

Researchers rarely hold clean files: they crawl agency sites and keep the page text, or
run PDFs through a converter.  These forms keep the text of the tables but lose their
cells.  Each is generated from the writers' own layout of a report
(``_writers._layout.lay_out``), so it follows the declarations of any template:

* ``crawled`` — page text as a crawler's ``get_text()`` gives it: the cells of a row
  joined by one space, a tab or nothing, rows run together on one line (or not),
  labels' line breaks gone, a breadcrumb before the report and share buttons after;
* ``converted`` — Markdown from a PDF converter: one pipe table per group of rows, some
  rows without their label (the label left as a loose line above), labels torn across
  two rows, header cells as loose lines, page footers (``— 3 —``) inside tables;
* ``pdf-text`` — the text ``pdfplumber``'s ``extract_text`` gives for a PDF whose
  tables have no ruling lines: one line per row, the label then the values separated
  by spaces, a long label wrapped onto the next line, group headings on a line of their
  own, header cells as lines, page breaks with a footer inside tables.

Reading these forms is not exact by construction: values that ran together can be cut
more than one way.  A :class:`~gxschema.strategies.Rendering` of a messy form has
``exact=False``: reading it must give every cell of ``expected`` whenever the rules
determine it, and otherwise name the cell in ``report.ambiguities``; it must never
give a wrong value.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from hypothesis import strategies as st

from gxschema._grid import Grid, GridCell
from gxschema._mark import find_mark
from gxschema._report import Report
from gxschema._spec import TemplateSpec
from gxschema._writers._layout import lay_out

__all__ = ["MESSY_FORMS", "messy_text"]

MESSY_FORMS: Final[dict[str, str]] = {
    "crawled": "plain",
    "converted": "markdown",
    "pdf-text": "plain",
}
"""The messy forms :func:`gxschema.strategies.renderings` writes, and the form each is
read as."""

_CHROME_BEFORE: Final = ("首页 > 政务公开 > 政府信息公开年报", "当前位置：首页 > 信息公开")
_CHROME_AFTER: Final = ("分享到： 微信 微博 QQ空间", "【打印本页】 【关闭窗口】")
_WRAP: Final = 9  # characters of a label on one line of a narrow PDF column


def _role(cell: GridCell) -> str | None:
    return cell.role


def _rows(grid: Grid) -> list[tuple[str, list[str], list[str], list[str]]]:
    """Each row as (kind, headings, labels, values); kind is heading/caption/header/data."""
    out: list[tuple[str, list[str], list[str], list[str]]] = []
    for row in grid.rows:
        cells = [c for c in row.cells if not c.continued]
        if row.heading and find_mark(Grid((row,), grid.source, grid.form)) is not None:
            continue  # gxschema's own closing line: no crawled page or PDF has it
        if row.heading:
            out.append(("heading", [c.text for c in cells], [], []))
            continue
        roles = [_role(c) for c in cells]
        if "caption" in roles:
            out.append(("caption", [c.text for c in cells], [], []))
        elif "value" in roles:
            labels = [c.text for c in cells if _role(c) == "line" and c.text.strip()]
            values = [c.text for c in cells if _role(c) == "value"]
            out.append(("data", [], labels, values))
        else:
            out.append(("header", [c.text for c in cells if c.text.strip()], [], []))
    return out


def _flat(text: str) -> str:
    return text.replace("\n", "")


def _value(text: str, spaced: bool) -> str:
    # A blank cell is printed as a dash, spaced off so that it is not a minus sign.
    if not text.strip():
        return " - " if not spaced else "-"
    return text.strip()


@st.composite
def _crawled(draw: st.DrawFn, grid: Grid) -> str:
    sep = draw(st.sampled_from((" ", "\t", "")), label="cell separator")
    row_sep = draw(st.sampled_from((" ", "", "\n")), label="row separator")
    chrome = draw(st.booleans(), label="chrome")
    around = draw(st.sampled_from(("\n", " ")), label="heading separator")
    parts: list[str] = []
    for kind, texts, labels, values in _rows(grid):
        if kind == "heading":
            parts.append(around + _flat(texts[0]) + around)
        elif kind in ("caption", "header"):
            parts.append(sep.join(_flat(t) for t in texts) + row_sep)
        else:
            vals = sep.join(_value(v, bool(sep)) for v in values)
            label = sep.join(_flat(t) for t in labels)
            parts.append(label + sep + vals + row_sep)
    body = "".join(parts)
    if chrome:
        body = "\n".join(
            [draw(st.sampled_from(_CHROME_BEFORE)), body, draw(st.sampled_from(_CHROME_AFTER))]
        )
    return body.strip() + "\n"


def _md_row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(c.replace("\n", "").replace("|", "/") or " " for c in cells) + " |"


@st.composite
def _converted(draw: st.DrawFn, grid: Grid) -> str:
    lines: list[str] = []
    page = [draw(st.integers(1, 3), label="first page")]
    in_table = False
    width = 0
    group: str | None = None

    def open_table(n: int) -> None:
        nonlocal in_table, width
        lines.append("")
        lines.append(_md_row(["" for _ in range(n)]).replace("|  |", "| |"))
        lines.append("|" + "---|" * n)
        in_table, width = True, n

    for kind, texts, labels, values in _rows(grid):
        if kind == "heading":
            lines.append("")
            lines.extend(texts)
            in_table = False
            continue
        if kind in ("caption", "header"):
            # Header cells come out as loose lines.
            lines.extend(_flat(t) for t in texts)
            in_table = False
            continue
        head = labels[0] if len(labels) > 1 else None
        if head != group:  # a new group of rows: a new pipe table
            group = head
            in_table = False
        if draw(st.integers(0, 19), label="footer") == 0:
            page[0] += 1
            lines.append(f"— {page[0]} —")
            in_table = False
        label = labels[-1] if labels else ""
        what = draw(st.integers(0, 9), label="label damage") if label else 9
        cells = [_value(v, True) for v in values]
        if what == 0:  # the row loses its label: a loose line above
            lines.append(_flat(label))
            in_table = False
            row = cells
        elif what == 1 and len(label) > 4:  # torn across two rows
            cut = draw(st.integers(2, len(label) - 2), label="tear")
            lines.append(_flat(label[:cut]))
            in_table = False
            row = [_flat(label[cut:]), *cells]
        else:
            row = [_flat(t) for t in labels[-2:]] + cells if len(labels) > 1 else [label, *cells]
        if not in_table or len(row) != width:
            open_table(len(row))
        lines.append(_md_row(row))
    return "\n".join(lines) + "\n"


@st.composite
def _pdf_text(draw: st.DrawFn, grid: Grid) -> str:
    lines: list[str] = []
    page = [draw(st.integers(1, 3), label="first page")]
    group: str | None = None
    for kind, texts, labels, values in _rows(grid):
        if kind == "heading":
            lines.append(texts[0])
            continue
        if kind in ("caption", "header"):
            lines.append(" ".join(_flat(t) for t in texts))
            continue
        if draw(st.integers(0, 14), label="page break") == 0:
            page[0] += 1
            lines.append(f"— {page[0]} —")
        head = labels[0] if len(labels) > 1 else None
        if head is not None and head != group:
            lines.append(_flat(head))
        group = head
        label = _flat(labels[-1]) if labels else ""
        vals = " ".join(_value(v, True) for v in values)
        if len(label) > _WRAP and draw(st.booleans(), label="wrap"):
            lines.append(f"{label[:_WRAP]} {vals}")
            lines.append(label[_WRAP:])
        else:
            lines.append(f"{label} {vals}".strip())
    return "\n".join(lines) + "\n"


def messy_text(report: Report, spec: TemplateSpec, form: str) -> st.SearchStrategy[str]:
    """A strategy for the text of ``report`` in the messy form ``form``.

    Args:
        report: the report (its cells' raw texts are printed).
        spec: the template to lay it out with.
        form: one of :data:`MESSY_FORMS`.

    Returns:
        A strategy for the document's text.
    """
    grid = lay_out(report, spec)
    maker = {"crawled": _crawled, "converted": _converted, "pdf-text": _pdf_text}[form]
    return maker(grid)
