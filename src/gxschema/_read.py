"""``read()``: from a path, bytes or text to a checked-shape :class:`Report`.

Input is untrusted: it is size-capped before it is decoded, decoded strictly (UTF-8,
then GB18030, which covers GB2312 and GBK), and every failure is a
:class:`~gxschema.exceptions.ParseError` that names the source and where.
"""

from __future__ import annotations

import importlib
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Literal, TypeAlias

from gxschema._grid import Grid
from gxschema._mapper import map_grid
from gxschema._readers._text import looks_like_tab_layout, read_tab_layout
from gxschema._report import Report
from gxschema._spec import TemplateSpec
from gxschema._template import Template
from gxschema.exceptions import ParseError

__all__ = ["FORMS", "MAX_INPUT_BYTES", "Form", "decode_text", "detect_form", "read"]

MAX_INPUT_BYTES = 50 * 1024 * 1024
"""Inputs larger than this are refused before they are read."""

Form: TypeAlias = Literal["text", "plain", "markdown", "html", "docx", "pdf"]
FORMS: tuple[str, ...] = ("text", "plain", "markdown", "html", "docx", "pdf")
"""The input forms :func:`read` understands; by default detected from the content."""

_SUFFIXES = {
    ".htm": "html", ".html": "html", ".shtml": "html", ".xhtml": "html",
    ".docx": "docx", ".pdf": "pdf", ".md": "markdown", ".markdown": "markdown",
}  # fmt: skip


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
    if len(data) > MAX_INPUT_BYTES:
        raise ParseError(f"the file is over the {MAX_INPUT_BYTES}-byte limit", source=name)
    return data, name


def decode_text(data: bytes, name: str) -> str:
    """Decode text bytes: UTF-8 (BOM allowed), else GB18030 (covers GB2312 and GBK).

    Raises:
        ParseError: neither decodes, or the bytes are binary.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if b"\x00" in data[:65536]:
        raise ParseError("the input is binary, not text", source=name)
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


_HTML_HEAD = re.compile(
    rb"^(\xef\xbb\xbf)?\s*<(!doctype\s+html|html|head|body|meta|table|\?xml)", re.I
)


def _text_form(text: str) -> str:
    from gxschema._readers._markdown import looks_like_markdown

    if looks_like_tab_layout(text):
        return "text"
    if looks_like_markdown(text):
        return "markdown"
    if _HTML_HEAD.search(text[:4096].encode("utf-8", "replace")):
        return "html"
    return "plain"


def detect_form(content: bytes | str, name: str = "") -> str:
    """Tell the form of an input from its content (the file name's suffix only breaks ties).

    Args:
        content: the input's bytes, or its text.
        name: the file name, if any.

    Returns:
        One of :data:`FORMS`.

    Raises:
        ParseError: binary content that is none of the forms.
    """
    if isinstance(content, str):
        return _text_form(content)
    head = content[:4096]
    if head.startswith(b"%PDF-") or b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx"
    if _HTML_HEAD.search(head[:4096]):
        return "html"
    suffix = Path(name).suffix.lower()
    if suffix in ("", ".txt", ".md", ".markdown", ".htm", ".html") or b"\x00" not in head:
        form = _text_form(decode_text(content, name))
        if form == "plain" and _SUFFIXES.get(suffix) in ("html", "markdown"):
            return _SUFFIXES[suffix]
        return form
    raise ParseError("the input is neither text, HTML, Word (.docx) nor PDF", source=name)


def _reader(form: str) -> Callable[..., Grid]:
    """The reader of a binary or markup form, imported when first needed."""
    try:
        module = importlib.import_module(f"gxschema._readers._{form}")
    except ImportError as exc:
        raise ParseError(f"reading {form} is not available in this installation: {exc}") from None
    reader: Callable[..., Grid] = getattr(module, f"read_{form}")
    return reader


def _grid(content: bytes | str, name: str, form: str | None) -> Grid:
    if form is not None and form not in FORMS:
        raise ParseError(f"unknown form {form!r}; gxschema reads {', '.join(FORMS)}", source=name)
    form = form or detect_form(content, name)
    if form in ("docx", "pdf"):
        if isinstance(content, str):
            raise ParseError(f"a {form} file is binary: pass its path or bytes", source=name)
        return _reader(form)(content, source=name)
    if form == "html":
        return _reader(form)(content, source=name)
    text = content if isinstance(content, str) else decode_text(content, name)
    if form == "markdown":
        from gxschema._readers._markdown import read_markdown

        return read_markdown(text, source=name)
    if form == "plain":
        from gxschema._readers._plain import read_plain

        return read_plain(text, source=name)
    return read_tab_layout(text, source=name)


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
        form: the input form (one of :data:`FORMS`); detected from the content when
            None.

    Returns:
        The report, every cell with its value, raw text and location, and the rows and
        columns the template does not know in ``report.extras``.

    Raises:
        ParseError: the input cannot be read, holds no known table, or a cell cannot be
            read as its column's kind (the message names the cell and where it is).
    """
    from gxschema.templates import compose

    content, name = _load(source)
    grid = _grid(content, name, form)
    candidates = _candidates(template)
    return map_grid(grid, candidates, compose=compose if template is None else None)
