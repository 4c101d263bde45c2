"""Rebuild the built-in region ``data/caucasus_caspian.gpkg`` from the world layers.

Usage (from the repository root, after ``data/build_world.py``)::

    python data/build_region.py            # about a minute

Reads every territory of ``data/world_territories.parquet`` that meets the window
(40–55.5°E, 36–47.5°N: from Georgia's Black Sea coast across the whole Caspian to
Türkmenbaşy and Kazakhstan's Mangystau, from the Volga delta to Qazvin), clips it to the
window, makes a clean coverage, derives parts, borders (with their km at sea), tripoints and
the water layer (``corridor._world.build_layers``, as ``load_region(bbox=...)`` does) and
writes one GeoPackage plus its SHA-256 in ``data/manifest.json``, which the loader verifies.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import shapely  # noqa: E402

from corridor._builds import SOURCES, accuracy_of, built_layers  # noqa: E402
from corridor._naturalearth import naturalearth_sha256  # noqa: E402
from corridor._store import write_layers  # noqa: E402
from corridor._world import (  # noqa: E402
    PART_NAMES,
    WORLD_TERRITORIES,
    WORLD_WATER,
    build_layers,
    country_names,
    read_world,
)
from corridor.region import BUILTIN_WINDOW  # noqa: E402

WINDOW = BUILTIN_WINDOW  # (min lon, min lat, max lon, max lat)
GAP_WIDTH_M = 1000.0
NAME = "South Caucasus and Caspian (built-in)"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=HERE / "caucasus_caspian.gpkg")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    terr = read_world(WORLD_TERRITORIES, bbox=WINDOW)
    water = read_world(WORLD_WATER, bbox=WINDOW)
    print(f"read {len(terr)} territories, {len(water)} water rows in {time.perf_counter() - t0:.1f} s", flush=True)
    window = shapely.box(*WINDOW)
    names = {**country_names()}
    layers = build_layers(
        terr, water, window=window, names=names, gap_width_m=GAP_WIDTH_M, part_names=PART_NAMES, strict_names=False
    )
    layers["extent"] = window
    assert shapely.coverage_is_valid(layers["countries"].geometry.values), "not a valid coverage"
    print(f"built in {time.perf_counter() - t0:.1f} s", flush=True)
    # positional accuracy: the borders against Natural Earth's for the same window
    ne, _ = built_layers(WINDOW, None, source="naturalearth", gap_width_m=GAP_WIDTH_M, cache=False)
    accuracy_m, layers["accuracy"] = accuracy_of(layers["borders"], ne["borders"], layers["water"])
    print(f"accuracy: median offset from Natural Earth {accuracy_m:.0f} m", flush=True)
    manifest_path = HERE / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    meta = {
        "name": NAME,
        "window": list(WINDOW),
        "gap_width_m": GAP_WIDTH_M,
        "accuracy_m": accuracy_m,
        "accuracy_source": SOURCES["naturalearth"],
        "naturalearth_sha256": naturalearth_sha256(),
        "from": [WORLD_TERRITORIES, WORLD_WATER],
        "from_sha256": [manifest[WORLD_TERRITORIES]["sha256"], manifest[WORLD_WATER]["sha256"]],
    }
    write_layers(args.out, layers, meta)
    sha = hashlib.sha256(args.out.read_bytes()).hexdigest()
    manifest.pop("south_caucasus.gpkg", None)
    manifest[args.out.name] = {
        "sha256": sha,
        "source": "data/world_territories.parquet + data/world_water.parquet (geo-maps 0.6.0)",
        "licence": "ODbL 1.0, © OpenStreetMap contributors",
        "window": list(WINDOW),
        "gap_width_m": GAP_WIDTH_M,
        "built": dt.date.today().isoformat(),
    }
    manifest_path.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB), sha256 {sha}")
    cols = ["a", "b", "length_km", "land_km", "inland_water_km", "sea_km"]
    print(layers["borders"][cols].round(1).to_string())
    print(layers["tripoints"].drop(columns=["geometry", "ids"]).to_string())
    parts = layers["parts"]
    print(parts[parts.kind != "island"].drop(columns="geometry").round(1).to_string())
    print(layers["cleaning"].to_string())
    print(layers["accuracy"].round(0).to_string())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
