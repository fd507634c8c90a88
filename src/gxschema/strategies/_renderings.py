r"""Hypothesis strategies for reports written out with the noise real publications carry.

:func:`renderings` writes a report in one of the writers' forms, the way an agency's
page or file prints it rather than the way :func:`gxschema.render` does: zeros left
blank, digits padded with NBSP or the ideographic space, full-width digits, ``增1万``
and ``减少55`` for signed changes, thousands separators; labels spelled with a declared
alias (``合计`` for ``总计``), annotated (``规章（注：…）``), with half-width brackets,
``1、`` for ``1.``, or broken over two lines inside their cell; and, for HTML, the site
chrome and Word-export markup around the tables and the GB18030 bytes some sites still
serve.  Each :class:`Rendering` carries what reading it must give back.

The report is laid out with the writers' own layout step (``_writers._layout.lay_out``,
which gives the grid readers give), its cells transformed by their role (value, line
label, column header, caption, corner), and the grid written with the form's own writer
from the form registry, so a rendering differs from
:func:`gxschema.render` only by the noise drawn.  Every kind of noise is drawn on or
off (shrinking to off), and then, cell by cell, applied or not (shrinking to not), so
a failure shrinks to the least noise that shows it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from typing import Any, Final

import attrs
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from gxschema._forms import forms, get_form
from gxschema._grid import Grid, GridCell, GridRow, GridTable
from gxschema._report import Cell, Report
from gxschema._resolve import spec_of
from gxschema._spec import ColumnSpec, TemplateSpec
from gxschema._values import _BLANK_TEXTS as _STYLE_BLANKS
from gxschema._values import Kind, Number, ValueStyle, parse_value, render_value
from gxschema._writers._layout import cell_text, lay_out, written
from gxschema.strategies._messy import MESSY_FORMS, messy_text

__all__ = ["HTML_NOISE", "LABEL_NOISE", "NOISE", "VALUE_NOISE", "Rendering", "renderings"]

VALUE_NOISE: Final[tuple[str, ...]] = (
    "blank-zeros",
    "padding",
    "fullwidth-digits",
    "sign-words",
    "thousands",
)
"""Noise in value cells, written with :class:`~gxschema.ValueStyle`: a zero printed blank
(read back as BLANK), NBSP or ideographic-space padding, full-width digits, ``增``/``减``
words for a signed change, ``,`` or ``，`` between thousands."""

LABEL_NOISE: Final[tuple[str, ...]] = (
    "alias",
    "annotation",
    "half-width-brackets",
    "enumerator-comma",
    "label-break",
)
"""Noise in label and header cells: a declared alias for the label (``合计`` where the
spec declares it for ``总计``), a parenthesised note after a line or column label, ``()``
for ``（）``, ``1、`` for ``1.``, a line break inside the cell."""

HTML_NOISE: Final[tuple[str, ...]] = (
    "site-nav",
    "script-table",
    "comment-table",
    "layout-table",
    "footer-table",
    "word-export",
    "gb18030",
)
"""Noise around the tables of a web page: a navigation list, a script whose text holds
``<td>``, a comment holding a ``<table>``, an outer table laying the page out, a footer
table, Word's ``<p class=MsoNormal><span>`` inside every cell and paragraph headings, and
the page encoded as GB18030 under a ``charset=gb2312`` declaration."""

NOISE: Final[Mapping[str, tuple[str, ...]]] = {
    "text": VALUE_NOISE + LABEL_NOISE,
    "html": VALUE_NOISE + LABEL_NOISE + HTML_NOISE,
    "markdown": VALUE_NOISE + LABEL_NOISE,
    "docx": VALUE_NOISE + LABEL_NOISE,
}
"""The kinds of noise :func:`renderings` draws for each form, in the order
:attr:`Rendering.noise` lists them."""

# Notes provinces add after a label; free of units and digits that would change what
# a column holds (the reader takes a money column's unit from the spec, not the note).
_NOTES: Final = ("（注：含所属单位）", "(指本年度情况)", "（以下同）")
_PADDINGS: Final = (("\xa0", ""), ("\u3000", ""), ("", "\xa0"), ("\xa0", "\xa0"))
_SIGN_WORDS: Final = ("增减", "增加减少")
_SEPARATORS: Final = (",", "，")
_ENUMERATOR: Final = re.compile(r"^(\d+)\.")
# Which of n kinds of noise a cell gets, as bits: one draw per cell, shrinking to none.
# Made once: looking a strategy up per cell costs more than drawing from it.
_MASKS: Final = tuple(
    st.integers(0, 2**n - 1) for n in range(max(len(VALUE_NOISE), len(LABEL_NOISE)) + 1)
)


def _summary(report: Report) -> str:
    """A short repr of a report, so that a failing example prints readably."""
    return f"<Report {report.template}: {sum(1 for _ in report.cells())} cells>"


@attrs.frozen
class Rendering:
    """A report written in one form with noise, and what reading it must give back.

    Attributes:
        content: the document a reader gets: ``bytes`` for ``"docx"`` and for a page
            encoded as GB18030, ``str`` otherwise.
        form: the form it is written in: ``"text"``, ``"html"``, ``"markdown"`` or
            ``"docx"``.
        expected: the report ``gxschema.read(content, form=form)`` must return: the
            report as written, every value cell's raw text the noisy text, a zero
            printed blank a BLANK cell, a cell absent from a written line a BLANK cell
            with empty text, and no extras (they are not written).
        noise: the kinds of noise applied (see :data:`NOISE`), for readable failures;
            for a messy form, the form's name.
        exact: True when reading must give ``expected`` exactly; False for the messy
            forms (``crawled``, ``converted``, ``pdf-text``), whose reading must give
            every cell of ``expected`` that the rules determine, name every other cell
            in ``report.ambiguities``, and never give a wrong value.
    """

    content: str | bytes = attrs.field(repr=lambda c: f"<{type(c).__name__} of {len(c)}>")
    form: str
    expected: Report = attrs.field(repr=_summary)
    noise: tuple[str, ...]
    exact: bool = True

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        # Hypothesis (and IPython) print attrs classes field by field, ignoring the
        # short repr above; a falsifying example would print the whole document.
        printer.text(repr(self))


def renderings(
    report: Report, form: str, *, template: TemplateSpec | None = None
) -> st.SearchStrategy[Rendering]:
    r"""Return a strategy for ``report`` written in ``form`` with noise, and its reading.

    The noise each form gets is :data:`NOISE`; each kind is drawn on or off, then
    applied cell by cell, and shrinks towards none.  Value noise is written with
    :func:`gxschema.render_value`, so the text reads as the value (a zero printed
    blank reads as BLANK, which the rendering's ``expected`` says); label noise only
    respells what the label matcher folds (aliases are the spec's own, never
    invented); HTML noise only adds what a reader must skip.

    Args:
        report: the report to write; its tables and lines are written as
            :func:`gxschema.render` writes them (extras are not).
        form: ``"text"``, ``"html"``, ``"markdown"`` or ``"docx"``; or a messy form,
            ``"crawled"`` (page text whose cells ran together), ``"converted"``
            (Markdown from a PDF converter) or ``"pdf-text"`` (the text of a PDF
            without ruling lines), see :mod:`gxschema.strategies._messy`.
        template: the template to lay the report out with: an id, a declaration or a
            spec (default: the one the report was read or generated with).

    Returns:
        A strategy for :class:`Rendering`, with
        ``gxschema.read(r.content, form=r.form) == r.expected``.

    Raises:
        InvalidArgument: ``form`` is not a form the writers write, or ``template`` is
            None and the report's template is not registered.
    """
    if form not in NOISE and form not in MESSY_FORMS:
        names = ", ".join(
            [f.name for f in forms(writable=True) if f.name in NOISE] + list(MESSY_FORMS)
        )
        raise InvalidArgument(f"unknown form {form!r}; renderings are written in {names}")
    try:
        spec = spec_of(report, template)
    except (KeyError, TypeError) as exc:
        raise InvalidArgument(str(exc)) from None
    if form in MESSY_FORMS:
        return messy_text(report, spec, form).map(
            lambda text: Rendering(
                content=text,
                form=MESSY_FORMS[form],
                expected=report,
                noise=(form,),
                exact=False,
            )
        )
    return _renderings(report, form, spec)


@st.composite
def _renderings(draw: st.DrawFn, report: Report, form: str, spec: TemplateSpec) -> Rendering:
    on = {kind: draw(st.booleans(), label=kind) for kind in NOISE[form]}
    applied: set[str] = set()
    expected = _noisy_values(draw, report, spec, on, applied)
    laid = _noisy_labels(draw, lay_out(expected, spec), spec, on, applied)
    write = get_form(form).write
    assert write is not None  # every form in NOISE is written
    content = write(laid)
    if form == "html":
        assert isinstance(content, str)
        content = _noisy_page(draw, content, on, applied)
    noise = tuple(kind for kind in NOISE[form] if kind in applied)
    return Rendering(content=content, form=form, expected=expected, noise=noise)


# -- values ----------------------------------------------------------------------------------


def _noisy_values(
    draw: st.DrawFn,
    report: Report,
    spec: TemplateSpec,
    on: Mapping[str, bool],
    applied: set[str],
) -> Report:
    """The report as it will be written and read: every written cell, with noisy text."""
    # A zero printed blank is written as a ValueStyle writes BLANK, in any of its ways.
    blank = draw(st.sampled_from(_STYLE_BLANKS)) if on.get("blank-zeros") else None
    # Each option is a change to a ValueStyle, drawn once per rendering.
    options: list[tuple[str, dict[str, Any]]] = []
    if on.get("padding"):
        left, right = draw(st.sampled_from(_PADDINGS))
        options.append(("padding", {"pad_left": left, "pad_right": right}))
    if on.get("fullwidth-digits"):
        options.append(("fullwidth-digits", {"fullwidth_digits": True}))
    if on.get("sign-words"):
        options.append(("sign-words", {"sign_words": draw(st.sampled_from(_SIGN_WORDS))}))
    if on.get("thousands"):
        options.append(("thousands", {"thousands": draw(st.sampled_from(_SEPARATORS))}))
    styles = _Styles(options)
    tables: dict[str, dict[str, dict[str, Cell]]] = {}
    for table, lines in written(report, spec):  # the layout's own rule
        for line in lines:
            row = tables.setdefault(table.id, {}).setdefault(line.id, {})
            for column in table.columns:
                cell = report.cell(table.id, line.id, column.id)
                text = _value_text(draw, cell, column, blank, styles, applied)
                row[column.id] = Cell(parse_value(text, column.kind, unit=column.unit), text)
    return Report(template=spec.id, tables=tables, spec=spec)


class _Styles:
    """The value styles one rendering uses: the plain one and its noisy variations."""

    def __init__(self, options: list[tuple[str, dict[str, Any]]]) -> None:
        self.options = options
        self._made: dict[tuple[bool, tuple[int, ...]], ValueStyle] = {}

    def get(self, wan: bool, chosen: tuple[int, ...] = ()) -> ValueStyle:
        """The style writing approximate numbers or not, with the chosen options."""
        key = (wan, chosen)
        if key not in self._made:
            change: dict[str, Any] = {"wan": wan}
            for i in chosen:
                change.update(self.options[i][1])
            self._made[key] = ValueStyle(**change)
        return self._made[key]


def _value_text(
    draw: st.DrawFn,
    cell: Cell | None,
    column: ColumnSpec,
    blank: str | None,
    styles: _Styles,
    applied: set[str],
) -> str:
    """The text one value cell is written with: as the writer writes it, or noisy.

    ``blank`` is how a zero is printed blank (None: zeros are not).  An option is
    offered only where it changes the text, so every noise recorded is visible; which
    of those offered apply is one draw, shrinking to none.
    """
    plain = cell_text(cell, column)
    if cell is None or not isinstance(cell.value, Number):
        return plain
    value = cell.value
    wan = value.approx

    def write(style: ValueStyle) -> str:
        return _render(value, column.kind, column.unit, style)

    try:
        base = write(styles.get(wan))
    except ValueError:
        return plain  # no style writes it: the layout raises for it, as render does
    offered = [i for i in range(len(styles.options)) if write(styles.get(wan, (i,))) != base]
    zero = blank is not None and value.value == 0 and not wan
    mask = draw(_MASKS[len(offered) + zero]) if offered or zero else 0
    if not mask:
        return plain
    if zero and mask & 1:
        applied.add("blank-zeros")
        assert blank is not None  # for mypy: zero implies it
        return blank
    chosen = tuple(i for n, i in enumerate(offered, start=zero) if mask >> n & 1)
    applied.update(styles.options[i][0] for i in chosen)
    return write(styles.get(wan, chosen))


@functools.lru_cache(maxsize=8192)
def _render(value: Number, kind: Kind, unit: str | None, style: ValueStyle) -> str:
    """:func:`~gxschema.render_value`, cached: a report repeats few values and styles."""
    return render_value(value, kind, unit=unit, style=style)


# -- labels ----------------------------------------------------------------------------------

_HALF_WIDTH: Final = str.maketrans("（）", "()")
_NAMED_ROLES: Final = frozenset({"line", "column"})
_TEXT_ROLES: Final = frozenset({"caption", "corner", "line", "column"})


def _noisy_labels(
    draw: st.DrawFn,
    laid: Grid,
    spec: TemplateSpec,
    on: Mapping[str, bool],
    applied: set[str],
) -> Grid:
    """The laid-out grid with its line, column, caption and corner cells respelled."""
    note = draw(st.sampled_from(_NOTES)) if on.get("annotation") else None
    rows: list[GridRow] = []
    for block in laid.blocks():
        if not isinstance(block, GridTable):
            rows.append(block)
            continue
        assert block.id is not None  # a laid-out table has value cells
        declared = spec.table(block.id)
        # The line and column labels of this table, with the aliases it declares.
        names = {ln.label: ln.aliases for ln in declared.lines} | {
            column.label: column.aliases for column in declared.columns
        }

        def respell(cell: GridCell, names: Mapping[str, tuple[str, ...]] = names) -> GridCell:
            return _noisy_label(draw, cell, names, on, note, applied)

        rows += _map_cells(block, respell)
    return attrs.evolve(laid, rows=tuple(rows))


def _map_cells(table: GridTable, change: Callable[[GridCell], GridCell]) -> list[GridRow]:
    """The table's rows with each merged cell changed where it starts.

    A continued cell, standing below for a cell spanning down, is empty: left as it is.
    """
    return [
        attrs.evolve(row, cells=tuple(c if c.continued else change(c) for c in row.cells))
        for row in table.rows
    ]


def _noisy_label(
    draw: st.DrawFn,
    cell: GridCell,
    names: Mapping[str, tuple[str, ...]],
    on: Mapping[str, bool],
    note: str | None,
    applied: set[str],
) -> GridCell:
    """One cell respelled with the label noise switched on, each kind applied or not.

    Which kinds apply is one draw over the kinds that can change this cell; a kind is
    recorded only when it changed the text.
    """
    if cell.role not in _TEXT_ROLES:
        return cell
    text = cell.text
    named = cell.role in _NAMED_ROLES and text in names
    aliases = names.get(text, ()) if named else ()
    spellings = (text, *aliases)
    possible = {
        "alias": bool(aliases),
        "annotation": named and note is not None,
        "half-width-brackets": any("（" in t or "）" in t for t in spellings),
        "enumerator-comma": named and any(_ENUMERATOR.match(t) for t in spellings),
        "label-break": len(text) >= 2 or (named and note is not None),
    }
    offered = [kind for kind in LABEL_NOISE if on.get(kind) and possible[kind]]
    mask = draw(_MASKS[len(offered)]) if offered else 0
    if not mask:
        return cell
    for n, kind in enumerate(offered):
        if not mask >> n & 1:
            continue
        before = text
        if kind == "alias":
            text = draw(st.sampled_from(aliases))
        elif kind == "annotation":
            text += note or ""
        elif kind == "half-width-brackets":
            text = text.translate(_HALF_WIDTH)
        elif kind == "enumerator-comma":
            text = _ENUMERATOR.sub(r"\1、", text, count=1)
        elif len(text) >= 2:  # label-break
            at = draw(st.integers(1, len(text) - 1))
            text = f"{text[:at]}\n{text[at:]}"
        if text != before:
            applied.add(kind)
    return cell if text == cell.text else attrs.evolve(cell, text=text)


# -- web pages -------------------------------------------------------------------------------

_CELL: Final = re.compile(r"<(t[dh])([^>]*)>(.*?)</\1>")
_TABLE: Final = re.compile(r'<table border="1" data-table="[^"]*">')
_HEADING: Final = re.compile(r"<(h[12])>(.*?)</\1>")
_NAV: Final = (
    '<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>'
    '<li class="on"><a href="#">年度报告</a></li></ul></div>'
)
_SCRIPT: Final = (
    '<script type="text/javascript">var row = "<tr><td>1</td><td>2</td></tr>";'
    'document.write("<table>" + row + "</table>");</script>'
)
_COMMENT: Final = "<!-- 旧版 <table><tr><td>0</td><td>1</td></tr></table> -->"
_FOOTER: Final = (
    '<table class="footer" width="100%"><tr><td>主办单位：本站</td><td>联系我们</td></tr>'
    '<tr><td colspan="2">版权所有</td></tr></table>'
)
_GB_METAS: Final = (
    "<meta charset=gb2312>",
    '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">',
)


def _word_cell(m: re.Match[str]) -> str:
    tag, attributes, body = m.group(1, 2, 3)
    return (
        f"<{tag}{attributes} valign=top style='border:solid windowtext 1.0pt'>"
        "<p class=MsoNormal align=center style='text-align:center'>"
        f"<span lang=EN-US style='font-size:10.5pt'>{body}<o:p></o:p></span></p></{tag}>"
    )


def _word_heading(m: re.Match[str]) -> str:
    align = " align=center style='text-align:center'" if m.group(1) == "h1" else ""
    return (
        f"<p class=MsoNormal{align}><b><span style='font-size:16.0pt'>{m.group(2)}</span></b></p>"
    )


def _noisy_page(
    draw: st.DrawFn, page: str, on: Mapping[str, bool], applied: set[str]
) -> str | bytes:
    """The writer's page wrapped in the chrome and markup switched on, maybe as GB18030."""
    applied.update(kind for kind in HTML_NOISE if on.get(kind))
    if on.get("word-export"):
        # Before the chrome is added, so that only the report's own cells are wrapped.
        page = _CELL.sub(_word_cell, page)
        page = _HEADING.sub(_word_heading, page)
        page = _TABLE.sub(
            "<table class=MsoNormalTable border=1 cellspacing=0 cellpadding=0 "
            "style='border-collapse:collapse'>",
            page,
        )
    head, _, rest = page.partition("<body>\n")
    body, _, tail = rest.rpartition("\n</body>")
    before = [
        chrome
        for kind, chrome in (
            ("site-nav", _NAV),
            ("script-table", _SCRIPT),
            ("comment-table", _COMMENT),
        )
        if on.get(kind)
    ]
    if on.get("layout-table"):
        body = f'<table width="100%"><tr><td class="main">\n{body}\n</td></tr></table>'
    after = [_FOOTER] if on.get("footer-table") else []
    parts = (f"{chunk}\n" for chunk in [*before, body, *after])
    page = "".join([head, "<body>\n", *parts, "</body>", tail])
    if on.get("gb18030"):
        meta = draw(st.sampled_from(_GB_METAS))
        return page.replace('<meta charset="utf-8">', meta).encode("gb18030")
    return page
