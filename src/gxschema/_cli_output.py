"""What the batch commands print: a report's check or diagnosis as JSON or as text.

Shared by the commands and the batch workers (which render text in the worker, so a
result crosses between processes as a string).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from gxschema._check import CheckResult, Finding, Verdict
from gxschema._diagnose import CellChange, Explanation
from gxschema._metadata import metadata_to_json
from gxschema._resolve import spec_of
from gxschema._serialize import make_converter
from gxschema._validate import Violation

if TYPE_CHECKING:
    from rich.console import Console

__all__ = [
    "check_json",
    "explanation_json",
    "format_option",
    "lang_option",
    "print_check",
    "print_diagnosis",
    "template_option",
    "unreadable_json",
]

_converter = make_converter()
F = TypeVar("F", bound=Callable[..., Any])


def _console(console: Console | None) -> Console:
    from rich.console import Console

    return console if console is not None else Console(highlight=False, soft_wrap=True)


def _violation_json(v: Violation) -> dict[str, Any]:
    data: dict[str, Any] = _converter.unstructure(v)
    return data


def format_option(*choices: str) -> Callable[[F], F]:
    return click.option(
        "--format", "fmt", type=click.Choice(list(choices)), default=choices[0], show_default=True
    )


def lang_option(what: str) -> Callable[[F], F]:
    return click.option(
        "--lang",
        type=click.Choice(["zh", "en"]),
        default="zh",
        show_default=True,
        help=f"Language of the {what} in text output.",
    )


def template_option() -> Callable[[F], F]:
    return click.option(
        "--template",
        "template",
        metavar="ID",
        default=None,
        help="Read with this template instead of detecting it (see `gxschema templates`).",
    )


def unreadable_json(name: str, error: str) -> dict[str, Any]:
    """The JSON of a file that could not be read."""
    return {"file": name, "verdict": "unreadable", "ok": False, "error": error}


def _finding_json(f: Finding) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": f.id,
        "kind": f.kind,
        "severity": f.severity,
        "status": f.status,
        "table": f.table,
        "at": f.at,
        "cells": _converter.unstructure(f.cells),
        "message_zh": f.message_zh,
        "message_en": f.message_en,
    }
    if f.evidence is not None:
        data["evidence"] = f.evidence
    if f.violation is not None:
        data.update(_violation_json(f.violation))
        del data["rule"]
    return data


def check_json(name: str, result: CheckResult) -> dict[str, Any]:
    return {
        "file": name,
        "template": result.template,
        "verdict": result.verdict,
        "ok": result.ok,
        "metadata": metadata_to_json(result.metadata),
        "findings": [_finding_json(f) for f in result.findings],
        "violations": [_violation_json(v) for v in result.violations],
    }


_VERDICT_STYLE = {
    "ok": "[green]OK[/green]",
    "failed": "[bold red]FAILED[/bold red]",
    "incomplete": "[bold yellow]INCOMPLETE[/bold yellow]",
    "unreadable": "[bold red]UNREADABLE[/bold red]",
}
_GROUPS = {
    "completeness": ("完整性", "completeness"),
    "rule": ("表格规则", "tables"),
    "claim": ("文字陈述", "claims"),
}


def _headline(name: str, verdict: Verdict, result: CheckResult) -> str:
    from rich.markup import escape

    meta = result.metadata
    about = " · ".join(str(v) for v in (meta.agency, f"{meta.year}" if meta.year else None) if v)
    return (
        f"{_VERDICT_STYLE[verdict]}  {escape(name)}  [dim]({result.template}"
        + (f"; {escape(about)}" if about else "")
        + ")[/dim]"
    )


def print_check(name: str, result: CheckResult, lang: str, console: Console | None = None) -> None:
    """Print a report's verdict and findings as text."""
    from rich.markup import escape

    console = _console(console)
    console.print(_headline(name, result.verdict, result))
    if not result.findings:
        console.print("  every table is complete and every rule holds")
        return
    kind = None
    for f in result.findings:
        if f.kind != kind:
            kind = f.kind
            zh, en = _GROUPS[kind]
            console.print(f"  [bold]{zh if lang == 'zh' else en}[/bold]")
        style = "red" if f.severity == "error" and f.status == "fail" else "yellow"
        where = " @ ".join(x for x in (f.table, f.at) if x)
        console.print(
            f"    [{style}]{f.id}[/{style}] {f.severity}, {f.status}"
            + (f"  [dim]{escape(where)}[/dim]" if where else "")
        )
        console.print("      " + escape(f.message_zh if lang == "zh" else f.message_en))
        if f.evidence:
            console.print("      [dim]" + escape(f.evidence) + "[/dim]")
    errors = sum(1 for f in result.findings if f.severity == "error")
    console.print(
        f"  {result.verdict}: {errors} error(s), {len(result.findings) - errors} warning(s)",
        style="dim",
    )


def explanation_json(e: Explanation) -> dict[str, Any]:
    return {
        "weight": e.weight,
        "kind": e.kind,
        "reason_zh": e.reason_zh,
        "reason_en": e.reason_en,
        "cells": [_converter.unstructure(c) for c in e.changes],
        "evidence": [
            {
                "claim": c.claim,
                "stated": c.stated,
                "clause": c.clause,
                "sentence": c.sentence,
                "source": str(c.source) if c.source is not None else None,
            }
            for c in e.evidence
        ],
    }


def print_diagnosis(
    name: str,
    result: CheckResult,
    explanations: list[Explanation],
    lang: str,
    console: Console | None = None,
) -> None:
    """Print a report's explanations, and the best one's cells in their table."""
    from rich.markup import escape
    from rich.table import Table

    report = result.report
    console = _console(console)
    console.print(_headline(name, result.verdict, result))
    if not explanations:
        if result.ok:
            console.print("  every table is complete and every rule holds")
        else:
            console.print("  no change of the cells read explains it: see `gxschema check`")
        return
    for n, e in enumerate(explanations, 1):
        console.print(f"  [bold]{n}.[/bold] {e.kind}  [dim]weight {e.weight:g}[/dim]")
        console.print("     " + escape(e.reason_zh if lang == "zh" else e.reason_en))
    best = explanations[0]
    proposed = {(c.table, c.line_id, c.column_id): c for c in best.changes}
    spec = spec_of(report)
    for table in spec.tables:
        if not any(c.table == table.id for c in best.changes):
            continue
        grid = Table(title=escape(f"{table.id}  {table.label}"), title_justify="left")
        grid.add_column("", no_wrap=True, max_width=24, overflow="ellipsis")
        for col in table.columns:
            grid.add_column(escape(col.label), justify="right", overflow="fold")
        # A short table is shown whole; a long one, only its lines with changes.
        changed = {c.line_id for c in best.changes if c.table == table.id}
        for line in table.lines:
            if len(table.lines) > 5 and line.id not in changed:
                continue
            cells = [escape(line.label)]
            for col in table.columns:
                cell = report.cell(table.id, line.id, col.id)
                printed = escape(cell.raw.strip()) if cell is not None else ""
                blank = "空白" if lang == "zh" else "blank"
                missing = "缺失" if lang == "zh" else "missing"
                change = proposed.get((table.id, line.id, col.id))
                if change is None:
                    cells.append(printed)
                    continue
                was = printed or (blank if cell is not None else missing)
                cells.append(
                    f"[bold red]{was}[/bold red] → [bold green]{_proposal(change)}[/bold green]"
                )
            grid.add_row(*cells)
        console.print(grid)


def _proposal(change: CellChange) -> str:
    if change.proposed is not None:
        return str(change.proposed)
    low = "" if change.low is None else str(change.low)
    high = "" if change.high is None else str(change.high)
    return f"{low}…{high}"
