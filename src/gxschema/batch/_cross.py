"""Rules over an agency's reports across years (``X.carry``, ``X.same``, ``X.b_stock``).

The rules are data of the templates (:class:`gxschema.dsl.CrossRule` in the registered
series maps).  Reports are grouped by agency, matched by the normalised name (NFKC,
whitespace and brackets removed), and year, both from the report's metadata unless a
mapping file gives them; each pair of consecutive years is checked.  Every finding is
a warning naming both files and the cells compared.
"""

from __future__ import annotations

import csv
import itertools
import os
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from decimal import Decimal

import attrs
import orjson

from gxschema._metadata import agency_key
from gxschema._report import Report
from gxschema._seriesmap import CrossRule, series_maps
from gxschema._values import Number
from gxschema.batch._rows import cell_key, digest
from gxschema.exceptions import ParseError

__all__ = [
    "CrossFinding",
    "Entry",
    "Mapping_",
    "check_entries",
    "cross_findings",
    "cross_rules",
    "entry_of",
    "finding_row",
    "load_mapping",
    "normalise_agency",
    "order",
    "pair_findings",
    "wanted",
]

Num = int | Decimal
Mapping_ = Mapping[str, tuple[str | None, int | None]]
"""A user's mapping: file name (or base name) → (agency, year); None keeps the report's."""


def normalise_agency(name: str) -> str:
    """The key agencies are matched by: NFKC, whitespace and brackets removed."""
    return agency_key(name)


def cross_rules() -> tuple[CrossRule, ...]:
    """The cross rules of every registered series map, each id once."""
    import gxschema.templates  # noqa: F401  (registers the national map)

    seen: dict[str, CrossRule] = {}
    for m in series_maps():
        for rule in m.cross:
            seen.setdefault(rule.id, rule)
    return tuple(seen.values())


def wanted(rules: Sequence[CrossRule]) -> dict[str, tuple[set[str], set[str]]]:
    """Per table, the lines and columns the rules read (an empty set: all)."""
    out: dict[str, tuple[set[str], set[str]]] = {}
    for r in rules:
        if r.table is None:
            continue
        lines, cols = out.setdefault(r.table, (set(), set()))
        if r.kind == "carry":
            lines.update(x for x in (r.source, r.target) if x)
        elif r.kind == "stock":
            cols.update(x for x in (r.source, r.plus, r.minus) if x)
    return out


@attrs.frozen
class Entry:
    """What the cross rules need of one report.

    Attributes:
        file: the file it was read from.
        agency: the agency as named (the mapping's, else the report's).
        year: the report year.
        digest: the digest of its cells (equal digests, equal cells).
        sha256: the sha256 of the file, when known.
        values: ``table.line.column`` → (value, tolerance), or None when blank, for the
            cells the rules read.
    """

    file: str
    agency: str
    year: int
    digest: str
    values: Mapping[str, tuple[Num, Num] | None] = attrs.field(eq=False, repr=False)
    sha256: str | None = None


@attrs.frozen
class CrossFinding:
    """A cross-year finding: two reports of one agency that do not agree.

    Attributes:
        id: the rule id (``X.carry``).
        agency: the agency.
        file: the later report's file.
        year: its year.
        other_file: the earlier report's file.
        other_year: its year.
        table: the table compared, if one.
        at: where in it (``line.column`` of the later report), if one place.
        cells: the later report's cells compared (``table.line.column``).
        other_cells: the earlier report's cells compared.
        message_zh: the message in Chinese.
        message_en: the message in English.
        severity: always ``"warning"``.
        status: always ``"fail"``.
    """

    id: str
    agency: str
    file: str
    year: int
    other_file: str
    other_year: int
    table: str | None
    at: str | None
    cells: tuple[str, ...]
    other_cells: tuple[str, ...]
    message_zh: str
    message_en: str
    severity: str = "warning"
    status: str = "fail"


def parse_exact(text: str) -> Num:
    """The exact number a cells row's ``exact`` text holds."""
    return Decimal(text) if "." in text else int(text)


def entry_of(
    report: Report,
    name: str,
    rules: Sequence[CrossRule] | None = None,
    mapping: Mapping_ | None = None,
) -> Entry | None:
    """The cross-rule entry of a report, or None when its agency or year is unknown."""
    agency, year = place(name, report.metadata.agency, report.metadata.year, mapping)
    if agency is None or year is None:
        return None
    want = wanted(cross_rules() if rules is None else rules)
    values: dict[str, tuple[Num, Num] | None] = {}
    for table_id, (lines, cols) in want.items():
        for line_id, row in report.tables.get(table_id, {}).items():
            if lines and line_id not in lines:
                continue
            for column_id, cell in row.items():
                if cols and column_id not in cols:
                    continue
                v = cell.value
                values[cell_key(table_id, line_id, column_id)] = (
                    (v.value, v.tolerance) if isinstance(v, Number) else None
                )
    return Entry(name, agency, year, digest(report), values)


def place(
    name: str, agency: str | None, year: int | None, mapping: Mapping_ | None
) -> tuple[str | None, int | None]:
    """The agency and year of a file: the mapping's where it names the file."""
    if mapping:
        given = mapping.get(name) or mapping.get(os.path.basename(name))
        if given is not None:
            agency = given[0] or agency
            year = given[1] if given[1] is not None else year
    return agency, year


def _differ(a: tuple[Num, Num], b: tuple[Num, Num]) -> bool:
    gap = Decimal(a[0]) - Decimal(b[0])
    return abs(gap) > Decimal(a[1]) + Decimal(b[1])


def _fill(rule: CrossRule, **parts: object) -> tuple[str, str]:
    return rule.zh.format(**parts), rule.en.format(**parts)


def _carry(rule: CrossRule, a: Entry, b: Entry) -> Iterator[CrossFinding]:
    table = rule.table or ""
    prefix = f"{table}.{rule.source}."
    for key, out in sorted(a.values.items()):
        if not key.startswith(prefix) or out is None:
            continue
        column = key[len(prefix) :]
        target = cell_key(table, rule.target or "", column)
        got = b.values.get(target)
        if got is None or not _differ(out, got):
            continue
        zh, en = _fill(rule, where=target, year=a.year, next_year=b.year, lhs=out[0], rhs=got[0])
        yield CrossFinding(
            rule.id, b.agency, b.file, b.year, a.file, a.year, table,
            f"{rule.target}.{column}", (target,), (key,), zh, en,
        )  # fmt: skip


def _stock(rule: CrossRule, a: Entry, b: Entry) -> Iterator[CrossFinding]:
    table = rule.table or ""
    lines = sorted({k.split(".")[-2] for k in b.values if k.startswith(table + ".")})
    for line in lines:
        keys = [cell_key(table, line, c or "") for c in (rule.source, rule.plus, rule.minus)]
        before = a.values.get(keys[0])
        now, plus, minus = (b.values.get(k) for k in keys)
        if before is None or now is None or plus is None or minus is None:
            continue
        expected = (before[0] + plus[0] - minus[0], before[1] + plus[1] + minus[1])
        if not _differ(expected, now):
            continue
        zh, en = _fill(
            rule, where=keys[0], year=a.year, next_year=b.year, lhs=expected[0], rhs=now[0]
        )
        yield CrossFinding(
            rule.id, b.agency, b.file, b.year, a.file, a.year, table,
            f"{line}.{rule.source}", tuple(keys), (keys[0],), zh, en,
        )  # fmt: skip


def _same(rule: CrossRule, a: Entry, b: Entry) -> Iterator[CrossFinding]:
    if a.digest != b.digest:
        return
    zh, en = _fill(rule, where="", year=a.year, next_year=b.year, lhs="", rhs="")
    yield CrossFinding(
        rule.id, b.agency, b.file, b.year, a.file, a.year, None, None, (), (), zh, en
    )


_KINDS = {"carry": _carry, "stock": _stock, "same": _same}


def pair_findings(rule: CrossRule, earlier: Entry, later: Entry) -> list[CrossFinding]:
    """The findings of one rule over one pair of reports (``later`` a year after)."""
    return list(_KINDS[rule.kind](rule, earlier, later))


def check_entries(
    entries: Iterable[Entry], rules: Sequence[CrossRule] | None = None
) -> list[CrossFinding]:
    """Check every pair of consecutive years of each agency.

    Args:
        entries: one per report (:func:`entry_of`).
        rules: the rules (default: every registered map's).

    Returns:
        The findings, by agency, year and file.
    """
    rules = cross_rules() if rules is None else rules
    groups: dict[str, dict[int, list[Entry]]] = defaultdict(lambda: defaultdict(list))
    for e in entries:
        groups[normalise_agency(e.agency)][e.year].append(e)
    found: list[CrossFinding] = []
    for key in sorted(groups):
        years = groups[key]
        for year in sorted(years):
            if year + 1 not in years:
                continue
            pairs = itertools.product(
                sorted(years[year], key=lambda e: e.file),
                sorted(years[year + 1], key=lambda e: e.file),
            )
            for a, b in pairs:
                for rule in rules:
                    found.extend(_KINDS[rule.kind](rule, a, b))
    rank = {r.id: i for i, r in enumerate(rules)}
    found.sort(key=lambda f: order(f, rank))
    return found


def order(f: CrossFinding, rank: Mapping[str, int]) -> tuple[object, ...]:
    """The order findings are given in: agency, year, files, rule, place."""
    return (normalise_agency(f.agency), f.other_year, f.other_file, f.file, rank[f.id], f.at or "")


def cross_findings(
    reports: Iterable[tuple[str, Report]], *, mapping: Mapping_ | None = None
) -> list[CrossFinding]:
    """The cross-year findings (``X.carry``, ``X.same``, ``X.b_stock``) over reports.

    Args:
        reports: (file name, report) pairs, of any agencies and years.
        mapping: file name (or base name) → (agency, year), overriding the metadata
            (:func:`load_mapping`).

    Returns:
        The findings; reports whose agency or year is unknown are left out.
    """
    rules = cross_rules()
    entries = (entry_of(r, name, rules, mapping) for name, r in reports)
    return check_entries([e for e in entries if e is not None], rules)


def load_mapping(path: str) -> dict[str, tuple[str | None, int | None]]:
    """Read a mapping file: CSV with columns ``file,agency,year``, or a JSON object.

    The JSON form is ``{"FILE": {"agency": "...", "year": 2021}, ...}``.  A file is
    named as given on the command line, or by its base name.

    Raises:
        ParseError: the file cannot be read or is not such a mapping.
    """
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise ParseError(f"cannot read the mapping: {exc.strerror or exc}", source=path) from None
    out: dict[str, tuple[str | None, int | None]] = {}
    try:
        if data.lstrip().startswith(b"{"):
            for name, v in orjson.loads(data).items():
                out[name] = (v.get("agency"), int(v["year"]) if v.get("year") else None)
            return out
        rows = csv.DictReader(data.decode("utf-8-sig").splitlines())
        for row in rows:
            year = (row.get("year") or "").strip()
            out[row["file"]] = (
                (row.get("agency") or "").strip() or None,
                int(year) if year else None,
            )
    except (KeyError, ValueError, AttributeError, TypeError, orjson.JSONDecodeError) as exc:
        raise ParseError(
            f"not a mapping (CSV file,agency,year or JSON {{file: {{agency, year}}}}): {exc}",
            source=path,
        ) from None
    return out


def finding_row(f: CrossFinding, sha256: str | None) -> tuple[object, ...]:
    """The ``findings`` row of a cross-year finding (kind ``cross``)."""
    return (
        f.file, sha256, f.id, "cross", f.severity, f.status, f.table, f.at, list(f.cells),
        f.other_file, list(f.other_cells), f.message_zh, f.message_en, None,
    )  # fmt: skip
