"""A user's own six-country layer: loading it cleaned against ``clean=False``, and from the cache.

Run with ``python benchmarks/bench_region.py`` (prints a Markdown table) or
``python -m pytest benchmarks/bench_region.py -s``.

The layer is what a user would bring: the raw, uncleaned polygons of Armenia, Azerbaijan,
Georgia, Iran, Türkiye and Russia from the shipped world layer
(``data/world_territories.parquet``), clipped to the built-in window (40–55.5°E, 36–47.5°N) and
written to a GeoPackage, so cleaning has real overlaps and river gaps to resolve (about 40,000
vertices).  Every configuration reads the file with ``load_region(path, id_column="A3")``;
they are interleaved round by round and each figure is the best of ``BENCH_ROUNDS``
(default 5) in one process after a warm-up (imports and GDAL loaded once).

Targets (issue "Scale: ... warm first calls"): cleaning within 2x of ``clean=False``; the
second load (a new process, the cache folder warm) reads the cleaned region.  Cleaning runs
independent GEOS work on threads (:mod:`corridor._threads`: the narrow gaps beside the
overlaps, the split territory by territory, the report beside the topology); the row "one
thread" is the same load as on a machine with one usable CPU.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import corridor
from corridor import _threads
from corridor._world import WORLD_TERRITORIES, read_world

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
SIX = ["ARM", "AZE", "GEO", "IRN", "TUR", "RUS"]
WINDOW = (40.0, 36.0, 55.5, 47.5)


def six_country_layer(path: Path) -> Path:
    """The raw polygons of the six territories, clipped to the window, as a GeoPackage."""
    raw = read_world(WORLD_TERRITORIES, bbox=WINDOW, ids=SIX)[["A3", "name", "geometry"]]
    raw.to_file(path, driver="GPKG")
    return path


def _time(fn: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def _one_thread(fn: Callable[[], object]) -> object:
    """``fn()`` as on a machine with one usable CPU: the cleaning's pieces one after another."""
    real = _threads.usable_cpus
    _threads.usable_cpus = lambda: 1
    try:
        return fn()
    finally:
        _threads.usable_cpus = real


def measure(rounds: int = ROUNDS) -> dict[str, float]:
    """Best-of-``rounds`` seconds of each way of loading the layer."""
    best: dict[str, float] = {}
    old = os.environ.get("CORRIDOR_CACHE_DIR")
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["CORRIDOR_CACHE_DIR"] = str(Path(tmp) / "cache")
        try:
            path = six_country_layer(Path(tmp) / "six.gpkg")
            runs = {
                "clean=False": lambda: corridor.load_region(path, id_column="A3", clean=False),
                "cleaned (cache=False)": lambda: corridor.load_region(path, id_column="A3", cache=False),
                "cleaned (cache=False), one thread": lambda: _one_thread(
                    lambda: corridor.load_region(path, id_column="A3", cache=False)
                ),
                "cleaned, from the cache": lambda: corridor.load_region(path, id_column="A3"),
            }
            for run in runs.values():  # warm-up; fills the cache
                run()
            for _ in range(rounds):
                for name, run in runs.items():
                    best[name] = min(_time(run), best.get(name, float("inf")))
        finally:
            if old is None:
                os.environ.pop("CORRIDOR_CACHE_DIR", None)
            else:
                os.environ["CORRIDOR_CACHE_DIR"] = old
    return best


def table(best: dict[str, float]) -> str:
    base = best["clean=False"]
    lines = ["| load_region(six-country layer) | s | / clean=False |", "|---|---:|---:|"]
    lines += [f"| {name} | {sec:.2f} | {sec / base:.2f}x |" for name, sec in best.items()]
    return "\n".join(lines)


def test_user_layer():
    best = measure()
    print(f"\n(best of {ROUNDS})\n" + table(best))
    assert best["cleaned, from the cache"] < best["cleaned (cache=False)"]


if __name__ == "__main__":
    print(f"best of {ROUNDS}, interleaved\n")
    print(table(measure()))
