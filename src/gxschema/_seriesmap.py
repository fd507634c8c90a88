"""Series across a template change, and rules across an agency's reports, as data.

A template change (the 2019 template to the 2021 one) moves cells: most keep their ids,
``（六）其他处理`` becomes three lines, some columns change meaning.  A :class:`SeriesMap`
says, cell by cell, which cells of the earlier template and which of the later one give
one series (:class:`SeriesLink`), and whether the two are comparable.  It also carries
the rules over consecutive years of one agency (:class:`CrossRule`).  The national map
is declared next to the national templates; :func:`register_series` adds others.

The helpers :func:`same`, :func:`summed` and :func:`own` build links from declared
table classes, so a map names ids the declarations already have.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal, TypeAlias

import attrs

from gxschema._dsl import table_decl
from gxschema.exceptions import DeclarationError

__all__ = [
    "CrossKind",
    "CrossRule",
    "SeriesLink",
    "SeriesMap",
    "own",
    "register_series",
    "same",
    "series_maps",
    "summed",
]

CrossKind: TypeAlias = Literal["carry", "same", "stock"]
"""What a cross rule compares: a line carried into the next year's report (``carry``),
a report copied from last year's (``same``), or a stock updated by this year's flows
(``stock``)."""


@attrs.frozen
class SeriesLink:
    """One series: the cells that give it in the earlier and the later template.

    Attributes:
        series: the series id (``s3.r6.total``).
        table: the table both sides are in.
        before: the cells (``line.column``) whose sum gives the series in the earlier
            template; empty when the earlier template has no such series.
        after: the same in the later template.
        comparable: whether values from both sides form one series.
        reading: a note on how it is comparable (``"sum"``, ``"decisions"``), if any.
    """

    series: str
    table: str
    before: tuple[str, ...]
    after: tuple[str, ...]
    comparable: bool
    reading: str | None = None


@attrs.frozen
class CrossRule:
    """A rule over two consecutive years of one agency's reports (a warning).

    Attributes:
        id: the rule id (``X.carry``).
        kind: ``"carry"``, ``"same"`` or ``"stock"`` (:data:`CrossKind`).
        table: the table it reads (``carry`` and ``stock``).
        source: ``carry``: the line of year Y (carried out); ``stock``: the stock column.
        target: ``carry``: the line of year Y+1 it must equal (carried in).
        plus: ``stock``: the column added in year Y+1.
        minus: ``stock``: the column taken away in year Y+1.
        zh: the message in Chinese (``{where}``, ``{year}``, ``{next_year}``, ``{lhs}``,
            ``{rhs}`` are filled in).
        en: the message in English.
    """

    id: str
    kind: CrossKind
    table: str | None = None
    source: str | None = None
    target: str | None = None
    plus: str | None = None
    minus: str | None = None
    zh: str = ""
    en: str = ""


@attrs.frozen
class SeriesMap:
    """How the cells of one template continue in the next, and the cross-year rules.

    Attributes:
        id: a name for the map.
        before: the earlier template's id.
        after: the later template's id.
        links: one link per series.
        cross: the rules over consecutive years of one agency.
    """

    id: str
    before: str
    after: str
    links: tuple[SeriesLink, ...]
    cross: tuple[CrossRule, ...] = ()

    def __attrs_post_init__(self) -> None:
        seen: set[str] = set()
        for link in self.links:
            if link.series in seen:
                raise DeclarationError(f"series map {self.id!r}: {link.series!r} twice")
            seen.add(link.series)


def _lines(cls: type) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    decl = table_decl(cls)
    return decl.id, tuple(f.name for f in decl.fields), tuple(f.name for f in decl.row.fields)


def same(
    before: type,
    after: type,
    *,
    exclude: Sequence[str] = (),
    columns: Sequence[str] | None = None,
    reading: str | None = None,
) -> tuple[SeriesLink, ...]:
    """Comparable links for every line and column both declared tables share, by id.

    Args:
        before: the earlier template's table class.
        after: the later template's table class.
        exclude: line ids left out.
        columns: only these column ids (default: every shared column).
        reading: the note on how they are comparable.

    Returns:
        One link per shared cell, its series id ``table.line.column``.
    """
    table, lines_a, cols_a = _lines(before)
    table_b, lines_b, cols_b = _lines(after)
    if table != table_b:
        raise DeclarationError(f"same(): {table!r} and {table_b!r} are different tables")
    cols = [c for c in cols_a if c in cols_b and (columns is None or c in columns)]
    return tuple(
        SeriesLink(f"{table}.{ln}.{c}", table, (f"{ln}.{c}",), (f"{ln}.{c}",), True, reading)
        for ln in lines_a
        if ln in lines_b and ln not in exclude
        for c in cols
    )


def summed(
    after: type, series: str, before: Sequence[str], lines: Sequence[str]
) -> tuple[SeriesLink, ...]:
    """Comparable links, per column, of lines of the later table summed (``r6_1+r6_2+r6_3``).

    Args:
        after: the later template's table class (its columns are used).
        series: the line id the series takes (``r6``).
        before: the earlier template's lines that give it.
        lines: the later template's lines whose sum gives it.

    Returns:
        One link per column, ``reading="sum"``.
    """
    table, _, cols = _lines(after)
    return tuple(
        SeriesLink(
            f"{table}.{series}.{c}",
            table,
            tuple(f"{ln}.{c}" for ln in before),
            tuple(f"{ln}.{c}" for ln in lines),
            True,
            "sum",
        )
        for c in cols
    )


def own(
    cls: type,
    side: Literal["before", "after"],
    *,
    lines: Sequence[str] | None = None,
    columns: Sequence[str] | None = None,
) -> tuple[SeriesLink, ...]:
    """Links, not comparable, for cells only one template has (or that changed meaning).

    Args:
        cls: the table class.
        side: ``"before"`` (the earlier template's) or ``"after"``.
        lines: only these line ids (default: all).
        columns: only these column ids (default: all).

    Returns:
        One link per cell, its series id ``table.line.column``.
    """
    table, all_lines, cols = _lines(cls)
    out = []
    for ln in all_lines:
        if lines is not None and ln not in lines:
            continue
        for c in cols:
            if columns is not None and c not in columns:
                continue
            cell = (f"{ln}.{c}",)
            out.append(
                SeriesLink(
                    f"{table}.{ln}.{c}",
                    table,
                    cell if side == "before" else (),
                    cell if side == "after" else (),
                    False,
                )
            )
    return tuple(out)


_MAPS: dict[str, SeriesMap] = {}


def register_series(series_map: SeriesMap, *, replace: bool = False) -> None:
    """Make a series map known to ``gxschema series`` and the cross-year rules.

    Args:
        series_map: the map.
        replace: allow replacing a map of the same id.

    Raises:
        DeclarationError: the id is taken and ``replace`` is false.
    """
    if series_map.id in _MAPS and not replace and _MAPS[series_map.id] is not series_map:
        raise DeclarationError(f"a series map {series_map.id!r} is registered already")
    _MAPS[series_map.id] = series_map


def series_maps() -> tuple[SeriesMap, ...]:
    """Return the registered series maps, in registration order."""
    return tuple(_MAPS.values())


def links_of(maps: Iterable[SeriesMap]) -> tuple[SeriesLink, ...]:
    """Every link of the maps, the first map's first for a series id declared twice."""
    seen: dict[str, SeriesLink] = {}
    for m in maps:
        for link in m.links:
            seen.setdefault(link.series, link)
    return tuple(seen.values())
