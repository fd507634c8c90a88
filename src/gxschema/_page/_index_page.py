"""The index page of a batch: a sortable, filterable table of the reports, and charts.

A batch is summed up one report at a time into a small :class:`Row` (so that 10⁴ reports
are never held in memory at once); the page carries the rows as JSON and a script shows
them 100 at a time, sorted and filtered in the browser, so that it stays quick for 10⁴
rows.  The charts are inline SVG drawn here (:mod:`._charts`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

import attrs

from gxschema._check import CheckResult
from gxschema._page._assets import INDEX_CSS, INDEX_JS
from gxschema._page._charts import PATTERNS, breaks_chart, rules_chart, verdicts_chart
from gxschema._page._series import RULE, Carry, carry_of, series_breaks
from gxschema._page._shell import shell
from gxschema._page._text import VERDICTS, both, esc, ui

__all__ = ["COLUMNS", "Row", "index_html", "row_of", "unreadable_row"]


@attrs.frozen
class Row:
    """One report of a batch as the index lists it."""

    file: str
    href: str
    verdict: str
    agency: str | None = None
    year: int | None = None
    template: str | None = None
    errors: int = 0
    warnings: int = 0
    findings: tuple[tuple[str, int], ...] = ()
    carry: Carry | None = None
    message: str | None = None


COLUMNS = ("file", "href", "verdict", "agency", "year", "template", "errors", "warnings")
"""The row fields the page's table shows, in the order of the JSON rows."""


def row_of(result: CheckResult, *, file: str, href: str) -> Row:
    """Sum a checked report up as an index row."""
    errors = sum(1 for f in result.findings if f.severity == "error")
    return Row(
        file=file,
        href=href,
        verdict=result.verdict,
        agency=result.metadata.agency,
        year=result.metadata.year,
        template=result.template,
        errors=errors,
        warnings=len(result.findings) - errors,
        findings=tuple(sorted(Counter(f.id for f in result.findings).items())),
        carry=carry_of(result.report),
    )


def unreadable_row(file: str, href: str, message: str) -> Row:
    """The row of a file that could not be read."""
    return Row(file=file, href=href, verdict="unreadable", message=message)


_NUMERIC = ' class="n"'


def _select(ident: str, label: str, values: Sequence[tuple[str, str]]) -> str:
    options = "".join(f'<option value="{esc(v)}">{text}</option>' for v, text in values)
    return (
        f'<label>{label} <select id="{ident}"><option value="">*</option>{options}</select></label>'
    )


def index_html(rows: Iterable[Row], *, title: str, lang: str, version: str) -> str:
    """The index page of the rows (see the module docstring)."""
    table: list[list[object]] = []
    verdicts: Counter[str] = Counter()
    by_year: dict[int | None, Counter[str]] = {}
    per_rule: Counter[str] = Counter()
    templates: set[str] = set()
    carries: list[tuple[str | None, int | None, Carry | None]] = []
    for row in rows:
        table.append([getattr(row, c) for c in COLUMNS])
        verdicts[row.verdict] += 1
        by_year.setdefault(row.year, Counter())[row.verdict] += 1
        for rule, n in row.findings:
            per_rule[rule] += n
        if row.template:
            templates.add(row.template)
        carries.append((row.agency, row.year, row.carry))
    series = series_breaks(carries)
    years = sorted(y for y in by_year if y is not None)
    summary = " · ".join(
        f'<span class="gx-v-{v}">{VERDICTS[v][0]} {both(VERDICTS[v][1], VERDICTS[v][2])} '
        f'<b data-verdict-count="{v}">{verdicts.get(v, 0)}</b></span>'
        for v in VERDICTS
    )
    heads = [
        ("file", ui("file")),
        ("verdict", both("结论", "verdict")),
        ("agency", ui("agency")),
        ("year", ui("year")),
        ("template", ui("template")),
        ("errors", ui("errors")),
        ("warnings", ui("warnings")),
    ]
    numeric = {"year", "errors", "warnings"}
    th = "".join(
        f'<th data-k="{COLUMNS.index(k)}" aria-sort="none"{_NUMERIC if k in numeric else ""}>'
        f'<button type="button">{text}</button></th>'
        for k, text in heads
    )
    tools = (
        '<div class="gx-tools">'
        f'<label>{both("查找", "search")} <input id="gx-q" type="search" '
        'placeholder="文件 / 机关 · file / agency"></label>'
        + _select(
            "gx-fv",
            both("结论", "verdict"),
            [(v, f"{VERDICTS[v][0]} {VERDICTS[v][2]}") for v in VERDICTS],
        )
        + _select("gx-fy", ui("year"), [(str(y), str(y)) for y in years])
        + _select("gx-ft", ui("template"), [(t, esc(t)) for t in sorted(templates)])
        + f'<span>{both("匹配", "matching")}: <b id="gx-count">{len(table)}</b></span></div>'
    )
    pager = (
        '<div class="gx-pager"><button type="button" id="gx-prev">‹</button>'
        '<span id="gx-page"></span><button type="button" id="gx-next">›</button></div>'
    )
    data = {"cols": {c: i for i, c in enumerate(COLUMNS)}, "rows": table}
    body = [
        f"<h1>{esc(title)}</h1>",
        f'<p>{both("报告", "reports")}: <b id="gx-total">{len(table)}</b> — {summary}</p>',
        PATTERNS,
        '<section class="gx-charts" aria-label="charts">',
        rules_chart(per_rule),
        verdicts_chart(by_year),
        breaks_chart(series, RULE),
        "</section>\n",
        tools,
        pager,
        f'<table class="gx-ix"><thead><tr>{th}</tr></thead><tbody id="gx-body"></tbody></table>',
        "<noscript>JavaScript is needed to list the reports.</noscript>",
    ]
    return shell(
        title,
        lang,
        body,
        data,
        css=INDEX_CSS,
        js=INDEX_JS,
        data_id="gx-rows",
        bar_note=f" · gxschema {esc(version)}",
    )
