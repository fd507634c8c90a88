"""Batch throughput: HTML renderings of random reports checked into Parquet tables.

A pool of random reports of every registered template is drawn with a fixed seed
(consistent ones, broken ones from ``broken_reports``, some with the noise real pages
carry from ``renderings``) and written as HTML; N files are made from the pool, each
under its own agency and year in the title (so every file is distinct and agencies
have series of years), and about 2 % are broken files (truncated pages, binary junk).

Figures, in one run on the same files:

* baseline: the first ``--baseline`` files checked by ``gxschema check --out`` in one
  process (``--jobs 1``);
* the N files with ``--jobs 2``: reports per second, the ratio to the baseline, the CPU
  time of all its processes (reports per CPU-second do not depend on what else the
  machine runs, as wall-clock rates on shared cores do), and the
  writer's resident memory over the run (sampled; peak, and at 10/50/90 % done), which
  should stay flat, and the worker processes' together;
* the unreadable files, against the list of files broken on purpose (``broken.txt``
  next to the reports): any other unreadable file is a page gxschema rendered and
  could not read back, named with its message;
* a rerun on the same output, which must skip every file (its writer's peak RSS:
  the cross-year step runs over the whole output again);
* with ``--dask``: the same N files on a ``LocalCluster`` of 1 and of 2 worker
  processes, their tables compared with the local run's, and 2-worker / 1-worker
  throughput.

With ``--profile K``, the work of one worker process on the first K files is profiled
(cProfile: reading, checking, the rows, Arrow, the Parquet part) and the share of time
spent outside ``gx.read`` and ``gx.check`` is printed; nothing else runs.

Run: python benchmarks/bench_batch.py --n 10000 --baseline 1000 [--dask] [--keep DIR]
     python benchmarks/bench_batch.py --n 1000 --profile 500 [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import attrs
from _draw import drawn

import gxschema as gx
from gxschema import templates
from gxschema.batch._store import PART
from gxschema.strategies import broken_reports, renderings, reports

AGENCY, YEAR = "QQAGENCYQQ", "QQYEARQQ"


def _titled(r: gx.Report) -> gx.Report:
    title = f"{AGENCY}{YEAR}年政府信息公开工作年度报告"
    return attrs.evolve(r, metadata=gx.Metadata(title=title))


def pool(per_template: int) -> list[tuple[str, bytes | str]]:
    """(template id, HTML with placeholders) for each drawn report."""
    out: list[tuple[str, bytes | str]] = []
    for tid in templates.available():
        good = drawn(reports(tid), per_template)
        broken = [b.report for b in drawn(broken_reports(tid), per_template // 3)]
        for i, r in enumerate(good + broken):
            r = _titled(r)
            if i % 4 == 0:
                noisy = drawn(renderings(r, "html"), 1)[0]
                out.append((tid, noisy.content))
            else:
                out.append((tid, gx.render(r, "html")))
    return out


BROKEN = "broken.txt"
"""The list of the files made broken on purpose, next to the reports folder."""


def make_files(root: Path, n: int, per_template: int = 40) -> None:
    """Write n files under root; the names of the deliberately broken ones into BROKEN."""
    rng = random.Random(20261201)
    broken: list[str] = []
    items = pool(per_template)
    for i in range(n):
        path = root / f"{i // 1000:03d}" / f"r{i:06d}.html"
        path.parent.mkdir(exist_ok=True)
        if rng.random() < 0.02:
            junk = rng.choice(
                [bytes(rng.getrandbits(8) for _ in range(512)), b"<html><body><table><tr><td>1"]
            )
            path.write_bytes(junk)
            broken.append(str(path))
            continue
        tid, content = items[rng.randrange(len(items))]
        first = templates.get(tid).first_year or 2019
        year = str(first + rng.randrange(2 if first < 2021 else 5))
        agency = f"第{rng.randrange(max(1, n // 6))}号机关"
        if isinstance(content, bytes):
            data = content.replace(AGENCY.encode(), agency.encode("gb18030"))
            path.write_bytes(data.replace(YEAR.encode(), year.encode()))
        else:
            path.write_text(content.replace(AGENCY, agency).replace(YEAR, year), "utf-8")
    (root.parent / BROKEN).write_text("".join(f"{b}\n" for b in broken), "utf-8")


def _rss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _children_rss(pid: int) -> int:
    try:
        kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return 0
    return sum(_rss(int(k)) for k in kids)


def timed_check(inputs: list[str], out: Path, jobs: int, total: int) -> dict[str, Any]:
    """Run `gxschema check --out` as a process; seconds, the writer's and workers' RSS."""
    cmd = [sys.executable, "-m", "gxschema", "check", *inputs, "--out", str(out), "-j", str(jobs)]
    samples: list[tuple[float, int, int]] = []
    workers: list[int] = []
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    def sample() -> None:
        while proc.poll() is None:
            done = sum(1 for _ in (out / "reports").glob("*.parquet")) if out.exists() else 0
            samples.append((time.perf_counter() - t0, _rss(proc.pid), done))
            workers.append(_children_rss(proc.pid))
            time.sleep(0.25)

    watcher = threading.Thread(target=sample, daemon=True)
    watcher.start()
    _, err = proc.communicate()
    seconds = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    watcher.join()
    rss = [s[1] for s in samples if s[1]]
    chunks = max(1, -(-total // PART))
    at = {}
    for frac in (0.1, 0.5, 0.9):
        later = [s[1] for s in samples if s[2] >= frac * chunks and s[1]]
        at[frac] = later[0] if later else 0
    return {
        "seconds": seconds,
        "rate": total / seconds,
        "cpu": cpu,
        "peak": max(rss, default=0),
        "workers": max(workers, default=0),
        "at": at,
        "code": proc.returncode,
        "summary": err.decode("utf-8", "replace").strip().splitlines()[-1:],
    }


def _sorted(tables: dict[str, Any]) -> dict[str, Any]:
    keys = {"reports": ["file"], "cells": ["file", "table", "line_id", "column_id"]}
    out = {}
    for name, t in tables.items():
        by = keys.get(name, ["file", "id", "table", "at", "other_file"])
        out[name] = t.sort_by([(k, "ascending") for k in by])
    return out


def dask_runs(root: Path, work: Path, n: int, local: dict[str, Any]) -> None:
    from distributed import Client, LocalCluster

    from gxschema import batch

    rates = {}
    for workers in (1, 2):
        with (
            LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster,
            Client(cluster) as client,
        ):
            client.run(lambda: __import__("gxschema.batch"))
            out = work / f"dask{workers}.parquet"
            t0 = time.perf_counter()
            batch.write([str(root)], out, engine="dask", scheduler=client)
            seconds = time.perf_counter() - t0
        rates[workers] = n / seconds
        same = all(_sorted(batch.read_tables(out))[k].equals(local[k]) for k in local)
        print(
            f"dask, {workers} worker(s): {n / seconds:7.1f} reports/s; tables identical "
            f"to the local run: {same}"
        )
    print(f"dask 2 workers / 1 worker: {rates[2] / rates[1]:.2f}x")


def unreadable(work: Path, root: Path) -> None:
    """Unreadable files: the deliberately broken ones, and any other (a reader's fault)."""
    import pyarrow.compute as pc

    from gxschema import batch

    reports = batch.read_tables(work / "local.parquet")["reports"]
    bad = reports.filter(pc.equal(reports["verdict"], "unreadable"))
    broken_path = root.parent / BROKEN
    broken = set(broken_path.read_text("utf-8").split()) if broken_path.exists() else set()
    names = set(bad["file"].to_pylist())
    other = sorted(names - broken)
    print(
        f"unreadable: {len(names)} files; broken on purpose: {len(broken)} "
        f"({len(broken & names)} of them unreadable); unreadable though made readable: "
        f"{len(other)}"
    )
    errors = dict(zip(bad["file"].to_pylist(), bad["error"].to_pylist(), strict=True))
    for name in other[:5]:
        print(f"  {name}: {errors[name]}")


def profile(root: Path, work: Path, k: int) -> None:
    """cProfile one worker's work on k files; the share outside reading and checking."""
    import cProfile
    import pstats

    from gxschema.batch._engine import LOCAL_CHUNK
    from gxschema.batch._inputs import Source
    from gxschema.batch._store import Store, write_part
    from gxschema.batch._work import Options, process_chunk

    files = sorted(str(p) for p in root.rglob("*.html"))[:k]
    options = Options(tables=True)
    store = Store(work / "profile.parquet")
    chunk = max(LOCAL_CHUNK, PART)

    def worker() -> None:
        for i in range(0, len(files), chunk):
            done = process_chunk([Source(f) for f in files[i : i + chunk]], options)
            assert done.tables is not None
            write_part(store.root, store.next_part(), done.tables)

    prof = cProfile.Profile()
    prof.runcall(worker)
    stats = pstats.Stats(prof)
    total = stats.total_tt  # type: ignore[attr-defined]
    cum: dict[tuple[str, str], float] = {}
    for (file, _, fn), (_, _, _, ct, _) in stats.stats.items():  # type: ignore[attr-defined]
        key = (Path(file).name, fn)
        cum[key] = cum.get(key, 0.0) + ct
    parts = {
        "gx.read": cum.get(("_read.py", "read_loaded"), 0.0),
        "gx.check": cum.get(("_check.py", "check"), 0.0),
        "  of which validate": cum.get(("_validate.py", "validate"), 0.0),
        "  of which claims": cum.get(("_claims.py", "check_claims"), 0.0),
        "cells rows": cum.get(("_rows.py", "cell_rows"), 0.0),
        "reports row (digest, counts)": cum.get(("_rows.py", "report_row"), 0.0),
        "Arrow tables": cum.get(("_arrow.py", "to_table"), 0.0),
        "Parquet part": cum.get(("_store.py", "write_part"), 0.0),
    }
    print(f"one worker, {len(files)} files: {total:.1f} s under cProfile")
    for name, t in parts.items():
        print(f"  {name:30s} {t:6.2f} s {100 * t / total:5.1f} %")
    outside = total - parts["gx.read"] - parts["gx.check"]
    print(f"  {'outside gx.read and gx.check':30s} {outside:6.2f} s {100 * outside / total:5.1f} %")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--baseline", type=int, default=1000)
    parser.add_argument("--dask", action="store_true")
    parser.add_argument("--keep", default=None, help="make the files here and keep them")
    parser.add_argument("--profile", type=int, default=0, metavar="K")
    args = parser.parse_args()
    work = Path(args.keep or tempfile.mkdtemp(prefix="gxbatch-"))
    root = work / "reports"
    try:
        if not root.exists():
            t0 = time.perf_counter()
            root.mkdir(parents=True)
            make_files(root, args.n)
            print(f"made {args.n} files in {time.perf_counter() - t0:.0f} s")
        if args.profile:
            profile(root, work, args.profile)
            return
        files = sorted(str(p) for p in root.rglob("*.html"))
        base_dir = work / "baseline"
        base_dir.mkdir(exist_ok=True)
        for f in files[: args.baseline]:
            os.link(f, base_dir / Path(f).name) if not (base_dir / Path(f).name).exists() else None
        for out in ("baseline.parquet", "local.parquet"):
            shutil.rmtree(work / out, ignore_errors=True)
        base = timed_check([str(base_dir)], work / "baseline.parquet", 1, args.baseline)
        print(
            f"baseline, 1 process, {args.baseline} files: {base['rate']:7.1f} reports/s; "
            f"{args.baseline / base['cpu']:.1f} reports per CPU-second"
        )
        run = timed_check([str(root)], work / "local.parquet", 2, args.n)
        mb = 1 / 2**20
        print(
            f"2 processes, {args.n} files: {run['rate']:7.1f} reports/s "
            f"({run['seconds']:.0f} s; {run['rate'] / base['rate']:.2f}x the baseline); "
            f"exit {run['code']}; {' '.join(run['summary'])}"
        )
        print(
            f"  CPU time (all processes): {run['cpu']:.0f} s, {args.n / run['cpu']:.1f} reports "
            f"per CPU-second: on 2 cores of its own, at most {2 * args.n / run['cpu']:.0f} "
            "reports/s (wall-clock rates depend on what else the machine runs)"
        )
        at = ", ".join(f"{int(k * 100)}% {v * mb:.0f} MB" for k, v in run["at"].items())
        print(
            f"writer RSS: peak {run['peak'] * mb:.0f} MB; at {at} done; "
            f"worker processes together: peak {run['workers'] * mb:.0f} MB"
        )
        unreadable(work, root)
        again = timed_check([str(root)], work / "local.parquet", 2, args.n)
        print(
            f"rerun on the same output: {again['seconds']:.1f} s, writer RSS peak "
            f"{again['peak'] * mb:.0f} MB; {' '.join(again['summary'])}"
        )
        if args.dask:
            from gxschema import batch

            local = _sorted(batch.read_tables(work / "local.parquet"))
            dask_runs(root, work, args.n, local)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
