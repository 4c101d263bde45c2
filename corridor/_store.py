"""Region layers on disk: one GeoPackage per region (the built-in one, and cached built ones).

A region file holds the layers ``countries``, ``parts``, ``borders``, ``part_borders``,
``tripoints``, ``cleaning``, ``water`` (if any), ``extent`` and ``accuracy`` (the border
offsets from another dataset, if measured), and a ``meta`` table (name, attribution, gap
width, accuracy, what it was built from).  Writes are atomic; a file that cannot be
read is reported as a :class:`~corridor.errors.DataError` so a cache can rebuild it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from ._files import atomic_write
from .errors import DataError

__all__ = ["LAYERS", "read_layers", "write_layers"]

LAYERS = ("countries", "parts", "borders", "part_borders", "tripoints", "cleaning", "water", "extent", "accuracy")


def write_layers(path: str | Path, layers: dict[str, Any], meta: dict[str, Any]) -> Path:
    """Write a region's layers and metadata to one GeoPackage, atomically."""
    import pyogrio

    def write(tmp: Path) -> None:
        for name in ("countries", "parts", "borders", "part_borders", "water"):
            if layers.get(name) is not None:
                layers[name].to_file(tmp, layer=name, driver="GPKG")
        layers["tripoints"].drop(columns="ids").to_file(tmp, layer="tripoints", driver="GPKG")
        gpd.GeoDataFrame({"what": ["extent"]}, geometry=[layers["extent"]], crs="EPSG:4326").to_file(
            tmp, layer="extent", driver="GPKG"
        )
        for name in ("cleaning", "accuracy"):
            if layers.get(name) is not None and len(layers[name].columns):
                pyogrio.write_dataframe(pd.DataFrame(layers[name]), tmp, layer=name, driver="GPKG")
        pyogrio.write_dataframe(
            pd.DataFrame({"json": [json.dumps(meta, ensure_ascii=False)]}), tmp, layer="meta", driver="GPKG"
        )

    return atomic_write(path, write)


def read_layers(path: str | Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The layers and metadata of a region file."""
    import pyogrio

    try:
        present = {str(n) for n, _ in pyogrio.list_layers(path)}
        out: dict[str, Any] = {name: pyogrio.read_dataframe(path, layer=name) for name in LAYERS if name in present}
        meta = json.loads(pyogrio.read_dataframe(path, layer="meta")["json"].iloc[0]) if "meta" in present else {}
    except Exception as exc:  # GDAL and json report a broken file in many ways
        raise DataError(f"Cannot read the region file {str(path)!r}: {exc}") from exc
    missing = [n for n in ("countries", "parts", "borders", "part_borders", "tripoints") if n not in out]
    if missing:
        raise DataError(f"The region file {str(path)!r} lacks the layers {', '.join(missing)}.")
    tri = out["tripoints"]
    tri["ids"] = [tuple(s.split("–")) for s in tri["label"]]
    out["cleaning"] = pd.DataFrame(out.get("cleaning", pd.DataFrame()).drop(columns="geometry", errors="ignore"))
    if "accuracy" in out:
        out["accuracy"] = pd.DataFrame(out["accuracy"].drop(columns="geometry", errors="ignore"))
    out["extent"] = out["extent"].geometry.iloc[0] if "extent" in out else None
    out.setdefault("water", None)
    for name in ("parts", "countries"):
        for col in ("name",):
            if col in out[name].columns:
                out[name][col] = out[name][col].where(out[name][col].notna(), None)
    if out["extent"] is not None and not isinstance(out["extent"], shapely.Polygon | shapely.MultiPolygon):
        raise DataError(f"The region file {str(path)!r} has an extent that is not a polygon.")
    return out, meta
