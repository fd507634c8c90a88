"""The library leaves the host process alone: threads may read, check and diagnose at once.

``diagnose`` never touches standard output (file descriptor 1): the solver is silenced
through its own options.  Reading, validating and diagnosing from eight threads give the
same results as one after the other.
"""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

import gxschema as gx
from tests.conftest import EXAMPLES
from tests.oracles import with_values

EXAMPLE = EXAMPLES / "lucheng-police-2020.txt"


def _broken() -> gx.Report:
    """The example with three cells changed: diagnosing it runs the solver."""
    report = gx.read(EXAMPLE)
    return with_values(
        report,
        {
            ("s3", "new", "natural_person"): 20,
            ("s3", "carried_in", "commercial"): 7,
            ("s4", "review", "total"): 99,
        },
    )


def test_diagnose_leaves_standard_output_alone(
    capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """One thread writes lines to fd 1 while three diagnose: every line arrives.

    The solver itself writes a line to fd 1 on each call too (as a host thread would
    while it runs): fd 1 must be the host's own all along.
    """
    import scipy.optimize

    report = _broken()
    before = os.fstat(1)
    solves = 0
    solve = scipy.optimize.milp

    def watched(*args: Any, **kwargs: Any) -> Any:
        nonlocal solves
        now = os.fstat(1)
        assert (now.st_dev, now.st_ino) == (before.st_dev, before.st_ino)
        os.write(1, b"during a solve\n")
        solves += 1
        return solve(*args, **kwargs)

    monkeypatch.setattr(scipy.optimize, "milp", watched)
    stop = threading.Event()
    written = 0

    def printer() -> None:
        nonlocal written
        while not stop.is_set() or written < 200:
            os.write(1, f"line {written}\n".encode())
            written += 1
            time.sleep(0.0001)  # thousands of lines, not millions

    def diagnoser() -> None:
        for _ in range(5):
            assert gx.diagnose(report)

    out = threading.Thread(target=printer)
    out.start()
    workers = [threading.Thread(target=diagnoser) for _ in range(3)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    stop.set()
    out.join()
    after = os.fstat(1)
    assert (after.st_dev, after.st_ino) == (before.st_dev, before.st_ino)
    assert solves >= 15
    lines = capfd.readouterr().out.splitlines()
    assert lines.count("during a solve") == solves
    assert [x for x in lines if x != "during a solve"] == [f"line {n}" for n in range(written)]


def _inputs() -> list[tuple[str, Any]]:
    report = _broken()
    return [
        ("text", gx.render(report, "text")),
        ("html", gx.render(report, "html")),
        ("markdown", gx.render(report, "markdown")),
        ("docx", gx.render(report, "docx")),
    ]


def _work(data: Any) -> tuple[gx.Report, list[gx.Violation], list[gx.Explanation]]:
    report = gx.read(data)
    return report, gx.validate(report), gx.diagnose(report)


def test_eight_threads_give_the_sequential_results() -> None:
    """read, validate and diagnose from 8 threads equal the same calls made in turn."""
    inputs = [data for _, data in _inputs()] * 4
    sequential = [_work(data) for data in inputs]
    with ThreadPoolExecutor(max_workers=8) as pool:
        threaded = list(pool.map(_work, inputs))
    assert threaded == sequential
    assert all(d for _, _, d in sequential)  # the solver ran in every one


def test_the_command_lines_json_is_all_that_reaches_fd_1(tmp_path: Any) -> None:
    """In a process of its own, diagnose's JSON on fd 1 parses: the solver prints nothing."""
    import subprocess
    import sys

    import orjson

    path = tmp_path / "broken.txt"
    path.write_text(gx.render(_broken(), "text"), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "gxschema", "diagnose", "--format", "json", str(path)],
        capture_output=True,
        check=False,
    )
    assert done.returncode in (0, 1, 3), done.stderr
    [result] = orjson.loads(done.stdout)
    assert result["explanations"]
