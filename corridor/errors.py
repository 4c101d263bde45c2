"""Every exception and warning corridor raises.

Every error derives from :class:`CorridorError` *and* from the built-in
exception it specialises, so ``except ValueError`` keeps working for callers
that do not know about corridor, and ``except CorridorError`` catches every
refusal of bad input.  Warnings derive from :class:`CorridorWarning`.

Hierarchy::

    CorridorError
    ├── ParameterError          (ValueError)   a parameter has a wrong value
    ├── ParameterTypeError      (TypeError)    a parameter has a wrong type
    ├── ColumnError             (KeyError)     a named column is missing
    ├── GeometryError           (ValueError)   empty, invalid or implausible geometry
    ├── CRSError                (ValueError)   a missing or unusable CRS
    ├── OutsideRegionError      (ValueError)   a route lies wholly outside the region
    ├── UnknownTerritoryError   (KeyError)     a territory or part id not in the region
    ├── UnknownPlaceError       (LookupError)  a place not in the gazetteer
    ├── UnknownStopError        (KeyError)     a stop not on the route
    ├── ScenarioError           (ValueError)   an invalid scenario (Python or YAML)
    ├── DataError               (OSError)      a data file missing, unreadable or corrupt
    ├── OutputPathError         (OSError)      an output path that cannot be written
    ├── DownloadError           (ConnectionError)  a download failed or timed out
    ├── NoPathError             (ValueError)   no path on a network
    └── RemoteResourceError     (ValueError)   an "offline" page would load remote code

    CorridorWarning             (UserWarning)
    ├── OutsideRegionWarning    part of a route lies outside the region's data
    ├── BoundaryUncertaintyWarning  "0 km in X" rests on a margin below the data's accuracy
    └── CorridorDeprecationWarning (DeprecationWarning)  a renamed name or parameter

Examples
--------
>>> import corridor
>>> try:
...     corridor.place("Atlantis")
... except corridor.CorridorError as exc:
...     print(type(exc).__name__, isinstance(exc, LookupError))
UnknownPlaceError True
"""

from __future__ import annotations

__all__ = [
    "BoundaryUncertaintyWarning",
    "CRSError",
    "ColumnError",
    "CorridorDeprecationWarning",
    "CorridorError",
    "CorridorWarning",
    "DataError",
    "DownloadError",
    "GeometryError",
    "NoPathError",
    "OutputPathError",
    "OutsideRegionError",
    "OutsideRegionWarning",
    "ParameterError",
    "ParameterTypeError",
    "RemoteResourceError",
    "ScenarioError",
    "UnknownPlaceError",
    "UnknownStopError",
    "UnknownTerritoryError",
]


class CorridorError(Exception):
    """Base class of every error raised by corridor."""


class _MessageKeyError(KeyError):
    """A KeyError that prints its message as given (KeyError would ``repr()`` it)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class ParameterError(CorridorError, ValueError):
    """A parameter has a wrong value (a negative speed, an unknown option, ...)."""


class ParameterTypeError(CorridorError, TypeError):
    """A parameter has a wrong type (a string where a number belongs, ...)."""


class ColumnError(CorridorError, _MessageKeyError):
    """A named column is not in the table."""


class GeometryError(CorridorError, ValueError):
    """A geometry is invalid, empty, of the wrong type or has bad coordinates."""


class CRSError(CorridorError, ValueError):
    """A coordinate reference system is missing or cannot be used."""


class OutsideRegionError(CorridorError, ValueError):
    """A route lies wholly outside the region's data."""


class UnknownTerritoryError(CorridorError, _MessageKeyError):
    """A territory or part id is not in the region."""


class UnknownPlaceError(CorridorError, LookupError):
    """A place name is not in the gazetteer."""


class UnknownStopError(CorridorError, _MessageKeyError):
    """A stop name or index is not on the route."""


class ScenarioError(CorridorError, ValueError):
    """A scenario definition (Python or YAML file) is invalid."""


class DataError(CorridorError, OSError):
    """A data file is missing, unreadable, or does not match its checksum."""


class OutputPathError(CorridorError, OSError):
    """An output path cannot be written (for example, its folder is missing)."""


class DownloadError(CorridorError, ConnectionError):
    """A download failed (no network, timeout, or an empty answer)."""


class NoPathError(CorridorError, ValueError):
    """No path joins the requested points on a network."""


class RemoteResourceError(CorridorError, ValueError):
    """A page meant to be offline needs a remote script or stylesheet that cannot be inlined."""


class CorridorWarning(UserWarning):
    """Base class of every warning issued by corridor."""


class OutsideRegionWarning(CorridorWarning):
    """Part of a route lies outside the region's data, so its km there are ``unassigned``."""


class BoundaryUncertaintyWarning(CorridorWarning):
    """A route stays out of a territory by less than the boundary data's positional accuracy.

    Its "0 km in X" then depends on where the data draw the border: over another
    boundary dataset the route may cross it (see :func:`corridor.boundary_sensitivity`).
    """


class CorridorDeprecationWarning(CorridorWarning, DeprecationWarning):
    """A name or parameter was renamed; the old one works for one more release."""
