"""Edges of an osmnx graph as geometry: lon/lat lines oriented from u to v, by mode.

Shared by :mod:`corridor.network` (tagging, border crossings) and
:mod:`corridor.routing` (snapping, paths).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import shapely

from .errors import GeometryError, ParameterError
from .geodesy import segment_lengths_m

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["Edges", "edges_of", "label", "mode_of", "point_at_m"]


@dataclass
class Edges:
    """Edge keys ``(u, v, key)``, lon/lat geometries oriented u → v, and attribute dicts."""

    keys: list[tuple[Any, Any, int]]
    geoms: np.ndarray  # lon/lat LineStrings oriented u -> v
    data: list[dict[str, Any]]


def edges_of(G: nx.MultiDiGraph, mode: str | None = None) -> Edges:
    """Edges (optionally of one mode) with their lon/lat geometry oriented from u to v."""
    if len(G) == 0 or len(G.edges) == 0:
        raise GeometryError("The network is empty: it has no edges.")
    keys, data, geoms = [], [], []
    for u, v, k, d in G.edges(keys=True, data=True):
        if mode == "road" and "highway" not in d:
            continue
        if mode == "rail" and "railway" not in d:
            continue
        keys.append((u, v, k))
        data.append(d)
        geoms.append(d.get("geometry"))
    if not keys:
        raise GeometryError(f"The network has no {mode} edges.")
    garr = np.empty(len(geoms), dtype=object)
    garr[:] = geoms
    missing = np.array([g is None for g in geoms])
    xy = {n: (d["x"], d["y"]) for n, d in G.nodes(data=True)}
    ux = np.array([xy[u] for u, _, _ in keys], dtype=float)
    vx = np.array([xy[v] for _, v, _ in keys], dtype=float)
    if missing.any():
        idx = np.flatnonzero(missing)
        pts = np.stack([ux[idx], vx[idx]], axis=1).reshape(-1, 2)
        garr[idx] = shapely.linestrings(pts, indices=np.repeat(np.arange(len(idx)), 2))
    # orient each geometry from u to v
    first = shapely.get_coordinates(shapely.get_point(garr, 0))
    last = shapely.get_coordinates(shapely.get_point(garr, -1))
    flip = ((first - ux) ** 2).sum(axis=1) > ((last - ux) ** 2).sum(axis=1)
    if flip.any():
        garr[flip] = shapely.reverse(garr[flip])
    return Edges(keys, garr, data)


def mode_of(G: nx.MultiDiGraph, mode: str | None) -> str:
    if mode in ("road", "rail"):
        return mode
    if mode is not None:
        raise ParameterError(f"`mode` must be 'road', 'rail' or None, got {mode!r}.")
    has_road = any("highway" in d for _, _, d in G.edges(data=True))
    return "road" if has_road else "rail"


def label(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ";".join(sorted({str(x) for x in value}))
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value)


def point_at_m(geom: Any, m: float) -> tuple[float, float]:
    xy = shapely.get_coordinates(geom)
    seg = segment_lengths_m(xy)
    cum = np.concatenate([[0.0], np.cumsum(seg)])
    i = int(np.clip(np.searchsorted(cum, m, side="right") - 1, 0, len(seg) - 1))
    t = (m - cum[i]) / seg[i] if seg[i] > 0 else 0.0
    p = xy[i] + (xy[i + 1] - xy[i]) * float(np.clip(t, 0.0, 1.0))
    return float(p[0]), float(p[1])
