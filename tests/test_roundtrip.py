"""Route files round-trip: ``Route.write`` then ``Route.read`` gives back an equal route.

For GeoJSON, GeoPackage and FlatGeobuf: the name, the legs with all their attributes, the
gaps between legs, the stops with their chainage; the layers are named after the route; the
GeoJSON follows RFC 7946; GDAL itself (``pyogrio.read_info``, ``pyogrio.list_layers``) opens
every file.  Files written by corridor 0.2 and edited files are read as documented.

Measured tolerances (the built-in TRIPP route: 527 km, 609 vertices, 7 legs, 18 stops):
GeoPackage and FlatGeobuf keep every double, so the route comes back exact (leg ends to
1e-13 km); GeoJSON keeps 7 decimals, so vertices move ≤ 7 mm, the length by 12 mm, stops'
chainage by 12 mm and leg ends by 24 mm.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely

import corridor
from corridor import Leg, Route
from corridor.errors import DataError, GeometryError, ParameterError
from corridor.geodesy import GEOD
from corridor.io import MAX_LAYER_NAME_CHARS

FORMATS = ("geojson", "gpkg", "fgb")
LEG_ATTRS = ("name", "mode", "status", "speed_kmh", "source", "published_km", "published_source")
#: Largest change of the route's length (m) from writing it: GeoJSON rounds to 7 decimals.
LENGTH_TOL_M = {"geojson": 0.02, "gpkg": 1e-6, "fgb": 1e-6}


@pytest.fixture(scope="module")
def tripp() -> Route:
    r = corridor.builtin_scenarios()[0].route
    assert len(r.legs) == 7 and len(r.stops) == 18  # the case the issue is about
    assert sum(lg.published_km is not None for lg in r.legs) == 5
    return r


def _vertex_shift_m(a: Route, b: Route) -> float:
    assert len(a.coords) == len(b.coords)
    return float(GEOD.inv(*a.coords.T, *b.coords.T)[2].max())


def _kinds(path: Path) -> list[str]:
    frames = [gpd.read_file(path, layer=name) for name, _ in pyogrio.list_layers(path)]
    return [k for f in frames for k in f["kind"]]


# ------------------------------------------------------------------ round trip


@pytest.mark.parametrize("ext", FORMATS)
def test_builtin_route_round_trips(tripp, tmp_path, ext):
    path = tripp.write(tmp_path / f"tripp.{ext}")
    back = Route.read(path)
    assert back.equals(tripp)
    assert back.name == tripp.name
    assert [tuple(getattr(lg, a) for a in LEG_ATTRS) for lg in back.legs] == [
        tuple(getattr(lg, a) for a in LEG_ATTRS) for lg in tripp.legs
    ]
    ends = np.array([(lg.from_km, lg.to_km) for lg in back.legs]) - [(lg.from_km, lg.to_km) for lg in tripp.legs]
    assert np.abs(ends).max() * 1000 < 0.1  # m
    assert [s.name for s in back.stops] == [s.name for s in tripp.stops]
    assert max(abs(a.km - b.km) for a, b in zip(back.stops, tripp.stops)) * 1000 < 1.0  # m
    assert abs(back.length_km - tripp.length_km) * 1000 < LENGTH_TOL_M[ext]
    assert _vertex_shift_m(back, tripp) < (0.01 if ext == "geojson" else 1e-9)
    assert (back.mode, back.status, back.source) == (tripp.mode, tripp.status, tripp.source)
    # the three stretches Route.join bridged between legs are written too, as gaps
    assert _kinds(path) == ["leg"] * 4 + ["gap", "leg", "gap", "leg", "gap", "leg"] + ["stop"] * 18


@pytest.mark.parametrize("ext", FORMATS)
def test_gdal_opens_the_file_and_layers_are_named_after_the_route(tripp, tmp_path, ext):
    path = tripp.write(tmp_path / f"tripp.{ext}")
    layers = pyogrio.list_layers(path).tolist()
    if ext == "gpkg":
        assert layers == [[tripp.name, "LineString"], [f"{tripp.name} stops", "Point"]]
        assert pyogrio.read_info(path, layer=tripp.name)["features"] == 10
        assert pyogrio.read_info(path, layer=f"{tripp.name} stops")["features"] == 18
    else:  # legs, gaps and stops in one layer of mixed geometry
        assert layers == [[tripp.name, "Unknown"]]
        info = pyogrio.read_info(path)
        assert info["features"] == 28 and info["crs"] == "EPSG:4326"
        assert {"seq", "kind", "route", "leg", "mode", "status", "speed_kmh", "stop", "km"} <= set(info["fields"])
    assert not list(tmp_path.glob(".*"))  # no temporary file left, nor its name in the file


def test_geojson_follows_rfc_7946(tripp, tmp_path):
    text = tripp.write(tmp_path / "tripp.geojson").read_text(encoding="utf-8")
    doc = json.loads(text, parse_constant=lambda c: pytest.fail(f"{c} is not JSON"))
    assert doc["type"] == "FeatureCollection" and "crs" not in doc and '"crs"' not in text
    assert {f["geometry"]["type"] for f in doc["features"]} == {"LineString", "Point"}  # no rings to wind
    numbers = re.findall(r'"coordinates": (\[[^"]*\])', text)
    values = [v for c in numbers for v in re.findall(r"-?[0-9][0-9.eE+-]*", c)]
    assert len(values) == 2 * (len(tripp.coords) + 9 + 18)  # 10 legs and gaps: 9 shared ends, written twice
    assert all(re.fullmatch(r"-?\d+(\.\d{1,7})?", v) for v in values)
    assert max(len(v.partition(".")[2]) for v in values) == 7


@pytest.mark.parametrize("ext", FORMATS)
def test_odd_names_write_and_read_back(tmp_path, ext):
    base = Route.from_places(["Meghri", "Ordubad", "Julfa"])
    names = ["a \"quoted\" 'name'", "two\nlines\tand a tab", "a/b\\c: *?", "gpkg_contents", "Ə" * 500, "", " "]
    for k, name in enumerate(names):
        r = base.with_attrs(name=name)
        path = r.write(tmp_path / f"r{k}.{ext}")
        back = Route.read(path)
        assert back.equals(r), name
        layer = pyogrio.list_layers(path)[0][0]
        assert len(layer) <= MAX_LAYER_NAME_CHARS and not re.search(r"[\x00-\x1f]", layer)
        assert layer == {0: name, 2: name, 3: "route gpkg_contents", 5: "route", 6: "route"}.get(k, layer)
    assert pyogrio.list_layers(tmp_path / f"r1.{ext}")[0][0] == "two lines and a tab"
    assert pyogrio.list_layers(tmp_path / f"r4.{ext}")[0][0] == "Ə" * 99 + "…"


@pytest.mark.parametrize("ext", FORMATS)
def test_every_attribute_round_trips(tmp_path, ext):
    a = Route.from_places(["Horadiz", "Aghband"], mode="road", status="proposed", speed_kmh=72.5, source="s1")
    a = a.with_attrs(published_km=110.4, published_source="ADY (2025)")
    b = Route.from_places(["Aghband", "Meghri"], mode="ferry", status="disused", source="")
    single = a
    joined = Route.join([a, b], name="mixed")
    odd = joined.with_attrs(mode="other", status="planned", speed_kmh=30, source="route level", published_km=99)
    for k, r in enumerate([single, joined, odd]):
        back = Route.read(r.write(tmp_path / f"r{k}.{ext}"))
        assert back.equals(r), k
        assert [(lg.speed_kmh, lg.published_km) for lg in back.legs] == [
            (lg.speed_kmh, lg.published_km) for lg in r.legs
        ]
    columns = pyogrio.read_info(tmp_path / f"r2.{ext}", layer=0)["fields"]
    assert "route_mode" in columns  # only when the route's own attributes are not its first leg's
    assert "route_mode" not in pyogrio.read_info(tmp_path / f"r1.{ext}", layer=0)["fields"]


@pytest.mark.parametrize("ext", FORMATS)
def test_unusual_routes_round_trip(tmp_path, ext):
    line = shapely.LineString([(45.0, 40.0), (45.1, 40.0), (45.1, 40.0), (45.2, 40.1), (45.3, 40.1)])
    bare = Route(line)  # no stops, a repeated vertex
    legs = (Leg("first", 0.0, 5.0, "road"), Leg("second", 12.0, bare.length_km, "rail", "planned"))
    parted = replace(bare, legs=legs)  # legs end between vertices; a gap between them
    across = Route.from_coords([(179.5, 65.0), (-179.6, 65.2), (-179.0, 65.1)], name="Bering")
    ring = Route.from_coords([(45.0, 40.0), (45.1, 40.0), (45.1, 40.1), (45.0, 40.0)], name="ring")
    for k, r in enumerate([bare, parted, across, ring]):
        back = Route.read(r.write(tmp_path / f"r{k}.{ext}"))
        if r is parted:  # the cut points of the legs become vertices: the same line, two more vertices
            assert len(back.coords) == len(r.coords) + 2
            assert [(lg.name, lg.mode) for lg in back.legs] == [(lg.name, lg.mode) for lg in r.legs]
            ends = [km for lg in back.legs for km in (lg.from_km, lg.to_km)]
            assert ends == pytest.approx([km for lg in r.legs for km in (lg.from_km, lg.to_km)], abs=1e-5)  # 1 cm
            assert back.length_km == pytest.approx(r.length_km, abs=1e-5)
        else:
            assert back.equals(r), k
    assert [s.km for s in Route.read(tmp_path / f"r3.{ext}").stops] == [s.km for s in ring.stops]
    if ext == "geojson":  # RFC 7946 cuts a line at the antimeridian; read_route joins it again
        doc = json.loads((tmp_path / "r2.geojson").read_text())
        assert doc["features"][0]["geometry"]["type"] == "MultiLineString"


def test_a_route_file_keeps_its_legs_whatever_the_defaults(tripp, tmp_path):
    # `corridor analyze FILE` and scenario `file:` legs pass mode, status and source explicitly
    path = tripp.write(tmp_path / "tripp.gpkg")
    back = Route.read(path, name="renamed", mode="road", status="existing", speed_kmh=80, source="")
    assert back.name == "renamed"  # a name given is the name
    assert back.equals(tripp.with_attrs(name="renamed"))  # the rest describes files that do not say
    with pytest.raises(ParameterError, match="mode"):
        Route.read(path, mode="boat")


# ------------------------------------------------------------------ other files


def _written_by_corridor_0_2(route: Route, path: Path) -> Path:
    """A route file as ``write_route`` wrote it before: ``to_gdf``, no ``seq``, GPKG stops in ``stops``."""
    if path.suffix == ".gpkg":
        route.to_gdf().to_file(path, layer=path.stem)
        route.stops_gdf().to_file(path, layer="stops")
    else:
        route.to_gdf().to_file(path)  # FlatGeobuf with its spatial index: legs out of order
    return path


@pytest.mark.parametrize("ext", FORMATS)
def test_files_of_corridor_0_2_still_read(tmp_path, ext):
    places = ["Kars", "Gyumri", "Yerevan", "Nakhchivan"]
    r = Route.join([Route.from_places([a, b], name=f"{a}–{b}") for a, b in zip(places, places[1:])], name="0.2")
    path = _written_by_corridor_0_2(r, tmp_path / f"old.{ext}")
    in_file = list(gpd.read_file(path, layer=0)["leg"])
    assert (in_file != [lg.name for lg in r.legs]) == (ext == "fgb")  # FlatGeobuf's index reorders them
    back = Route.read(path)
    assert back.name == "0.2" and len(back.legs) == 1  # its name from the `route` column; one leg, as before
    assert back.length_km == pytest.approx(r.length_km, abs=1e-6)
    assert back.start == pytest.approx(r.start) and back.end == pytest.approx(r.end)


def test_plain_layers_read_as_before(tmp_path):
    lines = [shapely.LineString([(45.0, 40.0), (45.1, 40.0)]), shapely.LineString([(45.2, 40.1), (45.1, 40.0)])]
    gpd.GeoDataFrame({"kind": ["x", "y"]}, geometry=lines, crs=4326).to_file(tmp_path / "p.geojson")
    r = Route.read(tmp_path / "p.geojson")
    assert r.name == "p" and r.source == "file p.geojson" and (r.mode, r.status) == ("rail", "existing")
    assert r.end == pytest.approx((45.2, 40.1))


def _edited(tripp: Route, folder: Path, edit) -> Path:
    path = tripp.write(folder / "tripp.geojson")
    doc = json.loads(path.read_text())
    edit(doc["features"])
    path.write_text(json.dumps(doc))
    return path


def _set(k: int, key: str, value):
    return lambda fs: fs[k]["properties"].__setitem__(key, value)


@pytest.mark.parametrize(
    ("edit", "error", "match"),
    [
        (_set(1, "seq", 0), DataError, "does not number"),
        (_set(1, "seq", None), DataError, "does not number"),
        (_set(1, "kind", "bridge"), DataError, "'bridge'"),
        (_set(2, "mode", "boat"), DataError, "`mode` must be one of"),
        (_set(2, "speed_kmh", -5), DataError, "speed_kmh"),
        (_set(2, "speed_kmh", "fast"), DataError, "expected a number"),
        (_set(3, "published_km", 0), DataError, "published_km"),
        (_set(20, "km", 9999.0), DataError, "beyond the route"),
        (lambda fs: fs.pop(2), GeometryError, "must follow one another"),
        (
            lambda fs: fs.__setitem__(slice(0, 10), [f for f in fs[:10] if f["properties"]["kind"] != "leg"]),
            DataError,
            "no leg",
        ),
    ],
    ids=["seq-twice", "seq-missing", "kind", "mode", "speed", "speed-text", "published", "stop-km", "hole", "no-leg"],
)
def test_edited_route_files_are_refused_clearly(tripp, tmp_path, edit, error, match):
    path = _edited(tripp, tmp_path, edit)
    with pytest.raises(error, match=match) as info:
        Route.read(path)
    assert str(path) in str(info.value)


def test_edited_stop_without_km_is_placed_where_it_lies(tripp, tmp_path):
    back = Route.read(_edited(tripp, tmp_path, _set(20, "km", None)))
    assert back.stops[10].km == pytest.approx(tripp.stops[10].km, abs=1e-3)


def test_legs_that_overlap_are_refused_on_write(tmp_path):
    r = Route.from_places(["Horadiz", "Aghband"])
    bad = replace(r, legs=(Leg("a", 0.0, 30.0), Leg("b", 20.0, r.length_km)))
    with pytest.raises(ParameterError, match="starts before the one before it ends"):
        bad.write(tmp_path / "bad.gpkg")
    assert not list(tmp_path.iterdir())


def test_rewriting_replaces_the_file(tripp, tmp_path):
    path = Route.from_places(["Meghri", "Ordubad"]).write(tmp_path / "r.gpkg")
    tripp.write(path)
    assert [n for n, _ in pyogrio.list_layers(path)] == [tripp.name, f"{tripp.name} stops"]
    assert Route.read(path).equals(tripp)


def test_equals_compares_everything():
    r = Route.from_places(["Meghri", "Ordubad", "Julfa"])
    assert r.equals(r) and not r.equals(r.with_attrs(status="planned")) and not r.equals(None)
    assert not r.equals(replace(r, stops=r.stops[:-1]))
    moved = replace(r, stops=(*r.stops[:-1], replace(r.stops[-1], km=r.stops[-1].km - 0.002)))
    assert not moved.equals(r) and moved.equals(r, km_tolerance_m=3)
    shifted = Route(shapely.LineString(r.coords + [0, 1e-6]), r.stops, r.legs, r.name)  # 11 cm north
    assert not shifted.equals(r) and shifted.equals(r, tolerance_m=0.2)
    with pytest.raises(ParameterError, match="tolerance_m"):
        r.equals(r, tolerance_m=-1)


def test_edited_geopackage_stops_layer(tripp, tmp_path):
    path = tripp.write(tmp_path / "tripp.gpkg")
    stops = gpd.read_file(path, layer=f"{tripp.name} stops")
    stops.drop(columns=["seq"]).iloc[::-1].to_file(path, layer=f"{tripp.name} stops", mode="w")
    back = Route.read(path)  # without `seq`, the stops come in the layer's order
    assert [s.name for s in back.stops] == [s.name for s in reversed(tripp.stops)]
    stops.iloc[:0].to_file(path, layer=f"{tripp.name} stops", mode="w")
    assert Route.read(path).stops == ()
