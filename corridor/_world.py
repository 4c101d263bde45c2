"""Regions built from the shipped world layers: select, clip, clean, carve disputes, derive.

The world layers (``data/world_territories.parquet``, ``data/world_water.parquet``; see
``data/README.md``) hold every territory of the source at full resolution with its inland and
territorial waters, and the water inside them classified as ``sea`` (connected to the open sea)
or ``inland water``.  :func:`build_layers` turns a selection (a bounding box, a list of
countries, or both) into the layers of a :class:`corridor.Region`: a clean coverage of the
territories, their parts, borders (with the km at sea), tripoints, and the water polygons the
measurement engine uses to give every section its surface.

Longitudes of a selection that crosses the antimeridian (``min_lon > max_lon``) run on past
180° (the western part is shifted by +360°), so the region is one continuous piece.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ._coverage import clean_coverage_then
from ._topology import derive_topology
from .datasets import data_path, verify_checksum, world_countries
from .errors import DataError, GeometryError, ParameterError
from .geodesy import area_km2, length_m

__all__ = [
    "PART_NAMES",
    "SURFACES",
    "WORLD_TERRITORIES",
    "WORLD_WATER",
    "bbox_parts",
    "build_layers",
    "concat_frames",
    "country_names",
    "largest_parts",
    "read_world",
    "select_and_clip",
    "shift_west",
    "water_table",
]

WORLD_TERRITORIES = "world_territories.parquet"
WORLD_WATER = "world_water.parquet"

#: Surfaces of a section, in the order the on-boundary rule prefers them.
SURFACES = ("land", "inland water", "sea")

#: Names of well-known parts (exclaves), by a point inside each (lon, lat); names from Wikipedia.
PART_NAMES = {
    "Nakhchivan": (45.41, 39.21),  # Nakhchivan Autonomous Republic (AZE exclave)
    "Artsvashen": (45.514, 40.627),  # Armenian exclave inside Azerbaijan
    "Yukhari Askipara": (45.002, 41.066),  # Azerbaijani exclave inside Armenia
    "Barkhudarly": (45.209, 40.995),  # Azerbaijani exclave inside Armenia
    "Kaliningrad": (20.51, 54.71),  # Kaliningrad Oblast (RUS exclave)
    "Cabinda": (12.2, -5.56),  # Cabinda Province (AGO exclave)
    "Musandam": (56.25, 26.2),  # Musandam Governorate (OMN exclave)
    "Oecusse": (124.3, -9.27),  # Oecusse (TLS exclave)
    "Llívia": (1.98, 42.465),  # Llívia (ESP exclave in France)
}

#: Overlaps of two territories larger than this (km²) are disputed: both claim them (Crimea in
#: RUS and UKR, Abyei in SDN and SSD); they become a territory of their own, ``"A|B"``.
DISPUTED_MIN_KM2 = 50.0


def bbox_parts(bbox: Sequence[float]) -> list[tuple[tuple[float, float, float, float], float]]:
    """The bbox as one or two boxes in -180..180, each with the longitude shift that joins them."""
    w, s, e, n = (float(v) for v in bbox)
    if w <= e:
        return [((w, s, e, n), 0.0)]
    return [((w, s, 180.0, n), 0.0), ((-180.0, s, e, n), 360.0)]


def shift_west(geom: Any, shift: float) -> Any:
    """A geometry moved east by ``shift`` degrees of longitude (0: unchanged)."""
    if shift == 0:
        return geom
    return shapely.transform(geom, lambda xy: xy + np.array([shift, 0.0]))


def read_world(name: str, *, bbox: Sequence[float] | None = None, ids: Sequence[str] | None = None) -> gpd.GeoDataFrame:
    """Features of a world layer, optionally those meeting a bbox or with given ids, clipped to the bbox.

    For a bbox across the antimeridian the western features are shifted by +360°.
    """
    path = data_path(name)
    verify_checksum(path)
    try:
        import pyarrow  # noqa: F401  (geopandas needs it for GeoParquet)
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise ImportError("Reading the world layers needs pyarrow: `pip install pyarrow`.") from exc
    frames = []
    boxes = bbox_parts(bbox) if bbox is not None else [(None, 0.0)]
    for box, shift in boxes:
        try:
            gdf = gpd.read_parquet(path, bbox=box) if box is not None else gpd.read_parquet(path)
        except Exception as exc:  # pyarrow raises several kinds for a broken file
            raise DataError(f"Cannot read the world layer {str(path)!r}: {exc}") from exc
        frames.append(select_and_clip(gdf, ids, box, shift))
    return concat_frames(frames)


def select_and_clip(
    gdf: gpd.GeoDataFrame, ids: Sequence[str] | None, box: tuple[float, float, float, float] | None, shift: float
) -> gpd.GeoDataFrame:
    """The features with an ``A3`` in ``ids`` (all if None), clipped to ``box`` and moved east by ``shift``°."""
    if ids is not None:
        gdf = gdf[gdf["A3"].isin(list(ids))]
    if box is not None:
        geoms = shapely.clip_by_rect(np.asarray(gdf.geometry.values, dtype=object), *box)
        gdf = gdf.set_geometry(shift_west(geoms, shift))
        gdf = gdf[~gdf.geometry.is_empty]
    return gdf


def concat_frames(frames: list[gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    """The frames read for the parts of a bbox, as one GeoDataFrame in EPSG:4326."""
    out = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0].reset_index(drop=True)
    return gpd.GeoDataFrame(out, geometry="geometry", crs="EPSG:4326")


def world_mainlands(ids: Sequence[str], *, shift: float = 0.0) -> dict[str, Any]:
    """Each territory's largest polygon in the whole world layer (unclipped)."""
    return largest_parts(read_world(WORLD_TERRITORIES, ids=list(ids)), shift=shift)


def largest_parts(gdf: gpd.GeoDataFrame, *, shift: float = 0.0) -> dict[str, Any]:
    """``A3`` → its largest polygon by geodesic area (joined with its copy ``shift``° east)."""
    out = {}
    for a3, g in zip(gdf["A3"], gdf.geometry):
        polys = list(shapely.get_parts(g))
        if not polys:
            continue
        big = polys[int(np.argmax(np.asarray(area_km2(np.array(polys, dtype=object)), dtype=float)))]
        out[str(a3)] = big if shift == 0 else shapely.union(big, shift_west(big, shift))
    return out


def country_names() -> dict[str, str]:
    """ISO 3166-1 alpha-3 code → English short name (``data/country_names.csv``)."""
    df = world_countries()
    return dict(zip(df["iso3"], df["name"]))


def _polygonal(g: Any) -> Any:
    parts = [p for p in shapely.get_parts(g) if p.geom_type == "Polygon" and not p.is_empty]
    nested = [
        q
        for p in shapely.get_parts(g)
        if p.geom_type in ("MultiPolygon", "GeometryCollection")
        for q in shapely.get_parts(p)
    ]
    parts += [q for q in nested if q.geom_type == "Polygon"]
    return shapely.MultiPolygon(parts) if parts else shapely.MultiPolygon()


def carve_disputed(
    ids: list[str], geoms: list[Any], *, min_km2: float = DISPUTED_MIN_KM2
) -> tuple[list[str], list[Any], pd.DataFrame]:
    """Overlaps of two territories larger than ``min_km2`` become a territory ``"A|B"`` of their own."""
    g = np.array(geoms, dtype=object)
    tree = shapely.STRtree(g)
    left, right = tree.query(g, predicate="intersects")
    rows = []
    new_ids, new_geoms = list(ids), list(geoms)
    for i, j in zip(left.tolist(), right.tolist()):
        if i >= j:
            continue
        inter = _polygonal(shapely.intersection(g[i], g[j]))
        big = [p for p in shapely.get_parts(inter) if float(area_km2(p)) >= min_km2]
        if not big:
            continue
        disputed = shapely.MultiPolygon(big)
        a, b = sorted((ids[i], ids[j]))
        new_ids.append(f"{a}|{b}")
        new_geoms.append(disputed)
        new_geoms[i] = _polygonal(shapely.difference(new_geoms[i], disputed))
        new_geoms[j] = _polygonal(shapely.difference(new_geoms[j], disputed))
        rows.append(("disputed", f"{a}|{b}", f"{a}|{b}", float(area_km2(disputed))))
    report = pd.DataFrame(rows, columns=["kind", "between", "assigned_to", "area_km2"])
    return new_ids, new_geoms, report


def build_layers(
    territories: gpd.GeoDataFrame,
    water: gpd.GeoDataFrame | None,
    *,
    window: Any,
    names: dict[str, str] | None = None,
    gap_width_m: float = 1000.0,
    part_names: dict[str, tuple[float, float]] | None = None,
    strict_names: bool = False,
    mainlands: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The layers of a Region from world features already selected and clipped to ``window``.

    The mainland of each territory is its largest polygon in the whole world layer (or in
    ``mainlands``, for another source), so an exclave stays an exclave however the window
    cuts the mainland.  Without ``water`` the region has no water layer (surfaces unknown).
    """
    if len(territories) == 0:
        raise GeometryError("No territory of the world layers lies in the area asked for.")
    diss = territories.dissolve(by="A3")
    ids = [str(i) for i in diss.index]
    geoms = [_polygonal(shapely.make_valid(g)) for g in diss.geometry]
    ids, geoms, disputed = carve_disputed(ids, geoms)
    names = names or {}
    if mainlands is None:
        shift = 360.0 if window is not None and window.bounds[2] > 180 else 0.0
        mainlands = world_mainlands([i for i in ids if "|" not in i], shift=shift)

    def derived(cleaned: np.ndarray) -> dict[str, Any]:
        """Everything made from the cleaned territories (beside the cleaning report)."""
        order = sorted(range(len(ids)), key=lambda k: ids[k])
        countries = gpd.GeoDataFrame(
            {
                "iso3": [ids[k] for k in order],
                "name": [names.get(ids[k], " / ".join(names.get(x, x) for x in ids[k].split("|"))) for k in order],
            },
            geometry=[cleaned[k] for k in order],
            crs="EPSG:4326",
        )
        topo = derive_topology(
            countries, window=window, part_names=part_names, strict=strict_names, mainlands=mainlands, cleaned=True
        )
        if water is None:
            return {"countries": countries, "water": None, **topo}
        wat = _water_layer(water, countries)
        topo["parts"] = _with_surface_areas(topo["parts"], wat)
        for name in ("borders", "part_borders"):
            topo[name] = _with_sea_km(topo[name], wat)
        return {"countries": countries, "water": wat, **topo}

    _, report, layers = clean_coverage_then(geoms, ids, derived, gap_width_m=gap_width_m)
    if len(disputed):
        report = pd.concat([report, disputed], ignore_index=True)
    return {"countries": layers.pop("countries"), "cleaning": report, "water": layers.pop("water"), **layers}


def _water_layer(water: gpd.GeoDataFrame, countries: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Water polygons by surface (``sea`` wins where both), inside the region's territories."""
    inside = shapely.union_all(np.asarray(countries.geometry.values, dtype=object))
    out = []
    taken: Any = shapely.MultiPolygon()
    for surface in ("sea", "inland water"):
        g = np.asarray(water.geometry[water["surface"] == surface].values, dtype=object)
        u = _polygonal(shapely.make_valid(shapely.union_all(g))) if len(g) else shapely.MultiPolygon()
        u = _polygonal(shapely.difference(shapely.intersection(u, inside), taken))
        taken = shapely.union(taken, u)
        out.append((surface, u))
    return gpd.GeoDataFrame({"surface": [s for s, _ in out]}, geometry=[g for _, g in out], crs="EPSG:4326")


def _with_surface_areas(parts: gpd.GeoDataFrame, water: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Parts with their geodesic area of land, inland water and sea (km²)."""
    parts = parts.copy()
    g = np.asarray(parts.geometry.values, dtype=object)
    for surface, col in (("sea", "sea_km2"), ("inland water", "inland_water_km2")):
        w = water.geometry[water["surface"] == surface]
        wg = w.iloc[0] if len(w) else shapely.MultiPolygon()
        parts[col] = np.asarray(area_km2(shapely.intersection(g, wg)), dtype=float)
    parts["land_km2"] = parts["area_km2"] - parts["sea_km2"] - parts["inland_water_km2"]
    return parts


def _with_sea_km(borders: gpd.GeoDataFrame, water: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Borders with the km on land (``land_km``), through lakes and wide rivers (``inland_water_km``) and at sea."""
    borders = borders.copy()
    lines = np.asarray(borders.geometry.values, dtype=object)
    for surface, col in (("sea", "sea_km"), ("inland water", "inland_water_km")):
        w = water.geometry[water["surface"] == surface]
        wg = w.iloc[0] if len(w) else shapely.MultiPolygon()
        km = np.asarray(length_m(shapely.intersection(lines, wg)), dtype=float) / 1000.0 if len(lines) else np.zeros(0)
        borders[col] = km
    borders["land_km"] = borders["length_km"] - borders["sea_km"] - borders["inland_water_km"]
    return borders


def water_table(water: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Water polygons as one row per polygon part (for a spatial index)."""
    parts, idx = shapely.get_parts(np.asarray(water.geometry.values, dtype=object), return_index=True)
    return gpd.GeoDataFrame({"surface": water["surface"].to_numpy()[idx]}, geometry=list(parts), crs="EPSG:4326")


def check_bbox(bbox: Any) -> tuple[float, float, float, float]:
    """A bbox ``(min_lon, min_lat, max_lon, max_lat)`` checked (min_lon > max_lon crosses the antimeridian)."""
    from ._validate import number

    try:
        vals = [number(v, "bbox", unit="degrees") for v in bbox]
    except TypeError:
        raise ParameterError(f"`bbox` must be (min_lon, min_lat, max_lon, max_lat), got {bbox!r}.") from None
    if len(vals) != 4:
        raise ParameterError(f"`bbox` must have four numbers (min_lon, min_lat, max_lon, max_lat), got {bbox!r}.")
    w, s, e, n = vals
    if not (-180 <= w <= 180 and -180 <= e <= 180 and -90 <= s < n <= 90):
        msg = (
            f"`bbox` {tuple(vals)} is not (min_lon, min_lat, max_lon, max_lat) in degrees with "
            "-180 <= lon <= 180 and min_lat < max_lat (a box across the antimeridian has min_lon > max_lon)."
        )
        raise ParameterError(msg)
    if w == e:
        raise ParameterError(f"`bbox` {tuple(vals)} has no width.")
    return w, s, e, n
