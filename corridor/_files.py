"""Safe files: check an output path, then write it atomically.

Every file corridor writes goes through :func:`atomic_write`: the content is
written to a temporary file in the destination folder and renamed onto the
target, so a failed or interrupted write never leaves a half-written file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .errors import OutputPathError, ParameterError

__all__ = ["atomic_write", "atomic_write_text", "check_output_path"]


def check_output_path(path: str | os.PathLike[str], suffixes: Sequence[str] = ()) -> Path:
    """Return ``path`` as a Path if it can be written, else raise :class:`OutputPathError`."""
    p = Path(path)
    if p.is_dir():
        raise OutputPathError(f"Output path {str(p)!r} is a folder; give a file name.")
    if not p.parent.is_dir():
        msg = (
            f"Cannot write {str(p)!r}: folder {str(p.parent)!r} does not exist. "
            "Create it first (for example `Path(folder).mkdir(parents=True)`) "
            "or choose another path."
        )
        raise OutputPathError(msg)
    if suffixes and p.suffix.lower() not in suffixes:
        raise ParameterError(f"Unsupported file type {p.suffix!r} for {str(p)!r}; use one of {', '.join(suffixes)}.")
    return p


def atomic_write(path: str | os.PathLike[str], write: Callable[[Path], Any]) -> Path:
    """Call ``write(tmp_path)`` and rename the temporary file onto ``path``.

    The temporary file sits in the same folder (so the rename is atomic) and
    keeps ``path``'s suffix (so drivers that choose a format by extension work).
    It gets the permissions a new file would get under the current umask.
    """
    p = check_output_path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.stem}-", suffix=p.suffix, dir=p.parent)
    os.close(fd)
    os.unlink(tmp)  # writers such as GDAL want to create the file themselves
    try:
        write(Path(tmp))
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, p)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return p


def atomic_write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write text (UTF-8) atomically."""
    return atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
