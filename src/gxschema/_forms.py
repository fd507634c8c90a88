"""The forms a report comes in, as codecs over one :class:`~gxschema._grid.Grid`.

A :class:`Form` says how to tell a document of its form from its content (``sniff``),
how to read one into a grid (``read``) and, when gxschema can write the form, how to
write a grid as a document (``write``).  :func:`gxschema.read`, :func:`gxschema.detect_form`,
:func:`gxschema.render`, the command line and the renderings strategy all ask this
registry; nothing else knows which forms exist.

The built-in forms, in order: ``text`` (the tab layout of a table copied out of Word),
``html``, ``markdown`` (pipe tables), ``docx``, ``plain`` (tables flattened to lines of
words; read only) and ``pdf`` (read only, through the optional ``pdf`` extra).  Each reader
module owns its sniffer (``looks_like_*``); the registry only weighs their answers.

A form of your own is registered with :func:`register_form`::

    import gxschema as gx
    from gxschema._grid import Grid, GridBuilder, GridCell, GridRow


    def read_csv(text: str, source: str) -> Grid:
        rows = GridBuilder(source, "csv")
        for n, line in enumerate(text.splitlines(), start=1):
            where = gx.Location(line=n)
            cells = tuple(
                GridCell(t, gx.Location(line=n, column=i + 1))
                for i, t in enumerate(line.split(","))
            )
            rows.add(GridRow(cells, where, heading=len(cells) == 1))
        return rows.build()


    gx.register_form(
        gx.Form(
            "csv",
            suffixes=(".csv",),
            sniff=lambda sample: 35 if sample.name.endswith(".csv") else 0,
            read=read_csv,
        )
    )

after which ``gx.read("report.csv")`` reads it (the mapper does the rest, as for every
form) and ``gx.read(data, form="csv")`` names it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import attrs

from gxschema._readers._markdown import looks_like_markdown, read_markdown
from gxschema._readers._pdf import looks_like_pdf, read_pdf
from gxschema._readers._plain import read_plain
from gxschema._readers._text import looks_like_tab_layout, read_tab_layout
from gxschema.exceptions import ParseError

if TYPE_CHECKING:
    from gxschema._grid import Grid

__all__ = [
    "Form",
    "Sample",
    "decode_text",
    "detect",
    "forms",
    "get_form",
    "read_grid",
    "register_form",
]

SNIFF_BYTES = 4096
"""How much of an input the sniffers look at (its first bytes)."""

# Sniff strengths of the built-in forms: a magic number is sure; an HTML tag is surer than
# lines starting with tabs (pages indent their markup with tabs), which are surer than a
# pipe table (a tab layout may hold a cell of pipes); any text at all is plain text.
SURE = 100
LIKELY = 60
PLAUSIBLE = 40
POSSIBLE = 30
FALLBACK = 1
_SUFFIX = 2  # text named with a form's suffix is that form rather than plain text


_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def decode_text(data: bytes, name: str) -> str:
    """Decode the bytes of a text form: by its byte-order mark, else UTF-8, else GB18030.

    A UTF-8 or UTF-16 (LE or BE) byte-order mark decides the encoding (Windows'
    Notepad saves "Unicode" text as UTF-16 with a mark).  Otherwise the text is UTF-8
    when it decodes as such, else GB18030 (which covers GB2312 and GBK).

    Args:
        data: the input's bytes.
        name: the input's name, for errors.

    Returns:
        The text, without the byte-order mark.

    Raises:
        ParseError: neither decodes, or the bytes are binary.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(codec)
            except UnicodeDecodeError as exc:
                raise ParseError(
                    f"the input is not {codec} text, as its byte-order mark says "
                    f"(bad byte at offset {exc.start + len(bom)})",
                    source=name,
                ) from None
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


class Sample:
    """An input as the sniffers see it: its first bytes, its name and, on demand, its text.

    Args:
        content: the input's bytes, or its text.
        name: its file name, if any.

    Attributes:
        head: the first :data:`SNIFF_BYTES` bytes (text is encoded as UTF-8).
        name: the file name, or ``""``.
        data: the whole input's bytes, or None when it was given as text.
    """

    def __init__(self, content: bytes | str, name: str = "") -> None:
        self.name = name
        self.data: bytes | None
        if isinstance(content, str):
            self.data = None
            self._text: str | None = content
            self.head = content[:SNIFF_BYTES].encode("utf-8", "replace")[:SNIFF_BYTES]
        else:
            self.data = content
            self.head = content[:SNIFF_BYTES]

    @functools.cached_property
    def text(self) -> str | None:
        """The input decoded as a text form is (:func:`decode_text`), or None if it is not."""
        if self.data is None:
            return self._text
        try:
            return decode_text(self.data, self.name)
        except ParseError:
            return None

    @property
    def suffix(self) -> str:
        """The file name's suffix, lower-cased (``".html"``), or ``""``."""
        return Path(self.name).suffix.lower()


Reader = Callable[..., "Grid"]
"""``read(content, source) -> Grid``: ``content`` is ``str`` for a text form, ``bytes``
for a binary one."""
Writer = Callable[["Grid"], "str | bytes"]


@attrs.frozen
class Form:
    """One form a report comes in: how to recognise, read and write it.

    Attributes:
        name: the form's name (``"html"``), as ``read(form=…)`` and ``render`` take it.
        suffixes: file-name suffixes of the form (``(".htm", ".html")``); a text input
            whose content names no form is read as the form its suffix names.
        sniff: how strongly an input looks like this form, from a :class:`Sample`: 0
            when it does not, up to 100 when it surely does (a magic number); the
            built-in forms answer 100 (PDF, .docx), 60 (HTML), 40 (tab layout), 30
            (Markdown) and 1 (any text: plain).  The strongest wins; a tie goes to the
            form registered first.
        read: the reader, ``read(content, source) -> Grid``; ``content`` is the text
            (``str``) for a text form, the bytes for a binary one; None when the form
            cannot be read.
        write: the writer, ``write(grid) -> str`` (``bytes`` for a binary form); None
            when gxschema does not write the form.
        binary: whether documents of the form are bytes (``docx``, ``pdf``) rather
            than text.
        decode: for a text form, how its bytes become text (default
            :func:`decode_text`; HTML declares its charset in the page).
        most: the strongest answer ``sniff`` ever gives; detection does not ask a form
            that cannot beat the answer it has (so an HTML page is not also decoded and
            scanned for a tab layout).
    """

    name: str
    sniff: Callable[[Sample], int] = attrs.field(repr=False)
    read: Reader | None = attrs.field(default=None, repr=False)
    write: Writer | None = attrs.field(default=None, repr=False)
    suffixes: tuple[str, ...] = ()
    binary: bool = False
    decode: Callable[[bytes, str], str] = attrs.field(default=decode_text, repr=False)
    most: int = attrs.field(default=SURE, repr=False)

    def read_content(self, content: bytes | str, source: str) -> Grid:
        """Read an input of this form, given as bytes or text, into a grid.

        Raises:
            ParseError: the form cannot be read, a binary form is given as text, or the
                reader fails.
        """
        if self.read is None:
            raise ParseError(f"gxschema does not read {self.name}", source=source)
        if self.binary:
            if isinstance(content, str):
                raise ParseError(
                    f"a {self.name} file is binary: pass its path or bytes", source=source
                )
            return self.read(content, source)
        text = content if isinstance(content, str) else self.decode(content, source)
        return self.read(text, source)


_REGISTRY: dict[str, Form] = {}
# The readable forms, surest first (see _detect), and the registry they were ranked from.
_RANKED: list[tuple[int, Form]] = []
_RANKED_FROM: list[tuple[Form, ...]] = [()]


def register_form(form: Form, *, replace: bool = False) -> None:
    """Register a form, so that reading, detection and rendering know it.

    Args:
        form: the form (see the module's example).
        replace: replace a registered form of the same name (a built-in one too).

    Raises:
        ValueError: a form of that name is registered and ``replace`` is False.
    """
    if form.name in _REGISTRY and not replace:
        raise ValueError(f"a form named {form.name!r} is registered already")
    _REGISTRY[form.name] = form


def forms(*, readable: bool = False, writable: bool = False) -> tuple[Form, ...]:
    """The registered forms, in the order they were registered.

    Args:
        readable: only those gxschema reads.
        writable: only those gxschema writes.
    """
    return tuple(
        f
        for f in _REGISTRY.values()
        if (not readable or f.read is not None) and (not writable or f.write is not None)
    )


def get_form(name: str) -> Form:
    """The registered form of this name.

    Raises:
        KeyError: no such form (the message lists the registered ones).
    """
    try:
        return _REGISTRY[name]
    except KeyError:
        known = ", ".join(_REGISTRY)
        raise KeyError(f"unknown form {name!r}; gxschema knows {known}") from None


def detect(content: bytes | str, name: str = "") -> Form:
    """The registered form an input is, from its content (the name's suffix breaks ties).

    Args:
        content: the input's bytes, or its text.
        name: its file name, if any.

    Raises:
        ParseError: no readable form recognises it.
    """
    return _detect(Sample(content, name))


def _detect(sample: Sample) -> Form:
    name = sample.name
    best: Form | None = None
    strength = order = 0
    # The surest forms first, so that the others are asked only when they can still win.
    registered = tuple(_REGISTRY.values())
    if registered != _RANKED_FROM[0]:
        readable = enumerate(forms(readable=True))
        _RANKED[:] = sorted(readable, key=lambda io: -max(io[1].most, _SUFFIX))
        _RANKED_FROM[0] = registered
    for i, form in tuple(_RANKED):
        if strength > max(form.most, _SUFFIX):
            continue
        score = form.sniff(sample)
        if (
            score < _SUFFIX
            and sample.suffix in form.suffixes
            and not form.binary
            and sample.text is not None
        ):
            score = _SUFFIX
        if score > strength or (score == strength and score and i < order):
            best, strength, order = form, score, i
    if best is None:
        names = ", ".join(f.name for f in forms(readable=True))
        raise ParseError(f"the input is none of the forms gxschema reads ({names})", source=name)
    return best


def read_grid(content: bytes | str, name: str, form: str | None = None) -> Grid:
    """Read an input into a grid, in the form named or detected.

    Args:
        content: the input's bytes, or its text.
        name: its name, for errors (and its suffix, for detection).
        form: the form's name; detected from the content when None.

    Raises:
        ParseError: an unknown form, or the form's reader fails.
    """
    sample = Sample(content, name)
    if form is None:
        chosen = _detect(sample)
    else:
        try:
            chosen = get_form(form)
        except KeyError as exc:
            raise ParseError(str(exc.args[0]), source=name) from None
    if isinstance(content, bytes) and not chosen.binary and chosen.decode is decode_text:
        content = sample.text or content  # decoded once, for sniffing and reading alike
    return chosen.read_content(content, name)


# -- the built-in forms ---------------------------------------------------------------------
# The readers of HTML and Word, and every writer, are imported when first used: a
# program that reads text need not load an HTML parser.  PDF's reader imports
# pdfplumber (the optional extra) only when it reads.


def _text_sniff(sample: Sample) -> int:
    text = sample.text
    return PLAUSIBLE if text is not None and looks_like_tab_layout(text) else 0


def _text_read(text: str, source: str) -> Grid:
    return read_tab_layout(text, source=source)


def _text_write(grid: Grid) -> str:
    from gxschema._writers._text import write_text

    return write_text(grid)


def _plain_sniff(sample: Sample) -> int:
    return FALLBACK if sample.text is not None else 0


def _plain_read(text: str, source: str) -> Grid:
    return read_plain(text, source=source)


def _markdown_sniff(sample: Sample) -> int:
    text = sample.text
    return POSSIBLE if text is not None and looks_like_markdown(text) else 0


def _markdown_read(text: str, source: str) -> Grid:
    return read_markdown(text, source=source)


def _markdown_write(grid: Grid) -> str:
    from gxschema._writers._markdown import write_markdown

    return write_markdown(grid)


def _html_sniff(sample: Sample) -> int:
    from gxschema._readers._html import looks_like_html

    return LIKELY if looks_like_html(sample.head) else 0


def _html_decode(data: bytes, source: str) -> str:
    from gxschema._readers._html import decode_html

    return decode_html(data)


def _html_read(text: str, source: str) -> Grid:
    from gxschema._readers._html import read_html

    return read_html(text, source=source)


def _html_write(grid: Grid) -> str:
    from gxschema._writers._html import write_html

    return write_html(grid)


def _docx_sniff(sample: Sample) -> int:
    from gxschema._readers._docx import looks_like_docx

    return SURE if looks_like_docx(sample.head) else 0


def _docx_read(data: bytes, source: str) -> Grid:
    from gxschema._readers._docx import read_docx

    return read_docx(data, source=source)


def _docx_write(grid: Grid) -> bytes:
    from gxschema._writers._docx import write_docx

    return write_docx(grid)


def _pdf_sniff(sample: Sample) -> int:
    return SURE if looks_like_pdf(sample.head) else 0


def _pdf_read(data: bytes, source: str) -> Grid:
    # read_pdf imports pdfplumber (the 'pdf' extra) only now, and names the extra when
    # it is missing.
    return read_pdf(data, source=source)


for _form in (
    Form("text", _text_sniff, _text_read, _text_write, most=PLAUSIBLE),
    Form(
        "html",
        _html_sniff,
        _html_read,
        _html_write,
        (".htm", ".html", ".shtml", ".xhtml"),
        decode=_html_decode,
        most=LIKELY,
    ),
    Form(
        "markdown",
        _markdown_sniff,
        _markdown_read,
        _markdown_write,
        (".md", ".markdown"),
        most=POSSIBLE,
    ),
    Form("docx", _docx_sniff, _docx_read, _docx_write, (".docx",), binary=True),
    Form("plain", _plain_sniff, _plain_read, most=FALLBACK),
    Form("pdf", _pdf_sniff, _pdf_read, suffixes=(".pdf",), binary=True),
):
    register_form(_form)
del _form
