"""Page geometry for the PDF reader: which rules a page draws, and the tables they make.

Only rules that show count (stroked lines and rectangles, and thin filled rectangles,
in a colour other than white): WPS paints a white rectangle behind every line of body
text, which pdfplumber would otherwise take for the rows of a one-column table.
Filled rectangles (cell backgrounds) count only inside the area the visible rules
span, and that area is closed on all four sides, because a table cut by a page break
has no rule along the cut.  The tables are then found from these edges alone, by
pdfplumber's method (where rules cross, the smallest rectangles the crossings make,
the groups of rectangles that touch), done here in time near linear in the crossings
and within the reading's time budget (:mod:`._budget`): pdfplumber's own steps take
time quadratic in the crossings or the cells.  A page whose rules cross more than
:data:`MAX_PAGE_CROSSINGS` times is refused.
"""

from __future__ import annotations

import bisect
import types
from collections.abc import Sequence
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from gxschema._readers._pdf._budget import Budget
from gxschema._report import Location
from gxschema.exceptions import ParseError

if TYPE_CHECKING:  # pragma: no cover - for annotations only
    from pdfplumber.page import Page
    from pdfplumber.table import Table

MAX_PAGE_CROSSINGS = 4000
"""A page whose table rules cross more often than this is refused (a report's largest
table has a few hundred crossings)."""

Point = tuple[float, float]
Box = tuple[float, float, float, float]

_TOL = 2.0  # points: how far a cell background may stick out of the ruled area
_THIN = 2.0  # points: a filled rectangle this thin is a rule, not a background
_CLUSTER = 3.0  # points: rules closer than this belong to the same ruled area


def find_tables(page: Page, budget: Budget) -> list[Table]:
    """Find the tables drawn with visible rules, top to bottom, then left to right.

    Raises:
        ParseError: the rules cross over :data:`MAX_PAGE_CROSSINGS` times, or the
            time budget is spent.
    """
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
    if len(edges) < 2:
        return []  # a lone rule makes no table
    settings = {
        "vertical_strategy": "explicit",
        "horizontal_strategy": "explicit",
        "explicit_vertical_lines": edges,
        "explicit_horizontal_lines": edges,
    }
    from pdfplumber.table import Table, TableFinder, TableSettings

    resolved = TableSettings.resolve(settings)
    # pdfplumber's edge merging (snapping and joining) is linear after a sort.
    merged = TableFinder.get_edges(types.SimpleNamespace(page=page, settings=resolved))  # type: ignore[arg-type]
    points = _crossings(
        merged,
        resolved.intersection_x_tolerance,
        resolved.intersection_y_tolerance,
        budget,
    )
    cells = _cells(points, budget)
    tables = [Table(page, group) for group in _groups(cells, budget)]
    return sorted(tables, key=lambda t: (t.bbox[1], t.bbox[0]))


def _crossings(
    edges: Sequence[dict[str, Any]], x_tol: float, y_tol: float, budget: Budget
) -> dict[Point, dict[str, list[dict[str, Any]]]]:
    """Where vertical and horizontal edges cross: pdfplumber's ``edges_to_intersections``.

    The same points with the same edges, in the same order; the horizontal edges a
    vertical one may cross are found by bisection instead of trying them all.

    Raises:
        ParseError: over :data:`MAX_PAGE_CROSSINGS` crossings.
    """
    vertical = sorted((e for e in edges if e["orientation"] == "v"), key=itemgetter("x0", "top"))
    horizontal = sorted((e for e in edges if e["orientation"] == "h"), key=itemgetter("top", "x0"))
    tops = [h["top"] for h in horizontal]
    points: dict[Point, dict[str, list[dict[str, Any]]]] = {}
    count = 0
    for v in vertical:
        low = bisect.bisect_left(tops, v["top"] - y_tol)
        high = bisect.bisect_right(tops, v["bottom"] + y_tol)
        for h in horizontal[low:high]:
            budget.tick()
            if h["x0"] - x_tol <= v["x0"] <= h["x1"] + x_tol:
                count += 1
                if count > MAX_PAGE_CROSSINGS:
                    raise ParseError(
                        f"the page's rules cross over {MAX_PAGE_CROSSINGS} times (the limit); "
                        "a report's tables cross far fewer",
                        source=budget.source,
                        location=Location(page=budget.page),
                    )
                vertex = (v["x0"], h["top"])
                at = points.setdefault(vertex, {"v": [], "h": []})
                at["v"].append(v)
                at["h"].append(h)
    return points


def _cells(points: dict[Point, dict[str, list[dict[str, Any]]]], budget: Budget) -> list[Box]:
    """The smallest rectangles the crossings make: pdfplumber's ``intersections_to_cells``.

    The same cells in the same order; the points below and right of each point are
    looked up by column and by row instead of by scanning every later point.
    """
    from pdfplumber.utils.geometry import obj_to_bbox

    v_sets = {p: {obj_to_bbox(e) for e in at["v"]} for p, at in points.items()}
    h_sets = {p: {obj_to_bbox(e) for e in at["h"]} for p, at in points.items()}

    def connects(p1: Point, p2: Point) -> bool:
        if p1[0] == p2[0] and v_sets[p1] & v_sets[p2]:
            return True
        return p1[1] == p2[1] and bool(h_sets[p1] & h_sets[p2])

    ordered = sorted(points)
    by_x: dict[float, list[Point]] = {}
    by_y: dict[float, list[Point]] = {}
    for p in ordered:  # each list in the order of the sorted points
        by_x.setdefault(p[0], []).append(p)
        by_y.setdefault(p[1], []).append(p)
    where_x = {p: i for column in by_x.values() for i, p in enumerate(column)}
    where_y = {p: i for row in by_y.values() for i, p in enumerate(row)}
    cells: list[Box] = []
    for pt in ordered:
        below = by_x[pt[0]][where_x[pt] + 1 :]
        right = by_y[pt[1]][where_y[pt] + 1 :]
        found = _smallest(pt, below, right, points, connects, budget)
        if found is not None:
            cells.append(found)
    return cells


def _smallest(
    pt: Point,
    below: Sequence[Point],
    right: Sequence[Point],
    points: dict[Point, Any],
    connects: Any,
    budget: Budget,
) -> Box | None:
    for below_pt in below:
        budget.tick()
        if not connects(pt, below_pt):
            continue
        for right_pt in right:
            budget.tick()
            if not connects(pt, right_pt):
                continue
            corner = (right_pt[0], below_pt[1])
            if corner in points and connects(corner, right_pt) and connects(corner, below_pt):
                return (pt[0], pt[1], corner[0], corner[1])
    return None


def _groups(cells: Sequence[Box], budget: Budget) -> list[list[Box]]:
    """The cells that touch at a corner, grouped: pdfplumber's ``cells_to_tables``.

    The same groups (connected by shared corners), each in the order of ``cells``,
    found with one union-find pass instead of repeated scans.
    """
    parent = list(range(len(cells)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[Point, int] = {}
    for i, (x0, top, x1, bottom) in enumerate(cells):
        budget.tick()
        for corner in ((x0, top), (x0, bottom), (x1, top), (x1, bottom)):
            j = owner.setdefault(corner, i)
            if j != i:
                parent[root(i)] = root(j)
    groups: dict[int, list[Box]] = {}
    for i, cell in enumerate(cells):
        groups.setdefault(root(i), []).append(cell)
    # Only groups of more than one cell are tables, as pdfplumber's find_tables keeps.
    return [g for g in groups.values() if len(g) > 1]


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
