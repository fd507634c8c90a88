"""The ``gxschema`` command line: check, diagnose, extract, series, render, templates, schema.

``check``, ``diagnose``, ``extract`` and ``series`` take batches (files, directories,
globs, ``-``); they are declared in :mod:`gxschema._cli_batch`.

Exit codes of ``check`` and ``diagnose`` follow the verdict (:mod:`gxschema._check`):
0 ``ok``, 1 ``failed``, 3 ``incomplete``, 2 ``unreadable`` (a file cannot be read, or
holds no declared table; the other files are still checked).  Over several files the
worst verdict decides: unreadable, then failed, then incomplete.
"""

from __future__ import annotations

import logging
import runpy
import sys
from collections.abc import Sequence
from typing import Any

import click
import orjson

from gxschema import templates
from gxschema._cli_batch import add_batch_commands
from gxschema._cli_output import template_option as _template_option
from gxschema._forms import forms
from gxschema._json import json_safe
from gxschema._page._cli import add_report_command
from gxschema._read import read
from gxschema._report import Report
from gxschema._serialize import json_schema as _json_schema
from gxschema._writers import render
from gxschema.exceptions import ParseError

__all__ = ["main"]


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
    # pdfminer warns on stderr about fonts it half understands (a browser's PDF gives
    # dozens of "Could not get FontBBox" lines); what it cannot read, the reader says.
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    for path in load:
        before = set(templates.available())
        try:
            runpy.run_path(path, run_name="gxschema_templates")
        except Exception as exc:
            raise click.UsageError(f"--load {path}: {type(exc).__name__}: {exc}") from None
        for tid in templates.available():
            if tid not in before:
                templates.set_origin(tid, f"--load {path}")


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


add_batch_commands(main)
add_report_command(main)
