"""A batch of check pages: read, check and diagnose each file, write its page, then the index.

Each file is read, hashed and checked on its own and summed up as an index row before
the next one, so a batch of 10⁴ reports needs the memory of one.  A file that cannot be
read still gets its page (verdict ``unreadable``, with the reader's message) and its row.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path, PurePath

import attrs

from gxschema._check import Verdict, check
from gxschema._diagnose import diagnose
from gxschema._forms import forms
from gxschema._page._index_page import Row, index_html, row_of, unreadable_row
from gxschema._page._report_page import report_page, unreadable_page
from gxschema._read import read
from gxschema._resolve import TemplateLike
from gxschema.batch._inputs import report_like
from gxschema.exceptions import GxSchemaError

__all__ = ["INDEX", "BatchResult", "files_of", "page_name", "write_pages"]

INDEX = "index.html"
"""The index page's file name in the output directory."""

_UNSAFE = re.compile(r"[^\w.\-]+")


def page_name(source: str) -> str:
    """The file name of a report's page: its own name, made safe, with ``.html`` added."""
    name = _UNSAFE.sub("_", PurePath(source).name).strip("._") or "report"
    return f"{name}.html"


def _suffixes() -> frozenset[str]:
    return frozenset({".txt", *(s for f in forms(readable=True) for s in f.suffixes)})


def files_of(paths: Iterable[str | Path]) -> Iterator[Path]:
    """The files named, a directory giving its files of a readable form, recursively.

    A named file is taken whatever its name; in a directory, hidden files, files whose
    suffix names no form gxschema reads (``.txt`` counts as text) and folder documents
    (``README.md``, ``LICENSE.txt``), as in a batch's directory walk, are left out.
    """
    suffixes = _suffixes()
    for path in map(Path, paths):
        if path.is_dir():
            for found in sorted(path.rglob("*")):
                hidden = any(p.startswith(".") for p in found.relative_to(path).parts)
                if found.is_file() and not hidden and report_like(found.name, suffixes):
                    yield found
        else:
            yield path


@attrs.frozen
class BatchResult:
    """What a batch wrote.

    Attributes:
        pages: per input file, the page written (relative to the output directory).
        verdicts: the verdict of each file, in the same order.
        index: the index page, or None when none was written.
    """

    pages: tuple[tuple[str, str], ...]
    verdicts: tuple[Verdict, ...]
    index: Path | None


def _sha256(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def write_pages(
    paths: Sequence[str | Path],
    out: str | Path,
    *,
    template: TemplateLike | None = None,
    lang: str = "zh",
    index: bool = True,
    title: str = "gxschema",
    version: str = "",
    on_file: Callable[[str, Verdict, str | None], None] | None = None,
) -> BatchResult:
    """Write a check page per file and, with ``index``, the batch's index page.

    Args:
        paths: files, or directories (see :func:`files_of`).
        out: the output directory (made when missing).
        template: read every file with this template instead of detecting it.
        lang: the language the pages open in (``"zh"`` or ``"en"``).
        index: whether to write ``index.html``.
        title: the index page's title.
        version: the gxschema version the pages name.
        on_file: called per file with its name, verdict and, when it could not be
            read, the message.

    Returns:
        The pages written and the verdicts.
    """
    target = Path(out)
    target.mkdir(parents=True, exist_ok=True)
    taken: set[str] = {INDEX}
    rows: list[Row] = []
    pages: list[tuple[str, str]] = []
    verdicts: list[Verdict] = []
    for path in files_of(paths):
        file = str(path)
        name = page_name(file)
        stem, n = name[: -len(".html")], 2
        while name in taken:
            name, n = f"{stem}-{n}.html", n + 1
        taken.add(name)
        digest = _sha256(path)
        message: str | None = None
        try:
            report = read(path, template=template)
        except (GxSchemaError, OSError) as exc:
            message = str(exc)
            html = unreadable_page(file, message, sha256=digest, version=version, lang=lang)
            rows.append(unreadable_row(file, name, message))
            verdict: Verdict = "unreadable"
        else:
            result = check(report)
            explanations = diagnose(report, limit=1) if not result.ok else []
            html = report_page(
                result, explanations, source=file, sha256=digest, version=version, lang=lang
            )
            rows.append(row_of(result, file=file, href=name))
            verdict = result.verdict
        (target / name).write_text(html, encoding="utf-8")
        pages.append((file, name))
        verdicts.append(verdict)
        if on_file is not None:
            on_file(file, verdict, message)
    written = None
    if index:
        written = target / INDEX
        written.write_text(
            index_html(rows, title=title, lang=lang, version=version), encoding="utf-8"
        )
    return BatchResult(tuple(pages), tuple(verdicts), written)
