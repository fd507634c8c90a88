"""The public surface: a sorted, complete __all__ with documented names."""

from __future__ import annotations

import inspect

import gxschema as gx
from gxschema import _rules


def test_all_is_sorted_and_resolvable() -> None:
    """__all__ is sorted (constants, then classes, then functions) and every name exists."""

    def rank(name: str) -> tuple[int, str]:
        return (0 if name.isupper() else 1 if name[0].isupper() else 2, name)

    assert gx.__all__ == sorted(gx.__all__, key=rank)
    for name in gx.__all__:
        assert hasattr(gx, name), name


def test_public_callables_and_classes_have_docstrings() -> None:
    """Every public function and class has a docstring."""
    for name in gx.__all__:
        obj = getattr(gx, name)
        if inspect.isfunction(obj) or inspect.isclass(obj):
            assert inspect.getdoc(obj), name


def test_every_rule_kind_is_complete() -> None:
    """Each registered rule kind has its test, reason code and both default messages."""
    assert set(_rules.KINDS) == {"==", "<=", ">="}
    for op, kind in _rules.KINDS.items():
        assert kind.op == op
        assert kind.reason
        assert kind.name
        assert "{where}" in kind.zh
        assert "{where}" in kind.en
        assert callable(kind.holds)


def test_every_declared_rule_has_both_messages() -> None:
    """Every rule of every registered template has a Chinese and an English message."""
    for tid in gx.templates.available():
        for rule in gx.templates.get(tid).rules:
            assert rule.zh.strip(), (tid, rule.id)
            assert rule.en.strip(), (tid, rule.id)
            assert rule.severity in ("error", "warning")
