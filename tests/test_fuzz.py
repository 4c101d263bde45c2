"""Fuzzing the three file readers with hypothesis: only documented exceptions escape.

The scenario reader (:meth:`corridor.Scenario.read`), the network reader
(:func:`corridor.read_network`) and the route reader (:func:`corridor.read_route`) get raw
bytes, structured mutations of a valid file (tokens of the format inserted, bytes deleted,
slices repeated, the file truncated) and generated structures.  Whatever they read, they
either return or raise a :class:`~corridor.errors.CorridorError`,
:class:`FileNotFoundError` or :class:`PermissionError`; never a parser's own exception.

The budgets are fixed and derandomized (the same examples on every run), sized so the
whole file runs in well under a minute on two cores.  Run more with
``CORRIDOR_FUZZ_EXAMPLES=2000 pytest tests/test_fuzz.py`` (random, not derandomized).
"""

from __future__ import annotations

import bz2
import json
import os
import re
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corridor import Scenario, read_network, read_route
from corridor.errors import CorridorError

DATA = Path(__file__).parent / "data"
DOCUMENTED = (CorridorError, FileNotFoundError, PermissionError)
_MORE = int(os.environ.get("CORRIDOR_FUZZ_EXAMPLES", "0"))


def budget(n: int) -> settings:
    """``n`` derandomized examples (or ``$CORRIDOR_FUZZ_EXAMPLES`` random ones)."""
    return settings(
        max_examples=_MORE or n,
        derandomize=not _MORE,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
    )


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def only_documented(read: Callable[..., Any], path: Path, content: bytes, **kw: Any) -> None:
    """Write ``content`` to ``path`` and read it: a value or a documented exception."""
    path.write_bytes(content)
    try:
        with warnings.catch_warnings():
            # a third-party warning is not an escape; pytest's "error" filter would make it one
            warnings.simplefilter("ignore")
            read(path, **kw)
    except DOCUMENTED as exc:
        assert str(path.name) in str(exc) or isinstance(exc, FileNotFoundError), exc
    except BaseException as exc:  # noqa: BLE001 - the point of the test
        pytest.fail(f"{type(exc).__module__}.{type(exc).__name__} escaped from {read.__name__}: {exc!r}"[:2000])


Edit = tuple[str, int, int, bytes]
_OPS = ["value"] * 5 + ["line"] * 2 + ["insert"] * 2 + ["delete", "repeat", "replace", "truncate"]


def mutations(tokens: list[bytes], values: tuple[bytes, ...] = ()) -> st.SearchStrategy[list[Edit]]:
    """Edits of a file: insert a token, delete, repeat, replace, truncate; set a value; drop or repeat a line.

    ``value`` edits keep the file well formed (they replace one attribute value, number or
    scalar by one of ``values``), so the parser behind the pre-checks is reached too.
    """
    edit = st.tuples(
        st.sampled_from(_OPS),
        st.integers(0, 1 << 20),
        st.integers(1, 64),
        st.one_of(
            st.sampled_from(list(values) or tokens),
            st.sampled_from(tokens),
            st.sampled_from(list(values) or tokens),
            st.binary(min_size=1, max_size=8),
        ),
    )
    return st.lists(edit, min_size=1, max_size=4)


#: What ``value`` edits replace: XML attribute values, JSON numbers, YAML scalars after ``: ``.
_VALUE = re.compile(rb'(?<==")[^"]*(?=")|(?<![\w.])-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|(?<=: )[^\n\[\]{},#]+')


def mutate(base: bytes, edits: list[Edit]) -> bytes:
    data = bytearray(base)
    for op, pos, size, token in edits:
        at = pos % (len(data) + 1)
        if op == "insert":
            data[at:at] = token
        elif op == "delete":
            del data[at : at + size]
        elif op == "repeat":
            data[at:at] = data[at : at + size] * (1 + size % 7)
        elif op == "replace":
            data[at : at + len(token)] = token
        elif op == "truncate":
            del data[at:]
        elif op == "value":
            found = list(_VALUE.finditer(data))
            if found:
                m = found[pos % len(found)]
                data[m.start() : m.end()] = token
        else:  # drop a line, or repeat it
            lines = bytes(data).splitlines(keepends=True)
            if lines:
                k = pos % len(lines)
                lines[k : k + 1] = [] if size % 2 else [lines[k]] * (1 + size % 5)
                data = bytearray(b"".join(lines))
    return bytes(data)


# ---------------------------------------------------------------------------
# scenario YAML

SCENARIO = b"""\
name: "fuzz: Meghri - Julfa"
group: test
description: >
  A scenario with every kind of leg.
legs:
  - name: a
    places: [Meghri, Ordubad]
    mode: rail
    status: planned
    speed_kmh: 80
    published: {length_km: 19.5, source: "somebody", date: "2025-01"}
  - &leg
    coords: [[46.0, 38.9], [45.9, 38.95]]
    mode: road
  - <<: *leg
    coords: [[45.9, 38.95], [45.8, 38.97]]
  - along_border: {a: ARM, b: IRN, side: ARM, offset_m: 300, start: Meghri, end: [46.14, 38.84], connect: start}
parameters:
  speeds_kmh: {rail: 90, road/existing: 70}
  dwell: {default_h: 1.5, per_border: {ARM-AZE: 0.5}}
  cost_per_km: 1.0e+3
  cost_per_crossing: 100
  currency: EUR
sources: [one, two]
"""
YAML_TOKENS = [
    b"[",
    b"]",
    b"{",
    b"}",
    b": ",
    b"- ",
    b"\n",
    b"\n  ",
    b"\t",
    b"&a ",
    b"*a",
    b"*leg",
    b"<<: ",
    b"!!int ",
    b"!!float ",
    b"!!binary ",
    b"!!python/object:os.system ",
    b"!!set ",
    b"!!omap ",
    b"? ",
    b"---\n",
    b"...\n",
    b"'",
    b'"',
    b"#",
    b"|\n",
    b">-\n",
    b".inf",
    b"-.inf",
    b".nan",
    b"1e400",
    b"1.0e+400",
    b"9" * 120,
    b"1:2:3:4",
    b"0x",
    b"0b102",
    b"2024-13-45",
    b"2024-02-30T25:61:61",
    b"~",
    b"null",
    b"yes",
    b"\x00",
    b"\xef\xbb\xbf",
    b"\xff\xfe",
    b"\xc3",
    b"\\u0000",
    b"%YAML 1.1\n",
    b"%TAG ! tag:x,2000:\n",
    b"name: ",
    b"legs: ",
    b"places: ",
    b"speed_kmh: ",
]

YAML_VALUES = (
    b".inf",
    b"-.inf",
    b".nan",
    b"0",
    b"-1",
    b"1.0e+400",
    b"9" * 120,
    b"'x'",
    b"[]",
    b"{}",
    b"~",
    b"2024-13-45",
    b"2025-01-01",
    b"*leg",
    b"Atlantis",
    b"ARM",
    b"IRN-ARM-AZE",
    b"[1, 2, 3]",
    b"[[1, 2], [3]]",
    b"[Meghri]",
    b"yes",
    b"!!binary abc",
    b"!!str 1",
    b"Meghri",
    b"rail/planned",
    b"boat",
)


@budget(300)
@given(content=st.binary(max_size=600))
def test_scenario_reader_on_bytes(folder: Path, content: bytes) -> None:
    only_documented(Scenario.read, folder / "bytes.yaml", content)


@budget(1500)
@given(edits=mutations(YAML_TOKENS, YAML_VALUES))
def test_scenario_reader_on_mutations(folder: Path, edits: list[Edit]) -> None:
    only_documented(Scenario.read, folder / "mutated.yaml", mutate(SCENARIO, edits))


_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["Meghri", "Ordubad", "ARM", "IRN", "rail", "road", "planned", "ARM-AZE", "x/y"]),
)
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.text(max_size=8) | st.sampled_from(["a", "b", "side", "offset_m", "places"]), inner, max_size=4
        ),
    ),
    max_leaves=20,
)
_leg_keys = ["name", "places", "coords", "file", "along_border", "mode", "status", "speed_kmh", "source", "published"]
_legs = st.lists(st.dictionaries(st.sampled_from(_leg_keys), _values, max_size=4), max_size=3)
_params = st.dictionaries(
    st.sampled_from(["speeds_kmh", "dwell", "cost_per_km", "cost_per_crossing", "currency", "other"]),
    _values,
    max_size=4,
)


@budget(400)
@given(
    data=st.fixed_dictionaries(
        {"name": _values, "legs": _legs | _values},
        optional={"parameters": _params | _values, "sources": _values, "description": _values, "group": _values},
    )
)
def test_scenario_reader_on_structures(folder: Path, data: dict[str, Any]) -> None:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    only_documented(Scenario.read, folder / "structure.yaml", text.encode())


# ---------------------------------------------------------------------------
# OSM XML and GraphML

TOWN = (DATA / "border_town.osm").read_bytes()
XML_TOKENS = [
    b"<",
    b">",
    b"/>",
    b"</osm>",
    b"</node>",
    b"</way>",
    b"<osm>",
    b'<node id="1" lat="39" lon="45"/>',
    b'<node id="7" lat="nan" lon="inf"/>',
    b'<way id="5"><nd ref="101"/><nd ref="999"/><tag k="highway" v="primary"/></way>',
    b'<nd ref="101"/>',
    b'<tag k="highway" v="primary"/>',
    b'<tag k="railway" v="rail"/>',
    b'<tag k="oneway" v="-1"/>',
    b'<tag k="maxspeed" v="fast"/>',
    b'<member type="way" ref="x" role=""/>',
    b'<relation id="1"><member type="way" ref="201" role=""/></relation>',
    b'<!DOCTYPE osm [<!ENTITY a "aaaa">]>',
    b'<!DOCTYPE osm SYSTEM "http://example.com/x.dtd">',
    b"&a;",
    b"&amp;",
    b"&#0;",
    b"&#x110000;",
    b"<![CDATA[x]]>",
    b"<!-- -->",
    b"<?pi x?>",
    b'<?xml version="1.0" encoding="ISO-8859-1"?>',
    b' type="x"',
    b' id="99999999999999999999999"',
    b' lat="-91"',
    b' lon="1e400"',
    b' ref="1_0"',
    b'"',
    b"'",
    b"=",
    b"\x00",
    b"\xff",
    b"\xc3",
    b"\xef\xbb\xbf",
    b'generator="OSMnx"',
]

XML_VALUES = (
    b"nan",
    b"inf",
    b"",
    b"-1",
    b"0",
    b"1e400",
    b"99999999999999999999",
    b"101",
    b"301",
    b"x",
    b"yes",
    b"45.0",
    b"-91",
    b"181",
    b"1_0",
    b" 5 ",
    b"&amp;",
    b"&lt;",
    b"primary",
    b"rail",
    b"building",
    b"&#x1F600;",
    "é".encode(),
    b"reversible",
    b"[1, 2]",
    b"None",
    b"True",
)


@budget(200)
@given(content=st.binary(max_size=600), name=st.sampled_from(["bytes.osm", "bytes.osm.bz2", "bytes.graphml"]))
def test_network_reader_on_bytes(folder: Path, content: bytes, name: str) -> None:
    only_documented(read_network, folder / name, content)


@budget(800)
@given(edits=mutations(XML_TOKENS, XML_VALUES), compress=st.booleans())
def test_network_reader_on_osm_mutations(folder: Path, edits: list[Edit], compress: bool) -> None:
    content = mutate(TOWN, edits)
    if compress:
        only_documented(read_network, folder / "mutated.osm.bz2", bz2.compress(content))
    else:
        only_documented(read_network, folder / "mutated.osm", content)


@pytest.fixture(scope="module")
def graphml(folder: Path) -> Path:
    import osmnx as ox

    path = folder / "town.graphml"
    ox.save_graphml(read_network(DATA / "border_town.osm"), path)
    return path


GRAPHML_TOKENS = [
    *XML_TOKENS[:6],
    b"</graph>",
    b"</graphml>",
    b"<graph/>",
    b'<node id="x"/>',
    b'<node id="1"><data key="d5">abc</data></node>',
    b'<edge source="101" target="404"/>',
    b'<data key="d99">1</data>',
    b'<key id="d5" for="node" attr.name="x" attr.type="nonsense"/>',
    b">nan<",
    b">inf<",
    b">True<",
    b">-1<",
    b'<!DOCTYPE graphml [<!ENTITY a "aaaa">]>',
]


@budget(300)
@given(edits=mutations(GRAPHML_TOKENS, XML_VALUES))
def test_network_reader_on_graphml_mutations(folder: Path, graphml: Path, edits: list[Edit]) -> None:
    only_documented(read_network, folder / "mutated.graphml", mutate(graphml.read_bytes(), edits))


# ---------------------------------------------------------------------------
# route files

GEOJSON = json.dumps(
    {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"name": "fuzz"},
                "geometry": {"type": "LineString", "coordinates": [[45.0, 40.0], [45.1, 40.1], [45.2, 40.1]]},
            },
            {
                "type": "Feature",
                "properties": {"name": "stop"},
                "geometry": {"type": "Point", "coordinates": [45.1, 40.1]},
            },
        ],
    },
    indent=1,
).encode()
JSON_TOKENS = [
    b"[",
    b"]",
    b"{",
    b"}",
    b",",
    b":",
    b'"',
    b"null",
    b"true",
    b"NaN",
    b"Infinity",
    b"-Infinity",
    b"1e999",
    b"120",
    b"-400",
    b"9" * 400,
    b"[45.0, 40.0]",
    b"[[45.0, 40.0]]",
    b"[]",
    b'"Polygon"',
    b'"MultiLineString"',
    b'"GeometryCollection"',
    b'"Point"',
    b'"crs": {"type": "name", "properties": {"name": "EPSG:3857"}},',
    b'"crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::999999"}},',
    b'"crs": {"type": "link", "properties": {"href": "file:///etc/passwd"}},',
    b'"bbox": [1, 2],',
    b'"id": 1,',
    b"\\u0000",
    b"\x00",
    b"\xff",
]

JSON_VALUES = (
    b"NaN",
    b"Infinity",
    b"-Infinity",
    b"1e999",
    b"1e-400",
    b"120",
    b"-400",
    b"0",
    b"-0",
    b"null",
    b"[]",
    b"[1]",
    b'"x"',
    b"true",
    b"9" * 400,
    b"45.0",
    b"40.0",
)


@budget(200)
@given(content=st.binary(max_size=600), name=st.sampled_from(["b.geojson", "b.gpkg", "b.fgb", "b.kml", "b.gpx"]))
def test_route_reader_on_bytes(folder: Path, content: bytes, name: str) -> None:
    only_documented(read_route, folder / name, content)


@budget(800)
@given(edits=mutations(JSON_TOKENS, JSON_VALUES))
def test_route_reader_on_geojson_mutations(folder: Path, edits: list[Edit]) -> None:
    only_documented(read_route, folder / "mutated.geojson", mutate(GEOJSON, edits))


_coordinate = st.one_of(
    st.floats(min_value=-200, max_value=200),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([45.0, 40.0, 45.1, 40.1, 90.0, 180.0, 1e308]),
)
_position = st.lists(_coordinate, min_size=0, max_size=4)
_positions = st.lists(_position, max_size=6)
_geometry = st.one_of(
    st.none(),
    st.fixed_dictionaries({"type": st.sampled_from(["Point", "MultiPoint"]), "coordinates": _position | _positions}),
    st.fixed_dictionaries(
        {"type": st.sampled_from(["LineString", "MultiLineString", "Polygon", "Bogus"]), "coordinates": _positions}
    ),
    st.fixed_dictionaries(
        {
            "type": st.sampled_from(["MultiLineString", "Polygon", "MultiPolygon"]),
            "coordinates": st.lists(_positions, max_size=3),
        }
    ),
)
_feature = st.fixed_dictionaries(
    {
        "type": st.just("Feature"),
        "properties": st.dictionaries(st.sampled_from(["name", "Name", "x"]), _scalars, max_size=2) | st.none(),
        "geometry": _geometry,
    }
)


@budget(400)
@given(features=st.lists(_feature, max_size=4))
def test_route_reader_on_geojson_structures(folder: Path, features: list[dict[str, Any]]) -> None:
    text = json.dumps({"type": "FeatureCollection", "features": features}, allow_nan=True)
    only_documented(read_route, folder / "structure.geojson", text.encode())


KML = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2"><Document>'
    b"<Placemark><name>r</name><LineString><coordinates>45.0,40.0 45.1,40.1 45.2,40.1</coordinates>"
    b"</LineString></Placemark><Placemark><name>s</name><Point><coordinates>45.1,40.1</coordinates></Point>"
    b"</Placemark></Document></kml>\n"
)
GPX = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="t" xmlns="http://www.topografix.com/GPX/1/1">'
    b'<wpt lat="40.1" lon="45.1"><name>s</name></wpt><trk><name>r</name><trkseg><trkpt lat="40.0" lon="45.0"/>'
    b'<trkpt lat="40.1" lon="45.1"/><trkpt lat="40.1" lon="45.2"/></trkseg></trk></gpx>\n'
)
ROUTE_XML_TOKENS = [
    *XML_TOKENS[:3],
    b"</kml>",
    b"</Placemark>",
    b"<Polygon/>",
    b"<coordinates>nan,inf</coordinates>",
    b"<coordinates>45,120 45,121</coordinates>",
    b"<coordinates></coordinates>",
    b'<trkpt lat="nan" lon="45"/>',
    b'<trkpt lat="120" lon="45"/>',
    b"</trkseg>",
    b"<trkseg>",
    b'<!DOCTYPE kml [<!ENTITY a "aaaa">]>',
    b"&a;",
    b"\xff",
]


@budget(400)
@given(edits=mutations(ROUTE_XML_TOKENS, XML_VALUES + JSON_VALUES), kml=st.booleans())
def test_route_reader_on_kml_and_gpx_mutations(folder: Path, edits: list[Edit], kml: bool) -> None:
    if kml:
        only_documented(read_route, folder / "mutated.kml", mutate(KML, edits))
    else:
        only_documented(read_route, folder / "mutated.gpx", mutate(GPX, edits))
