"""Values that ran together in one cell (``230 000023``), cut by the declared rules.

Part of the mapper (:mod:`gxschema._mapper`): a row whose value cells hold fewer runs
of digits than the table has columns is cut every way that makes the line's
error-severity rules hold, within a budget; the mapper takes the cut only when it is
the only one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from gxschema._model import Intervals, Row, TableModel, status

__all__ = ["DIGITS", "fold_digits", "splits"]

DIGITS = re.compile(r"[0-9０-９]+")
_MAX_SPLITS = 20_000  # candidate splits examined per row; beyond it the row is ambiguous
_MAX_CUTS = 30_000  # cuts tried per row, of any width: bounds the work on long digit runs


def fold_digits(text: str) -> str:
    """Full-width digits as ASCII digits."""
    return text.translate(str.maketrans("０１２３４５６７８９", "0123456789"))


def splits(
    digits: Sequence[str],
    width: int,
    columns: Sequence[int | None],
    tm: TableModel,
    rows: Sequence[Row],
) -> list[list[str]]:
    """Return the ways (at most two) to cut digit strings into ``width`` passing numbers.

    ``columns`` gives, per printed value, the cell of the line it fills in the table's
    model (None: a column the template lacks); ``rows`` are the line's rules.  A split
    passes when the model says each rule holds with the line's cells as split (cells
    the printed row lacks read 0).  A number never starts with 0 unless it is 0.
    """
    found: list[list[str]] = []
    budget = [_MAX_SPLITS]
    work = [_MAX_CUTS]
    iv = Intervals.blank(tm.kinds)
    line_cells = {i for r in rows for i, _ in r.terms}
    for i in line_cells:
        iv.set(i, 0)

    def passes(pieces: list[str]) -> bool:
        for i in line_cells:
            iv.set(i, 0)
        for cell, p in zip(columns, pieces, strict=True):
            if cell is not None:
                iv.set(cell, int(p))
        return all(status(row, iv) == "holds" for row in rows)

    def cuts(text: str, parts: int) -> Iterator[list[str]]:
        # Lazily: the ways to cut 40 digits in 8 are millions, and the budget stops
        # the walk long before.
        if parts == 1:
            if text == "0" or not text.startswith("0"):
                yield [text]
            return
        first_max = len(text) - parts + 1
        for size in range(1, first_max + 1):
            head = text[:size]
            if len(head) > 1 and head.startswith("0"):
                break
            for rest in cuts(text[size:], parts - 1):
                yield [head, *rest]
                if budget[0] <= 0:
                    return

    def walk(i: int, left: int, acc: list[str]) -> None:
        if len(found) > 1 or budget[0] <= 0:
            return
        if i == len(digits):
            work[0] -= 1  # every cut tried counts, fitting the width or not
            if work[0] <= 0:
                budget[0] = 0
            if left == 0:
                budget[0] -= 1
                if passes(acc):
                    found.append(list(acc))
            return
        remaining = len(digits) - i - 1
        for parts in range(1, min(len(digits[i]), left - remaining) + 1):
            for pieces in cuts(digits[i], parts):
                walk(i + 1, left - parts, acc + pieces)
                if len(found) > 1 or budget[0] <= 0:
                    return

    if sum(len(d) for d in digits) <= 40:
        walk(0, width, [])
    if budget[0] <= 0 and len(found) < 2:
        return [[], []]  # too many to tell apart: ambiguous
    return found
