"""Types and vocabularies shared by every module (no behaviour here)."""

from __future__ import annotations

from typing import Literal

__all__ = ["MODES", "STATUSES", "BBox", "BorderPair", "LonLat", "Mode", "Status"]

#: A point as ``(lon, lat)`` in degrees, EPSG:4326.
LonLat = tuple[float, float]

#: A bounding box as ``(min_lon, min_lat, max_lon, max_lat)`` in degrees, EPSG:4326.
BBox = tuple[float, float, float, float]

#: A pair of territory (or part) ids sharing a border, such as ``("ARM", "IRN")``.
BorderPair = tuple[str, str]

#: Transport modes of a leg.
Mode = Literal["rail", "road", "ferry", "other"]
MODES: tuple[str, ...] = ("rail", "road", "ferry", "other")

#: Statuses of a leg.
Status = Literal["existing", "planned", "under construction", "disused", "proposed"]
STATUSES: tuple[str, ...] = ("existing", "planned", "under construction", "disused", "proposed")
