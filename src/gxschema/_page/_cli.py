"""The ``gxschema report`` command: check pages for files, and an index for the batch."""

from __future__ import annotations

import sys

import click

from gxschema._check import EXIT_CODES, Verdict, worst
from gxschema._page import _version, write_pages

__all__ = ["add_report_command"]


def add_report_command(group: click.Group) -> None:
    """Register ``report`` on the command line's group."""

    @group.command("report")
    @click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
    @click.option(
        "-o",
        "--output",
        "out",
        type=click.Path(file_okay=False, writable=True),
        required=True,
        help="The directory to write the pages and index.html into (made when missing).",
    )
    @click.option(
        "--lang",
        type=click.Choice(["zh", "en"]),
        default="zh",
        show_default=True,
        help="The language the pages open in (each page can switch).",
    )
    @click.option("--no-index", is_flag=True, help="Write the report pages only.")
    @click.option(
        "--template",
        "template",
        metavar="ID",
        default=None,
        help="Read with this template instead of detecting it (see `gxschema templates`).",
    )
    def report_command(
        paths: tuple[str, ...], out: str, lang: str, no_index: bool, template: str | None
    ) -> None:
        """Write a static HTML check page per report, and an index.html for the batch.

        PATHS are files, or directories whose files of a form gxschema reads are taken.
        Each page is self-contained (no network: inline style and script) and opens from
        file://.  A file that cannot be read gets a page saying so.  Exit codes are
        ``check``'s, for the worst verdict: 0 ok, 1 failed, 3 incomplete, 2 unreadable.
        """

        def said(name: str, verdict: Verdict, message: str | None) -> None:
            if message is not None:
                click.echo(f"error: {message}", err=True)

        result = write_pages(
            paths,
            out,
            template=template,
            lang=lang,
            index=not no_index,
            version=_version(),
            on_file=said,
        )
        where = f"; index: {result.index}" if result.index is not None else ""
        click.echo(f"wrote {len(result.pages)} page(s) to {out}{where}", err=True)
        sys.exit(EXIT_CODES[worst(list(result.verdicts))])
