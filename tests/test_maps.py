"""Maps: offline HTML, size, escaping, atomic writes, static figures."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import shapely

import corridor
from corridor.errors import OutputPathError
from corridor.maps import DISPLAY_TOLERANCE_DEG, display_layers, escape_text, make_map, save_map
from corridor.plot import plot_border_profile, plot_map, plot_territory

EVIL = (
    '<img src=x onerror="window.__pwned=1;alert(1)"> `${window.__pwned=3}` '
    "'quote' \"dq\" </script><script>window.__pwned=2</script>"
)


@pytest.fixture(scope="module")
def zangezur() -> corridor.Route:
    return corridor.Route.from_places(
        ["Horadiz", "Aghband", "Meghri", "Ordubad", "Julfa", "Nakhchivan"],
        name="Zangezur corridor",
        status="planned",
    )


@pytest.fixture(scope="module")
def araz() -> corridor.Route:
    r = corridor.Route.along_border(["AZE", "ARM"], "IRN", side="a", offset_m=500, start="Horadiz", end="Julfa")
    return r.with_attrs(name="Araz valley")


@pytest.fixture(scope="module")
def btk() -> corridor.Route:
    return corridor.Route.from_places(["Baku", "Tbilisi", "Kars"], name="Baku–Tbilisi–Kars")


@pytest.fixture(scope="module")
def analysis(zangezur: corridor.Route) -> corridor.RouteAnalysis:
    return corridor.analyze(zangezur)


@pytest.fixture(scope="module")
def offline_html(tmp_path_factory, region, zangezur, araz, btk, analysis) -> Path:
    m = make_map(
        region=region,
        routes=[araz, btk],
        analyses=[analysis],
        borders=[("ARM", "IRN")],
        band_km=5,
        title="Three corridors",
    )
    return save_map(m, tmp_path_factory.mktemp("map") / "map.html")


def test_import_does_not_load_folium_or_matplotlib():
    code = (
        "import sys, corridor; "
        "bad = [m for m in ('folium', 'matplotlib', 'branca') if m in sys.modules]; "
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_offline_html_has_no_network_urls(offline_html: Path):
    text = offline_html.read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=", text, re.I)
    assert not re.search(r"<link[^>]+href=[\"']?(https?:)?//", text, re.I)
    assert not re.search(r"url\(\s*[\"']?(https?:)?//", text, re.I)
    assert "{z}" not in text and "tile.openstreetmap" not in text
    assert "L.tileLayer" not in text
    # Leaflet itself is inlined, and the legend, scale bar and attribution are there
    assert "L.control.scale" in text
    assert "Legend" in text
    assert "OpenStreetMap contributors" in text


def test_offline_html_size_under_2mb(offline_html: Path):
    size = offline_html.stat().st_size
    assert size < 2_000_000, f"{size / 1e6:.2f} MB"


def test_online_save_links_cdn(tmp_path):
    p = save_map(make_map(), tmp_path / "online.html", offline=False)
    assert "cdn.jsdelivr.net/npm/leaflet" in p.read_text(encoding="utf-8")


def test_tiles_on_request(tmp_path):
    m = make_map(tiles="OpenStreetMap")
    assert "tile.openstreetmap.org" in m.get_root().render()
    # an "offline" file with online tiles would be a lie: refused, saved online on request
    with pytest.raises(ValueError, match="tile layer"):
        save_map(m, tmp_path / "tiles.html")
    assert not (tmp_path / "tiles.html").exists()
    assert save_map(m, tmp_path / "tiles.html", offline=False).exists()


def test_highlighting_a_border_that_does_not_exist(region):
    with pytest.raises(ValueError, match="share no land border"):
        make_map(region=region, borders=[("ARM", "RUS")])


def test_display_simplification_keeps_shared_borders(region):
    disp = display_layers(region)
    geoms = [g for _, _, g in disp.countries]
    assert all(shapely.is_valid(geoms))
    # coverage stays clean: no overlaps between neighbours after simplification
    for i, a in enumerate(geoms):
        for b in geoms[i + 1 :]:
            assert shapely.area(shapely.intersection(a, b)) < 1e-9
    n_full = int(shapely.get_num_coordinates(region.countries.geometry.values).sum())
    n_disp = int(sum(shapely.get_num_coordinates(g) for g in geoms))
    assert n_disp < n_full / 2
    assert DISPLAY_TOLERANCE_DEG == 0.003
    names = {t for t, *_ in disp.labels}
    assert {"Armenia", "Azerbaijan", "Nakhchivan"} <= names


def test_escape_text_inert():
    s = escape_text(EVIL)
    for bad in ("<", ">", "`", "${", '"', "'"):
        assert bad not in s


def test_injected_names_are_escaped(tmp_path, zangezur):
    r = zangezur.with_attrs(name=EVIL, source=EVIL)
    an = corridor.analyze(r)
    m = make_map(analyses=[an], title=EVIL, attribution=EVIL, band_km=5)
    text = save_map(m, tmp_path / "evil.html").read_text(encoding="utf-8")
    assert "<img src=x" not in text
    assert "<script>window.__pwned" not in text
    assert "${window.__pwned" not in text
    assert "onerror=&quot;" in text or "onerror=\\u0026quot;" in text


def test_save_map_missing_folder(tmp_path):
    with pytest.raises(OutputPathError, match="does not exist"):
        save_map(make_map(), tmp_path / "nope" / "map.html")


def test_save_map_is_atomic(tmp_path, monkeypatch):
    target = tmp_path / "map.html"
    target.write_text("old", encoding="utf-8")
    m = make_map()

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("corridor.maps.os.replace", boom)
    with pytest.raises(RuntimeError):
        save_map(m, target)
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["map.html"]  # temp file removed


def test_route_and_analysis_explore(zangezur, analysis):
    import folium

    assert isinstance(zangezur.explore(), folium.Map)
    m = analysis.explore(color_by="territory")
    assert isinstance(m, folium.Map)
    html = m.get_root().render()
    from corridor._display import TERRITORY_COLORS

    # one line per territory section, in that territory's colour, with its km in the tooltip
    for row in analysis.sections.itertuples():
        if row.iso3 != "unassigned" and row.length_km > 0.5:
            assert f"{row.part_id}: km {row.from_km:,.1f}" in html
    assert TERRITORY_COLORS["ARM"] in html and TERRITORY_COLORS["AZE"] in html


def test_bad_arguments(analysis):
    with pytest.raises(ValueError, match="color_by"):
        make_map(analyses=[analysis], color_by="speed")
    with pytest.raises(ValueError, match="borders"):
        make_map(borders="some")
    with pytest.raises(TypeError, match="routes"):
        make_map(routes=["Baku"])


@pytest.mark.parametrize("suffix", [".png", ".svg", ".pdf"])
def test_plot_map_saves(tmp_path, suffix, zangezur, araz, analysis):
    from matplotlib.figure import Figure

    path = tmp_path / f"map{suffix}"
    fig, ax = plot_map(routes=[araz], analyses=[analysis], borders=[("ARM", "IRN")], band_km=5, path=path)
    assert isinstance(fig, Figure)
    assert path.stat().st_size > 10_000
    texts = [t.get_text() for t in ax.texts]
    assert "Nakhchivan" in texts and "ARMENIA" in texts
    assert ax.get_legend() is not None


def test_plot_map_escapes_mathtext(tmp_path, zangezur):
    r = zangezur.with_attrs(name="cost $5 and ${x}")
    fig, ax = plot_map(routes=[r], path=tmp_path / "m.png", crossings=False)
    # escaped for mathtext, so the dollars print as dollars instead of failing or vanishing
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any(lbl.startswith(r"cost \$5 and \${x} (") for lbl in labels)


def test_plot_profile_and_territory(tmp_path, analysis):
    fig, ax = plot_border_profile(analysis, within_km=5, path=tmp_path / "profile.png")
    assert (tmp_path / "profile.png").stat().st_size > 10_000
    assert ax.get_xlabel().startswith("Distance along route")
    fig, ax = plot_territory(analysis, path=tmp_path / "territory.svg")
    assert (tmp_path / "territory.svg").stat().st_size > 5_000
    assert len(ax.patches) == int((analysis.km_by_territory > 0).sum())
    # the bars are the analysis' km per territory
    widths = sorted(p.get_width() for p in ax.patches)
    assert widths == pytest.approx(sorted(analysis.km_by_territory[analysis.km_by_territory > 0]))
    plot_territory(analysis, by="part", path=tmp_path / "parts.pdf")


def test_plot_missing_folder(tmp_path, analysis):
    with pytest.raises(OutputPathError):
        plot_territory(analysis, path=tmp_path / "missing" / "t.png")
    with pytest.raises(ValueError, match="Unsupported"):
        plot_territory(analysis, path=tmp_path / "t.gif")


def test_plot_map_of_the_whole_region(tmp_path):
    """The whole built-in region: projected outlines that self-intersect are repaired, not a GEOS error."""
    fig, ax = corridor.plot_map(path=tmp_path / "region.png", dpi=60)
    assert (tmp_path / "region.png").stat().st_size > 20_000
    assert {"ARMENIA", "IRAN"} <= {t.get_text() for t in ax.texts if t.get_visible()}
