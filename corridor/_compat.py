"""Deprecations: old names and call forms keep working for one release, with a warning.

Every deprecation warns with :class:`~corridor.errors.CorridorDeprecationWarning`
(a ``DeprecationWarning``) naming the replacement.  Remove an entry here, and
its callers, one release after it was added (listed in ``docs/architecture.md``).
"""

from __future__ import annotations

import functools
import inspect
import os
import sys
import warnings
from collections.abc import Callable
from typing import Any, TypeVar

from .errors import CorridorDeprecationWarning, ParameterTypeError

__all__ = ["DeprecatedKeysDict", "keyword_only_after", "user_stacklevel", "warn", "warn_deprecated"]

F = TypeVar("F", bound=Callable[..., Any])


_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep


def user_stacklevel() -> int:
    """The ``stacklevel`` that points a warning at the first frame outside corridor.

    Decorators and internal helpers sit between the user's call and the
    ``warnings.warn``; a fixed stacklevel would blame one of them.
    """
    frame = sys._getframe(1)
    level = 1
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(_PACKAGE_DIR):
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    return level


def warn(message: str, category: type[Warning]) -> None:
    """Issue a warning attributed to the user's line of code."""
    warnings.warn(message, category, stacklevel=user_stacklevel())


def warn_deprecated(message: str) -> None:
    """Issue a :class:`~corridor.errors.CorridorDeprecationWarning` at the user's line."""
    warnings.warn(message, CorridorDeprecationWarning, stacklevel=user_stacklevel())


def keyword_only_after(n_positional: int, *names: str) -> Callable[[F], F]:
    """Accept ``names`` positionally (after the first ``n_positional`` arguments), with a warning.

    For parameters that became keyword-only: ``analyze(route, region)`` still
    works for one release and warns that ``region=`` is the new form.
    """

    def deco(func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if len(args) > n_positional:
                extra = args[n_positional:]
                if len(extra) > len(names):
                    msg = (
                        f"{func.__qualname__}() takes {n_positional} positional argument(s) but {len(args)} were given."
                    )
                    raise ParameterTypeError(msg)
                given = names[: len(extra)]
                for name, value in zip(given, extra):
                    if name in kwargs:
                        raise ParameterTypeError(f"{func.__qualname__}() got `{name}` twice.")
                    kwargs[name] = value
                shown = ", ".join(f"{n}=..." for n in given)
                warn_deprecated(
                    f"Passing {', '.join(f'`{n}`' for n in given)} to {func.__qualname__}() positionally is "
                    f"deprecated; pass it by keyword ({shown}).",
                )
                args = args[:n_positional]
            return func(*args, **kwargs)

        wrapper.__signature__ = inspect.signature(func)  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return deco


class DeprecatedKeysDict(dict[str, Any]):
    """A dict whose old keys still read, with a deprecation warning.

    ``renamed`` maps an old key to its new name; ``removed`` maps an old key
    to its value (a quantity no longer reported under any name).  The old
    keys are not stored: iterating, ``len`` and JSON output show only the
    current names.
    """

    def __init__(
        self,
        data: dict[str, Any],
        *,
        renamed: dict[str, str] | None = None,
        removed: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(data)
        self._renamed = dict(renamed or {})
        self._removed = dict(removed or {})

    def __missing__(self, key: str) -> Any:
        if key in self._renamed:
            new = self._renamed[key]
            warn_deprecated(f"The key {key!r} is deprecated; use {new!r}.")
            return self[new]
        if key in self._removed:
            warn_deprecated(f"The key {key!r} is deprecated and will be removed; see the headline figures.")
            return self._removed[key]
        raise KeyError(key)

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        """Like ``dict.get``, with the renamed keys."""
        try:
            return self[key]
        except KeyError:
            return default
