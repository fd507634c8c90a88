"""The batch commands: ``check``, ``diagnose``, ``extract`` and ``series``.

Each takes files, directories (recursively), globs, ``-`` for standard input, and
report JSON (``extract``'s output).  A file that cannot be read is reported and the
batch goes on.  ``--jobs N`` runs N local processes, ``--engine dask --scheduler
ADDRESS`` a Dask cluster; ``--out DIR`` writes the tables (``reports``, ``cells``,
``findings``) as Parquet, resumably.  Output that cannot be written ends with one line
on standard error and exit code 2.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import IO, Any, TypeVar

import click

from gxschema._check import EXIT_CODES
from gxschema._cli_output import lang_option, template_option
from gxschema._serialize import LONG_COLUMNS
from gxschema.batch._cross import CrossFinding, load_mapping
from gxschema.batch._inputs import STDIN
from gxschema.batch._run import Summary, run
from gxschema.batch._work import Command, Options, Outcome
from gxschema.exceptions import ParseError

__all__ = ["add_batch_commands"]

F = TypeVar("F", bound=Callable[..., Any])
BOM = "\ufeff"


class _Unwritable(click.ClickException):
    exit_code = 2

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"error: {self.message}", err=True)


def _fail_write(where: str, exc: OSError) -> _Unwritable:
    return _Unwritable(f"cannot write {where}: {exc.strerror or exc}")


class _Output:
    """Where a command prints: standard output or a file, with an optional BOM."""

    def __init__(self, path: str | None, bom: bool) -> None:
        self.name = path or "the standard output"
        try:
            self.handle: IO[str] = (
                open(path, "w", encoding="utf-8", newline="")  # noqa: SIM115 (closed in close())
                if path
                else sys.stdout
            )
        except OSError as exc:
            raise _fail_write(self.name, exc) from None
        self.own = path is not None
        if bom:
            self.write(BOM)

    def write(self, text: str) -> None:
        try:
            self.handle.write(text)
        except BrokenPipeError:
            sys.exit(0)
        except OSError as exc:
            raise _fail_write(self.name, exc) from None

    def close(self) -> None:
        try:
            self.handle.flush()
            if self.own:
                self.handle.close()
        except OSError as exc:
            raise _fail_write(self.name, exc) from None


def format_option(*choices: str) -> Callable[[F], F]:
    """``--format``: the first choice by default, nothing per file with ``--out``."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(choices)),
        default=None,
        help=f"What to print per file [default: {choices[0]}; with --out: nothing].",
    )


def _batch_options(f: F) -> F:
    options = [
        click.option(
            "--jobs",
            "-j",
            type=click.IntRange(min=1),
            default=1,
            show_default=True,
            help="Local processes to run the batch on.",
        ),
        click.option(
            "--out",
            "out",
            type=click.Path(file_okay=False),
            default=None,
            metavar="DIR",
            help="Write the tables reports, cells and findings as Parquet into DIR "
            "(e.g. results.parquet; extra 'parquet'); a rerun skips files already there.",
        ),
        click.option(
            "--mapping",
            type=click.Path(dir_okay=False),
            default=None,
            metavar="FILE",
            help="CSV (file,agency,year) or JSON giving each file's agency and year, "
            "for the cross-year rules.",
        ),
        click.option(
            "--engine",
            type=click.Choice(["local", "dask"]),
            default="local",
            show_default=True,
            help="Run on local processes, or on a Dask cluster (extra 'dask').",
        ),
        click.option(
            "--scheduler",
            default=None,
            metavar="ADDRESS",
            help="The Dask scheduler's address (tcp://host:8786), with --engine dask.",
        ),
        click.option(
            "--time-limit",
            type=click.FloatRange(min=0, min_open=True),
            default=None,
            metavar="SECONDS",
            help="Give up on a file that takes longer than this to read and check, and "
            "record it as unreadable (on local processes; not on Dask).",
        ),
        click.option(
            "--progress/--no-progress",
            default=None,
            help="Show a progress bar on standard error (default: when both outputs "
            "are a terminal and nothing else is printed per file).",
        ),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def _stdin(files: tuple[str, ...]) -> bytes | None:
    return sys.stdin.buffer.read() if STDIN in files else None


def _show_progress(flag: bool | None, quiet_per_file: bool) -> bool:
    if flag is not None:
        return flag
    return quiet_per_file and sys.stderr.isatty() and sys.stdout.isatty()


def _print_cross(out: _Output, cross: list[CrossFinding], lang: str) -> None:
    if not cross:
        return
    out.write(("跨年度" if lang == "zh" else "cross-year") + f" ({len(cross)})\n")
    for f in cross:
        message = f.message_zh if lang == "zh" else f.message_en
        out.write(f"  {f.id} {f.severity}  {f.file} ← {f.other_file}\n      {message}\n")


def _summary_line(summary: Summary, out: str | None) -> None:
    counts = ", ".join(f"{k} {v}" for k, v in sorted(summary.counts.items()))
    parts = [f"{sum(summary.counts.values())} report(s): {counts or 'none'}"]
    if summary.skipped:
        parts.append(f"{summary.skipped} already in {out}, skipped")
    parts.append(f"{summary.cross_count} cross-year finding(s)")
    click.echo("; ".join(parts) + (f" → {out}" if out else ""), err=True)


def _go(
    command: Command,
    files: tuple[str, ...],
    fmt: str | None,
    *,
    lang: str = "zh",
    limit: int = 3,
    template: str | None,
    jobs: int,
    out: str | None,
    mapping: str | None,
    engine: str,
    scheduler: str | None,
    progress: bool | None,
    time_limit: float | None = None,
    output: str | None = None,
    bom: bool = False,
) -> Summary:
    if fmt is None:
        fmt = "none" if out else ("json" if command == "extract" else "text")
    try:
        mapped = load_mapping(mapping) if mapping else None
    except ParseError as exc:
        raise click.BadParameter(str(exc), param_hint="--mapping") from None
    sink = _Output(output, bom)
    color = sink.handle.isatty() if not output else False
    width = 100
    if color:
        width = os.get_terminal_size(sink.handle.fileno()).columns
    options = Options(
        command=command,
        fmt=fmt,  # type: ignore[arg-type]
        template=template,
        lang=lang,
        limit=limit,
        color=color,
        width=width,
        mapping=mapped,
        time_limit=time_limit,
    )
    json_list = fmt == "json"
    first = [True]
    if json_list:
        sink.write("[")
    if fmt == "csv":
        sink.write(",".join(LONG_COLUMNS) + "\n")

    def emit(o: Outcome) -> None:
        # With --out the reasons are in the reports table; the summary counts them.
        in_json = fmt == "json" and command != "extract"  # check's JSON holds the reason
        if o.error is not None and fmt != "none" and not in_json:
            click.echo(f"error: {o.error}", err=True)
        if not o.output:
            return
        if json_list:
            sink.write(("\n" if first[0] else ",\n") + o.output)
            first[0] = False
        else:
            sink.write(o.output)

    try:
        summary = run(
            files,
            options,
            out=out,
            engine=engine,  # type: ignore[arg-type]
            jobs=jobs,
            scheduler=scheduler,
            progress=_show_progress(progress, fmt == "none" or output is not None),
            emit=emit,
            stdin=_stdin(files),
            keep_cross=fmt == "text" and command != "extract",
        )
    except OSError as exc:
        raise _fail_write(out or sink.name, exc) from None
    except (ImportError, ValueError) as exc:
        raise click.UsageError(str(exc)) from None
    if json_list:
        sink.write("\n]\n" if not first[0] else "]\n")
    if fmt == "text" and command != "extract":
        _print_cross(sink, summary.cross, lang)
    sink.close()
    if out:
        _summary_line(summary, out)
    return summary


def add_batch_commands(main: click.Group) -> None:
    """Add the batch commands to the ``gxschema`` group."""

    @main.command("check")
    @click.argument("files", nargs=-1, required=True)
    @format_option("text", "json")
    @lang_option("messages")
    @template_option()
    @_batch_options
    def check_command(files: tuple[str, ...], fmt: str, lang: str, **kw: Any) -> None:
        """Judge reports: the verdict, then every finding (completeness, tables, claims).

        FILES are files, directories (recursively), globs, - (standard input) or report
        JSON (extract's output).  Cross-year findings (X.carry, X.same, X.b_stock) close
        the text output and go into the findings table.

        Exits 0 when the verdict is ok, 1 when failed (an error-severity rule fails), 3
        when incomplete (a table, line or cell is missing or blank, so a rule cannot be
        decided), 2 when a file is unreadable or the output cannot be written.  Over
        several files the worst verdict decides.  Warnings never change the exit code.
        """
        summary = _go("check", files, fmt, lang=lang, **kw)
        sys.exit(EXIT_CODES[summary.verdict])

    @main.command("diagnose")
    @click.argument("files", nargs=-1, required=True)
    @format_option("text", "json")
    @lang_option("reasons")
    @click.option(
        "--limit",
        type=click.IntRange(min=1),
        default=3,
        show_default=True,
        help="At most this many explanations per report.",
    )
    @template_option()
    @_batch_options
    def diagnose_command(
        files: tuple[str, ...], fmt: str, lang: str, limit: int, **kw: Any
    ) -> None:
        """Say which cells of broken reports to change, and to what.

        Explanations come best first: the fewest (weighted) cells whose change makes
        every error-severity rule hold, typical slips (transposed digits, a total left
        0 …) named.  FILES as for check.  The verdict and exit code are check's: 0 ok,
        1 failed, 3 incomplete (a blank or missing cell; the explanations then say what
        it could hold), 2 unreadable.
        """
        summary = _go("diagnose", files, fmt, lang=lang, limit=limit, **kw)
        sys.exit(EXIT_CODES[summary.verdict])

    @main.command("extract")
    @click.argument("files", nargs=-1, required=True)
    @format_option("json", "csv")
    @click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False),
        default=None,
        help="Write here instead of standard output.",
    )
    @click.option(
        "--bom/--no-bom",
        default=None,
        help="Begin with a UTF-8 byte-order mark, so that Excel and WPS read the CSV as "
        "UTF-8 (default: on when --output ends in .csv).",
    )
    @template_option()
    @_batch_options
    def extract_command(
        files: tuple[str, ...], fmt: str, output: str | None, bom: bool | None, **kw: Any
    ) -> None:
        """Print every cell of the reports (JSON, or CSV in long format).

        The CSV has one row per cell, with the unit and the tolerance of approximate
        values (19万 is 190000 with tolerance 5000).  FILES as for check.  Exits 2 when
        a file cannot be read or the output cannot be written, 0 otherwise.
        """
        if bom is None:
            bom = output is not None and output.lower().endswith(".csv")
        summary = _go("extract", files, fmt, output=output, bom=bom and fmt == "csv", **kw)
        sys.exit(2 if summary.counts.get("unreadable") else 0)

    @main.command("series")
    @click.argument("files", nargs=-1, required=True)
    @click.option(
        "--out",
        "out",
        type=click.Path(dir_okay=False),
        required=True,
        metavar="FILE.parquet",
        help="The Parquet file to write (extra 'parquet').",
    )
    @click.option("--mapping", type=click.Path(dir_okay=False), default=None, metavar="FILE")
    @click.option("--jobs", "-j", type=click.IntRange(min=1), default=1, show_default=True)
    @click.option("--engine", type=click.Choice(["local", "dask"]), default="local")
    @click.option("--scheduler", default=None, metavar="ADDRESS")
    def series_command(
        files: tuple[str, ...],
        out: str,
        mapping: str | None,
        jobs: int,
        engine: str,
        scheduler: str | None,
    ) -> None:
        """One row per agency, year and series, across the 2020→2021 template change.

        Each row has the value, the template it came from, and whether the series is
        comparable across the change (r6 of 2019 continues as r6_1+r6_2+r6_3 of 2021).
        The mapping is declared with the templates.  Exits 2 when a file cannot be
        read or the output cannot be written.
        """
        from gxschema.batch import series

        try:
            table = series(
                list(files),
                jobs=jobs,
                engine=engine,  # type: ignore[arg-type]
                scheduler=scheduler,
                mapping=mapping,
            )
            import pyarrow.parquet as pq

            pq.write_table(table, out)
        except OSError as exc:
            raise _fail_write(out, exc) from None
        except ParseError as exc:
            raise click.BadParameter(str(exc), param_hint="--mapping") from None
        except ImportError as exc:
            raise click.UsageError(str(exc)) from None
        click.echo(f"{table.num_rows} series row(s) → {out}", err=True)
