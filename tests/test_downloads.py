"""Downloads are bounded: a deadline, a retry cap and a sane cache, against a local server.

Every test points osmnx's Overpass and Nominatim URLs at a threaded ``http.server`` on
127.0.0.1 (the ``osm`` fixture) that answers as each test tells it: HTTP 429 for ever, 504
then an answer, garbage, JSON cut short, a broken connection, silence, a trickle, a point for
a place, or a tiny valid Overpass answer (three nodes, one way) from which osmnx builds a
real graph.  Nothing touches the real network.

Wall-clock bounds are correctness here, not speed targets: a deadline is a promise.  The
deadlines are small (2-5 s) so that the file runs in well under 30 s.
"""

from __future__ import annotations

import json
import math
import socket
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from corridor.errors import (
    CorridorError,
    DownloadError,
    GeometryError,
    ParameterError,
    ParameterTypeError,
    UnknownPlaceError,
)
from corridor.network import network_from_bbox, network_from_place, network_from_region

ox = pytest.importorskip("osmnx")

BBOX = (46.0, 39.0, 46.01, 39.01)
#: Slack on a deadline: the clock is checked between socket reads and before each attempt.
MARGIN_S = 2.0

#: A valid Overpass answer: three nodes and a two-way primary road through them.
OVERPASS_OK: dict[str, Any] = {
    "version": 0.6,
    "generator": "corridor tests",
    "osm3s": {"timestamp_osm_base": "2024-01-01T00:00:00Z", "copyright": "test data"},
    "elements": [
        {"type": "node", "id": 1, "lat": 39.005, "lon": 46.002},
        {"type": "node", "id": 2, "lat": 39.005, "lon": 46.005},
        {"type": "node", "id": 3, "lat": 39.006, "lon": 46.008},
        {"type": "way", "id": 10, "nodes": [1, 2, 3], "tags": {"highway": "primary", "name": "Test Road"}},
    ],
}
OK_BYTES = json.dumps(OVERPASS_OK).encode()

STATUS_FREE = "Connected as: 1\nCurrent time: 2024-01-01T00:00:00Z\nAnnounced endpoint: none\nRate limit: 2\n"
STATUS_FREE += "2 slots available now.\nCurrently running queries (pid, space limit, time limit, start time):\n"


def status_busy(seconds: int) -> str:
    return (
        "Connected as: 1\nCurrent time: 2024-01-01T00:00:00Z\nAnnounced endpoint: none\nRate limit: 2\n"
        f"Slot available after: 2024-01-01T00:00:{seconds:02d}Z, in {seconds} seconds.\n"
        f"Slot available after: 2024-01-01T00:01:00Z, in {seconds + 60} seconds.\n"
        "Currently running queries (pid, space limit, time limit, start time):\n"
    )


def nominatim_result(geojson: dict[str, Any]) -> list[dict[str, Any]]:
    """A Nominatim search answer with one result of the given geometry."""
    return [
        {
            "place_id": 1,
            "licence": "test data",
            "osm_type": "relation",
            "osm_id": 1,
            "lat": "39.005",
            "lon": "46.005",
            "class": "boundary",
            "type": "administrative",
            "place_rank": 16,
            "importance": 0.6,
            "addresstype": "town",
            "name": "Testville",
            "display_name": "Testville, Nowhere",
            "boundingbox": ["39.0", "39.01", "46.0", "46.01"],
            "geojson": geojson,
        }
    ]


SQUARE = {
    "type": "Polygon",
    "coordinates": [[[46.0, 39.0], [46.01, 39.0], [46.01, 39.01], [46.0, 39.01], [46.0, 39.0]]],
}
POINT = {"type": "Point", "coordinates": [46.005, 39.005]}


# ---------------------------------------------------------------- the local server

Action = Callable[[BaseHTTPRequestHandler], None]


def reply(
    status: int = 200, body: Any = b"", *, headers: dict[str, str] | None = None, length: int | None = None
) -> Action:
    """Answer ``status`` with ``body`` (bytes, str, or JSON); ``length`` may lie about its size."""
    data = body if isinstance(body, bytes) else body.encode() if isinstance(body, str) else json.dumps(body).encode()

    def act(h: BaseHTTPRequestHandler) -> None:
        h.send_response(status)
        for k, v in {"Content-Type": "application/json", **(headers or {})}.items():
            h.send_header(k, v)
        h.send_header("Content-Length", str(len(data) if length is None else length))
        h.end_headers()
        h.wfile.write(data)

    return act


def silent(seconds: float) -> Action:
    """Say nothing for ``seconds`` (or until the test ends), then hang up."""

    def act(h: BaseHTTPRequestHandler) -> None:
        h.server.stopping.wait(seconds)  # type: ignore[attr-defined]

    return act


def trickle(every_s: float = 0.2) -> Action:
    """Start a 200 answer, then send a byte every ``every_s`` seconds, never finishing."""

    def act(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Length", "1000000")
        h.end_headers()
        h.wfile.write(b'{"elements": [')
        while not h.server.stopping.wait(every_s):  # type: ignore[attr-defined]
            h.wfile.write(b" ")

    return act


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass

    def handle(self) -> None:
        try:
            super().handle()
        except OSError:  # the client gave up (its deadline): nothing more to say
            pass

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        path = urlsplit(self.path).path
        kind = {"/api/status": "status", "/search": "nominatim"}.get(path)
        self._answer(kind) if kind else reply(404, b"no such page")(self)

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        path = urlsplit(self.path).path
        self._answer("overpass") if path == "/api/interpreter" else reply(404, b"no such page")(self)

    def _answer(self, kind: str) -> None:
        server: _Server = self.server  # type: ignore[assignment]
        with server.lock:
            n = server.hits[kind]
            server.hits[kind] += 1
        plan = server.plans[kind]
        plan[min(n, len(plan) - 1)](self)  # the last action repeats


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        """Forget the last test: its hits, its plans; wake and end its handlers still waiting."""
        old = getattr(self, "stopping", None)
        if old is not None:
            old.set()
        self.stopping = threading.Event()
        self.hits: dict[str, int] = defaultdict(int)
        self.plans: dict[str, list[Action]] = {
            "status": [reply(200, STATUS_FREE)],
            "overpass": [reply(200, OVERPASS_OK)],
            "nominatim": [reply(200, nominatim_result(SQUARE))],
        }


class LocalOSM:
    """The test's handle on the server: what to answer, and how often it was asked."""

    def __init__(self, server: _Server) -> None:
        self.server = server
        self.url = f"http://127.0.0.1:{server.server_port}"

    def plan(self, kind: str, *actions: Action) -> None:
        self.server.plans[kind] = list(actions)

    def hits(self, kind: str) -> int:
        return self.server.hits[kind]


@pytest.fixture(scope="module")
def _server() -> Iterator[_Server]:
    server = _Server()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stopping.set()
        server.shutdown()
        server.server_close()
        thread.join(5)


@pytest.fixture
def osm(_server: _Server, monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalOSM]:
    """The local server, fresh plans and counts, with osmnx's URLs pointing at it for the test."""
    _server.reset()
    local = LocalOSM(_server)
    monkeypatch.setattr(ox.settings, "overpass_url", local.url + "/api")
    monkeypatch.setattr(ox.settings, "nominatim_url", local.url + "/")
    yield local
    _server.reset()


#: osmnx settings corridor changes during a call, and must give back.
WATCHED = (
    "requests_timeout",
    "requests_kwargs",
    "useful_tags_way",
    "cache_folder",
    "overpass_rate_limit",
    "overpass_settings",
    "overpass_url",
    "nominatim_url",
)


@pytest.fixture(autouse=True)
def _state_is_restored(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every call gives back osmnx's settings and socket.getaddrinfo, on error too."""
    osm_fixture = "osm" in request.fixturenames
    if osm_fixture:
        request.getfixturevalue("osm")  # compare with the settings the test runs under
    before = {n: getattr(ox.settings, n) for n in WATCHED}
    getaddrinfo = socket.getaddrinfo
    yield
    assert socket.getaddrinfo is getaddrinfo
    assert {n: getattr(ox.settings, n) for n in WATCHED} == before


#: Elapsed seconds per case, printed with ``pytest -s`` (the report's table).
ELAPSED: dict[str, float] = {}


@contextmanager
def within(limit_s: float, case: str) -> Iterator[None]:
    t0 = time.monotonic()
    try:
        yield
    finally:
        elapsed = time.monotonic() - t0
        ELAPSED[case] = elapsed
        print(f"\n{case}: {elapsed:.2f} s (limit {limit_s:g} s)")
    assert elapsed <= limit_s, f"{case} took {elapsed:.2f} s, more than {limit_s:g} s"


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cache_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.json"))


# ---------------------------------------------------------------- answers that work


def test_a_valid_answer_builds_a_graph_offline(osm: LocalOSM, tmp_path: Path) -> None:
    with within(3.0, "valid Overpass answer"):
        G = network_from_bbox(BBOX, timeout_s=3, cache_folder=tmp_path)
    # the way 1-2-3 simplified to one edge each way, with its tags and great-circle length
    assert sorted(G.nodes) == [1, 3]
    assert G.edges[1, 3, 0]["name"] == "Test Road" and G.edges[1, 3, 0]["highway"] == "primary"
    assert 500 < G.edges[1, 3, 0]["length"] < 560
    assert osm.hits("overpass") == 1 and osm.hits("status") == 0  # no status check before a query
    assert len(cache_files(tmp_path)) == 1
    # a cached answer needs no server: the same call works while the server fails
    osm.plan("overpass", reply(503, b"down"))
    assert sorted(network_from_bbox(BBOX, timeout_s=3, cache_folder=tmp_path).nodes) == [1, 3]
    assert osm.hits("overpass") == 1


def test_504_then_an_answer_is_retried(osm: LocalOSM, tmp_path: Path) -> None:
    osm.plan("overpass", reply(504, b"Gateway Timeout"), reply(200, OVERPASS_OK))
    with within(3.0, "504 then 200"):
        G = network_from_bbox(BBOX, timeout_s=3, retries=1, cache_folder=tmp_path)
    assert len(G) == 2 and osm.hits("overpass") == 2


def test_overpass_slot_status_is_waited_for_when_it_fits(osm: LocalOSM, tmp_path: Path) -> None:
    osm.plan("overpass", reply(429, b"Too Many Requests"), reply(200, OVERPASS_OK))
    osm.plan("status", reply(200, status_busy(2)))
    t0 = time.monotonic()
    with within(4.0, "429, slot in 2 s, then 200"):
        G = network_from_bbox(BBOX, timeout_s=4, retries=1, cache_folder=tmp_path)
    assert len(G) == 2 and osm.hits("status") == 1
    assert time.monotonic() - t0 >= 2.0  # waited for the slot it was given, not the 1-s backoff


def test_place_end_to_end(osm: LocalOSM, tmp_path: Path) -> None:
    with within(3.0 + MARGIN_S, "place: Nominatim polygon, then Overpass"):
        G = network_from_place("Testville", timeout_s=3, cache_folder=tmp_path)
    assert sorted(G.nodes) == [1, 3]
    assert osm.hits("nominatim") == 1 and osm.hits("overpass") == 1


def test_users_own_hooks_and_kwargs_still_apply(osm: LocalOSM, tmp_path: Path) -> None:
    seen: list[int] = []
    theirs = {"hooks": {"response": lambda r, **kw: seen.append(r.status_code)}}
    saved, ox.settings.requests_kwargs = ox.settings.requests_kwargs, theirs
    try:
        network_from_bbox(BBOX, timeout_s=3, cache_folder=tmp_path)
        assert ox.settings.requests_kwargs is theirs  # given back as it was
    finally:
        ox.settings.requests_kwargs = saved
    assert seen == [200]


# ---------------------------------------------------------------- 429, 5xx: the retry cap and the deadline


def test_429_for_ever_stops_at_the_retry_cap(osm: LocalOSM, tmp_path: Path) -> None:
    osm.plan("overpass", reply(429, b"Too Many Requests"))
    # waits 1 s (backoff: the status page says slots are free), then stops at the cap, not the deadline
    with within(5.0 + MARGIN_S, "429 for ever, retries=1"), pytest.raises(DownloadError) as info:
        network_from_bbox(BBOX, timeout_s=5, retries=1, cache_folder=tmp_path)
    msg = str(info.value)
    assert "HTTP 429" in msg and "2 attempts" in msg and "`retries`=1" in msg and "read_network" in msg
    assert "past the deadline" not in msg
    assert osm.hits("overpass") == 2 and osm.hits("status") == 1


def test_429_for_ever_stops_at_the_deadline(osm: LocalOSM, tmp_path: Path) -> None:
    osm.plan("overpass", reply(429, b"Too Many Requests"))
    with within(3.0 + MARGIN_S, "429 for ever, retries=100"), pytest.raises(DownloadError, match="HTTP 429") as info:
        network_from_bbox(BBOX, timeout_s=3, retries=100, cache_folder=tmp_path)
    assert "past the deadline" in str(info.value)
    assert osm.hits("overpass") == 2  # t=0 and t=1; the next wait (2 s) would pass the deadline


def test_retry_after_past_the_deadline_fails_at_once(osm: LocalOSM, tmp_path: Path) -> None:
    osm.plan("overpass", reply(429, b"slow down", headers={"Retry-After": "120"}))
    with within(1.0, "429 with Retry-After: 120"), pytest.raises(DownloadError, match="wait 120 s"):
        network_from_bbox(BBOX, timeout_s=3, retries=5, cache_folder=tmp_path)
    assert osm.hits("overpass") == 1


def test_overpass_slot_past_the_deadline_fails_at_once(osm: LocalOSM, tmp_path: Path) -> None:
    osm.plan("overpass", reply(429, b"Too Many Requests"))
    osm.plan("status", reply(200, status_busy(50)))
    with within(1.0, "429, slot in 50 s"), pytest.raises(DownloadError, match="wait 50 s"):
        network_from_bbox(BBOX, timeout_s=3, retries=5, cache_folder=tmp_path)


def test_5xx_for_ever(osm: LocalOSM, tmp_path: Path) -> None:
    osm.plan("overpass", reply(504, b"<html>Gateway Timeout</html>"))
    with within(3.0 + MARGIN_S, "504 for ever"), pytest.raises(DownloadError, match="HTTP 504") as info:
        network_from_bbox(BBOX, timeout_s=3, retries=0, cache_folder=tmp_path)
    assert "1 attempt in" in str(info.value) and "internet connection" in str(info.value)
    assert osm.hits("overpass") == 1


def test_other_4xx_is_not_retried(osm: LocalOSM, tmp_path: Path) -> None:
    osm.plan("overpass", reply(400, b"Error: line 1: parse error"))
    with pytest.raises(DownloadError, match="refused the request with HTTP 400.*parse error"):
        network_from_bbox(BBOX, timeout_s=3, retries=3, cache_folder=tmp_path)
    assert osm.hits("overpass") == 1


# ---------------------------------------------------------------- bodies that are not answers


@pytest.mark.parametrize(
    ("action", "retries", "phrase", "case"),
    [
        (reply(200, b"<html><body>Service temporarily down</body></html>"), 1, "not JSON", "garbage body"),
        (reply(200, OK_BYTES[:70]), 0, "JSON cut short", "truncated JSON"),
        (reply(200, b""), 0, "empty body", "empty body"),
        (reply(200, OK_BYTES[:70], length=len(OK_BYTES)), 0, "broke off its answer", "connection cut mid-body"),
    ],
    ids=["garbage", "truncated-json", "empty-body", "cut-connection"],
)
def test_bodies_that_are_not_answers(
    osm: LocalOSM, tmp_path: Path, action: Action, retries: int, phrase: str, case: str
) -> None:
    osm.plan("overpass", action)
    with within(3.0 + MARGIN_S, case), pytest.raises(DownloadError, match=phrase):
        network_from_bbox(BBOX, timeout_s=3, retries=retries, cache_folder=tmp_path)
    assert osm.hits("overpass") == retries + 1  # retried: a proxy's page or a cut may pass
    assert cache_files(tmp_path) == []  # nothing bad was cached


def test_json_of_the_wrong_shape(osm: LocalOSM, tmp_path: Path) -> None:
    osm.plan("overpass", reply(200, {"elements": [{"type": "node", "id": 1}]}))
    with pytest.raises(DownloadError, match="unexpected shape"):
        network_from_bbox(BBOX, timeout_s=3, cache_folder=tmp_path)


def test_an_empty_answer_is_no_network(osm: LocalOSM, tmp_path: Path) -> None:
    osm.plan("overpass", reply(200, {"version": 0.6, "elements": []}))
    with pytest.raises(DownloadError, match="no network for the bounding box"):
        network_from_bbox(BBOX, timeout_s=3, retries=3, cache_folder=tmp_path)
    assert osm.hits("overpass") == 1  # an answer, not a failure: not retried


# ---------------------------------------------------------------- silence, trickles, no server


def test_a_silent_server_is_cut_off_at_the_deadline(osm: LocalOSM, tmp_path: Path) -> None:
    osm.plan("overpass", silent(30))
    with within(1.5 + MARGIN_S, "silent server"), pytest.raises(DownloadError, match="within `timeout_s`=1.5 s"):
        network_from_bbox(BBOX, timeout_s=1.5, retries=3, cache_folder=tmp_path)


def test_a_trickling_server_is_cut_off_at_the_deadline(osm: LocalOSM, tmp_path: Path) -> None:
    # every byte comes within any socket timeout: only a deadline on the whole answer stops it
    osm.plan("overpass", trickle(0.2))
    with within(1.5 + MARGIN_S, "trickling server"), pytest.raises(DownloadError, match="still sending"):
        network_from_bbox(BBOX, timeout_s=1.5, retries=3, cache_folder=tmp_path)


def test_connection_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ox.settings, "overpass_url", f"http://127.0.0.1:{closed_port()}/api")
    with within(3.0, "connection refused"), pytest.raises(DownloadError, match="could not be reached.*refused"):
        network_from_bbox(BBOX, timeout_s=3, retries=0, cache_folder=tmp_path)


# ---------------------------------------------------------------- Nominatim


def test_a_place_that_geocodes_to_a_point(osm: LocalOSM, tmp_path: Path) -> None:
    osm.plan("nominatim", reply(200, nominatim_result(POINT)))
    with within(2.0, "place geocodes to a point"), pytest.raises(GeometryError, match="to a point") as info:
        network_from_place("Testville", timeout_s=3, cache_folder=tmp_path)
    assert isinstance(info.value, ValueError) and isinstance(info.value, CorridorError)
    assert "network_from_bbox" in str(info.value)
    assert osm.hits("overpass") == 0


def test_a_place_nominatim_does_not_know(osm: LocalOSM, tmp_path: Path) -> None:
    osm.plan("nominatim", reply(200, []))
    with pytest.raises(UnknownPlaceError, match="does not know"):
        network_from_place("Qwzxv", timeout_s=3, cache_folder=tmp_path)


def test_nominatim_garbage_is_a_download_error_not_an_unknown_place(osm: LocalOSM, tmp_path: Path) -> None:
    osm.plan("nominatim", reply(200, b"<html>captive portal</html>"))
    with within(3.0 + MARGIN_S, "Nominatim garbage"), pytest.raises(DownloadError, match="Nominatim.*not JSON"):
        network_from_place("Testville", timeout_s=3, retries=1, cache_folder=tmp_path)


def test_nominatim_429_for_ever(osm: LocalOSM, tmp_path: Path) -> None:
    osm.plan("nominatim", reply(429, b"Too Many Requests"))
    with within(3.0 + MARGIN_S, "Nominatim 429 for ever"), pytest.raises(DownloadError, match="Nominatim.*HTTP 429"):
        network_from_place("Testville", timeout_s=3, retries=10, cache_folder=tmp_path)


def test_one_deadline_covers_the_geocode_and_the_network(osm: LocalOSM, tmp_path: Path) -> None:
    osm.plan("overpass", silent(30))  # the geocode takes ~1 s (Nominatim's pause), the rest hangs
    with within(2.0 + MARGIN_S, "place: geocode, then a silent Overpass"), pytest.raises(DownloadError, match="within"):
        network_from_place("Testville", timeout_s=2, cache_folder=tmp_path)
    assert osm.hits("nominatim") == 1


# ---------------------------------------------------------------- osmnx's cache


@pytest.mark.parametrize(
    "damage",
    [lambda b: b[: len(b) // 2], lambda b: b"", lambda b: b"\xff\xfe\x00garbage"],
    ids=["truncated", "empty", "not-utf8"],
)
def test_a_corrupt_cache_file_is_a_miss(osm: LocalOSM, tmp_path: Path, damage: Callable[[bytes], bytes]) -> None:
    network_from_bbox(BBOX, timeout_s=3, cache_folder=tmp_path)
    (path,) = cache_files(tmp_path)
    path.write_bytes(damage(path.read_bytes()))
    G = network_from_bbox(BBOX, timeout_s=3, cache_folder=tmp_path)
    assert sorted(G.nodes) == [1, 3]
    assert osm.hits("overpass") == 2  # asked again
    assert json.loads(path.read_text(encoding="utf-8")) == OVERPASS_OK  # and written anew


def test_a_corrupt_cache_file_while_the_server_fails(osm: LocalOSM, tmp_path: Path) -> None:
    network_from_bbox(BBOX, timeout_s=3, cache_folder=tmp_path)
    (path,) = cache_files(tmp_path)
    path.write_text('{"version": 0.6, "elem', encoding="utf-8")
    osm.plan("overpass", reply(503, b"down"))
    with pytest.raises(DownloadError, match="after removing the corrupt cache file") as info:
        network_from_bbox(BBOX, timeout_s=3, retries=0, cache_folder=tmp_path)
    assert str(path) in str(info.value) and not path.exists()


def test_a_corrupt_nominatim_cache_file_is_a_miss(osm: LocalOSM, tmp_path: Path) -> None:
    network_from_place("Testville", timeout_s=3, cache_folder=tmp_path)
    for path in cache_files(tmp_path):
        path.write_text("[{", encoding="utf-8")
    assert sorted(network_from_place("Testville", timeout_s=4, cache_folder=tmp_path).nodes) == [1, 3]
    assert osm.hits("nominatim") == 2 and osm.hits("overpass") == 2


# ---------------------------------------------------------------- parameters


BAD_LIMITS = [
    ({"timeout_s": 0}, ParameterError, "`timeout_s` must be > 0"),
    ({"timeout_s": -1}, ParameterError, "`timeout_s` must be > 0"),
    ({"timeout_s": math.nan}, ParameterError, "`timeout_s` must be a finite number"),
    ({"timeout_s": math.inf}, ParameterError, "`timeout_s` must be a finite number"),
    ({"timeout_s": "5"}, ParameterTypeError, "`timeout_s` must be a number"),
    ({"timeout_s": True}, ParameterTypeError, "`timeout_s` must be a number"),
    ({"timeout_s": None}, ParameterTypeError, "`timeout_s` must be a number"),
    ({"retries": -1}, ParameterError, "`retries` must be >= 0"),
    ({"retries": 1.5}, ParameterTypeError, "`retries` must be a whole number"),
    ({"retries": "1"}, ParameterTypeError, "`retries` must be a whole number"),
    ({"retries": True}, ParameterTypeError, "`retries` must be a whole number"),
]


@pytest.mark.parametrize(("kwargs", "error", "phrase"), BAD_LIMITS)
@pytest.mark.parametrize(
    "fn",
    [
        lambda **kw: network_from_bbox(BBOX, **kw),
        lambda **kw: network_from_place("Testville", **kw),
        lambda **kw: network_from_region("Nakhchivan", **kw),
    ],
    ids=["bbox", "place", "region"],
)
def test_limits_are_checked_before_any_download(
    osm: LocalOSM, fn: Callable[..., Any], kwargs: dict[str, Any], error: type[Exception], phrase: str
) -> None:
    with pytest.raises(error, match=phrase):
        fn(**kwargs)
    assert osm.hits("overpass") == osm.hits("nominatim") == 0


@pytest.mark.parametrize(("query", "error"), [(42, ParameterTypeError), ("  ", ParameterError)])
def test_place_query_is_checked(osm: LocalOSM, query: Any, error: type[Exception]) -> None:
    with pytest.raises(error, match="`query`"):
        network_from_place(query)
    assert osm.hits("nominatim") == 0
