"""One unit of batch work: read one input, check it, and give back what to write.

A worker (a local process or a Dask worker) runs :func:`process` on each input; what
crosses back is plain data: the text or JSON to print, the table rows and the
cross-rule entry, so results stream to the output in order.
"""

from __future__ import annotations

import csv
import hashlib
import io
import signal
import threading
from collections.abc import Sequence
from typing import Any, Literal

import attrs
import orjson

from gxschema._check import Verdict, check
from gxschema._json import json_safe
from gxschema._read import load, read_loaded
from gxschema._report import Report
from gxschema._serialize import LONG_COLUMNS, long_rows, make_converter
from gxschema.batch._cross import Entry, Mapping_, entry_of, place
from gxschema.batch._inputs import Source
from gxschema.batch._rows import Row, cell_rows, finding_rows, report_row, unreadable_row
from gxschema.exceptions import ParseError

__all__ = ["Chunk", "Command", "Options", "Outcome", "TimeLimit", "process", "process_chunk"]

Command = Literal["check", "diagnose", "extract", "series"]
Format = Literal["text", "json", "csv", "none"]

_converter = make_converter()


@attrs.frozen
class Options:
    """What a worker does with each input.

    Attributes:
        command: ``check``, ``diagnose`` or ``extract``.
        fmt: what to print: ``text``, ``json``, ``csv`` (extract) or ``none``.
        template: read with this template instead of detecting it.
        lang: the language of text output.
        limit: at most this many explanations (diagnose).
        tables: build the rows of the three tables.
        cross: build the cross-rule entry.
        color: text output for a colour terminal.
        width: the width of text output.
        mapping: file → (agency, year), overriding the metadata.
        time_limit: seconds one input may take to read and check; an input that takes
            longer is recorded as unreadable (see :class:`TimeLimit`). None: no limit.
    """

    command: Command = "check"
    fmt: Format = "none"
    template: str | None = None
    lang: str = "zh"
    limit: int = 3
    tables: bool = False
    cross: bool = False
    color: bool = False
    width: int = 100
    mapping: Mapping_ | None = attrs.field(default=None, repr=False)
    time_limit: float | None = None


@attrs.frozen
class Outcome:
    """What one input gave: its verdict, its output, its rows.

    Attributes:
        name: the input's name.
        sha256: the sha256 of its bytes (None when they could not be read).
        verdict: the verdict (``unreadable`` when it could not be read).
        output: the text, JSON or CSV to print for it.
        error: why it could not be read.
        reports: its ``reports`` row(s).
        cells: its ``cells`` rows.
        findings: its ``findings`` rows.
        entry: its cross-rule entry.
        series: its series rows (``series``).
    """

    name: str
    sha256: str | None
    verdict: Verdict
    output: str = ""
    error: str | None = None
    reports: list[Row] = attrs.field(factory=list)
    cells: list[Row] = attrs.field(factory=list)
    findings: list[Row] = attrs.field(factory=list)
    entry: Entry | None = None
    series: list[Row] = attrs.field(factory=list)


def _indented(data: Any) -> str:
    text = orjson.dumps(json_safe(data), option=orjson.OPT_INDENT_2).decode("utf-8")
    return "  " + text.replace("\n", "\n  ")


def _console(options: Options, buffer: io.StringIO) -> Any:
    from rich.console import Console

    return Console(
        file=buffer,
        force_terminal=options.color,
        color_system="standard" if options.color else None,
        width=options.width,
        highlight=False,
        soft_wrap=True,
    )


def _csv(name: str, report: Report) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in long_rows(report):
        values = [getattr(row, c) for c in LONG_COLUMNS]
        values[0] = name
        writer.writerow(["" if v is None else v for v in values])
    return buffer.getvalue()


def _output(name: str, report: Report, options: Options, result: Any) -> str:
    from gxschema import _cli_output as out
    from gxschema._diagnose import diagnose

    if options.fmt == "none":
        return ""
    if options.command == "extract":
        if options.fmt == "csv":
            return _csv(name, report)
        return _indented({"file": name, **_converter.unstructure(report)})
    buffer = io.StringIO()
    if options.command == "diagnose":
        explanations = diagnose(report, limit=options.limit) if not result.ok else []
        if options.fmt == "json":
            return _indented(
                {
                    "file": name,
                    "template": report.template,
                    "verdict": result.verdict,
                    "explanations": [out.explanation_json(e) for e in explanations],
                }
            )
        out.print_diagnosis(name, result, explanations, options.lang, _console(options, buffer))
        return buffer.getvalue()
    if options.fmt == "json":
        return _indented(out.check_json(name, result))
    out.print_check(name, result, options.lang, _console(options, buffer))
    return buffer.getvalue()


def _unreadable(name: str, sha256: str | None, message: str, options: Options) -> Outcome:
    from gxschema._cli_output import unreadable_json

    output = ""
    if options.fmt == "json" and options.command != "extract":
        output = _indented(unreadable_json(name, message))
    rows = [unreadable_row(name, sha256, message)] if options.tables else []
    return Outcome(name, sha256, "unreadable", output, message, rows)


def _one(name: str, sha256: str, report: Report, options: Options) -> Outcome:
    if options.command == "series":
        from gxschema.batch._series import series_of

        rows = series_of(report, name, options.mapping)
        return Outcome(name, sha256, "ok", series=rows)
    result = check(report)
    if options.mapping:
        agency, year = place(name, result.metadata.agency, result.metadata.year, options.mapping)
        meta = result.metadata
        if (agency, year) != (meta.agency, meta.year):
            meta = attrs.evolve(
                meta,
                agency=agency,
                year=year,
                agency_from="user" if agency != meta.agency else meta.agency_from,
                year_from="user" if year != meta.year else meta.year_from,
            )
            result = attrs.evolve(result, metadata=meta)
    output = _output(name, report, options, result)
    reports: list[Row] = []
    cells: list[Row] = []
    findings: list[Row] = []
    if options.tables:
        reports = [report_row(name, sha256, result)]
        cells = cell_rows(name, sha256, report)
        findings = finding_rows(name, sha256, result)
    entry = entry_of(report, name, mapping=options.mapping) if options.cross else None
    if entry is not None:
        entry = attrs.evolve(entry, sha256=sha256)
    return Outcome(name, sha256, result.verdict, output, None, reports, cells, findings, entry)


class TimeLimit(Exception):
    """An input took longer than ``Options.time_limit`` (raised inside :func:`process`).

    The limit is a ``SIGALRM`` timer, so it holds where signals can be used: on POSIX,
    in a process's main thread (the local engine's processes, or one process).  The
    signal is handled between Python steps: a single long call into C (one regular
    expression, one parse by lxml) finishes first.  Elsewhere (a Dask worker's
    threads, Windows) inputs run without a limit.
    """


def _on_alarm(signum: int, frame: Any) -> None:
    raise TimeLimit


def _timer(limit: float | None) -> tuple[Any] | None:
    """Start the time limit for one input, if it can be used here; the handler it replaced."""
    if not limit or not hasattr(signal, "setitimer"):
        return None
    if threading.current_thread() is not threading.main_thread():
        return None
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    signal.setitimer(signal.ITIMER_REAL, limit)
    return (previous,)


def process(source: Source, options: Options) -> list[Outcome]:
    """Read, check and render one input, within the time limit; never raises for a bad input.

    Args:
        source: the input.
        options: what to do with it.

    Returns:
        One outcome per report in it (a JSON list of reports gives several); an input
        that cannot be read, or takes longer than ``options.time_limit``, gives one
        ``unreadable`` outcome with the reason.
    """
    timed = _timer(options.time_limit)
    try:
        try:
            return _process(source, options)
        finally:
            if timed is not None:
                signal.setitimer(signal.ITIMER_REAL, 0)
    except TimeLimit:  # also when it fires just as the input is done: it took that long
        message = f"{source.name}: cannot be read: took longer than {options.time_limit:g} s"
        return [_unreadable(source.name, None, message, options)]
    finally:
        if timed is not None:
            signal.signal(signal.SIGALRM, timed[0])  # the host's handler, as it was


def _process(source: Source, options: Options) -> list[Outcome]:
    sha256: str | None = None
    try:
        if source.data is not None:
            content: bytes | str = source.data
        else:
            content, _ = load(source.name)
        data = content.encode("utf-8") if isinstance(content, str) else content
        sha256 = hashlib.sha256(data).hexdigest()
        read = read_loaded(data, source.name, template=options.template)
    except ParseError as exc:
        return [_unreadable(source.name, sha256, str(exc), options)]
    except TimeLimit:
        raise
    except Exception as exc:  # one broken input never stops a batch
        message = f"{source.name}: cannot be read: {type(exc).__name__}: {exc}"
        return [_unreadable(source.name, sha256, message, options)]
    out: list[Outcome] = []
    for name, report in read:
        try:
            out.append(_one(name, sha256, report, options))
        except TimeLimit:
            raise
        except Exception as exc:
            message = f"{name}: cannot be checked: {type(exc).__name__}: {exc}"
            out.append(_unreadable(name, sha256, message, options))
    return out


@attrs.frozen
class Chunk:
    """What a run of consecutive inputs gave: one task of an engine.

    Attributes:
        outcomes: each input's outcomes, in order; with ``Options.tables`` their rows
            are moved into ``tables`` (the outcomes' own row lists are empty).
        tables: the chunk's rows as Arrow tables (``reports``, ``cells``,
            ``findings``), built where the work ran, so what crosses between processes
            is a few Arrow buffers instead of many small Python objects.
    """

    outcomes: list[list[Outcome]]
    tables: dict[str, Any] | None = None


def process_chunk(sources: Sequence[Source], options: Options) -> Chunk:
    """:func:`process` over consecutive inputs, their rows packed as Arrow tables."""
    results = [process(s, options) for s in sources]
    if not options.tables:
        return Chunk(results)
    from gxschema.batch._arrow import TABLES, to_table

    rows: dict[str, list[Row]] = {name: [] for name in TABLES}
    light: list[list[Outcome]] = []
    for outcomes in results:
        kept = []
        for o in outcomes:
            rows["reports"].extend(o.reports)
            rows["cells"].extend(o.cells)
            rows["findings"].extend(o.findings)
            kept.append(attrs.evolve(o, reports=[], cells=[], findings=[]))
        light.append(kept)
    return Chunk(light, {name: to_table(name, r) for name, r in rows.items()})
