"""A headless Chromium for the report's PDF (and for checking the HTML as a reader sees it).

The report's PDF is the HTML printed by Chromium, so both carry the same content. The
browser is looked for, never assumed: ``$STAFFSIM_CHROMIUM`` if set, else ``chromium``,
``chromium-browser``, ``google-chrome`` or ``google-chrome-stable`` on the ``PATH``. On
Debian or Ubuntu: ``apt-get install chromium``. It runs headless with no sandbox, GPU,
first-run screens, background networking, component updates or sync, so it fetches
nothing and needs no display.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from staffsim.errors import UserError

__all__ = ["BROWSER_NAMES", "BrowserMissing", "find_browser", "print_pdf", "screenshot"]

BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
"""Commands tried, in order, when ``$STAFFSIM_CHROMIUM`` is not set."""

_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)

TIMEOUT_SECONDS = 120


class BrowserMissing(UserError):
    """No Chromium could be found to print the PDF."""


def find_browser() -> Path:
    """The Chromium to use; :class:`BrowserMissing` saying how to install one if none."""
    chosen = os.environ.get("STAFFSIM_CHROMIUM")
    if chosen:
        found = shutil.which(chosen)
        if found is None:
            raise BrowserMissing(
                f"STAFFSIM_CHROMIUM={chosen!r} is not an executable; point it at chromium or "
                "unset it"
            )
        return Path(found)
    for name in BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return Path(found)
    raise BrowserMissing(
        "no Chromium found for the PDF (looked for "
        + ", ".join(BROWSER_NAMES)
        + " on the PATH and $STAFFSIM_CHROMIUM); install it (Debian/Ubuntu: "
        "apt-get install chromium) or set STAFFSIM_CHROMIUM"
    )


def _run(browser: Path, args: list[str], url: str) -> None:
    with tempfile.TemporaryDirectory(prefix="staffsim-chromium-") as profile:
        command = [str(browser), *_FLAGS, f"--user-data-dir={profile}", *args, url]
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, check=False
            )
        except subprocess.TimeoutExpired:
            raise UserError(
                f"{browser} did not finish within {TIMEOUT_SECONDS} s printing {url}"
            ) from None
    if done.returncode != 0:
        tail = (done.stderr or "").strip().splitlines()[-3:]
        raise UserError(f"{browser} failed ({done.returncode}) on {url}: {' '.join(tail)}")


def print_pdf(html: str | os.PathLike[str], pdf: str | os.PathLike[str]) -> Path:
    """Print the HTML file ``html`` to ``pdf`` with headless Chromium, atomically."""
    from staffsim.results import io

    browser = find_browser()
    source = Path(html).resolve()
    target = Path(pdf)
    with io.atomic_path(target) as tmp:
        _run(browser, [f"--print-to-pdf={tmp}", "--no-pdf-header-footer"], source.as_uri())
        if tmp.stat().st_size == 0:
            raise UserError(f"{browser} wrote an empty PDF for {source}")
    return target


def screenshot(
    html: str | os.PathLike[str], png: str | os.PathLike[str], size: tuple[int, int] = (1200, 4000)
) -> Path:
    """A screenshot of the HTML file ``html`` as Chromium renders it, to ``png``."""
    browser = find_browser()
    target = Path(png).resolve()
    width, height = size
    _run(
        browser,
        [f"--screenshot={target}", f"--window-size={width},{height}"],
        Path(html).resolve().as_uri(),
    )
    return target
