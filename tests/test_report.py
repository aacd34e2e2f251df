"""``staffsim report``: report.html opened in headless Chromium with every image loaded and a
non-blank screenshot; every image a data URI that decodes; nothing fetched; the PDF has
the expected pages and sections. Chromium is installed by ``.ci/run``; the tests that need
it say so and are skipped, never passed, where it is missing."""

from __future__ import annotations

import base64
import io
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("matplotlib")
pytest.importorskip("jinja2")

from staffsim.charts.data import FAN_METRICS
from staffsim.cli.main import main
from staffsim.report import browser
from staffsim.report.scenario_text import file_assumptions, scenario_differences

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT / "scenarios" / "example_small.yaml"

OPTION_YAML = """\
extends: {base}
name: small_reform
policies:
  - name: more posts
    date: 2025-04-01
    set:
      establishment.case_holding_posts: 70  # assumption: ten more posts
    cost_gbp_one_off: 50000  # assumption: induction
"""

needs_chromium = pytest.mark.skipif(
    not any(shutil.which(n) for n in browser.BROWSER_NAMES),
    reason="no Chromium on this machine (.ci/run installs it)",
)


@pytest.fixture(scope="module")
def option_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report-scenarios") / "small_reform.yaml"
    path.write_text(OPTION_YAML.format(base=BASE.as_posix()), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory: pytest.TempPathFactory, option_file: Path) -> Path:
    """``staffsim report`` of the small example against ten more posts (3 replications,
    2 years), with the PDF if Chromium is here."""
    out = tmp_path_factory.mktemp("report")
    argv = ["report", str(BASE), str(option_file), "--replications", "3", "--years", "2"]
    argv += ["--jobs", "1", "--quiet", "--out", str(out)]
    if not any(shutil.which(n) for n in browser.BROWSER_NAMES):
        argv.append("--no-pdf")
    assert main(argv) == 0
    return out


EXPECTED_IMAGES = len(FAN_METRICS) + 4
"""A fan chart per key metric, the differences, the cumulative cost, the waterfall and the
tornado of switching values."""


def _images(html: str) -> list[str]:
    return re.findall(r'<img[^>]*\ssrc="([^"]*)"', html)


@pytest.mark.slow
def test_report_html_is_self_contained(report_dir: Path) -> None:
    """Every image is a PNG data URI that decodes; nothing is loaded from elsewhere."""
    from PIL import Image

    html = (report_dir / "report.html").read_text(encoding="utf-8")
    images = _images(html)
    # 7 fan charts, the differences, the cumulative cost, the waterfall and the tornado of
    # the appraisal's switching values
    assert len(images) == EXPECTED_IMAGES
    for src in images:
        assert src.startswith("data:image/png;base64,")
        picture = Image.open(io.BytesIO(base64.b64decode(src.split(",", 1)[1], validate=True)))
        picture.verify()
    assert not re.search(r'\s(src|href)="(https?:)?//', html)
    assert "<link" not in html and "@import" not in html


@pytest.mark.slow
def test_report_content(report_dir: Path) -> None:
    """The sections, the appraisal table and generated sentences are there."""
    html = (report_dir / "report.html").read_text(encoding="utf-8")
    for heading in (
        "Executive summary",
        "Appraisal",
        "Cash flows by financial year",
        "What differs between the scenarios",
        "Assumptions and sources",
        "Method",
        "STRESS-DES",
    ):
        assert heading in html
    assert 'id="appraisal-table"' in html
    assert "It adds more posts (from 2025-04-01)" in html
    assert "assumption: ten more posts" in html  # the note beside the value in the file
    assert "3 replications" in html
    assert re.search(r"Vacancy rate: [\d.]+ percentage points (lower|higher)", html)


@pytest.mark.slow
@needs_chromium
def test_report_renders_in_chromium_with_every_image(report_dir: Path, tmp_path: Path) -> None:
    """Opened in headless Chromium, every image has loaded (natural width > 0) and the
    screenshot is not blank."""
    page = tmp_path / "check.html"
    probe = (
        "<script>window.addEventListener('load', () => {"
        "const all = [...document.images];"
        "const ok = all.filter(i => i.complete && i.naturalWidth > 0).length;"
        "document.body.setAttribute('data-images', ok + '/' + all.length);});</script>"
    )
    html = (report_dir / "report.html").read_text(encoding="utf-8")
    page.write_text(html.replace("</body>", probe + "</body>"), encoding="utf-8")
    chromium = browser.find_browser()
    done = subprocess.run(
        [
            str(chromium),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--virtual-time-budget=10000",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    found = re.search(r'data-images="(\d+)/(\d+)"', done.stdout)
    assert found, "the page did not finish loading"
    loaded, total = map(int, found.groups())
    assert total == EXPECTED_IMAGES and loaded == total

    shot = browser.screenshot(report_dir / "report.html", tmp_path / "shot.png", (1200, 2400))
    from PIL import Image

    pixels = np.asarray(Image.open(shot).convert("L"), dtype=float)
    assert pixels.shape == (2400, 1200)
    dark = (pixels < 128).mean()
    assert pixels.std() > 20 and dark > 0.01, "the screenshot is blank"


@pytest.mark.slow
@needs_chromium
def test_report_pdf_pages(report_dir: Path) -> None:
    """The PDF is A4, runs to several pages, starts with the summary and ends with the
    method."""
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(report_dir / "report.pdf")
    pages = len(reader.pages)
    assert 6 <= pages <= 20
    width, height = float(reader.pages[0].mediabox.width), float(reader.pages[0].mediabox.height)
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    # NFKC undoes the ligatures (ff, fi) the PDF's fonts draw
    first = unicodedata.normalize("NFKC", reader.pages[0].extract_text())
    assert "Executive summary" in first
    text = unicodedata.normalize("NFKC", "".join(p.extract_text() for p in reader.pages))
    for heading in ("Appraisal", "What differs between the scenarios", "Data sources"):
        assert heading in text
    images = sum(len(p.images) for p in reader.pages)
    assert images == EXPECTED_IMAGES


def test_missing_browser_is_reported_clearly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.delenv("STAFFSIM_CHROMIUM", raising=False)
    with pytest.raises(browser.BrowserMissing, match="apt-get install chromium"):
        browser.find_browser()


@pytest.mark.slow
def test_report_from_saved_results_without_a_browser(
    report_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    """--from reuses the saved comparison; without Chromium the HTML is still written and
    the missing PDF is an error naming the fix."""
    monkeypatch.setenv("STAFFSIM_CHROMIUM", "no-such-browser")
    code = main(["report", "--from", str(report_dir), "--out", str(tmp_path)])
    assert code == 1
    assert (tmp_path / "report.html").is_file()
    assert not (tmp_path / "report.pdf").exists()
    err = capsys.readouterr().err
    assert "report.pdf not written" in err and "STAFFSIM_CHROMIUM" in err


def test_report_needs_scenarios_or_a_results_folder(capsys) -> None:
    assert main(["report"]) == 2
    assert "--from RESULTS_DIR" in capsys.readouterr().err


def test_assumptions_are_read_from_the_files(option_file: Path) -> None:
    files = file_assumptions(option_file)
    assert [Path(f.path).name for f in files] == ["example_small.yaml", "small_reform.yaml"]
    base_rows = {a.key: a for a in files[0].assumptions}
    assert base_rows["establishment.case_holding_posts"].value == "60"
    assert "funded social worker posts" in base_rows["establishment.case_holding_posts"].note
    option_rows = {a.key: a for a in files[1].assumptions}
    assert option_rows["policies[0].set.establishment.case_holding_posts"].note == (
        "assumption: ten more posts"
    )


def test_scenario_differences() -> None:
    base = {"name": "a", "caseload": {"target_per_fte": 22.0}, "policies": []}
    option = {
        "name": "b",
        "caseload": {"target_per_fte": 18.0},
        "policies": [{"name": "p", "date": "2020-04-01", "set": {"x.y": 1}, "cost_gbp_one_off": 5}],
    }
    values, policies = scenario_differences(base, option)
    assert values == [("caseload.target_per_fte", "22", "18")]
    assert [(p.name, p.changes, p.one_off_gbp) for p in policies] == [("p", "x.y = 1", 5.0)]
