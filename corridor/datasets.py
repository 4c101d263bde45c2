"""The built-in data files: where they are, and whether they are intact.

Installed from a wheel, the data live in ``corridor/_data``; in a source
checkout (or an editable install) they live in the repository's ``data/``.
``manifest.json`` records each file's SHA-256, source and licence; loaders
verify the checksum before they read a file (see ``data/README.md`` for the
provenance of every file).
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import DataError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["CACHE_ENV", "cache_dir", "data_path", "manifest", "verify_checksum", "world_countries"]


def data_path(name: str) -> Path:
    """Absolute path of a built-in data file.

    Parameters
    ----------
    name : str
        File name inside the data folder, such as ``"places.csv"``.

    Returns
    -------
    pathlib.Path

    Raises
    ------
    corridor.errors.DataError
        The file is not installed.

    Examples
    --------
    >>> data_path("places.csv").name
    'places.csv'
    >>> data_path("no-such-file.csv")
    Traceback (most recent call last):
    ...
    corridor.errors.DataError: Built-in data file 'no-such-file.csv' is missing ...
    """
    candidates = [
        Path(str(resources.files("corridor"))) / "_data" / name,
        Path(__file__).resolve().parent.parent / "data" / name,
    ]
    for c in candidates:
        if c.exists():
            return c
    msg = (
        f"Built-in data file {name!r} is missing (looked in {', '.join(map(str, candidates))}). "
        "Reinstall corridor (`pip install --force-reinstall corridor`) or, in a checkout, "
        "rebuild it with `python data/build_region.py`."
    )
    raise DataError(msg)


@cache
def manifest() -> dict[str, dict[str, Any]]:
    """The data manifest: file name → ``{"sha256": ..., "source": ..., "licence": ...}``.

    Returns
    -------
    dict

    Examples
    --------
    >>> sorted(manifest()["caucasus_caspian.gpkg"])[:3]
    ['built', 'gap_width_m', 'licence']
    """
    return json.loads(data_path("manifest.json").read_text(encoding="utf-8"))


def verify_checksum(path: Path, expected: str | None = None) -> None:
    """Raise :class:`~corridor.errors.DataError` unless the file's SHA-256 matches.

    Parameters
    ----------
    path : pathlib.Path
        A data file.
    expected : str, optional
        The SHA-256 in hex; default the manifest's entry for ``path.name``.

    Returns
    -------
    None

    Examples
    --------
    >>> verify_checksum(data_path("caucasus_caspian.gpkg"))
    >>> verify_checksum(data_path("places.csv"), expected="0" * 64)
    Traceback (most recent call last):
    ...
    corridor.errors.DataError: Data file ... is corrupt or modified: ...
    """
    if expected is None:
        expected = manifest()[path.name]["sha256"]
    h = hashlib.sha256(path.read_bytes()).hexdigest()
    if h != expected:
        msg = (
            f"Data file {str(path)!r} is corrupt or modified: SHA-256 {h[:12]}… does not match "
            f"the expected {expected[:12]}…. Reinstall corridor, or in a checkout run "
            "`git checkout data/` (or rebuild with `python data/build_region.py`)."
        )
        raise DataError(msg)


#: Environment variable naming the cache folder (default: the platform's user cache folder).
CACHE_ENV = "CORRIDOR_CACHE_DIR"


def cache_dir() -> Path:
    """The cache folder for derived data (built regions), created if missing.

    ``$CORRIDOR_CACHE_DIR`` if set, else the platform's user cache folder
    (``platformdirs.user_cache_dir("corridor")``, for example ``~/.cache/corridor``).
    Entries are keyed by the data checksums and the corridor version, so an
    upgrade never reads a stale entry; deleting the folder is always safe.

    Returns
    -------
    pathlib.Path

    Examples
    --------
    >>> cache_dir().is_dir()
    True
    """
    import os

    env = os.environ.get(CACHE_ENV)
    if env:
        path = Path(env)
    else:
        import platformdirs

        path = Path(platformdirs.user_cache_dir("corridor", appauthor=False))
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        msg = (
            f"Cannot create corridor's cache folder {str(path)!r} ({exc}); set ${CACHE_ENV} to a folder you can write."
        )
        raise DataError(msg) from exc
    return path


def world_countries() -> pd.DataFrame:
    """The territories of the shipped world layers: ``iso3`` and English short ``name``.

    The codes that :func:`corridor.load_region` takes in ``countries=``.

    Returns
    -------
    pandas.DataFrame

    Examples
    --------
    >>> t = world_countries()
    >>> len(t), t.set_index("iso3").loc["TUR", "name"]
    (250, 'Türkiye')
    """
    import pandas as pd

    path = data_path("country_names.csv")
    verify_checksum(path)
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    return df.rename(columns={"A3": "iso3"})[["iso3", "name"]]
