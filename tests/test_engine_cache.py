"""The border bands on disk: written once, read back by the next process, rebuilt when broken.

Bands (1 km, 5 km and the accuracy band around all borders) are cached in
``corridor.datasets.cache_dir()`` for regions with a stable identity (``Region.data_key``),
under a key of that identity, the borders, the projection and corridor's version.
"""

from __future__ import annotations

import dataclasses
import importlib.metadata

import numpy as np
import pytest
import shapely

import corridor
from corridor import _engine
from corridor.datasets import CACHE_ENV

from .common import squares_region

WIDTH_KM = 1.0  # the cheapest of the cached bands of the built-in region to build


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """A fresh, empty cache folder for one test."""
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    return tmp_path


@pytest.fixture(scope="module")
def built(tmp_path_factory, region):
    """The 1 km band of the built-in region, built once and written to a cache folder of its own."""
    folder = tmp_path_factory.mktemp("bands")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(CACHE_ENV, str(folder))
        eng = _engine.Engine(region)
        band = eng.band(WIDTH_KM)
        path = eng.band_path(WIDTH_KM)
    return folder, path, band


def _same_band(a: _engine.Band, b: _engine.Band) -> bool:
    return bool(shapely.equals_exact(a.polygon, b.polygon, tolerance=0.0)) and bool(
        len(a.tiles) == len(b.tiles) and shapely.equals_exact(a.tiles, b.tiles, tolerance=0.0).all()
    )


def _no_buffer(*args, **kwargs):
    raise AssertionError("the band was built, not read from the cache")


def test_the_built_in_region_and_built_regions_have_a_stable_identity(region):
    assert isinstance(region.data_key, str) and len(region.data_key) == 64
    arm = corridor.load_region(countries=["ARM"])
    assert isinstance(arm.data_key, str) and arm.data_key != region.data_key
    assert _engine.Engine(arm).cache_key is not None


def test_a_band_is_written_once_and_read_back(built, region, monkeypatch):
    folder, path, band = built
    assert path is not None and path.is_file() and path.parent == folder
    monkeypatch.setenv(CACHE_ENV, str(folder))
    monkeypatch.setattr(shapely, "buffer", _no_buffer)  # a hit never builds
    fresh = _engine.Engine(region)
    assert fresh.band_path(WIDTH_KM) == path
    assert _same_band(fresh.band(WIDTH_KM), band)


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[: len(data) // 2], id="truncated"),
        pytest.param(lambda data: b"", id="empty"),
        pytest.param(lambda data: b"\x00garbage" * 1000, id="garbage"),
        pytest.param(lambda data: data[:-200] + bytes(200), id="tail zeroed"),
        pytest.param(lambda data: data.replace(b"sha256", b"sha255"), id="member renamed"),
    ],
)
def test_a_broken_cache_file_is_a_miss_and_is_rebuilt(built, region, cache, damage):
    _, path, band = built
    bad = cache / path.name
    bad.write_bytes(damage(path.read_bytes()))
    assert _engine.read_band(bad) is None
    fresh = _engine.Engine(region)
    assert fresh.band_path(WIDTH_KM) == bad
    assert _same_band(fresh.band(WIDTH_KM), band)  # rebuilt, the same band
    again = _engine.read_band(bad)  # and the file written anew
    assert again is not None and _same_band(again, band)


def test_a_band_file_with_a_wrong_digest_is_a_miss(built, cache):
    _, path, _ = built
    with np.load(path) as z:
        parts = {k: z[k] for k in z.files}
    parts["wkb"] = parts["wkb"].copy()
    parts["wkb"][100] ^= 1
    bad = cache / path.name
    np.savez(bad, **parts)
    assert _engine.read_band(bad) is None


def test_the_key_changes_with_the_data_the_borders_and_the_version(region, monkeypatch):
    key = _engine.Engine(region).cache_key
    other_data = dataclasses.replace(region, data_key="0" * 64)
    assert _engine.Engine(other_data).cache_key != key
    moved = region.borders.set_geometry(shapely.transform(region.borders.geometry.values, lambda xy: xy + 1e-7))
    assert _engine.Engine(dataclasses.replace(region, borders=moved)).cache_key != key
    monkeypatch.setattr(importlib.metadata, "version", lambda name: "999.0")
    assert _engine.Engine(region).cache_key != key


def test_same_answers_with_and_without_the_disk_cache(region):
    routes = [s.route for s in corridor.builtin_scenarios()]
    routes.append(corridor.Route.along_border("ARM", "IRN", side="ARM", offset_m=300, name="TRIPP"))
    with_disk = corridor.analyze_many(routes, region=region)
    in_memory = dataclasses.replace(region, data_key=None)  # as your own layers: bands in memory only
    assert _engine.Engine(in_memory).cache_key is None
    without = corridor.analyze_many(routes, region=in_memory)
    assert with_disk.equals(without)


def test_your_own_layers_write_no_cache_file(cache):
    squares = squares_region(["A", "B"])
    assert squares.data_key is None
    a = corridor.analyze(corridor.Route.from_coords([(45.05, 40.05), (45.15, 40.05)]), region=squares)
    assert a.summary()["km_within_1km_border"] > 0
    assert not list(cache.glob("band-*"))


def test_a_cache_folder_that_cannot_be_made_is_skipped(region, tmp_path, monkeypatch):
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(CACHE_ENV, str(blocker / "cache"))
    eng = _engine.Engine(region)
    assert eng.band_path(WIDTH_KM) is None
    assert len(eng.band(WIDTH_KM).tiles) > 0  # built in memory, no error
