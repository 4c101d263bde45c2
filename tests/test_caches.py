"""Warm starts: along-border legs and cleaned user regions are cached on disk and in memory.

Each test gets its own cache folder (``$CORRIDOR_CACHE_DIR``) and an empty in-process memo, so
a "second call" here is what a fresh process sees: the disk cache only.
"""

from __future__ import annotations

import dataclasses
import os
import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import corridor
import corridor._along as along
import corridor._cache as cache
import corridor.region as region_mod
from corridor import Route
from corridor._cache import Memo

AB = {"side": "ARM", "offset_m": 300.0, "start": None, "end": None, "smooth_m": 60.0}


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("CORRIDOR_CACHE_DIR", str(folder))
    monkeypatch.setattr(along, "_MEMO", Memo())
    return folder


def fresh_process(monkeypatch):
    """Forget this process's answers (as a new process would)."""
    monkeypatch.setattr(along, "_MEMO", Memo())


def no_tracing(*args, **kwargs):
    raise AssertionError("traced again instead of read from the cache")


def entries(folder: Path, pattern: str = "*") -> list[Path]:
    return sorted(folder.glob(pattern))


# --------------------------------------------------------------- along_border


def test_along_border_is_read_from_disk_in_a_new_process(cache_dir, region, monkeypatch):
    first = Route.along_border("ARM", "IRN", side="ARM", offset_m=300)
    (entry,) = entries(cache_dir, "along-*.npz")
    fresh_process(monkeypatch)
    monkeypatch.setattr(along, "_trace", no_tracing)
    again = Route.along_border("ARM", "IRN", side="ARM", offset_m=300)
    assert np.array_equal(again.coords, first.coords)
    assert again.stops == first.stops and again.name == first.name
    assert entries(cache_dir) == [entry]  # nothing else written (no temporary files left)


def test_along_border_is_kept_in_memory(cache_dir, region, monkeypatch):
    first = along.along_border_coords(region, "ARM", "IRN", **AB)
    for path in entries(cache_dir):
        path.unlink()
    monkeypatch.setattr(along, "_trace", no_tracing)
    again = along.along_border_coords(region, "ARM", "IRN", **AB)
    assert np.array_equal(again[0], first[0]) and again[1:] == first[1:]
    again[0][0] = (0.0, 0.0)  # the caller's copy: the cached answer is not changed
    assert np.array_equal(along.along_border_coords(region, "ARM", "IRN", **AB)[0], first[0])


def test_cached_and_uncached_answers_are_identical(cache_dir, region, monkeypatch):
    kw = {"side": "AZE", "offset_m": 500.0, "start": "Horadiz", "end": "Aghband station", "smooth_m": 100.0}
    uncached = along.along_border_coords(region, "AZE", "IRN", connect="start", cache=False, **kw)
    assert entries(cache_dir, "along-*") == []  # cache=False writes nothing
    built = along.along_border_coords(region, "AZE", "IRN", connect="start", **kw)
    fresh_process(monkeypatch)
    read = along.along_border_coords(region, "AZE", "IRN", connect="start", **kw)
    for out in (built, read):
        assert out[0].dtype == uncached[0].dtype and np.array_equal(out[0], uncached[0])
        assert list(out[1]) == list(uncached[1]) and out[2] == uncached[2]
    # and the scenarios built on them measure the same
    scenarios = corridor.builtin_scenarios()
    fresh_process(monkeypatch)
    again = corridor.builtin_scenarios()
    assert [s.route.length_km for s in again] == [s.route.length_km for s in scenarios]


@pytest.mark.parametrize("damage", [b"", b"garbage", "truncate", "other_npz"])
def test_a_corrupt_along_entry_is_rebuilt(cache_dir, region, monkeypatch, damage):
    first = along.along_border_coords(region, "ARM", "IRN", **AB)
    (entry,) = entries(cache_dir, "along-*.npz")
    data = entry.read_bytes()
    if damage == "truncate":
        entry.write_bytes(data[: len(data) // 2])
    elif damage == "other_npz":  # a readable file of another layout
        np.savez(entry, coords=np.zeros((3, 3)))
    else:
        entry.write_bytes(damage)
    fresh_process(monkeypatch)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a corrupt entry is a miss, not even a warning
        again = along.along_border_coords(region, "ARM", "IRN", **AB)
    assert np.array_equal(again[0], first[0]) and again[1:] == first[1:]
    assert entry.read_bytes() == data  # written again, whole


@pytest.mark.parametrize(
    "change",
    [
        {"offset_m": 400.0},
        {"smooth_m": 50.0},
        {"start": "Meghri"},
        {"end": (46.0, 38.9)},
        {"side": "IRN"},
    ],
)
def test_the_key_changes_with_every_parameter(cache_dir, region, change):
    along.along_border_coords(region, "ARM", "IRN", **AB)
    along.along_border_coords(region, "ARM", "IRN", **{**AB, **change})
    assert len(entries(cache_dir, "along-*.npz")) == 2


def test_the_key_changes_with_connect_and_the_territories(cache_dir, region):
    kw = {**AB, "start": "Meghri"}
    along.along_border_coords(region, "ARM", "IRN", **kw)
    along.along_border_coords(region, "ARM", "IRN", connect=True, **kw)
    along.along_border_coords(region, "ARM", "*", **{**kw, "start": None})
    assert len(entries(cache_dir, "along-*.npz")) == 3


def without_checksum(region: corridor.Region, **changes) -> corridor.Region:
    """A copy of ``region`` that carries no data checksum (as a region edited by hand)."""
    return dataclasses.replace(region, **{"data_key": None, **changes})


def test_the_key_follows_the_data_checksum(cache_dir, region):
    sha = corridor.datasets.manifest()["caucasus_caspian.gpkg"]["sha256"]
    assert sha in along.region_key(region)
    # a copy without a checksum is keyed by its content, which a change of geometry changes
    copy = without_checksum(region)
    assert along.region_key(copy).startswith("content:")
    assert along.region_key(without_checksum(region)) == along.region_key(copy)  # stable
    moved = region.countries.copy()
    moved.loc[moved["iso3"] == "ARM", "geometry"] = shapely.affinity.translate(region.geometry_of("ARM"), 1e-6)
    assert along.region_key(without_checksum(region, countries=moved)) != along.region_key(copy)
    # a new checksum of the built-in data is a new entry
    along.along_border_coords(region, "ARM", "IRN", **AB)
    other = dataclasses.replace(copy, data_key="0" * 64)
    along.along_border_coords(other, "ARM", "IRN", **AB)
    assert len(entries(cache_dir, "along-*.npz")) == 2


def test_the_key_follows_the_version(cache_dir, region, monkeypatch):
    along.along_border_coords(region, "ARM", "IRN", **AB)
    key = cache.cache_key(kind="x")
    monkeypatch.setattr(cache, "corridor_version", lambda: "999.0")
    assert cache.cache_key(kind="x") != key
    fresh_process(monkeypatch)
    along.along_border_coords(region, "ARM", "IRN", **AB)
    assert len(entries(cache_dir, "along-*.npz")) == 2


def test_refusals_are_not_cached(cache_dir, region):
    for _ in range(2):
        with pytest.raises(corridor.ParameterError, match="`side`"):
            Route.along_border("ARM", "IRN", side="GEO", offset_m=300)
    assert entries(cache_dir) == []


def test_an_unwritable_cache_folder_costs_speed_not_the_answer(tmp_path, region, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("CORRIDOR_CACHE_DIR", str(blocker / "cache"))  # cannot be created
    monkeypatch.setattr(along, "_MEMO", Memo())
    monkeypatch.setattr(cache, "_warned", False)
    with pytest.warns(corridor.CorridorWarning, match="not cached"):
        r = Route.along_border("ARM", "IRN", side="ARM", offset_m=300)
    assert round(r.length_km, 1) == 43.3


# ---------------------------------------------------------------- user layers


@pytest.fixture(scope="module")
def layer() -> gpd.GeoDataFrame:
    """Three territories with a narrow gap and an overlap between them: real cleaning work."""
    geoms = [
        shapely.box(45.0, 40.0, 45.1, 40.1),
        shapely.box(45.101, 40.0, 45.2, 40.1),
        shapely.box(45.0, 40.099, 45.2, 40.2),
    ]
    return gpd.GeoDataFrame({"id": ["A", "B", "C"], "label": ["Aa", "Bb", "Cc"]}, geometry=geoms, crs=4326)


def same_region(a: corridor.Region, b: corridor.Region) -> None:
    for name in ("countries", "parts", "borders", "part_borders", "tripoints", "cleaning"):
        x, y = getattr(a, name), getattr(b, name)
        pd.testing.assert_frame_equal(pd.DataFrame(x), pd.DataFrame(y), check_exact=True)
        if isinstance(x, gpd.GeoDataFrame):
            assert all(p.equals_exact(q, 0) for p, q in zip(x.geometry, y.geometry)), name
    for attr in ("name", "attribution", "gap_width_m", "accuracy_m", "accuracy_source", "extent", "water"):
        assert getattr(a, attr) == getattr(b, attr), attr


def test_a_cleaned_user_region_is_read_from_disk(cache_dir, layer, monkeypatch):
    uncached = corridor.load_region(layer, id_column="id", name_column="label", cache=False)
    assert entries(cache_dir) == []
    built = corridor.load_region(layer, id_column="id", name_column="label", attribution="me")
    (entry,) = entries(cache_dir, "userregion-*.gpkg")
    monkeypatch.setattr(region_mod, "clean_coverage_then", no_tracing)
    monkeypatch.setattr(region_mod, "derive_topology", no_tracing)
    read = corridor.load_region(layer, id_column="id", name_column="label", attribution="me")
    assert len(uncached.cleaning) and uncached.neighbours("A") == ["B", "C"]
    same_region(built, read)
    same_region(dataclasses.replace(uncached, attribution="me"), read)
    assert entries(cache_dir) == [entry]


@pytest.mark.parametrize("damage", [b"", b"garbage", "truncate"])
def test_a_corrupt_user_region_entry_is_rebuilt(cache_dir, layer, damage):
    first = corridor.load_region(layer, id_column="id")
    (entry,) = entries(cache_dir, "userregion-*.gpkg")
    data = entry.read_bytes()
    entry.write_bytes(data[: len(data) // 3] if damage == "truncate" else damage)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        again = corridor.load_region(layer, id_column="id")
    same_region(first, again)
    assert entries(cache_dir) == [entry] and entry.stat().st_size > 1000


def test_the_user_region_key_follows_layer_and_parameters(cache_dir, layer):
    corridor.load_region(layer, id_column="id")
    corridor.load_region(layer, id_column="id", gap_width_m=500)
    corridor.load_region(layer, id_column="id", name_column="label")
    corridor.load_region(layer.assign(id=["A", "B", "D"]), id_column="id")
    moved = layer.set_geometry(layer.translate(1e-7))
    corridor.load_region(moved, id_column="id")
    corridor.load_region(layer.to_crs(3857), id_column="id")
    assert len(entries(cache_dir, "userregion-*.gpkg")) == 6
    corridor.load_region(layer.copy(), id_column="id")  # the same layer again: no new entry
    assert len(entries(cache_dir, "userregion-*.gpkg")) == 6
    with pytest.raises(corridor.ColumnError):  # refusals are not cached
        corridor.load_region(layer, id_column="nope")
    assert len(entries(cache_dir, "userregion-*.gpkg")) == 6


def test_an_uncleaned_user_region_is_not_cached(cache_dir, layer):
    corridor.load_region(layer, id_column="id", clean=False)
    assert entries(cache_dir) == []


# ------------------------------------------------------------------ the helper


def test_load_is_a_miss_for_anything_unreadable(tmp_path):
    path = tmp_path / "along-0123456789abcdef.npz"
    assert cache.load(path, cache.read_npz) is None  # missing
    assert cache.store(path, lambda tmp: cache.write_npz(tmp, {"xy": np.arange(4.0)}, {"k": 1}))
    arrays, meta = cache.load(path, cache.read_npz)
    assert meta == {"k": 1} and arrays["xy"].tolist() == [0.0, 1.0, 2.0, 3.0]
    path.write_bytes(path.read_bytes()[:-20])
    assert cache.load(path, cache.read_npz) is None and not path.exists()
    (tmp_path / "sub").mkdir()
    assert cache.load(tmp_path / "sub", cache.read_npz) is None and (tmp_path / "sub").is_dir()


def test_a_failed_write_leaves_nothing(tmp_path, monkeypatch):
    path = tmp_path / "along-0123456789abcdef.npz"

    def broken(tmp):
        tmp.write_bytes(b"half")
        raise OSError("disk full")

    monkeypatch.setattr(cache, "_warned", False)
    with pytest.warns(corridor.CorridorWarning, match="disk full"):
        assert not cache.store(path, broken)
    assert list(tmp_path.iterdir()) == []


def test_entry_names_and_keys(tmp_path, monkeypatch):
    monkeypatch.setenv("CORRIDOR_CACHE_DIR", str(tmp_path))
    key = cache.cache_key(kind="bands", region="x", width_m=1000.0)
    assert cache.cache_file("bands", key) == tmp_path / f"bands-{key}.npz"
    for bad in (("../x", key, ".npz"), ("bands", "../../etc", ".npz"), ("bands", key, "/x")):
        with pytest.raises(ValueError, match="bad cache entry"):
            cache.cache_file(*bad)
    with pytest.raises(TypeError):
        cache.write_npz(tmp_path / "x.npz", {"g": np.array([shapely.Point(0, 0)], dtype=object)})


# ------------------------------------------------------------ where it writes


def test_nothing_is_written_outside_the_cache_folder(tmp_path, layer, monkeypatch):
    folder = tmp_path / "cache"
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.setenv("CORRIDOR_CACHE_DIR", str(folder))
    monkeypatch.setattr(along, "_MEMO", Memo())
    monkeypatch.chdir(work)
    Route.along_border("ARM", "IRN", side="ARM", offset_m=300)
    corridor.load_region(layer, id_column="id")
    corridor.load_region(layer, id_column="id")
    written = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert all(w.startswith("cache" + os.sep) for w in written), written
    names = sorted(p.name.split("-")[0] for p in folder.iterdir())
    assert names == ["along", "userregion"]  # and no temporary file left behind
