"""Hostile files: every parser gives a clear, documented error (or the right answer), fast.

Three readers, one table of cases each: the scenario YAML reader (:meth:`Scenario.read`),
the network reader (:func:`corridor.read_network`: OSM XML, ``.osm.bz2``, GraphML) and the
route reader (:func:`corridor.read_route`: GeoJSON, GPKG, FlatGeobuf, KML, GPX).  Each case
writes a file, reads it, and checks the *exact* exception class and a key phrase of its
message (which always names the file), or the value read.  ``test_*_limit_is_fast`` check
that a limit stops the reader instead of letting it hang or exhaust memory: their bound is a
generous ceiling against hanging (10–20 s), not a speed target (the limits answer in
milliseconds; speed is for ``benchmarks/``).
"""

from __future__ import annotations

import bz2
import codecs
import json
import os
import random
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pytest
import shapely

from corridor import Scenario, read_network, read_route
from corridor.errors import CRSError, DataError, GeometryError, ScenarioError
from corridor.scenario import MAX_YAML_BYTES

#: Ceiling (seconds) for a reader to refuse a hostile file: it must not hang, however busy the machine.
HANG_S = 10.0

DATA = Path(__file__).parent / "data"
TOWN = (DATA / "border_town.osm").read_bytes()
OAKLAND = (DATA / "West-Oakland.osm.bz2").read_bytes()
POSIX = os.name == "posix"


@dataclass(frozen=True)
class Case:
    """A file to write (bytes, or a function of the folder that makes it) and what reading it gives."""

    id: str
    name: str
    content: bytes | Callable[[Path], Path]
    expect: type[BaseException] | Callable[[Any], Any]
    match: str = ""
    kw: tuple[tuple[str, Any], ...] = ()


def _make(case: Case, folder: Path) -> Path:
    if callable(case.content):
        return case.content(folder)
    path = folder / case.name
    path.write_bytes(case.content)
    return path


def _check(case: Case, read: Callable[..., Any], folder: Path) -> None:
    path = _make(case, folder)
    if isinstance(case.expect, type) and issubclass(case.expect, BaseException):
        with pytest.raises(BaseException) as info:
            read(path, **dict(case.kw))
        assert type(info.value) is case.expect, f"{type(info.value).__name__}: {info.value}"
        assert case.match in str(info.value)
        if not isinstance(info.value, FileNotFoundError):
            assert path.name in str(info.value), "the message names the file"
    else:
        case.expect(read(path, **dict(case.kw)))


def _symlink_to(target: str, name: str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        path.symlink_to(target)
        return path

    return make


def _fifo(name: str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        os.mkfifo(path)
        return path

    return make


def _folder(name: str) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        path.mkdir()
        return path

    return make


def _missing(name: str) -> Callable[[Path], Path]:
    return lambda folder: folder / name


def _garbage(n: int, seed: int = 7) -> bytes:
    return random.Random(seed).randbytes(n)


def _posix(case: Case) -> Any:
    return pytest.param(case, id=case.id, marks=pytest.mark.skipif(not POSIX, reason="POSIX files"))


# ---------------------------------------------------------------------------
# scenario YAML

VALID = b"name: x\nlegs:\n  - places: [Meghri, Ordubad]\n"


def _alias_levels(levels: int, width: int) -> bytes:
    lines = [f"a0: &a0 [{', '.join(['x'] * width)}]"]
    for k in range(1, levels):
        lines.append(f"a{k}: &a{k} [{', '.join([f'*a{k - 1}'] * width)}]")
    return ("\n".join(lines) + "\nname: bomb\nlegs: []\n").encode()


def _block_depth(depth: int) -> bytes:
    return b"".join(b" " * k + b"k:\n" for k in range(depth)) + b" " * depth + b"v\n"


def _is_scenario(name: str, legs: int) -> Callable[[Scenario], None]:
    def check(s: Scenario) -> None:
        assert (s.name, len(s.legs)) == (name, legs)

    return check


def _merged(s: Scenario) -> None:
    assert [leg.places for leg in s.legs] == [["Meghri", "Ordubad"], ["Ordubad", "Julfa"]]
    assert [leg.mode for leg in s.legs] == ["road", "road"]


def _depth_50_passes_the_limit(text: bytes) -> bytes:
    return text + b"description: " + b"[" * 49 + b"x" + b"]" * 49 + b"\n"


SCENARIO_CASES = [
    # encoding and bytes
    Case("valid", "s.yaml", VALID, _is_scenario("x", 1)),
    Case("utf8 bom", "s.yaml", codecs.BOM_UTF8 + VALID, _is_scenario("x", 1)),
    Case("binary garbage", "s.yaml", _garbage(4000), ScenarioError, "not UTF-8"),
    Case("latin-1", "s.yaml", "name: café\nlegs: []\n".encode("latin-1"), ScenarioError, "byte offset 9"),
    Case("utf-16", "s.yaml", VALID.decode().encode("utf-16"), ScenarioError, "UTF-16"),
    Case("utf-32", "s.yaml", VALID.decode().encode("utf-32"), ScenarioError, "UTF-32"),
    Case("truncated utf-8", "s.yaml", VALID + "é".encode()[:1], ScenarioError, "byte offset 44"),
    Case("nul byte", "s.yaml", b"name: x\x00\nlegs: []\n", ScenarioError, "control characters are not allowed"),
    Case("empty", "s.yaml", b"", ScenarioError, "holds no YAML document"),
    Case("only a comment", "s.yaml", b"# nothing\n", ScenarioError, "holds no YAML document"),
    Case("a list", "s.yaml", b"- a\n- b\n", ScenarioError, "expected a mapping"),
    Case("a scalar", "s.yaml", b"42\n", ScenarioError, "expected a mapping"),
    Case("too large", "s.yaml", b"name: x\n" + b"#" * MAX_YAML_BYTES, ScenarioError, "limited to 1,000,000 bytes"),
    # syntax
    Case("unclosed", "s.yaml", b"name: [unclosed\n", ScenarioError, "not valid scenario YAML (line"),
    Case("tab indent", "s.yaml", b"name: x\nlegs:\n\t- places: [a, b]\n", ScenarioError, "not valid scenario YAML"),
    Case("two documents", "s.yaml", VALID + b"---\n" + VALID, ScenarioError, "another document"),
    Case("python tag", "s.yaml", b"name: !!python/object/apply:os.system ['true']\n", ScenarioError, "constructor"),
    Case("unhashable key", "s.yaml", b"? [a, b]\n: c\n", ScenarioError, "unhashable key"),
    Case("bad timestamp", "s.yaml", VALID + b"description: 2024-13-45\n", ScenarioError, "as timestamp"),
    Case("bad hex int", "s.yaml", VALID + b"description: !!int '0x'\n", ScenarioError, "cannot read '0x' as int"),
    Case(
        "bad base64", "s.yaml", VALID + b"description: !!binary 'abc'\n", ScenarioError, "failed to decode base64 data"
    ),
    # depth
    Case("[ x 1000", "s.yaml", b"[" * 1000, ScenarioError, "nested more than 50 levels"),
    Case("[ x 100000", "s.yaml", b"[" * 100_000, ScenarioError, "nesting depth"),
    Case("- x 100000", "s.yaml", b"- " * 100_000 + b"x\n", ScenarioError, "nested more than 50 levels"),
    Case("{a: x 100000", "s.yaml", b"{a: " * 100_000, ScenarioError, "nested more than 50 levels"),
    Case("block depth 60", "s.yaml", _block_depth(60), ScenarioError, "nested more than 50 levels"),
    Case("depth 50 passes", "s.yaml", _depth_50_passes_the_limit(VALID), ScenarioError, "`description`: Input"),
    # nodes and aliases
    Case("101 aliases", "s.yaml", b"a: &a x\nb: [" + b"*a, " * 100 + b"*a]\n", ScenarioError, "more than 100 aliases"),
    Case(
        "100 aliases pass",
        "s.yaml",
        b"name: &n x\nlegs:\n  - places: [" + b"*n, " * 99 + b"*n]\n",
        _is_scenario("x", 1),
    ),
    Case("alias bomb (90 aliases)", "s.yaml", _alias_levels(10, 10), ScenarioError, "more than 200,000 values"),
    Case("wide list", "s.yaml", b"a: [" + b"x, " * 250_000 + b"x]\n", ScenarioError, "more than 200,000 values"),
    Case("recursive alias", "s.yaml", b"a: &a [*a]\n", ScenarioError, "refers to a collection that contains it"),
    Case("undefined alias", "s.yaml", b"name: *nope\n", ScenarioError, "undefined alias"),
    # duplicate keys
    Case(
        "duplicate key", "s.yaml", VALID + b"name: y\n", ScenarioError, "duplicate key 'name' (first given on line 1)"
    ),
    Case(
        "duplicate nested key",
        "s.yaml",
        VALID + b"    places: [Kars, Gyumri]\n",
        ScenarioError,
        "line 4, column 5): duplicate key 'places' (first given on line 3)",
    ),
    Case(
        "merge key overrides",
        "s.yaml",
        b"name: m\nlegs:\n  - &leg {places: [Meghri, Ordubad], mode: road}\n"
        b"  - <<: *leg\n    places: [Ordubad, Julfa]\n",
        _merged,
    ),
    # numbers
    Case(
        "5000-digit int",
        "s.yaml",
        VALID + b"parameters: {cost_per_km: " + b"1" * 5000 + b"}\n",
        ScenarioError,
        "limited to 100",
    ),
    Case(
        "base-60 int",
        "s.yaml",
        VALID + b"parameters: {cost_per_km: " + b"1:" * 50_000 + b"1}\n",
        ScenarioError,
        "limited to 100",
    ),
    Case(
        "!!int 200 digits",
        "s.yaml",
        VALID + b"description: !!int '" + b"9" * 200 + b"'\n",
        ScenarioError,
        "limited to 100",
    ),
    Case(
        "!!float 200 digits",
        "s.yaml",
        VALID + b"description: !!float '1." + b"5" * 200 + b"'\n",
        ScenarioError,
        "limited to 100",
    ),
    Case(
        "cost .inf",
        "s.yaml",
        VALID + b"parameters: {cost_per_km: .inf}\n",
        ScenarioError,
        "`parameters.cost_per_km`: Input should be a finite number",
    ),
    Case(
        "crossing cost .nan",
        "s.yaml",
        VALID + b"parameters: {cost_per_crossing: .nan}\n",
        ScenarioError,
        "finite number",
    ),
    Case(
        "speed -.inf",
        "s.yaml",
        VALID + b"parameters: {speeds_kmh: {rail: -.inf}}\n",
        ScenarioError,
        "`parameters.speeds_kmh.rail`: Input should be a finite",
    ),
    Case(
        "leg speed .nan",
        "s.yaml",
        VALID + b"    speed_kmh: .nan\n",
        ScenarioError,
        "`legs[0].speed_kmh`: Input should be a finite",
    ),
    Case("leg speed 1e400", "s.yaml", VALID + b"    speed_kmh: 1.0e+400\n", ScenarioError, "finite number (got inf)"),
    Case(
        "dwell .inf",
        "s.yaml",
        VALID + b"parameters: {dwell: {default_h: .inf}}\n",
        ScenarioError,
        "`parameters.dwell.default_h`",
    ),
    Case(
        "border dwell .nan",
        "s.yaml",
        VALID + b"parameters: {dwell: {per_border: {ARM-AZE: .nan}}}\n",
        ScenarioError,
        "finite number",
    ),
    Case(
        "offset .inf",
        "s.yaml",
        b"name: x\nlegs:\n  - along_border: {a: ARM, b: IRN, side: ARM, offset_m: .inf}\n",
        ScenarioError,
        "`legs[0].along_border.offset_m`: Input should be a finite",
    ),
    Case(
        "coords .nan",
        "s.yaml",
        b"name: x\nlegs:\n  - coords: [[45, 40], [.nan, 40]]\n",
        ScenarioError,
        "`legs[0].coords[1][0]`",
    ),
    Case(
        "published .inf",
        "s.yaml",
        VALID + b"    published: {length_km: .inf, source: x}\n",
        ScenarioError,
        "`legs[0].published.length_km`: Input should be a finite",
    ),
    Case(
        "many errors",
        "s.yaml",
        b"name: x\nlegs:\n" + b"  - {places: [a]}\n" * 500,
        ScenarioError,
        "... and 480 more errors.",
    ),
    # not a file
    _posix(
        Case("symlink to /dev/zero", "s.yaml", _symlink_to("/dev/zero", "s.yaml"), ScenarioError, "not a regular file")
    ),
    _posix(Case("named pipe", "s.yaml", _fifo("s.yaml"), ScenarioError, "named pipe")),
    Case("folder", "s.yaml", _folder("s.yaml"), ScenarioError, "is a folder"),
    Case("missing", "s.yaml", _missing("s.yaml"), FileNotFoundError, "does not exist"),
]


@pytest.mark.parametrize("case", [c if not isinstance(c, Case) else pytest.param(c, id=c.id) for c in SCENARIO_CASES])
def test_hostile_scenario_file(case: Case, tmp_path: Path) -> None:
    _check(case, Scenario.read, tmp_path)


@pytest.mark.skipif(not POSIX or os.geteuid() == 0, reason="root reads any file")
def test_unreadable_scenario_is_a_permission_error(tmp_path: Path) -> None:
    p = tmp_path / "s.yaml"
    p.write_bytes(VALID)
    p.chmod(0)
    with pytest.raises(PermissionError):
        Scenario.read(p)


@pytest.mark.parametrize(
    ("content", "budget_s"),
    [
        pytest.param(b"[" * 100_000, HANG_S, id="[ x 100000"),
        pytest.param(b"- " * 100_000 + b"x", HANG_S, id="- x 100000"),
        pytest.param(b"{a: " * 100_000, HANG_S, id="{a: x 100000"),
        pytest.param(_block_depth(1000), HANG_S, id="block depth 1000"),
        pytest.param(_alias_levels(10, 10), HANG_S, id="alias bomb"),
        pytest.param(b"name: x\n" + b"#" * 50_000_000, HANG_S, id="50 MB file"),
        pytest.param(b"a: " + b"1:" * 400_000 + b"1\n", HANG_S, id="800 kB number"),
        pytest.param(b"a: [" + b"x, " * 300_000 + b"x]\n", HANG_S, id="300,000 values"),
    ],
)
def test_scenario_limit_is_fast(content: bytes, budget_s: float, tmp_path: Path) -> None:
    p = tmp_path / "s.yaml"
    p.write_bytes(content)
    t = time.perf_counter()
    with pytest.raises(ScenarioError):
        Scenario.read(p)
    assert time.perf_counter() - t < budget_s


@pytest.mark.skipif(not POSIX, reason="POSIX devices")
def test_dev_zero_is_refused_fast(tmp_path: Path) -> None:
    t = time.perf_counter()
    for path in ("/dev/zero", "/dev/urandom"):
        with pytest.raises(ScenarioError, match="not a regular file"):
            Scenario.read(path)
    assert time.perf_counter() - t < HANG_S


# ---------------------------------------------------------------------------
# OSM XML and GraphML

NODE = b'<node id="1" lat="39" lon="45"/><node id="2" lat="39.01" lon="45"/>'
WAY = b'<way id="9"><nd ref="1"/><nd ref="2"/><tag k="highway" v="primary"/></way>'


def _osm(body: bytes) -> bytes:
    return b'<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6">' + body + b"</osm>\n"


LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE osm [\n <!ENTITY a "lollollollollollollollollollol">\n'
    + b"".join(f' <!ENTITY {chr(98 + k)} "{("&" + chr(97 + k) + ";") * 10}">\n'.encode() for k in range(9))
    + b"]>\n<osm>&j;</osm>\n"
)
XXE = (
    b'<?xml version="1.0"?>\n<!DOCTYPE osm [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
    b'<osm><node id="1" lat="1" lon="1"><tag k="a" v="&x;"/></node></osm>'
)
EXTERNAL_DTD = (
    b'<?xml version="1.0"?>\n<!DOCTYPE osm SYSTEM "http://example.com/osm.dtd">\n<osm>' + NODE + WAY + b"</osm>"
)
PARAMETER_ENTITY = (
    b'<?xml version="1.0"?>\n<!DOCTYPE osm [<!ENTITY % p SYSTEM "http://example.com/p.dtd"> %p;]>\n<osm/>'
)


def _one_edge_pair(G: Any) -> None:
    assert (len(G), len(G.edges)) == (2, 2)


def _town_graph(G: Any) -> None:
    assert (len(G), len(G.edges)) == (15, 35)


def _oakland_graph(G: Any) -> None:
    assert (len(G), len(G.edges)) == (55, 114)


def _graphml(folder: Path) -> Path:
    import osmnx as ox

    path = folder / "town.graphml"
    ox.save_graphml(read_network(DATA / "border_town.osm"), path)
    return path


def _graphml_edited(old: bytes, new: bytes) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = _graphml(folder)
        path.write_bytes(path.read_bytes().replace(old, new, 1))
        return path

    return make


def _bz2_bomb(folder: Path) -> Path:
    path = folder / "bomb.osm.bz2"
    with bz2.open(path, "wb") as f:
        f.write(b"<osm>")
        for _ in range(20):
            f.write(b" " * 1_000_000)
        f.write(b"</osm>")
    return path


NETWORK_CASES = [
    Case("town", "town.osm", TOWN, _town_graph),
    Case("utf8 bom", "town.osm", codecs.BOM_UTF8 + TOWN, _town_graph),
    Case("oakland bz2", "oak.osm.bz2", OAKLAND, _oakland_graph),
    Case("oakland BZ2 upper case", "OAK.OSM.BZ2", OAKLAND, _oakland_graph),
    Case("town as bz2", "town.xml.bz2", bz2.compress(TOWN), _town_graph),
    # not XML, not complete
    Case("truncated", "t.osm", TOWN[: len(TOWN) // 2], DataError, "not well-formed XML at line"),
    Case("truncated bz2", "t.osm.bz2", OAKLAND[: len(OAKLAND) // 2], DataError, "cannot decompress"),
    Case("empty", "e.osm", b"", DataError, "the file is empty"),
    Case("empty bz2", "e.osm.bz2", b"", DataError, "cannot decompress"),
    Case("bz2 of nothing", "e.osm.bz2", bz2.compress(b""), DataError, "the file is empty"),
    Case("text", "t.osm", b"hello world\n", DataError, "not well-formed XML at line 1"),
    Case("binary garbage", "g.osm", _garbage(3000), DataError, "not UTF-8"),
    Case("binary garbage bz2", "g.osm.bz2", _garbage(3000), DataError, "Invalid data stream"),
    Case("bz2 of garbage", "g.osm.bz2", bz2.compress(_garbage(3000)), DataError, "not UTF-8"),
    Case("html", "h.osm", b"<html><body/></html>", DataError, "the root element is <html>, expected <osm>"),
    Case("two roots", "t.osm", _osm(NODE + WAY) + b"<osm/>", DataError, "junk after document element"),
    Case("bad close tag", "t.osm", _osm(NODE + WAY).replace(b"</way>", b"</node>"), DataError, "mismatched tag"),
    # DTDs and entities
    Case("billion laughs", "l.osm", LAUGHS, DataError, "document type declaration (<!DOCTYPE osm>)"),
    Case("billion laughs bz2", "l.osm.bz2", bz2.compress(LAUGHS), DataError, "document type declaration"),
    Case("external entity", "x.osm", XXE, DataError, "document type declaration"),
    Case("external dtd", "x.osm", EXTERNAL_DTD, DataError, "document type declaration"),
    Case("parameter entity", "x.osm", PARAMETER_ENTITY, DataError, "document type declaration"),
    Case(
        "undeclared entity",
        "x.osm",
        _osm(b'<node id="1" lat="1" lon="1"><tag k="a" v="&x;"/></node>'),
        DataError,
        "undefined entity",
    ),
    # encoding
    Case(
        "latin-1 bytes",
        "l.osm",
        TOWN.replace(b"Market Street", "Café".encode("latin-1")),
        DataError,
        "not UTF-8: the byte at offset",
    ),
    Case(
        "declared latin-1",
        "l.osm",
        b'<?xml version="1.0" encoding="ISO-8859-1"?><osm/>',
        DataError,
        "declares encoding 'ISO-8859-1'",
    ),
    Case("utf-16", "u.osm", TOWN.decode().encode("utf-16"), DataError, "UTF-16"),
    # structure osmnx relies on
    Case(
        "lat nan",
        "n.osm",
        _osm(NODE.replace(b'lat="39"', b'lat="nan"') + WAY),
        DataError,
        "`lat` is not a number within ±90°",
    ),
    Case(
        "lon 200",
        "n.osm",
        _osm(NODE.replace(b'lon="45"', b'lon="200"', 1) + WAY),
        DataError,
        "`lon` is not a number within ±180°",
    ),
    Case(
        "lat missing",
        "n.osm",
        _osm(NODE.replace(b' lat="39"', b"") + WAY),
        DataError,
        "`lat` is not a number within ±90° (got none)",
    ),
    Case("id not int", "n.osm", _osm(NODE.replace(b'id="1"', b'id="one"') + WAY), DataError, "`id` is not an integer"),
    Case("id of 19 digits", "n.osm", _osm(NODE + WAY).replace(b'id="9"', b'id="' + b"9" * 19 + b'"'), _one_edge_pair),
    Case(
        "id of 20 digits",
        "n.osm",
        _osm(NODE + WAY).replace(b'id="9"', b'id="' + b"9" * 20 + b'"'),
        DataError,
        "a <way> whose `id` is not an integer of at most 19 digits",
    ),
    Case(
        "id 5000 digits",
        "n.osm",
        _osm(NODE.replace(b'id="1"', b'id="' + b"9" * 5000 + b'"') + WAY),
        DataError,
        "at most 19 digits",
    ),
    Case("nd ref not int", "n.osm", _osm(NODE + WAY.replace(b'ref="2"', b'ref="2.5"')), DataError, "<nd> whose `ref`"),
    Case(
        "tag outside", "n.osm", _osm(b'<tag k="highway" v="primary"/>' + NODE + WAY), DataError, "a <tag> inside <osm>"
    ),
    Case(
        "tag without v", "n.osm", _osm(NODE + WAY.replace(b' v="primary"', b"")), DataError, "without its `k` and `v`"
    ),
    Case(
        "nd in node",
        "n.osm",
        _osm(b'<node id="1" lat="1" lon="1"><nd ref="2"/></node>'),
        DataError,
        "a <nd> inside <node>",
    ),
    Case(
        "node in way",
        "n.osm",
        _osm(WAY.replace(b"</way>", b'<node id="3" lat="1" lon="1"/></way>')),
        DataError,
        "belongs directly in <osm>",
    ),
    Case(
        "type attribute",
        "n.osm",
        _osm(NODE.replace(b'id="1"', b'id="1" type="x"') + WAY),
        DataError,
        "attribute `type`",
    ),
    Case(
        "deep nesting",
        "d.osm",
        b"<osm>" + b"<a>" * 100_000 + b"</a>" * 100_000 + b"</osm>",
        DataError,
        "nested more than 64",
    ),
    Case(
        "way to missing node",
        "m.osm",
        _osm(NODE + WAY.replace(b'ref="2"', b'ref="3"')),
        DataError,
        "Some edges missing nodes",
    ),
    Case("no ways", "w.osm", _osm(NODE), DataError, "holds no ways"),
    Case(
        "only a building",
        "b.osm",
        _osm(NODE + WAY.replace(b'k="highway"', b'k="building"')),
        DataError,
        "no `highway` or `railway`",
    ),
    # limits
    Case(
        "bz2 bomb", "b.osm.bz2", _bz2_bomb, DataError, "more than 1,000,000 bytes of XML", (("max_bytes", 1_000_000),)
    ),
    Case("plain file over max_bytes", "t.osm", TOWN, DataError, "more than 1,000 bytes", (("max_bytes", 1000),)),
    # GraphML
    Case("graphml", "town.graphml", _graphml, _town_graph),
    Case("graphml dtd", "l.graphml", LAUGHS.replace(b"osm", b"graphml"), DataError, "document type declaration"),
    Case("graphml wrong root", "w.graphml", TOWN, DataError, "expected <graphml>: this is not GraphML"),
    Case("graphml truncated", "t.graphml", lambda f: _trunc(_graphml(f)), DataError, "not well-formed XML"),
    Case(
        "graphml node id not int",
        "t.graphml",
        _graphml_edited(b'<node id="101">', b'<node id="x101">'),
        DataError,
        "Cannot read",
    ),
    Case("graphml x not float", "t.graphml", _graphml_edited(b">44.982<", b">east<"), DataError, "Cannot read"),
    Case(
        "graphml without x/y",
        "t.graphml",
        b'<graphml><graph edgedefault="directed"><node id="1"/><node id="2"/>'
        b'<edge source="1" target="2"/></graph></graphml>',
        DataError,
        "node 1 has no (lon, lat)",
    ),
    Case("graphml without graph", "t.graphml", b"<graphml/>", DataError, "Cannot read"),
    # not a file, or not an XML file name
    _posix(Case("symlink to /dev/zero", "z.osm", _symlink_to("/dev/zero", "z.osm"), DataError, "not a regular file")),
    _posix(
        Case(
            "symlink to /dev/zero bz2",
            "z.osm.bz2",
            _symlink_to("/dev/zero", "z.osm.bz2"),
            DataError,
            "not a regular file",
        )
    ),
    _posix(Case("named pipe", "p.osm", _fifo("p.osm"), DataError, "named pipe")),
    Case("folder", "f.osm", _folder("f.osm"), DataError, "is a folder"),
    Case("missing", "m.osm", _missing("m.osm"), FileNotFoundError, "does not exist"),
]


def _trunc(path: Path) -> Path:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


@pytest.mark.parametrize("case", [c if not isinstance(c, Case) else pytest.param(c, id=c.id) for c in NETWORK_CASES])
def test_hostile_network_file(case: Case, tmp_path: Path) -> None:
    _check(case, read_network, tmp_path)


def test_network_limits_are_fast(tmp_path: Path) -> None:
    bomb = _bz2_bomb(tmp_path)
    deep = tmp_path / "d.osm"
    deep.write_bytes(b"<osm>" + b"<a>" * 1_000_000 + b"</a>" * 1_000_000 + b"</osm>")
    laughs = tmp_path / "l.osm"
    laughs.write_bytes(LAUGHS)
    t = time.perf_counter()
    with pytest.raises(DataError, match="more than 1,000,000 bytes"):
        read_network(bomb, max_bytes=1_000_000)
    with pytest.raises(DataError, match="nested more than 64"):
        read_network(deep)
    with pytest.raises(DataError, match="document type declaration"):
        read_network(laughs)
    assert time.perf_counter() - t < HANG_S


def test_network_stops_reading_a_bz2_bomb_at_max_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The decompressed bytes read are counted: no more than max_bytes + one chunk."""
    import corridor._xml as xml

    read: list[int] = []
    original = xml._read

    def counting(stream: Any, where: str, error: Any) -> bytes:
        chunk = original(stream, where, error)
        read.append(len(chunk))
        return chunk

    monkeypatch.setattr(xml, "_read", counting)
    with pytest.raises(DataError, match="max_bytes"):
        read_network(_bz2_bomb(tmp_path), max_bytes=3_000_000)
    assert 3_000_000 < sum(read) <= 3_000_000 + 65_536


# ---------------------------------------------------------------------------
# route files


def _geojson(coords: list[Any], gtype: str = "LineString", extra: str = "") -> bytes:
    features = [
        {"type": "Feature", "properties": {"name": "r"}, "geometry": {"type": gtype, "coordinates": c}} for c in coords
    ]
    text = json.dumps({"type": "FeatureCollection", "features": features})
    return text.replace('{"type": "FeatureCollection",', '{"type": "FeatureCollection",' + extra, 1).encode()


LINE = [[45.0, 40.0], [45.1, 40.1]]
GOOD = _geojson([LINE])


def _written(name: str, geoms: list[Any], crs: Any = 4326) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        path = folder / name
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # geopandas: "no CRS"
            gpd.GeoDataFrame({"name": ["r"] * len(geoms)}, geometry=geoms, crs=crs).to_file(path)
        return path

    return make


def _route_km(km: float) -> Callable[[Any], None]:
    def check(r: Any) -> None:
        assert r.length_km == pytest.approx(km, abs=0.05)

    return check


KML = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark>'
    b"<name>r</name><LineString><coordinates>45.0,40.0 45.1,40.1</coordinates></LineString>"
    b"</Placemark></Document></kml>\n"
)
GPX = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="t" xmlns="http://www.topografix.com/GPX/1/1">'
    b'<trk><name>r</name><trkseg><trkpt lat="40.0" lon="45.0"/><trkpt lat="40.1" lon="45.1"/></trkseg></trk></gpx>\n'
)
DOCTYPE_KML = b'<?xml version="1.0"?>\n<!DOCTYPE kml [<!ENTITY a "aaaa">]>\n' + KML.split(b"\n", 1)[1]
MANY = [[45.0 + k * 1e-5, 40.0] for k in range(2001)]

ROUTE_CASES = [
    Case("good geojson", "r.geojson", GOOD, _route_km(14.0)),
    Case("good kml", "r.kml", KML, _route_km(14.0)),
    Case("good gpx", "r.gpx", GPX, _route_km(14.0)),
    # garbage and truncation
    Case("garbage geojson", "r.geojson", _garbage(3000), DataError, "Cannot read"),
    Case("garbage gpkg", "r.gpkg", _garbage(3000), DataError, "Cannot read"),
    Case("garbage fgb", "r.fgb", _garbage(3000), DataError, "Cannot read"),
    Case("garbage shp", "r.shp", _garbage(3000), DataError, "Cannot read"),
    Case("garbage kml", "r.kml", _garbage(3000), DataError, "not well-formed XML"),
    Case("garbage gpx", "r.gpx", _garbage(3000), DataError, "not well-formed XML"),
    Case("truncated geojson", "r.geojson", GOOD[: len(GOOD) // 2], DataError, "Cannot read"),
    Case("empty geojson", "r.geojson", b"", DataError, "Cannot read"),
    Case("truncated kml", "r.kml", KML[:-40], DataError, "not well-formed XML"),
    Case("truncated gpx", "r.gpx", GPX[:-40], DataError, "not well-formed XML"),
    Case("json, not geojson", "r.geojson", b'{"a": [1, 2, 3]}', DataError, "Cannot read"),
    # XML route formats
    Case("kml with a dtd", "r.kml", DOCTYPE_KML, DataError, "document type declaration"),
    Case("gpx billion laughs", "r.gpx", LAUGHS, DataError, "document type declaration"),
    Case("kml wrong root", "r.kml", GPX, DataError, "expected <kml>: this is not KML"),
    Case("gpx wrong root", "r.gpx", KML, DataError, "expected <gpx>: this is not GPX"),
    Case(
        "kml in utf-7", "r.kml", KML.replace(b"UTF-8", b"UTF-7"), DataError, "declares an encoding that cannot be read"
    ),
    Case("gpx in 'nan'", "r.gpx", GPX.replace(b"UTF-8", b"nan"), DataError, "declares an encoding that cannot be read"),
    # coordinates
    Case("nan coordinate", "r.geojson", GOOD.replace(b"40.1", b"NaN"), GeometryError, "NaN or infinite"),
    Case("infinite coordinate", "r.geojson", GOOD.replace(b"40.1", b"Infinity"), GeometryError, "NaN or infinite"),
    Case("latitude 120", "r.geojson", GOOD.replace(b"40.1", b"120"), GeometryError, "Latitude 120.0"),
    Case("longitude 500", "r.geojson", GOOD.replace(b"45.1", b"500"), GeometryError, "looks projected"),
    Case("number 1e999", "r.geojson", GOOD.replace(b"40.1", b"1e999"), DataError, "Cannot read"),
    Case("gpx latitude 120", "r.gpx", GPX.replace(b'lat="40.1"', b'lat="120"'), GeometryError, "Latitude 120.0"),
    # no lines
    Case(
        "empty featurecollection",
        "r.geojson",
        b'{"type": "FeatureCollection", "features": []}',
        GeometryError,
        "holds no lines",
    ),
    Case(
        "null geometry",
        "r.geojson",
        b'{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {}, "geometry": null}]}',
        GeometryError,
        "holds no lines",
    ),
    Case("points only", "r.geojson", _geojson([[45.0, 40.0], [45.1, 40.1]], "Point"), GeometryError, "only points"),
    Case(
        "polygon",
        "r.geojson",
        _geojson([[[[45, 40], [45.1, 40.1], [45.1, 40], [45, 40]]]], "Polygon"),
        GeometryError,
        "holds a Polygon",
    ),
    Case("one-vertex line", "r.geojson", _geojson([[[45.0, 40.0]]]), DataError, "Cannot read"),
    Case("multiline with an empty part", "r.geojson", _geojson([[[], LINE]], "MultiLineString"), _route_km(14.0)),
    Case(
        "zero-length line", "r.geojson", _geojson([[LINE[0], LINE[0]]]), GeometryError, "at least two distinct points"
    ),
    Case("string coordinates", "r.geojson", _geojson([[["a", "b"], [45.1, 40.1]]]), GeometryError, "holds no lines"),
    Case(
        "empty gpx",
        "r.gpx",
        b'<?xml version="1.0"?><gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"/>',
        GeometryError,
        "holds no lines",
    ),
    # CRS
    Case("no crs", "r.fgb", _written("r.fgb", [shapely.LineString(LINE)], crs=None), CRSError, "has no CRS"),
    Case(
        "projected crs",
        "r.gpkg",
        _written("r.gpkg", [shapely.LineString([(500000, 4400000), (510000, 4410000)])], "EPSG:32638"),
        _route_km(14.1),
    ),
    # size
    Case(
        "over max_vertices",
        "r.geojson",
        _geojson([MANY]),
        GeometryError,
        "holds 2,001 vertices",
        (("max_vertices", 2000),),
    ),
    Case("at max_vertices", "r.geojson", _geojson([MANY]), _route_km(1.7), (("max_vertices", 2001),)),
    Case(
        "lines that do not chain",
        "r.geojson",
        _geojson([LINE, [[46, 41], [46.1, 41]]]),
        GeometryError,
        "does not connect",
    ),
    # not a file
    _posix(
        Case(
            "symlink to /dev/zero", "r.geojson", _symlink_to("/dev/zero", "r.geojson"), DataError, "not a regular file"
        )
    ),
    _posix(
        Case("symlink to /dev/zero kml", "r.kml", _symlink_to("/dev/zero", "r.kml"), DataError, "not a regular file")
    ),
    _posix(Case("named pipe", "r.geojson", _fifo("r.geojson"), DataError, "named pipe")),
    Case("folder", "r.geojson", _folder("r.geojson"), DataError, "is a folder"),
    Case("shapefile folder", "shapes", _folder("shapes"), DataError, "is a folder"),
    Case("missing", "r.geojson", _missing("r.geojson"), FileNotFoundError, "does not exist"),
]


@pytest.mark.parametrize("case", [c if not isinstance(c, Case) else pytest.param(c, id=c.id) for c in ROUTE_CASES])
def test_hostile_route_file(case: Case, tmp_path: Path) -> None:
    _check(case, read_route, tmp_path)


def test_route_vertex_limit_is_fast(tmp_path: Path) -> None:
    path = tmp_path / "long.fgb"
    n = 1_000_001
    line = shapely.linestrings(np.column_stack([45.0 + np.arange(n) * 1e-7, np.full(n, 40.0)]))
    gpd.GeoDataFrame(geometry=[line], crs=4326).to_file(path)
    t = time.perf_counter()
    with pytest.raises(GeometryError, match="holds 1,000,001 vertices"):
        read_route(path, max_vertices=1_000_000)
    assert time.perf_counter() - t < 2 * HANG_S


def test_route_vertex_limit_default() -> None:
    import inspect

    from corridor import Route
    from corridor.io import MAX_ROUTE_VERTICES

    assert MAX_ROUTE_VERTICES == 5_000_000
    for read in (read_route, Route.read):
        assert inspect.signature(read).parameters["max_vertices"].default == MAX_ROUTE_VERTICES


@pytest.mark.parametrize(
    ("read", "error"),
    [(Scenario.read, ScenarioError), (read_network, DataError), (read_route, DataError)],
    ids=["scenario", "network", "route"],
)
@pytest.mark.parametrize("name", ["a\x00b.osm", "x" * 5000 + ".osm"], ids=["nul in name", "name too long"])
def test_names_the_system_refuses(read: Callable[..., Any], error: type[Exception], name: str) -> None:
    with pytest.raises(error, match="Cannot open") as info:
        read(name)
    assert type(info.value) is error


def test_read_scenarios_on_a_name_the_system_refuses() -> None:
    from corridor import read_scenarios

    with pytest.raises(ScenarioError, match="File name too long"):
        read_scenarios("x" * 5000 + ".yaml")


def test_scenario_leg_file_errors_name_the_leg(tmp_path: Path) -> None:
    (tmp_path / "r.geojson").write_bytes(_garbage(100))
    p = tmp_path / "s.yaml"
    p.write_text("name: x\nlegs:\n  - file: r.geojson\n")
    with pytest.raises(ScenarioError, match=r"legs\[0\]: Cannot read"):
        _ = Scenario.read(p).route
