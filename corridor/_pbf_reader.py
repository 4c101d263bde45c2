"""The libosmium pass over an OSM PBF extract, run as a script in a child process by :mod:`corridor._pbf`.

libosmium trusts the strings of a PBF block: a tag with a NUL byte inside puts its walk over
a way's tags out of step, and a crafted (or corrupted) file can make it read past its buffer
and crash the process.  So the pass runs here, in a child process that imports nothing of
corridor (only the standard library and pyosmium): whatever the file, the caller's Python
survives and reports a :class:`~corridor.errors.DataError`.

Usage: ``python <this file> JOBDIR``.  ``JOBDIR/job.json`` holds the path, the way keys to
keep, the tags osmnx keeps on edges and nodes, ``max_nodes``, the node-location index and
the name to use in messages.  The result goes to ``JOBDIR``: ``ids``, ``ptr``, ``refs`` (int64)
and ``x``, ``y`` (int32) as raw arrays, ``tags.pickle`` (the kept tags of each way, and the
tagged nodes), and ``status.json`` (``error``: null or the message of a refusal; ``peak_kb``:
this process's peak memory).
"""

from __future__ import annotations

import json
import os
import pickle
import sys
from array import array
from typing import Any

__all__ = ["main"]


class _Refused(Exception):
    """A refusal of the file, with the message for the user."""


def _collect(proc: Any, job: dict[str, Any], out: dict[str, array]) -> tuple[list[Any], dict[int, Any]]:
    refs, xs, ys, ids, ptr = out["refs"], out["x"], out["y"], out["ids"], out["ptr"]
    tags: list[dict[str, str]] = []
    tagged: dict[int, dict[str, str]] = {}
    shared: dict[tuple[tuple[str, str], ...], dict[str, str]] = {}
    way_tags, node_tags, max_nodes = job["way_tags"], job["node_tags"], job["max_nodes"]
    wanted = set(way_tags)
    add_ref, add_x, add_y = refs.append, xs.append, ys.append
    for o in proc:
        if not o.is_way():
            t = tuple((k, v) for k in node_tags if (v := o.tags.get(k)) is not None)
            if t:
                tagged[o.id] = shared.setdefault(t, dict(t))
            continue
        for n in o.nodes:
            add_ref(n.ref)
            add_x(n.x)
            add_y(n.y)
        if len(refs) > max_nodes:
            raise _Refused(
                f"{job['where']} has more than max_nodes={max_nodes:,} node references on its "
                f"{'/'.join(job['keys'])} ways: the graph would not fit in memory. Cut a smaller extract "
                "(`osmium extract -b west,south,east,north in.osm.pbf -o out.osm.pbf`), read one "
                '`kind` ("rail" or "road"), or raise `max_nodes`.'
            )
        ids.append(o.id)
        ptr.append(len(refs))
        found = {t.k: t.v for t in o.tags if t.k in wanted}
        t = tuple((k, found[k]) for k in way_tags if k in found)
        tags.append(shared.setdefault(t, dict(t)))
    return tags, tagged


def _processor(job: dict[str, Any]) -> Any:
    import osmium

    ways = osmium.filter.KeyFilter(*job["keys"])
    ways.enable_for(osmium.osm.WAY)
    nodes: Any = osmium.filter.KeyFilter(*job["node_tags"]) if job["node_tags"] else None
    if nodes is None:  # no node tags kept: no node reaches Python
        nodes = osmium.filter.EntityFilter(osmium.osm.NOTHING)
    nodes.enable_for(osmium.osm.NODE)
    proc = osmium.FileProcessor(job["path"], osmium.osm.NODE | osmium.osm.WAY)
    return proc.with_locations(job["index"]).with_filter(ways).with_filter(nodes)


def _read(job: dict[str, Any], jobdir: str) -> None:
    where = job["where"]
    out = {"ids": array("q"), "ptr": array("q", [0]), "refs": array("q"), "x": array("i"), "y": array("i")}
    try:
        proc = _processor(job)
        if proc.header.has_multiple_object_versions:
            raise _Refused(
                f"{where} is an OSM history file (several versions of each element): "
                "read_network needs a current extract (.osm.pbf, not .osh.pbf)."
            )
        tags, tagged = _collect(proc, job, out)
    except UnicodeDecodeError as exc:  # a tag's bytes (OSM text is UTF-8)
        raise _Refused(f"{where} holds a tag that is not UTF-8 text ({exc}): the file is corrupt.") from exc
    except RuntimeError as exc:  # libosmium: "PBF error: ...", "zlib error", "Read failed", ...
        raise _Refused(
            f"{where} is not a readable OSM PBF file ({exc}): it is truncated, corrupt or in "
            "another format. Download it again, or check it with `osmium fileinfo`."
        ) from exc
    for name, a in out.items():
        with open(os.path.join(jobdir, name), "wb") as f:
            a.tofile(f)
    with open(os.path.join(jobdir, "tags.pickle"), "wb") as f:
        pickle.dump((tags, tagged), f, protocol=pickle.HIGHEST_PROTOCOL)


def main(jobdir: str) -> None:
    """Run the job in ``jobdir``; write ``status.json`` last (its absence means the pass died)."""
    with open(os.path.join(jobdir, "job.json"), encoding="utf-8") as f:
        job = json.load(f)
    error = None
    try:
        _read(job, jobdir)
    except _Refused as exc:
        error = str(exc)
    with open(os.path.join(jobdir, "status.json"), "w", encoding="utf-8") as f:
        json.dump({"error": error, "peak_kb": _peak_kb()}, f)


def _peak_kb() -> int | None:
    """Peak resident memory of the reader process in kB (Linux: VmHWM, which starts afresh at exec)."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))
    except (OSError, StopIteration, ValueError):
        return None


if __name__ == "__main__":
    main(sys.argv[1])
