"""The command line, run as a user runs it (subprocess)."""

import json
import re
import subprocess
import sys

import pytest

import corridor


def run(*args, cwd=None, check=True):
    out = subprocess.run(
        [sys.executable, "-m", "corridor.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=600,
    )
    if check and out.returncode != 0:
        raise AssertionError(f"exit {out.returncode}: {out.stderr}")
    return out


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    d = tmp_path_factory.mktemp("demo")
    out = run("demo", cwd=d)
    return d, out


def test_demo_default_folder(demo_dir):
    d, out = demo_dir
    folders = [p for p in d.iterdir() if p.name.startswith("corridor-demo-")]
    assert len(folders) == 1
    written = sorted(p.name for p in folders[0].iterdir())
    assert written == ["comparison.csv", "corridor_map.html"]  # nothing else, nowhere else
    assert len(list(d.iterdir())) == 1
    assert "TRIPP / Zangezur rail (via Armenia)" in out.stdout
    assert "AZE-ARM-AZE" in out.stdout and "AZE-GEO-TUR-AZE" in out.stdout
    assert str(folders[0] / "corridor_map.html") in out.stdout
    html = (folders[0] / "corridor_map.html").read_text()
    # offline: no script or stylesheet is fetched from the network
    assert not re.findall(r"<(?:script|link)[^>]+(?:src|href)=[\"']?(?:https?:)?//", html)
    assert out.stderr == ""  # no progress bar when piped


def test_compare_json_is_stable(tmp_path):
    scen = corridor.scenario.data_path("scenarios") / "a_tripp_zangezur_rail.yaml"
    out = run("compare", str(scen), "--format", "json", "--map", str(tmp_path / "m.html"))
    recs = json.loads(out.stdout)
    assert recs[0]["scenario"] == "TRIPP / Zangezur rail (via Armenia)"
    assert recs[0]["transit"] == "AZE-ARM-AZE" and recs[0]["crossings"] == 2
    assert "TRIPP / Zangezur rail (via Armenia)" in (tmp_path / "m.html").read_text(encoding="utf-8")


def test_compare_markdown_and_csv(tmp_path):
    p = tmp_path / "s.yaml"
    p.write_text("name: short\nlegs:\n  - places: [Meghri, Ordubad]\n")
    md = run("compare", str(p), "--format", "markdown").stdout
    assert [c.strip() for c in md.splitlines()[0].strip("|").split("|")][:2] == ["scenario", "length_km"]
    csv = run("compare", str(p), "--format", "csv").stdout
    assert csv.splitlines()[1].startswith("short,")


def test_analyze_route_file(tmp_path):
    r = corridor.Route.from_places(["Horadiz", "Nakhchivan"], name="straight")
    path = r.write(tmp_path / "r.geojson")
    s = json.loads(run("analyze", str(path), "--format", "json").stdout)
    # the comparison's vocabulary: the headline-figure names, one record
    compared = json.loads(run("compare", str(path), "--format", "json").stdout)[0]
    assert set(compared) - {"scenario"} <= set(s)
    assert s["transit"] == "AZE-ARM-AZE" and s["crossings"] == 2 and s["closed_crossings"] == 2
    assert s["length_km"] == pytest.approx(r.length_km, abs=1e-3)
    assert s["min_clearance_km"] == pytest.approx(compared["min_clearance_km"])
    first = s["crossing_list"][0]
    assert first["border"] == "ARM–AZE" and first["lon"] == pytest.approx(46.447, abs=0.001)
    assert first["lat"] == pytest.approx(39.342, abs=0.001)
    table = run("analyze", str(path)).stdout
    assert "ARM-1" in table and "46.44735" in table


def test_tables_fit_a_100_column_terminal(tmp_path):
    out = run("demo", "--out", str(tmp_path / "d")).stdout
    lines = [ln for ln in out.splitlines() if not ln.startswith(("note", "Wrote"))]
    assert max(len(ln) for ln in lines) <= 100
    assert "AZE-ARM-AZE" in out and "TRIPP / Zangezur rail" in out
    wide = run("compare", str(corridor.datasets.data_path("scenarios") / "a_tripp_zangezur_rail.yaml"), "--wide").stdout
    assert "km_within_5km_border" in wide and "uncertain_km" in wide


def test_quiet_under_head():
    import subprocess
    import sys

    cmd = f"{sys.executable} -m corridor.cli crossings | head -n 2"
    out = subprocess.run(cmd, shell=True, capture_output=True, text=True, check=True)
    assert len(out.stdout.splitlines()) == 2 and out.stderr == ""


def test_usage_errors_say_corridor_error():
    for args in (("compare",), ("nocommand",), ("compare", "--format", "xml", "x.yaml")):
        out = run(*args, check=False)
        assert out.returncode == 1 and out.stderr.startswith("corridor: error: ")
        assert "Error:" not in out.stderr and "--help" in out.stderr


def test_map_command(tmp_path):
    r = corridor.Route.from_places(["Kars", "Gyumri"], name="Kars–Gyumri")
    path = r.write(tmp_path / "r.gpkg")
    out = run("map", str(path), "-o", str(tmp_path / "m.html"))
    assert "Wrote" in out.stdout and (tmp_path / "m.html").stat().st_size > 100_000


def test_places_and_borders():
    assert "Nakhchivan" in run("places", "naxcivan").stdout
    rows = json.loads(run("borders", "--format", "json").stdout)
    assert len(rows) == len(corridor.load_region().borders) == 18
    aze_irn = next(r for r in rows if (r["a"], r["b"]) == ("AZE", "IRN"))
    assert aze_irn["length_km"] == pytest.approx(755.2, abs=0.1) and aze_irn["sea_km"] == pytest.approx(29.2, abs=0.1)


def test_errors_are_one_line_and_nonzero(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nlegs:\n  - places: [Meghri, Ordubad]\n    colour: red\n")
    out = run("compare", str(bad), check=False)
    assert out.returncode == 1
    assert "unknown key" in out.stderr and "Traceback" not in out.stderr
    out = run("compare", str(tmp_path / "missing.yaml"), check=False)
    assert out.returncode != 0 and "no such file" in out.stderr
    out = run("demo", "--out", str(tmp_path / "no" / "such" / "dir"), check=False)
    assert out.returncode != 0 and "does not exist" in out.stderr
    out = run("places", "zzzz", check=False)
    assert out.returncode == 1 and "no place matches" in out.stderr
    ok = tmp_path / "ok.yaml"
    ok.write_text("name: ok\nlegs:\n  - places: [Meghri, Ordubad]\n")
    out = run("compare", str(ok), "--map", str(tmp_path / "nope" / "m.html"), check=False)
    assert out.returncode == 1 and "does not exist" in out.stderr and out.stdout == ""
    out = run("--debug", "compare", str(bad), check=False)
    assert "Traceback" in out.stderr
