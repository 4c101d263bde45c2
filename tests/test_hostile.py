"""Hostile inputs across the public API: each gets a clear CorridorError or a right answer.

Every case names the exact exception class and a phrase of its message (what came, what
was expected, how to fix it), or checks the value that comes back.  Families: degenerate
geometry, types and ranges at the boundary, regions, outputs.  Files and parsers are in
``test_hostile_files.py``; downloads in ``test_downloads.py``; the engine's invariants in
``test_properties.py``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import corridor
from corridor import Route
from corridor.errors import (
    ColumnError,
    CorridorError,
    CRSError,
    GeometryError,
    OutputPathError,
    OutsideRegionError,
    ParameterError,
    ParameterTypeError,
    ScenarioError,
    UnknownPlaceError,
    UnknownStopError,
    UnknownTerritoryError,
)

from .common import EDGE_LINES, squares_gdf


@dataclass(frozen=True)
class Case:
    """One hostile input: ``call`` must raise ``error`` (message matching ``match``) or pass ``check``."""

    id: str
    call: Callable[[], Any]
    error: type[BaseException] | None = None
    match: str = ""
    check: Callable[[Any], bool] | None = None


def _meghri() -> Route:
    return Route.from_places(["Meghri", "Ordubad"], name="Meghri – Ordubad")


def _analysis() -> corridor.RouteAnalysis:
    return corridor.analyze(_meghri())


def _gdf(geom: Any, crs: Any = 4326) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"name": ["x"]}, geometry=[geom], crs=crs)


def _leg(**kw: Any) -> dict[str, Any]:
    return {"name": "x", "legs": [{"places": ["Meghri", "Ordubad"], **kw}]}


def _params(**kw: Any) -> dict[str, Any]:
    return {"name": "x", "legs": [{"places": ["Meghri", "Ordubad"]}], "parameters": kw}


LOOP = [(45.0, 40.0), (45.1, 40.1), (45.0, 40.1), (45.0, 40.0)]
ONE_SQUARE = gpd.GeoDataFrame({"id": ["A"]}, geometry=[shapely.box(45, 40, 45.2, 40.2)], crs=4326)
TWO_SQUARES = squares_gdf(["A", "B"])

# ------------------------------------------------------------------ degenerate geometry
_EDGE_ERRORS = {
    "empty line": "is empty",
    "empty point": "is empty",
    "None": "missing",
    "zero length": "zero length",
    "nan vertex": "NaN or infinite",
    "inf vertex": "NaN or infinite",
    "latitude 120": "axes look swapped",
    "polygon": "not one LineString",
    "point": "not one LineString",
    "disjoint multiline": "do not connect",
}
GEOMETRY: list[Case] = []
for _name, _geom in EDGE_LINES.items():
    GEOMETRY += [
        Case(
            f"analyze_many[{_name}]", lambda g=_geom: corridor.analyze_many(_gdf(g)), GeometryError, _EDGE_ERRORS[_name]
        ),
        Case(
            f"territory_km[{_name}]", lambda g=_geom: corridor.territory_km(_gdf(g)), GeometryError, _EDGE_ERRORS[_name]
        ),
        Case(
            f"territory_km list[{_name}]",
            lambda g=_geom: corridor.territory_km([g]),
            GeometryError,
            _EDGE_ERRORS[_name],
        ),
    ]
    if _geom is not None:  # a lone geometry is checked as a batch of one
        GEOMETRY.append(
            Case(
                f"territory_km alone[{_name}]",
                lambda g=_geom: corridor.territory_km(g),
                GeometryError,
                _EDGE_ERRORS[_name],
            )
        )
GEOMETRY += [
    Case(
        "territory_km of UTM metres labelled EPSG:4326",
        lambda: corridor.territory_km(_gdf(shapely.LineString([(400000, 4400000), (500000, 4450000)]))),
        GeometryError,
        "looks projected",
    ),
    Case(
        "territory_km of lines without CRS",
        lambda: corridor.territory_km(_gdf(shapely.LineString(LOOP), crs=None)),
        CRSError,
        "no CRS",
    ),
    Case(
        "territory_km of a string",
        lambda: corridor.territory_km("Meghri"),
        ParameterTypeError,
        "Expected routes or lines",
    ),
    Case("territory_km of an int", lambda: corridor.territory_km(5), ParameterTypeError, "Expected routes or lines"),
    Case(
        "territory_km of a zero-length line between two good ones",
        lambda: corridor.territory_km(
            [shapely.LineString(LOOP), shapely.LineString([(45.05, 40.05)] * 3), shapely.LineString(LOOP[::-1])]
        ),
        GeometryError,
        "Line 1 has zero length",
    ),
    Case(
        "territory_km of nothing", lambda: corridor.territory_km([]), check=lambda t: len(t) == 0 and "ARM" in t.columns
    ),
    Case(
        "analyze_many of a string", lambda: corridor.analyze_many("abc"), ParameterTypeError, "Expected routes or lines"
    ),
    Case(
        "analyze at the region's antipode",
        lambda: corridor.analyze(Route.from_coords([(-133, -42), (-131, -40)])),
        OutsideRegionError,
        "wholly outside",
    ),
    Case(
        "analyze Paris–Berlin",
        lambda: corridor.analyze(Route.from_coords([(2.35, 48.86), (13.4, 52.52)])),
        OutsideRegionError,
        "load_region",
    ),
    Case(
        "analyze swapped lat/lon",
        lambda: corridor.analyze(Route.from_coords([(39.0, 46.2), (38.9, 46.0)])),
        OutsideRegionError,
        "wholly outside",
    ),
    Case("analyze of None", lambda: corridor.analyze(None), ParameterTypeError, "needs a Route"),
    Case("analyze of a place name", lambda: corridor.analyze("Meghri"), ParameterTypeError, "needs a Route"),
    Case(
        "analyze of a LineString",
        lambda: corridor.analyze(shapely.LineString(LOOP)),
        ParameterTypeError,
        "Route.from_coords",
    ),
    Case("Route.from_coords(None)", lambda: Route.from_coords(None), GeometryError, "sequence of (lon, lat)"),
    Case("Route.from_coords('abc')", lambda: Route.from_coords("abc"), GeometryError, "sequence of (lon, lat)"),
    Case("Route.from_coords([])", lambda: Route.from_coords([]), GeometryError, "(lon, lat)"),
    Case("Route.from_coords one point", lambda: Route.from_coords([(45, 40)]), GeometryError, "two distinct points"),
    Case(
        "Route.from_coords same point twice",
        lambda: Route.from_coords([(45, 40)] * 10),
        GeometryError,
        "two distinct points",
    ),
    Case(
        "Route.from_coords NaN", lambda: Route.from_coords([(45, 40), (math.nan, 41)]), GeometryError, "NaN or infinite"
    ),
    Case(
        "Route.from_coords inf", lambda: Route.from_coords([(45, 40), (math.inf, 41)]), GeometryError, "NaN or infinite"
    ),
    Case(
        "Route.from_coords latitude 120",
        lambda: Route.from_coords([(45, 40), (46, 120)]),
        GeometryError,
        "axes look swapped",
    ),
    Case(
        "Route.from_coords longitude 200",
        lambda: Route.from_coords([(45, 40), (200, 41)]),
        GeometryError,
        "beyond ±180",
    ),
    Case(
        "Route.from_coords UTM metres",
        lambda: Route.from_coords([(400000, 4400000), (500000, 4450000)]),
        GeometryError,
        "looks projected",
    ),
    Case(
        "Route.from_coords strings",
        lambda: Route.from_coords([("a", "b"), ("c", "d")]),
        GeometryError,
        "must be numbers",
    ),
    Case("Route.from_coords ragged", lambda: Route.from_coords([(45, 40), (46,)]), GeometryError, "(lon, lat)"),
    Case(
        "Route.from_coords 3-D",
        lambda: Route.from_coords([(45, 40, 900), (45.1, 40, 950)]),
        check=lambda r: r.length_km == pytest.approx(8.53, abs=0.01),
    ),
    Case(
        "Route.from_coords name int",
        lambda: Route.from_coords([(45, 40), (46, 40)], name=5),
        ParameterTypeError,
        "`name` must be a string",
    ),
    Case(
        "Route.from_coords mode boat",
        lambda: Route.from_coords([(45, 40), (46, 40)], mode="boat"),
        ParameterError,
        "`mode` must be one of",
    ),
    Case(
        "Route.from_coords speed 0",
        lambda: Route.from_coords([(45, 40), (46, 40)], speed_kmh=0),
        ParameterError,
        "speed_kmh",
    ),
    Case(
        "Route.from_coords speed '60'",
        lambda: Route.from_coords([(45, 40), (46, 40)], speed_kmh="60"),
        ParameterTypeError,
        "speed_kmh",
    ),
    Case("Route.from_places []", lambda: Route.from_places([]), GeometryError, "at least two places"),
    Case("Route.from_places one", lambda: Route.from_places(["Meghri"]), GeometryError, "at least two places"),
    Case("Route.from_places same twice", lambda: Route.from_places(["Meghri", "Meghri"]), GeometryError, "identical"),
    Case("Route.from_places unknown", lambda: Route.from_places(["Meghri", "Atlantis"]), UnknownPlaceError, "Atlantis"),
    Case("Route.from_places None", lambda: Route.from_places(None), ParameterTypeError, ""),
    Case("Route.join []", lambda: Route.join([]), GeometryError, "at least one route"),
    Case(
        "Route.join with a gap",
        lambda: Route.join([_meghri(), Route.from_places(["Yerevan", "Gyumri"])]),
        GeometryError,
        "bridge the gap",
    ),
    Case("Route.join of strings", lambda: Route.join(["a", "b"]), ParameterTypeError, ""),
    Case("slice negative", lambda: _meghri().slice(-5, 10), ParameterError, "0 <= from_km < to_km"),
    Case("slice reversed", lambda: _meghri().slice(10, 5), ParameterError, "0 <= from_km < to_km"),
    Case("slice NaN", lambda: _meghri().slice(math.nan, 5), ParameterError, "finite"),
    Case("slice beyond the end", lambda: _meghri().slice(0, 1e9), ParameterError, "0 <= from_km < to_km"),
    Case("slice of strings", lambda: _meghri().slice("0", "5"), ParameterTypeError, "must be a number"),
    Case("point_at_km NaN", lambda: _meghri().point_at_km(math.nan), ParameterError, "finite"),
    Case("point_at_km beyond the end", lambda: _meghri().point_at_km(1e9), ParameterError, "beyond the route"),
    Case("point_at_km -1", lambda: _meghri().point_at_km(-1), ParameterError, "beyond the route"),
    Case("points_at_km with NaN", lambda: _meghri().points_at_km([1.0, math.nan]), ParameterError, "finite"),
    Case(
        "point_at_km at the end", lambda: _meghri().point_at_km(_meghri().length_km), check=lambda p: p == _meghri().end
    ),
    Case("stop unknown", lambda: _meghri().distance_between_km("Meghri", "Atlantis"), UnknownStopError, "Atlantis"),
    Case("stop index beyond", lambda: _meghri().distance_between_km(0, 7), UnknownStopError, "no stop 7"),
    Case("with_attrs unknown key", lambda: _meghri().with_attrs(length=3), ParameterError, "unknown"),
    Case(
        "with_attrs status bad",
        lambda: _meghri().with_attrs(status="dreamt"),
        ParameterError,
        "`status` must be one of",
    ),
    Case(
        "along_border offset 1 µm",
        lambda: Route.along_border("ARM", "IRN", side="ARM", offset_m=1e-6),
        ParameterError,
        "at least 1 m",
    ),
    Case(
        "along_border offset -5",
        lambda: Route.along_border("ARM", "IRN", side="ARM", offset_m=-5),
        ParameterError,
        "must be > 0",
    ),
    Case(
        "along_border offset '500'",
        lambda: Route.along_border("ARM", "IRN", side="ARM", offset_m="500"),
        ParameterTypeError,
        "must be a number",
    ),
    Case(
        "along_border offset None",
        lambda: Route.along_border("ARM", "IRN", side="ARM", offset_m=None),
        ParameterTypeError,
        "must be a number",
    ),
    Case(
        "along_border offset NaN",
        lambda: Route.along_border("ARM", "IRN", side="ARM", offset_m=math.nan),
        ParameterError,
        "finite",
    ),
    Case(
        "along_border offset inf",
        lambda: Route.along_border("ARM", "IRN", side="ARM", offset_m=math.inf),
        ParameterError,
        "finite",
    ),
    Case(
        "along_border smooth ≥ offset",
        lambda: Route.along_border("ARM", "IRN", side="ARM", offset_m=300, smooth_m=300),
        ParameterError,
        "smaller than `offset_m`",
    ),
    Case(
        "along_border unknown territory",
        lambda: Route.along_border("ARM", "XXX", side="ARM", offset_m=300),
        UnknownTerritoryError,
        "XXX",
    ),
    Case(
        "along_border no shared border",
        lambda: Route.along_border("ARM", "KAZ", side="ARM", offset_m=300),
        GeometryError,
        "share no border",
    ),
    Case(
        "along_border side elsewhere",
        lambda: Route.along_border("ARM", "IRN", side="GEO", offset_m=300),
        ParameterError,
        "side",
    ),
    Case(
        "along_border 1 m is still Armenian",
        lambda: corridor.analyze(Route.along_border("ARM", "IRN", side="ARM", offset_m=1)).km_by_territory.to_dict(),
        check=lambda d: set(d) == {"ARM"},
    ),
    Case("distance_km NaN", lambda: corridor.distance_km((math.nan, 1), (2, 3)), GeometryError, "NaN or infinite"),
    Case(
        "distance_km one number",
        lambda: corridor.distance_km(5, (2, 3)),
        GeometryError,
        "Expected the point as `(lon, lat)`",
    ),
    Case("distance_km same point", lambda: corridor.distance_km("Meghri", "Meghri"), check=lambda d: d == 0.0),
]

# ------------------------------------------------------------------ analysis parameters
PARAMETERS = [
    Case(
        "border_profile step 1e-9",
        lambda: _analysis().border_profile(step_km=1e-9),
        ParameterError,
        "choose a larger step",
    ),
    Case("border_profile step NaN", lambda: _analysis().border_profile(step_km=math.nan), ParameterError, "finite"),
    Case(
        "border_profile step '1'",
        lambda: _analysis().border_profile(step_km="1"),
        ParameterTypeError,
        "must be a number",
    ),
    Case("border_profile step 0", lambda: _analysis().border_profile(step_km=0), ParameterError, "> 0"),
    Case(
        "border_profile border unknown",
        lambda: _analysis().border_profile(border=("ARM", "XXX")),
        UnknownTerritoryError,
        "XXX",
    ),
    Case("km_near_border -1", lambda: _analysis().km_near_border(-1), ParameterError, "> 0"),
    Case("km_near_border NaN", lambda: _analysis().km_near_border(math.nan), ParameterError, "finite"),
    Case("km_near_border None", lambda: _analysis().km_near_border(None), ParameterTypeError, "must be a number"),
    Case("borders_alongside inf", lambda: _analysis().borders_alongside(math.inf), ParameterError, "finite"),
    Case(
        "speeds {'rail': '60'}",
        lambda: _analysis().travel_time(speeds={"rail": "60"}),
        ParameterTypeError,
        "`speeds['rail']`",
    ),
    Case(
        "speeds typo {'rial': 200}",
        lambda: _analysis().travel_time(speeds={"rial": 200}),
        ParameterError,
        "Speed key 'rial'",
    ),
    Case("speeds {'rail': inf}", lambda: _analysis().travel_time(speeds={"rail": math.inf}), ParameterError, "finite"),
    Case("speeds {'rail': 0}", lambda: _analysis().travel_time(speeds={"rail": 0}), ParameterError, "> 0"),
    Case("speeds {'rail': -60}", lambda: _analysis().travel_time(speeds={"rail": -60}), ParameterError, "> 0"),
    Case(
        "speeds {'rail': True}",
        lambda: _analysis().travel_time(speeds={"rail": True}),
        ParameterTypeError,
        "must be a number",
    ),
    Case("speeds 5", lambda: _analysis().travel_time(speeds=5), ParameterTypeError, "must be a mapping"),
    Case(
        "speeds (rail, dreamt)",
        lambda: _analysis().travel_time(speeds={("rail", "dreamt"): 60}),
        ParameterError,
        "status",
    ),
    Case(
        "dwell None",
        lambda: _analysis().travel_time(dwell_h={"ARM-AZE": None}),
        ParameterTypeError,
        "`dwell_h['ARM-AZE']`",
    ),
    Case("dwell -1", lambda: _analysis().travel_time(dwell_h={"ARM-AZE": -1}), ParameterError, ">= 0"),
    Case(
        "dwell unknown territory", lambda: _analysis().travel_time(dwell_h={"ARM-XXX": 1}), UnknownTerritoryError, "XXX"
    ),
    Case("dwell bad key", lambda: _analysis().travel_time(dwell_h={"ARMAZE": 1}), ParameterError, ""),
    Case("dwell 5", lambda: _analysis().travel_time(dwell_h=5), ParameterTypeError, "must be a mapping"),
    Case("default dwell -1", lambda: _analysis().travel_time(default_dwell_h=-1), ParameterError, ">= 0"),
    Case("default dwell NaN", lambda: _analysis().travel_time(default_dwell_h=math.nan), ParameterError, "finite"),
    Case(
        "travel time of Meghri – Ordubad",
        lambda: _analysis().travel_time(speeds={"rail": 60}, default_dwell_h=1.0).total_h,
        check=lambda h: h == pytest.approx(19.085 / 60 + 1.0, abs=0.01),  # one crossing, ARM -> AZE
    ),
    Case(
        "territory_km by country",
        lambda: corridor.territory_km([_meghri()], by="country"),
        ParameterError,
        "`by` must be one of",
    ),
    Case(
        "analyze_many name column missing",
        lambda: corridor.analyze_many(_gdf(_meghri().geometry), name_column="nope").loc[0, "name"],
        check=lambda n: n == "0",
    ),
]

# ------------------------------------------------------------------ gazetteer, scenarios, comparison
ADMIN = [
    Case("place(None)", lambda: corridor.place(None), ParameterTypeError, "must be a string"),
    Case("place(5)", lambda: corridor.place(5), ParameterTypeError, "must be a string"),
    Case("place('')", lambda: corridor.place(""), UnknownPlaceError, "Unknown place"),
    Case("place('Atlantis')", lambda: corridor.place("Atlantis"), UnknownPlaceError, "Atlantis"),
    Case("place with diacritics", lambda: corridor.place("NAXÇIVAN").name, check=lambda n: n == "Nakhchivan"),
    Case("add_places([1, 2])", lambda: corridor.add_places([1, 2]), ParameterTypeError, "add_places"),
    Case("add_places(None)", lambda: corridor.add_places(None), ParameterTypeError, "add_places"),
    Case(
        "add_places lon 'a'",
        lambda: corridor.add_places(pd.DataFrame({"name": ["X"], "lon": ["a"], "lat": [1]})),
        GeometryError,
        "must be numbers",
    ),
    Case(
        "add_places lon NaN",
        lambda: corridor.add_places(pd.DataFrame({"name": ["X"], "lon": [np.nan], "lat": [1]})),
        GeometryError,
        "NaN or infinite",
    ),
    Case(
        "add_places lat 120",
        lambda: corridor.add_places(pd.DataFrame({"name": ["X"], "lon": [45.0], "lat": [120.0]})),
        GeometryError,
        "",
    ),
    Case(
        "add_places no name column",
        lambda: corridor.add_places(pd.DataFrame({"lon": [45.0], "lat": [40.0]})),
        ColumnError,
        "name",
    ),
    Case(
        "add_places missing CSV",
        lambda: corridor.add_places("no-such-places.csv"),
        FileNotFoundError,
        "no-such-places.csv",
    ),
    Case("Scenario.from_dict(None)", lambda: corridor.Scenario.from_dict(None), ScenarioError, "valid dictionary"),
    Case("Scenario.from_dict([])", lambda: corridor.Scenario.from_dict([]), ScenarioError, "valid dictionary"),
    Case(
        "scenario without name",
        lambda: corridor.Scenario.from_dict({"legs": [{"places": ["Meghri", "Ordubad"]}]}),
        ScenarioError,
        "`name`",
    ),
    Case(
        "scenario empty name",
        lambda: corridor.Scenario.from_dict({"name": "", "legs": [{"places": ["Meghri", "Ordubad"]}]}),
        ScenarioError,
        "`name`",
    ),
    Case(
        "scenario legs 'abc'",
        lambda: corridor.Scenario.from_dict({"name": "x", "legs": "abc"}),
        ScenarioError,
        "`legs`",
    ),
    Case("scenario no legs", lambda: corridor.Scenario.from_dict({"name": "x", "legs": []}), ScenarioError, "`legs`"),
    Case(
        "scenario unknown key",
        lambda: corridor.Scenario.from_dict({**_leg(), "colour": "red"}),
        ScenarioError,
        "colour",
    ),
    Case(
        "scenario leg with two geometries",
        lambda: corridor.Scenario.from_dict(_leg(coords=[[45, 40], [46, 40]])),
        ScenarioError,
        "legs[0]",
    ),
    Case(
        "scenario speed NaN",
        lambda: corridor.Scenario.from_dict(_leg(speed_kmh=math.nan)),
        ScenarioError,
        "legs[0].speed_kmh",
    ),
    Case(
        "scenario speed inf",
        lambda: corridor.Scenario.from_dict(_leg(speed_kmh=math.inf)),
        ScenarioError,
        "legs[0].speed_kmh",
    ),
    Case(
        "scenario speed '60 km/h'",
        lambda: corridor.Scenario.from_dict(_leg(speed_kmh="60 km/h")),
        ScenarioError,
        "legs[0].speed_kmh",
    ),
    Case(
        "scenario speed 10**5000",
        lambda: corridor.Scenario.from_dict(_leg(speed_kmh=10**5000)),
        ScenarioError,
        "legs[0].speed_kmh",
    ),
    Case(
        "scenario cost inf",
        lambda: corridor.Scenario.from_dict(_params(cost_per_km=math.inf)),
        ScenarioError,
        "cost_per_km",
    ),
    Case(
        "scenario cost -1", lambda: corridor.Scenario.from_dict(_params(cost_per_km=-1)), ScenarioError, "cost_per_km"
    ),
    Case(
        "scenario dwell NaN",
        lambda: corridor.Scenario.from_dict(_params(dwell={"default_h": math.nan})),
        ScenarioError,
        "default_h",
    ),
    Case(
        "scenario speeds typo",
        lambda: corridor.Scenario.from_dict(_params(speeds_kmh={"rial": 200})),
        ScenarioError,
        "rial",
    ),
    Case(
        "scenario unknown place",
        lambda: corridor.Scenario.from_dict({"name": "x", "legs": [{"places": ["Meghri", "Atlantis"]}]}).route,
        ScenarioError,
        "Atlantis",
    ),
    Case(
        "scenario published 0 km",
        lambda: corridor.Scenario.from_dict(_leg(published={"length_km": 0, "source": "s"})),
        ScenarioError,
        "length_km",
    ),
    Case("compare([])", lambda: corridor.compare([]), ScenarioError, "at least one scenario"),
    Case("compare('abc')", lambda: corridor.compare("abc"), ParameterTypeError, "Scenario objects"),
    Case("compare([1])", lambda: corridor.compare([1]), ParameterTypeError, "Scenario objects"),
    Case(
        "builtin_scenarios('Silk Road')",
        lambda: corridor.builtin_scenarios("Silk Road"),
        ParameterError,
        "Unknown scenario group",
    ),
]

# ------------------------------------------------------------------ regions
REGIONS = [
    Case("load_region bbox 'abc'", lambda: corridor.load_region(bbox="abc"), ParameterError, "`bbox` must be"),
    Case("load_region bbox NaN", lambda: corridor.load_region(bbox=(math.nan, 1, 2, 3)), ParameterError, "bbox"),
    Case(
        "load_region bbox no width", lambda: corridor.load_region(bbox=(44, 39, 44, 41)), ParameterError, "has no width"
    ),
    Case("load_region bbox south > north", lambda: corridor.load_region(bbox=(44, 41, 45, 39)), ParameterError, "bbox"),
    Case("load_region bbox latitude 95", lambda: corridor.load_region(bbox=(44, 39, 45, 95)), ParameterError, "bbox"),
    Case("load_region bbox 3 numbers", lambda: corridor.load_region(bbox=(44, 39, 45)), ParameterError, "bbox"),
    Case(
        "load_region gap NaN",
        lambda: corridor.load_region(TWO_SQUARES, id_column="id", gap_width_m=math.nan),
        ParameterError,
        "finite",
    ),
    Case(
        "load_region gap inf",
        lambda: corridor.load_region(TWO_SQUARES, id_column="id", gap_width_m=math.inf),
        ParameterError,
        "finite",
    ),
    Case(
        "load_region gap '1'",
        lambda: corridor.load_region(TWO_SQUARES, id_column="id", gap_width_m="1"),
        ParameterTypeError,
        "must be a number",
    ),
    Case(
        "load_region gap 1e6",
        lambda: corridor.load_region(TWO_SQUARES, id_column="id", gap_width_m=1e6),
        ParameterError,
        "not slivers",
    ),
    Case(
        "load_region gap -1",
        lambda: corridor.load_region(TWO_SQUARES, id_column="id", gap_width_m=-1),
        ParameterError,
        ">= 0",
    ),
    Case("load_region countries []", lambda: corridor.load_region(countries=[]), ParameterError, "is empty"),
    Case("load_region countries XXX", lambda: corridor.load_region(countries=["XXX"]), UnknownTerritoryError, "XXX"),
    Case(
        "load_region countries 'Armenia'",
        lambda: corridor.load_region(countries=["Armenia"]),
        UnknownTerritoryError,
        "did you mean ARM",
    ),
    Case("load_region countries 5", lambda: corridor.load_region(countries=5), ParameterTypeError, "ISO3 codes"),
    Case(
        "load_region layer and bbox",
        lambda: corridor.load_region(TWO_SQUARES, bbox=(1, 2, 3, 4)),
        ParameterError,
        "either",
    ),
    Case("load_region no id_column", lambda: corridor.load_region(TWO_SQUARES), ParameterError, "id_column"),
    Case(
        "load_region id_column missing",
        lambda: corridor.load_region(TWO_SQUARES, id_column="nope"),
        ColumnError,
        "nope",
    ),
    Case(
        "load_region no CRS",
        lambda: corridor.load_region(TWO_SQUARES.set_crs(None, allow_override=True), id_column="id"),
        CRSError,
        "no CRS",
    ),
    Case(
        "load_region of lines",
        lambda: corridor.load_region(_gdf(shapely.LineString(LOOP)).rename(columns={"name": "id"}), id_column="id"),
        GeometryError,
        "needs polygons",
    ),
    Case(
        "load_region of nothing",
        lambda: corridor.load_region(TWO_SQUARES.iloc[:0], id_column="id"),
        GeometryError,
        "no polygons",
    ),
    Case(
        "load_region missing file",
        lambda: corridor.load_region("no-such-layer.gpkg", id_column="id"),
        FileNotFoundError,
        "no-such-layer.gpkg",
    ),
    Case("load_region of an int", lambda: corridor.load_region(5, id_column="id"), ParameterTypeError, ""),
    Case(
        "load_region accuracy -1",
        lambda: corridor.load_region(TWO_SQUARES, id_column="id", accuracy_m=-1),
        ParameterError,
        "accuracy_m",
    ),
    Case(
        "clean_coverage more ids than polygons",
        lambda: corridor.clean_coverage(list(TWO_SQUARES.geometry), ["A", "B", "C"]),
        ParameterError,
        "one id per geometry",
    ),
    Case(
        "clean_coverage ids as a string",
        lambda: corridor.clean_coverage(list(TWO_SQUARES.geometry), "AB"),
        ParameterTypeError,
        "sequence of territory ids",
    ),
    Case(
        "clean_coverage duplicate ids",
        lambda: corridor.clean_coverage(list(TWO_SQUARES.geometry), ["A", "A"]),
        ParameterError,
        "unique",
    ),
    Case(
        "duplicate ids are one territory",
        lambda: corridor.load_region(TWO_SQUARES.assign(id="A"), id_column="id").ids,
        check=lambda ids: list(ids) == ["A"],
    ),
    Case("neighbours('XXX')", lambda: corridor.load_region().neighbours("XXX"), UnknownTerritoryError, "XXX"),
    Case("neighbours(5)", lambda: corridor.load_region().neighbours(5), ParameterTypeError, "must be a string"),
    Case(
        "border_length_km of non-neighbours",
        lambda: corridor.load_region().border_length_km("ARM", "KAZ"),
        check=lambda km: km == 0.0,
    ),
    Case(
        "between a territory and itself", lambda: corridor.load_region().between("ARM", "ARM"), check=lambda x: x == []
    ),
]


def _single() -> corridor.Region:
    return corridor.load_region(ONE_SQUARE, id_column="id")


def _single_analysis() -> corridor.RouteAnalysis:
    return corridor.analyze(Route.from_coords([(45.05, 40.1), (45.15, 40.1)]), region=_single())


REGIONS += [
    Case(
        "single territory: summary",
        lambda: _single_analysis().summary(),
        check=lambda s: s["transit"] == ["A"] and s["crossings"] == [],
    ),
    Case("single territory: no clearance", lambda: _single_analysis().min_clearance_km, check=math.isnan),
    Case(
        "single territory: 0 km near a border", lambda: _single_analysis().km_near_border(1), check=lambda km: km == 0.0
    ),
    Case(
        "single territory: border_profile",
        lambda: _single_analysis().border_profile(step_km=1),
        ParameterError,
        "no borders",
    ),
    Case(
        "single territory: analyze_many",
        lambda: corridor.analyze_many([Route.from_coords([(45.05, 40.1), (45.15, 40.1)])], region=_single()).loc[
            0, "km_A"
        ],
        check=lambda km: km == pytest.approx(8.527, abs=0.001),
    ),
    Case(
        "two squares meeting at the antimeridian",
        lambda: corridor.analyze(
            Route.from_coords([(179.5, 60.5), (-179.5, 60.5)]),
            region=corridor.load_region(
                gpd.GeoDataFrame(
                    {"id": ["W", "E"]},
                    geometry=[shapely.box(179, 60, 180, 61), shapely.box(-180, 60, -179, 61)],
                    crs=4326,
                ),
                id_column="id",
            ),
        ).km_by_territory.to_dict(),
        check=lambda d: d == pytest.approx({"E": 27.4777, "W": 27.4777}, abs=1e-3),
    ),
]

# ------------------------------------------------------------------ outputs
_LOOP_SCENARIO = {"name": "loop", "legs": [{"coords": [list(p) for p in LOOP]}]}


def _table_text(name: str, fmt: str, columns: tuple[str, ...] = ("length_km",)) -> str:
    s = corridor.Scenario.from_dict({"name": name, "legs": [{"places": ["Meghri", "Ordubad"]}]})
    return corridor.io.table_text(corridor.compare([s])[list(columns)], fmt)


def _strict_json(text: str) -> Any:
    def refuse(c: str) -> None:
        raise ValueError(f"not JSON: {c}")

    return json.loads(text, parse_constant=refuse)


OUTPUTS = [
    Case(
        "markdown with | and a newline",
        lambda: _table_text("a|b\nc", "markdown").splitlines()[2],
        check=lambda row: row.startswith("| a\\|b c ") and row.count(" | ") == 1,
    ),
    Case(
        "CSV with a newline stays one record",
        lambda: pd.read_csv(__import__("io").StringIO(_table_text("a\nb", "csv"))).shape,
        check=lambda s: s == (1, 2),
    ),
    Case(
        "CSV formula cell defused",
        lambda: _table_text('=HYPERLINK("x")', "csv").splitlines()[1],
        check=lambda row: row.startswith("\"'=HYPERLINK"),
    ),
    Case(
        "HTML table escapes names",
        lambda: _table_text("<script>alert(1)</script>", "html"),
        check=lambda h: "<script>" not in h and "&lt;script&gt;" in h,
    ),
    Case(
        "JSON of a closed loop is strict",
        lambda: _strict_json(
            corridor.io.table_text(corridor.compare([corridor.Scenario.from_dict(_LOOP_SCENARIO)]), "json")
        )[0]["detour_index"],
        check=lambda v: v is None,
    ),
    Case(
        "summary() of a loop is strict JSON",
        lambda: json.dumps(corridor.analyze(Route.from_coords(LOOP)).summary(), allow_nan=False),
        check=lambda s: '"detour_index": null' in s,
    ),
    Case(
        "unknown table format", lambda: corridor.io.table_text(pd.DataFrame(), "xml"), ParameterError, "Unknown format"
    ),
    Case(
        "export to a missing folder",
        lambda: corridor.export_comparison(pd.DataFrame({"a": [1]}), "/no/such/folder/t.csv"),
        OutputPathError,
        "does not exist",
    ),
    Case(
        "export with an unknown extension",
        lambda: corridor.export_comparison(pd.DataFrame({"a": [1]}), "t.xlsx"),
        ParameterError,
        "Cannot tell the format",
    ),
    Case(
        "route name in _repr_html_",
        lambda: Route.from_places(["Meghri", "Ordubad"], name="<img src=x onerror=alert(1)>")._repr_html_(),
        check=lambda h: "<img" not in h,
    ),
    Case(
        "make_map colour with script",
        lambda: corridor.make_map(routes=[_meghri()], colors=['red;"><script>alert(1)</script>']),
        ParameterError,
        "is not a colour",
    ),
    Case(
        "make_map colour number",
        lambda: corridor.make_map(routes=[_meghri()], colors=[5]),
        ParameterError,
        "is not a colour",
    ),
    Case(
        "make_map tiles javascript:",
        lambda: corridor.make_map(routes=[_meghri()], tiles="javascript:alert(1)"),
        ParameterError,
        "tile provider name",
    ),
    Case(
        "make_map tiles URL with markup",
        lambda: corridor.make_map(routes=[_meghri()], tiles='https://x/"><script>/{z}/{x}/{y}'),
        ParameterError,
        "URL template",
    ),
    Case(
        "make_map tiles URL without {z}",
        lambda: corridor.make_map(routes=[_meghri()], tiles="https://tiles.example.org/a.png"),
        ParameterError,
        "{z}, {x} and {y}",
    ),
    Case(
        "make_map tiles URL without attribution",
        lambda: corridor.make_map(routes=[_meghri()], tiles="https://t.example.org/{z}/{x}/{y}.png"),
        ParameterError,
        "attribution",
    ),
    Case(
        "make_map width with CSS",
        lambda: corridor.make_map(routes=[_meghri()], width="100%;}</style><script>"),
        ParameterError,
        "CSS length",
    ),
    Case("make_map height 0", lambda: corridor.make_map(routes=[_meghri()], height=0), ParameterError, "positive size"),
    Case(
        "make_map title with script",
        lambda: corridor.make_map(routes=[_meghri()], title="<script>alert(1)</script>").get_root().render(),
        check=lambda h: "<script>alert(1)" not in h,
    ),
    Case(
        "make_map color_by country",
        lambda: corridor.make_map(color_by="country"),
        ParameterError,
        "`color_by` must be one of",
    ),
    Case(
        "save_map to a missing folder",
        lambda: corridor.save_map(corridor.make_map(routes=[_meghri()]), "/no/such/folder/m.html"),
        OutputPathError,
        "does not exist",
    ),
    Case("Route.write unsupported format", lambda: _meghri().write("route.kml"), ParameterError, ""),
]

CASES = GEOMETRY + PARAMETERS + ADMIN + REGIONS + OUTPUTS


def test_the_suite_is_broad():
    assert len(CASES) >= 150
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.fixture(autouse=True)
def _gazetteer_restored():
    yield
    corridor.reset_places()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_input(case: Case):
    if case.error is None:
        assert case.check is not None
        value = case.call()
        assert case.check(value), value
        return
    with pytest.raises(case.error, match=re.escape(case.match) if case.match else None) as info:
        case.call()
    err = info.value
    # the class named is the one raised (not a subclass of it, nor a bare built-in)
    assert type(err) is case.error, f"{type(err).__name__}: {err}"
    if not issubclass(case.error, (FileNotFoundError, PermissionError)):
        assert isinstance(err, CorridorError)
    assert str(err).strip(), "the message is empty"
