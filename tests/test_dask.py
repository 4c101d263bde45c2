"""Out of core on dask, and in-memory batches on threads (corridor._parallel).

A dask_geopandas frame gives a lazy dask DataFrame with the in-memory columns and the
in-memory answers; each process builds one engine per region (per concurrently running
thread), loading the built-in and world-layer regions from their recipe; bad input raises
the in-memory errors.  The synchronous scheduler runs the partitions here, in this process;
one test starts a one-worker distributed.LocalCluster (a few seconds) to see a real worker
load the region from its recipe.  The 10-million-vertex run is benchmarks/bench_dask.py.
"""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import corridor
from corridor import _engine, _parallel
from corridor.errors import CRSError, GeometryError, OutsideRegionWarning, ParameterError, ParameterTypeError

dask = pytest.importorskip("dask")
dask_geopandas = pytest.importorskip("dask_geopandas")

N_LINES = 240
N_PARTS = 4


def walks(n: int, *, seed: int = 7, box: tuple[float, float, float, float] = (41.5, 37.5, 53.5, 46.0), step=0.02):
    """Seeded random walks of 20 vertices starting inside ``box`` (lon/lat)."""
    rng = np.random.default_rng(seed)
    w, s, e, n_ = box
    start = np.column_stack([rng.uniform(w, e, n), rng.uniform(s, n_, n)])
    xy = start[:, None, :] + np.cumsum(rng.normal(0, step, size=(n, 20, 2)), axis=1)
    return gpd.GeoDataFrame({"name": [f"walk{i}" for i in range(n)]}, geometry=shapely.linestrings(xy), crs=4326)


@pytest.fixture(scope="module")
def lines() -> gpd.GeoDataFrame:
    return walks(N_LINES)


@pytest.fixture(scope="module")
def frame(lines) -> object:
    return dask_geopandas.from_geopandas(lines, npartitions=N_PARTS)


def same(lazy: pd.DataFrame, eager: pd.DataFrame) -> None:
    """Equal columns, index and dtypes, numbers within 1e-9 km."""
    pd.testing.assert_frame_equal(lazy, eager, check_exact=False, rtol=0, atol=1e-9)


@pytest.fixture(scope="module")
def two_boxes() -> corridor.Region:
    """A user's own region: two 0.1° boxes, no recipe."""
    layer = gpd.GeoDataFrame(
        {"id": ["A", "B"]}, crs=4326, geometry=[shapely.box(45, 40, 45.1, 40.1), shapely.box(45.1, 40, 45.2, 40.1)]
    )
    return corridor.load_region(layer, id_column="id")


def test_territory_km_is_lazy_with_the_in_memory_columns_and_answers(frame, lines):
    lazy = corridor.territory_km(frame)
    assert dask.is_dask_collection(lazy) and lazy.npartitions == N_PARTS
    eager = corridor.territory_km(lines)
    assert list(lazy.columns) == list(eager.columns) == [*sorted(corridor.load_region().ids), "unassigned"]
    assert (lazy.dtypes == eager.dtypes).all()
    same(lazy.compute(scheduler="sync"), eager)


def test_territory_km_by_part(frame, lines):
    same(corridor.territory_km(frame, by="part").compute(scheduler="sync"), corridor.territory_km(lines, by="part"))


def test_analyze_many_is_lazy_with_every_territory(frame, lines):
    region = corridor.load_region()
    lazy = corridor.analyze_many(frame)
    assert dask.is_dask_collection(lazy)
    territories = [c for c in lazy.columns if c.startswith("km_") and c[3:] in region.ids]
    assert sorted(territories) == sorted(f"km_{i}" for i in region.ids)  # every one, fixed up front
    eager = corridor.analyze_many(lines)
    got = lazy.compute(scheduler="sync")
    extra = [c for c in got.columns if c not in eager.columns]
    assert extra and (got[extra] == 0.0).all().all()  # territories no line passes through: 0 km
    assert [c for c in got.columns if c in eager.columns] == list(eager.columns)  # the in-memory order
    same(got[eager.columns], eager)
    assert (lazy.dtypes[eager.columns] == eager.dtypes).all()


def test_the_threaded_scheduler_gives_the_same(frame, lines):
    same(corridor.territory_km(frame).compute(scheduler="threads"), corridor.territory_km(lines))


def test_the_index_follows_the_frame_and_empty_partitions_are_fine(lines):
    # lines 0..9 land in the first partition; the others are empty
    subset = dask_geopandas.from_geopandas(lines, npartitions=N_PARTS)
    subset = subset[subset["name"].isin([f"walk{i}" for i in range(10)])]
    assert subset.npartitions == N_PARTS
    same(corridor.territory_km(subset).compute(scheduler="sync"), corridor.territory_km(lines.iloc[:10]))
    shuffled = lines.set_index(pd.Index(np.arange(len(lines)) * 3 + 100, name="id"))
    got = corridor.territory_km(dask_geopandas.from_geopandas(shuffled, npartitions=3)).compute(scheduler="sync")
    same(got, corridor.territory_km(shuffled))


def test_a_partition_wholly_outside_is_measured_as_in_memory(lines):
    outside = walks(20, seed=3, box=(5.0, 5.0, 6.0, 6.0))  # the Gulf of Guinea
    both = pd.concat([lines.iloc[:40], outside], ignore_index=True)
    frame = dask_geopandas.from_geopandas(both, npartitions=3)
    assert len(frame.partitions[2].compute()) == 20  # the last partition: every line outside
    with pytest.warns(OutsideRegionWarning):
        eager = corridor.territory_km(both)
    with pytest.warns(OutsideRegionWarning):
        lazy = corridor.territory_km(frame).compute(scheduler="sync")
    same(lazy, eager)
    assert np.allclose(lazy["unassigned"].iloc[40:], corridor.geodesy.length_m(outside.geometry.values) / 1000.0)


def test_the_engine_is_built_once_per_process_not_per_partition(frame, two_boxes, monkeypatch):
    built = []

    class Counting(_engine.Engine):
        def __init__(self, region):
            built.append(region.name)
            super().__init__(region)

    monkeypatch.setattr(_engine, "Engine", Counting)
    mine = walks(80, seed=11, box=(45.01, 40.01, 45.19, 40.09), step=0.001)
    before = _parallel.engine_builds().get(two_boxes.name, 0)
    lazy = corridor.territory_km(dask_geopandas.from_geopandas(mine, npartitions=4), region=two_boxes)
    got = lazy.compute(scheduler="sync")
    assert built == [two_boxes.name]  # by the probe that fixed the columns; the 4 partitions reused it
    assert _parallel.engine_builds()[two_boxes.name] == before + 1
    same(got, corridor.territory_km(mine, region=two_boxes))
    assert list(got.columns) == ["A", "B", "unassigned"]
    # a copy of the built-in region is another region (no recipe): one more engine, not one per partition
    other = dataclasses.replace(corridor.load_region())
    assert other.recipe is None
    corridor.territory_km(frame, region=other).compute(scheduler="sync")
    assert built == [two_boxes.name, other.name]


def test_a_user_region_is_shipped_once_not_with_every_task(two_boxes, lines):
    frame = dask_geopandas.from_geopandas(lines.iloc[:8], npartitions=4)
    lazy = corridor.territory_km(frame, region=two_boxes)
    graph = dict(lazy.__dask_graph__())
    holding = [k for k, v in graph.items() if v is two_boxes or getattr(v, "value", None) is two_boxes]
    assert len(holding) == 1  # one key with the region, that the partitions depend on
    assert corridor.load_region().recipe == {}  # the built-in region travels as its recipe
    assert two_boxes.recipe is None


def test_recipes_load_the_same_region():
    built = corridor.load_region(countries=["ARM"])
    again = corridor.load_region(**built.recipe)
    assert again is not built and again.name == built.name and again.ids == built.ids
    assert shapely.equals(again.countries.geometry.iloc[0], built.countries.geometry.iloc[0])


def test_no_crs_raises_the_in_memory_error(lines):
    bare = lines.set_crs(None, allow_override=True)
    with pytest.raises(CRSError) as eager:
        corridor.territory_km(bare)
    frame = dask_geopandas.from_geopandas(bare, npartitions=2)
    for fn in (corridor.territory_km, corridor.analyze_many):
        with pytest.raises(CRSError, match=re.escape(str(eager.value))):
            fn(frame)  # before anything runs


def test_points_raise_the_in_memory_error(lines):
    bad = lines.iloc[:20].copy()
    bad.loc[3, "geometry"] = shapely.Point(45, 40)
    with pytest.raises(GeometryError) as eager:
        corridor.territory_km(bad)
    lazy = corridor.territory_km(dask_geopandas.from_geopandas(bad, npartitions=2))  # lazy: nothing read yet
    with pytest.raises(GeometryError, match=r"^Partition 0: " + re.escape(str(eager.value))):
        lazy.compute(scheduler="sync")


def test_other_collections_and_n_jobs_are_refused(frame, lines):
    with pytest.raises(ParameterTypeError, match="dask_geopandas"):
        corridor.territory_km(dask.dataframe.from_pandas(pd.DataFrame({"a": [1, 2]}), npartitions=1))
    with pytest.raises(ParameterError, match="n_jobs"):
        corridor.territory_km(frame, n_jobs=2)
    with pytest.raises(ParameterError, match="by"):
        corridor.territory_km(frame, by="country")


@pytest.mark.parametrize("fn", [corridor.territory_km, corridor.analyze_many])
def test_threads_give_the_same_table(fn, lines):
    lines = lines.iloc[:150]  # three chunks of 50
    same(fn(lines, n_jobs=2), fn(lines))
    same(fn(list(lines.geometry), n_jobs=3), fn(list(lines.geometry)))


def test_threads_fall_back_to_one_call_for_a_batch_that_raises(lines):
    bad = lines.copy()
    bad.loc[200, "geometry"] = shapely.Point(45, 40)
    with pytest.raises(GeometryError) as eager:
        corridor.territory_km(bad)
    with pytest.raises(GeometryError, match=re.escape(str(eager.value))):
        corridor.territory_km(bad, n_jobs=2)  # the same message: line 200, not line 80 of a chunk


def test_threads_answer_a_batch_whose_chunk_lies_outside(lines):
    outside = walks(120, seed=5, box=(5.0, 5.0, 6.0, 6.0))
    both = pd.concat([lines.iloc[:120], outside], ignore_index=True)
    with pytest.warns(OutsideRegionWarning):
        eager = corridor.territory_km(both)
    with pytest.warns(OutsideRegionWarning):
        same(corridor.territory_km(both, n_jobs=2), eager)


@pytest.mark.parametrize("n_jobs", [0, -2, 1.5, False, "2"])
def test_bad_n_jobs(n_jobs, lines):
    with pytest.raises((ParameterError, ParameterTypeError), match="n_jobs"):
        corridor.territory_km(lines, n_jobs=n_jobs)


def test_in_memory_calls_do_not_import_dask():
    code = (
        "import sys, shapely, corridor\n"
        "line = shapely.LineString([(44.5, 40.2), (43.8, 40.8)])\n"
        "corridor.territory_km([line] * 120, n_jobs=2)\n"
        "corridor.analyze_many([line])\n"
        "print(sorted(m for m in ('dask', 'distributed', 'dask_geopandas') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_a_distributed_worker_builds_one_engine_per_region(lines, two_boxes):
    distributed = pytest.importorskip("distributed")
    frame = dask_geopandas.from_geopandas(lines, npartitions=N_PARTS)
    mine = walks(40, seed=13, box=(45.01, 40.01, 45.19, 40.09), step=0.001)
    with (
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None, memory_limit="2GiB"
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        got = corridor.territory_km(frame).compute()  # the built-in region: loaded from its recipe
        builtin = client.run(_parallel.engine_builds)
        own = corridor.territory_km(dask_geopandas.from_geopandas(mine, npartitions=4), region=two_boxes).compute()
        both = client.run(_parallel.engine_builds)  # a user region: scattered to the worker once
    same(got, corridor.territory_km(lines))
    same(own, corridor.territory_km(mine, region=two_boxes))
    assert list(builtin.values()) == [{corridor.load_region().name: 1}]  # one worker, 4 partitions, one engine
    assert list(both.values()) == [{corridor.load_region().name: 1, two_boxes.name: 1}]
