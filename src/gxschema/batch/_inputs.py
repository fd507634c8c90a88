"""Batch inputs: files, directories (recursively), globs and ``-`` for standard input.

Inputs are expanded lazily, in a stable order (each directory's files sorted), so a
batch of a million files is never listed in memory all at once.  A name that matches
nothing is still yielded: reading it records it as unreadable, with the reason.

A file named on the command line (or matched by a glob) is always tried.  A directory
walk takes only files that look like reports (:func:`report_like`): a suffix of a form
gxschema reads (``.html``, ``.docx``, ``.pdf``, ``.md``, ``.csv`` …, ``.txt``) or report
JSON (``.json``), and not a folder's own documents (``README.md``, ``LICENSE`` …), so a
corpus folder's notes and scripts are not reported as unreadable reports.
"""

from __future__ import annotations

import glob
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

import attrs

__all__ = ["STDIN", "Source", "expand", "report_like"]

STDIN = "-"
"""The input name that stands for standard input."""

_GLOB_CHARS = frozenset("*?[")
_SKIP_DIRS = frozenset({".git", "__pycache__"})
_TEXT_SUFFIXES = frozenset({".txt", ".text", ".tsv", ".json"})
_FOLDER_DOCS = frozenset(
    {"readme", "license", "licence", "changelog", "changes", "contributing", "authors", "notice"}
)


def _suffixes() -> frozenset[str]:
    from gxschema._forms import forms

    return _TEXT_SUFFIXES | {x for f in forms(readable=True) for x in f.suffixes}


def report_like(name: str, suffixes: frozenset[str] | None = None) -> bool:
    """Whether a directory walk takes this file: a report's suffix, not a folder document.

    Args:
        name: the file's name.
        suffixes: the suffixes taken (default: those of the registered forms, and
            ``.txt``, ``.text``, ``.tsv``, ``.json``).
    """
    path = Path(name)
    if path.stem.lower() in _FOLDER_DOCS:
        return False
    return path.suffix.lower() in (suffixes if suffixes is not None else _suffixes())


@attrs.frozen
class Source:
    """One input of a batch: a file name, or standard input's bytes.

    Attributes:
        name: the name it is reported under (the path as given or found, or ``-``).
        data: the content, for standard input only (files are read by the worker).
    """

    name: str
    data: bytes | None = attrs.field(default=None, repr=False)


def _walk(
    top: str, skip: frozenset[str] = frozenset(), suffixes: frozenset[str] | None = None
) -> Iterator[str]:
    """The report files under a directory, recursively, each directory's entries sorted."""
    if suffixes is None:
        suffixes = _suffixes()
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
                yield from _walk(entry.path, skip, suffixes)
        elif entry.is_file() and report_like(entry.name, suffixes):
            yield entry.path


def expand(
    inputs: Iterable[str], *, stdin: bytes | None = None, skip: Iterable[str] = ()
) -> Iterator[Source]:
    """Yield every input a list of names stands for, in order.

    Args:
        inputs: file names, directories (every report file under them, recursively:
            see :func:`report_like`; hidden files and folders are skipped), glob
            patterns (``reports/**/*.html``), and ``-`` for standard input.
        skip: directories not to look into (the batch's own output).
        stdin: standard input's bytes, when already read (default: read it when ``-``
            comes).

    Yields:
        One :class:`Source` per file, each at most once.
    """
    names = list(inputs)
    # A single directory's walk never gives a file twice: remembering every file name
    # only matters when inputs may overlap (and would grow with a corpus of 10⁶ files).
    once = len(names) == 1 and os.path.isdir(names[0])
    seen: set[str] = set()
    skipped = frozenset(os.path.realpath(s) for s in skip)
    for name in names:
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
            if not once:
                key = os.path.normpath(path)
                if key in seen:
                    continue
                seen.add(key)
            yield Source(str(Path(path)) if path != name else path)
