"""The same examples of a strategy on every run, for the benchmarks."""

from __future__ import annotations

from typing import TypeVar

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

T = TypeVar("T")


def drawn(strategy: st.SearchStrategy[T], n: int) -> list[T]:
    """n examples of a strategy, the same ones on every run."""
    out: list[T] = []

    @settings(
        max_examples=n,
        database=None,
        derandomize=True,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(x: T) -> None:
        out.append(x)

    collect()
    return out
