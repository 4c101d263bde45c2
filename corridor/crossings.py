"""Borders as institutions: official crossing points, their status at a date, and border regimes.

A route can cross a border only where a crossing point exists and is open to its mode.
The built-in gazetteer (``data/crossing_points.csv``) lists the official road and rail
crossing points on the borders of the default region and the Caspian ferry ports: names in
the local spellings, the two territories, the position, the modes, the status (``open``,
``restricted``, ``closed``, ``planned``) and the date it holds from, each fact with its
source.  ``data/border_regimes.csv`` says who guards each border (or stretch) under what
arrangement since when: border guards, monitoring missions, corridor arrangements.  Both
are facts with sources and dates, never opinions; where sources disagree, the ``notes``
column says so (``data/README.md`` has the provenance).

A :class:`CrossingPolicy` evaluates the crossing points at a date (``as_of``) and lets a
scenario open or close whole borders or single points; :func:`match_crossings` matches the
crossings of an analysis to the nearest crossing point of their border.

Examples
--------
>>> cp = crossing_points(border="ARM-IRN")
>>> cp[["id", "modes", "status"]].to_records(index=False).tolist()
[('agarak-norduz', 'road', 'restricted')]
>>> crossing_point("Margara").status
'closed'
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import pandas as pd

from ._validate import border_pair, one_of
from .datasets import data_path
from .errors import DataError, ParameterError, ParameterTypeError, UnknownPlaceError, UnknownTerritoryError
from .geodesy import GEOD
from .places import normalize_name

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "CROSSING_POINT_COLUMNS",
    "CROSSING_STATUSES",
    "MATCH_KM",
    "POINT_STATUSES",
    "REGIME_COLUMNS",
    "USABLE_STATUSES",
    "CrossingPoint",
    "CrossingPolicy",
    "border_regimes",
    "crossing_point",
    "crossing_points",
    "match_crossings",
    "match_land_crossings",
]

#: Statuses of a crossing point in the data.
POINT_STATUSES = ("open", "restricted", "closed", "planned")
#: Statuses under which a route may pass (``restricted``: open to some traffic only, as the notes say).
USABLE_STATUSES = ("open", "restricted")
#: Statuses of a crossing of an analysis: a point's status, or none of its mode, or unknown at ``as_of``.
CROSSING_STATUSES = (*POINT_STATUSES, "no crossing point", "unknown")

#: Largest distance (km) between a crossing and the crossing point it is matched to.  Most
#: points of the data are the settlement beside the checkpoint (the checkpoint itself is
#: rarely published), up to 17 km from the border line; 25 km keeps them, while a crossing
#: 25 km from any official point is reported as ``no crossing point``.
MATCH_KM = 25.0

#: The columns of :func:`crossing_points` (besides ``geometry``).
CROSSING_POINT_COLUMNS = (
    "id",
    "name",
    "name_a",
    "name_b",
    "aliases",
    "a",
    "b",
    "part",
    "kind",
    "lon",
    "lat",
    "coord_source",
    "modes",
    "status",
    "status_since",
    "status_source",
    "hours",
    "dwell_h",
    "dwell_source",
    "notes",
)

#: The columns of :func:`border_regimes`.
REGIME_COLUMNS = (
    "id",
    "a",
    "b",
    "stretch",
    "kind",
    "actor",
    "arrangement",
    "since",
    "until",
    "status",
    "source",
    "notes",
)

_MODES = ("road", "rail", "pedestrian", "ferry")


# ---------------------------------------------------------------------------
# the data


def _read_table(name: str, what: str, columns: Sequence[str], statuses: Sequence[str] = ()) -> pd.DataFrame:
    """A built-in CSV of text columns, checked: its columns present, its ``status`` values known."""
    path = data_path(name)
    try:
        t = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (OSError, ValueError) as exc:
        raise DataError(f"Cannot read the {what} {str(path)!r}: {exc}") from exc
    missing = [c for c in columns if c not in t.columns]
    unknown = sorted(set(t["status"]) - set(statuses)) if statuses and "status" in t.columns else []
    if missing or unknown:
        raise DataError(f"{str(path)!r} is damaged: missing columns {missing}, unknown statuses {unknown}.")
    return t[list(columns)]


@cache
def _points() -> pd.DataFrame:
    """The crossing-point gazetteer, checked once."""
    t = _read_table("crossing_points.csv", "crossing points", CROSSING_POINT_COLUMNS, POINT_STATUSES)
    t["lon"], t["lat"] = t["lon"].astype(float), t["lat"].astype(float)
    t["dwell_h"] = pd.to_numeric(t["dwell_h"], errors="coerce")
    return t


@cache
def _history() -> pd.DataFrame:
    """Earlier statuses of crossing points: ``id``, ``status``, ``since`` (empty: open-ended), ``until``, ``source``."""
    cols = ("id", "status", "since", "until", "source")
    return _read_table("crossing_point_history.csv", "crossing-point history", cols, POINT_STATUSES)


@cache
def _regimes() -> pd.DataFrame:
    return _read_table("border_regimes.csv", "border regimes", REGIME_COLUMNS, ("current", "ended", "planned"))


class CrossingPoint(NamedTuple):
    """One official crossing point (a row of :func:`crossing_points`)."""

    id: str
    name: str
    a: str
    b: str
    kind: str
    lon: float
    lat: float
    modes: tuple[str, ...]
    status: str
    status_since: str
    status_source: str
    dwell_h: float


def crossing_points(
    *,
    border: Any = None,
    status: str | Sequence[str] | None = None,
    mode: str | None = None,
    kind: str | None = None,
    policy: CrossingPolicy | None = None,
) -> gpd.GeoDataFrame:
    """Official border crossing points and Caspian ferry ports, each fact with its source.

    Parameters
    ----------
    border : str or (str, str), optional
        Only the points of one border, such as ``"ARM-IRN"`` or ``("TUR", "GEO")``.
    status : str or sequence of str, optional
        Only points with this status (``open``, ``restricted``, ``closed``, ``planned``),
        after ``policy``.
    mode : {"road", "rail", "pedestrian", "ferry"}, optional
        Only points open to this mode.
    kind : {"border crossing", "port"}, optional
    policy : CrossingPolicy, optional
        Evaluate the statuses at a date or with a scenario's openings and closures; the
        ``status`` column is then the evaluated one and ``recorded_status`` the data's.

    Returns
    -------
    geopandas.GeoDataFrame
        :data:`CROSSING_POINT_COLUMNS` and a Point ``geometry`` (EPSG:4326).  ``modes``
        is ``|``-separated; ``a`` < ``b`` (ISO3; ports have no ``b``); ``part`` is
        ``Nakhchivan`` for the exclave's points.

    Examples
    --------
    >>> t = crossing_points(border="GEO-TUR", mode="rail")
    >>> list(t["id"])
    ['btk-kartsakhi-canbaz-rail']
    >>> len(crossing_points(kind="port"))
    8
    >>> crossing_points(mode="boat")
    Traceback (most recent call last):
    ...
    corridor.errors.ParameterError: `mode` must be one of 'road', 'rail', 'pedestrian', 'ferry'; got 'boat'.
    """
    import geopandas as gpd

    t = _points().copy()
    if policy is not None:
        if not isinstance(policy, CrossingPolicy):
            raise ParameterTypeError(f"`policy` must be a CrossingPolicy, got {type(policy).__name__}.")
        t.insert(t.columns.get_loc("status"), "recorded_status", t["status"])
        t["status"] = policy.status_of(t)
    if border is not None:
        a, b = _known_pair(border)
        t = t[(t["a"] == a) & (t["b"] == b)]
    if status is not None:
        wanted = [status] if isinstance(status, str) else list(status)
        for s in wanted:
            one_of(s, "status", CROSSING_STATUSES)
        t = t[t["status"].isin(wanted)]
    if mode is not None:
        one_of(mode, "mode", _MODES)
        t = t[t["modes"].str.split("|").map(lambda ms: mode in ms)]
    if kind is not None:
        one_of(kind, "kind", ("border crossing", "port"))
        t = t[t["kind"] == kind]
    return gpd.GeoDataFrame(t.reset_index(drop=True), geometry=gpd.points_from_xy(t["lon"], t["lat"]), crs="EPSG:4326")


def _known_pair(border: Any) -> tuple[str, str]:
    """A border pair of ISO 3166-1 alpha-3 codes that the world layers know."""
    from .datasets import world_countries

    a, b = sorted(x.upper() for x in border_pair(border))
    known = set(world_countries()["iso3"])
    unknown = [x for x in (a, b) if x not in known]
    if unknown:
        msg = (
            f"Unknown territory code(s) {', '.join(unknown)} in `border`={border!r}; give ISO 3166-1 "
            "alpha-3 codes such as 'ARM-IRN' (see `corridor.datasets.world_countries()`)."
        )
        raise UnknownTerritoryError(msg)
    return a, b


def crossing_point(name: str) -> CrossingPoint:
    """One crossing point by its id, name, either side's name or an alias (case and diacritics ignored).

    Parameters
    ----------
    name : str
        ``"agarak-norduz"``, ``"Agarak"``, ``"Nordooz"``, ``"Sarpi"``, ...

    Returns
    -------
    CrossingPoint

    Examples
    --------
    >>> crossing_point("Nordooz").id
    'agarak-norduz'
    >>> crossing_point("Atlantis")
    Traceback (most recent call last):
    ...
    corridor.errors.UnknownPlaceError: Unknown crossing point 'Atlantis'; see `corridor.crossing_points()`.
    """
    if not isinstance(name, str):
        raise ParameterTypeError(f"A crossing point name must be a string, got {type(name).__name__}.")
    i = _index().get(normalize_name(name))
    if i is None:
        raise UnknownPlaceError(f"Unknown crossing point {name!r}; see `corridor.crossing_points()`.")
    r = _points().iloc[i]
    return CrossingPoint(
        r["id"],
        r["name"],
        r["a"],
        r["b"],
        r["kind"],
        float(r["lon"]),
        float(r["lat"]),
        tuple(r["modes"].split("|")),
        r["status"],
        r["status_since"],
        r["status_source"],
        float(r["dwell_h"]),
    )


@cache
def _index() -> dict[str, int]:
    """Every id, name, side name and alias (normalised) → row; ids and names win over aliases."""
    t = _points()
    out: dict[str, int] = {}
    for col in ("aliases", "name_b", "name_a", "name", "id"):
        for i, v in enumerate(t[col]):
            text = str(v)
            bare = re.sub(r"\s*\([^)]*\)", "", text)  # "Akhurik–Akyaka (rail)" is also "Akhurik–Akyaka"
            for n in [*re.split(r" / |–|\|", text), *re.split(r" / |–|\|", bare), text, bare]:
                if n.strip():
                    out[normalize_name(n)] = i
    return out


def border_regimes(*, border: Any = None, kind: str | None = None, ids: Iterable[str] | None = None) -> pd.DataFrame:
    """Who guards each border (or stretch) under what arrangement since when, with sources.

    Parameters
    ----------
    border : str or (str, str), optional
        Only one border, such as ``"ARM-IRN"``.
    kind : {"border guard", "monitoring mission", "corridor arrangement", "border status"}, optional
    ids : iterable of str, optional
        Only rows whose territories are all among these (a region's ids).

    Returns
    -------
    pandas.DataFrame
        :data:`REGIME_COLUMNS`: ``b`` is empty for a row about one state's borders as a
        whole; ``since``/``until`` are ISO dates at the precision of the source;
        ``status`` is ``current``, ``ended`` or ``planned``.

    Examples
    --------
    >>> t = border_regimes(border="ARM-IRN")
    >>> t.set_index("id").loc["arm-irn-agarak-armenian", "since"]
    '2025-01-01'
    """
    t = _regimes().copy()
    if border is not None:
        a, b = _known_pair(border)
        t = t[(t["a"] == a) & (t["b"] == b)]
    if kind is not None:
        one_of(kind, "kind", ("border guard", "monitoring mission", "corridor arrangement", "border status"))
        t = t[t["kind"] == kind]
    if ids is not None:
        keep = set(ids)
        t = t[t["a"].isin(keep) & (t["b"].isin(keep) | (t["b"] == ""))]
    return t.reset_index(drop=True)


# ---------------------------------------------------------------------------
# statuses at a date, with a scenario's openings and closures


def _date(value: Any, name: str) -> dt.date | None:
    """A date from ``date``/``datetime``/ISO text (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``); ``None`` stays None."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        parts = value.strip().split("-")
        try:
            nums = [int(p) for p in parts]
            if 1 <= len(nums) <= 3 and len(parts[0]) == 4:
                return dt.date(nums[0], nums[1] if len(nums) > 1 else 1, nums[2] if len(nums) > 2 else 1)
        except ValueError:
            pass
    raise ParameterError(f"`{name}` must be a date such as '2026-01-01' (or a datetime.date), got {value!r}.")


@dataclass(frozen=True)
class CrossingPolicy:
    """Which crossing points are open: the data's statuses at a date, with openings and closures.

    Parameters
    ----------
    as_of : datetime.date or str, optional
        Evaluate the statuses at this date.  The data record each point's current status
        and the date it holds from (``status_since``), and earlier statuses where sources
        report them (``data/crossing_point_history.csv``); a date before what the data
        record comes out as ``unknown``.  Default: the statuses as recorded.
    borders : mapping, optional
        ``{"ARM-TUR": "open"}``: every crossing point of that border takes this status
        (a border with no crossing point stays without one: opening a border does not
        build a checkpoint).
    points : mapping, optional
        ``{"akhurik-akyaka-rail": "open"}`` by id, name or alias; wins over ``borders``.
    dwell_h : mapping, optional
        Hours of dwell at named crossing points, overriding the published figures.
    source : str
        Whose assumptions (``"built-in data"`` or ``"scenario '…'"``).

    Examples
    --------
    >>> p = CrossingPolicy(borders={"ARM-TUR": "open"})
    >>> crossing_points(border="ARM-TUR", policy=p)[["id", "recorded_status", "status"]].values.tolist()
    [['margara-alican', 'closed', 'open'], ['akhurik-akyaka-rail', 'closed', 'open']]
    >>> CrossingPolicy(points={"Atlantis": "open"})
    Traceback (most recent call last):
    ...
    corridor.errors.UnknownPlaceError: Unknown crossing point 'Atlantis'; see `corridor.crossing_points()`.
    """

    as_of: dt.date | str | None = None
    borders: Mapping[Any, str] = field(default_factory=dict)
    points: Mapping[str, str] = field(default_factory=dict)
    dwell_h: Mapping[str, float] = field(default_factory=dict)
    source: str = "built-in data"

    def __post_init__(self) -> None:
        from ._validate import non_negative_number

        object.__setattr__(self, "as_of", _date(self.as_of, "as_of"))
        for name in ("borders", "points", "dwell_h"):
            if not isinstance(getattr(self, name), Mapping):
                kind = type(getattr(self, name)).__name__
                msg = f"`{name}` must be a mapping such as {{'ARM-TUR': 'open'}}, got {kind}."
                raise ParameterTypeError(msg)
        borders = {border_pair(k): one_of(v, f"borders[{k!r}]", POINT_STATUSES) for k, v in self.borders.items()}
        points = {crossing_point(k).id: one_of(v, f"points[{k!r}]", POINT_STATUSES) for k, v in self.points.items()}
        dwell = {
            crossing_point(k).id: non_negative_number(v, f"dwell_h[{k!r}]", unit="hours")
            for k, v in self.dwell_h.items()
        }
        object.__setattr__(self, "borders", borders)
        object.__setattr__(self, "points", points)
        object.__setattr__(self, "dwell_h", dwell)

    @staticmethod
    def _at_date(points: pd.DataFrame, status: np.ndarray, when: dt.date) -> np.ndarray:
        """Statuses at ``when``: the current one from ``status_since`` on, else the history's, else unknown."""
        hist = _history()
        for k, (pid, since) in enumerate(zip(points["id"], points["status_since"])):
            start = _date(since, "status_since")
            if start is None or start <= when:
                continue
            status[k] = "unknown"
            for s, a, b in zip(
                hist["status"][hist["id"] == pid], hist["since"][hist["id"] == pid], hist["until"][hist["id"] == pid]
            ):
                lo, hi = _date(a, "since"), _date(b, "until")
                if (lo is None or lo <= when) and (hi is None or when < hi):
                    status[k] = s
        return status

    @property
    def is_default(self) -> bool:
        """True when it changes nothing (the data's statuses as recorded)."""
        return self.as_of is None and not self.borders and not self.points and not self.dwell_h

    def status_of(self, points: pd.DataFrame) -> np.ndarray:
        """The status of each row of a :func:`crossing_points` table under this policy.

        Parameters
        ----------
        points : pandas.DataFrame
            Rows of the crossing-point gazetteer (``id``, ``a``, ``b``, ``status``,
            ``status_since``).

        Returns
        -------
        numpy.ndarray
            One status per row: one of :data:`CROSSING_STATUSES` but ``no crossing point``.
        """
        status = points["status"].to_numpy(dtype=object).copy()
        if isinstance(self.as_of, dt.date):  # a str became a date in __post_init__
            status = self._at_date(points, status, self.as_of)
        for (a, b), s in self.borders.items():
            status[((points["a"] == a) & (points["b"] == b)).to_numpy()] = s
        for pid, s in self.points.items():
            status[(points["id"] == pid).to_numpy()] = s
        return status


# ---------------------------------------------------------------------------
# crossings of a route meet crossing points

#: The columns :func:`match_crossings` adds to a crossings table.
MATCH_COLUMNS = (
    "mode",
    "crossing_point_id",
    "crossing_point",
    "point_distance_km",
    "point_status",
    "mode_allowed",
    "crossing_status",
    "dwell_point_h",
)


def match_crossings(
    crossings: pd.DataFrame,
    modes: Sequence[str | None],
    *,
    land_pairs: Iterable[tuple[str, str]],
    route: Any = None,
    policy: CrossingPolicy | None = None,
) -> pd.DataFrame:
    """Each crossing matched to the nearest official crossing point of its border.

    A crossing of a land border (its two territories share a border in the region) is
    matched to the nearest crossing point of that pair within :data:`MATCH_KM` (geodesic,
    from the crossing's position), preferring points open to the route's mode there.  A
    crossing between territories with no shared border (a ferry across the Caspian) is
    matched to the ports of the two territories nearest the route (within
    :data:`MATCH_KM` of it).

    Parameters
    ----------
    crossings : pandas.DataFrame
        ``from_iso3``, ``to_iso3``, ``water_km`` and a Point ``geometry`` per crossing.
    modes : sequence of str or None
        The route's mode at each crossing (None: any mode).
    land_pairs : iterable of (str, str)
        Sorted pairs of territories that share a border in the region.
    route : Route, optional
        Needed to match sea crossings to ports.
    policy : CrossingPolicy, optional
        Statuses at a date and a scenario's openings and closures.

    Returns
    -------
    pandas.DataFrame
        :data:`MATCH_COLUMNS`, one row per crossing (same index): ``crossing_status`` is
        the point's status when a point of the route's mode is matched, else
        ``no crossing point``; ``mode_allowed`` says whether the matched point takes the
        route's mode; ``dwell_point_h`` is its published (or the policy's) dwell time.
    """
    policy = policy if policy is not None else CrossingPolicy()
    pts = _points()
    status = policy.status_of(pts)
    land = {tuple(sorted(p)) for p in land_pairs}
    rows: list[Any] = []
    for (a, b, geom), mode in zip(zip(crossings["from_iso3"], crossings["to_iso3"], crossings.geometry), modes):
        pair = tuple(sorted((str(a), str(b))))
        if pair in land:
            rows.append(tuple(match_land_crossings(pair, np.array([[geom.x, geom.y]]), [mode], policy=policy)[0]))
        else:
            rows.append(_match_sea(pts, status, str(a), str(b), route, mode, policy))
    return pd.DataFrame(rows, columns=list(MATCH_COLUMNS), index=crossings.index)


def match_land_crossings(
    pair: tuple[str, ...], xy: np.ndarray, modes: Sequence[str | None], *, policy: CrossingPolicy | None = None
) -> np.ndarray:
    """:data:`MATCH_COLUMNS` of crossings of one land border, in one array step.

    The rule of :func:`match_crossings` for a land border: the nearest crossing point of the
    pair within :data:`MATCH_KM` (geodesic, from each crossing's position), preferring points
    open to the crossing's mode; ``no crossing point`` when none is that near or none takes
    the mode.

    Parameters
    ----------
    pair : (str, str)
        The border, sorted (``("ARM", "IRN")``).
    xy : numpy.ndarray
        ``(n, 2)`` lon/lat of the crossings.
    modes : sequence of str or None
        The route's mode at each crossing (None: any mode).
    policy : CrossingPolicy, optional
        Statuses at a date, openings and closures, dwell per point.

    Returns
    -------
    numpy.ndarray
        ``(n, len(MATCH_COLUMNS))``, object.

    Examples
    --------
    >>> row = match_land_crossings(("ARM", "IRN"), np.array([[46.2, 38.86]]), ["road"])[0]
    >>> row[1], row[6]
    ('agarak-norduz', 'restricted')
    """
    policy = policy if policy is not None else CrossingPolicy()
    points = _point_arrays()
    status = policy.status_of(_points())
    on = np.flatnonzero((points["a"] == pair[0]) & (points["b"] == pair[1]))
    n = len(xy)
    rows = np.empty((n, len(MATCH_COLUMNS)), dtype=object)
    rows[:] = [None, None, None, np.nan, None, False, "no crossing point", np.nan]
    rows[:, 0] = list(modes)
    if not len(on) or not n:
        return rows
    _, _, d = GEOD.inv(
        np.repeat(xy[:, 0], len(on)),
        np.repeat(xy[:, 1], len(on)),
        np.tile(points["lon"][on], n),
        np.tile(points["lat"][on], n),
    )
    dist = np.asarray(d, dtype=float).reshape(n, len(on)) / 1000.0
    near = dist <= MATCH_KM
    # which points take each crossing's mode: once per mode
    kinds = list(dict.fromkeys(modes))
    table = np.array([[_allows(str(pm), m) for pm in points["modes"][on]] for m in kinds], dtype=bool)
    allows = table[[kinds.index(m) for m in modes]]
    fits = near & allows.reshape(n, len(on))
    k = np.where(
        fits.any(axis=1),
        np.argmin(np.where(fits, dist, np.inf), axis=1),
        np.argmin(np.where(near, dist, np.inf), axis=1),
    )
    none = ~near.any(axis=1)
    rows[none, 3] = dist.min(axis=1)[none]
    ids, names, dwell_h = points["id"], points["name"], points["dwell_h"]
    for r in np.flatnonzero(~none):
        i, ok = on[k[r]], bool(fits[r, k[r]])
        st = str(status[i])
        dwell = policy.dwell_h.get(ids[i], dwell_h[i]) if ok else np.nan
        rows[r, 1:] = [ids[i], names[i], float(dist[r, k[r]]), st, ok, st if ok else "no crossing point", dwell]
    return rows


@cache
def _point_arrays() -> dict[str, np.ndarray]:
    """The gazetteer's columns as arrays (ids, names, pairs, modes, dwell, lon/lat)."""
    t = _points()
    out = {c: t[c].to_numpy(dtype=object) for c in ("id", "name", "a", "b", "modes", "dwell_h")}
    out["lon"], out["lat"] = t["lon"].to_numpy(dtype=float), t["lat"].to_numpy(dtype=float)
    return out


def _allows(modes: str, mode: str | None) -> bool:
    return mode is None or mode in modes.split("|") or (mode == "other")


def _match_sea(
    pts: pd.DataFrame, status: np.ndarray, a: str, b: str, route: Any, mode: str | None, policy: CrossingPolicy
) -> tuple[Any, ...]:
    ends: list[tuple[int, float]] = []
    for iso in (a, b):
        best: tuple[int, float] | None = None
        for k in np.flatnonzero(((pts["kind"] == "port") & (pts["a"] == iso)).to_numpy()) if route is not None else []:
            p = (float(pts["lon"].iat[k]), float(pts["lat"].iat[k]))
            q = route.point_at_km(route.km_of(p))
            d_km = float(GEOD.inv(p[0], p[1], q[0], q[1])[2]) / 1000.0
            if d_km <= MATCH_KM and (best is None or d_km < best[1]):
                best = (int(k), d_km)
        if best is None:
            return (mode, None, None, np.nan, None, False, "no crossing point", np.nan)
        ends.append(best)
    (i, di), (j, dj) = ends
    ok = _allows(pts["modes"].iat[i], mode) and _allows(pts["modes"].iat[j], mode)
    worst = max((str(status[i]), str(status[j])), key=lambda s: CROSSING_STATUSES.index(s))
    hours = [float(policy.dwell_h.get(pts["id"].iat[k], pts["dwell_h"].iat[k])) for k in (i, j)]
    known = [h for h in hours if np.isfinite(h)]
    dwell = sum(known) if ok and known else np.nan
    return (
        mode,
        f"{pts['id'].iat[i]}>{pts['id'].iat[j]}",
        f"{pts['name'].iat[i]} → {pts['name'].iat[j]}",
        float(max(di, dj)),
        worst,
        ok,
        worst if ok else "no crossing point",
        dwell,
    )
