"""Exceptions raised by corridor.

Every error derives from :class:`CorridorError` *and* from the built-in
exception it specialises, so ``except ValueError`` keeps working for callers
that do not know about corridor.
"""

from __future__ import annotations

__all__ = [
    "ColumnError",
    "CorridorError",
    "CRSError",
    "DataError",
    "DownloadError",
    "GeometryError",
    "NoPathError",
    "OutputPathError",
    "ParameterError",
    "ScenarioError",
    "UnknownPlaceError",
    "UnknownTerritoryError",
]


class CorridorError(Exception):
    """Base class of every error raised by corridor."""


class ParameterError(CorridorError, ValueError):
    """A parameter has a wrong value (a negative speed, an unknown option, ...)."""


class ColumnError(CorridorError, KeyError):
    """A named column is not in the table."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class GeometryError(CorridorError, ValueError):
    """A geometry is invalid, empty, of the wrong type or has bad coordinates."""


class CRSError(CorridorError, ValueError):
    """A coordinate reference system is missing or cannot be used."""


class DataError(CorridorError, OSError):
    """A data file is missing, unreadable, or does not match its checksum."""


class UnknownTerritoryError(CorridorError, KeyError):
    """A territory or part id is not in the region."""

    def __str__(self) -> str:  # KeyError would otherwise repr() the message
        return str(self.args[0]) if self.args else ""


class UnknownPlaceError(CorridorError, LookupError):
    """A place name is not in the gazetteer."""


class ScenarioError(CorridorError, ValueError):
    """A scenario definition (Python or YAML file) is invalid."""


class OutputPathError(CorridorError, OSError):
    """An output path cannot be written (for example, its folder is missing)."""


class DownloadError(CorridorError, ConnectionError):
    """A download failed (no network, timeout, or an empty answer)."""


class NoPathError(CorridorError, ValueError):
    """No path joins the requested points on a network."""
