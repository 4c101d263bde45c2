"""Checks at the boundary: numbers, coordinates, choices, border pairs, leg attributes.

Public functions validate what users pass and raise a :class:`~corridor.errors.CorridorError`
subclass whose message says what came, what was expected and how to fix it; everything
inside the package then trusts the values.  Parameter names appear in backticks.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from typing import Any

import numpy as np
import shapely

from ._typing import MODES, STATUSES
from .errors import GeometryError, ParameterError, ParameterTypeError

__all__ = [
    "as_lonlat",
    "border_pair",
    "check_leg_attrs",
    "check_lonlat",
    "count",
    "lonlat_array",
    "non_negative_number",
    "number",
    "one_of",
    "positive_number",
]


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def number(value: Any, name: str, *, unit: str = "", finite: bool = True) -> float:
    """``value`` as a float, refusing strings, booleans, None and (by default) NaN or infinity.

    Examples
    --------
    >>> number(3, "speed_kmh")
    3.0
    >>> number("3", "speed_kmh")
    Traceback (most recent call last):
    ...
    corridor.errors.ParameterTypeError: `speed_kmh` must be a number, got '3' (str).
    """
    what = f" ({unit})" if unit else ""
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, np.number)):
        msg = f"`{name}` must be a number{what}, got {_shown(value)} ({type(value).__name__})."
        raise ParameterTypeError(msg)
    out = float(value)
    if finite and not np.isfinite(out):
        raise ParameterError(f"`{name}` must be a finite number{what}, got {out!r}.")
    return out


def positive_number(value: Any, name: str, *, unit: str = "") -> float:
    """``value`` as a float > 0 (finite).

    Examples
    --------
    >>> positive_number(500, "offset_m", unit="metres")
    500.0
    >>> positive_number(0, "offset_m", unit="metres")
    Traceback (most recent call last):
    ...
    corridor.errors.ParameterError: `offset_m` must be > 0 (metres), got 0.0.
    """
    out = number(value, name, unit=unit)
    if not out > 0:
        what = f" ({unit})" if unit else ""
        raise ParameterError(f"`{name}` must be > 0{what}, got {out!r}.")
    return out


def non_negative_number(value: Any, name: str, *, unit: str = "") -> float:
    """``value`` as a float >= 0 (finite).

    Examples
    --------
    >>> non_negative_number(0, "dwell_h", unit="hours")
    0.0
    """
    out = number(value, name, unit=unit)
    if out < 0:
        what = f" ({unit})" if unit else ""
        raise ParameterError(f"`{name}` must be >= 0{what}, got {out!r}.")
    return out


def count(value: Any, name: str) -> int:
    """``value`` as an int >= 0 (a count, such as ``retries``), refusing booleans, floats and strings.

    Examples
    --------
    >>> count(2, "retries")
    2
    >>> count(1.5, "retries")
    Traceback (most recent call last):
    ...
    corridor.errors.ParameterTypeError: `retries` must be a whole number, got 1.5 (float).
    >>> count(-1, "retries")
    Traceback (most recent call last):
    ...
    corridor.errors.ParameterError: `retries` must be >= 0, got -1.
    """
    if isinstance(value, bool) or not isinstance(value, (numbers.Integral, np.integer)):
        msg = f"`{name}` must be a whole number, got {_shown(value)} ({type(value).__name__})."
        raise ParameterTypeError(msg)
    out = int(value)
    if out < 0:
        raise ParameterError(f"`{name}` must be >= 0, got {out!r}.")
    return out


def one_of(value: Any, name: str, options: Iterable[Any]) -> Any:
    """``value`` if it is one of ``options``, else a :class:`ParameterError` listing them.

    Examples
    --------
    >>> one_of("iso3", "by", ("iso3", "part"))
    'iso3'
    """
    opts = tuple(options)
    try:
        ok = value in opts
    except TypeError:  # unhashable or uncomparable
        ok = False
    if not ok:
        listed = ", ".join(repr(o) for o in opts)
        raise ParameterError(f"`{name}` must be one of {listed}; got {_shown(value)}.")
    return value


def as_lonlat(p: Any, *, what: str = "point") -> tuple[float, float]:
    """``(lon, lat)`` from a shapely Point, an object with ``lon``/``lat`` (a Place) or a pair.

    Refuses NaN, infinity, longitudes beyond ±180° and latitudes beyond ±90°
    (which usually means the axes are swapped).

    Examples
    --------
    >>> as_lonlat((45.0, 40.0))
    (45.0, 40.0)
    >>> as_lonlat((40.0, 145.0))
    Traceback (most recent call last):
    ...
    corridor.errors.GeometryError: Latitude 145.0 of the point (40.0, 145.0) is beyond ±90°: ...
    """
    if isinstance(p, shapely.Point):
        if p.is_empty:
            raise GeometryError(f"The {what} is an empty Point: give one with coordinates (lon, lat).")
        lon, lat = float(p.x), float(p.y)
    elif hasattr(p, "lon") and hasattr(p, "lat") and not isinstance(p, (str, bytes)):
        lon, lat = number(p.lon, "lon", unit="degrees"), number(p.lat, "lat", unit="degrees")
    else:
        try:
            if isinstance(p, (str, bytes)):
                raise TypeError
            a, b = p
            lon, lat = float(a), float(b)
            if isinstance(a, bool) or isinstance(b, bool):
                raise TypeError
        except (TypeError, ValueError):
            msg = f"Expected the {what} as `(lon, lat)`, a shapely Point or a Place, got {_shown(p)}."
            raise GeometryError(msg) from None
    if not (np.isfinite(lon) and np.isfinite(lat)):
        raise GeometryError(f"The {what} {_shown(p)} has a NaN or infinite coordinate.")
    if abs(lat) > 90:
        msg = f"Latitude {lat} of the {what} {_shown(p)} is beyond ±90°: are the axes swapped? Give (lon, lat)."
        raise GeometryError(msg)
    if abs(lon) > 180:
        raise GeometryError(f"Longitude {lon} of the {what} {_shown(p)} is beyond ±180°; give (lon, lat) in degrees.")
    return lon, lat


def lonlat_array(coords: Any, *, what: str = "route") -> np.ndarray:
    """An ``(n, 2)`` float array of ``(lon, lat)`` (a third column is dropped), checked.

    Refuses non-numbers, NaN and infinity, projected-looking values (metres),
    longitudes beyond ±180° and latitudes beyond ±90° (swapped axes).

    Examples
    --------
    >>> lonlat_array([(45, 40), (46, 40.5)]).tolist()
    [[45.0, 40.0], [46.0, 40.5]]
    """
    try:
        arr = np.asarray(coords, dtype=float)
    except (TypeError, ValueError):
        raise GeometryError(f"The {what} coordinates must be numbers as (lon, lat) pairs.") from None
    if arr.ndim != 2 or arr.shape[1] not in (2, 3) or len(arr) == 0:
        msg = f"The {what} needs an (n, 2) sequence of (lon, lat) pairs, got shape {arr.shape}."
        raise GeometryError(msg)
    arr = arr[:, :2]
    check_lonlat(arr, what=what)
    return arr


def check_lonlat(arr: np.ndarray, *, what: str = "route", line: np.ndarray | None = None) -> None:
    """Refuse NaN, infinity, projected-looking values and out-of-range (lon, lat) in an ``(n, 2)`` array.

    ``line`` (one index per row) names the line of a batch in the message.

    Examples
    --------
    >>> check_lonlat(np.array([[45.0, 40.0]]))
    >>> check_lonlat(np.array([[40.0, 120.0]]))
    Traceback (most recent call last):
    ...
    corridor.errors.GeometryError: Latitude 120.0 at position 0 of the route is beyond ±90°: ...
    """

    def where(i: int) -> str:
        return f"position {i} of the {what}" if line is None else f"line {int(line[i])} of the {what}"

    # the common case at once (column by column: numpy reduces an (n, 2) array along axis 0 slowly);
    # a NaN makes the maximum NaN, which fails the comparison and is found below
    if len(arr) and np.abs(arr[:, 0]).max() <= 180 and np.abs(arr[:, 1]).max() <= 90:
        return
    bad = ~np.isfinite(arr).all(axis=1)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        if line is None:
            raise GeometryError(f"The {what} has a NaN or infinite coordinate at position {i}: {arr[i]}.")
        raise GeometryError(f"Line {int(line[i])} of the {what} has a NaN or infinite coordinate: {arr[i]}.")
    if (np.abs(arr) > 360).any():
        i = int(np.flatnonzero((np.abs(arr) > 360).any(axis=1))[0])
        msg = (
            f"Coordinate {arr[i].tolist()} at {where(i)} is not (lon, lat) in "
            "degrees: it looks projected (metres). Give the layer its CRS, or reproject to "
            "EPSG:4326, first."
        )
        raise GeometryError(msg)
    if (np.abs(arr[:, 0]) > 180).any():
        i = int(np.flatnonzero(np.abs(arr[:, 0]) > 180)[0])
        raise GeometryError(f"Longitude {arr[i, 0]} at {where(i)} is beyond ±180°; give (lon, lat) in degrees.")
    if (np.abs(arr[:, 1]) > 90).any():
        i = int(np.flatnonzero(np.abs(arr[:, 1]) > 90)[0])
        msg = f"Latitude {arr[i, 1]} at {where(i)} is beyond ±90°: the axes look swapped. Coordinates are (lon, lat)."
        raise GeometryError(msg)


def border_pair(key: Any) -> tuple[str, str]:
    """A border key (``"ARM-AZE"``, ``"ARM–AZE"`` or ``("AZE", "ARM")``) as a sorted pair.

    Examples
    --------
    >>> border_pair("AZE-ARM")
    ('ARM', 'AZE')
    >>> border_pair(("IRN", "ARM"))
    ('ARM', 'IRN')
    """
    if isinstance(key, str):
        parts = [p.strip() for p in key.replace("–", "-").split("-") if p.strip()]
    else:
        try:
            parts = [str(x) for x in key]
        except TypeError:
            parts = []
    if len(parts) != 2:
        raise ParameterError(f"Border key {_shown(key)}: give a pair such as 'ARM-AZE' or ('ARM', 'AZE').")
    a, b = sorted(parts)
    return a, b


def check_leg_attrs(mode: Any, status: Any, speed_kmh: Any) -> None:
    """Refuse an unknown ``mode`` or ``status`` and a non-positive ``speed_kmh``.

    Examples
    --------
    >>> check_leg_attrs("rail", "planned", 120)
    >>> check_leg_attrs("boat", "planned", None)
    Traceback (most recent call last):
    ...
    corridor.errors.ParameterError: `mode` must be one of 'rail', 'road', 'ferry', 'other'; got 'boat'.
    """
    one_of(mode, "mode", MODES)
    one_of(status, "status", STATUSES)
    if speed_kmh is not None:
        positive_number(speed_kmh, "speed_kmh", unit="km/h")
