"""Check pages: a self-contained static HTML page per report, and an index per batch.

A page needs no network: its style sheet and script are inline, it loads no font and no
library, and it opens from ``file://``.  :func:`page` makes the page of one report,
:func:`index_page` the index of several; the ``gxschema report`` command writes both for
a batch of files (:func:`write_pages`).

The package: ``_text`` (the words, in Chinese and English), ``_assets`` (the inline CSS
and scripts), ``_report_page`` (one report), ``_index_page`` and ``_charts`` (the batch),
``_series`` (the cross-year breaks the index charts), ``_batch`` (files to pages) and
``_cli`` (the command).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from gxschema._check import CheckResult, check
from gxschema._diagnose import Explanation, diagnose
from gxschema._page._batch import BatchResult, files_of, page_name, write_pages
from gxschema._page._index_page import Row, index_html, row_of, unreadable_row
from gxschema._page._report_page import report_page, unreadable_page
from gxschema._report import Report
from gxschema.exceptions import ParseError

__all__ = ["BatchResult", "files_of", "index_page", "page", "page_name", "write_pages"]


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("gxschema")
    except PackageNotFoundError:  # pragma: no cover - running from a checkout
        return "unknown"


def _digest(source: str | None) -> str | None:
    if not source or source.startswith("<"):
        return None
    try:
        return hashlib.sha256(Path(source).read_bytes()).hexdigest()
    except OSError:
        return None


def page(
    subject: Report | CheckResult | ParseError,
    *,
    explanations: Sequence[Explanation] | None = None,
    sha256: str | None = None,
    lang: str = "zh",
) -> str:
    """Make the check page of a report: one self-contained static HTML document.

    The page shows the verdict and the metadata, the suggested fix (the best explanation
    of :func:`gxschema.diagnose`), the completeness findings, the narrative claims with
    their sentences and cells, the rule findings, then every declared table laid out as
    the template prints it, and at the bottom the source file, its SHA-256, the gxschema
    version and how each table was read.  Every value cell is a ``<td>`` with
    ``data-table``, ``data-line``, ``data-column`` and ``data-raw`` (the text as printed);
    the classes ``gx-fail``, ``gx-uncertain``, ``gx-warn``, ``gx-inferred`` and ``gx-fix``
    mark it, each with a symbol as well as a colour.  Clicking or focusing a cell shows
    every finding it is part of; a switch changes the language (Chinese or English).  No
    network is needed: the style sheet and script are inline.

    Args:
        subject: a report (checked here), the result of :func:`gxschema.check`, or the
            :class:`~gxschema.ParseError` of a file that could not be read (its page
            gives the verdict ``unreadable`` and the message).
        explanations: the diagnosis to show (default: :func:`gxschema.diagnose`'s best
            explanation, for a report whose verdict is not ``ok``).
        sha256: the source file's SHA-256 (default: computed from ``report.source`` when
            it names a file that exists).
        lang: the language the page opens in, ``"zh"`` or ``"en"``.

    Returns:
        The HTML document.

    Raises:
        ValueError: ``lang`` is neither ``"zh"`` nor ``"en"``.
    """
    _check_lang(lang)
    if isinstance(subject, ParseError):
        name = subject.source or "<input>"
        digest = sha256 if sha256 is not None else _digest(name)
        return unreadable_page(name, str(subject), sha256=digest, version=_version(), lang=lang)
    result = subject if isinstance(subject, CheckResult) else check(subject)
    if explanations is None:
        explanations = [] if result.ok else diagnose(result.report, limit=1)
    source = result.report.source
    digest = sha256 if sha256 is not None else _digest(source)
    return report_page(
        result, explanations, source=source, sha256=digest, version=_version(), lang=lang
    )


def index_page(
    results: Iterable[CheckResult | ParseError],
    *,
    href: Callable[[str], str] | None = None,
    title: str = "gxschema",
    lang: str = "zh",
) -> str:
    """Make the index page of a batch: a sortable, filterable table, and charts.

    The table lists each report's file (linking to its page), verdict, agency, year,
    template and counts of errors and warnings; it is sorted by clicking a column's
    header and filtered by text, verdict, year and template, 100 rows at a time, so
    that a batch of 10⁴ reports loads quickly.  The inline SVG charts show the findings
    per rule, the verdicts per year and, for each series (an agency's reports of
    consecutive years), where the applications carried out one year are not those
    carried in the next.  The results are consumed one at a time.

    Args:
        results: the results of :func:`gxschema.check`, and the
            :class:`~gxschema.ParseError` of each file that could not be read.
        href: the link to a report's page from its source (default:
            the page name ``gxschema report`` gives it, in the same directory).
        title: the page's title.
        lang: the language the page opens in, ``"zh"`` or ``"en"``.

    Returns:
        The HTML document.

    Raises:
        ValueError: ``lang`` is neither ``"zh"`` nor ``"en"``.
    """
    _check_lang(lang)
    link = href or page_name

    def rows() -> Iterable[Row]:
        for item in results:
            if isinstance(item, ParseError):
                source = item.source or "<input>"
                yield unreadable_row(source, link(source), str(item))
            else:
                source = item.report.source or "<report>"
                yield row_of(item, file=source, href=link(source))

    return index_html(rows(), title=title, lang=lang, version=_version())


def _check_lang(lang: str) -> None:
    """Refuse a page language other than Chinese or English."""
    if lang not in ("zh", "en"):
        raise ValueError(f"lang must be 'zh' or 'en', not {lang!r}")
