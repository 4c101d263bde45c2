"""The tutorial notebooks and example scripts run, offline, and say something useful.

Notebooks are executed with nbclient in a fresh kernel (``python3``) whose
working directory is a temporary folder; example scripts run as a user runs
them, in a subprocess with this interpreter.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
EXAMPLES = ROOT / "examples"

#: What each notebook may write into its working directory (and nothing else).
NOTEBOOK_FILES = {
    "quickstart.ipynb": {"quickstart_map.html"},
    "zangezur_scenarios.ipynb": {"zangezur_scenarios_map.html"},
}

# Any accidental HTTP(S) request fails fast instead of silently needing the network.
OFFLINE_ENV = {
    "HTTP_PROXY": "http://127.0.0.1:9",
    "HTTPS_PROXY": "http://127.0.0.1:9",
    "http_proxy": "http://127.0.0.1:9",
    "https_proxy": "http://127.0.0.1:9",
    "NO_PROXY": "",
    "no_proxy": "",
    "PYTHONIOENCODING": "utf-8",
}


def _generator():
    spec = importlib.util.spec_from_file_location("build_notebooks", NOTEBOOKS / "build_notebooks.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, str]:
    """Offline, with IPython / matplotlib state kept out of the user's home."""
    for k, v in OFFLINE_ENV.items():
        monkeypatch.setenv(k, v)
    state = tmp_path / "state"
    for var, sub in (("IPYTHONDIR", "ipython"), ("MPLCONFIGDIR", "matplotlib")):
        (state / sub).mkdir(parents=True)
        monkeypatch.setenv(var, str(state / sub))
    return dict(os.environ)


def test_notebooks_are_generated_and_stored_without_outputs() -> None:
    nbformat = pytest.importorskip("nbformat")
    built = _generator().build()
    assert set(built) == set(NOTEBOOK_FILES)
    for name, nb in built.items():
        stored = nbformat.read(NOTEBOOKS / name, as_version=4)
        assert [c.source for c in stored.cells] == [c.source for c in nb.cells], (
            f"{name} is out of date: run `python notebooks/build_notebooks.py`"
        )
        for cell in stored.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None, name
        assert stored.metadata.kernelspec.name == "python3"


@pytest.mark.parametrize("name", sorted(NOTEBOOK_FILES))
def test_notebook_executes_offline(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    _isolated_env(monkeypatch, tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    client = nbclient.NotebookClient(
        nb,
        kernel_name="python3",
        timeout=600,
        resources={"metadata": {"path": str(work)}},
    )
    t0 = time.perf_counter()
    client.execute()  # raises CellExecutionError on the first failing cell
    elapsed = time.perf_counter() - t0
    print(f"{name}: executed in {elapsed:.1f} s")

    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    stderr = "".join(o.get("text", "") for o in outputs if o.get("name") == "stderr")
    assert "Traceback" not in stderr and "Warning" not in stderr, stderr
    assert any("image/png" in o.get("data", {}) for o in outputs), "no figure was displayed"
    assert any("text/html" in o.get("data", {}) for o in outputs), "no HTML (table/map) output"
    # the notebook wrote only what it says it writes, and only into its working directory
    assert {p.name for p in work.iterdir()} == NOTEBOOK_FILES[name]
    for f in NOTEBOOK_FILES[name]:
        assert (work / f).stat().st_size > 10_000
        assert "leaflet" in (work / f).read_text(encoding="utf-8").lower()


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=600,
    )
    assert proc.returncode == 0, f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    return proc


def test_example_sweep_dwell_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import corridor

    env = _isolated_env(monkeypatch, tmp_path)
    proc = _run([str(EXAMPLES / "sweep_dwell_time.py")], tmp_path, env)
    out = proc.stdout
    for s in corridor.builtin_scenarios():
        assert s.name in out
    lines = [ln for ln in out.splitlines() if ln.strip()[:4].replace(".", "").isdigit()]
    assert len(lines) == 2 * 13  # two sweeps, 0 to 6 h in steps of 0.5 h
    assert lines[0].split()[0] == "0.00" and lines[12].split()[0] == "6.00"
    # TRIPP's time rises with the dwell at the Armenian border, so the ranking changes
    assert "ranking changes" in out
    # at 6 h in Armenia, TRIPP is last (or tied for last) of the four
    last = lines[-1].split("<-")[0].split("|")[-1].split("<")[-1]  # the last group of the ranking
    assert "a < b" in lines[13] and "a" in last.replace("≈", " ").split()
    assert list(tmp_path.iterdir()) == [tmp_path / "state"]  # wrote nothing


def test_example_compare_custom_scenario(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = _isolated_env(monkeypatch, tmp_path)
    out_dir = tmp_path / "out"
    proc = _run([str(EXAMPLES / "compare_custom_scenario.py"), str(out_dir)], tmp_path, env)
    assert "Northern rail via Ijevan and Yerevan" in proc.stdout
    assert "TRIPP / Zangezur rail (via Armenia)" in proc.stdout
    assert sorted(p.name for p in out_dir.iterdir()) == ["comparison.md", "scenarios_map.html"]
    md = (out_dir / "comparison.md").read_text(encoding="utf-8")
    assert [c.strip() for c in md.splitlines()[0].strip("|").split("|")][:2] == ["scenario", "length_km"]
    assert md.count("\n") == 2 + 5  # header, rule, 4 built-in scenarios + the custom one
    assert "Northern rail via Ijevan and Yerevan" in md
    html = (out_dir / "scenarios_map.html").read_text(encoding="utf-8")
    assert "leaflet" in html.lower() and "Northern rail" in html
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "state"]


def test_example_compare_custom_scenario_default_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = _isolated_env(monkeypatch, tmp_path)
    env["TMPDIR"] = str(tmp_path / "tmp")
    (tmp_path / "tmp").mkdir()
    proc = _run([str(EXAMPLES / "compare_custom_scenario.py")], tmp_path, env)
    written = [Path(ln.split(" ", 1)[1]) for ln in proc.stdout.splitlines() if ln.startswith("wrote ")]
    assert len(written) == 2 and all(p.is_file() for p in written)
    assert all(p.parent.parent == tmp_path / "tmp" for p in written)
