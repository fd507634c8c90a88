"""Writers: a report written out as text (the tab layout), HTML, Markdown or Word.

Every form is derived from the template's spec in two steps.  :mod:`._layout` lays the
report out as the one :class:`~gxschema._grid.Grid` readers produce too: each table as
the official templates print it, rows of merged cells (caption row, header rows, label
columns with their row and column spans, values), each cell with its role, each value
written as its raw text when the report has it.  The form's writer, registered with its
:class:`~gxschema._forms.Form`, then only serialises that grid (:mod:`._text`,
:mod:`._html`, :mod:`._markdown`, :mod:`._docx`); none of them spells a label.

Reading what was written gives the report back: ``read(render(r, form)) == r`` for a
report whose tables, lines and cells are all declared by its template (the layout
writes the tables and lines the report holds; extras are not written).  This factors
in two: mapping the laid-out grid gives the report back (no form involved), and each
form's reader reads back the grid its writer wrote.
"""

from __future__ import annotations

from typing import Literal, overload

from gxschema._forms import forms, get_form
from gxschema._report import Report
from gxschema._resolve import TemplateLike, spec_of
from gxschema._writers._layout import lay_out

__all__ = ["FORMS", "render"]

FORMS: tuple[str, ...] = tuple(f.name for f in forms(writable=True))
"""The forms :func:`render` writes out of the box; ``"docx"`` gives bytes, the others
text.  Forms registered later with a writer are written too."""


@overload
def render(
    report: Report,
    form: Literal["text", "html", "markdown"],
    *,
    template: TemplateLike | None = ...,
) -> str: ...


@overload
def render(
    report: Report, form: Literal["docx"], *, template: TemplateLike | None = ...
) -> bytes: ...


@overload
def render(report: Report, form: str, *, template: TemplateLike | None = ...) -> str | bytes: ...


def render(report: Report, form: str, *, template: TemplateLike | None = None) -> str | bytes:
    """Write a report in one of the :data:`FORMS`, laid out as the template prints it.

    The title line is the report's own title (``report.metadata.title``), or the
    template's when it has none; then every numbered section heading the template
    declares (一 to 六, so that a rendered report lacks none) and each one's tables,
    with the caption, header and label cells the spec declares and every value as its
    raw text (or, when the report has none that reads as the value, the value written
    plainly, ``19万`` for an approximate one).  Tables and lines the report does not
    hold are not written, so they read back as absent, not BLANK (but a flat table,
    printed as one row, is written whole); a cell absent from a line that is written
    is written empty; a report without any table is written as the blank form.

    Args:
        report: the report.
        form: ``"text"`` (the tab layout :func:`gxschema.read` reads), ``"html"``,
            ``"markdown"``, ``"docx"``, or a form registered with a writer
            (:func:`gxschema.register_form`).
        template: the template to lay the report out with: an id, a declaration or a
            spec (default: the one the report was read with).

    Returns:
        The document: ``bytes`` for ``"docx"``, ``str`` for the other forms.

    Raises:
        ValueError: ``form`` is not a form gxschema writes, or a value cannot be
            written as text of its column's kind.
        UnknownTemplateError: ``template`` is None, the report carries no spec and its
            template is not registered.
    """
    names = ", ".join(f.name for f in forms(writable=True))
    try:
        writer = get_form(form).write
    except KeyError:
        raise ValueError(f"unknown form {form!r}; gxschema writes {names}") from None
    if writer is None:
        raise ValueError(f"gxschema reads {form} but does not write it; it writes {names}")
    return writer(lay_out(report, spec_of(report, template)))
