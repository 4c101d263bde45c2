"""corridor: geospatial analysis of transport corridors.

Routes, territory, border crossings and proximity, border adjacency, scenario
comparison and maps, on real OpenStreetMap-derived boundaries of the South
Caucasus (built in, offline) or on your own data.  Every length is geodesic
on WGS84; coordinates are ``(lon, lat)``.
"""

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _version

from . import errors, geodesy
from ._coverage import clean_coverage
from ._show_versions import show_versions
from .errors import (
    CorridorError,
    CRSError,
    DataError,
    DownloadError,
    GeometryError,
    NoPathError,
    OutputPathError,
    ScenarioError,
    UnknownPlaceError,
    UnknownTerritoryError,
)
from .measure import RouteAnalysis, TravelTime, analyze, analyze_many, distance_km, territory_km
from .places import Place, add_places, place, places
from .region import Region, load_region
from .route import Leg, Route, Stop

try:
    __version__ = _version("corridor")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = [
    "CRSError",
    "CorridorError",
    "DataError",
    "DownloadError",
    "GeometryError",
    "Leg",
    "NoPathError",
    "OutputPathError",
    "Place",
    "Region",
    "Route",
    "RouteAnalysis",
    "ScenarioError",
    "Stop",
    "TravelTime",
    "UnknownPlaceError",
    "UnknownTerritoryError",
    "__version__",
    "add_places",
    "analyze",
    "analyze_many",
    "clean_coverage",
    "distance_km",
    "errors",
    "geodesy",
    "load_region",
    "place",
    "places",
    "show_versions",
    "territory_km",
]
