"""Batches in parallel: dask_geopandas frames out of core, and in-memory batches on threads.

:func:`corridor.territory_km` and :func:`corridor.analyze_many` hand over to this module
when given a dask collection (or ``n_jobs`` other than 1); every line is still measured by
the in-memory function, one partition or chunk at a time, so the answers are the same.

Out of core (dask):

* The result is lazy: ``map_partitions`` with a ``meta`` that has the in-memory columns and
  dtypes, fixed before anything runs by measuring one short probe line inside the region
  in this process.  ``analyze_many`` has a ``km_<ID>`` column for *every* territory of the
  region (in memory: only for those some line passes through), since no partition knows
  which territories the others pass through.
* The lines never travel inside the task graph beyond what the collection itself holds:
  read them per partition (``dask_geopandas.read_parquet``, ``read_file``).
* Each worker process builds the engine once, not per task and not from a pickled copy in
  every task: the built-in region and regions built from the world layers travel as their
  :attr:`~corridor.Region.recipe` (a few keyword arguments) and are loaded once per process;
  a region from your own layer travels once per worker as one ``dask.delayed`` key that every
  partition depends on.
* GEOS prepared geometries are not safe to share between threads (libgeos/geos#825), so a
  process measures with one engine per thread that runs at the same time: the region itself
  for the first, a copy of it for each other (made only when they overlap; one per worker
  with ``threads_per_worker=1``).

In memory (``n_jobs``): the lines are cut into ``n_jobs`` chunks, each measured on a thread
with its own engine (as above) and joined in order.  A chunk that raises (bad input, lines
wholly outside the region) sends the whole batch through the plain call, which raises or
answers exactly as without threads.
"""

from __future__ import annotations

import numbers
import pickle
import sys
import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from weakref import WeakKeyDictionary, WeakSet

import numpy as np
import pandas as pd
import shapely

from . import measure
from ._engine import UNASSIGNED, engine_for
from ._threads import usable_cpus
from .errors import CorridorError, CorridorWarning, OutsideRegionError, ParameterError, ParameterTypeError
from .region import Region, load_region

__all__ = ["COUNTS", "MIN_LINES_PER_THREAD", "analyze_many", "engine_builds", "is_dask", "territory_km"]

#: Batches with fewer lines than this per thread run on the calling thread (threads cost more).
MIN_LINES_PER_THREAD = 50

#: The headline figures that are counts (integers); every other number is a float.
COUNTS = ("crossings", "closed_crossings")


def is_dask(obj: Any) -> bool:
    """Whether ``obj`` is a dask collection (a dask_geopandas frame), without importing dask."""
    return hasattr(type(obj), "__dask_graph__")


def territory_km(lines: Any, *, region: Region | None, by: str, n_jobs: int) -> Any:
    """:func:`corridor.territory_km` of a dask collection (lazy), or of a batch on ``n_jobs`` threads."""
    if is_dask(lines):
        _no_jobs(n_jobs)
        return _lazy("territory_km", lines, region, (("by", by),))
    return _threaded("territory_km", lines, region, n_jobs, {"by": by})


def analyze_many(routes: Any, *, region: Region | None, name_column: str, n_jobs: int) -> Any:
    """:func:`corridor.analyze_many` of a dask collection (lazy), or of a batch on ``n_jobs`` threads."""
    if is_dask(routes):
        _no_jobs(n_jobs)
        return _lazy("analyze_many", routes, region, (("name_column", name_column),))
    return _threaded("analyze_many", routes, region, n_jobs, {"name_column": name_column})


def _no_jobs(n_jobs: int) -> None:
    if n_jobs != 1:
        msg = (
            f"`n_jobs` is for in-memory batches, got {n_jobs!r} with a dask collection: dask's scheduler "
            "decides how partitions run (e.g. a distributed.LocalCluster's n_workers and threads_per_worker)."
        )
        raise ParameterError(msg)


# ---------------------------------------------------------------------------
# regions and engines per process and thread

_LOCK = threading.Lock()
#: regions loaded from a recipe in this process (the client seeds it with its own)
_LOADED: dict[_Recipe, Region] = {}
#: per region: whether the region itself is free, and the copies no thread is using now
_POOLS: WeakKeyDictionary[Region, _Pool] = WeakKeyDictionary()
#: regions (and copies) whose engine this module has made ready in this process
_READY: WeakSet[Region] = WeakSet()
_BUILDS: Counter[str] = Counter()


@dataclass(frozen=True)
class _Recipe:
    """How a worker loads a region (:attr:`Region.recipe`), hashable and a few bytes in each task."""

    items: tuple[tuple[str, Any], ...]

    @classmethod
    def of(cls, recipe: dict[str, Any]) -> _Recipe:
        return cls(tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in recipe.items())))

    def load(self) -> Region:
        kwargs: dict[str, Any] = {k: list(v) if k == "countries" and v is not None else v for k, v in self.items}
        return load_region(**kwargs)


@dataclass
class _Pool:
    """The engines of one region (never the region itself, so that it can be collected)."""

    own_free: bool = True
    copies: list[Region] = field(default_factory=list)


def engine_builds() -> dict[str, int]:
    """Engines made ready in this process for partitions and threads, by region name (a test and benchmark hook).

    One per region per process, plus one per thread that measured at the same time as another;
    an engine that the process had already built (by an in-memory call) is counted, not rebuilt.
    """
    with _LOCK:
        return dict(_BUILDS)


def _shipped(region: Region) -> Any:
    """What each partition gets to find the region: its recipe, or the region once per worker."""
    recipe = region.recipe
    if recipe is not None:
        key = _Recipe.of(recipe)
        with _LOCK:
            _LOADED.setdefault(key, region)  # on the threaded and synchronous schedulers: this very region
        return key
    client = _distributed_client()
    if client is not None:  # sent to every worker now, once
        return client.scatter(region, broadcast=True, hash=False)
    import dask

    return dask.delayed(region, name=f"corridor-region-{uuid.uuid4().hex}", traverse=False)


def _distributed_client() -> Any:
    """The default dask.distributed client, if distributed is in use in this process."""
    if "distributed" not in sys.modules:
        return None
    from distributed import default_client

    try:
        return default_client()
    except ValueError:  # no client
        return None


def _region_here(where: Any) -> Region:
    """The region of a partition in this process: loaded once from its recipe, or as shipped."""
    if not isinstance(where, _Recipe):
        return where
    with _LOCK:
        region = _LOADED.get(where)
        if region is None:
            region = _LOADED[where] = where.load()
    return region


@contextmanager
def _engine_of(region: Region) -> Iterator[Region]:
    """``region``, or a copy of it, whose engine no other thread is using now (built once, then kept)."""
    mine: Region | None = None
    with _LOCK:
        pool = _POOLS.setdefault(region, _Pool())
        if pool.own_free:
            pool.own_free, mine = False, region
        elif pool.copies:
            mine = pool.copies.pop()
    if mine is None:  # every engine of it is busy: a copy, with its own prepared geometries
        mine = pickle.loads(pickle.dumps(region, protocol=pickle.HIGHEST_PROTOCOL))
    if mine not in _READY:  # only this thread holds ``mine`` now
        engine_for(mine)
        with _LOCK:
            _READY.add(mine)
            _BUILDS[region.name] += 1
    try:
        yield mine
    finally:
        with _LOCK:
            if mine is region:
                pool.own_free = True
            else:
                pool.copies.append(mine)


# ---------------------------------------------------------------------------
# dask


def _lazy(name: str, lines: Any, region: Region | None, kw: tuple[tuple[str, Any], ...]) -> Any:
    """``map_partitions`` of the in-memory function, with the in-memory columns and dtypes as meta."""
    if not hasattr(lines, "crs") or not hasattr(lines, "map_partitions"):
        kind = f"{type(lines).__module__}.{type(lines).__name__}"
        msg = f"Expected a dask_geopandas GeoDataFrame or GeoSeries, got {kind}."
        raise ParameterTypeError(msg)
    region = region if region is not None else load_region()
    meta = _meta(name, lines._meta, region, dict(kw))
    return lines.map_partitions(_partition, name, _shipped(region), meta, kw, meta=meta)


def _meta(name: str, empty: Any, region: Region, kw: dict[str, Any]) -> pd.DataFrame:
    """The columns and dtypes of the result: the in-memory function on one probe line (no rows)."""
    import warnings

    from dask.dataframe.utils import meta_nonempty

    probe = _probe(meta_nonempty(empty), region)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CorridorWarning)  # a probe line at a region's edge
        out = getattr(measure, name)(probe, region=region, **kw)  # raises as in memory: no CRS, bad options
    if name == "analyze_many":
        out = out.reindex(columns=_every_territory(out.columns, engine_for(region).ids), fill_value=0.0)
    # one line's numbers may come out as integers (0 km of sea): every figure but a count is a float
    numbers = [c for c in out.columns if pd.api.types.is_numeric_dtype(out[c]) and c not in COUNTS]
    out = out.astype(dict.fromkeys(numbers, "float64"))
    meta = out.iloc[:0]
    meta.index = empty.index[:0]
    return meta


def _every_territory(columns: Any, ids: list[str]) -> list[str]:
    """analyze_many's columns with a ``km_<ID>`` for every territory, in the engine's order."""
    cols = [str(c) for c in columns]
    km = {f"km_{i}" for i in ids}
    at = cols.index(f"km_{UNASSIGNED}")
    return [*(c for c in cols[:at] if c not in km), *(f"km_{i}" for i in ids), *cols[at:]]


def _inside_line(region: Region) -> shapely.LineString:
    """A 10 m line from a point inside the region's largest part (to probe the functions' output)."""
    geoms = np.asarray(region.parts.geometry.values, dtype=object)
    p = shapely.point_on_surface(geoms[int(np.argmax(shapely.area(geoms)))])
    step = 1e-4 if p.x < 179.0 else -1e-4
    return shapely.LineString([(p.x, p.y), (p.x + step, p.y)])


def _probe(template: Any, region: Region) -> Any:
    """The first row of ``template`` (a partition, or its meta made non-empty) with a line inside the region."""
    import geopandas as gpd

    line = gpd.GeoSeries([_inside_line(region)], crs="EPSG:4326")
    line = line.to_crs(template.crs) if template.crs is not None else line.set_crs(None, allow_override=True)
    row = template.iloc[:1].copy()
    if isinstance(row, gpd.GeoSeries):
        return gpd.GeoSeries(line.values, index=row.index, name=row.name)
    row[row.geometry.name] = line.values
    return row


def _partition(
    part: Any, name: str, where: Any, meta: pd.DataFrame, kw: tuple[tuple[str, Any], ...], partition_info: Any = None
) -> pd.DataFrame:
    """One partition, measured in memory on this worker's engine, with the meta's columns and dtypes."""
    if not len(part):
        out = meta.copy()
        out.index = part.index
        return out
    fn = getattr(measure, name)
    with _engine_of(_region_here(where)) as region:
        try:
            out = fn(part, region=region, **dict(kw))
        except OutsideRegionError:
            # every line of this partition lies outside the data; in memory they would be measured
            # beside the others (unassigned, with a warning): measure them beside one that lies inside
            both = pd.concat([part, _probe(part, region)])
            out = fn(both, region=region, **dict(kw)).iloc[:-1]
        except CorridorError as err:
            number = partition_info["number"] if partition_info else "?"
            raise type(err)(f"Partition {number}: {err}") from err
    out = out.reindex(columns=meta.columns, fill_value=0.0)
    out.index = part.index
    if not out.dtypes.equals(meta.dtypes):
        out = out.astype(meta.dtypes.to_dict())
    return out


# ---------------------------------------------------------------------------
# threads


def _threads(n_jobs: Any) -> int:
    """The number of threads ``n_jobs`` asks for: itself, or every core this process may use for -1."""
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, (numbers.Integral, np.integer)):
        raise ParameterTypeError(f"`n_jobs` must be a whole number, got {n_jobs!r} ({type(n_jobs).__name__}).")
    if n_jobs == -1:
        return usable_cpus()
    if n_jobs < 1:
        raise ParameterError(f"`n_jobs` must be >= 1, or -1 for every core; got {int(n_jobs)}.")
    return int(n_jobs)


def _chunks(lines: Any, n: int) -> list[Any] | None:
    """``lines`` cut into ``n`` runs of consecutive lines, or None if a batch too small or not a sequence."""
    if isinstance(lines, (str, bytes, shapely.Geometry, measure.Route)) or not hasattr(lines, "__len__"):
        return None
    n = min(n, len(lines) // MIN_LINES_PER_THREAD)
    if n < 2:
        return None
    edges = np.linspace(0, len(lines), n + 1).astype(int)
    if isinstance(lines, (pd.Series, pd.DataFrame)):
        return [lines.iloc[a:b] for a, b in zip(edges[:-1], edges[1:])]
    items = list(lines)
    return [items[a:b] for a, b in zip(edges[:-1], edges[1:])]


def _threaded(name: str, lines: Any, region: Region | None, n_jobs: Any, kw: dict[str, Any]) -> pd.DataFrame:
    """The in-memory function over chunks of ``lines`` on threads, each with its own engine, joined in order."""
    fn = getattr(measure, name)
    chunks = _chunks(lines, _threads(n_jobs))
    if chunks is None:
        return fn(lines, region=region, **kw)
    region = region if region is not None else load_region()

    def one(chunk: Any) -> pd.DataFrame:
        with _engine_of(region) as mine:
            return fn(chunk, region=mine, **kw)

    try:
        with ThreadPoolExecutor(len(chunks), thread_name_prefix="corridor") as pool:
            parts = list(pool.map(one, chunks))
    except CorridorError:
        return fn(lines, region=region, **kw)  # the whole batch raises or answers as without threads
    if name == "territory_km":
        out = pd.concat(parts)
        if not isinstance(lines, (pd.Series, pd.DataFrame)):
            out.index = pd.RangeIndex(len(out), name=parts[0].index.name)
        return out
    present = set().union(*(p.columns for p in parts))
    cols = [c for c in _every_territory(parts[0].columns, engine_for(region).ids) if c in present]
    out = pd.concat([p.reindex(columns=cols, fill_value=0.0) for p in parts], ignore_index=True)
    if not isinstance(lines, (pd.Series, pd.DataFrame)):  # a plain line is named by its place in the batch
        items = [x for chunk in chunks for x in chunk]
        plain = np.array([not isinstance(x, measure.Route) for x in items], dtype=bool)
        out.loc[plain, "name"] = [str(i) for i in np.flatnonzero(plain)]
    return out
