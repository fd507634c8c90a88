"""Asides: footnote marks, struck-out and hidden text, kept apart from a cell's text.

A superscript or subscript (``12<sup>1</sup>``, a footnote mark), struck-out text
(``<s>12</s>15``, Word's ``w:strike``) and hidden text (``display:none``, ``hidden``,
Word's ``w:vanish``) are not part of the number printed beside them: glued on, they
would read as 121, 1215 or 123.  A reader wraps each in :data:`OPEN` … :data:`CLOSE`
(two private-use characters no report prints) and :func:`split` takes them out of the
text again, as the cell's asides (:attr:`gxschema._grid.GridCell.asides`, kept as
provenance on the report's cell).
"""

from __future__ import annotations

__all__ = ["CLOSE", "OPEN", "clean", "split", "split_lines"]

OPEN = "\ue000"
"""Starts an aside in a reader's text."""
CLOSE = "\ue001"
"""Ends an aside in a reader's text."""


def clean(text: str) -> str:
    """``text`` with the two marks taken out (a page's own are not asides)."""
    if OPEN in text or CLOSE in text:
        return text.replace(OPEN, "\ufffd").replace(CLOSE, "\ufffd")
    return text


def split(text: str) -> tuple[str, tuple[str, ...]]:
    """A marked text's own text and its asides, in order.

    Marks nest (a hidden footnote inside struck text is one aside); a close without an
    open is ignored, and an aside left open runs to the end of the text.  White space
    left at the seams is trimmed as the readers trim a cell's ends.
    """
    if OPEN not in text and CLOSE not in text:
        return text, ()
    own: list[str] = []
    asides: list[str] = []
    current: list[str] = []
    depth = 0
    start = 0
    for i, ch in enumerate(text):
        if ch != OPEN and ch != CLOSE:
            continue
        (current if depth else own).append(text[start:i])
        start = i + 1
        if ch == OPEN:
            depth += 1
        elif depth:
            depth -= 1
            if not depth:
                asides.append("".join(current))
                current = []
    (current if depth else own).append(text[start:])
    if depth:
        asides.append("".join(current))
    kept = tuple(a.strip() for a in asides if a.strip())
    lines = [line.strip(" \t") for line in "".join(own).split("\n")]
    return "\n".join(line for line in lines if line) if len(lines) > 1 else lines[0], kept


def split_lines(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """:func:`split` line by line, an aside broken over lines staying one aside's pieces."""
    if OPEN not in text and CLOSE not in text:
        return [(line, ()) for line in text.split("\n")]  # no aside: each line its own text
    out = []
    depth = 0  # asides left open by the lines before
    for line in text.split("\n"):
        out.append(split(OPEN * depth + line) if depth else split(line))
        for ch in line:  # the line's own marks, not the ones it was opened with
            if ch == OPEN:
                depth += 1
            elif ch == CLOSE and depth:
                depth -= 1
    return out
