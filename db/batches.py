"""Items in lists of a bounded size: ``IN (...)`` lists, executemany batches, Parquet row groups;
and loops over such batches without the cyclic garbage collector."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterable, Iterator
from typing import TypeVar

_T = TypeVar("_T")


def batched(items: Iterable[_T], size: int) -> Iterator[list[_T]]:
    """``items`` in lists of at most ``size``, in order (the last one may be shorter)."""
    batch: list[_T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection meanwhile (restored after, if it was on).

    For a loop over batches of rows that makes no reference cycles (its tuples,
    lists and strings are freed as they go): the collector would otherwise rescan
    every live object each time the loop has allocated a few thousand more, about
    a tenth of an export's CPU. Memory stays as it is; cycles made meanwhile by
    anything else are collected once the collector is back.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
