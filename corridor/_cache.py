"""Derived results kept between sessions (on disk) and within one (in memory).

An entry is one file in :func:`corridor.datasets.cache_dir`, named ``{kind}-{key}{suffix}``.
The key is a hash of everything the result depends on: :func:`cache_key` always adds the
corridor version, and the caller adds the checksum of the data (the manifest's SHA-256 of a
built-in file, :func:`digest` / :func:`geometry_digest` of anything else) and every
parameter of the call.  So an upgrade, new data or another parameter is a new entry, never a
stale one; old entries are simply not read again (deleting the folder is always safe).

Entries are written atomically (:func:`corridor._files.atomic_write`: a temporary file in the
cache folder renamed onto the entry), so no reader sees half a file.  A file that cannot be
read all the same (truncated, garbage, an older layout) is a miss: :func:`load` deletes it
and returns ``None``, and the caller rebuilds the result and stores it again.  The cache is
best-effort: a cache folder that cannot be created or written costs speed, with one warning
per process, never the result.

Typical use (the along-border legs of :mod:`corridor._along`)::

    key = cache_key(kind="along", region=region_checksum, offset_m=500.0)
    result = memo.get(key)                          # this process
    if result is None:
        path = cache_file("along", key)
        result = load(path, read_result)           # an earlier process; None if missing or corrupt
        if result is None:
            result = build()
            store(path, lambda tmp: write_result(tmp, result))
        memo.put(key, result)

:func:`write_npz` / :func:`read_npz` store arrays and a JSON-able dict without pickle.
A region read from checksummed data carries its checksum as ``Region.data_key``, so callers can
key results on it without hashing its content.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import warnings
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from ._files import atomic_write
from .datasets import cache_dir
from .errors import CorridorWarning, DataError

__all__ = [
    "Memo",
    "cache_file",
    "cache_key",
    "corridor_version",
    "digest",
    "geometry_digest",
    "load",
    "read_npz",
    "store",
    "write_npz",
]

T = TypeVar("T")

_META = "__meta__"  # the npz member holding the JSON metadata
_KIND = re.compile(r"^[a-z][a-z0-9_]*$")
_warned = False


@cache
def corridor_version() -> str:
    """The installed corridor version (``"0+unknown"`` when running from a bare source tree).

    Examples
    --------
    >>> isinstance(corridor_version(), str)
    True
    """
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("corridor")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0+unknown"


def _plain(value: Any) -> Any:
    """JSON fallback: numpy scalars and arrays, paths; anything else is refused."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"{type(value).__name__} cannot be part of a cache key")


def cache_key(**parts: Any) -> str:
    """A key (32 hex digits) of ``parts`` and the corridor version.

    Parameters
    ----------
    **parts
        Everything the cached result depends on, as JSON-able values (str, numbers, bool,
        None, lists, tuples, dicts; numpy scalars and arrays; paths).  Large inputs go in as
        their :func:`digest`.  Floats enter with their exact ``repr``.

    Returns
    -------
    str

    Raises
    ------
    TypeError
        A part that is not JSON-able (then do not cache).

    Examples
    --------
    >>> cache_key(kind="along", offset_m=500.0) == cache_key(offset_m=500.0, kind="along")
    True
    >>> cache_key(kind="along", offset_m=500.0) == cache_key(kind="along", offset_m=500.0001)
    False
    >>> cache_key(region=object())
    Traceback (most recent call last):
    ...
    TypeError: object cannot be part of a cache key
    """
    payload = {"corridor_version": corridor_version(), **parts}
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_plain)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def digest(chunks: Iterable[bytes | str]) -> str:
    """SHA-256 (hex) of a sequence of byte or text chunks, each length-prefixed (no ambiguity).

    Examples
    --------
    >>> digest([b"ab", b"c"]) == digest([b"a", b"bc"])
    False
    """
    h = hashlib.sha256()
    for chunk in chunks:
        b = chunk.encode("utf-8") if isinstance(chunk, str) else bytes(chunk)
        h.update(len(b).to_bytes(8, "little"))
        h.update(b)
    return h.hexdigest()


def geometry_digest(geometries: Any) -> str:
    """SHA-256 of geometries' WKB (little-endian, in order); ``None`` entries count too.

    Examples
    --------
    >>> import shapely
    >>> a = geometry_digest([shapely.box(0, 0, 1, 1)])
    >>> a == geometry_digest([shapely.box(0, 0, 1, 1)]), a == geometry_digest([shapely.box(0, 0, 1, 2)])
    (True, False)
    """
    import shapely

    wkb = shapely.to_wkb(np.asarray(geometries, dtype=object), byte_order=1)
    return digest(b"" if w is None else w for w in wkb)


def _warn_once(message: str) -> None:
    global _warned
    if not _warned:
        _warned = True
        warnings.warn(message, CorridorWarning, stacklevel=3)


def cache_file(kind: str, key: str, suffix: str = ".npz") -> Path | None:
    """The path of the entry ``{kind}-{key}{suffix}`` in the cache folder; ``None`` without a folder.

    Examples
    --------
    >>> cache_file("along", cache_key(kind="along")).name.startswith("along-")
    True
    """
    if not _KIND.match(kind) or not re.fullmatch(r"[0-9a-f]{8,64}", key) or not re.fullmatch(r"\.[a-z0-9]+", suffix):
        raise ValueError(f"bad cache entry name {kind!r}, {key!r}, {suffix!r}")
    try:
        return cache_dir() / f"{kind}-{key}{suffix}"
    except DataError as exc:
        _warn_once(f"{exc} Results are not cached in this session.")
        return None


def load(path: Path | None, read: Callable[[Path], T]) -> T | None:
    """``read(path)``, or ``None`` if there is no such entry or it cannot be read (then it is deleted).

    Any exception from ``read`` (a truncated file, garbage, a layout ``read`` rejects) is a
    miss, so ``read`` should raise on anything it does not recognise.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "along-0123456789abcdef.npz"
    >>> _ = p.write_bytes(b"garbage")
    >>> load(p, read_npz) is None, p.exists()
    (True, False)
    """
    if path is None or not path.is_file():
        return None
    try:
        return read(path)
    except Exception:  # a corrupt entry of any kind is a miss
        try:
            path.unlink(missing_ok=True)
        except OSError:
            pass
        return None


def store(path: Path | None, write: Callable[[Path], Any]) -> bool:
    """Write an entry atomically with ``write(tmp_path)``; ``False`` (and one warning) if that fails.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "along-0123456789abcdef.npz"
    >>> store(p, lambda tmp: write_npz(tmp, {"xy": np.zeros((2, 2))}, {"label": "x"}))
    True
    >>> read_npz(p)[1]
    {'label': 'x'}
    """
    if path is None:
        return False
    try:
        atomic_write(path, write)
    except Exception as exc:  # a cache that cannot be written costs speed, never the result
        _warn_once(f"Cannot write corridor's cache entry {str(path)!r} ({exc}); results are not cached.")
        return False
    return True


def write_npz(path: Path, arrays: Mapping[str, np.ndarray], meta: Mapping[str, Any] | None = None) -> None:
    """Numeric or text arrays and a JSON-able dict in one ``.npz`` file (no pickle)."""
    if _META in arrays:
        raise ValueError(f"{_META!r} is reserved")
    members: dict[str, Any] = {k: np.asarray(v) for k, v in arrays.items()}
    if any(v.dtype == object for v in members.values()):
        raise TypeError("write_npz stores numeric or text arrays only (no objects)")
    members[_META] = np.array(json.dumps(dict(meta or {}), ensure_ascii=False))
    with open(path, "wb") as f:
        np.savez(f, **members)


def read_npz(path: Path) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """The arrays and the metadata of a :func:`write_npz` file; raises on anything else."""
    with open(path, "rb") as f, np.load(f, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files if k != _META}
        meta = json.loads(str(z[_META][()]))
    if not isinstance(meta, dict):
        raise ValueError(f"{str(path)!r}: no metadata")
    return arrays, meta


class Memo:
    """Results within one process: a small least-recently-used map (thread-safe).

    Parameters
    ----------
    maxsize : int
        Entries kept; the least recently used goes first.

    Examples
    --------
    >>> m = Memo(maxsize=2)
    >>> m.put("a", 1); m.put("b", 2); m.put("c", 3)
    >>> m.get("a"), m.get("c")
    (None, 3)
    """

    def __init__(self, maxsize: int = 128) -> None:
        self.maxsize = int(maxsize)
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any | None:
        """The value for ``key``, or ``None``."""
        with self._lock:
            if key not in self._items:
                return None
            self._items.move_to_end(key)
            return self._items[key]

    def put(self, key: Hashable, value: Any) -> None:
        """Keep ``value`` under ``key``."""
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.maxsize:
                self._items.popitem(last=False)

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)
