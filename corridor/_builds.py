"""Regions built on request: from the shipped world layers or from Natural Earth, cached.

:func:`built_layers` turns a request (a bbox, a list of countries, or both; a source) into
the layers of a :class:`corridor.Region`, and measures the positional accuracy of its
borders against the other source (the median distance between the two datasets' borders,
sampled every 100 m).  Each result is kept in :func:`corridor.datasets.cache_dir` under a key
of the corridor version, the data checksums and the request, so the second call reads it.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import Any

import numpy as np
import shapely

from ._cache import cache_file, cache_key, load, store
from ._coverage import gap_width
from ._naturalearth import (
    NE_ATTRIBUTION,
    border_offsets,
    naturalearth_mainlands,
    naturalearth_sha256,
    read_naturalearth,
)
from ._store import read_layers, write_layers
from ._world import PART_NAMES, WORLD_TERRITORIES, WORLD_WATER, build_layers, check_bbox, country_names, read_world
from .datasets import manifest
from .errors import GeometryError, ParameterError, ParameterTypeError, UnknownTerritoryError

__all__ = ["OSM_ATTRIBUTION", "SOURCES", "accuracy_of", "built_layers", "check_countries"]

OSM_ATTRIBUTION = "© OpenStreetMap contributors (ODbL), via geo-maps countries-maritime-10m and countries-land-10m"
#: Boundary sources a region can be built from, with what each is called in tables.
SOURCES = {"world": "OpenStreetMap (geo-maps 0.6.0)", "naturalearth": "Natural Earth 10m 5.1.1"}

#: Bump when the layout of a cached region changes (old entries are then rebuilt).
SCHEMA = 2


def built_layers(
    bbox: Sequence[float] | None,
    countries: Sequence[str] | None,
    *,
    source: str = "world",
    gap_width_m: float = 1000.0,
    cache: bool = True,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The layers and metadata (name, attribution, accuracy) of a region built on request."""
    box = check_bbox(bbox) if bbox is not None else None
    names = country_names()
    ids = check_countries(countries, names) if countries is not None else None
    gap = gap_width(gap_width_m)
    key = _key(source, box, ids, gap)
    path = cache_file("region", key, ".gpkg") if cache else None
    hit = load(path, read_layers)  # a missing or broken entry is None: built (again)
    if hit is not None:
        return hit
    build = {"world": _world_layers, "naturalearth": _naturalearth_layers}
    layers = build[source](box, ids, gap, names)
    other = build["naturalearth" if source == "world" else "world"](box, ids, gap, names)
    accuracy_m, table = accuracy_of(layers["borders"], other["borders"], layers.get("water"))
    layers["accuracy"] = table
    words = [f"bbox ({', '.join(f'{v:g}' for v in box)})"] if box else []
    label = " ".join(words + ([f"countries {', '.join(ids)}"] if ids else []))
    meta = {
        "name": label if source == "world" else f"Natural Earth: {label}",
        "attribution": OSM_ATTRIBUTION if source == "world" else NE_ATTRIBUTION,
        "gap_width_m": gap,
        "accuracy_m": accuracy_m,
        "accuracy_source": SOURCES["naturalearth" if source == "world" else "world"],
        "built_from": {"source": source, "bbox": box, "countries": ids},
    }
    store(path, lambda tmp: write_layers(tmp, layers, meta))
    return layers, meta


def accuracy_of(borders: Any, reference: Any, water: Any = None) -> tuple[float | None, Any]:
    """The median offset (m) of ``borders`` from the same borders in ``reference``, and the table by border.

    Stretches at sea (in ``water``) are left out: a land-only reference has none.
    """
    if water is not None:
        sea = water.geometry[water["surface"] == "sea"]
        if len(sea):
            borders = borders.set_geometry(shapely.difference(np.asarray(borders.geometry.values), sea.iloc[0]))
    table = border_offsets(borders, reference)
    every = table.attrs.get("offsets_m", np.zeros(0))
    return (float(np.median(every)) if len(every) else None), table


def check_countries(countries: Sequence[str], names: dict[str, str]) -> list[str]:
    """ISO3 codes checked against the world layers, upper-cased and sorted."""
    if isinstance(countries, str):
        countries = [countries]
    try:
        ids = sorted({str(c).upper() for c in countries})
    except TypeError:
        raise ParameterTypeError(f"`countries` must be a list of ISO3 codes, got {countries!r}.") from None
    if not ids:
        raise ParameterError("`countries` is empty; give at least one ISO 3166-1 alpha-3 code such as 'ARM'.")
    unknown = [c for c in ids if c not in names]
    if unknown:
        by_name = {v.casefold(): k for k, v in names.items()}
        hints = []
        for c in unknown:
            code = by_name.get(c.casefold())
            close = difflib.get_close_matches(c.casefold(), list(by_name), n=1)
            hints.append(f"{c} (did you mean {code or by_name[close[0]] if (code or close) else '?'}?)")
        msg = (
            f"Unknown territory code(s) {', '.join(hints)}; `countries` takes ISO 3166-1 alpha-3 codes "
            "of the world layers (see `corridor.datasets.world_countries()`)."
        )
        raise UnknownTerritoryError(msg)
    return ids


def _key(source: str, box: tuple[float, ...] | None, ids: list[str] | None, gap: float) -> str:
    m = manifest()
    return cache_key(
        kind="region",
        data=[m[WORLD_TERRITORIES]["sha256"], m[WORLD_WATER]["sha256"], naturalearth_sha256()],
        source=source,
        bbox=box,
        countries=ids,
        gap_width_m=gap,
        schema=SCHEMA,
    )


def _window(box: tuple[float, float, float, float] | None) -> Any:
    if box is None:
        return None
    w, s, e, n = box
    return shapely.box(w, s, e if e > w else e + 360.0, n)


def _world_layers(
    box: tuple[float, float, float, float] | None, ids: list[str] | None, gap: float, names: dict[str, str]
) -> dict[str, Any]:
    terr = read_world(WORLD_TERRITORIES, bbox=box, ids=ids)
    if len(terr) == 0:
        raise GeometryError(f"No territory of the world layers lies in {box if box else ids}.")
    water = read_world(WORLD_WATER, bbox=box, ids=None if ids is None else [*ids, ""])
    window = _window(box)
    layers = build_layers(terr, water, window=window, names=names, gap_width_m=gap, part_names=PART_NAMES)
    layers["extent"] = window if window is not None else _union(layers)
    return layers


def _naturalearth_layers(
    box: tuple[float, float, float, float] | None, ids: list[str] | None, gap: float, names: dict[str, str]
) -> dict[str, Any]:
    terr = read_naturalearth(bbox=box, ids=ids)
    if len(terr) == 0:
        raise GeometryError(f"No territory of Natural Earth lies in {box if box else ids}.")
    window = _window(box)
    shift = 360.0 if window is not None and window.bounds[2] > 180 else 0.0
    mainlands = naturalearth_mainlands(sorted(set(terr["A3"])), shift=shift)
    layers = build_layers(
        terr, None, window=window, names=names, gap_width_m=gap, part_names=PART_NAMES, mainlands=mainlands
    )
    layers["extent"] = window if window is not None else _union(layers)
    return layers


def _union(layers: dict[str, Any]) -> Any:
    return shapely.union_all(np.asarray(layers["countries"].geometry.values, dtype=object))


def built_key(
    bbox: Sequence[float] | None, countries: Sequence[str] | None, *, source: str = "world", gap_width_m: float = 1000.0
) -> str:
    """The identity of a region built on request: its cache key (the data checksums, the request, the version).

    Data derived from the region (the bands around its borders) are cached under it.
    """
    box = check_bbox(bbox) if bbox is not None else None
    ids = check_countries(countries, country_names()) if countries is not None else None
    return _key(source, box, ids, gap_width(gap_width_m))
