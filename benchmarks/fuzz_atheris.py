"""Coverage-guided fuzzing of corridor's file readers with atheris (optional; not run by CI).

CI runs the hypothesis targets in ``tests/test_fuzz.py``; this harness is for longer runs
that follow coverage into the parsers (PyYAML, defusedxml/expat, osmnx, GDAL)::

    pip install atheris
    python benchmarks/fuzz_atheris.py scenario -max_total_time=300
    python benchmarks/fuzz_atheris.py osm -max_total_time=300 corpus_osm/
    python benchmarks/fuzz_atheris.py graphml -max_total_time=300
    python benchmarks/fuzz_atheris.py geojson -max_total_time=300
    python benchmarks/fuzz_atheris.py kml -max_total_time=300

Each input is written to a file and read; a documented exception
(:class:`~corridor.errors.CorridorError`, :class:`FileNotFoundError`,
:class:`PermissionError`) is a pass, anything else is a crash that atheris reports
with the input that caused it.  The valid files of ``tests/`` seed the run.
"""

from __future__ import annotations

import sys
import tempfile
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {
    "scenario": (".yaml", "Scenario.read"),
    "osm": (".osm", "read_network"),
    "graphml": (".graphml", "read_network"),
    "geojson": (".geojson", "read_route"),
    "kml": (".kml", "read_route"),
}


def main() -> None:
    import atheris

    if len(sys.argv) < 2 or sys.argv[1] not in TARGETS:
        sys.exit(f"usage: {sys.argv[0]} {{{','.join(TARGETS)}}} [libFuzzer options]")
    target = sys.argv.pop(1)
    suffix, reader = TARGETS[target]
    with atheris.instrument_imports():
        import defusedxml  # noqa: F401
        import yaml  # noqa: F401

        import corridor
        from corridor.errors import CorridorError

    read = corridor.Scenario.read if reader == "Scenario.read" else getattr(corridor, reader)
    documented = (CorridorError, FileNotFoundError, PermissionError)
    path = Path(tempfile.mkdtemp()) / f"fuzz{suffix}"
    warnings.simplefilter("ignore")

    def one_input(data: bytes) -> None:
        path.write_bytes(data)
        try:
            read(path)
        except documented:
            pass

    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
