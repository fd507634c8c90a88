"""The kinds of rule, each registered once and completely.

A rule kind is fixed by its comparison.  Its entry gives everything an engine needs:
which side of 0 ``lhs - rhs`` must keep to (``upper``: at most 0, ``lower``: at least
0), the test on the interval of ``lhs - rhs`` derived from them (so approximate values
and blank cells are handled the same way everywhere), the reason code, and the default
messages in Chinese and English.  The constraint model (:mod:`gxschema._model`) decides
every rule through :attr:`RuleKind.holds`; the solvers of diagnosis and of the
strategies read ``upper`` and ``lower``.  ``tests/test_api.py`` fails if an entry is
incomplete.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Literal, TypeAlias

import attrs

from gxschema._expr import Op

__all__ = ["INF", "KINDS", "Num", "RuleKind", "rule_kind"]

INF = Decimal("Infinity")

Severity: TypeAlias = Literal["error", "warning"]
"""How much a rule matters: ``"error"`` for a hard rule, ``"warning"`` for a soft check."""

Num: TypeAlias = int | Decimal | Fraction
"""A number the rules are evaluated on (exact; ``INF`` and ``-INF`` for unbounded ends)."""


@attrs.frozen
class RuleKind:
    """Everything about one kind of rule.

    Attributes:
        op: the comparison.
        name: a short English name.
        reason: the reason code reported with a failure.
        upper: the rule needs ``lhs - rhs <= 0``.
        lower: the rule needs ``lhs - rhs >= 0``.
        zh: the default Chinese message template.
        en: the default English message template.
    """

    op: Op
    name: str
    reason: str
    upper: bool
    lower: bool
    zh: str
    en: str

    def holds(self, lo: Num, hi: Num) -> bool:
        """Whether the rule can hold when ``lhs - rhs`` lies somewhere in ``[lo, hi]``.

        Args:
            lo: the lowest possible value of ``lhs - rhs`` (``-INF``: no limit).
            hi: the highest possible value (``INF``: no limit).

        Returns:
            True when some value in the interval satisfies the comparison.
        """
        return (not self.upper or lo <= 0) and (not self.lower or hi >= 0)


KINDS: dict[str, RuleKind] = {
    "==": RuleKind(
        op="==",
        name="equality",
        reason="not_equal",
        upper=True,
        lower=True,
        zh="{where}：{lhs_expr}（{lhs}）应等于 {rhs_expr}（{rhs}），相差 {difference}",
        en="{where}: {lhs_expr} ({lhs}) should equal {rhs_expr} ({rhs}); "
        "they differ by {difference}",
    ),
    "<=": RuleKind(
        op="<=",
        name="upper bound",
        reason="too_large",
        upper=True,
        lower=False,
        zh="{where}：{lhs_expr}（{lhs}）不应大于 {rhs_expr}（{rhs}）",
        en="{where}: {lhs_expr} ({lhs}) should not exceed {rhs_expr} ({rhs})",
    ),
    ">=": RuleKind(
        op=">=",
        name="lower bound",
        reason="too_small",
        upper=False,
        lower=True,
        zh="{where}：{lhs_expr}（{lhs}）不应小于 {rhs_expr}（{rhs}）",
        en="{where}: {lhs_expr} ({lhs}) should not be less than {rhs_expr} ({rhs})",
    ),
}


def rule_kind(op: str) -> RuleKind:
    """Return the registered kind for a comparison.

    Args:
        op: ``"=="``, ``"<="`` or ``">="``.

    Returns:
        Its registry entry.

    Raises:
        KeyError: the comparison is not registered.
    """
    return KINDS[op]
