"""Tables continued across pages, for the PDF reader.

A table that ends one page and opens the next with the same number of columns is one
table: header rows the new page repeats are dropped, and a label cell cut by the page
break (``（四）无`` | ``法提供``) is joined into the cell it continues.  A row cut in
two (its labels on one page, the rest of them and its values on the next) is joined
into one row.  Everything here works on the rows of :mod:`._cells` in place.
"""

from __future__ import annotations

import attrs

from gxschema._labels import enumerator, normalize_label
from gxschema._readers._pdf._cells import SPACES, Cell, Row
from gxschema._values import looks_like_value


@attrs.define
class OpenTable:
    """The last table read, while the next page may continue it."""

    columns: int
    header: list[tuple[str, ...]]
    last: Row | None


def is_value(text: str) -> bool:
    """Whether a cell's text is a number (or a blank mark) rather than a label.

    The value codec's :func:`~gxschema._values.looks_like_value`, except that an empty
    cell is neither: it says nothing about whether its row holds values.
    """
    return bool(text.strip(SPACES)) and looks_like_value(text)


def header(rows: list[Row]) -> list[tuple[str, ...]]:
    """The rows before the first row holding a value: a table's header."""
    out: list[tuple[str, ...]] = []
    for row in rows:
        if any(is_value(c.text) for c in row.cells):
            break
        out.append(_texts(row))
    return out


def continue_table(table: OpenTable, rows: list[Row]) -> list[Row]:
    """Drop repeated header rows and join label cells cut by the page break.

    Rows that repeat the table's header are dropped only when the previous page
    ended in a row of values: after a caption or a header row, the same texts are
    the table's own next rows.

    Args:
        table: the table the previous page ended with.
        rows: the rows of the table that opens this page.

    Returns:
        The rows still to be emitted, after the dropped and joined ones.
    """
    previous = table.last
    ended_in_values = previous is not None and any(is_value(c.text) for c in previous.cells)
    k = 0
    start = 0
    while ended_in_values and start < len(rows) and k < len(table.header):
        try:
            k = table.header.index(_texts(rows[start]), k) + 1
        except ValueError:
            break
        start += 1
    rows = rows[start:]
    if not rows or previous is None:
        return rows
    first = rows[0]
    if _join_cut_row(previous, first, rows[1:]):
        return rows[1:]
    _join_cut_labels(previous, first, rows[1:])
    return rows


def _is_fragment(text: str) -> bool:
    """Whether a label text can be the rest of a label cut by a page break.

    A text that opens with an item number (``（五）``, ``2.``, ``三、``) starts a label
    of its own.
    """
    stripped = text.strip(SPACES)
    if not stripped or is_value(stripped):
        return False
    return enumerator(normalize_label(stripped)) is None


def _key(text: str) -> str:
    return "".join(text.split())


def _texts(row: Row) -> tuple[str, ...]:
    return tuple(_key(c.text) for c in row.cells)


def _join_cut_row(previous: Row, first: Row, below: list[Row]) -> bool:
    """Join a row cut in two by the page break; True when ``first`` was joined.

    One part holds the rest of the other's labels (text that starts no item of its
    own, in the columns of the other's label cells), and at most one part holds values.
    """
    labels = [c for c in first.cells if c.text and not is_value(c.text)]
    if not labels or not all(_is_fragment(c.text) and _continues(previous, c) for c in labels):
        return False
    values = [c for c in first.cells if is_value(c.text)]
    if values:
        if any(is_value(c.text) for c in previous.cells):
            return False
        starts = {c.column: c for c in previous.cells if not c.continued}
        targets = [starts.get(c.column) for c in values]
        if any(
            t is None or t.text or t.colspan != c.colspan
            for t, c in zip(targets, values, strict=True)
        ):
            return False
        for target, cell in zip(targets, values, strict=True):
            assert target is not None
            target.text, target.location = cell.text, cell.location
    for cell in labels:
        owner = _owner(previous, cell)
        owner.text = f"{owner.text}\n{cell.text}"
        owner.rowspan += cell.rowspan - 1
        _repoint(below, cell, owner)
    return True


def _join_cut_labels(previous: Row, first: Row, below: list[Row]) -> None:
    """Join the rest of multi-row label cells cut by the page break into their first part.

    Cells left of the row's own label, under a label cell of the previous row with the
    same columns, continue it when they are empty or hold text that starts no item of
    its own (``法提供`` under ``（四）无``); they become continued stand-ins.
    """
    label = _last_label(first)
    if label is None:
        return
    for i, cell in enumerate(first.cells):
        if cell.column >= label.column or cell.continued:
            continue
        if not _continues(previous, cell) or (cell.text and not _is_fragment(cell.text)):
            continue
        owner = _owner(previous, cell)
        if cell.text:
            owner.text = f"{owner.text}\n{cell.text}"
        owner.rowspan += cell.rowspan
        first.cells[i] = Cell(
            "", cell.location, owner.colspan, continued=True, column=cell.column, origin=owner
        )
        _repoint([first, *below], cell, owner)


def _repoint(rows: list[Row], old: Cell, new: Cell) -> None:
    """Make rows covered by a cell that was joined into another refer to that other."""
    for row in rows:
        row.cover = [new if c is old else c for c in row.cover]
        for cell in row.cells:
            if cell.origin is old:
                cell.origin = new


def _owner_or_none(previous: Row, cell: Cell) -> Cell | None:
    """The cell of the previous row that covers a cell's first column, if any."""
    if cell.column >= len(previous.cover):
        return None
    return previous.cover[cell.column]


def _owner(previous: Row, cell: Cell) -> Cell:
    owner = _owner_or_none(previous, cell)
    assert owner is not None
    return owner


def _continues(previous: Row, cell: Cell) -> bool:
    """Whether a cell lies where a label cell of the previous row lies (same columns)."""
    owner = _owner_or_none(previous, cell)
    return (
        owner is not None
        and owner.column == cell.column
        and owner.colspan == cell.colspan
        and bool(owner.text)
        and not is_value(owner.text)
    )


def _last_label(row: Row) -> Cell | None:
    """The row's own label: its last non-empty cell that is not a value."""
    label = None
    for cell in row.cells:
        if cell.text and not is_value(cell.text):
            label = cell
    return label
