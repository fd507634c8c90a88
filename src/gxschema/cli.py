"""The ``gxschema`` command line: check, diagnose, extract, templates, schema.

Exit codes of ``check`` and ``diagnose``: 0 when no error-severity rule fails, 1 when
one does, 2 when a file cannot be read (the other files are still checked).
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
from gxschema._diagnose import CellChange, Explanation, diagnose
from gxschema._forms import forms
from gxschema._read import read
from gxschema._report import Report
from gxschema._resolve import spec_of
from gxschema._serialize import LONG_COLUMNS, long_rows, make_converter
from gxschema._serialize import json_schema as _json_schema
from gxschema._validate import Violation, validate
from gxschema._writers import render
from gxschema.exceptions import ParseError

__all__ = ["main"]

_converter = make_converter()
F = TypeVar("F", bound=Callable[..., Any])


def _dump(data: Any) -> None:
    click.echo(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode("utf-8"))


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


def _is_error(v: Violation) -> bool:
    return v.severity == "error" and v.status == "fail"


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


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@_format_option("text", "json")
@_lang_option("messages")
@_template_option()
def check(files: tuple[str, ...], fmt: str, lang: str, template: str | None) -> None:
    """Check reports against their template's rules.

    Exits 0 when no error-severity rule fails, 1 when one does, 2 when a file cannot
    be read.
    """
    reports, failures = _read_all(files, template)
    code = 2 if failures else 0
    results: list[dict[str, Any]] = [{"file": name, "error": str(e)} for name, e in failures]
    for name, outcome in reports:
        violations = validate(outcome)
        ok = not any(_is_error(v) for v in violations)
        if not ok:
            code = max(code, 1)
        if fmt == "json":
            results.append(
                {
                    "file": name,
                    "template": outcome.template,
                    "ok": ok,
                    "violations": [_violation_json(v) for v in violations],
                }
            )
        else:
            _print_check(name, outcome, violations, ok, lang)
    if fmt == "json":
        order = {name: i for i, name in enumerate(files)}
        _dump(sorted(results, key=lambda r: order[r["file"]]))
    sys.exit(code)


def _print_check(
    name: str, report: Report, violations: list[Violation], ok: bool, lang: str
) -> None:
    from rich.console import Console
    from rich.markup import escape

    console = Console(highlight=False, soft_wrap=True)
    verdict = "[green]OK[/green]" if ok else "[bold red]FAILED[/bold red]"
    console.print(f"{verdict}  {escape(name)}  [dim]({report.template})[/dim]")
    if not violations:
        console.print("  every rule holds")
        return
    for v in violations:
        style = "red" if _is_error(v) else "yellow"
        console.print(
            f"  [{style}]{v.rule}[/{style}] {v.severity}, {v.status}  [dim]{v.table} @ {v.at}[/dim]"
        )
        console.print("    " + escape(v.message_zh if lang == "zh" else v.message_en))
    errors = sum(1 for v in violations if _is_error(v))
    console.print(f"  {errors} error(s), {len(violations) - errors} other finding(s)", style="dim")


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
    named.  Exits 0 when every rule holds, 1 when one does not, 2 when a file cannot
    be read.
    """
    reports, failures = _read_all(files, template)
    code = 2 if failures else 0
    results: list[dict[str, Any]] = [{"file": name, "error": str(e)} for name, e in failures]
    for name, outcome in reports:
        explanations = diagnose(outcome, limit=limit)
        if explanations:
            code = max(code, 1)
        if fmt == "json":
            results.append(
                {
                    "file": name,
                    "template": outcome.template,
                    "explanations": [_explanation_json(e) for e in explanations],
                }
            )
        else:
            _print_diagnosis(name, outcome, explanations, lang)
    if fmt == "json":
        order = {name: i for i, name in enumerate(files)}
        _dump(sorted(results, key=lambda r: order[r["file"]]))
    sys.exit(code)


def _explanation_json(e: Explanation) -> dict[str, Any]:
    return {
        "weight": e.weight,
        "kind": e.kind,
        "reason_zh": e.reason_zh,
        "reason_en": e.reason_en,
        "cells": [_converter.unstructure(c) for c in e.changes],
    }


def _print_diagnosis(name: str, report: Report, explanations: list[Explanation], lang: str) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(highlight=False, soft_wrap=True)
    verdict = "[bold red]BROKEN[/bold red]" if explanations else "[green]OK[/green]"
    console.print(f"{verdict}  {escape(name)}  [dim]({report.template})[/dim]")
    if not explanations:
        console.print("  every rule holds")
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
                change = proposed.get((table.id, line.id, col.id))
                if change is None:
                    cells.append(printed)
                    continue
                was = printed or "·"
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
