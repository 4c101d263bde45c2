"""Downloads from OpenStreetMap through osmnx, bounded: one deadline, a retry cap, a sane cache.

osmnx keeps its settings in module globals; :func:`osmnx_settings` sets them
for one call and restores them (and ``socket.getaddrinfo``, which osmnx's
downloader replaces) afterwards.  :func:`download` runs an osmnx call under a
:class:`Budget` (a total deadline and a retry cap) and turns every failure into
:class:`~corridor.errors.DownloadError` before the deadline.
Nothing here is called unless the user calls a function that says it downloads.

How the limits hold although osmnx retries by itself
----------------------------------------------------
osmnx answers HTTP 429 and 504 by sleeping 55 s and calling itself again, with
no end; before an Overpass query it may sleep up to a minute waiting for a free
slot; and ``requests``' timeout bounds each socket read, not a whole answer, so
a server that trickles bytes holds a call for ever.  :func:`download` changes,
for the length of one call and restored afterwards, three osmnx settings:

* ``requests_kwargs`` gains a ``requests`` *response hook* (:class:`_Guard`).
  osmnx passes these keyword arguments to every request it makes to Overpass
  and Nominatim, and requests runs the hook before anyone reads the body.  The
  hook reads the body itself, one piece at a time with the socket timeout set
  to the time left, so a slow or trickling server is cut off at the deadline;
  it raises on 429 and 5xx, so osmnx never reaches its 55-s sleep and
  recursion; and it sets ``requests_timeout`` to the time left for the next
  request of the same call.  corridor's own loop then decides whether another
  attempt fits: the retry cap, the server's ``Retry-After`` or Overpass's slot
  status, and the deadline.
* ``overpass_rate_limit`` is off: osmnx's pause before each query (60 s when
  the status page is unreadable) is replaced by corridor asking Overpass's
  status page after a 429 and waiting only if the slot comes before the deadline.
* ``overpass_settings`` gets the whole deadline as Overpass's own
  ``[timeout:N]``, a fixed text: the query string is osmnx's cache key, so it
  must not follow the per-request socket timeout.

Nothing is patched (no ``time.sleep``, no osmnx function) and no thread is left
running.  Two waits stay outside the deadline's reach: the system's DNS lookup
(osmnx resolves the Overpass host with ``socket.gethostbyname``) and
Nominatim's fixed 1-s pause before each request (counted, not shortened).

osmnx's cache
-------------
osmnx keeps each answer as a JSON file in its cache folder and reads it back
with ``json.loads``; a file cut short (a killed process, a full disk) raised a
raw ``JSONDecodeError`` on every later call.  :func:`download` treats such a
file as a cache miss: it removes the file (only a ``.json`` file directly in
the cache folder) and asks the server again, which writes it anew.
"""

from __future__ import annotations

import email.utils
import io
import json
import math
import re
import socket
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from ._validate import count, positive_number
from .errors import CorridorError, DownloadError, GeometryError, ParameterError
from .geodesy import area_km2

__all__ = [
    "EXTRA_WAY_TAGS",
    "Budget",
    "check_area",
    "download",
    "import_osmnx",
    "osmnx_settings",
]

#: Way tags kept on edges, besides osmnx's defaults.
EXTRA_WAY_TAGS = ("railway", "usage", "service", "electrified", "gauge", "maxspeed", "ref")

#: The osmnx settings corridor may change during a call; all are restored after it.
_SETTINGS = (
    "requests_timeout",
    "requests_kwargs",
    "useful_tags_way",
    "cache_folder",
    "overpass_rate_limit",
    "overpass_settings",
)

#: Each service: the osmnx setting holding its URL, and osmnx's fixed pause before each request (s).
_SERVICES = {"Overpass": ("overpass_url", 0.0), "Nominatim": ("nominatim_url", 1.0)}

_CHUNK = 1 << 16  # bytes read from the socket at a time, between two deadline checks
_BACKOFF_S = (1.0, 2.0, 4.0, 8.0, 15.0, 30.0)  # wait before retry n when the server names none
_MAX_CACHE_REPAIRS = 16  # corrupt cache files removed in one call, at most
_STATUS_TIMEOUT_S = 5.0  # longest wait for Overpass's status page


def import_osmnx() -> Any:
    try:
        import osmnx as ox
    except ImportError as exc:  # pragma: no cover - osmnx is a dependency
        raise ImportError("corridor.network needs osmnx: `pip install osmnx`.") from exc
    return ox


@contextmanager
def _restored(ox: Any) -> Iterator[None]:
    """Restore osmnx's settings in :data:`_SETTINGS` and ``socket.getaddrinfo`` on exit."""
    saved = {n: getattr(ox.settings, n) for n in _SETTINGS}
    saved_getaddrinfo = socket.getaddrinfo
    try:
        yield
    finally:
        for n, v in saved.items():
            setattr(ox.settings, n, v)
        socket.getaddrinfo = saved_getaddrinfo


@contextmanager
def osmnx_settings(*, cache_folder: str | Path | None = None) -> Iterator[Any]:
    """Set osmnx settings for one call and restore them (and ``socket.getaddrinfo``) after.

    osmnx keeps its settings in module globals, and its downloader replaces
    ``socket.getaddrinfo`` to pin the Overpass server's IP; both are restored.
    Not thread-safe (neither are osmnx settings).
    """
    ox = import_osmnx()
    with _restored(ox):
        tags = list(ox.settings.useful_tags_way)
        ox.settings.useful_tags_way = tags + [t for t in EXTRA_WAY_TAGS if t not in tags]
        if cache_folder is not None:
            ox.settings.cache_folder = str(cache_folder)
        yield ox


def check_area(bounds: Sequence[float], max_area_km2: float, what: str) -> float:
    west, south, east, north = (float(v) for v in bounds)
    if not (np.isfinite([west, south, east, north]).all() and west < east and south < north):
        msg = (
            f"The bounding box of {what} must be (west, south, east, north) in degrees with "
            f"west < east and south < north, got {tuple(bounds)}."
        )
        raise GeometryError(msg)
    area = float(area_km2(shapely.box(west, south, east, north)))
    if area > max_area_km2:
        msg = (
            f"The area of {what} is about {area:,.0f} km² (its bounding box), more than "
            f"`max_area_km2`={max_area_km2:,.0f} km²: the download would be slow and the graph "
            "might not fit in memory. Choose a smaller area (a province, a bounding box of a "
            "few tens of km), a sparser `network_type`, or raise `max_area_km2` if you are sure."
        )
        raise ParameterError(msg)
    return area


# ---------------------------------------------------------------------------
# the limits of one call


class Budget:
    """The limits of one download function call: a total deadline and a retry cap.

    The clock starts when the budget is made; every download of the call (a
    geocode, then the network) shares the deadline, and each may retry
    ``retries`` times.

    Parameters
    ----------
    timeout_s : float
        Seconds from now to the deadline (finite, > 0).
    retries : int
        Extra attempts of each download after a failure that may pass (>= 0).
    """

    def __init__(self, timeout_s: Any, retries: Any) -> None:
        self.timeout_s = positive_number(timeout_s, "timeout_s", unit="seconds")
        self.retries = count(retries, "retries")
        self.start = time.monotonic()
        self.deadline = self.start + self.timeout_s

    def left(self) -> float:
        """Seconds to the deadline (negative once it has passed)."""
        return self.deadline - time.monotonic()

    def spent(self) -> float:
        """Seconds since the budget was made."""
        return time.monotonic() - self.start


class _Failed(Exception):
    """One failed attempt: what happened and whether another attempt may go better.

    ``reason`` is a clause with its own subject ("the server answered HTTP 429 ...").
    """

    def __init__(
        self,
        reason: str,
        *,
        retry: bool = False,
        late: bool = False,
        status: int | None = None,
        wait_s: float | None = None,
        cache_file: Path | None = None,
        advice: str = "",
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry = retry
        self.late = late  # the deadline cut it off
        self.status = status
        self.wait_s = wait_s  # the server's Retry-After, in seconds
        self.cache_file = cache_file  # a corrupt osmnx cache file that raised it
        self.advice = advice  # what to do, when it is not the usual "check the connection"


class _Guard:
    """The ``requests`` response hook installed in osmnx's ``requests_kwargs`` for one call.

    Runs on every answer before osmnx sees it: reads the body within the
    deadline, turns 429 and 5xx into a retryable :class:`_Failed` (so osmnx
    never sleeps 55 s and recurses) and other 4xx into a final one, and sets
    osmnx's ``requests_timeout`` to the time left for the call's next request.
    """

    def __init__(self, ox: Any, budget: Budget) -> None:
        self.ox = ox
        self.budget = budget

    def __call__(self, response: Any, *args: Any, **kwargs: Any) -> Any:
        _read_body(response, self.budget)
        status = int(response.status_code)
        said = f"HTTP {status} {response.reason or ''}".rstrip()
        if status == 429 or status >= 500:
            wait_s = _retry_after(response.headers.get("Retry-After"))
            raise _Failed(f"the server answered {said}", retry=True, status=status, wait_s=wait_s)
        if status >= 400:
            advice = "Check the server's URL in osmnx's settings and the query (`network_type`, `custom_filter`)"
            reason = f"the server refused the request with {said}: {_excerpt(response.text)}"
            raise _Failed(reason, status=status, advice=advice)
        self.ox.settings.requests_timeout = max(self.budget.left(), 0.01)
        return response


def _read_body(response: Any, budget: Budget) -> None:
    """Read ``response``'s body now, a piece at a time, giving up at the deadline.

    Each socket read may wait only for the time left, and the clock is checked
    between reads, so neither a silent nor a trickling server outlasts the
    deadline.  The body then replaces ``response.raw`` (an in-memory file), where
    requests reads it as usual.  Needs urllib3 2 (``read1``); with an older one
    the body is left to requests, each read bounded by the request's timeout.
    """
    import urllib3

    raw = response.raw
    read1 = getattr(raw, "read1", None)
    if read1 is None:  # pragma: no cover - urllib3 < 2
        return
    chunks: list[bytes] = []
    done = False
    try:
        while True:
            left = budget.left()
            if left <= 0:
                raise _Failed("the server was still sending its answer", late=True)
            sock = getattr(getattr(raw, "connection", None), "sock", None)
            if sock is not None:
                sock.settimeout(left)
            chunk = read1(_CHUNK, decode_content=True)
            if not chunk:
                break
            chunks.append(chunk)
        done = True
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        if budget.left() <= 0:
            raise _Failed("the server was still sending its answer", late=True) from exc
        raise _Failed(f"the server broke off its answer ({_short(exc)})", retry=True) from exc
    finally:
        if done:
            raw.release_conn()
        else:
            raw.close()
    response.raw = io.BytesIO(b"".join(chunks))


def _retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (seconds or an HTTP date); None if absent or unreadable."""
    if not value:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(when.timestamp() - time.time(), 0.0)


def _excerpt(text: str, n: int = 80) -> str:
    text = " ".join(str(text).split())
    return repr(text if len(text) <= n else text[: n - 3] + "...")


def _short(exc: BaseException) -> str:
    """A readable reason from a requests/urllib3 exception ("[Errno 111] Connection refused")."""
    text = str(exc)
    m = re.search(r"\[Errno -?\d+\] [^'\")]+", text)
    if m:
        return m.group(0).strip()
    m = re.search(r"(Read|Connect) timed out", text)
    if m:
        return m.group(0).lower()
    m = re.search(r"IncompleteRead\((\d+) bytes read, (\d+) more expected\)", text)
    if m:
        return f"{m.group(1)} bytes of {int(m.group(1)) + int(m.group(2))} came"
    return text if len(text) <= 160 else text[:157] + "..."


# ---------------------------------------------------------------------------
# what went wrong


def _body_failure(exc: BaseException) -> _Failed:
    """An answer osmnx could not parse: garbage, an empty body or JSON cut short."""
    cause = exc.__cause__
    doc = str(getattr(cause, "doc", "") or "").strip()
    if not doc:
        return _Failed("the server answered with an empty body instead of JSON", retry=True)
    if doc[0] in "{[":
        return _Failed(f"the server answered with JSON cut short or corrupt ({cause}): {_excerpt(doc)}", retry=True)
    return _Failed(f"the server answered with a body that is not JSON: {_excerpt(doc)}", retry=True)


def _cache_file(exc: BaseException, ox: Any) -> Path | None:
    """The osmnx cache file whose reading raised ``exc``, if it is a file of the cache folder.

    osmnx reads its cache in ``_http._retrieve_from_cache`` into a local named
    ``cache_filepath``; the traceback's frames still hold it.
    """
    folder = Path(ox.settings.cache_folder).resolve()
    tb = exc.__traceback__
    found = None
    while tb is not None:
        value = tb.tb_frame.f_locals.get("cache_filepath")
        if isinstance(value, Path) and value.suffix == ".json" and value.resolve().parent == folder:
            found = value
        tb = tb.tb_next
    return found


def _failure(exc: Exception, ox: Any, on_empty: Callable[[Exception], CorridorError]) -> _Failed | None:
    """What ``exc`` (raised by an osmnx call) means; None for an exception to pass on unchanged.

    An answer that holds nothing (osmnx's ``InsufficientResponseError`` not caused
    by unreadable JSON) is no failure of the download: ``on_empty(exc)`` is raised.
    """
    import requests
    from osmnx._errors import InsufficientResponseError, ResponseStatusCodeError

    folder = str(ox.settings.cache_folder)
    if isinstance(exc, _Failed):
        return exc
    if isinstance(exc, CorridorError):
        return None
    if isinstance(exc, requests.exceptions.Timeout):
        return _Failed(f"the server did not answer in time ({_short(exc)})", retry=True)
    if isinstance(exc, requests.exceptions.ConnectionError):
        return _Failed(f"the server could not be reached ({_short(exc)})", retry=True)
    if isinstance(exc, (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError)):
        return _Failed(f"the server broke off its answer ({_short(exc)})", retry=True)
    if isinstance(exc, requests.exceptions.RequestException):
        return _Failed(f"the request could not be made ({_short(exc)})")
    if isinstance(exc, (InsufficientResponseError, ResponseStatusCodeError)):
        if isinstance(exc.__cause__, json.JSONDecodeError):
            return _body_failure(exc)
        raise on_empty(exc) from exc
    if isinstance(exc, (json.JSONDecodeError, UnicodeDecodeError)):
        # osmnx parses answers with requests and wraps its errors (above): a bare one is its cache
        path = _cache_file(exc, ox)
        if path is None:
            reason = f"a file in osmnx's cache folder {folder!r} is corrupt ({exc})"
            return _Failed(reason, advice="Delete that cache folder and try again")
        reason = f"osmnx's cache file {str(path)!r} is corrupt ({exc})"
        return _Failed(reason, cache_file=path, advice="Delete that file (or the whole cache folder) and try again")
    if isinstance(exc, (KeyError, TypeError)):
        reason = f"the answer is JSON of an unexpected shape ({type(exc).__name__}: {exc})"
        return _Failed(reason, advice=f"If it persists, delete osmnx's cache folder {folder!r}")
    if isinstance(exc, OSError):
        reason = f"osmnx's cache folder {folder!r} cannot be read or written ({exc})"
        return _Failed(reason, advice="Pass a writable `cache_folder`")
    return None


# ---------------------------------------------------------------------------
# the loop


def _overpass_slot_s(ox: Any, budget: Budget, guard: _Guard) -> float | None:
    """Seconds until Overpass has a free slot, from its status page; None if it cannot tell."""
    import requests

    url = ox.settings.overpass_url.rstrip("/") + "/status"
    kwargs = {k: v for k, v in ox.settings.requests_kwargs.items() if k != "hooks"}
    timeout = max(min(budget.left(), _STATUS_TIMEOUT_S), 0.01)
    try:
        text = requests.get(url, timeout=timeout, hooks={"response": [guard]}, **kwargs).text
    except (requests.exceptions.RequestException, _Failed):
        return None
    if re.search(r"^[1-9]\d* slots? available now", text, re.M):
        return 0.0
    waits = [float(s) for s in re.findall(r"Slot available after: \S+, in (-?\d+) seconds?", text)]
    return max(min(waits), 0.0) if waits else None


def _wait_s(failed: _Failed, attempt: int, service: str, ox: Any, budget: Budget, guard: _Guard) -> float:
    """Seconds to wait before the next attempt: the server's word if it gave one, else a backoff."""
    backoff = _BACKOFF_S[min(attempt, len(_BACKOFF_S)) - 1]
    if failed.wait_s is not None:
        return failed.wait_s
    if service == "Overpass" and failed.status == 429:
        slot = _overpass_slot_s(ox, budget, guard)
        return max(slot, backoff) if slot is not None else backoff
    return backoff


def _message(what: str, service: str, url: str, budget: Budget, attempts: int, failed: _Failed, tail: str) -> str:
    tried = (
        f"{attempts} attempt{'s' if attempts != 1 else ''} in {budget.spent():.1f} s "
        f"(`timeout_s`={budget.timeout_s:g} s, `retries`={budget.retries})"
    )
    if failed.late:
        head = f"no complete answer within `timeout_s`={budget.timeout_s:g} s ({failed.reason})"
        advice = "Raise `timeout_s` (a large area can take minutes on Overpass) or try later"
    elif failed.status == 429:
        head = f"{failed.reason} (it is busy or limits how often you may ask)"
        advice = "Try again in a few minutes, or raise `timeout_s` and `retries`"
    else:
        head = failed.reason
        advice = failed.advice or "Check the internet connection and try later, or raise `timeout_s` and `retries`"
    return (
        f"Could not download {what} from {service} ({url}): {head}. Gave up after {tried}{tail}. "
        f"{advice}; or load an OSM file offline with `corridor.read_network(path)`."
    )


@contextmanager
def _bounded(ox: Any, budget: Budget, guard: _Guard) -> Iterator[None]:
    """The settings of a bounded call (see the module docstring), restored on exit."""
    with _restored(ox):
        kwargs = dict(ox.settings.requests_kwargs)
        hooks = dict(kwargs.get("hooks") or {})
        theirs = hooks.get("response") or []
        hooks["response"] = [guard, *([theirs] if callable(theirs) else theirs)]  # first: it reads the body
        ox.settings.requests_kwargs = {**kwargs, "hooks": hooks}
        ox.settings.overpass_rate_limit = False
        server_timeout = str(max(math.ceil(budget.timeout_s), 1))
        ox.settings.overpass_settings = str(ox.settings.overpass_settings).replace("{timeout}", server_timeout)
        yield


def download(
    call: Callable[[Any], Any],
    *,
    what: str,
    budget: Budget,
    service: str,
    on_empty: Callable[[Exception], CorridorError],
) -> Any:
    """Run ``call(osmnx)`` within ``budget``; every failure becomes a :class:`DownloadError`.

    ``service`` is ``"Overpass"`` or ``"Nominatim"`` (for the URL in messages and
    Nominatim's 1-s pause); ``on_empty`` makes the error for an answer that
    holds nothing (no network, no place).  Attempts that may go better
    (connection errors, timeouts, HTTP 429 and 5xx, answers that are not JSON)
    are retried ``budget.retries`` times if the wait fits before the deadline;
    a corrupt cache file is removed and the request made again (not counted).
    """
    ox = import_osmnx()
    setting, pause_s = _SERVICES[service]
    url = str(getattr(ox.settings, setting))
    guard = _Guard(ox, budget)
    attempts = 0
    repaired: list[Path] = []
    with _bounded(ox, budget, guard):
        while True:
            attempts += 1
            ox.settings.requests_timeout = max(budget.left() - pause_s, 0.01)
            try:
                return call(ox)
            except Exception as exc:  # sorted by _failure; anything else is re-raised unchanged
                failed = _failure(exc, ox, on_empty)
                if failed is None:
                    raise
                cause = exc
            path = failed.cache_file
            if path is not None and path not in repaired and len(repaired) < _MAX_CACHE_REPAIRS:
                try:  # a corrupt cache file is a miss: remove it and ask the server again
                    path.unlink(missing_ok=True)
                except OSError:
                    failed.reason += " and it cannot be removed"
                else:
                    repaired.append(path)
                    attempts -= 1
                    continue
            tail = f" (after removing the corrupt cache file {str(repaired[-1])!r})" if repaired else ""
            if failed.retry and budget.left() <= 0:
                failed = _Failed(f"the last attempt: {failed.reason}", late=True)
            if not failed.retry or attempts > budget.retries:
                raise DownloadError(_message(what, service, url, budget, attempts, failed, tail)) from cause
            wait = _wait_s(failed, attempts, service, ox, budget, guard)
            if wait + pause_s >= budget.left():
                tail += f"; another attempt would have to wait {wait:g} s, past the deadline"
                raise DownloadError(_message(what, service, url, budget, attempts, failed, tail)) from cause
            time.sleep(wait)
