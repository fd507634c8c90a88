"""The cross-year breaks of the series in a batch, for the index page's series chart.

This is an adapter: the index asks it two things, what a report carries from one year to
the next (:func:`carry_of`, kept in the index row so that a batch of 10⁴ reports is not
held in memory) and, over all rows, where a series breaks (:func:`series_breaks`).  The
rule is decided by :mod:`gxschema.batch`'s cross-year rules, the same ``X.carry`` the
batch's findings table holds (DOMAIN §10.5): the line carried out in year Y equals the
line carried in in year Y+1, in every column of the table both reports hold, within the
tolerance of approximate values (19万 is 190000 ± 5000).  Reports are of one series when
their agencies' names agree after NFKC, with white space and brackets removed.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

import attrs

from gxschema._metadata import agency_key
from gxschema._report import Report
from gxschema._seriesmap import CrossRule
from gxschema._values import Number
from gxschema.batch._cross import Entry, cross_rules, pair_findings
from gxschema.batch._rows import cell_key
from gxschema.templates._series import CARRY

__all__ = ["RULE", "Carry", "SeriesBreaks", "Value", "agency_key", "carry_of", "series_breaks"]

RULE = CARRY.id
"""The id of the rule the series chart shows."""

Value = tuple[int | Decimal, int | Decimal] | None
"""A cell as the rule compares it: (value, tolerance), or None when blank."""

Carry = tuple[dict[str, Value], dict[str, Value]]
"""What a report carries: the cells of the line carried out and of the line carried in,
by column id."""


def _rule() -> CrossRule:
    for rule in cross_rules():
        if rule.id == RULE:
            return rule
    raise LookupError(f"no cross-year rule {RULE} is registered")  # pragma: no cover


def _value(cell_value: object) -> Value:
    if isinstance(cell_value, Number):
        return cell_value.value, cell_value.tolerance
    return None


def carry_of(report: Report) -> Carry | None:
    """The lines of the carry rule in a report, or None when it holds neither."""
    lines = report.tables.get(CARRY.table)
    if not lines or (CARRY.before not in lines and CARRY.after not in lines):
        return None
    before = {c: _value(cell.value) for c, cell in lines.get(CARRY.before, {}).items()}
    after = {c: _value(cell.value) for c, cell in lines.get(CARRY.after, {}).items()}
    return before, after


@attrs.frozen
class SeriesBreaks:
    """One series (an agency's reports of consecutive years) and its year pairs.

    Attributes:
        agency: the agency as the first report names it.
        pairs: per pair of consecutive years ``(year, year + 1)``, the columns that
            break the rule (``[]`` when it holds), or None when it cannot be decided
            (a cell blank or missing on one side).
    """

    agency: str
    pairs: tuple[tuple[int, tuple[str, ...] | None], ...]

    @property
    def broken(self) -> int:
        """How many year pairs break the rule."""
        return sum(1 for _, cols in self.pairs if cols)


def _entry(rule: CrossRule, year: int, carry: Carry) -> Entry:
    table = rule.table or ""
    values = {cell_key(table, rule.source or "", c): v for c, v in carry[0].items()}
    values.update({cell_key(table, rule.target or "", c): v for c, v in carry[1].items()})
    return Entry(f"{year}", "", year, "", values)


def _pair(rule: CrossRule, year: int, earlier: Carry, later: Carry) -> tuple[str, ...] | None:
    out_before, in_after = earlier[0], later[1]
    columns = [c for c in out_before if c in in_after]
    if not columns:
        return None
    found = pair_findings(rule, _entry(rule, year, earlier), _entry(rule, year + 1, later))
    prefix = f"{rule.target}."
    broken = {f.at[len(prefix) :] for f in found if f.at and f.at.startswith(prefix)}
    out = tuple(c for c in columns if c in broken)
    if any(out_before[c] is None or in_after[c] is None for c in columns):
        return out or None
    return out


def series_breaks(
    rows: Iterable[tuple[str | None, int | None, Carry | None]],
) -> list[SeriesBreaks]:
    """The series of a batch with two or more consecutive years, most breaks first.

    Args:
        rows: per report, its agency, year and :func:`carry_of` (the first report of an
            agency and year counts; the others are duplicates).

    Returns:
        One entry per series that has a pair of consecutive years.
    """
    rule = _rule()
    by_agency: dict[str, tuple[str, dict[int, Carry]]] = {}
    for agency, year, carry in rows:
        if not agency or year is None or carry is None:
            continue
        name, years = by_agency.setdefault(agency_key(agency), (agency, {}))
        years.setdefault(year, carry)
    out = []
    for name, years in by_agency.values():
        pairs = tuple(
            (year, _pair(rule, year, years[year], years[year + 1]))
            for year in sorted(years)
            if year + 1 in years
        )
        if pairs:
            out.append(SeriesBreaks(name, pairs))
    out.sort(key=lambda s: (-s.broken, s.agency))
    return out
