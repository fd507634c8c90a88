"""Batch inputs: files, directories (recursively), globs and ``-`` for standard input.

Inputs are expanded lazily, in a stable order (each directory's files sorted), so a
batch of a million files is never listed in memory all at once.  A name that matches
nothing is still yielded: reading it records it as unreadable, with the reason.
"""

from __future__ import annotations

import glob
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

import attrs

__all__ = ["STDIN", "Source", "expand"]

STDIN = "-"
"""The input name that stands for standard input."""

_GLOB_CHARS = frozenset("*?[")
_SKIP_DIRS = frozenset({".git", "__pycache__"})


@attrs.frozen
class Source:
    """One input of a batch: a file name, or standard input's bytes.

    Attributes:
        name: the name it is reported under (the path as given or found, or ``-``).
        data: the content, for standard input only (files are read by the worker).
    """

    name: str
    data: bytes | None = attrs.field(default=None, repr=False)


def _walk(top: str, skip: frozenset[str] = frozenset()) -> Iterator[str]:
    """The files under a directory, recursively, each directory's entries sorted."""
    try:
        entries = sorted(os.scandir(top), key=lambda e: e.name)
    except OSError:
        yield top  # reading it will say why
        return
    for entry in entries:
        if entry.name.startswith(".") or entry.name in _SKIP_DIRS:
            continue
        if entry.is_dir(follow_symlinks=False):
            if os.path.realpath(entry.path) not in skip:
                yield from _walk(entry.path, skip)
        elif entry.is_file():
            yield entry.path


def expand(
    inputs: Iterable[str], *, stdin: bytes | None = None, skip: Iterable[str] = ()
) -> Iterator[Source]:
    """Yield every input a list of names stands for, in order.

    Args:
        inputs: file names, directories (every file under them, recursively; hidden
            files and folders are skipped), glob patterns (``reports/**/*.html``), and
            ``-`` for standard input.
        skip: directories not to look into (the batch's own output).
        stdin: standard input's bytes, when already read (default: read it when ``-``
            comes).

    Yields:
        One :class:`Source` per file, each at most once.
    """
    seen: set[str] = set()
    skipped = frozenset(os.path.realpath(s) for s in skip)
    for name in inputs:
        if name == STDIN:
            data = stdin if stdin is not None else sys.stdin.buffer.read()
            yield Source(STDIN, data)
            continue
        if os.path.isdir(name):
            found: Iterable[str] = _walk(name, skipped)
        elif _GLOB_CHARS & set(name) and not os.path.exists(name):
            matches = sorted(glob.iglob(name, recursive=True))
            found = (f for m in matches for f in (_walk(m, skipped) if os.path.isdir(m) else [m]))
            if not matches:
                found = [name]
        else:
            found = [name]
        for path in found:
            key = os.path.normpath(path)
            if key in seen:
                continue
            seen.add(key)
            yield Source(str(Path(path)) if path != name else path)
