"""Measurements of routes over a region: territory km, crossings, border proximity, travel time.

:func:`analyze` measures one route in detail (a :class:`RouteAnalysis`);
:func:`analyze_many` and :func:`territory_km` measure many lines in one
vectorised pass.  The headline figures of a route (length, km per territory,
transit, crossings, km near borders, clearance, detour index, travel time)
are built by one function and have one name each (:data:`HEADLINE_COLUMNS`);
:meth:`RouteAnalysis.summary`, :func:`analyze_many`, :func:`headline_table`
and :func:`corridor.compare` all use it.

The rules of the measurement (geodesic lengths, the on-border rule,
``unassigned``, what a crossing is) are in :mod:`corridor._engine`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import shapely

from . import _engine
from ._compat import DeprecatedKeysDict, keyword_only_after, warn, warn_deprecated
from ._engine import UNASSIGNED, Engine, engine_for
from ._typing import MODES, STATUSES
from ._validate import border_pair, check_lonlat, non_negative_number, one_of, positive_number
from .crossings import (
    MATCH_COLUMNS,
    USABLE_STATUSES,
    CrossingPolicy,
    border_regimes,
    match_crossings,
    match_land_crossings,
)
from .errors import (
    BoundaryUncertaintyWarning,
    CRSError,
    GeometryError,
    OutsideRegionError,
    OutsideRegionWarning,
    ParameterError,
    ParameterTypeError,
    UnknownTerritoryError,
)
from .geodesy import GEOD, distance_m, geodesic_vertices
from .places import resolve_point
from .route import Route

if TYPE_CHECKING:
    import geopandas as gpd

    from .region import Region

__all__ = [
    "DEFAULT_DWELL_H",
    "DEFAULT_SPEEDS_KMH",
    "HEADLINE_COLUMNS",
    "UNASSIGNED",
    "RouteAnalysis",
    "TravelParams",
    "TravelTime",
    "analyze",
    "analyze_many",
    "boundary_sensitivity",
    "distance_km",
    "headline_table",
    "speed_for",
    "territory_km",
]

#: Default speeds (km/h) by (mode, status): planning assumptions, not published
#: figures.  Override them per leg (``Route.speed_kmh``) or per call.
DEFAULT_SPEEDS_KMH: dict[tuple[str, str], float] = {
    ("rail", "existing"): 60.0,
    ("rail", "planned"): 100.0,
    ("rail", "under construction"): 100.0,
    ("rail", "proposed"): 100.0,
    ("rail", "disused"): 40.0,
    ("road", "existing"): 70.0,
    ("road", "planned"): 90.0,
    ("road", "under construction"): 90.0,
    ("road", "proposed"): 90.0,
    ("road", "disused"): 40.0,
    # Caspian ferries: Alat – Türkmenbaşy, 306 km in about 12 h (eurasia.travel, "Caspian ferry")
    ("ferry", "existing"): 25.0,
    ("other", "existing"): 50.0,
}

#: How close (km) a territory the route stays out of must come to be a near miss.
NEAR_MISS_KM = 5.0

#: Default dwell time per international border crossing (hours).
DEFAULT_DWELL_H = 1.0

#: The headline figures of a route: one name each, with its meaning (the
#: columns of :func:`analyze_many`, :func:`headline_table` and :func:`corridor.compare`).
HEADLINE_COLUMNS: dict[str, str] = {
    "length_km": "geodesic length on WGS84 (km)",
    "published_km": "sum of the published lengths of the legs that have one (NaN if none does)",
    "ratio_to_published": "modelled km of those legs / published_km (1.0 = the model matches the published figure)",
    "km_without_published": "modelled km of the legs with no published length",
    "km_<ID>": "km in each territory the routes pass through, one column per id (sums with km_unassigned to length_km)",
    "km_unassigned": "km in no territory of the region (the open sea beyond every state's waters, or outside it)",
    "km_inland_water": "km over lakes, reservoirs and rivers (in any territory)",
    "km_sea": "km over the sea: territorial and internal sea waters, and the open sea beyond them",
    "transit": "territories crossed, in order, joined by '-' (the first, then each one entered)",
    "crossings": "number of international border crossings",
    "closed_crossings": "crossings with no open (or restricted) official crossing point of the route's mode there, "
    "at the date and with the openings of the scenario's CrossingPolicy: closed, planned, none within "
    "MATCH_KM, or unknown at that date",
    "crossing_points": "the official crossing points the route uses, in order, joined by '; ' "
    "(a sea passage as 'port → port'; '-' where none is matched)",
    "km_within_1km_border": "km within 1 km of any international border",
    "km_within_5km_border": "km within 5 km of any international border",
    "min_clearance_km": "smallest geodesic distance (km) to an international border the route does not cross",
    "uncertain_km": "km closer to an international border than the boundary data's positional accuracy "
    "(Region.accuracy_m); NaN when the region states none",
    "detour_index": "length / geodesic distance between the two ends (inf for a closed loop)",
    "travel_time_h": "running time by leg speeds plus dwell at each crossing (hours)",
}


# ---------------------------------------------------------------------------
# travel time


def speed_for(mode: str, status: str, speeds: Mapping[Any, float] | None = None) -> float:
    """The speed (km/h) for a mode and status.

    Lookup order: ``speeds[(mode, status)]``, ``speeds[mode]``, then
    :data:`DEFAULT_SPEEDS_KMH` for ``(mode, status)`` and ``(mode, "existing")``.

    Parameters
    ----------
    mode, status : str
        A leg's mode and status.
    speeds : mapping, optional
        ``{(mode, status): km/h}`` or ``{mode: km/h}``.

    Returns
    -------
    float
        km/h.

    Examples
    --------
    >>> speed_for("rail", "planned", {"rail": 120})
    120.0
    >>> speed_for("rail", "planned")
    100.0
    >>> speed_for("rail", "planned", {"rial": 120})
    Traceback (most recent call last):
    ...
    corridor.errors.ParameterError: Speed key 'rial': the mode must be one of rail, road, ferry, other; ...
    """
    user = _checked_speeds(speeds)
    for key in ((mode, status), mode):
        if key in user:
            return user[key]
    for key in ((mode, status), (mode, "existing")):
        if key in DEFAULT_SPEEDS_KMH:
            return DEFAULT_SPEEDS_KMH[key]  # type: ignore[index]
    raise ParameterError(f"No speed for mode {mode!r}, status {status!r}; pass `speeds=`.")


def _checked_speeds(speeds: Mapping[Any, Any] | None) -> dict[Any, float]:
    """Speed overrides with their keys (mode or (mode, status)) and values checked."""
    if speeds is None:
        return {}
    if not isinstance(speeds, Mapping):
        raise ParameterTypeError(f"`speeds` must be a mapping such as {{'rail': 120}}, got {type(speeds).__name__}.")
    out: dict[Any, float] = {}
    for k, v in speeds.items():
        if isinstance(k, str):
            key: Any = k
            mode, status = k, None
        elif isinstance(k, (tuple, list)) and len(k) == 2:
            key = (k[0], k[1])
            mode, status = key
        else:
            key, mode, status = k, None, None
        if mode not in MODES or (status is not None and status not in STATUSES):
            msg = (
                f"Speed key {k!r}: the mode must be one of {', '.join(MODES)}; with a status, give "
                f"(mode, status) with a status among {', '.join(STATUSES)}."
            )
            raise ParameterError(msg)
        out[key] = positive_number(v, f"speeds[{k!r}]", unit="km/h")
    return out


@dataclass(frozen=True)
class TravelParams:
    """The assumptions behind a travel time: speeds, dwell at borders, and whose they are.

    Parameters
    ----------
    speeds_kmh : mapping
        ``{(mode, status): km/h}`` or ``{mode: km/h}``, overriding
        :data:`DEFAULT_SPEEDS_KMH`; a leg's own ``speed_kmh`` wins over both.
    dwell_h : mapping
        Hours per crossing of a border: ``{"ARM-AZE": 0.5}`` or ``{("ARM", "AZE"): 0.5}``.
    default_dwell_h : float, default 1.0
        Hours per crossing of any other border.
    source : str
        Whose assumptions: ``"package defaults"`` or ``"scenario '…'"``.

    Examples
    --------
    >>> TravelParams().source
    'package defaults'
    >>> TravelParams(dwell_h={"ARM-AZE": -1})
    Traceback (most recent call last):
    ...
    corridor.errors.ParameterError: `dwell_h['ARM-AZE']` must be >= 0 (hours), got -1.0.
    """

    speeds_kmh: Mapping[Any, float] = field(default_factory=dict)
    dwell_h: Mapping[Any, float] = field(default_factory=dict)
    default_dwell_h: float = DEFAULT_DWELL_H
    source: str = "package defaults"

    def __post_init__(self) -> None:
        object.__setattr__(self, "speeds_kmh", _checked_speeds(self.speeds_kmh))
        if not isinstance(self.dwell_h, Mapping):
            raise ParameterTypeError(f"`dwell_h` must be a mapping such as {{'ARM-AZE': 0.5}}, got {self.dwell_h!r}.")
        dwell = {
            border_pair(k): non_negative_number(v, f"dwell_h[{k!r}]", unit="hours") for k, v in self.dwell_h.items()
        }
        object.__setattr__(self, "dwell_h", dwell)
        object.__setattr__(
            self, "default_dwell_h", non_negative_number(self.default_dwell_h, "default_dwell_h", unit="hours")
        )

    def with_overrides(
        self,
        *,
        speeds: Mapping[Any, float] | None = None,
        dwell_h: Mapping[Any, float] | None = None,
        default_dwell_h: float | None = None,
    ) -> TravelParams:
        """These parameters with some replaced (``None`` keeps the current value).

        Parameters
        ----------
        speeds, dwell_h, default_dwell_h
            As the fields of the same names.

        Returns
        -------
        TravelParams
        """
        if speeds is None and dwell_h is None and default_dwell_h is None:
            return self
        return TravelParams(
            self.speeds_kmh if speeds is None else speeds,
            self.dwell_h if dwell_h is None else dwell_h,
            self.default_dwell_h if default_dwell_h is None else default_dwell_h,
            f"{self.source}, with overrides",
        )


@dataclass(frozen=True)
class TravelTime:
    """Travel time of a route: per-leg running time plus dwell at border crossings.

    Parameters
    ----------
    legs : pandas.DataFrame
        ``leg``, ``mode``, ``status``, ``length_km``, ``speed_kmh``, ``hours``.
    crossings : pandas.DataFrame
        ``km``, ``border``, ``crossing_point``, ``dwell_h`` and ``dwell_from``: the
        crossing point's published dwell (or the scenario's for that point), else the
        border pair's, else the default.
    params : TravelParams
        The assumptions used.

    Examples
    --------
    >>> import corridor
    >>> tt = corridor.analyze(corridor.Route.from_places(["Horadiz", "Nakhchivan"])).travel_time()
    >>> round(tt.running_h, 2), tt.dwell_h, tt.params.source
    (2.8, 2.0, 'package defaults')
    """

    legs: pd.DataFrame
    crossings: pd.DataFrame
    params: TravelParams = field(default_factory=TravelParams)

    @property
    def running_h(self) -> float:
        """Hours in motion."""
        return float(self.legs["hours"].sum())

    @property
    def dwell_h(self) -> float:
        """Hours waiting at border crossings."""
        return float(self.crossings["dwell_h"].sum()) if len(self.crossings) else 0.0

    @property
    def total_h(self) -> float:
        """Total hours."""
        return self.running_h + self.dwell_h

    def table(self) -> pd.DataFrame:
        """Legs, crossings and a total as one table.

        Returns
        -------
        pandas.DataFrame
            ``kind`` (leg, crossing, total), ``what``, ``km``, ``hours``.
        """
        rows = [
            ("leg", f"{r.leg} ({r.mode}, {r.status}, {r.speed_kmh:g} km/h)", r.length_km, r.hours)
            for r in self.legs.itertuples()
        ]
        rows += [
            (
                "crossing",
                f"{r.border} at km {r.km:.1f}" + (f" ({r.crossing_point})" if r.crossing_point else ""),
                0.0,
                r.dwell_h,
            )
            for r in self.crossings.itertuples()
        ]
        rows.append(("total", "", float(self.legs["length_km"].sum()), self.total_h))
        return pd.DataFrame(rows, columns=["kind", "what", "km", "hours"])

    def __repr__(self) -> str:
        return f"<TravelTime {self.total_h:.2f} h: {self.running_h:.2f} h running + {self.dwell_h:.2f} h at borders>"


def _check_dwell_ids(params: TravelParams, known: set[str]) -> None:
    """Refuse dwell times for territories the region does not have."""
    unknown = sorted({x for pair in params.dwell_h for x in pair} - known)
    if unknown:
        msg = (
            f"`dwell_h`: unknown territory {', '.join(unknown)} (from {params.source}); "
            f"territories are {', '.join(sorted(known))}."
        )
        raise UnknownTerritoryError(msg)


def _leg_rows(route: Route, params: TravelParams) -> list[tuple[Any, ...]]:
    """``(leg, mode, status, length_km, speed_kmh, hours)`` of each leg."""
    rows = []
    for lg in route.legs:
        v = lg.speed_kmh if lg.speed_kmh is not None else speed_for(lg.mode, lg.status, params.speeds_kmh)
        rows.append((lg.name, lg.mode, lg.status, lg.length_km, v, lg.length_km / v))
    return rows


def _dwell_rows(
    at_point: np.ndarray, pairs: Iterable[tuple[Any, Any]], params: TravelParams
) -> tuple[list[float], list[str]]:
    """Hours of dwell at each crossing and where they come from (crossing point, border pair, default)."""
    pair_h = [params.dwell_h.get(border_pair((a, b))) for a, b in pairs]
    dwell = [
        p if np.isfinite(p) else (h if h is not None else params.default_dwell_h) for p, h in zip(at_point, pair_h)
    ]
    source = [
        "crossing point" if np.isfinite(p) else ("border pair" if h is not None else "default")
        for p, h in zip(at_point, pair_h)
    ]
    return dwell, source


def _travel_total_h(
    route: Route, at_point: np.ndarray, pairs: Iterable[tuple[Any, Any]], params: TravelParams, known: set[str]
) -> float:
    """``_travel_time(...).total_h`` without its tables (the same sums)."""
    _check_dwell_ids(params, known)
    running = float(np.asarray([row[-1] for row in _leg_rows(route, params)], dtype=float).sum())
    dwell, _ = _dwell_rows(at_point, pairs, params)
    return running + (float(np.asarray(dwell, dtype=float).sum()) if len(dwell) else 0.0)


def _travel_time(route: Route, crossings: pd.DataFrame, params: TravelParams, known: set[str]) -> TravelTime:
    """Running time by leg plus dwell per crossing, with ``params``."""
    _check_dwell_ids(params, known)
    legs = pd.DataFrame(_leg_rows(route, params), columns=["leg", "mode", "status", "length_km", "speed_kmh", "hours"])
    at_point = (
        crossings["dwell_point_h"].to_numpy(dtype=float)
        if "dwell_point_h" in crossings.columns
        else np.full(len(crossings), np.nan)
    )
    dwell, source = _dwell_rows(at_point, zip(crossings["from_iso3"], crossings["to_iso3"]), params)
    cx = pd.DataFrame(
        {
            "km": crossings["km"].to_numpy(),
            "border": crossings["border"].to_numpy(),
            "crossing_point": (
                crossings["crossing_point"].to_numpy() if "crossing_point" in crossings.columns else None
            ),
            "dwell_h": np.asarray(dwell, dtype=float),
            "dwell_from": source,
        }
    )
    return TravelTime(legs, cx, params)


# ---------------------------------------------------------------------------
# the headline figures: one function for summary(), analyze_many(), compare()


def _published(route: Route | None) -> tuple[float, float, float]:
    """(published km, modelled/published, modelled km without a figure) over a route's legs."""
    if not isinstance(route, Route):
        return (np.nan, np.nan, np.nan)
    with_pub = [lg for lg in route.legs if lg.published_km is not None]
    modelled = sum(lg.length_km for lg in with_pub)
    without = sum(lg.length_km for lg in route.legs if lg.published_km is None)
    if not with_pub:
        return (np.nan, np.nan, without)
    published = sum(float(lg.published_km or 0.0) for lg in with_pub)
    return (published, modelled / published, without)


def _headline(
    eng: Engine,
    routes: Sequence[Route | None],
    lines: np.ndarray,
    length_km: np.ndarray,
    secs: pd.DataFrame,
    cx: pd.DataFrame,
    travel_h: np.ndarray,
    dense: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> pd.DataFrame:
    """The headline figures of N lines (:data:`HEADLINE_COLUMNS`), vectorised.

    ``secs`` and ``cx`` are the lines' sections and crossings with a ``line``
    column (0..N-1); ``travel_h`` is each line's travel time (NaN if unknown);
    ``dense`` the lines' vertices along their geodesics, if the split gave them.
    """
    n = len(lines)
    # the columns gathered first, then one frame (inserting thirty columns one by one costs 10 ms)
    table: dict[str, Any] = {"length_km": np.asarray(length_km, dtype=float)}
    pub = np.full((n, 3), np.nan)
    for k in (k for k, r in enumerate(routes) if isinstance(r, Route)):  # plain lines: nothing published
        pub[k] = _published(routes[k])
    table["published_km"], table["ratio_to_published"], table["km_without_published"] = pub.T
    line, length = secs["line"].to_numpy(dtype=int), secs["length_km"].to_numpy(dtype=float)
    cols = [*eng.ids, UNASSIGNED]
    km = np.zeros((n, len(cols)))
    np.add.at(km, (line, pd.Index(cols).get_indexer(secs["iso3"])), length)
    # one column per territory some line passes through (a Caspian-wide region would
    # otherwise give every table a column of zeros per state), and always km_unassigned
    for j, iso in enumerate(cols):
        if iso == UNASSIGNED or (km[:, j] > 0).any():
            table[f"km_{iso}"] = km[:, j]
    surface = secs["surface"].to_numpy()
    for name, on in (("km_inland_water", surface == "inland water"), ("km_sea", surface == "sea")):
        table[name] = np.bincount(line[on], weights=length[on], minlength=n)
    # each line's first territory, then the territories it enters, in order (one pass over
    # the rows: a pandas groupby per column costs ten times as much on a batch)
    iso3 = secs["iso3"].to_numpy(dtype=object)
    assigned = np.flatnonzero(iso3 != UNASSIGNED)
    starts = assigned[np.r_[True, line[assigned][1:] != line[assigned][:-1]]] if len(assigned) else assigned
    first: dict[int, str] = dict(zip(line[starts].tolist(), iso3[starts].tolist()))
    cx_line = cx["line"].to_numpy(dtype=int)
    entered: dict[int, list[str]] = {}
    for k, iso in zip(cx_line.tolist(), cx["to_iso3"].tolist()):
        entered.setdefault(k, []).append(iso)
    table["transit"] = ["-".join(([first[k]] if k in first else []) + entered.get(k, [])) for k in range(n)]
    table["crossings"] = np.bincount(cx_line, minlength=n)
    closed = ~cx["crossing_status"].isin(USABLE_STATUSES).to_numpy(dtype=bool)
    table["closed_crossings"] = np.bincount(cx_line[closed], minlength=n)
    names = cx["crossing_point"].where(cx["crossing_point"].notna(), "-").astype(str)
    used: dict[int, list[str]] = {}
    for k, point in zip(cx_line.tolist(), names.tolist()):
        used.setdefault(k, []).append(point)
    table["crossing_points"] = np.array(["; ".join(used.get(k, [])) for k in range(n)], dtype=object)
    local = _engine.local_lines(eng, lines, dense)  # projected once for the bands and the clearance
    table["km_within_1km_border"] = _engine.km_within(eng, lines, 1.0, local=local)
    table["km_within_5km_border"] = _engine.km_within(eng, lines, 5.0, local=local)
    table["min_clearance_km"] = _clearance_km(eng, local, cx)
    acc = eng.region.accuracy_m
    table["uncertain_km"] = _engine.km_within(eng, lines, acc / 1000.0, local=local) if acc else np.full(n, np.nan)
    xy0 = shapely.get_coordinates(shapely.get_point(lines, 0))
    xy1 = shapely.get_coordinates(shapely.get_point(lines, -1))
    _, _, d = GEOD.inv(xy0[:, 0], xy0[:, 1], xy1[:, 0], xy1[:, 1])
    d = np.asarray(d) / 1000.0
    table["detour_index"] = np.where(d > 0, table["length_km"] / np.where(d > 0, d, 1), np.inf)
    table["travel_time_h"] = np.asarray(travel_h, dtype=float)
    return pd.DataFrame(table)


def _clearance_km(eng: Engine, local: _engine.LocalLines, cx: pd.DataFrame) -> np.ndarray:
    """Each line's clearance (km) to the borders it does not cross (crossing one makes the distance 0)."""
    labels = eng.pair_index().labels
    exclude = np.zeros((local.n, len(labels)), dtype=bool)
    k = pd.Index(labels).get_indexer(cx["border"].astype(str))
    known = k >= 0  # a crossing of territories with no shared border (a sea passage) excludes nothing
    exclude[cx["line"].to_numpy(dtype=int)[known], k[known]] = True
    best = _engine.min_clearance_m(eng, local, exclude) / 1000.0
    return np.where(np.isfinite(best), best, np.nan)


def _assumptions(
    route: Any, params: TravelParams | None, policy: CrossingPolicy | None
) -> tuple[TravelParams, CrossingPolicy]:
    """The travel parameters and crossing policy of an analysis.

    Those given, else the route's own (a scenario's route carries its scenario's), else
    the package defaults.
    """
    own = route.assumptions if isinstance(route, Route) else {}
    travel, crossing = own.get("travel"), own.get("policy")
    out_params = params if params is not None else travel if isinstance(travel, TravelParams) else TravelParams()
    out_policy = (
        policy if policy is not None else crossing if isinstance(crossing, CrossingPolicy) else CrossingPolicy()
    )
    return out_params, out_policy


def _land_pairs(eng: Engine) -> set[tuple[str, str]]:
    """The pairs of territories that share a border in the engine's region."""
    b = eng.region.borders
    return {tuple(sorted((str(x), str(y)))) for x, y in zip(b["a"], b["b"])}  # type: ignore[misc]


def _mode_at(route: Route | None, km: np.ndarray) -> list[str | None]:
    """The mode of the leg at each chainage (None for a plain line)."""
    if not isinstance(route, Route):
        return [None] * len(km)
    ends = np.array([lg.to_km for lg in route.legs])
    k = np.clip(np.searchsorted(ends, km, side="left"), 0, len(route.legs) - 1)
    return [route.legs[i].mode for i in k]


def _with_crossing_points(
    eng: Engine,
    cx: pd.DataFrame,
    lines: np.ndarray,
    routes: Sequence[Route | None],
    policies: Sequence[CrossingPolicy] | None = None,
    dense: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> pd.DataFrame:
    """``cx`` (crossings with a ``line`` column) with the crossing points they meet (``crossings.MATCH_COLUMNS``).

    ``dense``: the lines' vertices along their geodesics from the split (:attr:`Pieces.dense`),
    which place the crossings of plain lines along the split's own chainage.

    The figures of :func:`corridor.crossings.match_crossings`, vectorised: crossings of a
    land border are matched by border pair and policy in one array step (geodesic
    distances to every crossing point of the pair); the few sea passages of routes (matched
    to ports along the route) go through ``match_crossings`` itself.
    """
    if "crossing_status" in cx.columns:
        return cx
    if not len(cx):
        return cx.assign(
            **{
                c: pd.Series(dtype=object)
                for c in ("mode", "crossing_point_id", "crossing_point", "point_status", "crossing_status")
            },
            point_distance_km=pd.Series(dtype=float),
            mode_allowed=pd.Series(dtype=bool),
            dwell_point_h=pd.Series(dtype=float),
        )
    cx = cx.sort_index()
    line = cx["line"].to_numpy(dtype=int)
    km = cx["km"].to_numpy(dtype=float)
    xy = _positions(lines, routes, line, km, dense)
    modes = np.full(len(cx), None, dtype=object)  # plain lines: any mode
    for k in np.unique(line):
        if isinstance(routes[k], Route):
            sel = np.flatnonzero(line == k)
            modes[sel] = _mode_at(routes[k], km[sel])
    default = CrossingPolicy()
    pols = list(policies) if policies is not None else [default] * len(routes)
    # one group per policy (the default one shared), then per border pair
    group = np.array([-1 if pols[k].is_default else k for k in line])
    land = _land_pairs(eng)
    a, b = cx["from_iso3"].to_numpy(dtype=object).astype(str), cx["to_iso3"].to_numpy(dtype=object).astype(str)
    first = a < b
    lo, hi = np.where(first, a, b), np.where(first, b, a)
    ids, code = np.unique(np.concatenate([lo, hi]), return_inverse=True)
    pairs, which = np.unique(code[: len(lo)] * len(ids) + code[len(lo) :], return_inverse=True)
    pair_of = [(str(ids[p // len(ids)]), str(ids[p % len(ids)])) for p in pairs]
    on_land = np.array([p in land for p in pair_of], dtype=bool)[which]
    out = np.empty((len(cx), len(MATCH_COLUMNS)), dtype=object)
    combo, rows_of = np.unique(group * len(pairs) + which, return_inverse=True)
    for c in range(len(combo)):
        rows = np.flatnonzero(rows_of == c)
        if on_land[rows[0]]:
            policy = pols[line[rows[0]]]
            out[rows] = match_land_crossings(pair_of[which[rows[0]]], xy[rows], list(modes[rows]), policy=policy)
    for i in np.flatnonzero(~on_land):  # sea passages: ports along the route
        route = routes[line[i]] if isinstance(routes[line[i]], Route) else None
        one = _gpd_points(cx.iloc[[i]], xy[[i]])
        out[i] = match_crossings(one, [modes[i]], land_pairs=land, route=route, policy=pols[line[i]]).to_numpy()[0]
    # built from rows as match_crossings builds it, so that each column gets the same dtype
    return pd.concat([cx, pd.DataFrame(out.tolist(), columns=list(MATCH_COLUMNS), index=cx.index)], axis=1)


def _positions(
    lines: np.ndarray,
    routes: Sequence[Route | None],
    line: np.ndarray,
    km: np.ndarray,
    dense: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """``(lon, lat)`` at ``km`` along ``lines[line]`` (as :func:`corridor.geodesy.points_at_m`, vectorised).

    A Route's own chainage serves its line (:meth:`Route.points_at_km`, the same figures);
    plain lines are followed along ``dense`` (the split's vertices; else their own, followed
    along the geodesics as the split follows them).
    """
    out = np.empty((len(line), 2))
    own = np.array([isinstance(routes[k], Route) for k in line], dtype=bool)
    for k in np.unique(line[own]):
        sel = line == k
        out[sel] = routes[k].points_at_km(km[sel])  # type: ignore[union-attr]
    if not own.all():
        if dense is None:  # the lines followed along their geodesics, as the split follows them
            dense = geodesic_vertices(*shapely.get_coordinates(lines, return_index=True))
        out[~own] = _positions_along(dense, line[~own], km[~own])
    return out


def _positions_along(dense: tuple[np.ndarray, np.ndarray, np.ndarray], line: np.ndarray, km: np.ndarray) -> np.ndarray:
    """``(lon, lat)`` at ``km`` along lines given by their vertices along the geodesics (see :attr:`Pieces.dense`).

    The pieces' geodesic lengths are those of the split, so a crossing's chainage and its
    place agree; vectorised over lines (chainage along the batch in extended precision).
    """
    xy, li, piece_m = dense
    chain_m = np.r_[0.0, np.cumsum(piece_m, dtype=np.longdouble)]  # along the batch (0 between lines)
    first = np.searchsorted(li, line, side="left")
    last = np.searchsorted(li, line, side="right") - 1
    m = np.clip(km * 1000.0, 0.0, (chain_m[last] - chain_m[first]).astype(float))
    i = np.clip(np.searchsorted(chain_m, chain_m[first] + m, side="right") - 1, first, np.maximum(last - 1, first))
    start_m = (chain_m[i] - chain_m[first]).astype(float)
    a, b = np.take(xy, i, axis=0), np.take(xy, np.minimum(i + 1, len(xy) - 1), axis=0)
    az, _, _ = GEOD.inv(a[:, 0], a[:, 1], b[:, 0], b[:, 1])
    lon, lat, _ = GEOD.fwd(a[:, 0], a[:, 1], az, m - start_m)
    lon = a[:, 0] + ((np.asarray(lon) - a[:, 0] + 180) % 360 - 180)
    out = np.column_stack([lon, np.asarray(lat)])
    at_end = np.flatnonzero(m >= start_m + piece_m[i])
    out[at_end] = b[at_end]
    beyond = np.abs(out[:, 0]) > 180  # (unwrapped across the antimeridian)
    out[beyond, 0] = (out[beyond, 0] + 180) % 360 - 180
    return out


def _gpd_points(df: pd.DataFrame, xy: np.ndarray) -> Any:
    """``df`` as a GeoDataFrame of points at ``xy`` (lon/lat)."""
    import geopandas as gpd

    return gpd.GeoDataFrame(df, geometry=list(shapely.points(xy)), crs="EPSG:4326")


def headline_table(analyses: Sequence[RouteAnalysis], *, names: Sequence[str] | None = None) -> pd.DataFrame:
    """The headline figures of analysed routes, one row each (:data:`HEADLINE_COLUMNS`).

    The travel time of each row uses its analysis's own :class:`TravelParams`.

    Parameters
    ----------
    analyses : sequence of RouteAnalysis
        All over the same region.
    names : sequence of str, optional
        Row labels (default: the route names); the index is named ``name``.

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> import corridor
    >>> a = corridor.analyze(corridor.Route.from_places(["Horadiz", "Nakhchivan"]))
    >>> t = headline_table([a])
    >>> t.loc["Horadiz – Nakhchivan", "transit"], int(t.loc["Horadiz – Nakhchivan", "crossings"])
    ('AZE-ARM-AZE', 2)
    >>> headline_table([])
    Traceback (most recent call last):
    ...
    corridor.errors.ParameterError: `headline_table` needs at least one analysis.
    """
    analyses = list(analyses)
    if not analyses:
        raise ParameterError("`headline_table` needs at least one analysis.")
    bad = [a for a in analyses if not isinstance(a, RouteAnalysis)]
    if bad:
        raise ParameterTypeError(f"`headline_table` takes RouteAnalysis objects, got {type(bad[0]).__name__}.")
    eng = analyses[0]._eng
    if any(a._eng is not eng for a in analyses):
        raise ParameterError("`headline_table`: every analysis must be over the same region.")
    secs = pd.concat([a.sections.assign(line=k) for k, a in enumerate(analyses)], ignore_index=True)
    cx = pd.concat([pd.DataFrame(a.crossings.drop(columns="geometry")).assign(line=k) for k, a in enumerate(analyses)])
    table = _headline(
        eng,
        [a.route for a in analyses],
        np.array([a.route.geometry for a in analyses], dtype=object),
        np.array([a.length_km for a in analyses]),
        secs,
        cx.reset_index(drop=True),
        np.array([a.travel_time().total_h for a in analyses]),
    )
    table.index = pd.Index(list(names) if names is not None else [a.route.name for a in analyses], name="name")
    return table


# ---------------------------------------------------------------------------
# analysis of one route


@dataclass(frozen=True, eq=False)
class RouteAnalysis:
    """Measurements of one route over a region (see :func:`analyze`).

    Parameters
    ----------
    route : Route
    region : Region
    length_km : float
        Geodesic length on WGS84.
    sections : pandas.DataFrame
        Ordered territory sections: ``iso3``, ``part_id``, ``from_km``,
        ``to_km``, ``length_km``; stretches outside every territory are
        ``unassigned``.
    crossings : geopandas.GeoDataFrame
        International crossings in route order: ``km``, ``from_iso3``,
        ``to_iso3``, ``border``, ``water_km`` (unassigned water between the
        two sides), the official crossing point each meets (``mode``,
        ``crossing_point_id``, ``crossing_point``, ``point_distance_km``,
        ``point_status``, ``mode_allowed``, ``crossing_status``,
        ``dwell_point_h``: see :func:`corridor.crossings.match_crossings`),
        ``geometry`` (Point).
    params : TravelParams
        The assumptions for :meth:`travel_time` (the package defaults, or a
        scenario's own when it comes from :meth:`corridor.Scenario.analyze`).
    policy : CrossingPolicy
        Which crossing points are open (the data as recorded, or a scenario's
        date, openings and closures).

    Examples
    --------
    >>> import corridor
    >>> a = corridor.analyze(corridor.Route.from_places(["Horadiz", "Nakhchivan"]))
    >>> a.transit, round(float(a.km_by_territory["ARM"]), 1)
    (['AZE', 'ARM', 'AZE'], 39.0)
    """

    route: Route
    region: Region
    length_km: float
    sections: pd.DataFrame
    crossings: gpd.GeoDataFrame
    params: TravelParams = field(default_factory=TravelParams)
    policy: CrossingPolicy = field(default_factory=CrossingPolicy)
    _eng: Engine = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_eng", engine_for(self.region))

    @property
    def km_by_territory(self) -> pd.Series:
        """Km per territory id (plus ``unassigned``); sums to ``length_km``."""
        s = self.sections.groupby("iso3", sort=True)["length_km"].sum()
        s.name = "km"
        return s

    @property
    def km_by_surface(self) -> pd.DataFrame:
        """Km per territory (rows, with ``unassigned``) and surface (columns: ``land``, ``inland water``, ...)."""
        t = self.sections.pivot_table(
            index="iso3", columns="surface", values="length_km", aggfunc="sum", fill_value=0.0
        )
        t.columns.name = None
        return t

    def km_by_part(self) -> pd.Series:
        """Km per part id (plus ``unassigned``).

        Returns
        -------
        pandas.Series
            Indexed by part id (``AZE-2`` is Nakhchivan), named ``km``.
        """
        s = self.sections.groupby("part_id", sort=True)["length_km"].sum()
        s.name = "km"
        return s

    @property
    def transit(self) -> list[str]:
        """Territories crossed, in order: the first, then each one entered at a crossing."""
        first = [x for x in self.sections["iso3"] if x != UNASSIGNED][:1]
        return first + [str(x) for x in self.crossings["to_iso3"]]

    @property
    def closed_crossings(self) -> pd.DataFrame:
        """The crossings with no open (or restricted) official crossing point of the route's mode.

        Returns
        -------
        pandas.DataFrame
            The rows of :attr:`crossings` whose ``crossing_status`` is ``closed``,
            ``planned``, ``no crossing point`` or ``unknown``.
        """
        return self.crossings[~self.crossings["crossing_status"].isin(USABLE_STATUSES)]

    def regimes(self, *, within_km: float = 5.0, status: str | None = "current") -> pd.DataFrame:
        """The border regimes the route runs along or across, with its km near each border.

        Parameters
        ----------
        within_km : float, default 5
            How close to a border counts as "along" it (km).
        status : {"current", "ended", "planned"} or None, default "current"
            Only regimes with this status (None: all, with their history).

        Returns
        -------
        pandas.DataFrame
            One row per regime of :func:`corridor.border_regimes` on a border of the
            region: ``id``, ``a``, ``b``, ``stretch``, ``kind``, ``actor``, ``arrangement``,
            ``since``, ``until``, ``status``, ``source``, then ``km_within`` (km of the route
            within ``within_km`` of that border) and ``crossings`` (how often it crosses it).
            A regime of a stretch of a border (``stretch`` describes it; the data do not
            draw it) gets the km along the whole border.  Regimes the route neither
            approaches nor crosses are left out.

        Examples
        --------
        >>> import corridor
        >>> a = corridor.analyze(corridor.Route.along_border("ARM", "IRN", side="ARM", offset_m=300))
        >>> "arm-irn-russian-border-troops" in set(a.regimes()["id"])
        True
        """
        within = positive_number(within_km, "within_km", unit="km")
        t = border_regimes(ids=self.region.ids)
        t = t[t["b"] != ""]
        if status is not None:
            t = t[t["status"] == one_of(status, "status", ("current", "ended", "planned"))]
        rows = []
        for pair, grp in t.groupby(["a", "b"], sort=False):
            if not self.region.border_length_km(*pair):
                continue
            km = self.km_near_border(within, border=pair)
            n = int((self.crossings["border"] == "–".join(sorted(pair))).sum())
            if km > 0 or n:
                rows.append(grp.assign(km_within=km, crossings=n))
        cols = ["id", "a", "b", "stretch", "kind", "actor", "arrangement", "since", "until", "status", "source"]
        if not rows:
            return pd.DataFrame(columns=[*cols, "km_within", "crossings"])
        return pd.concat(rows, ignore_index=True)[[*cols, "km_within", "crossings"]]

    @property
    def detour_index(self) -> float:
        """Route length / geodesic distance between its two ends (inf for a closed loop)."""
        d = distance_m(self.route.start, self.route.end) / 1000.0
        return float("inf") if d == 0 else self.length_km / d

    @cached_property
    def min_clearance_km(self) -> float:
        """Smallest geodesic distance (km) to an international border the route does not cross.

        Borders between the pairs of territories at the route's crossings are
        left out (crossing a border makes the distance to it 0), so a route
        that crosses Armenia–Azerbaijan but runs along the Aras shows how
        close it keeps to Iran.  NaN if the route crosses every border of the
        region.
        """
        return float(self._headline_row()["min_clearance_km"])

    @property
    def uncertain_km(self) -> float:
        """Km of the route closer to an international border than the data's positional accuracy.

        Over such stretches the side of the border a point lies on depends on the
        boundary data (:attr:`corridor.Region.accuracy_m`); NaN when the region
        states no accuracy.  :attr:`uncertain_km_by_territory` splits it.
        """
        return float(self._headline_row()["uncertain_km"])

    @cached_property
    def uncertain_km_by_territory(self) -> pd.Series:
        """:attr:`uncertain_km` per territory (as assigned in this region's data), named ``km``.

        Examples
        --------
        >>> import corridor
        >>> a = corridor.analyze(corridor.Route.from_places(["Horadiz", "Nakhchivan"]))
        >>> a.uncertain_km_by_territory.round(1).to_dict()  # near where it crosses Armenia's borders
        {'ARM': 2.4, 'AZE': 6.4}
        """
        acc = self.region.accuracy_m
        if not acc:
            return pd.Series(dtype=float, name="km")
        inside, km = _engine.within_band(self._eng, np.array([self.route.geometry], dtype=object), acc / 1000.0)
        if not km[0] > 0:
            return pd.Series(dtype=float, name="km")
        pieces = shapely.get_parts(inside)  # one line per stretch, not the gaps between them
        secs = _engine.sections(_engine.split_lines(pieces, self._eng), self._eng)
        s = secs.groupby("iso3", sort=True)["length_km"].sum()
        s.name = "km"
        return s[s > 0]

    @cached_property
    def near_misses(self) -> pd.DataFrame:
        """Territories the route stays out of but passes within 5 km of.

        Returns
        -------
        pandas.DataFrame
            ``iso3``, ``border`` (the nearest border it does not cross),
            ``distance_km`` (geodesic, to that border) and ``within_accuracy``
            (closer than :attr:`corridor.Region.accuracy_m`: its 0 km there
            rests on the boundary data), nearest first.

        Examples
        --------
        >>> import corridor
        >>> line = corridor.Route.along_border("ARM", "IRN", side="ARM", offset_m=300)
        >>> corridor.analyze(line).near_misses[["iso3", "border", "within_accuracy"]].values.tolist()[:1]
        [['IRN', 'ARM–IRN', True]]
        """
        km = self.km_by_territory
        entered = {str(i) for i, v in km.items() if v > 0 and i != UNASSIGNED}
        local = _engine.local_lines(self._eng, np.array([self.route.geometry], dtype=object))
        near = _engine.pair_distances_m(self._eng, local, NEAR_MISS_KM * 1000.0)
        acc = self.region.accuracy_m
        best: dict[str, tuple[float, str]] = {}
        for label, d_m in zip(near["border"], near["distance_m"]):
            a, b = label.split("–")
            if (a in entered) == (b in entered):
                continue
            other = b if a in entered else a
            d = float(d_m) / 1000.0
            if d <= NEAR_MISS_KM and d < best.get(other, (np.inf, ""))[0]:
                best[other] = (d, label)
        rows = sorted((d, iso, label) for iso, (d, label) in best.items())
        return pd.DataFrame(
            {
                "iso3": [r[1] for r in rows],
                "border": [r[2] for r in rows],
                "distance_km": [r[0] for r in rows],
                "within_accuracy": [bool(acc) and r[0] * 1000.0 < float(acc) for r in rows],  # type: ignore[arg-type]
            }
        )

    @property
    def clearance_uncrossed_km(self) -> float:
        """Deprecated: the same as :attr:`min_clearance_km`."""
        warn_deprecated("`clearance_uncrossed_km` is deprecated; use `min_clearance_km`.")
        return self.min_clearance_km

    @property
    def min_border_clearance_km(self) -> float:
        """Deprecated: distance (km) to the nearest international border, 0 if the route crosses one.

        Use :attr:`min_clearance_km` (borders not crossed) or :meth:`border_profile`.
        """
        warn_deprecated(
            "`min_border_clearance_km` is deprecated; use `min_clearance_km` (the distance to borders the "
            "route does not cross) or `border_profile()`."
        )
        if len(self.crossings):
            return 0.0
        _, border = self._eng.border_local(None)
        local = self._eng.to_local(np.array([self.route.geometry], dtype=object))
        return float(_engine.clearance_m(self._eng, local, border)[0]) / 1000.0

    def border_profile(self, *, step_km: float = 1.0, border: Sequence[str] | None = None) -> pd.DataFrame:
        """Distance from the route to a border, sampled along the route.

        Parameters
        ----------
        step_km : float, default 1
            Sampling interval along the route (km); the end is always sampled.
        border : (a, b), optional
            A pair of territory or part ids; default: any international border
            (the nearest one is named in ``border``).

        Returns
        -------
        pandas.DataFrame
            ``km``, ``distance_km`` (geodesic), ``border``, ``lon``, ``lat``.

        Examples
        --------
        >>> import corridor
        >>> a = corridor.analyze(corridor.Route.from_places(["Meghri", "Ordubad"]))
        >>> p = a.border_profile(step_km=5)
        >>> p["km"].round(1).tolist()
        [0.0, 5.0, 10.0, 15.0, 19.1]
        >>> a.border_profile(step_km=0)
        Traceback (most recent call last):
        ...
        corridor.errors.ParameterError: `step_km` must be > 0 (km), got 0.0.
        """
        step = positive_number(step_km, "step_km", unit="km")
        if self.length_km / step > _MAX_PROFILE_SAMPLES:
            msg = (
                f"`step_km`={step:g} would sample {self.length_km / step:,.0f} points along "
                f"{self.length_km:,.1f} km (at most {_MAX_PROFILE_SAMPLES:,}); choose a larger step."
            )
            raise ParameterError(msg)
        km = np.unique(np.r_[np.arange(0.0, self.length_km, step), self.length_km])
        xy = self.route.points_at_km(km)
        pts = shapely.points(np.column_stack(self._eng.proj.xy_to_local(xy[:, 0], xy[:, 1])))
        if border is not None:
            self._eng.border_local(tuple(border))  # refuses a pair with no border
        elif not len(self.region.borders):
            raise ParameterError(f"Region {self.region.name!r} has no borders to measure a distance to.")
        # the nearest border chunk of each sample (one indexed query), measured geodesically
        geod, labels = _engine.nearest_border(self._eng, pts, None if border is None else tuple(border))
        return pd.DataFrame(
            {"km": km, "distance_km": geod / 1000.0, "border": labels.astype(str), "lon": xy[:, 0], "lat": xy[:, 1]}
        )

    def km_near_border(self, within_km: float, *, border: Sequence[str] | None = None) -> float:
        """Km of the route within ``within_km`` of a border (default: any international border).

        The band is built in the region's local projection from the border
        simplified to 1 % of ``within_km``, so its edge is within 1 % of the
        distance asked for; the km inside it are geodesic.

        Parameters
        ----------
        within_km : float
            Band half-width (km, > 0).
        border : (a, b), optional
            One border instead of all.

        Returns
        -------
        float

        Examples
        --------
        >>> import corridor
        >>> a = corridor.analyze(corridor.Route.from_places(["Yerevan", "Gyumri"]))
        >>> a.km_near_border(1.0)
        0.0
        """
        w = positive_number(within_km, "within_km", unit="km")
        b = tuple(border) if border is not None else None
        return float(_engine.km_within(self._eng, np.array([self.route.geometry], dtype=object), w, b)[0])

    def borders_alongside(self, within_km: float) -> pd.DataFrame:
        """Which borders the route runs along within ``within_km``, and for how many km each.

        Parameters
        ----------
        within_km : float
            Band half-width (km, > 0).

        Returns
        -------
        pandas.DataFrame
            ``border``, ``a``, ``b``, ``km``, longest first.

        Examples
        --------
        >>> import corridor
        >>> a = corridor.analyze(corridor.Route.from_places(["Meghri", "Ordubad"]))
        >>> a.borders_alongside(5.0)["border"].tolist()
        ['ARM–AZE', 'AZE–IRN', 'ARM–IRN']
        """
        rows = []
        for a, b in zip(self.region.borders["a"], self.region.borders["b"]):
            km = self.km_near_border(within_km, border=(a, b))
            if km > 0:
                rows.append((f"{a}–{b}", a, b, km))
        df = pd.DataFrame(rows, columns=["border", "a", "b", "km"])
        return df.sort_values("km", ascending=False).reset_index(drop=True)

    def travel_time(
        self,
        *,
        speeds: Mapping[Any, float] | None = None,
        dwell_h: Mapping[Any, float] | None = None,
        default_dwell_h: float | None = None,
    ) -> TravelTime:
        """Travel time: per-leg speeds plus a dwell time per international crossing.

        Without arguments it uses :attr:`params` (the scenario's assumptions
        for an analysis from :meth:`corridor.Scenario.analyze`, else the
        package defaults; ``TravelTime.params.source`` says which).

        Parameters
        ----------
        speeds : mapping, optional
            ``{(mode, status): km/h}`` or ``{mode: km/h}``, overriding
            :data:`DEFAULT_SPEEDS_KMH`.  A leg's own ``speed_kmh`` wins.
        dwell_h : mapping, optional
            Hours per crossing of a given border: ``{("ARM", "AZE"): 0.5}`` or
            ``{"ARM-AZE": 0.5}``.
        default_dwell_h : float, optional
            Hours per crossing of any other border (default 1.0).

        Returns
        -------
        TravelTime

        Examples
        --------
        >>> import corridor
        >>> a = corridor.analyze(corridor.Route.from_places(["Horadiz", "Nakhchivan"]))
        >>> round(a.travel_time(dwell_h={"ARM-AZE": 0.5}).total_h, 2)
        3.8
        """
        params = self.params.with_overrides(speeds=speeds, dwell_h=dwell_h, default_dwell_h=default_dwell_h)
        return _travel_time(self.route, self.crossings, params, set(self.region.ids))

    def _headline_row(self) -> pd.Series:
        return headline_table([self]).iloc[0]

    def summary(self) -> dict[str, Any]:
        """The headline figures as a JSON-serialisable dict (names as :data:`HEADLINE_COLUMNS`).

        ``km_by_territory`` gathers the ``km_<ID>`` figures (non-zero only),
        ``transit`` is a list and ``crossings`` lists each crossing.

        Returns
        -------
        dict

        Examples
        --------
        >>> import corridor
        >>> s = corridor.analyze(corridor.Route.from_places(["Horadiz", "Nakhchivan"])).summary()
        >>> s["transit"], s["km_by_territory"]["ARM"], s["min_clearance_km"]
        (['AZE', 'ARM', 'AZE'], 38.969, 3.41)
        """
        row = self._headline_row()
        data = {
            "name": self.route.name,
            "length_km": round(float(row["length_km"]), 3),
            "km_by_territory": {str(k): round(float(row[f"km_{k}"]), 3) for k in self.km_by_territory.index},
            "km_by_surface": {
                str(iso): {str(s): round(float(v), 3) for s, v in r.items() if v > 0}
                for iso, r in self.km_by_surface.iterrows()
            },
            "transit": self.transit,
            "crossings": [
                {"km": round(float(r.km), 3), "from": r.from_iso3, "to": r.to_iso3} for r in self.crossings.itertuples()
            ],
            "min_clearance_km": _round_or_none(row["min_clearance_km"]),
            "uncertain_km": _round_or_none(row["uncertain_km"]),
            "published_km": _round_or_none(row["published_km"]),
            "ratio_to_published": _round_or_none(row["ratio_to_published"], 4),
            "km_without_published": _round_or_none(row["km_without_published"]),
            "km_within_1km_border": round(float(row["km_within_1km_border"]), 3),
            "km_within_5km_border": round(float(row["km_within_5km_border"]), 3),
            "detour_index": _round_or_none(row["detour_index"], 4),
            "travel_time_h": round(float(row["travel_time_h"]), 3),
            "travel_assumptions": self.params.source,
        }
        old_nearest = 0.0 if len(self.crossings) else data["min_clearance_km"]
        return DeprecatedKeysDict(
            data,
            renamed={"clearance_uncrossed_km": "min_clearance_km"},
            removed={"min_border_clearance_km": old_nearest},
        )

    def __repr__(self) -> str:
        terr = ", ".join(f"{k} {v:.1f}" for k, v in self.km_by_territory.items())
        return (
            f"<RouteAnalysis {self.route.name!r}: {self.length_km:.1f} km ({terr}); {len(self.crossings)} crossing(s); "
            f"travel assumptions: {self.params.source}>"
        )

    def _repr_html_(self) -> str:
        from ._html import analysis_html

        return analysis_html(self)

    def explore(self, **kwargs: Any) -> Any:
        """Interactive map of the route with its sections and crossings (see :func:`corridor.make_map`).

        Parameters
        ----------
        **kwargs
            Passed to :func:`corridor.make_map`.

        Returns
        -------
        folium.Map
        """
        from .maps import make_map

        return make_map(region=self.region, analyses=[self], **kwargs)


#: Most samples :meth:`RouteAnalysis.border_profile` takes (about 80 MB of work).
_MAX_PROFILE_SAMPLES = 2_000_000


def _round_or_none(v: Any, nd: int = 3) -> float | None:
    v = float(v)
    return round(v, nd) if np.isfinite(v) else None


# ---------------------------------------------------------------------------
# entry points


#: Share of a route's length beyond the region's extent above which corridor warns.
OUTSIDE_WARN_SHARE = 0.01


def _check_outside(pc: _engine.Pieces, eng: Engine, names: Sequence[str] | None, lines: np.ndarray) -> None:
    """Warn when lines run partly outside the region's data; refuse when they lie wholly outside.

    ``names``: of the lines (default: their positions).
    """
    if not len(lines):
        return
    share = pc.outside_km(len(lines)) / np.where(pc.length_m > 0, pc.length_m / 1000.0, np.inf)
    wholly = share >= 1.0 - 1e-9
    partly = (share > OUTSIDE_WARN_SHARE) & ~wholly
    if not (wholly.any() or partly.any()):
        return
    names = [str(i) for i in range(len(lines))] if names is None else names
    w, s_, e, n = _padded_bbox(lines[wholly | partly], pad=1.0)
    example = f"corridor.load_region(bbox=({w:.1f}, {s_:.1f}, {e:.1f}, {n:.1f}))"
    hint = f"load a region that covers it, for example `{example}`"
    region = eng.region.name
    if wholly.all():
        what = f"The route {names[0]!r} lies" if len(names) == 1 else f"All {len(names)} lines lie"
        raise OutsideRegionError(f"{what} wholly outside the data of region {region!r}: {hint}.")
    if len(names) == 1:
        msg = (
            f"{share[0]:.0%} of route {names[0]!r} lies outside the data of region {region!r} "
            f"(counted as unassigned); {hint}."
        )
    else:
        msg = (
            f"{int(wholly.sum())} of {len(names)} lines lie wholly and {int(partly.sum())} more than "
            f"{OUTSIDE_WARN_SHARE:.0%} outside the data of region {region!r} (counted as unassigned); {hint}."
        )
    warn(msg, OutsideRegionWarning)


def _padded_bbox(lines: np.ndarray, pad: float) -> tuple[float, float, float, float]:
    """``(min_lon, min_lat, max_lon, max_lat)`` of lines, padded; ``min_lon > max_lon`` across the antimeridian."""
    w, s, e, n = (float(v) for v in shapely.total_bounds(lines))
    if e - w > 180:  # lon/lat lines across the antimeridian: the bbox of the short side
        east = shapely.transform(lines, lambda xy: np.column_stack([xy[:, 0] % 360.0, xy[:, 1]]))
        w, _, e, _ = (float(v) for v in shapely.total_bounds(east))
        w, e = ((w - pad + 180.0) % 360.0) - 180.0, ((e + pad + 180.0) % 360.0) - 180.0
        return w, max(s - pad, -90.0), e, min(n + pad, 90.0)
    return max(w - pad, -180.0), max(s - pad, -90.0), min(e + pad, 180.0), min(n + pad, 90.0)


def _as_lines(lines: Any) -> np.ndarray:
    """Routes, LineStrings, GeoSeries or GeoDataFrames as an array of lon/lat LineStrings."""
    return _lines_and_coords(lines)[0]


@cache
def _wgs84() -> Any:
    """EPSG:4326 (a pyproj CRS, built once)."""
    import pyproj

    return pyproj.CRS.from_epsg(4326)


def _lines_and_coords(lines: Any) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray]]:
    """:func:`_as_lines`, and the coordinates of the lines with the line of each (checked)."""
    if isinstance(lines, Route):
        lines = lines.geometry
    if isinstance(lines, shapely.Geometry):
        arr = np.array([lines], dtype=object)
    elif hasattr(lines, "geometry") and hasattr(lines, "crs"):  # GeoDataFrame / GeoSeries
        if lines.crs is None:
            raise CRSError("The lines have no CRS; set one (EPSG:4326 for lon/lat) first.")
        if lines.crs != _wgs84():
            lines = lines.to_crs(_wgs84())
        arr = np.asarray(lines.geometry.values, dtype=object)
    else:
        if isinstance(lines, (str, bytes)) or not isinstance(lines, Iterable):
            raise ParameterTypeError(f"Expected routes or lines, got {type(lines).__name__}.")
        items = list(lines)
        arr = np.array([x.geometry if isinstance(x, Route) else x for x in items], dtype=object)
    types = shapely.get_type_id(arr)
    if (types == 5).any():  # MultiLineString: merge what connects
        arr = arr.copy()
        arr[types == 5] = shapely.line_merge(arr[types == 5])
        types = shapely.get_type_id(arr)
    bad = ~np.isin(types, (1, 2, -1)) & ~shapely.is_empty(arr)
    if bad.any() or (types == 5).any():
        i = int(np.flatnonzero(bad | (types == 5))[0])
        kind = arr[i].geom_type if isinstance(arr[i], shapely.Geometry) else type(arr[i]).__name__
        msg = (
            f"Line {i} is a {kind}, not one LineString"
            + (" (its parts do not connect end to end)" if kind == "MultiLineString" else "")
            + "; split it into separate lines or join its parts first."
        )
        raise GeometryError(msg)
    return arr, _check_line_values(arr)


def _check_line_values(arr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Refuse missing, empty or zero-length lines and coordinates that are not (lon, lat) degrees.

    Returns the coordinates of the lines and the line of each.
    """
    missing = shapely.is_missing(arr)
    empty = missing | shapely.is_empty(arr)
    if empty.any():
        i = int(np.flatnonzero(empty)[0])
        what = "missing (None)" if missing[i] else "empty"
        msg = (
            f"Line {i} is {what} ({int(empty.sum())} of {len(arr)} lines are missing or empty); "
            "drop them first, e.g. `gdf[gdf.geometry.notna() & ~gdf.geometry.is_empty]`."
        )
        raise GeometryError(msg)
    xy, idx = shapely.get_coordinates(arr, return_index=True)
    check_lonlat(xy, what="lines", line=idx)
    flat = shapely.length(arr) == 0  # identical vertices: a zero-length line (a check, not a measure)
    if flat.any():
        i = int(np.flatnonzero(flat)[0])
        raise GeometryError(
            f"Line {i} has zero length (all its vertices are the same point); give two distinct points."
        )
    return xy, idx


@keyword_only_after(1, "region")
def analyze(
    route: Route,
    *,
    region: Region | None = None,
    params: TravelParams | None = None,
    policy: CrossingPolicy | None = None,
) -> RouteAnalysis:
    """Measure a route over a region (default: the built-in South Caucasus).

    Parameters
    ----------
    route : Route
    region : Region, optional
        Default: the built-in region.
    params : TravelParams, optional
        Assumptions for travel times.  Default: the route's own (a scenario's route
        carries its scenario's speeds and dwell times), else the package defaults;
        ``RouteAnalysis.params.source`` says which.
    policy : CrossingPolicy, optional
        Which official crossing points are open (at a date, with a scenario's openings
        and closures).  Default: the route's own, else the built-in data as recorded.

    Returns
    -------
    RouteAnalysis

    Examples
    --------
    >>> import corridor
    >>> a = corridor.analyze(corridor.Route.from_places(["Horadiz", "Nakhchivan"]))
    >>> a.transit
    ['AZE', 'ARM', 'AZE']
    >>> corridor.analyze("Horadiz")
    Traceback (most recent call last):
    ...
    corridor.errors.ParameterTypeError: `analyze` needs a Route, got str; build one with ...
    """
    import geopandas as gpd

    if not isinstance(route, Route):
        msg = (
            f"`analyze` needs a Route, got {type(route).__name__}; "
            "build one with Route.from_coords / from_places / read."
        )
        raise ParameterTypeError(msg)
    if params is not None and not isinstance(params, TravelParams):
        raise ParameterTypeError(f"`params` must be a TravelParams, got {type(params).__name__}.")
    if policy is not None and not isinstance(policy, CrossingPolicy):
        raise ParameterTypeError(f"`policy` must be a CrossingPolicy, got {type(policy).__name__}.")
    params, policy = _assumptions(route, params, policy)
    eng = engine_for(region)
    pc = _engine.split_lines(np.array([route.geometry], dtype=object), eng)
    _check_outside(pc, eng, [route.name], np.array([route.geometry], dtype=object))
    secs = _engine.sections(pc, eng)
    lines = np.array([route.geometry], dtype=object)
    cx = _with_crossing_points(eng, _engine.crossings_table(secs), lines, [route], [policy]).drop(columns="line")
    pts = route.points_at_km(cx["km"].to_numpy()) if len(cx) else np.zeros((0, 2))
    crossings = gpd.GeoDataFrame(cx, geometry=list(shapely.points(pts)) if len(cx) else [], crs="EPSG:4326")
    analysis = RouteAnalysis(
        route,
        eng.region,
        float(pc.length_m.sum()) / 1000.0,
        secs.drop(columns="line"),
        crossings,
        params,
        policy,
    )
    _warn_fragile_zeros(analysis)
    return analysis


def _warn_fragile_zeros(a: RouteAnalysis) -> None:
    """Warn when a route's 0 km in a territory rests on a margin below the data's accuracy."""
    acc = a.region.accuracy_m
    if not acc:
        return
    close = a.near_misses[a.near_misses["within_accuracy"]]
    if not len(close):
        return
    what = "; ".join(
        f"0 km in {r.iso3} but {r.distance_km * 1000:.0f} m from the {r.border} border" for r in close.itertuples()
    )
    warn(
        f"Route {a.route.name!r}: {what}, closer than the boundary data's accuracy ({acc:.0f} m median offset "
        f"from {a.region.accuracy_source or 'an independent dataset'}), so over other boundary data it may cross. "
        "See RouteAnalysis.near_misses and corridor.boundary_sensitivity().",
        BoundaryUncertaintyWarning,
    )


def _batches() -> Any:
    """corridor._parallel (dask collections, threads), imported on first use: a delegate to the layer above."""
    from . import _parallel

    return _parallel


@keyword_only_after(1, "region")
def analyze_many(
    routes: Iterable[Route] | gpd.GeoDataFrame,
    *,
    region: Region | None = None,
    name_column: str = "name",
    n_jobs: int = 1,
) -> pd.DataFrame:
    """Headline figures of many routes at once, vectorised: one row per route.

    Parameters
    ----------
    routes : iterable of Route or LineString, GeoSeries or GeoDataFrame, or dask_geopandas.GeoDataFrame
        Lines in EPSG:4326 (GeoDataFrames are reprojected).  A dask_geopandas frame is
        measured lazily, partition by partition (see the user guide, "Many lines at once").
    region : Region, optional
        Default: the built-in region.
    name_column : str, default "name"
        Column of a GeoDataFrame holding the names (else its index).
    n_jobs : int, default 1
        Threads for an in-memory batch (-1: one per core); each thread measures a run of
        the lines with its own engine.

    Returns
    -------
    pandas.DataFrame or dask.dataframe.DataFrame
        ``name`` and the :data:`HEADLINE_COLUMNS`; ``travel_time_h`` uses each
        Route's own assumptions (a scenario's route: its scenario's), else the package
        defaults, and is NaN for plain lines (no mode).  Lazy for a dask_geopandas frame,
        indexed as it is, with a ``km_<ID>`` column for every territory of the region.

    Examples
    --------
    >>> import corridor
    >>> t = corridor.analyze_many([corridor.Route.from_places(["Yerevan", "Gyumri"])])
    >>> t.loc[0, "transit"], int(t.loc[0, "crossings"])
    ('ARM', 0)
    """
    if n_jobs != 1 or hasattr(type(routes), "__dask_graph__"):  # threads, or a dask collection
        return _batches().analyze_many(routes, region=region, name_column=name_column, n_jobs=n_jobs)
    eng = engine_for(region)
    if hasattr(routes, "geometry") and hasattr(routes, "crs"):
        gdf: gpd.GeoDataFrame = routes
        lines, coords = _lines_and_coords(gdf)
        names = [str(x) for x in (gdf[name_column] if name_column in gdf.columns else gdf.index).to_numpy(dtype=object)]
        rs: list[Any] = [None] * len(lines)
    else:
        if isinstance(routes, (str, bytes, shapely.Geometry)) or not isinstance(routes, Iterable):
            raise ParameterTypeError(f"Expected routes or lines, got {type(routes).__name__}.")
        rs = list(routes)
        lines, coords = _lines_and_coords(rs)
        names = [r.name if isinstance(r, Route) else str(i) for i, r in enumerate(rs)]
    pc = _engine.split_lines(lines, eng, coords)
    _check_outside(pc, eng, names, lines)
    secs = _engine.sections(pc, eng, by="iso3")
    default = _assumptions(None, None, None)  # plain lines share the package defaults
    own = [_assumptions(r, None, None) if isinstance(r, Route) else default for r in rs]
    cx = _with_crossing_points(eng, _engine.crossings_table(secs), lines, rs, [p for _, p in own], pc.dense)
    travel = _travel_totals(eng, rs, own, cx)
    routes = [r if isinstance(r, Route) else None for r in rs]
    table = _headline(eng, routes, lines, pc.length_m / 1000.0, secs, cx, travel, pc.dense)
    table.insert(0, "name", names)
    return table


def _travel_totals(
    eng: Engine, rs: Sequence[Any], own: Sequence[tuple[TravelParams, CrossingPolicy]], cx: pd.DataFrame
) -> np.ndarray:
    """Each line's travel time (hours; NaN for plain lines): the routes' own assumptions."""
    known = set(eng.ids)
    line = cx["line"].to_numpy(dtype=int)
    order = np.argsort(line, kind="stable")
    bounds = np.searchsorted(line[order], np.arange(len(rs) + 1))
    out = np.full(len(rs), np.nan)
    if not any(isinstance(r, Route) for r in rs):
        return out  # plain lines: no mode, no travel time
    at_point = cx["dwell_point_h"].to_numpy(dtype=float)
    pairs = list(zip(cx["from_iso3"], cx["to_iso3"]))
    for k, r in enumerate(rs):
        if isinstance(r, Route):
            rows = order[bounds[k] : bounds[k + 1]]
            out[k] = _travel_total_h(r, at_point[rows], [pairs[i] for i in rows], own[k][0], known)
    return out


@keyword_only_after(1, "region")
def territory_km(lines: Any, *, region: Region | None = None, by: str = "iso3", n_jobs: int = 1) -> pd.DataFrame:
    """Km of each line in each territory: one row per line, one column per id.

    Parameters
    ----------
    lines : Route, LineString, sequence of them, GeoSeries or GeoDataFrame, or a dask_geopandas one
        In EPSG:4326 (GeoDataFrames are reprojected; one without CRS raises).  A
        dask_geopandas frame is measured lazily, partition by partition (see the user
        guide, "Many lines at once").
    region : Region, optional
        Default: the built-in region.
    by : {"iso3", "part"}
        Columns per territory id, or per part id.
    n_jobs : int, default 1
        Threads for an in-memory batch (-1: one per core); each thread measures a run of
        the lines with its own engine.

    Returns
    -------
    pandas.DataFrame or dask.dataframe.DataFrame
        Columns: every territory (or part) id, then ``unassigned``; rows sum to
        each line's geodesic length.  The index follows the input's.  Lazy for a
        dask_geopandas frame.

    Examples
    --------
    >>> import corridor
    >>> t = corridor.territory_km([corridor.Route.from_places(["Yerevan", "Gyumri"])])
    >>> float(t.loc[0, "ARM"].round(1)), float(t.loc[0, "TUR"])
    (88.0, 0.0)
    >>> corridor.territory_km([], by="country")
    Traceback (most recent call last):
    ...
    corridor.errors.ParameterError: `by` must be one of 'iso3', 'part'; got 'country'.
    """
    if n_jobs != 1 or hasattr(type(lines), "__dask_graph__"):  # threads, or a dask collection
        return _batches().territory_km(lines, region=region, by=by, n_jobs=n_jobs)
    one_of(by, "by", ("iso3", "part"))
    eng = engine_for(region)
    arr, coords = _lines_and_coords(lines)
    pc = _engine.split_lines(arr, eng, coords, water=False)  # territories only: no surfaces
    _check_outside(pc, eng, None, arr)
    cols = list(eng.ids) if by == "iso3" else list(np.sort(eng.part_ids))
    # the column of each part (its territory or itself), and one more for unassigned
    of_part = pd.Index(cols).get_indexer(eng.part_iso3 if by == "iso3" else eng.part_ids)
    col = np.where(pc.part >= 0, of_part[np.maximum(pc.part, 0)], len(cols))
    width = len(cols) + 1
    km = np.bincount(pc.line * width + col, weights=(pc.to_m - pc.from_m) / 1000.0, minlength=len(arr) * width)
    km = km.reshape(len(arr), width)
    own = isinstance(lines, (pd.Series, pd.DataFrame)) and len(lines.index) == len(arr)
    index = lines.index if own else pd.RangeIndex(len(arr), name="line")
    return pd.DataFrame(km, index=index, columns=pd.Index([*cols, UNASSIGNED]))


def distance_km(a: Any, b: Any) -> float:
    """Geodesic distance on WGS84 (km) between two places or ``(lon, lat)`` points.

    Parameters
    ----------
    a, b : str, Place or (lon, lat)

    Returns
    -------
    float

    Examples
    --------
    >>> round(distance_km("Meghri", "Ordubad"), 1)
    19.1
    >>> distance_km((45, 40), (45, 40))
    0.0
    """
    return distance_m(resolve_point(a), resolve_point(b)) / 1000.0


def boundary_sensitivity(routes: Any, *, regions: Sequence[Region] | None = None) -> pd.DataFrame:
    """Km per territory of each route over several boundary datasets, and how far they spread.

    The same routes, measured over independent boundary data: where the figures
    agree they do not depend on where a dataset draws a border; where they
    spread (a route along a border river), quote them with that spread.

    Parameters
    ----------
    routes : Route, Scenario, or a sequence of them
        Anything with a ``route`` attribute (a :class:`corridor.Scenario`) counts as its route.
    regions : sequence of Region, optional
        Default: the built-in region and the same window from Natural Earth 10m
        (``load_region(source="naturalearth")``).

    Returns
    -------
    pandas.DataFrame
        Indexed by (``route``, ``iso3``); one column of km per region (its name)
        and ``spread_km`` (largest minus smallest).

    Examples
    --------
    >>> import corridor
    >>> line = corridor.Route.along_border("ARM", "IRN", side="ARM", offset_m=300, name="TRIPP")
    >>> t = boundary_sensitivity(line)
    >>> float(t.loc[("TRIPP", "IRN"), "spread_km"]) > 10  # 0 km in Iran here, many over Natural Earth
    True
    """
    import warnings

    from .region import load_region

    items = list(routes) if isinstance(routes, list | tuple) else [routes]
    lines = [getattr(r, "route", r) for r in items]
    bad = [r for r in lines if not isinstance(r, Route)]
    if bad or not lines:
        got = type(bad[0]).__name__ if bad else "nothing"
        raise ParameterTypeError(f"`boundary_sensitivity` takes Routes or Scenarios, got {got}.")
    regions = list(regions) if regions is not None else [load_region(), load_region(source="naturalearth")]
    names = [r.name for r in regions]
    if len(set(names)) != len(names):
        names = [f"{n} ({k + 1})" for k, n in enumerate(names)]
    cols = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", BoundaryUncertaintyWarning)  # the spread is the answer here
        for name, region in zip(names, regions):
            t = territory_km(lines, region=region)
            t.index = [r.name for r in lines]
            cols[name] = t.stack()
    out = pd.DataFrame(cols).fillna(0.0)
    out.index.names = ["route", "iso3"]
    out = out[(out > 1e-9).any(axis=1)]
    out["spread_km"] = out[names].max(axis=1) - out[names].min(axis=1)
    return out
