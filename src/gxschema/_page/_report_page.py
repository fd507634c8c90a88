"""The check page of one report: the verdict, the findings and the tables as printed.

The tables come from the writers' layout (:func:`gxschema._writers._layout.lay_out_table`),
every declared line of every declared table, in the sections the writers print; a value
cell is a ``<td>`` that names its cell (``data-table``, ``data-line``, ``data-column``)
and the text as printed (``data-raw``, absent for a cell the document lacks).  The marks
come from the findings of :func:`gxschema.check`: ``gx-fail`` for the cells of a failing
error-severity finding, ``gx-uncertain`` for those of an undecided one (blank or missing
cells), ``gx-warn`` for those of a failing warning (a soft rule, a claim),
``gx-inferred`` for a cell the reader inferred, and ``gx-fix`` for a cell the best
explanation of :func:`gxschema.diagnose` changes, written ``old → new``.  The findings
travel as JSON in the page, so that a click shows every finding of a cell.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from gxschema._check import CheckResult, Finding
from gxschema._claims import ClaimCheck, check_claims
from gxschema._diagnose import CellChange, Explanation
from gxschema._page._assets import PAGE_CSS, PAGE_JS
from gxschema._page._shell import shell
from gxschema._page._text import UI, VERDICTS, both, esc, num, ui
from gxschema._report import Report
from gxschema._resolve import spec_of
from gxschema._spec import TableSpec, TemplateSpec
from gxschema._writers._layout import cell_text, lay_out_table, sections

__all__ = ["report_page", "unreadable_page"]

Key = tuple[str, str, str]
_FOLD = 6  # more cells than this and a finding's list of cells is folded


def _key(k: Key) -> str:
    return "|".join(k)


def _shell(title: str, lang: str, body: list[str], data: object, css: str, js: str) -> str:
    return shell(title, lang, body, data, css=css, js=js)


def _verdict(verdict: str) -> str:
    symbol, zh, en, what_zh, what_en = VERDICTS[verdict]
    return (
        f'<p class="gx-verdict"><span class="gx-v gx-v-{verdict}" data-verdict="{verdict}">'
        f"{symbol} {both(zh, en)}</span> {both(what_zh, what_en)}</p>"
    )


def _meta(result: CheckResult, source: str | None) -> str:
    meta = result.metadata
    rows: list[tuple[str, str]] = []

    def origin(where: str | None) -> str:
        return f' <span class="gx-mute">({ui("from_" + where)})</span>' if where else ""

    if meta.agency:
        rows.append(("agency", esc(meta.agency) + origin(meta.agency_from)))
    if meta.year is not None:
        rows.append(("year", str(meta.year) + origin(meta.year_from)))
    rows.append(("template", f"<code>{esc(result.template)}</code>"))
    if meta.title:
        rows.append(("title", esc(meta.title)))
    if source:
        rows.append(("file", f"<code>{esc(source)}</code>"))
    items = "".join(f"<dt>{ui(k)}</dt><dd>{v}</dd>" for k, v in rows)
    return f'<dl class="gx-meta">{items}</dl>'


def _refs(table: str | None, refs: Sequence[object]) -> str:
    """Buttons that go to the cells named; a long list folded under its count."""
    out = []
    for ref in refs:
        line_id, column_id = getattr(ref, "line_id", ""), getattr(ref, "column_id", "")
        text = f"{getattr(ref, 'line_label', line_id)} · {getattr(ref, 'column_label', column_id)}"
        out.append(
            f'<button type="button" class="gx-ref" data-cell="{esc(table)}|{esc(line_id)}|'
            f'{esc(column_id)}">{esc(text)}</button>'
        )
    if len(out) > _FOLD:
        summary = both(f"{len(out)} 个单元格", f"{len(out)} cells")
        return f"<details><summary>{summary}</summary>{''.join(out)}</details>"
    return "".join(out)


def _finding_item(f: Finding) -> str:
    where = " · ".join(x for x in (f.table, f.at) if x)
    sev_zh = "错误" if f.severity == "error" else "警告"
    st_zh = "不成立" if f.status == "fail" else "无法判断"
    st_en = "fails" if f.status == "fail" else "undecided"
    head = (
        f'<span class="gx-id">{esc(f.id)}</span>'
        f'<span class="gx-tag">{both(sev_zh, f.severity)} · {both(st_zh, st_en)}</span>'
        + (f'<span class="gx-mute gx-mono">{esc(where)}</span>' if where else "")
    )
    body = f"<div>{both(f.message_zh, f.message_en)}</div>"
    if f.evidence:
        body += f"<blockquote>{esc(f.evidence)}</blockquote>"
    if f.cells and f.kind != "claim":
        body += f"<div>{_refs(f.table, f.cells)}</div>"
    return (
        f'<li class="gx-f gx-f-{f.severity} gx-f-{f.status}" data-finding="{esc(f.id)}">'
        f"<div>{head}</div>{body}</li>"
    )


def _findings(title: str, empty: str, items: Sequence[Finding], anchor: str) -> str:
    inner = (
        '<ul class="gx-list">' + "".join(_finding_item(f) for f in items) + "</ul>"
        if items
        else f'<p class="gx-mute">{ui(empty)}</p>'
    )
    return f'<section id="{anchor}"><h2>{ui(title)}</h2>{inner}</section>'


def _claims(claims: Sequence[ClaimCheck]) -> str:
    if not claims:
        return f'<section id="gx-claims"><h2>{ui("claims")}</h2><p class="gx-mute">' + (
            ui("no_claims") + "</p></section>"
        )
    symbols = {"holds": "✔", "fails": "✘", "undecided": "?"}
    items = []
    for c in claims:
        sentence = esc(c.sentence)
        if c.clause and c.clause in c.sentence:
            sentence = sentence.replace(esc(c.clause), f"<mark>{esc(c.clause)}</mark>", 1)
        status = f"{symbols[c.holds]} {ui(c.holds)}"
        cls = {"holds": "gx-f-ok", "fails": "gx-f-warning gx-f-fail", "undecided": "gx-f-x"}
        items.append(
            f'<li class="gx-claim {cls[c.holds]}" data-claim="{esc(c.claim)}">'
            f'<div><span class="gx-id">{esc(c.claim)}</span><span class="gx-tag">{status}</span>'
            f"{ui('stated')} <b>{esc(num(c.stated))}</b> · {ui('table_says')} "
            f"<b>{esc(num(c.value)) or '—'}</b> "
            f'<span class="gx-mute gx-mono">{esc(c.reading)}</span></div>'
            f"<div>{both(c.message_zh, c.message_en)}</div>"
            f"<blockquote>{sentence}</blockquote><div>{_refs(c.table, c.cells)}</div></li>"
        )
    return (
        f'<section id="gx-claims"><h2>{ui("claims")}</h2>'
        f'<ul class="gx-list">{"".join(items)}</ul></section>'
    )


def _proposal(change: CellChange) -> str:
    if change.proposed is not None:
        return num(change.proposed)
    low, high = num(change.low), num(change.high)
    return f"{low}…{high}"


def _diagnosis(result: CheckResult, explanations: Sequence[Explanation]) -> str:
    if result.ok:
        return ""
    if not explanations:
        return (
            f'<section id="gx-diagnosis"><h2>{ui("diagnosis")}</h2>'
            f"<p>{ui('no_diagnosis')}</p></section>"
        )
    best = explanations[0]
    return (
        f'<section id="gx-diagnosis"><h2>{ui("diagnosis")}</h2>'
        f'<p><span class="gx-id">{esc(best.kind)}</span>{both(best.reason_zh, best.reason_en)}</p>'
        f"<div>{_refs_changes(best.changes, result.report)}</div></section>"
    )


def _refs_changes(changes: Sequence[CellChange], report: Report) -> str:
    spec = spec_of(report)
    out = []
    for c in changes:
        table = spec.table(c.table)
        label = f"{table.line(c.line_id).label} · {table.column(c.column_id).label}"
        old = "—" if c.value is None else num(c.value)
        out.append(
            f'<button type="button" class="gx-ref" data-cell="{esc(c.table)}|{esc(c.line_id)}|'
            f'{esc(c.column_id)}">{esc(label)}: {esc(old)} → {esc(_proposal(c))}</button>'
        )
    return "".join(out)


def _marks(result: CheckResult) -> dict[str, set[str]]:
    marks: dict[str, set[str]] = {}
    for f in result.findings:
        if f.table is None:
            continue
        if f.severity == "error":
            cls = "gx-fail" if f.status == "fail" else "gx-uncertain"
        elif f.status == "fail":
            cls = "gx-warn"
        else:
            cls = "gx-uncertain"
        for ref in f.cells:
            marks.setdefault(_key((f.table, ref.line_id, ref.column_id)), set()).add(cls)
    return marks


def _table(
    report: Report,
    table: TableSpec,
    index: int,
    marks: dict[str, set[str]],
    fixes: dict[str, CellChange],
) -> str:
    present = table.id in report.tables
    grid = lay_out_table(table, table.lines, index=index)
    out = [f'<table class="gx-t" data-table="{esc(table.id)}">']
    for row in grid.rows:
        cells = []
        for cell in row.cells:
            if cell.continued:
                continue
            span = (f' colspan="{cell.colspan}"' if cell.colspan > 1 else "") + (
                f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else ""
            )
            ref = cell.ref
            if cell.role != "value" or ref is None:
                text = "<br>".join(esc(t) for t in cell.text.splitlines()) or ""
                cells.append(f'<th class="gx-{cell.role}"{span}>{text}</th>')
                continue
            cells.append(_value_cell(report, table, ref, span, marks, fixes))
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</table>")
    notice = "" if present else f'<p class="gx-missing-table">⊘ {ui("missing_table")}</p>'
    return notice + "".join(out)


def _value_cell(
    report: Report,
    table: TableSpec,
    ref: Key,
    span: str,
    marks: dict[str, set[str]],
    fixes: dict[str, CellChange],
) -> str:
    k = _key(ref)
    cell = report.cell(*ref)
    classes = sorted(marks.get(k, ()))
    attrs = f'data-table="{esc(ref[0])}" data-line="{esc(ref[1])}" data-column="{esc(ref[2])}"'
    if cell is None:
        classes.append("gx-missing")
        text = "—"
    else:
        text = cell_text(cell, table.column(ref[2]))
        attrs += f' data-raw="{esc(cell.raw)}"'
        if cell.inferred or cell.how in ("order", "split", "joined"):
            classes.append("gx-inferred")
            attrs += f' data-how="{esc(cell.how or "inferred")}"'
        text = esc(text)
    change = fixes.get(k)
    if change is not None:
        classes.append("gx-fix")
        old = text if cell is not None and cell.raw else ("—" if cell is None else "")
        new = esc(_proposal(change))
        text = f'<span class="gx-old">{old}</span> → <span class="gx-new">{new}</span>'
    focus = ' tabindex="0"' if k in marks or change is not None else ""
    cls = f' class="{" ".join(classes)}"' if classes else ""
    return f"<td{cls} {attrs}{span}{focus}>{text}</td>"


def _tables(
    report: Report, spec: TemplateSpec, marks: dict[str, set[str]], fixes: dict[str, CellChange]
) -> str:
    out = [f'<section id="gx-tables"><h2>{ui("tables")}</h2>', _legend()]
    blank = Report(template=spec.id, spec=spec)
    index = 0
    for heading, tables in sections(blank, spec):
        if heading:
            out.append(f"<h3>{esc(heading)}</h3>")
        for table, _lines in tables:
            out.append(_table(report, table, index, marks, fixes))
            index += 1
    out.append("</section>")
    return "".join(out)


def _legend() -> str:
    samples = [
        ("lg-fail", "12", "lg_fail"),
        ("lg-uncertain", "", "lg_uncertain"),
        ("lg-warn", "7", "lg_warn"),
        ("lg-inferred", "3", "lg_inferred"),
    ]
    items = [
        f'<span><table class="gx-t"><tr><td class="{c}">{t}</td></tr></table> {ui(w)}</span>'
        for c, t, w in samples
    ]
    items.append(
        '<span><table class="gx-t"><tr><td class="lg-fix"><span class="gx-old">0</span> → '
        f'<span class="gx-new">2</span></td></tr></table> {ui("lg_fix")}</span>'
    )
    return (
        f'<div class="gx-legend" aria-label="legend">{"".join(items)}</div>'
        f'<p class="gx-mute">{ui("lg_click")}</p>'
    )


def _footer(report: Report | None, source: str | None, sha256: str | None, version: str) -> str:
    rows = [("source", f"<code>{esc(source or '—')}</code>")]
    rows.append(("sha256", f"<code>{esc(sha256 or '—')}</code>"))
    rows.append(("version", f"<code>{esc(version)}</code>"))
    out = ["<footer><dl>", *(f"<dt>{ui(k)}</dt><dd>{v}</dd>" for k, v in rows), "</dl>"]
    if report is not None and report.detection:
        out.append(f"<h3>{ui('how_read')}</h3><table><tbody>")
        for d in report.detection:
            how = Counter(
                c.how or ("inferred" if c.inferred else "as read")
                for line in report.tables.get(d.table, {}).values()
                for c in line.values()
            )
            placed = ", ".join(f"{k} {v}" for k, v in sorted(how.items()))
            by_pos = (
                f"<br>{ui('by_position')}: {esc('、'.join(d.by_position))}" if d.by_position else ""
            )
            out.append(
                f"<tr><td><code>{esc(d.table)}</code></td><td><code>{esc(d.template)}</code></td>"
                f"<td>{esc(d.reason)}{by_pos}</td><td>{ui('placed')}: {esc(placed)}</td></tr>"
            )
        out.append("</tbody></table>")
    if report is not None and report.extras:
        extras = "; ".join(f"{e.table} {e.axis} {e.label}" for e in report.extras)
        out.append(f"<p>{ui('extras')}: {esc(extras)}</p>")
    out.append("</footer>")
    return "".join(out)


def _data(result: CheckResult, spec: TemplateSpec, fixes: dict[str, CellChange]) -> object:
    findings = []
    for f in result.findings:
        item: dict[str, object] = {
            "i": f.id,
            "k": f.kind,
            "s": f.severity,
            "u": f.status,
            "z": f.message_zh,
            "e": f.message_en,
            "c": [_key((f.table, r.line_id, r.column_id)) for r in f.cells] if f.table else [],
        }
        if f.evidence:
            item["v"] = f.evidence
        v = f.violation
        if v is not None:
            item.update(l=num(v.lhs), r=num(v.rhs), d=num(v.difference), o=num(v.tolerance))
        findings.append(item)
    tables = {
        t.id: {
            "n": t.label or t.id,
            "l": {ln.id: ln.label for ln in t.lines},
            "c": {c.id: c.label for c in t.columns},
        }
        for t in spec.tables
    }
    # The old value as printed: "" for a blank cell, None for one the document lacks.
    changes = {k: [_printed(result.report, c), _proposal(c)] for k, c in fixes.items()}
    return {"f": findings, "t": tables, "x": changes}


def _printed(report: Report, change: CellChange) -> str | None:
    cell = report.cell(change.table, change.line_id, change.column_id)
    if cell is None:
        return None
    return cell.raw.strip() if change.value is None else num(change.value)


def report_page(
    result: CheckResult,
    explanations: Sequence[Explanation],
    *,
    source: str | None,
    sha256: str | None,
    version: str,
    lang: str,
) -> str:
    """The check page of a report that was read (see the module docstring)."""
    report = result.report
    spec = spec_of(report, result.template)
    fixes = {
        _key((c.table, c.line_id, c.column_id)): c
        for c in (explanations[0].changes if explanations else ())
    }
    marks = _marks(result)
    title = result.metadata.title or report.source or spec.title
    errors = sum(1 for f in result.findings if f.severity == "error")
    counts = (
        f'<p class="gx-counts">{ui("errors")}: <b data-count="errors">{errors}</b> · '
        f'{ui("warnings")}: <b data-count="warnings">{len(result.findings) - errors}</b></p>'
    )
    rules = result.of_kind("rule")
    body = [
        f"<header><h1>{esc(title)}</h1>",
        _verdict(result.verdict),
        _meta(result, source or report.source),
        counts,
        "</header>",
        _diagnosis(result, explanations),
        _findings("completeness", "complete", result.of_kind("completeness"), "gx-completeness"),
        _claims(check_claims(report, template=spec)),
        _findings("rules", "rules_hold", rules, "gx-rules"),
        _tables(report, spec, marks, fixes),
        _footer(report, source or report.source, sha256, version),
        '<aside id="gx-detail" role="region" aria-live="polite" hidden></aside>',
    ]
    return _shell(title, lang, body, _data(result, spec, fixes), PAGE_CSS, PAGE_JS)


def unreadable_page(
    source: str, message: str, *, sha256: str | None, version: str, lang: str
) -> str:
    """The page of a file that could not be read: the verdict and the reader's message."""
    zh, en = UI["unreadable_msg"]
    body = [
        f"<header><h1>{esc(source)}</h1>",
        _verdict("unreadable"),
        f'<dl class="gx-meta"><dt>{ui("file")}</dt><dd><code>{esc(source)}</code></dd></dl>',
        "</header>",
        f'<section id="gx-error"><h2>{both(zh, en)}</h2>'
        f'<pre class="gx-mono" style="white-space:pre-wrap">{esc(message)}</pre></section>',
        _footer(None, source, sha256, version),
        '<aside id="gx-detail" role="region" aria-live="polite" hidden></aside>',
    ]
    return _shell(source, lang, body, {"f": [], "t": {}, "x": {}}, PAGE_CSS, PAGE_JS)
