"""The scripts in examples/ run and say what they should."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import EXAMPLES, ROOT


def run(script: str) -> subprocess.CompletedProcess[str]:
    """Run one example script with this interpreter, from the repository root."""
    return subprocess.run(
        [sys.executable, str(EXAMPLES / script)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def test_check_report_example() -> None:
    """check_report.py reads the example report and exits 1 on its four errors."""
    result = run("check_report.py")
    assert result.returncode == 1, result.stderr
    assert "template national-2019" in result.stdout
    assert "4 error(s)" in result.stdout


def test_declare_variant_example() -> None:
    """declare_variant.py declares a variant that adds a row, an alias and a rule."""
    result = run("declare_variant.py")
    assert result.returncode == 0, result.stderr
    assert "'其他主动公开文件'" in result.stdout
    assert "MY.published" in result.stdout
    assert "missing: 其他主动公开文件" in result.stdout
