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

from gxschema._forms import detect, read_grid
from gxschema._grid import MAX_INPUT_BYTES
from gxschema._mapper import map_grid
from gxschema._report import Report
from gxschema._resolve import TemplateLike, UnknownTemplateError, resolve_template
from gxschema._spec import TemplateSpec
from gxschema.exceptions import ParseError

__all__ = ["MAX_INPUT_BYTES", "detect_form", "load", "read", "read_loaded"]

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

    Returns:
        The report, every cell with its value, raw text and location, and the rows and
        columns the template does not know in ``report.extras``.

    Raises:
        ParseError: the input cannot be read, holds no known table, or a cell cannot be
            read as its column's kind (the message names the cell and where it is).
    """
    from gxschema.templates import compose

    content, name = _load(source)
    grid = read_grid(content, name, form)
    candidates = _candidates(template)
    return map_grid(grid, candidates, compose=compose if template is None else None)


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
