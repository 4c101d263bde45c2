"""Safe files: open an input only if it is a regular file; write an output atomically.

Every file corridor reads by itself goes through :func:`open_input` (or
:func:`read_at_most`): a folder, a device such as ``/dev/zero``, a named pipe
or a socket is refused before a byte is read, so a reader can neither hang on
a FIFO nor read an endless device into memory.

Every file corridor writes goes through :func:`atomic_write`: the content is
written to a temporary file in the destination folder and renamed onto the
target, so a failed or interrupted write never leaves a half-written file.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

from .errors import OutputPathError, ParameterError

__all__ = ["atomic_write", "atomic_write_text", "check_output_path", "is_folder", "open_input", "read_at_most"]


def open_input(path: str | os.PathLike[str], *, what: str, error: type[Exception]) -> IO[bytes]:
    """Open ``path`` for reading bytes if it is a regular file (symbolic links followed).

    A missing file raises :class:`FileNotFoundError` ("{what} '...' does not exist.") and an
    unreadable one :class:`PermissionError`; a folder, a device, a named pipe, a socket or a
    name the system refuses raises ``error`` naming the file.  The file is opened without
    blocking, so a named pipe with no writer is refused rather than waited on.

    Examples
    --------
    >>> import tempfile
    >>> from corridor.errors import DataError
    >>> open_input(tempfile.gettempdir(), what="Route file", error=DataError)
    Traceback (most recent call last):
    ...
    corridor.errors.DataError: Route file '...' is a folder; give a file.
    """
    p = Path(path)
    if is_folder(p):
        raise error(f"{what} {str(p)!r} is a folder; give a file.")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(p, flags)
    except FileNotFoundError:
        raise FileNotFoundError(f"{what} {str(p)!r} does not exist.") from None
    except PermissionError:
        raise
    except (OSError, ValueError) as exc:  # a loop of links, a name too long, a NUL byte in it
        raise error(f"Cannot open {what.lower()} {str(p)!r}: {getattr(exc, 'strerror', None) or exc}.") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = (
                "a folder"
                if stat.S_ISDIR(mode)
                else "not a regular file (it is a named pipe)"
                if stat.S_ISFIFO(mode)
                else "not a regular file (it is a device)"
                if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
                else "not a regular file"
            )
            raise error(f"{what} {str(p)!r} is {kind}; give a file.")
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def is_folder(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a folder; ``False`` for a name the system refuses (too long, a NUL byte).

    Examples
    --------
    >>> is_folder("x" * 5000)
    False
    """
    try:
        return Path(path).is_dir()
    except (OSError, ValueError):
        return False


def read_at_most(path: str | os.PathLike[str], limit: int, *, what: str, error: type[Exception]) -> bytes:
    r"""The first ``limit + 1`` bytes of a regular file (more than ``limit`` means it is too large).

    Only the bytes actually read count, so a file that grows while it is read, or
    reports a wrong size, cannot make the reader take more than ``limit + 1`` bytes.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from corridor.errors import ScenarioError
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "s.yaml"
    >>> _ = p.write_bytes(b"name: x\n" * 100)
    >>> len(read_at_most(p, 10, what="Scenario file", error=ScenarioError))  # 11 > 10: too large
    11
    """
    with open_input(path, what=what, error=error) as f:
        try:
            return f.read(limit + 1)
        except OSError as exc:
            raise error(f"Cannot read {what.lower()} {str(path)!r}: {exc.strerror or exc}.") from None


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
