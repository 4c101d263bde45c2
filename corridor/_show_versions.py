"""Versions of corridor and its geospatial stack, for bug reports."""

from __future__ import annotations

import importlib
import platform
import sys

__all__ = ["show_versions"]

_DEPS = [
    "corridor",
    "shapely",
    "pyproj",
    "geopandas",
    "pyogrio",
    "numpy",
    "pandas",
    "networkx",
    "folium",
    "osmnx",
    "matplotlib",
    "click",
]


def show_versions() -> None:
    """Print the versions of corridor, GEOS, PROJ, GDAL and the Python packages it uses.

    Returns
    -------
    None

    Examples
    --------
    >>> show_versions()  # doctest: +ELLIPSIS
    python     : ...
    GEOS       : ...
    """
    from importlib.metadata import PackageNotFoundError, version

    import pyogrio
    import pyproj
    import shapely

    lines = [
        f"python     : {sys.version.split()[0]} ({platform.platform()})",
        f"GEOS       : {shapely.geos_version_string}",
        f"PROJ       : {pyproj.proj_version_str}",
        f"GDAL       : {pyogrio.__gdal_version_string__}",
    ]
    for name in _DEPS:
        try:
            v = version(name)
        except PackageNotFoundError:
            try:
                v = getattr(importlib.import_module(name), "__version__", "installed")
            except ImportError:
                v = "not installed"
        lines.append(f"{name:<11}: {v}")
    print("\n".join(lines))
