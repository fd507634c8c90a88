"""What a report is once read: cells that keep their raw text and where they came from."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Literal

import attrs

from gxschema._cell import Cell, Location
from gxschema._metadata import Metadata
from gxschema._spec import TemplateSpec

__all__ = ["Ambiguity", "Cell", "Detection", "Extra", "Location", "Metadata", "Paragraph", "Report"]


@attrs.frozen
class Extra:
    """A row or column of the input that the template does not declare, kept verbatim.

    Attributes:
        table: the table it was found in.
        axis: ``"row"`` or ``"column"``.
        label: its label as printed.
        cells: the raw texts of its value cells.
        source: where it starts.
    """

    table: str
    axis: Literal["row", "column"]
    label: str
    cells: tuple[str, ...] = ()
    source: Location | None = attrs.field(default=None, eq=False)


@attrs.frozen
class Ambiguity:
    """Cells whose values the input and the rules do not determine, with the readings.

    When digits ran together and more than one way of cutting them satisfies every rule
    of the template, the reader does not choose: the cells are left out of the report
    and named here, with every reading that fits.

    Attributes:
        table: the table id.
        cells: the cells left open, as ``(line id, column id)``.
        readings: the readings that fit, each the raw texts of ``cells`` in order
            (empty when there were too many to list, or none fits).
        reason: why, in words.
    """

    table: str
    cells: tuple[tuple[str, str], ...]
    readings: tuple[tuple[str, ...], ...] = ()
    reason: str = ""


@attrs.frozen
class Paragraph:
    """A line of text outside the tables (a title, a section heading, prose), as printed.

    Attributes:
        text: the text, whitespace kept as read.
        source: where it was read.
    """

    text: str
    source: Location | None = attrs.field(default=None, eq=False)


@attrs.frozen
class Detection:
    """Why a table was read the way it was.

    Attributes:
        table: the table id.
        template: the template whose declaration the table was read with.
        reason: the evidence, in words.
        by_position: the labels of the columns (and, in a table whose lines are printed
            side by side, lines) that were placed by their position because the header
            did not name them; empty when every one was matched by label.
    """

    table: str
    template: str
    reason: str
    by_position: tuple[str, ...] = ()


@attrs.frozen(eq=True)
class Report:
    """A report read against one template.

    Two reports are equal when they have the same template, the same cells (value and
    raw text) and the same extras: where each was read (``source`` of the report, its
    cells and extras) and why (``detection``) are provenance, kept and serialized but
    not compared, so ``read(render(r, form)) == r`` holds for every form.

    Attributes:
        template: the id of the template (see :func:`gxschema.templates.get`).
        tables: cells by table id, then line id, then column id.  A declared cell that
            the input did not contain is absent (unknown), which is not BLANK.
        source: the file name or ``"<text>"``.
        detection: per table, which template was used and why.
        extras: rows and columns the template does not know, kept verbatim.
        prose: the text outside the tables (titles, headings, paragraphs), in document
            order; provenance, like ``source``: kept but not compared.
        metadata: the agency, report year and title, each with where it came from;
            read from the prose, kept and serialised, not compared.
        ambiguities: cells the input leaves undetermined (values run together that the
            rules cannot cut one way), with their readings; provenance, not compared.
        spec: the compiled template the report was read (or generated) with, so that
            every engine can use it even when it is not registered; provenance, like
            ``source``: not compared, not serialised.
    """

    template: str
    tables: Mapping[str, Mapping[str, Mapping[str, Cell]]] = attrs.field(factory=dict)
    source: str | None = attrs.field(default=None, eq=False)
    detection: tuple[Detection, ...] = attrs.field(default=(), eq=False)
    extras: tuple[Extra, ...] = ()
    prose: tuple[Paragraph, ...] = attrs.field(default=(), eq=False)
    metadata: Metadata = attrs.field(factory=Metadata, eq=False)
    ambiguities: tuple[Ambiguity, ...] = attrs.field(default=(), eq=False)
    spec: TemplateSpec | None = attrs.field(default=None, eq=False, repr=False)

    def cell(self, table: str, line: str, column: str) -> Cell | None:
        """Return one cell, or None when the input did not contain it.

        Args:
            table: the table id (``"s3"``).
            line: the line id (``"r7_total"``).
            column: the column id (``"total"``).

        Returns:
            The cell, or None.
        """
        return self.tables.get(table, {}).get(line, {}).get(column)

    def cells(self) -> Iterator[tuple[str, str, str, Cell]]:
        """Iterate over every cell as ``(table, line, column, cell)``, in document order.

        Yields:
            One tuple per cell present in the report.
        """
        for table_id, rows in self.tables.items():
            for line_id, columns in rows.items():
                for column_id, cell in columns.items():
                    yield table_id, line_id, column_id, cell
