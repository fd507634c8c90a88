"""Where batch work runs: this process, local processes, or a Dask cluster.

Inputs go out in chunks of consecutive inputs (one task each, so the cost of a task
is spread over many reports), and each chunk comes back as a :class:`Chunk`: the
outcomes, and the table rows already packed as Arrow tables by the process that made
them.  Local processes writing a batch output write each chunk's part files
themselves (``parts``), so the rows never cross between processes at all.  Every
engine yields the chunks in input order and holds only a bounded window of chunks in
flight, so memory stays flat whatever the number of inputs.  The Dask engine connects
to a scheduler someone runs (``dask scheduler`` and ``dask worker`` on the machines,
or any Dask deployment); it schedules nothing itself.
"""

from __future__ import annotations

import itertools
import multiprocessing
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Literal

from gxschema.batch._inputs import Source
from gxschema.batch._work import Chunk, Options, Outcome, process_chunk

Parts = tuple[str, Callable[[], str]]
"""Where local processes write their chunks: the output directory, and the next part's name."""

__all__ = ["Engine", "run_chunks", "run_engine"]

Engine = Literal["local", "dask"]

LOCAL_CHUNK = 16
"""Inputs per task on local processes."""
DASK_CHUNK = 32
"""Inputs per task on a Dask cluster."""

_OPTIONS: Options | None = None


def _init(options: Options) -> None:
    global _OPTIONS
    _OPTIONS = options


def _work(sources: list[Source], root: str | None = None, part: str | None = None) -> Chunk:
    assert _OPTIONS is not None
    chunk = process_chunk(sources, _OPTIONS)
    if root is not None and part is not None and chunk.tables is not None:
        from gxschema.batch._store import write_part

        write_part(root, part, chunk.tables)
        chunk = Chunk(chunk.outcomes)  # written here: only the outcomes go back
    return chunk


def _chunks(sources: Iterable[Source], size: int) -> Iterator[list[Source]]:
    it = iter(sources)
    while batch := list(itertools.islice(it, size)):
        yield batch


def _local(
    sources: Iterable[Source], options: Options, jobs: int, size: int, parts: Parts | None
) -> Iterator[Chunk]:
    if jobs <= 1:
        for batch in _chunks(sources, size):
            yield process_chunk(batch, options)
        return
    # fork keeps templates registered at run time (--load); elsewhere the default.
    method = "fork" if sys.platform.startswith("linux") else None
    ctx = multiprocessing.get_context(method)
    with ctx.Pool(jobs, initializer=_init, initargs=(options,)) as pool:
        # A bounded window (Pool.imap would read every input ahead and keep every
        # result the writer has not taken yet): a few chunks per process in flight.
        window: deque[Any] = deque()
        for batch in _chunks(sources, size):
            where = (parts[0], parts[1]()) if parts is not None else ()
            window.append(pool.apply_async(_work, (batch, *where)))
            if len(window) >= 3 * jobs:
                yield window.popleft().get()
        while window:
            yield window.popleft().get()


def _dask(
    sources: Iterable[Source], options: Options, scheduler: Any, size: int
) -> Iterator[Chunk]:
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
        for batch in _chunks(sources, size):
            window.append(client.submit(process_chunk, batch, options, pure=False))
            if len(window) >= 3 * threads:
                yield window.popleft().result()
        while window:
            yield window.popleft().result()
    finally:
        if own:
            client.close()


def run_chunks(
    sources: Iterable[Source],
    options: Options,
    *,
    engine: Engine = "local",
    jobs: int = 1,
    scheduler: Any = None,
    chunk: int | None = None,
    parts: Parts | None = None,
) -> Iterator[Chunk]:
    """Process inputs on an engine; yield chunks of consecutive inputs in input order.

    Args:
        sources: the inputs.
        options: what to do with each.
        engine: ``"local"`` (this process, or ``jobs`` processes) or ``"dask"``.
        jobs: local processes (1: this process).
        scheduler: the Dask scheduler's address (``tcp://host:8786``), or a
            ``distributed.Client``.
        chunk: inputs per task (default :data:`LOCAL_CHUNK`, :data:`DASK_CHUNK`).
        parts: with local processes (``jobs`` > 1), each task's rows are written by its
            process as one part of this output directory, under the name the callable
            gives (called in input order), instead of coming back.

    Yields:
        Chunks: each input's outcomes, and with ``options.tables`` the rows as Arrow.
    """
    if engine == "dask":
        if scheduler is None:
            raise ValueError("--engine dask needs --scheduler ADDRESS")
        return _dask(sources, options, scheduler, chunk or DASK_CHUNK)
    return _local(sources, options, jobs, chunk or LOCAL_CHUNK, parts)


def run_engine(
    sources: Iterable[Source],
    options: Options,
    *,
    engine: Engine = "local",
    jobs: int = 1,
    scheduler: Any = None,
    chunk: int | None = None,
) -> Iterator[list[Outcome]]:
    """:func:`run_chunks`, one input's outcomes at a time (rows not packed)."""
    import attrs

    options = attrs.evolve(options, tables=False)
    for c in run_chunks(
        sources, options, engine=engine, jobs=jobs, scheduler=scheduler, chunk=chunk
    ):
        yield from c.outcomes
