"""Locate and verify the built-in data files.

Installed from a wheel, the data live in ``corridor/_data``; in a source
checkout (or an editable install) they live in the repository's ``data/``.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from importlib import resources
from pathlib import Path

from .errors import DataError

__all__ = ["data_path", "verify_checksum"]


def data_path(name: str) -> Path:
    """Absolute path of a built-in data file."""
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
def manifest() -> dict[str, dict[str, str]]:
    """The data manifest: file name → ``{"sha256": ...}``."""
    return json.loads(data_path("manifest.json").read_text(encoding="utf-8"))


def verify_checksum(path: Path, expected: str | None = None) -> None:
    """Raise :class:`DataError` unless the file's SHA-256 matches the manifest."""
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
