"""The cross-year carry of a series of reports of one agency (DOMAIN §10.5, ``X.carry``).

The applications a report carries out to the next year (``carried_out``, 四、结转下年度
继续办理) are those the next year's report carries in (``carried_in``, 二、上年结转政府
信息公开申请数量), column by column of section 三.  Both national templates share the
table and the line ids, so the rule holds across the template change (§10.6).

This is the declaration the index page's series chart reads, until the series engine
declares its cross-report rules; it names ids only, every label comes from the spec.
"""

from __future__ import annotations

import attrs

__all__ = ["CARRY", "CrossYear"]


@attrs.frozen
class CrossYear:
    """A rule between two consecutive reports of one agency.

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


CARRY = CrossYear("X.carry", "warning", "s3", "carried_out", "carried_in")
"""Carried out in year Y = carried in in year Y+1, per column of section 三."""
