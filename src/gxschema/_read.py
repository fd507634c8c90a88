"""``read()``: from a path, bytes or text to a checked-shape :class:`Report`.

Input is untrusted: it is size-capped before it is decoded, its form is told by the
registered forms' sniffers (:mod:`gxschema._forms`), it is decoded strictly by its
form (a byte-order mark, else UTF-8, else GB18030, which covers GB2312 and GBK; HTML
also by its declared charset), and every failure is a
:class:`~gxschema.exceptions.ParseError` that names the source and where.
"""

from __future__ import annotations

import os
from pathlib import Path

from gxschema._forms import detect, read_grid
from gxschema._grid import MAX_INPUT_BYTES
from gxschema._mapper import map_grid
from gxschema._mark import apply_mark, find_mark
from gxschema._readers._pdf._budget import MAX_PDF_SECONDS, TIME_LIMIT
from gxschema._report import Report
from gxschema._resolve import TemplateLike, UnknownTemplateError, resolve_template
from gxschema._spec import TemplateSpec
from gxschema.exceptions import ParseError

__all__ = ["MAX_INPUT_BYTES", "MAX_PDF_SECONDS", "detect_form", "read"]

"""The input forms :func:`read` understands out of the box; by default detected from
the content.  Forms registered later (:func:`gxschema.register_form`) are read too."""


def _load(source: str | bytes | os.PathLike[str]) -> tuple[bytes | str, str]:
    """Return (content, name): bytes for files and bytes, str for text given as str."""
    if isinstance(source, bytes):
        if len(source) > MAX_INPUT_BYTES:
            raise ParseError(
                f"the input is over the {MAX_INPUT_BYTES}-byte limit", source="<bytes>"
            )
        return source, "<bytes>"
    if isinstance(source, str) and ("\n" in source or "\t" in source or "\r" in source):
        if len(source) > MAX_INPUT_BYTES:
            raise ParseError(f"the text is over {MAX_INPUT_BYTES} characters", source="<text>")
        return source, "<text>"
    if not isinstance(source, (str, os.PathLike)):
        raise TypeError(f"read() takes a path, bytes or text, not {type(source).__name__}")
    name = os.fspath(source)
    if not name or "\x00" in name:
        raise ParseError("not a file name (empty, or holding a NUL character)", source=repr(name))
    path = Path(name)
    try:
        if path.is_dir():
            raise ParseError("this is a directory, not a report file", source=name)
        size = path.stat().st_size
        if size > MAX_INPUT_BYTES:
            raise ParseError(
                f"the file is {size} bytes, over the {MAX_INPUT_BYTES} limit", source=name
            )
        with path.open("rb") as handle:
            data = handle.read(MAX_INPUT_BYTES + 1)
    except OSError as exc:
        raise ParseError(f"cannot read the file: {exc.strerror or exc}", source=name) from None
    if len(data) > MAX_INPUT_BYTES:
        raise ParseError(f"the file is over the {MAX_INPUT_BYTES}-byte limit", source=name)
    return data, name


def detect_form(content: bytes | str, name: str = "") -> str:
    """Tell the form of an input from its content (the file name's suffix only breaks ties).

    Every registered form's sniffer is asked (the readers' own ``looks_like_*``); the
    most certain answer wins, so a page saved as UTF-16 with a byte-order mark is HTML
    and a .docx is a .docx whatever its name.  Text no form claims is plain text, or
    the form its file name's suffix names (``.html``, ``.md``).

    Args:
        content: the input's bytes, or its text.
        name: the file name, if any.

    Returns:
        The name of a registered form: ``text``, ``plain``, ``markdown``, ``html``,
        ``docx``, ``pdf``, or one registered with :func:`gxschema.register_form`.

    Raises:
        ParseError: binary content that is none of the forms.
    """
    return detect(content, name).name


def _candidates(template: TemplateLike | None) -> list[TemplateSpec]:
    from gxschema import templates

    if template is None:
        return [templates.get(t) for t in templates.available()]
    try:
        return [resolve_template(template)]
    except UnknownTemplateError as exc:
        raise ParseError(str(exc)) from None


def read(
    source: str | bytes | os.PathLike[str],
    *,
    template: TemplateLike | None = None,
    form: str | None = None,
    time_limit: float | None = None,
) -> Report:
    """Read a report.

    Args:
        source: a path, the file's bytes, or its text (a ``str`` containing a newline
            or tab is taken as text, any other ``str`` as a path).
        template: a template id, declaration or spec to read with.  By default every
            registered template is tried and the best-fitting one is kept; a table whose
            own labels fit another template's declaration better is read with that one
            (the report's template is then a composite id such as
            ``national-2021[s3=national-2019]``).  The reason is recorded per table in
            ``report.detection``.
        form: the input form's name (``text``, ``plain``, ``markdown``, ``html``,
            ``docx``, ``pdf``, or one registered with :func:`gxschema.register_form`);
            detected from the content when None.
        time_limit: the seconds a PDF may take to read (default
            ``MAX_PDF_SECONDS``, 10): the reader stops with a
            :class:`~gxschema.exceptions.ParseError` naming the limit once it is spent.
            The other forms are bounded by their size limits instead.

    Returns:
        The report, every cell with its value, raw text and location, and the rows and
        columns the template does not know in ``report.extras``.

    Raises:
        ParseError: the input cannot be read, holds no known table, or a cell cannot be
            read as its column's kind (the message names the cell and where it is).
    """
    from gxschema.templates import compose

    if time_limit is not None and not time_limit > 0:
        raise ValueError(f"time_limit must be a positive number of seconds, not {time_limit!r}")
    content, name = _load(source)
    token = TIME_LIMIT.set(time_limit)
    try:
        grid = read_grid(content, name, form)
    finally:
        TIME_LIMIT.reset(token)
    mark = find_mark(grid)
    if template is None and mark is not None:
        try:  # written by gxschema: read with the template it was laid out with
            return apply_mark(map_grid(grid, [resolve_template(mark.template)]), mark)
        except (UnknownTemplateError, ParseError):
            pass  # an id this installation lacks, or a line the document does not fit
    candidates = _candidates(template)
    report = map_grid(grid, candidates, compose=compose if template is None else None)
    if mark is None or mark.template != report.template:
        return report
    return apply_mark(report, mark)
