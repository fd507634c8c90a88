"""Templates offered by installed packages: found through entry points, without --load.

The tests build a tiny wheel by hand (a package declaring a variant and its entry point
in the group ``gxschema.templates``), install it with pip into a folder, and run the
command line in a fresh interpreter that has the folder on its path, as an agency's
package installed next to gxschema would be.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES

EXAMPLE = str(EXAMPLES / "lucheng-police-2020.txt")

PACKAGE = '''\
"""A province's variant of the national 2019 template."""

from gxschema import templates

DEMO = templates.NATIONAL_2019.extend(
    "demo-province-2019", description="A test package's variant (nothing changed)."
)
'''

BROKEN = """\
raise RuntimeError("this package is broken on purpose")
"""


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def _wheel(folder: Path, dist: str, module: str, source: str, entry: str) -> Path:
    """Write a minimal pure-Python wheel whose entry point offers ``entry``."""
    info = f"{dist}-0.1.dist-info"
    files = {
        f"{module}/__init__.py": source.encode(),
        f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {dist}\nVersion: 0.1\n".encode(),
        f"{info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\n"
        b"Tag: py3-none-any\n",
        f"{info}/entry_points.txt": f"[gxschema.templates]\n{entry}\n".encode(),
    }
    record = [_record_line(n, d) for n, d in files.items()] + [f"{info}/RECORD,,"]
    files[f"{info}/RECORD"] = ("\n".join(record) + "\n").encode()
    path = folder / f"{dist}-0.1-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return path


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with the demo package (and a broken one) installed into it by pip."""
    build = tmp_path_factory.mktemp("wheels")
    target = tmp_path_factory.mktemp("site")
    wheels = [
        _wheel(build, "gx_demo_templates", "gx_demo_templates", PACKAGE,
               "demo = gx_demo_templates:DEMO"),
        _wheel(build, "gx_broken_templates", "gx_broken_templates", BROKEN,
               "broken = gx_broken_templates:NOTHING"),
    ]  # fmt: skip
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
         "--disable-pip-version-check", "--target", str(target), *map(str, wheels)],
        check=True,
    )  # fmt: skip
    return target


def _gxschema(site: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), *sys.path])}
    return subprocess.run(
        [sys.executable, "-m", "gxschema", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_installed_package_is_listed_with_its_origin(site: Path) -> None:
    """`gxschema templates` lists the package's template and names the package."""
    result = _gxschema(site, "templates")
    assert result.returncode == 0, result.stderr
    rows = {line.split("\t")[0]: line.split("\t") for line in result.stdout.splitlines()}
    assert rows["demo-province-2019"][-1] == "entry point 'demo' of gx_demo_templates 0.1"
    assert rows["national-2019"][-1] == "built-in"


def test_installed_package_is_used_by_check_without_load(site: Path) -> None:
    """`check --template ID` reads and checks with the package's template."""
    result = _gxschema(
        site, "check", EXAMPLE, "--template", "demo-province-2019", "--format", "json"
    )
    assert result.returncode == 1, result.stderr  # the example breaks C3 rules
    (found,) = json.loads(result.stdout)
    assert found["template"] == "demo-province-2019"
    assert {v["rule"] for v in found["violations"]} >= {"C3.balance", "C3.results_total"}


def test_broken_package_is_reported_and_ignored(site: Path) -> None:
    """A package whose entry point fails to load warns, naming it; the rest still works."""
    result = _gxschema(site, "templates")
    assert result.returncode == 0
    assert "gx_broken_templates 0.1" in result.stderr
    assert "broken on purpose" in result.stderr
    assert "national-2021" in result.stdout


def test_registry_without_packages_has_only_built_ins() -> None:
    """In this process (no such package installed) the built-ins are listed as built-in."""
    from gxschema import templates

    assert templates.origin("national-2021") == templates.BUILT_IN
    with pytest.raises(KeyError, match="demo-province-2019"):
        templates.origin("demo-province-2019")
