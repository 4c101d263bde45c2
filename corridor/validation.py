"""Validation you can run: corridor's figures against published ones, each with its source.

:func:`validate` measures every figure of ``data/validation.csv`` — border lengths (CIA
World Factbook), areas (national statistics), tripoint positions (Wikipedia), lake areas,
and the lengths of the built-in scenario legs against the lengths their operators or
ministries published — and returns one row per figure with the difference and a verdict
against the figure's stated tolerance.  ``corridor validate`` prints the same table.

A verdict of ``outside`` is a finding, not a failure of the run: for a railway it says that
the modelled alignment (straight legs between sourced stations, or a line along the border)
is shorter or longer than the line as built, by the ratio shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import shapely

from ._validate import one_of
from .datasets import data_path
from .errors import DataError
from .geodesy import area_km2, distance_m

if TYPE_CHECKING:
    from .region import Region

__all__ = ["VALIDATION_COLUMNS", "validate"]

#: The columns of :func:`validate`'s table.
VALIDATION_COLUMNS = (
    "figure",
    "published",
    "corridor",
    "unit",
    "difference",
    "difference_pct",
    "tolerance",
    "verdict",
    "source",
    "date",
    "note",
)


def validate(*, region: Region | None = None, world: bool = False) -> pd.DataFrame:
    """Corridor's figures against published ones: one row per figure, with a verdict.

    Parameters
    ----------
    region : Region, optional
        The region to check (default: the built-in one).  Figures of
        territories it does not hold are left out.
    world : bool, default False
        Also check figures that need a region built from the world layers
        (the Suwałki gap; a few seconds the first time, then cached).

    Returns
    -------
    pandas.DataFrame
        :data:`VALIDATION_COLUMNS`: ``published`` and ``corridor`` in ``unit``
        (for a tripoint, the published value is 0 and corridor's is its
        distance in km from the published point); ``difference`` is corridor
        minus published, ``difference_pct`` its share of the published value;
        ``verdict`` is ``ok`` within ``tolerance``, else ``outside``.

    Examples
    --------
    >>> t = validate()
    >>> len(t) >= 25, set(t["verdict"]) <= {"ok", "outside"}
    (True, True)
    >>> row = t.set_index("figure").loc["Armenia–Iran border"]
    >>> float(row["published"]), round(float(row["corridor"]), 1), row["verdict"]
    (44.0, 47.6, 'ok')
    """
    from .region import load_region

    region = region if region is not None else load_region()
    figures = pd.read_csv(data_path("validation.csv"), dtype=str, keep_default_na=False)
    rows = []
    for f in figures.itertuples(index=False):
        kind, _, arg = str(f.measure).partition(":")
        if kind == "world_border" and not world:
            continue
        value = _measure(kind, arg, region)
        if value is None:
            continue  # a territory this region does not hold
        rows.append(_row(f, value))
    return pd.DataFrame(rows, columns=list(VALIDATION_COLUMNS))


def _row(f: Any, value: float) -> dict[str, Any]:
    published = float(f.published)
    tol = float(f.tolerance)
    diff = value - published
    pct = 100.0 * diff / published if published else np.nan
    if f.tolerance_unit == "%":
        ok = abs(pct) <= tol
        tol_text = f"±{tol:g} %"
    else:
        ok = abs(diff) <= tol
        tol_text = f"±{tol:g} {f.tolerance_unit}"
    return {
        "figure": f.figure,
        "published": published,
        "corridor": value,
        "unit": f.unit,
        "difference": diff,
        "difference_pct": pct,
        "tolerance": tol_text,
        "verdict": "ok" if ok else "outside",
        "source": f.source,
        "date": f.date,
        "note": f.note,
    }


def _measure(kind: str, arg: str, region: Region) -> float | None:
    """Corridor's value of one figure (``None`` if the region lacks its territories)."""
    one_of(kind, "measure", ("border", "border_land", "area", "lake", "tripoint", "leg", "world_border"))
    if kind in ("border", "border_land"):
        a, b = arg.split("|")
        if not _has(region, a, b):
            return None
        if kind == "border":
            return region.border_length_km(a, b, at_sea=False)
        return region.border_km_by_surface(a, b)["land"]
    if kind == "area":
        return _area(region, arg)
    if kind == "lake":
        return _lake_area(region, *(float(v) for v in arg.split("|")))
    if kind == "tripoint":
        ids, _, at = arg.partition("@")
        return _tripoint_offset(region, tuple(ids.split("|")), *(float(v) for v in at.split("|")))
    if kind == "leg":
        return _leg_length(*arg.split("|", 1))
    ids, _, box = arg.partition("@")
    return _world_border(tuple(ids.split("|")), tuple(float(v) for v in box.split("|")))


def _has(region: Region, *names: str) -> bool:
    from .errors import UnknownTerritoryError

    try:
        for n in names:
            region.resolve(n)
    except UnknownTerritoryError:
        return False
    return True


def _area(region: Region, name: str) -> float | None:
    """Land and inland water (the territorial sea left out), km², of a territory or part."""
    if not _has(region, name):
        return None
    kind, ident = region.resolve(name)
    parts = region.parts[region.parts["iso3" if kind == "territory" else "part_id"] == ident]
    sea = parts["sea_km2"] if "sea_km2" in parts.columns else 0.0
    return float((parts["area_km2"] - sea).sum())


def _lake_area(region: Region, lon: float, lat: float) -> float | None:
    """Geodesic area (km²) of the inland-water polygon holding a point."""
    if region.water is None:
        return None
    inland = region.water[region.water["surface"] == "inland water"]
    pt = shapely.Point(lon, lat)
    for g in inland.geometry:
        for p in shapely.get_parts(g):
            if p.contains(pt):
                return float(area_km2(p))
    return None


def _tripoint_offset(region: Region, ids: tuple[str, ...], lon: float, lat: float) -> float | None:
    """Km from a published tripoint to the nearest of the region's tripoints of the same territories."""
    want = tuple(sorted(ids))
    pts = [pt for k, pt in zip(region.tripoints["ids"], region.tripoints.geometry) if tuple(sorted(k)) == want]
    if not pts:
        return None
    return min(distance_m((lon, lat), (p.x, p.y)) for p in pts) / 1000.0


def _leg_length(scenario: str, leg: str) -> float:
    """Modelled geodesic km of a built-in scenario leg."""
    from .scenario import builtin_scenarios

    for s in builtin_scenarios(None):
        if s.name == scenario:
            for lg in s.route.legs:
                if lg.name == leg:
                    return lg.length_km
    raise DataError(f"data/validation.csv names leg {leg!r} of scenario {scenario!r}, which is not built in.")


def _world_border(ids: tuple[str, ...], box: tuple[float, ...]) -> float:
    from .region import load_region

    region = load_region(bbox=box)
    return region.border_length_km(ids[0], ids[1], at_sea=False)
