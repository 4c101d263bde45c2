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
    ColumnError,
    CorridorError,
    CRSError,
    DataError,
    DownloadError,
    GeometryError,
    NoPathError,
    OutputPathError,
    ParameterError,
    ScenarioError,
    UnknownPlaceError,
    UnknownTerritoryError,
)
from .maps import make_map, save_map
from .measure import RouteAnalysis, TravelTime, analyze, analyze_many, distance_km, territory_km
from .network import (
    NetworkPath,
    Snap,
    add_travel_times,
    alternative_routes,
    border_crossings,
    network_from_bbox,
    network_from_place,
    network_from_region,
    path_on_network,
    read_network,
    route_on_network,
    snap_to_network,
    tag_edges,
)
from .places import Place, add_places, place, places
from .plot import plot_border_profile, plot_map, plot_territory
from .region import Region, load_region
from .route import Leg, Route, Stop
from .scenario import (
    Scenario,
    builtin_scenarios,
    compare,
    compare_map,
    export_comparison,
    plot_comparison,
    read_scenarios,
)

try:
    __version__ = _version("corridor")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = [
    "ColumnError",
    "CorridorError",
    "CRSError",
    "DataError",
    "DownloadError",
    "GeometryError",
    "Leg",
    "NetworkPath",
    "NoPathError",
    "OutputPathError",
    "ParameterError",
    "Place",
    "Region",
    "Route",
    "RouteAnalysis",
    "Scenario",
    "ScenarioError",
    "Snap",
    "Stop",
    "TravelTime",
    "UnknownPlaceError",
    "UnknownTerritoryError",
    "__version__",
    "add_places",
    "add_travel_times",
    "alternative_routes",
    "analyze",
    "analyze_many",
    "border_crossings",
    "builtin_scenarios",
    "clean_coverage",
    "compare",
    "compare_map",
    "distance_km",
    "errors",
    "export_comparison",
    "geodesy",
    "load_region",
    "make_map",
    "network_from_bbox",
    "network_from_place",
    "network_from_region",
    "path_on_network",
    "place",
    "places",
    "plot_border_profile",
    "plot_comparison",
    "plot_map",
    "plot_territory",
    "read_network",
    "read_scenarios",
    "route_on_network",
    "save_map",
    "show_versions",
    "snap_to_network",
    "tag_edges",
    "territory_km",
]
