"""Page geometry for the PDF reader: which rules a page draws, and the tables they make.

Only rules that show count (stroked lines and rectangles, and thin filled rectangles,
in a colour other than white): WPS paints a white rectangle behind every line of body
text, which pdfplumber would otherwise take for the rows of a one-column table.
Filled rectangles (cell backgrounds) count only inside the area the visible rules
span, and that area is closed on all four sides, because a table cut by a page break
has no rule along the cut.  pdfplumber then finds the tables from these edges alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - for annotations only
    from pdfplumber.page import Page
    from pdfplumber.table import Table

_TOL = 2.0  # points: how far a cell background may stick out of the ruled area
_THIN = 2.0  # points: a filled rectangle this thin is a rule, not a background
_CLUSTER = 3.0  # points: rules closer than this belong to the same ruled area


def find_tables(page: Page) -> list[Table]:
    """Find the tables drawn with visible rules, top to bottom, then left to right."""
    visible: list[dict[str, Any]] = []
    fills: list[dict[str, Any]] = []
    for obj in [*page.rects, *page.lines, *page.curves]:
        kind = obj.get("object_type")
        stroked = obj.get("stroke") and not _is_white(obj.get("stroking_color"))
        rule = (
            kind == "rect"
            and obj.get("fill")
            and min(obj["width"], obj["height"]) <= _THIN
            and not _is_white(obj.get("non_stroking_color"))
        )
        if stroked or rule:
            visible.append(obj)
        elif kind == "rect" and obj.get("fill"):
            fills.append(obj)
    if not visible:
        return []
    areas = _areas(visible)
    edges: list[dict[str, Any]] = list(visible)
    for fill in fills:
        if any(_inside_box(fill, area, _TOL) for area in areas):
            edges.append(fill)
    for x0, top, x1, bottom in areas:
        if x1 - x0 < 3 or bottom - top < 3:
            continue
        edges += [
            _edge("h", x0, x1, top, top),
            _edge("h", x0, x1, bottom, bottom),
            _edge("v", x0, x0, top, bottom),
            _edge("v", x1, x1, top, bottom),
        ]
    settings = {
        "vertical_strategy": "explicit",
        "horizontal_strategy": "explicit",
        "explicit_vertical_lines": edges,
        "explicit_horizontal_lines": edges,
    }
    tables: list[Table] = page.find_tables(settings)
    return sorted(tables, key=lambda t: (t.bbox[1], t.bbox[0]))


def inside(char: dict[str, Any], box: tuple[float, float, float, float]) -> bool:
    """Whether a character's centre is in a box (pdfplumber's own test for cells)."""
    h = (char["x0"] + char["x1"]) / 2
    v = (char["top"] + char["bottom"]) / 2
    return bool(box[0] <= h < box[2] and box[1] <= v < box[3])


def _is_white(color: Any) -> bool:
    """Whether a pdfminer colour is white (gray 1, RGB 1,1,1 or CMYK 0,0,0,0)."""
    if isinstance(color, (int, float)):
        return float(color) >= 0.99
    if isinstance(color, (tuple, list)) and all(isinstance(v, (int, float)) for v in color):
        values = [float(v) for v in color]
        if len(values) in (1, 3):
            return all(v >= 0.99 for v in values)
        if len(values) == 4:
            return all(v <= 0.01 for v in values)
    return False


def _edge(orientation: str, x0: float, x1: float, top: float, bottom: float) -> dict[str, Any]:
    """An edge in pdfplumber's form, for a rule the page does not draw."""
    return {
        "object_type": "line_edge",
        "orientation": orientation,
        "x0": x0,
        "x1": x1,
        "top": top,
        "bottom": bottom,
        "width": x1 - x0,
        "height": bottom - top,
    }


def _areas(objects: Sequence[dict[str, Any]]) -> list[tuple[float, float, float, float]]:
    """Group visible rules into ruled areas: the bounding boxes of rules that touch.

    A sweep from the top: an area no rule has reached for ``_CLUSTER`` points is done,
    so the work stays near linear in the number of rules on ordinary pages.
    """
    done: list[list[float]] = []
    active: list[list[float]] = []
    for obj in sorted(objects, key=lambda o: (o["top"], o["x0"])):
        box = [obj["x0"], obj["top"], obj["x1"], obj["bottom"]]
        still: list[list[float]] = []
        for other in active:
            if other[3] + _CLUSTER < box[1]:
                done.append(other)
            else:
                still.append(other)
        merged = True
        while merged:  # a grown box may reach areas it was first checked against
            merged = False
            rest: list[list[float]] = []
            for other in still:
                if box[0] <= other[2] + _CLUSTER and other[0] <= box[2] + _CLUSTER:
                    box = [
                        min(box[0], other[0]),
                        min(box[1], other[1]),
                        max(box[2], other[2]),
                        max(box[3], other[3]),
                    ]
                    merged = True
                else:
                    rest.append(other)
            still = rest
        still.append(box)
        active = still
    return [(b[0], b[1], b[2], b[3]) for b in (*done, *active)]


def _inside_box(obj: dict[str, Any], box: tuple[float, float, float, float], tol: float) -> bool:
    return bool(
        obj["x0"] >= box[0] - tol
        and obj["x1"] <= box[2] + tol
        and obj["top"] >= box[1] - tol
        and obj["bottom"] <= box[3] + tol
    )
