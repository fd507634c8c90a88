"""The kinds of rule, each registered once and completely.

A rule kind is fixed by its comparison.  Its entry gives everything an engine needs:
the test on the interval of ``lhs - rhs`` (so approximate values and blank cells are
handled the same way everywhere), the reason code, and the default messages in Chinese
and English.  ``tests/test_rules.py`` fails if an entry is incomplete.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import attrs

from gxschema._expr import Op

__all__ = ["KINDS", "RuleKind", "rule_kind"]

INF = Decimal("Infinity")


@attrs.frozen
class RuleKind:
    """Everything about one kind of rule.

    Attributes:
        op: the comparison.
        name: a short English name.
        reason: the reason code reported with a failure.
        holds: given the lowest and highest possible value of ``lhs - rhs``, whether
            the rule can hold.
        zh: the default Chinese message template.
        en: the default English message template.
    """

    op: Op
    name: str
    reason: str
    holds: Callable[[Decimal, Decimal], bool]
    zh: str
    en: str


KINDS: dict[str, RuleKind] = {
    "==": RuleKind(
        op="==",
        name="equality",
        reason="not_equal",
        holds=lambda lo, hi: lo <= 0 <= hi,
        zh="{where}：{lhs_expr}（{lhs}）应等于 {rhs_expr}（{rhs}），相差 {difference}",
        en="{where}: {lhs_expr} ({lhs}) should equal {rhs_expr} ({rhs}); "
        "they differ by {difference}",
    ),
    "<=": RuleKind(
        op="<=",
        name="upper bound",
        reason="too_large",
        holds=lambda lo, hi: lo <= 0,
        zh="{where}：{lhs_expr}（{lhs}）不应大于 {rhs_expr}（{rhs}）",
        en="{where}: {lhs_expr} ({lhs}) should not exceed {rhs_expr} ({rhs})",
    ),
    ">=": RuleKind(
        op=">=",
        name="lower bound",
        reason="too_small",
        holds=lambda lo, hi: hi >= 0,
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
