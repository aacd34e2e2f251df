"""The house style every staffsim chart shares: palette, fonts, titles, legends, files.

* **Palette**: Okabe and Ito's eight colours (2008, "Color universal design"), which stay
  distinct for the common forms of colour blindness. The base scenario is drawn in black or
  grey, options in blue, vermillion, bluish green, reddish purple, orange, sky blue.
* **Titles** name what is shown, then the scenario(s), years and replications on a second
  line (:func:`chart_title`).
* **Axes**: plain-English labels with units from :mod:`staffsim.results.labels`;
  percentages as percentages, money in GBP millions; light horizontal grid, no top or right
  frame.
* **Legends** sit below the axes (:func:`legend_below`), never over the data.
* **Files**: PNG and SVG side by side, written atomically, with no date or software version
  inside, so an unchanged chart redraws to the same bytes (:func:`save_figure`).

matplotlib is an optional extra (``staffsim[plot]``); it is imported only inside functions.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import textwrap
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from staffsim.results.labels import Label

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.typing import RcKeyType

__all__ = [
    "BASE_COLOUR",
    "OKABE_ITO",
    "OPTION_COLOURS",
    "ChartContext",
    "axis_text",
    "chart_title",
    "display_name",
    "format_axis",
    "house_style",
    "legend_below",
    "new_axes",
    "note",
    "option_groups",
    "save_figure",
    "scenario_colours",
    "scenario_line_styles",
    "set_title",
    "style_axes",
]

OKABE_ITO: dict[str, str] = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
"""The Okabe-Ito palette by name."""

BASE_COLOUR = "#3b3b3b"
"""The base scenario's colour (near black, so its grey bands read as the reference)."""

OPTION_COLOURS: tuple[str, ...] = (
    OKABE_ITO["blue"],
    OKABE_ITO["vermillion"],
    OKABE_ITO["bluish_green"],
    OKABE_ITO["reddish_purple"],
    OKABE_ITO["orange"],
    OKABE_ITO["sky_blue"],
)
"""Options' colours, in order."""

GRID_COLOUR = "#d9d9d9"
TEXT_COLOUR = "#222222"
NOTE_COLOUR = "#555555"

_RC: dict[RcKeyType, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "axes.edgecolor": "#444444",
    "axes.labelcolor": TEXT_COLOUR,
    "text.color": TEXT_COLOUR,
    "xtick.color": "#444444",
    "ytick.color": "#444444",
    "legend.fontsize": 9,
    "legend.frameon": False,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "svg.fonttype": "path",  # text as shapes: the SVG needs no fonts to view
    "svg.hashsalt": "staffsim",  # fixed ids, so the same chart gives the same SVG
}


@contextlib.contextmanager
def house_style() -> Iterator[None]:
    """The house fonts and colours for everything drawn inside the block."""
    import matplotlib as mpl

    with mpl.rc_context(_RC):
        yield


def display_name(label: str) -> str:
    """A scenario label for reading: ``birmingham_2015_reform`` -> ``Birmingham 2015 reform``."""
    text = label.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def scenario_line_styles(scenarios: Sequence[str], base: str | None = None) -> dict[str, str]:
    """A line style for each scenario: solid while the palette has a colour of its own for
    it, then dashed, then dotted, so that no two options look alike when colours repeat."""
    options = [s for s in scenarios if s != base]
    styles = ("-", "--", ":")
    out = dict.fromkeys([base] if base is not None else [], "-")
    for i, name in enumerate(options):
        out[name] = styles[min(i // len(OPTION_COLOURS), len(styles) - 1)]
    return out


def scenario_colours(scenarios: Sequence[str], base: str | None = None) -> dict[str, str]:
    """A colour for each scenario: the base (or the only one) near black, options in the
    palette's order."""
    out: dict[str, str] = {}
    options = [s for s in scenarios if s != base]
    if base is not None:
        out[base] = BASE_COLOUR
    if base is None and len(scenarios) == 1:
        return {scenarios[0]: OKABE_ITO["blue"]}
    for i, name in enumerate(options):
        out[name] = OPTION_COLOURS[i % len(OPTION_COLOURS)]
    return out


@dataclass(frozen=True)
class ChartContext:
    """What a chart's second title line says: the scenarios, the simulated span and the
    replications.

    ``start_date`` is ISO text (``2014-10-01``); ``years`` the simulated years;
    ``replications`` per scenario.
    """

    scenarios: tuple[str, ...]
    start_date: str
    years: float
    replications: int
    base: str | None = None

    def for_option(self, option: str) -> ChartContext:
        """The context of a chart of one option against the base."""
        scenarios = (self.base, option) if self.base is not None else (option,)
        return dataclasses.replace(self, scenarios=scenarios)

    def scenario_text(self) -> str:
        """The scenarios in words: one name, ``A against B``, ``A against B and C``, or, past
        :data:`MAX_NAMED_OPTIONS` options, their number (the legend names them)."""
        names = [display_name(s) for s in self.scenarios]
        if self.base is not None and len(names) > 1:
            options = [display_name(s) for s in self.scenarios if s != self.base]
            if len(options) > MAX_NAMED_OPTIONS:
                return f"{len(options)} options against {display_name(self.base)}"
            listed = " and ".join(
                [", ".join(options[:-1]), options[-1]] if len(options) > 1 else options
            )
            return f"{listed} against {display_name(self.base)}"
        return " and ".join(names)

    def span_text(self) -> str:
        """``5 years from October 2014, 10 replications``."""
        import datetime as dt

        start = dt.date.fromisoformat(str(self.start_date)[:10])
        years = f"{self.years:g} year{'s' if self.years != 1 else ''}"
        reps = f"{self.replications} replication{'s' if self.replications != 1 else ''}"
        return f"{years} from {start:%B %Y}, {reps}"


MAX_NAMED_OPTIONS = 3
"""More options than this are counted in a title, not named (a title naming eleven policies
would leave no room for the chart)."""


def option_groups(options: Sequence[str]) -> list[tuple[str, ...]]:
    """The options drawn together in one chart each: all of them while they can be told
    apart (at most :data:`MAX_NAMED_OPTIONS`), else one chart per option."""
    if len(options) <= MAX_NAMED_OPTIONS:
        return [tuple(options)]
    return [(option,) for option in options]


def chart_title(what: str, context: ChartContext | None, width: int = 80) -> str:
    """A chart's title: what it shows, then the scenarios, years and replications, on one
    line if it fits in ``width`` characters, else the scenarios on one and the years and
    replications on the next (a title wider than its figure is cut off)."""
    if context is None:
        return what
    second = f"{context.scenario_text()}: {context.span_text()}"
    if len(second) <= width:
        return "\n".join([what, second])
    return "\n".join(
        [what, *textwrap.wrap(f"{context.scenario_text()}:", width), context.span_text()]
    )


def new_axes(ax: Axes | None, size: tuple[float, float] = (8.0, 4.5)) -> Axes:
    """``ax`` itself, or the axes of a new figure of ``size`` inches in constrained layout."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    with house_style():
        _, new = plt.subplots(figsize=size, layout="constrained")
    return new


def style_axes(ax: Axes, grid_axis: Literal["both", "x", "y"] = "y") -> None:
    """Light grid on ``grid_axis`` behind the data, no top or right frame."""
    ax.spines["top"].set_visible(False)
    ax.spines["right"].set_visible(False)
    ax.set_axisbelow(True)
    ax.grid(axis=grid_axis, color=GRID_COLOUR, linewidth=0.8)


def set_title(ax: Axes, title: str) -> None:
    """The title, left-aligned over the axes, first line bold."""
    ax.set_title(title, loc="left", fontsize=11)


def axis_text(label: Label, difference: bool = False) -> str:
    """An axis label with its unit: ``Vacancy rate (%)``, ``Total cost (£ million)``; a
    difference of percentages is in percentage points."""
    unit = label.display_unit
    if difference:
        if label.kind in ("percent", "fraction"):
            unit = "percentage points"
        return f"{label.label}, option minus base ({unit})" if unit else label.label
    return f"{label.label} ({unit})" if unit else label.label


def format_axis(ax: Axes, label: Label, axis: str = "y", difference: bool = False) -> None:
    """Tick labels in ``label``'s displayed unit: ``30%``, ``£4.5m``, ``1,200``.

    Values plotted must already be displayed values (:meth:`Label.to_display`). With
    ``difference`` a percentage is a number of percentage points, so no ``%`` sign.
    """
    from matplotlib.ticker import FuncFormatter

    target = ax.yaxis if axis == "y" else ax.xaxis

    def fmt(value: float, _pos: int) -> str:
        sign = "+" if difference and value > 0 else ""
        if label.kind in ("percent", "fraction"):
            return f"{sign}{value:g}" if difference else f"{value:g}%"
        if label.kind == "gbp":
            minus = "-" if value < 0 else ""
            return f"{sign}{minus}£{abs(value):,.{_digits(value)}f}m"
        return f"{sign}{value:,g}"

    target.set_major_formatter(FuncFormatter(fmt))


def _digits(value: float) -> int:
    """Decimal places a tick needs: none for whole millions (``£5m`` beside ``£10m``, not
    ``£5.0m``), else one or two."""
    rounded = round(value, 6)
    if float(rounded).is_integer():
        return 0
    return 1 if float(round(rounded * 10, 6)).is_integer() else 2


def legend_below(ax: Axes, columns: int | None = None, **kwargs: Any) -> Any:
    """The axes' legend in a row below the plot, clear of the data (``None`` if nothing
    is labelled)."""
    handles, labels = ax.get_legend_handles_labels()
    if not handles:
        return None
    ncol = columns or min(len(handles), 4)
    return ax.legend(
        handles,
        labels,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.14),
        ncol=ncol,
        frameon=False,
        **kwargs,
    )


def note(ax: Axes, text: str) -> None:
    """A small italic note under the axes' bottom-left corner (sources, definitions)."""
    ax.annotate(
        text,
        xy=(0, 0),
        xycoords="figure fraction",
        xytext=(6, 4),
        textcoords="offset points",
        fontsize=7.5,
        color=NOTE_COLOUR,
        style="italic",
        ha="left",
        va="bottom",
    )


CHART_FORMATS = ("png", "svg")
"""The files each chart is written as."""


def save_figure(
    figure: Figure, path: str | os.PathLike[str], formats: Sequence[str] = CHART_FORMATS
) -> list[Path]:
    """Write ``figure`` as ``path`` with each suffix of ``formats`` (PNG at 150 dpi, SVG),
    atomically; returns the files written. The figure is left open (close it with
    ``plt.close``)."""
    from staffsim.results import io

    stem = Path(path)
    if stem.suffix.lower() in (".png", ".svg"):
        stem = stem.with_suffix("")
    written = []
    for fmt in formats:
        target = stem.with_name(f"{stem.name}.{fmt}")
        metadata: dict[str, Any] = (
            {"Software": None} if fmt == "png" else {"Date": None, "Creator": None}
        )
        with io.atomic_path(target) as tmp:
            figure.savefig(tmp, format=fmt, dpi=150, metadata=metadata)
        written.append(target)
    return written
