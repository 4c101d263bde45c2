"""Threads for GEOS and PROJ work that splits into independent pieces.

shapely 2 and pyproj release the GIL while GEOS and PROJ compute, so independent pieces of
work (one territory's overlay and another's, a report and a topology) run at the same time on
threads; each piece does exactly what it would do alone, so the answers are the same.  GEOS
prepared geometries are not safe to share between threads (libgeos/geos#825): work handed to
a thread prepares nothing that another thread uses (shapely's tree queries prepare private
copies).  On a machine with one usable CPU everything runs on the calling thread, in order.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

__all__ = ["InlineExecutor", "executor", "thread_map", "usable_cpus"]

T = TypeVar("T")

#: At most this many threads for one task's pieces: the pieces here are few (territories).
MAX_THREADS = 4


def usable_cpus() -> int:
    """The CPUs this process may run on (its affinity mask where the platform has one)."""
    if hasattr(os, "process_cpu_count"):  # Python 3.13
        n = os.process_cpu_count()
    elif hasattr(os, "sched_getaffinity"):
        n = len(os.sched_getaffinity(0))
    else:  # pragma: no cover - macOS and Windows before Python 3.13
        n = os.cpu_count()
    return max(1, n or 1)


class InlineExecutor(Executor):
    """An executor that runs each call at once on the calling thread (one usable CPU)."""

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        future: Future[T] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:  # handed to whoever asks for the result, as a thread would (Ctrl-C is not held back)
            future.set_exception(exc)
        return future


@contextmanager
def executor(max_workers: int = MAX_THREADS) -> Iterator[Executor]:
    """A thread pool of up to ``max_workers`` threads, or an inline executor on one usable CPU.

    Leaving the block waits for every submitted call (nothing keeps running behind the caller).
    """
    n = min(max_workers, usable_cpus())
    if n <= 1:
        yield InlineExecutor()
        return
    with ThreadPoolExecutor(max_workers=n, thread_name_prefix="corridor") as pool:
        yield pool


def thread_map(fn: Callable[[Any], T], items: Sequence[Any], *, cost: Iterable[float] | None = None) -> list[T]:
    """``[fn(x) for x in items]``, the calls spread over threads, the costliest first (``cost``)."""
    if len(items) <= 1 or usable_cpus() <= 1:
        return [fn(x) for x in items]
    costs = [0.0] * len(items) if cost is None else [float(c) for c in cost]
    order = sorted(range(len(items)), key=costs.__getitem__, reverse=True)  # stable: ties in order
    out: list[Any] = [None] * len(items)
    with executor(min(MAX_THREADS, len(items))) as pool:
        futures = {k: pool.submit(fn, items[k]) for k in order}
        for k, future in futures.items():
            out[k] = future.result()
    return out
