"""Where batch work runs: this process, local processes, or a Dask cluster.

Every engine yields each input's outcomes in input order, holding only a bounded
window of work in flight, so memory stays flat whatever the number of inputs.  The
Dask engine connects to a scheduler someone runs (``dask scheduler`` and ``dask
worker`` on the machines, or any Dask deployment); it schedules nothing itself.
"""

from __future__ import annotations

import itertools
import multiprocessing
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from typing import Any, Literal

from gxschema.batch._inputs import Source
from gxschema.batch._work import Options, Outcome, process, process_many

__all__ = ["Engine", "run_engine"]

Engine = Literal["local", "dask"]

_OPTIONS: Options | None = None


def _init(options: Options) -> None:
    global _OPTIONS
    _OPTIONS = options


def _work(source: Source) -> list[Outcome]:
    assert _OPTIONS is not None
    return process(source, _OPTIONS)


def _local(sources: Iterable[Source], options: Options, jobs: int) -> Iterator[list[Outcome]]:
    if jobs <= 1:
        for s in sources:
            yield process(s, options)
        return
    # fork keeps templates registered at run time (--load); elsewhere the default.
    method = "fork" if sys.platform.startswith("linux") else None
    ctx = multiprocessing.get_context(method)
    with ctx.Pool(jobs, initializer=_init, initargs=(options,)) as pool:
        # Sources are names (small); results come back in order as they are done.
        yield from pool.imap(_work, sources, chunksize=8)


def _dask(
    sources: Iterable[Source], options: Options, scheduler: Any, chunk: int
) -> Iterator[list[Outcome]]:
    try:
        from distributed import Client
    except ImportError:  # pragma: no cover - depends on the installation
        raise ImportError(
            "--engine dask needs dask.distributed: pip install 'gxschema[dask]'"
        ) from None
    own = not isinstance(scheduler, Client)
    client = Client(scheduler) if own else scheduler  # type: ignore[no-untyped-call]
    try:
        threads = max(1, sum(client.nthreads().values()))
        window: deque[Any] = deque()
        it = iter(sources)
        while True:
            batch = list(itertools.islice(it, chunk))
            if batch:
                window.append(client.submit(process_many, batch, options, pure=False))
            if window and (len(window) >= 3 * threads or not batch):
                yield from window.popleft().result()
            if not batch and not window:
                return
    finally:
        if own:
            client.close()


def run_engine(
    sources: Iterable[Source],
    options: Options,
    *,
    engine: Engine = "local",
    jobs: int = 1,
    scheduler: Any = None,
    chunk: int = 32,
) -> Iterator[list[Outcome]]:
    """Process inputs on an engine; yield each input's outcomes in input order.

    Args:
        sources: the inputs.
        options: what to do with each.
        engine: ``"local"`` (this process, or ``jobs`` processes) or ``"dask"``.
        jobs: local processes (1: this process).
        scheduler: the Dask scheduler's address (``tcp://host:8786``), or a
            ``distributed.Client``.
        chunk: inputs per Dask task.

    Yields:
        The outcomes of each input.
    """
    if engine == "dask":
        if scheduler is None:
            raise ValueError("--engine dask needs --scheduler ADDRESS")
        return _dask(sources, options, scheduler, chunk)
    return _local(sources, options, jobs)
