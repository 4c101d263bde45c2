"""Shared test territories and edge-case geometries (as shapely's tests/common.py).

The test territories are tiny invented squares near 45°E 40°N (so that distances
are of a realistic size); they are for unit tests only and never shipped.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

import corridor

#: West edge, south edge and size (degrees) of the test squares.
X0, Y0, D = 45.0, 40.0, 0.1


def square(col: int = 0, row: int = 0, *, gap_deg: float = 0.0, size: float = D) -> shapely.Polygon:
    """The test square in column ``col`` and row ``row``, shifted east by ``gap_deg`` per column."""
    x = X0 + col * (size + gap_deg)
    y = Y0 + row * size
    return shapely.box(x, y, x + size, y + size)


def squares_gdf(
    ids: list[str], *, gap_deg: float = 0.0, cells: list[tuple[int, int]] | None = None
) -> gpd.GeoDataFrame:
    """Test squares side by side (or at ``cells``), one per id, as a GeoDataFrame with an ``id`` column."""
    cells = cells or [(k, 0) for k in range(len(ids))]
    geoms = [square(c, r, gap_deg=gap_deg) for c, r in cells]
    return gpd.GeoDataFrame({"id": ids}, geometry=geoms, crs="EPSG:4326")


def squares_region(ids: list[str] = ("A", "B"), **kw: object) -> corridor.Region:  # type: ignore[assignment]
    """A region of test squares (cleaned unless ``clean=False``)."""
    gap = float(kw.pop("gap_deg", 0.0))  # type: ignore[arg-type]
    return corridor.load_region(squares_gdf(list(ids), gap_deg=gap), id_column="id", **kw)  # type: ignore[arg-type]


def tiny_layer() -> gpd.GeoDataFrame:
    """Squares A and B with a 50 m river gap between them (0.0006° at 40°N), and C along both their north edges."""
    a, b = square(0), square(1, gap_deg=0.0006)
    c = shapely.box(X0, Y0 + D, X0 + 2 * D, Y0 + 2 * D)
    return gpd.GeoDataFrame({"code": ["A", "B", "C"], "label": ["Aa", "Bb", "Cc"]}, geometry=[a, b, c], crs="EPSG:4326")


def _edge_lines() -> dict[str, object]:
    with np.errstate(invalid="ignore"):  # shapely warns about the NaN vertex it is asked to build
        nan_line = shapely.LineString([(45.05, 40.05), (np.nan, 40.06)])
        inf_line = shapely.LineString([(45.05, 40.05), (np.inf, 40.06)])
    return {
        "empty line": shapely.LineString(),
        "empty point": shapely.Point(),
        "None": None,
        "zero length": shapely.LineString([(45.05, 40.05), (45.05, 40.05)]),
        "nan vertex": nan_line,
        "inf vertex": inf_line,
        "latitude 120": shapely.LineString([(45.05, 40.05), (45.06, 120.0)]),
        "polygon": square(),
        "point": shapely.Point(45.05, 40.05),
        "disjoint multiline": shapely.MultiLineString(
            [[(45.01, 40.01), (45.02, 40.02)], [(45.05, 40.05), (45.06, 40.06)]]
        ),
    }


#: Geometries every function taking lines must refuse or measure as documented.
EDGE_LINES: dict[str, object] = _edge_lines()

#: A line across the antimeridian (Chukotka, 65°N).
ANTIMERIDIAN_LINE = shapely.LineString([(179.5, 65.0), (-179.5, 65.0)])
