"""The ``gxschema`` command line: check, diagnose, extract, templates, schema.

Exit codes of ``check`` and ``diagnose`` follow the verdict (:mod:`gxschema._check`):
0 ``ok``, 1 ``failed``, 3 ``incomplete``, 2 ``unreadable`` (a file cannot be read, or
holds no declared table; the other files are still checked).  Over several files the
worst verdict decides: unreadable, then failed, then incomplete.
"""

from __future__ import annotations

import csv
import io
import runpy
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click
import orjson

from gxschema import templates
from gxschema._check import EXIT_CODES, CheckResult, Finding, Verdict, check, worst
from gxschema._diagnose import CellChange, Explanation, diagnose
from gxschema._forms import forms
from gxschema._json import json_safe
from gxschema._metadata import metadata_to_json
from gxschema._page._cli import add_report_command
from gxschema._read import read
from gxschema._report import Report
from gxschema._resolve import spec_of
from gxschema._serialize import LONG_COLUMNS, long_rows, make_converter
from gxschema._serialize import json_schema as _json_schema
from gxschema._validate import Violation
from gxschema._writers import render
from gxschema.exceptions import ParseError

__all__ = ["main"]

_converter = make_converter()
F = TypeVar("F", bound=Callable[..., Any])


def _dump(data: Any) -> None:
    # Integers beyond ±(2**53-1) (a count of up to 100 digits) are written as strings.
    click.echo(orjson.dumps(json_safe(data), option=orjson.OPT_INDENT_2).decode("utf-8"))


def _read_all(
    files: Sequence[str], template: str | None
) -> tuple[list[tuple[str, Report]], list[tuple[str, ParseError]]]:
    """Read every file; report each unreadable one on stderr and keep going."""
    reports: list[tuple[str, Report]] = []
    failures: list[tuple[str, ParseError]] = []
    for name in files:
        try:
            reports.append((name, read(name, template=template)))
        except ParseError as exc:
            click.echo(f"error: {exc}", err=True)
            failures.append((name, exc))
    return reports, failures


def _violation_json(v: Violation) -> dict[str, Any]:
    data: dict[str, Any] = _converter.unstructure(v)
    return data


def _format_option(*choices: str) -> Callable[[F], F]:
    return click.option(
        "--format", "fmt", type=click.Choice(list(choices)), default=choices[0], show_default=True
    )


def _lang_option(what: str) -> Callable[[F], F]:
    return click.option(
        "--lang",
        type=click.Choice(["zh", "en"]),
        default="zh",
        show_default=True,
        help=f"Language of the {what} in text output.",
    )


def _template_option() -> Callable[[F], F]:
    return click.option(
        "--template",
        "template",
        metavar="ID",
        default=None,
        help="Read with this template instead of detecting it (see `gxschema templates`).",
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="gxschema")
@click.option(
    "--load",
    "load",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    metavar="FILE.py",
    help="Run a Python file that declares and registers templates "
    "(gx.templates.register); repeatable.",
)
def main(load: tuple[str, ...]) -> None:
    """Read and check 政府信息公开工作年度报告 (disclosure annual reports)."""
    for path in load:
        before = set(templates.available())
        try:
            runpy.run_path(path, run_name="gxschema_templates")
        except Exception as exc:
            raise click.UsageError(f"--load {path}: {type(exc).__name__}: {exc}") from None
        for tid in templates.available():
            if tid not in before:
                templates.set_origin(tid, f"--load {path}")


@main.command("check")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@_format_option("text", "json")
@_lang_option("messages")
@_template_option()
def check_command(files: tuple[str, ...], fmt: str, lang: str, template: str | None) -> None:
    """Judge reports: the verdict, then every finding (completeness, tables, claims).

    Exits 0 when the verdict is ok, 1 when failed (an error-severity rule fails), 3
    when incomplete (a table, line or cell is missing or blank, so a rule cannot be
    decided), 2 when a file is unreadable.  Warnings never change the exit code.
    """
    reports, failures = _read_all(files, template)
    verdicts: list[Verdict] = ["unreadable" for _ in failures]
    results: list[dict[str, Any]] = [_unreadable_json(name, e) for name, e in failures]
    for name, outcome in reports:
        result = check(outcome)
        verdicts.append(result.verdict)
        if fmt == "json":
            results.append(_check_json(name, result))
        else:
            _print_check(name, result, lang)
    if fmt == "json":
        order = {name: i for i, name in enumerate(files)}
        _dump(sorted(results, key=lambda r: order[r["file"]]))
    sys.exit(EXIT_CODES[worst(verdicts)])


def _unreadable_json(name: str, error: ParseError) -> dict[str, Any]:
    return {"file": name, "verdict": "unreadable", "ok": False, "error": str(error)}


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


def _check_json(name: str, result: CheckResult) -> dict[str, Any]:
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
    about = " · ".join(
        str(v) for v in (meta.agency, f"{meta.year}" if meta.year else None) if v
    )
    return (
        f"{_VERDICT_STYLE[verdict]}  {escape(name)}  [dim]({result.template}"
        + (f"; {escape(about)}" if about else "")
        + ")[/dim]"
    )


def _print_check(name: str, result: CheckResult, lang: str) -> None:
    from rich.console import Console
    from rich.markup import escape

    console = Console(highlight=False, soft_wrap=True)
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


@main.command("diagnose")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@_format_option("text", "json")
@_lang_option("reasons")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=3,
    show_default=True,
    help="At most this many explanations per report.",
)
@_template_option()
def diagnose_command(
    files: tuple[str, ...], fmt: str, lang: str, limit: int, template: str | None
) -> None:
    """Say which cells of broken reports to change, and to what.

    Explanations come best first: the fewest (weighted) cells whose change makes every
    error-severity rule hold, typical slips (transposed digits, a total left 0 …)
    named.  The verdict and exit code are ``check``'s: 0 ok, 1 failed, 3 incomplete
    (a blank or missing cell; the explanations then say what it could hold), 2
    unreadable.
    """
    reports, failures = _read_all(files, template)
    verdicts: list[Verdict] = ["unreadable" for _ in failures]
    results: list[dict[str, Any]] = [_unreadable_json(name, e) for name, e in failures]
    for name, outcome in reports:
        result = check(outcome)
        verdicts.append(result.verdict)
        explanations = diagnose(outcome, limit=limit) if not result.ok else []
        if fmt == "json":
            results.append(
                {
                    "file": name,
                    "template": outcome.template,
                    "verdict": result.verdict,
                    "explanations": [_explanation_json(e) for e in explanations],
                }
            )
        else:
            _print_diagnosis(name, result, explanations, lang)
    if fmt == "json":
        order = {name: i for i, name in enumerate(files)}
        _dump(sorted(results, key=lambda r: order[r["file"]]))
    sys.exit(EXIT_CODES[worst(verdicts)])


def _explanation_json(e: Explanation) -> dict[str, Any]:
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


def _print_diagnosis(
    name: str, result: CheckResult, explanations: list[Explanation], lang: str
) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    report = result.report
    console = Console(highlight=False, soft_wrap=True)
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


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@_format_option("json", "csv")
@_template_option()
def extract(files: tuple[str, ...], fmt: str, template: str | None) -> None:
    """Print every cell of the reports (JSON, or CSV in long format).

    Exits 2 when a file cannot be read, 0 otherwise.
    """
    reports, failures = _read_all(files, template)
    code = 2 if failures else 0
    if fmt == "json":
        _dump([{"file": name, **_converter.unstructure(r)} for name, r in reports])
    else:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(LONG_COLUMNS)
        for name, r in reports:
            for row in long_rows(r):
                values = [getattr(row, c) for c in LONG_COLUMNS]
                values[0] = name
                writer.writerow(["" if v is None else v for v in values])
        click.echo(buffer.getvalue(), nl=False)
    sys.exit(code)


@main.command("render")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option(
    "--to",
    "form",
    type=click.Choice([f.name for f in forms(writable=True)]),
    required=True,
    help="The form to write.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Write here instead of standard output (needed for docx).",
)
@_template_option()
def render_command(file: str, form: str, output: str | None, template: str | None) -> None:
    """Read a report in any form and write it as text, HTML, Markdown or Word.

    Exits 2 when the file cannot be read.
    """
    reports, failures = _read_all([file], template)
    if failures:
        sys.exit(2)
    [(_, report)] = reports
    written = render(report, form)
    if output is not None:
        data = written if isinstance(written, bytes) else written.encode("utf-8")
        with open(output, "wb") as handle:
            handle.write(data)
    elif isinstance(written, bytes):
        raise click.UsageError("docx is binary: write it to a file with --output")
    else:
        click.echo(written, nl=False)


@main.command("templates")
def list_templates() -> None:
    """List the templates this installation knows, and where each came from.

    Columns, tab-separated: id, report years, title (and the template it extends),
    origin (built-in, an installed package's entry point, or ``--load FILE``).
    """
    for tid in templates.available():
        spec = templates.get(tid)
        years = ""
        if spec.first_year is not None:
            years = f"{spec.first_year}–{spec.last_year or ''}"
        title = spec.title + (f" (extends {spec.base})" if spec.base else "")
        click.echo(f"{tid}\t{years}\t{title}\t{templates.origin(tid)}")


@main.command()
@click.argument("template_id", metavar="ID")
def schema(template_id: str) -> None:
    """Print the JSON Schema of a template's report JSON."""
    try:
        spec = templates.get(template_id)
    except KeyError as exc:
        raise click.BadParameter(str(exc.args[0]), param_hint="ID") from None
    _dump(_json_schema(spec))


add_report_command(main)
