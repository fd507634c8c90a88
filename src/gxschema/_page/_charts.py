"""Inline SVG charts of a batch: findings per rule, verdicts per year, cross-year breaks.

Plain SVG written here, no chart library.  Every mark carries its number as text (and a
``<title>`` for a tooltip), and the verdicts are told apart by a pattern as well as a
colour, so that the charts read in print and without colour.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from gxschema._page._series import SeriesBreaks
from gxschema._page._text import VERDICTS, both, esc

__all__ = ["breaks_chart", "rules_chart", "verdicts_chart"]

ORDER = ("ok", "failed", "incomplete", "unreadable")
_FILL = {
    "ok": "url(#gx-p-ok)",
    "failed": "url(#gx-p-failed)",
    "incomplete": "url(#gx-p-incomplete)",
    "unreadable": "url(#gx-p-unreadable)",
}
PATTERNS = (
    '<svg width="0" height="0" style="position:absolute" aria-hidden="true"><defs>'
    '<pattern id="gx-p-ok" width="6" height="6" patternUnits="userSpaceOnUse">'
    '<rect width="6" height="6" fill="#a5d6a7"/></pattern>'
    '<pattern id="gx-p-failed" width="6" height="6" patternUnits="userSpaceOnUse" '
    'patternTransform="rotate(45)"><rect width="6" height="6" fill="#ef9a9a"/>'
    '<rect width="2" height="6" fill="#b00020"/></pattern>'
    '<pattern id="gx-p-incomplete" width="6" height="6" patternUnits="userSpaceOnUse">'
    '<rect width="6" height="6" fill="#ffe082"/><circle cx="3" cy="3" r="1.3" fill="#8a5a00"/>'
    "</pattern>"
    '<pattern id="gx-p-unreadable" width="6" height="6" patternUnits="userSpaceOnUse">'
    '<rect width="6" height="6" fill="#cfd8dc"/><path d="M0 0L6 6M6 0L0 6" stroke="#333" '
    'stroke-width="1"/></pattern></defs></svg>'
)


def _figure(caption: str, svg: str) -> str:
    return f"<figure>{svg}<figcaption>{caption}</figcaption></figure>"


def rules_chart(counts: Mapping[str, int], *, top: int = 20) -> str:
    """Horizontal bars: how many findings each rule (or finding id) has, most first."""
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
    caption = both("每条规则的发现数", "findings per rule")
    if not items:
        return _figure(caption, '<p class="gx-mute">—</p>')
    peak = max(n for _, n in items)
    width, label, bar_h = 460, 130, 16
    height = bar_h * len(items) + 4
    out = [f'<svg viewBox="0 0 {width} {height}" width="{width}" role="img" data-chart="rules">']
    for i, (rule, n) in enumerate(items):
        y = i * bar_h + 2
        w = max(1.0, (width - label - 60) * n / peak)
        out.append(
            f"<g><title>{esc(rule)}: {n}</title>"
            f'<text x="{label - 4}" y="{y + 12}" text-anchor="end">{esc(rule)}</text>'
            f'<rect x="{label}" y="{y + 2}" width="{w:.1f}" height="{bar_h - 4}" fill="#546e7a"/>'
            f'<text x="{label + w + 4:.1f}" y="{y + 12}">{n}</text></g>'
        )
    out.append("</svg>")
    return _figure(caption, "".join(out))


def verdicts_chart(by_year: Mapping[int | None, Mapping[str, int]]) -> str:
    """Stacked bars: the verdicts of each report year (the year unknown last)."""
    caption = both("各年度的结论", "verdicts per year")
    years = sorted(by_year, key=lambda y: (y is None, y or 0))
    if not years:
        return _figure(caption, '<p class="gx-mute">—</p>')
    peak = max(sum(v.values()) for v in by_year.values()) or 1
    width, label, bar_h = 460, 50, 18
    height = bar_h * len(years) + 26
    out = [f'<svg viewBox="0 0 {width} {height}" width="{width}" role="img" data-chart="years">']
    for i, year in enumerate(years):
        y = i * bar_h + 2
        x = float(label)
        counts = by_year[year]
        out.append(f'<text x="{label - 4}" y="{y + 13}" text-anchor="end">{year or "?"}</text>')
        for verdict in ORDER:
            n = counts.get(verdict, 0)
            if not n:
                continue
            w = (width - label - 40) * n / peak
            out.append(
                f'<rect x="{x:.1f}" y="{y + 2}" width="{w:.1f}" height="{bar_h - 4}" '
                f'fill="{_FILL[verdict]}" stroke="#333" stroke-width=".5">'
                f"<title>{year or '?'} {verdict}: {n}</title></rect>"
            )
            x += w
        out.append(f'<text x="{x + 4:.1f}" y="{y + 13}">{sum(counts.values())}</text>')
    y = len(years) * bar_h + 8
    x = 0
    for verdict in ORDER:
        symbol = VERDICTS[verdict][0]
        out.append(
            f'<rect x="{x}" y="{y}" width="12" height="12" fill="{_FILL[verdict]}" '
            f'stroke="#333" stroke-width=".5"/><text x="{x + 15}" y="{y + 10}">'
            f"{symbol} {verdict}</text>"
        )
        x += 105
    out.append("</svg>")
    return _figure(caption, "".join(out))


def breaks_chart(series: Sequence[SeriesBreaks], rule: str, *, top: int = 20) -> str:
    """One row per series (most breaks first): a mark per pair of consecutive years.

    ``✘`` the pair breaks the rule (its columns in the tooltip), ``✔`` it holds, ``?``
    it cannot be decided.
    """
    caption = both(f"跨年度衔接（{rule}）", f"cross-year breaks ({rule})")
    if not series:
        note = both("没有连续年度的系列", "no series with consecutive years")
        return _figure(caption, f'<p class="gx-mute">{note}</p>')
    shown = list(series[:top])
    years = sorted({y for s in shown for y, _ in s.pairs})
    first, last = years[0], years[-1]
    label, step, row_h = 120, 60, 18
    width = label + step * (last - first + 1) + 10
    height = row_h * (len(shown) + 1) + 4
    out = [f'<svg viewBox="0 0 {width} {height}" width="{width}" role="img" data-chart="series">']
    for year in range(first, last + 1):
        mid = label + (year - first) * step + step / 2
        out.append(
            f'<text x="{mid}" y="12" text-anchor="middle">{year}→{(year + 1) % 100:02d}</text>'
        )
    for i, s in enumerate(shown):
        y = (i + 1) * row_h + 2
        name = s.agency if len(s.agency) <= 12 else s.agency[:11] + "…"
        out.append(
            f'<text x="{label - 4}" y="{y + 12}" text-anchor="end"><title>{esc(s.agency)}</title>'
            f"{esc(name)}</text>"
        )
        for year, cols in s.pairs:
            mid = label + (year - first) * step + step / 2
            if cols is None:
                mark, fill, tip = "?", "#8a5a00", "undecided"
            elif cols:
                mark, fill, tip = "✘", "#b00020", ", ".join(cols)
            else:
                mark, fill, tip = "✔", "#1b6e20", "holds"
            out.append(
                f'<text x="{mid}" y="{y + 13}" text-anchor="middle" fill="{fill}" '
                f'font-size="14"><title>{esc(s.agency)} {year}→{year + 1}: {esc(tip)}</title>'
                f"{mark}</text>"
            )
    out.append("</svg>")
    broken = sum(1 for s in series if s.broken)
    summary = both(
        f"{len(series)} 个系列，{broken} 个有断点", f"{len(series)} series, {broken} with breaks"
    )
    return _figure(f"{caption} — {summary}", "".join(out))
