"""One series across the national template change, and the cross-year rules, as data.

Which cells of the 2019 template continue in the 2021 one (DOMAIN §10.6): section 三
keeps its lines except （六）, whose three 2021 lines sum to the 2019 one; section 四 is
unchanged; in section 二 only the decisions of （五）（六） continue (under the
"decisions" reading of their 2019 columns), the rest changed meaning or was dropped.
The rules over consecutive years of one agency (§10.5) are declared here too;
:data:`CARRY` is the carry rule as the index page's series chart reads it.
"""

from __future__ import annotations

import attrs

from gxschema._seriesmap import CrossRule, SeriesMap, own, same, summed
from gxschema.templates._national import (
    Applications2019,
    Applications2021,
    Art20_1_2019,
    Art20_1_2021,
    Art20_5_2019,
    Art20_5_2021,
    Art20_6_2019,
    Art20_6_2021,
    Art20_8_2019,
    Art20_8_2021,
    Art20_9_2019,
    Reviews,
)

__all__ = ["CARRY", "NATIONAL_CROSS", "NATIONAL_SERIES", "CrossYear"]

NATIONAL_CROSS = (
    CrossRule(
        "X.carry",
        "carry",
        table="s3",
        source="carried_out",
        target="carried_in",
        zh="{where}：{year}年结转下年度（{lhs}）应等于{next_year}年上年结转（{rhs}）",
        en="{where}: carried out in {year} ({lhs}) should equal carried in in {next_year} ({rhs})",
    ),
    CrossRule(
        "X.same",
        "same",
        zh="{next_year}年报告的每个单元格都与{year}年相同，可能照抄上年报告",
        en="every cell of the {next_year} report equals the {year} report's: "
        "probably copied forward",
    ),
    CrossRule(
        "X.b_stock",
        "stock",
        table="s2.art20_1",
        source="in_force",
        plus="issued",
        minus="repealed",
        zh="{where}：{next_year}年现行有效件数（{rhs}）应等于{year}年现行有效件数加本年制发、"
        "减本年废止（{lhs}）",
        en="{where}: in force in {next_year} ({rhs}) should equal in force in {year} plus "
        "issued minus repealed ({lhs})",
    ),
)
"""X.carry, X.same and X.b_stock: warnings over consecutive years of one agency."""

NATIONAL_SERIES = SeriesMap(
    id="national",
    before="national-2019",
    after="national-2021",
    links=(
        *same(Applications2019, Applications2021, exclude=("r6",)),
        *summed(Applications2021, "r6", ("r6",), ("r6_1", "r6_2", "r6_3")),
        *same(Reviews, Reviews),
        *same(Art20_5_2019, Art20_5_2021, columns=("decisions",), reading="decisions"),
        *same(Art20_6_2019, Art20_6_2021, columns=("decisions",), reading="decisions"),
        *own(Art20_5_2019, "before", columns=("previous", "change")),
        *own(Art20_5_2019, "before", lines=("other_services",), columns=("decisions",)),
        *own(Art20_6_2019, "before", columns=("previous", "change")),
        *own(Art20_1_2019, "before"),
        *own(Art20_1_2021, "after"),
        *own(Art20_8_2019, "before"),
        *own(Art20_8_2021, "after"),
        *own(Art20_9_2019, "before"),
    ),
    cross=NATIONAL_CROSS,
)
"""The national 2019 → 2021 series map (DOMAIN §10.6) with the cross-year rules."""


@attrs.frozen
class CrossYear:
    """A rule between two consecutive reports of one agency, as the index page reads it.

    A line of year Y equals a line of year Y+1, in every column of one table.

    Attributes:
        id: the rule id.
        severity: always ``"warning"``: a break is worth a look, not an error of the data.
        table: the table id.
        before: the line of year Y.
        after: the line of year Y+1 it must equal.
    """

    id: str
    severity: str
    table: str
    before: str
    after: str


_CARRY_RULE = next(r for r in NATIONAL_CROSS if r.kind == "carry")
CARRY = CrossYear(
    _CARRY_RULE.id,
    "warning",
    _CARRY_RULE.table or "",
    _CARRY_RULE.source or "",
    _CARRY_RULE.target or "",
)
"""Carried out in year Y = carried in in year Y+1, per column of section 三 (``X.carry``
of :data:`NATIONAL_CROSS`)."""
