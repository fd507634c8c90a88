"""Shared test configuration: hypothesis profiles and the project's reference data.

Profiles: ``fast`` (the default, for CI and everyday runs) and ``thorough`` (1,000
examples per property), chosen with ``GXSCHEMA_HYPOTHESIS_PROFILE=thorough``.

The reference data (the seed report and the golden corpus) lives beside the repository
in ``../shared``, or wherever ``GXSCHEMA_SHARED`` points; tests that need it skip, with
the reason, when it is absent.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("fast", max_examples=60, deadline=None)
settings.register_profile(
    "thorough",
    max_examples=1000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
PROFILE = os.environ.get("GXSCHEMA_HYPOTHESIS_PROFILE", "fast")
settings.load_profile(PROFILE)


def examples(fast: int) -> int:
    """A property's example count: ``fast`` by default, the thorough profile's otherwise.

    For properties whose examples are costly (a Word file, a template's solutions).
    """
    return fast if PROFILE == "fast" else settings.get_profile(PROFILE).max_examples


ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SHARED = Path(os.environ.get("GXSCHEMA_SHARED", ROOT.parent / "shared"))
SEED = SHARED / "seeds" / "000_136fd1d98cf7f7a0.txt"
CORPUS = SHARED / "corpus"


def need(path: Path) -> Path:
    """Return ``path``, or skip the test when the shared reference data is absent."""
    if not path.exists():
        pytest.skip(
            f"reference data {path.name!r} not found: it lives in ../shared beside the "
            "repository (set GXSCHEMA_SHARED to point elsewhere)"
        )
    return path


@pytest.fixture
def seed_path() -> Path:
    """The report the project started from (template 2019, inconsistent)."""
    return need(SEED)
