"""corridor: geospatial analysis of transport corridors.

Routes, territory, border crossings and proximity, border adjacency, scenario
comparison and maps, on real OpenStreetMap-derived boundaries of the South
Caucasus (built in, offline) or on your own data.  Every length is geodesic
on WGS84; coordinates are ``(lon, lat)``.

The public names below are imported on first use (PEP 562), so
``import corridor`` stays light: geopandas, networkx, pydantic, yaml, osmnx,
folium and matplotlib load only when a function that needs them is called.

Examples
--------
>>> import corridor
>>> corridor.load_region().neighbours("ARM")
['AZE', 'GEO', 'IRN', 'TUR']
"""

from __future__ import annotations

import importlib
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _version
from typing import TYPE_CHECKING, Any

from . import errors
from .errors import (
    BoundaryUncertaintyWarning,
    ColumnError,
    CorridorDeprecationWarning,
    CorridorError,
    CorridorWarning,
    CRSError,
    DataError,
    DownloadError,
    GeometryError,
    NoPathError,
    OutputPathError,
    OutsideRegionError,
    OutsideRegionWarning,
    ParameterError,
    ParameterTypeError,
    RemoteResourceError,
    ScenarioError,
    UnknownPlaceError,
    UnknownStopError,
    UnknownTerritoryError,
)

# ``places`` is both a module and a function: bind the function now, so that a later
# ``import corridor.places`` (which would set the attribute to the module) cannot hide it
from .places import Place, add_places, place, places, reset_places

# ``report`` too: the module imports nothing heavy (its work imports matplotlib, folium and
# pandas inside the function), so binding the function now costs nothing and keeps
# ``corridor.report(...)`` callable after anything imports ``corridor.report`` the module
from .report import report

try:
    __version__ = _version("corridor")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

#: Public name → the module that defines it (imported on first use).
_LAZY: dict[str, str] = {
    # sources and models
    "clean_coverage": "._coverage",
    "geodesy": ".geodesy",
    "datasets": ".datasets",
    "io": ".io",
    "maps": ".maps",
    "measure": ".measure",
    "network": ".network",
    "plot": ".plot",
    "region": ".region",
    "route": ".route",
    "routing": ".routing",
    "scenario": ".scenario",
    "validation": ".validation",
    "Region": ".region",
    "load_region": ".region",
    "Leg": ".route",
    "Route": ".route",
    "Stop": ".route",
    "read_route": ".io",
    "write_route": ".io",
    "export_comparison": ".io",
    "export_table": ".io",
    # measurement
    "HEADLINE_COLUMNS": ".measure",
    "RouteAnalysis": ".measure",
    "TravelParams": ".measure",
    "TravelTime": ".measure",
    "analyze": ".measure",
    "analyze_many": ".measure",
    "boundary_sensitivity": ".measure",
    "distance_km": ".measure",
    "headline_table": ".measure",
    "territory_km": ".measure",
    # networks
    "add_travel_times": ".network",
    "border_crossings": ".network",
    "network_from_bbox": ".network",
    "network_from_place": ".network",
    "network_from_region": ".network",
    "read_network": ".network",
    "tag_edges": ".network",
    "NetworkPath": ".routing",
    "Snap": ".routing",
    "alternative_routes": ".routing",
    "path_on_network": ".routing",
    "route_on_network": ".routing",
    "snap_to_network": ".routing",
    # scenarios
    "Scenario": ".scenario",
    "builtin_scenarios": ".scenario",
    "compare": ".scenario",
    "read_scenarios": ".scenario",
    # presentation
    "compare_map": ".maps",
    "make_map": ".maps",
    "save_map": ".maps",
    "plot_border_profile": ".plot",
    "plot_comparison": ".plot",
    "plot_map": ".plot",
    "plot_territory": ".plot",
    "show_versions": "._show_versions",
    "validate": ".validation",
    "crossings": ".crossings",
    "crossing_points": ".crossings",
    "crossing_point": ".crossings",
    "border_regimes": ".crossings",
    "CrossingPolicy": ".crossings",
}

_MODULES = {
    "geodesy",
    "datasets",
    "io",
    "maps",
    "measure",
    "network",
    "plot",
    "region",
    "route",
    "routing",
    "scenario",
    "validation",
    "crossings",
}

__all__ = [
    "BoundaryUncertaintyWarning",
    "CRSError",
    "ColumnError",
    "CorridorDeprecationWarning",
    "CorridorError",
    "CorridorWarning",
    "DataError",
    "DownloadError",
    "GeometryError",
    "NoPathError",
    "OutputPathError",
    "OutsideRegionError",
    "OutsideRegionWarning",
    "ParameterError",
    "ParameterTypeError",
    "RemoteResourceError",
    "ScenarioError",
    "UnknownPlaceError",
    "UnknownStopError",
    "UnknownTerritoryError",
    "__version__",
    "errors",
    "Place",
    "add_places",
    "place",
    "places",
    "reset_places",
    "report",
    *sorted(_LAZY),
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'corridor' has no attribute {name!r}")
    mod = importlib.import_module(module, __name__)
    value = mod if name in _MODULES else getattr(mod, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs
    from . import (
        crossings,
        datasets,
        geodesy,
        io,
        maps,
        measure,
        network,
        plot,
        region,
        route,
        routing,
        scenario,
        validation,
    )
    from ._coverage import clean_coverage
    from ._show_versions import show_versions
    from .crossings import CrossingPolicy, border_regimes, crossing_point, crossing_points
    from .io import export_comparison, export_table, read_route, write_route
    from .maps import compare_map, make_map, save_map
    from .measure import (
        HEADLINE_COLUMNS,
        RouteAnalysis,
        TravelParams,
        TravelTime,
        analyze,
        analyze_many,
        boundary_sensitivity,
        distance_km,
        headline_table,
        territory_km,
    )
    from .network import (
        add_travel_times,
        border_crossings,
        network_from_bbox,
        network_from_place,
        network_from_region,
        read_network,
        tag_edges,
    )
    from .plot import plot_border_profile, plot_comparison, plot_map, plot_territory
    from .region import Region, load_region
    from .route import Leg, Route, Stop
    from .routing import (
        NetworkPath,
        Snap,
        alternative_routes,
        path_on_network,
        route_on_network,
        snap_to_network,
    )
    from .scenario import Scenario, builtin_scenarios, compare, read_scenarios
    from .validation import validate
