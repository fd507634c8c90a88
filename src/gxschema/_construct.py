"""Quick constructors for the frozen attrs classes the readers build by the thousand.

A frozen attrs class's ``__init__`` sets each field through ``object.__setattr__``, a
call per field, because the class's own ``__setattr__`` refuses.  Readers build a few
hundred cells, locations and cell references per report, whose fields they have
already checked, so :func:`constructor` makes one positional constructor per class
that does the same with plain assignment: the instance is created as a subclass that
adds nothing but an ordinary ``__setattr__``, its fields are assigned, and it is given
its real class (the layouts are the same).  The result is the instance attrs'
``__init__`` builds: same class, same fields, nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import attrs

__all__ = ["constructor"]

T = TypeVar("T")


def constructor(cls: type[T]) -> Callable[..., T]:
    """A function building ``cls(*fields)`` from its fields by position, quickly.

    Args:
        cls: a frozen attrs class with no validator, converter or ``__attrs_post_init__``
            (nothing of its ``__init__`` is skipped, then).

    Returns:
        ``make(*fields)``: the fields in declaration order, every one given.

    Raises:
        TypeError: ``cls`` validates, converts or post-initialises its fields.
    """
    fields = attrs.fields(cls)  # type: ignore[arg-type]
    checked = [a.name for a in fields if a.validator is not None or a.converter is not None]
    if checked or hasattr(cls, "__attrs_post_init__"):
        raise TypeError(f"{cls.__name__}'s __init__ does more than set fields: {checked}")
    sub = type(
        f"_{cls.__name__}Builder",
        (cls,),
        {"__slots__": (), "__setattr__": object.__setattr__, "__delattr__": object.__delattr__},
    )
    names = [a.name for a in fields]
    body = "".join(f"    o.{n} = {n}\n" for n in names)
    source = (
        f"def make({', '.join(names)}):\n    o = new(sub)\n{body}"
        "    o.__class__ = cls\n    return o\n"
    )
    scope: dict[str, Any] = {"new": object.__new__, "sub": sub, "cls": cls}
    exec(compile(source, f"<{cls.__name__} constructor>", "exec"), scope)
    make: Callable[..., T] = scope["make"]
    make.__doc__ = f"``{cls.__name__}({', '.join(names)})``, built by plain assignment."
    return make
