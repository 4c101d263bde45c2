"""Scenario YAML read safely: bounded bytes, checked encoding, event limits, strict mappings.

:func:`load_yaml_mapping` is what :meth:`corridor.Scenario.read` parses with.  Every
step is bounded before the next one starts:

1. at most :data:`MAX_YAML_BYTES` + 1 bytes are read, from a regular file only (a folder,
   ``/dev/zero`` or a named pipe is refused before anything is read);
2. the bytes must be UTF-8 (a UTF-8 byte-order mark is allowed); the first byte that is
   not is named by its offset;
3. the YAML *event stream* is walked before anything is composed or built: nesting
   deeper than :data:`MAX_YAML_DEPTH`, more than :data:`MAX_YAML_ALIASES` aliases, more
   than :data:`MAX_YAML_NODES` nodes once the aliases are expanded, a recursive alias and
   a number longer than :data:`MAX_YAML_NUMBER_CHARS` characters are refused;
4. the document is then built by ``yaml.safe_load``'s loader (libyaml's where
   available: plain data only, no Python objects), with one change: a key given twice
   in a mapping is an error naming the key and both lines.

Every failure is a :class:`~corridor.errors.ScenarioError` whose message starts with the
file name, except a missing file (:class:`FileNotFoundError`) and an unreadable one
(:class:`PermissionError`).
"""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import Any

import yaml

from ._files import read_at_most
from .errors import ScenarioError

__all__ = [
    "MAX_YAML_ALIASES",
    "MAX_YAML_BYTES",
    "MAX_YAML_DEPTH",
    "MAX_YAML_NODES",
    "MAX_YAML_NUMBER_CHARS",
    "load_yaml_mapping",
]

#: Largest scenario file, in bytes (counted on the bytes read, not the size the system reports).
MAX_YAML_BYTES = 1_000_000
#: Most aliases (``*name``) in a scenario file.
MAX_YAML_ALIASES = 100
#: Most nodes (scalars, sequences, mappings) in a scenario file, counting each alias as
#: the nodes it stands for: a document of 100 aliases cannot expand to billions of values.
MAX_YAML_NODES = 200_000
#: Deepest nesting of sequences and mappings (a scenario needs 5).
MAX_YAML_DEPTH = 50
#: Longest number, in characters (Python refuses integers of more than 4,300 digits deep
#: inside the YAML loader; a base-60 integer such as ``1:2:3:...`` costs quadratic time).
MAX_YAML_NUMBER_CHARS = 100

_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_MERGE = "tag:yaml.org,2002:merge"
_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)

#: ``yaml.safe_load``'s loader, libyaml's where PyYAML was built with it.
_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _ScenarioLoader(_SafeLoader):  # type: ignore[misc]
    """``yaml.safe_load``'s loader, refusing duplicate keys and naming the line of a bad value."""

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        if isinstance(node, yaml.MappingNode):
            first: dict[Any, int] = {}
            for key_node, _ in node.value:
                if key_node.tag == _MERGE:
                    continue
                key = self.construct_object(key_node, deep=True)
                try:
                    seen = first.get(key)
                except TypeError:  # a list or a mapping as a key
                    raise yaml.constructor.ConstructorError(
                        "while constructing a mapping", node.start_mark, "found unhashable key", key_node.start_mark
                    ) from None
                if seen is not None:
                    problem = (
                        f"duplicate key {_shown(key)} (first given on line {seen + 1}); "
                        "each key may appear once in a mapping"
                    )
                    raise yaml.constructor.ConstructorError(None, None, problem, key_node.start_mark)
                first[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep=deep)

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        try:
            return super().construct_object(node, deep=deep)
        except yaml.YAMLError:
            raise
        except Exception as exc:  # 2024-13-45, !!int '0x', !!float '', !!timestamp x: plain data badly written
            tag = str(node.tag).rsplit(":", 1)[-1]
            problem = f"cannot read {_shown(getattr(node, 'value', ''))} as {tag} ({exc})"
            raise yaml.constructor.ConstructorError(None, None, problem, node.start_mark) from None


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def load_yaml_mapping(path: str | Path) -> dict[str, Any]:
    r"""A scenario file's top-level mapping, read within the limits of this module.

    Parameters
    ----------
    path : path-like

    Returns
    -------
    dict

    Raises
    ------
    corridor.errors.ScenarioError
        Too large, not UTF-8, not YAML, over a limit, a duplicate key, or not a mapping.
    FileNotFoundError, PermissionError
        A missing or unreadable file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "s.yaml"
    >>> _ = p.write_text("name: x\nlegs: []\nname: y\n")
    >>> load_yaml_mapping(p)
    Traceback (most recent call last):
    ...
    corridor.errors.ScenarioError: .../s.yaml: not valid scenario YAML (line 3, column 1): duplicate key 'name' ...
    """
    path = Path(path)
    raw = read_at_most(path, MAX_YAML_BYTES, what="Scenario file", error=ScenarioError)
    if len(raw) > MAX_YAML_BYTES:
        msg = f"{path}: file is over {MAX_YAML_BYTES:,} bytes; scenario files are limited to {MAX_YAML_BYTES:,} bytes."
        raise ScenarioError(msg)
    text = _decode(raw, path)
    try:
        _check_events(text, path)
        data = yaml.load(text, Loader=_ScenarioLoader)  # noqa: S506 - a SafeLoader
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{path}: not valid scenario YAML{_position(exc)}") from None
    if data is None:
        raise ScenarioError(f"{path}: the file holds no YAML document; a scenario needs `name` and `legs`.")
    if not isinstance(data, dict):
        msg = f"{path}: expected a mapping with `name` and `legs` at the top level, got {type(data).__name__}."
        raise ScenarioError(msg)
    return data


def _decode(raw: bytes, path: Path) -> str:
    """UTF-8 text (a leading byte-order mark dropped), or the offset of the first bad byte."""
    for bom, name in _BOMS:
        if raw.startswith(bom):
            raise ScenarioError(f"{path}: the file is {name} (byte-order mark at byte 0); save it as UTF-8.")
    start = len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0
    try:
        return raw[start:].decode("utf-8")
    except UnicodeDecodeError as exc:
        at = start + exc.start
        line = raw.count(b"\n", 0, at) + 1
        msg = (
            f"{path}: not UTF-8: byte 0x{raw[at]:02x} at byte offset {at} (line {line}) is not valid UTF-8 "
            f"({exc.reason}); scenario files are UTF-8 text. Save the file as UTF-8."
        )
        raise ScenarioError(msg) from None


def _position(exc: yaml.YAMLError) -> str:
    """``" (line L, column C): problem"`` of a YAML error."""
    if isinstance(exc, yaml.reader.ReaderError):
        return f" (character {exc.position}): {exc.reason} (character #x{exc.character:04x})"
    mark = getattr(exc, "problem_mark", None)
    at = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return f"{at}: {problem}"


def _refuse(path: Path, event: Any, what: str) -> ScenarioError:
    line = event.start_mark.line + 1
    return ScenarioError(f"{path}: not valid scenario YAML (line {line}): {what}")


def _check_events(text: str, path: Path) -> None:
    """Walk the events (nothing composed or built yet), refusing what would be costly to build."""
    resolver = yaml.resolver.Resolver()
    nodes = aliases = 0
    expands: dict[str, int] = {}  # anchor -> the nodes an alias to it stands for
    open_: list[tuple[str | None, int]] = []  # (anchor, nodes before it) of each open collection
    for ev in yaml.parse(text, Loader=_SafeLoader):
        if isinstance(ev, yaml.AliasEvent):
            aliases += 1
            if aliases > MAX_YAML_ALIASES:
                what = f"more than {MAX_YAML_ALIASES} aliases; is this an alias bomb? Write the values out."
                raise _refuse(path, ev, what)
            if any(anchor == ev.anchor for anchor, _ in open_):
                raise _refuse(path, ev, f"the alias *{ev.anchor} refers to a collection that contains it.")
            nodes += expands.get(ev.anchor or "", 1)  # an undefined alias: the composer reports it
        elif isinstance(ev, yaml.ScalarEvent):
            nodes += 1
            if ev.anchor is not None:
                expands[ev.anchor] = 1
            tag = ev.tag or (resolver.resolve(yaml.ScalarNode, ev.value, ev.implicit) if ev.implicit[0] else None)
            if tag in (_INT, _FLOAT) and len(ev.value) > MAX_YAML_NUMBER_CHARS:
                what = f"a number of {len(ev.value):,} characters; numbers are limited to {MAX_YAML_NUMBER_CHARS}."
                raise _refuse(path, ev, what)
        elif isinstance(ev, yaml.CollectionStartEvent):
            nodes += 1
            open_.append((ev.anchor, nodes - 1))
            if len(open_) > MAX_YAML_DEPTH:
                raise _refuse(path, ev, f"nested more than {MAX_YAML_DEPTH} levels deep; a scenario needs 5.")
        elif isinstance(ev, yaml.CollectionEndEvent):
            anchor, before = open_.pop()
            if anchor is not None:
                expands[anchor] = nodes - before
        if nodes > MAX_YAML_NODES:
            what = (
                f"more than {MAX_YAML_NODES:,} values (aliases counted as the values they stand for); "
                "is this an alias bomb? Write the values out."
            )
            raise _refuse(path, ev, what)
