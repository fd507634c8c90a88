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

import attrs
import orjson

from gxschema._forms import decode_text, detect, read_grid
from gxschema._grid import MAX_CELL_CHARS, MAX_INPUT_BYTES
from gxschema._mapper import NoTableFound, map_grid
from gxschema._mark import apply_mark, find_mark
from gxschema._readers._pdf._budget import MAX_PDF_SECONDS, TIME_LIMIT
from gxschema._report import Report
from gxschema._resolve import TemplateLike, UnknownTemplateError, resolve_template
from gxschema._spec import TemplateSpec
from gxschema.exceptions import CellErrors, ParseError

__all__ = ["MAX_INPUT_BYTES", "MAX_PDF_SECONDS", "detect_form", "load", "read", "read_loaded"]

"""The input forms :func:`read` understands out of the box; by default detected from
the content.  Forms registered later (:func:`gxschema.register_form`) are read too."""


def load(source: str | bytes | os.PathLike[str]) -> tuple[bytes | str, str]:
    """Return a source's content (size-capped) and name, as :func:`read` loads it.

    Raises:
        ParseError: the file cannot be read or is over the size limit.
    """
    return _load(source)


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


_TEXT_FORMS = ("text", "plain", "markdown")
"""The built-in text forms: their readers refuse some layouts (hundreds of cells on a
line) that the aligner, which needs only the order of the text, still reads."""


def _as_text(content: bytes | str, name: str, form: str | None) -> str | None:
    """The input as text when it is one of the built-in text forms, else None."""
    try:
        chosen = form if form is not None else detect(content, name).name
    except ParseError:
        return None
    if chosen not in _TEXT_FORMS:
        return None
    if isinstance(content, str):
        return content
    try:
        return decode_text(content, name)
    except ParseError:
        return None


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

    Where the grid readers find no table, or an incomplete one (text whose cells ran
    together, Markdown converted from a PDF, a PDF without ruling lines), the text is
    aligned with the declaration (:mod:`gxschema._align`): cells read that way say how
    (``Cell.how``), and cells the rules cannot determine are named in
    ``report.ambiguities``, never guessed.
    """
    from gxschema._align import MAX_ALIGN_CHARS, align, complete, covered, text_grid
    from gxschema.templates import compose

    if time_limit is not None and not time_limit > 0:
        raise ValueError(f"time_limit must be a positive number of seconds, not {time_limit!r}")
    content, name = _load(source)
    candidates = _candidates(template)
    token = TIME_LIMIT.set(time_limit)
    try:
        grid = read_grid(content, name, form)
    except ParseError:
        # A text whose layout the form's reader refuses (hundreds of cells on a line of
        # crawled page text) may still hold the tables, to be aligned line by line.
        # Only a text of a report's size: one refused for its size stays refused.
        text = _as_text(content, name, form)
        if text is not None and (
            len(text) > MAX_ALIGN_CHARS
            or max(map(len, text.splitlines()), default=0) > MAX_CELL_CHARS
        ):
            raise
        aligned = None if text is None else align(text_grid(text, name), candidates)
        if aligned is None:
            raise
        return aligned
    finally:
        TIME_LIMIT.reset(token)
    mark = find_mark(grid)
    if template is None and mark is not None:
        try:  # written by gxschema: read with the template it was laid out with
            marked = apply_mark(map_grid(grid, [resolve_template(mark.template)]), mark)
            return complete(marked, grid)
        except (UnknownTemplateError, ParseError):
            pass  # an id this installation lacks, or a line the document does not fit
    try:
        report = map_grid(grid, candidates, compose=compose if template is None else None)
    except NoTableFound:
        aligned = align(grid, candidates)
        if aligned is None:
            raise
        return aligned
    except CellErrors:
        # Cells that are not numbers may be a table whose cells ran together (a label
        # and digits in one cell): aligned, every declared cell must be read, or named
        # with the readings the rules leave, else the cells' errors stand.
        aligned = align(grid, candidates)
        if aligned is None or not covered(aligned):
            raise
        if any(not a.readings for a in aligned.ambiguities):
            raise
        return aligned
    if mark is None or mark.template != report.template:
        return complete(report, grid)
    return apply_mark(report, mark)


_JSON_START = (b"{", b"[")


def _as_report_json(content: bytes | str) -> object | None:
    """The parsed JSON when the content is report JSON (``extract``'s output), else None."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    data = data.removeprefix(b"\xef\xbb\xbf").lstrip()
    if not data.startswith(_JSON_START):
        return None
    try:
        parsed = orjson.loads(data)
    except orjson.JSONDecodeError:
        return None
    items = parsed if isinstance(parsed, list) else [parsed]
    if items and all(isinstance(i, dict) and "template" in i and "tables" in i for i in items):
        found: object = parsed
        return found
    return None


def read_loaded(
    content: bytes | str, name: str, *, template: TemplateLike | None = None
) -> list[tuple[str, Report]]:
    """Read already loaded content: a report in any form, or report JSON.

    Report JSON is :func:`gxschema.to_json`'s output, or ``gxschema extract``'s (a list
    of reports, each with the ``file`` it was read from); a hand-corrected report can so
    be checked again.

    Args:
        content: the bytes (or text) of the input.
        name: the name it is reported under.
        template: read with this template instead of detecting it (JSON names its own).

    Returns:
        (name, report) pairs: one for a report, one per entry of a JSON list, named
        ``NAME:FILE`` after the file each entry names.

    Raises:
        ParseError: the input cannot be read (the message names it).
    """
    from gxschema._serialize import from_json

    parsed = _as_report_json(content)
    if parsed is None:
        try:
            data = content.encode("utf-8") if isinstance(content, str) else content
            report = read(data, template=template, form=detect_form(data, name))
        except ParseError as exc:
            raise ParseError(exc.message, source=name, location=exc.location) from None
        return [(name, attrs.evolve(report, source=name))]
    items = parsed if isinstance(parsed, list) else [parsed]
    out: list[tuple[str, Report]] = []
    for i, item in enumerate(items):
        assert isinstance(item, dict)
        label = item.pop("file", None)
        entry = name if not isinstance(parsed, list) else f"{name}:{label or i}"
        try:
            report = from_json(orjson.dumps(item))
        except ParseError as exc:
            raise ParseError(exc.message, source=entry, location=exc.location) from None
        out.append((entry, attrs.evolve(report, source=report.source or entry)))
    return out
