"""Downloads from OpenStreetMap through osmnx: settings for one call, area checks, retries.

osmnx keeps its settings in module globals; :func:`osmnx_settings` sets them
for one call and restores them (and ``socket.getaddrinfo``, which osmnx's
downloader replaces) afterwards.  :func:`download` runs an osmnx call and
turns network failures into :class:`~corridor.errors.DownloadError`.
Nothing here is called unless the user calls a function that says it downloads.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from .errors import DownloadError, GeometryError, ParameterError
from .geodesy import area_km2

__all__ = ["EXTRA_WAY_TAGS", "check_area", "download", "import_osmnx", "osmnx_settings"]

#: Way tags kept on edges, besides osmnx's defaults.
EXTRA_WAY_TAGS = ("railway", "usage", "service", "electrified", "gauge", "maxspeed", "ref")


def import_osmnx() -> Any:
    try:
        import osmnx as ox
    except ImportError as exc:  # pragma: no cover - osmnx is a dependency
        raise ImportError("corridor.network needs osmnx: `pip install osmnx`.") from exc
    return ox


@contextmanager
def osmnx_settings(*, timeout_s: float | None = None, cache_folder: str | Path | None = None) -> Iterator[Any]:
    """Set osmnx settings for one call and restore them (and ``socket.getaddrinfo``) after.

    osmnx keeps its settings in module globals, and its downloader replaces
    ``socket.getaddrinfo`` to pin the Overpass server's IP; both are restored.
    Not thread-safe (neither are osmnx settings).
    """
    ox = import_osmnx()
    names = ("requests_timeout", "useful_tags_way", "cache_folder", "overpass_rate_limit")
    saved = {n: getattr(ox.settings, n) for n in names}
    saved_getaddrinfo = socket.getaddrinfo
    try:
        tags = list(ox.settings.useful_tags_way)
        ox.settings.useful_tags_way = tags + [t for t in EXTRA_WAY_TAGS if t not in tags]
        if timeout_s is not None:
            ox.settings.requests_timeout = float(timeout_s)
        if cache_folder is not None:
            ox.settings.cache_folder = str(cache_folder)
        yield ox
    finally:
        for n, v in saved.items():
            setattr(ox.settings, n, v)
        socket.getaddrinfo = saved_getaddrinfo


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


def _probe(url: str, timeout_s: float) -> bool:
    """Whether ``url`` answers within a short timeout (a few seconds at most)."""
    import requests

    try:
        requests.get(url, timeout=min(timeout_s, 10.0), headers={"User-Agent": "corridor"})
    except requests.exceptions.RequestException:
        return False
    return True


def download(call: Any, *, what: str, timeout_s: float, retries: int) -> Any:
    """Run an osmnx download, turning network failures into :class:`DownloadError`."""
    import requests

    ox = import_osmnx()
    from osmnx._errors import InsufficientResponseError, ResponseStatusCodeError

    if not _probe(ox.settings.overpass_url.rstrip("/") + "/status", timeout_s):
        # Cannot reach Overpass: skip its rate-limit status check (osmnx would sleep a
        # minute before trying); a cached answer still works, anything else fails fast.
        ox.settings.overpass_rate_limit = False
    last: Exception | None = None
    for _ in range(max(int(retries), 0) + 1):
        try:
            return call(ox)
        except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
            last = exc
        except ResponseStatusCodeError as exc:
            last = exc
        except InsufficientResponseError as exc:
            msg = (
                f"OpenStreetMap returned no network for {what}: check the area and "
                f"`network_type`, or load a file with `corridor.read_network(path)`. ({exc})"
            )
            raise DownloadError(msg) from exc
    msg = (
        f"Could not download the network for {what} from OpenStreetMap "
        f"(timeout {timeout_s:g} s, {retries + 1} attempt(s)): {last}. Check the internet "
        "connection and try later, or load an OSM file with `corridor.read_network(path)`."
    )
    raise DownloadError(msg) from last
