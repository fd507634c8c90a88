r"""Numbers wrapped inside a narrow cell, joined back.

A Word-style page converted to PDF prints 3050 in a narrow column as ``305`` on one
line and ``0`` on the next; the cell's text is then ``"305\\n0"``.  When every line of a
cell's text is a run of digits (and there are at least two lines), the cell holds one
number broken by the line width, never two values: a table cell holds one value.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["joined_digits"]


def joined_digits(text: str) -> str | None:
    r"""Return the number a cell's wrapped lines spell, or None when it is not one.

    Args:
        text: a cell's text, line breaks kept.

    Returns:
        The lines joined (``"305\\n0"`` → ``"3050"``), or None when the text has a
        single line or a line that is not digits.
    """
    if "\n" not in text:
        return None
    lines = [ln.strip() for ln in unicodedata.normalize("NFKC", text).splitlines()]
    lines = [ln for ln in lines if ln]
    if len(lines) < 2:
        return None
    joined = "".join(lines)
    if not re.fullmatch(r"[+\-−]?\d[\d,]*(?:\.\d+)?(?:万元|元|万)?", joined):
        return None
    if not all(re.fullmatch(r"[+\-−]?[\d,.]+(?:万元|元|万)?", ln) for ln in lines):
        return None
    return joined
