"""``read()``: from a path, bytes or text to a checked-shape :class:`Report`.

Input is untrusted: it is size-capped before it is decoded, decoded strictly (UTF-8,
then GB18030, which covers GB2312 and GBK), and every failure is a
:class:`~gxschema.exceptions.ParseError` that names the source and where.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal, TypeAlias

from gxschema._grid import Grid
from gxschema._mapper import map_grid
from gxschema._readers._text import looks_like_tab_layout, read_tab_layout
from gxschema._report import Report
from gxschema._spec import Template, TemplateSpec
from gxschema.exceptions import ParseError

__all__ = ["MAX_INPUT_BYTES", "Form", "Source", "read"]

MAX_INPUT_BYTES = 50 * 1024 * 1024
"""Inputs larger than this are refused before they are read."""

Form: TypeAlias = Literal["text"]
Source: TypeAlias = "str | bytes | os.PathLike[str]"
FORMS: tuple[str, ...] = ("text",)


def _load(source: str | bytes | os.PathLike[str]) -> tuple[str, str]:
    """Return (decoded text, name) for a path, bytes or text."""
    if isinstance(source, bytes):
        return _decode(source, "<bytes>"), "<bytes>"
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
    if path.is_dir():
        raise ParseError("this is a directory, not a report file", source=name)
    try:
        size = path.stat().st_size
        if size > MAX_INPUT_BYTES:
            raise ParseError(
                f"the file is {size} bytes, over the {MAX_INPUT_BYTES} limit", source=name
            )
        with path.open("rb") as handle:
            data = handle.read(MAX_INPUT_BYTES + 1)
    except OSError as exc:
        raise ParseError(f"cannot read the file: {exc.strerror or exc}", source=name) from None
    return _decode(data, name), name


def _decode(data: bytes, name: str) -> str:
    if len(data) > MAX_INPUT_BYTES:
        raise ParseError(f"the input is over the {MAX_INPUT_BYTES}-byte limit", source=name)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise ParseError(
            f"the input is neither UTF-8 nor GB18030 text (bad byte at offset {exc.start})",
            source=name,
        ) from None


def _grid(text: str, name: str, form: str | None) -> Grid:
    if form is not None and form not in FORMS:
        raise ParseError(
            f"unknown form {form!r}; this version reads {', '.join(FORMS)}", source=name
        )
    if "\x00" in text:
        raise ParseError("the input is binary, not text", source=name)
    if form == "text" or looks_like_tab_layout(text):
        return read_tab_layout(text, source=name)
    raise ParseError(
        "no table found: this version reads the tab layout of tables copied out of "
        "Word or a web page (cells start with a tab, rows end with an empty line)",
        source=name,
    )


def _candidates(template: str | Template | TemplateSpec | None) -> list[TemplateSpec]:
    from gxschema import templates

    if template is None:
        return [templates.get(t) for t in templates.available()]
    if isinstance(template, TemplateSpec):
        return [template]
    if isinstance(template, Template):
        return [template.spec]
    try:
        return [templates.get(template)]
    except KeyError as exc:
        raise ParseError(str(exc.args[0])) from None


def read(
    source: str | bytes | os.PathLike[str],
    *,
    template: str | Template | TemplateSpec | None = None,
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
        form: the input form; detected from the content when None.

    Returns:
        The report, every cell with its value, raw text and location, and the rows and
        columns the template does not know in ``report.extras``.

    Raises:
        ParseError: the input cannot be read, holds no known table, or a cell cannot be
            read as its column's kind (the message names the cell and where it is).
    """
    from gxschema.templates import compose

    text, name = _load(source)
    grid = _grid(text, name, form)
    candidates = _candidates(template)
    return map_grid(grid, candidates, compose=compose if template is None else None)
