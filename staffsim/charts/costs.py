"""The money charts of a business case: cumulative discounted cost, the cost waterfall and
the tornado of switching values.

The cumulative cost chart and the waterfall read an appraisal
(:class:`staffsim.appraisal.appraise.Appraisal`): its cash flows by financial year, the
running totals with their intervals, the present value of each kind of cost and the NPV
and payback of ``appraisal.csv``, so that a chart shows exactly the appraisal's figures.
Money is shown in GBP millions; positive means the option costs more than the base.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from staffsim.appraisal.appraise import COMPONENTS, POLICY_COMPONENT, Appraisal
from staffsim.charts import style
from staffsim.results.labels import Label, get_label, lever_label

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["cost_waterfall_chart", "cumulative_cost_chart", "tornado_chart"]

_MONEY = Label("present_value_gbp", "Present value", "gbp")


def _year_ticks(years: list[str], part: list[bool]) -> list[str]:
    return [f"{y}*" if p else y for y, p in zip(years, part, strict=True)]


def cumulative_cost_chart(
    appraisal: Appraisal,
    *,
    options: Sequence[str] | None = None,
    context: style.ChartContext | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Each option's discounted cost difference by financial year (bars, from
    ``appraisal.cashflows``) and its running total (line with its 95% band, from
    ``appraisal.cumulative``), labelled with the NPV of ``appraisal.table``; the median
    payback year marked with the share of replications that pay back. ``options`` limits
    the chart to those options (default: every option). Returns the axes.
    """
    if appraisal.cumulative.empty:
        raise ValueError(
            "the appraisal has no running totals (saved by an older staffsim); appraise "
            "the comparison again"
        )
    with style.house_style():
        ax = style.new_axes(ax, (8.5, 5.0))
        table = appraisal.table.set_index("option")
        every = list(dict.fromkeys(appraisal.cashflows["option"]))
        options = every if options is None else [o for o in every if o in set(options)]
        if not options:
            raise ValueError("none of the options asked for is in the appraisal")
        colours = {o: style.OPTION_COLOURS[i % 6] for i, o in enumerate(options)}
        running = appraisal.cumulative[appraisal.cumulative["option"].isin(options)]
        running = running.sort_values(["option", "year_index"], kind="stable")
        years = list(dict.fromkeys(running.sort_values("year_index")["financial_year"]))
        x_of = {y: i for i, y in enumerate(years)}
        index_of = dict(zip(running["financial_year"], running["year_index"], strict=False))
        width = 0.7 / len(options)
        notes = []
        for i, option in enumerate(options):
            flows = appraisal.cashflows[appraisal.cashflows["option"] == option]
            rows = running[running["option"] == option]
            x = rows["financial_year"].map(x_of).to_numpy(dtype=float)
            colour = colours[option]
            name = style.display_name(option)
            ax.bar(
                flows["financial_year"].map(x_of).to_numpy(dtype=float)
                + (i - (len(options) - 1) / 2) * width,
                flows["present_value_gbp"].to_numpy(dtype=float) * 1e-6,
                width=width,
                color=colour,
                alpha=0.35,
                label=f"{name}: present value in the year",
            )
            low = rows["cumulative_ci_low_gbp"].to_numpy(dtype=float)
            if not np.isnan(low).all():
                ax.fill_between(
                    x,
                    low * 1e-6,
                    rows["cumulative_ci_high_gbp"].to_numpy(dtype=float) * 1e-6,
                    color=colour,
                    alpha=0.15,
                    linewidth=0,
                    label=f"{name}: 95% confidence interval of the running total",
                )
            cumulative = rows["cumulative_present_value_gbp"].to_numpy(dtype=float)
            ax.plot(
                x,
                cumulative * 1e-6,
                "o-",
                color=colour,
                linewidth=2,
                label=f"{name}: cumulative discounted net cost",
            )
            row = table.loc[option]
            npv = float(row["npv_mean_gbp"])
            ax.annotate(
                f"NPV {_MONEY.format(npv)}",
                (x[-1], cumulative[-1] * 1e-6),
                xytext=(8, 0),
                textcoords="offset points",
                va="center",
                fontsize=9,
                fontweight="bold",
                color=colour,
            )
            share = float(row["payback_share"])
            median = float(row["payback_median_year_index"])
            if share > 0 and not math.isnan(median):
                first = min(index_of.values())
                at = median - first
                ax.axvline(at, color=colour, linestyle="--", linewidth=1.2)
                ax.annotate(
                    f"pays back in {row['payback_median_financial_year']}\n"
                    f"(median; {share:.0%} of runs pay back)",
                    (at, 1),
                    xycoords=("data", "axes fraction"),
                    xytext=(4, -4),
                    textcoords="offset points",
                    va="top",
                    fontsize=9,
                    color=colour,
                )
            else:
                notes.append(f"{name} does not pay back within the horizon")
        ax.axhline(0, color="#444444", linewidth=0.9)
        part = running.drop_duplicates("financial_year").set_index("financial_year")["part_year"]
        ticks = _year_ticks(years, [bool(part.get(y, False)) for y in years])
        ax.set_xticks(range(len(years)), ticks)
        ax.set_xlim(-0.6, len(years) - 0.4 + 0.5)  # room for the NPV label
        part_note = "; * part year" if any(t.endswith("*") for t in ticks) else ""
        never = f". {'; '.join(notes)}" if notes else ""
        ax.set_xlabel(
            "\n".join(textwrap.wrap(f"Financial year (April to March){part_note}{never}", 100))
        )
        ax.set_ylabel("Option minus base, discounted (£ million)")
        style.style_axes(ax)
        style.format_axis(ax, _MONEY, difference=True)
        title = "Cumulative discounted net cost and net present value"
        style.set_title(ax, style.chart_title(title, context))
        style.legend_below(ax, columns=1 if len(options) == 1 else 2)
    return ax


def _component_name(component: str, optimism_bias_pct: float) -> str:
    name = get_label(component).label
    if component == POLICY_COMPONENT and optimism_bias_pct:
        return f"{name} (+{optimism_bias_pct:g}% optimism bias)"
    return name


def cost_waterfall_chart(
    appraisal: Appraisal,
    option: str | None = None,
    *,
    base: str | None = None,
    context: style.ChartContext | None = None,
    ax: Axes | None = None,
) -> Axes:
    """From the base's cost to the option's: how each kind of cost changes (floating bars,
    present values over the horizon, from ``appraisal.components``) and the net difference,
    the NPV of ``appraisal.table``. One option is drawn: ``option``, default the first.
    Returns the axes.
    """
    if appraisal.components.empty:
        raise ValueError(
            "the appraisal has no cost components (saved by an older staffsim); appraise "
            "the comparison again"
        )
    components = appraisal.components
    option = option or str(components["option"].iloc[0])
    rows = components[components["option"] == option].set_index("component")
    order = [c for c in COMPONENTS if c in rows.index] + [
        c for c in rows.index if c not in COMPONENTS
    ]
    rows = rows.loc[order]
    change = rows["difference_present_value_gbp"].to_numpy(dtype=float) * 1e-6
    base_total = float(rows["base_present_value_gbp"].sum())
    option_total = float(rows["option_present_value_gbp"].sum())
    npv = float(appraisal.table.set_index("option").loc[option, "npv_mean_gbp"])
    bias = float(appraisal.settings.get("optimism_bias_pct", 0.0))
    with style.house_style():
        ax = style.new_axes(ax, (8.5, 5.0))
        starts = np.concatenate([[0.0], np.cumsum(change)[:-1]])
        colours = [
            style.OKABE_ITO["vermillion"] if c > 0 else style.OKABE_ITO["bluish_green"]
            for c in change
        ]
        x = np.arange(len(order))
        ax.bar(x, change, bottom=starts, color=colours, width=0.6)
        net = npv * 1e-6
        ax.bar(len(order), net, color=style.BASE_COLOUR, width=0.6)
        for i in range(len(order)):
            end = starts[i] + change[i]
            ax.plot([i - 0.3, i + 1.3], [end, end], color="#777777", linewidth=0.8)
        for xi, bottom, size in [*zip(x, starts, change, strict=True), (len(order), 0.0, net)]:
            top = bottom + size
            ax.annotate(
                _MONEY.format_change(size * 1e6),
                (xi, max(bottom, top)),
                xytext=(0, 3),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=9,
            )
        names = [_component_name(c, bias) for c in order] + ["Net difference\n(NPV)"]
        ax.set_xticks(range(len(names)), [_wrap(n) for n in names])
        ax.axhline(0, color="#444444", linewidth=0.9)
        ax.set_ylabel("Change from the base, discounted (£ million)")
        style.style_axes(ax)
        style.format_axis(ax, _MONEY, difference=True)
        low, high = ax.get_ylim()
        ax.set_ylim(low - 0.05 * (high - low), high + 0.08 * (high - low))
        base_name = style.display_name(base) if base else "The base"
        ax.set_xlabel(
            f"Present values over the horizon: {base_name} {_MONEY.format(base_total)}, "
            f"{style.display_name(option)} {_MONEY.format(option_total)}"
        )
        title = f"Where the cost difference comes from: {style.display_name(option)}"
        style.set_title(ax, style.chart_title(title, context))
    return ax


def _wrap(text: str, width: int = 14) -> str:
    return "\n".join(textwrap.wrap(text, width)) if "\n" not in text else text


def tornado_chart(
    switching: pd.DataFrame,
    *,
    option: str | None = None,
    context: style.ChartContext | None = None,
    ax: Axes | None = None,
) -> Axes:
    """Switching values as a tornado: for each input, the change from its assumed value at
    which the option's NPV changes sign, shortest (the answer most sensitive to it) at the
    top.

    ``switching`` has ``input, base_value, switching_value`` (and ``option`` to choose
    one); an input whose NPV never changes sign has ``switching_value`` NaN and is listed
    as such. Returns the axes.
    """
    table = switching
    if option is not None and "option" in table:
        table = table[table["option"] == option]
    table = table.assign(change_pct=(table["switching_value"] / table["base_value"] - 1.0) * 100.0)
    table = table.assign(size=table["change_pct"].abs().fillna(np.inf)).sort_values(
        "size", kind="stable"
    )
    with style.house_style():
        ax = style.new_axes(ax, (9.0, 0.6 * len(table) + 2.4))
        y = np.arange(len(table))
        finite = table["change_pct"].replace([np.inf, -np.inf], np.nan)
        colours = [
            style.OKABE_ITO["blue"] if v < 0 else style.OKABE_ITO["vermillion"]
            for v in finite.fillna(0)
        ]
        ax.barh(y, finite.fillna(0), color=colours, height=0.6)
        limit = float(np.nanmax(np.abs(finite))) if finite.notna().any() else 100.0
        for yi, (_, row) in zip(y, table.iterrows(), strict=True):
            if np.isnan(row["change_pct"]):
                text, at, ha = "the NPV does not change sign", 0.0, "left"
            else:
                text = f"{_number(row['switching_value'])} ({row['change_pct']:+,.0f}%)"
                at = row["change_pct"]
                ha = "left" if at >= 0 else "right"
            ax.annotate(
                text,
                (at, yi),
                xytext=(4 if ha == "left" else -4, 0),
                textcoords="offset points",
                ha=ha,
                va="center",
                fontsize=9,
            )
        ax.set_yticks(y, [_input_text(r) for _, r in table.iterrows()])
        ax.invert_yaxis()
        ax.axvline(0, color="#444444", linewidth=0.9)
        negative = bool((finite < 0).any())
        ax.set_xlim(-limit * 1.3 if negative else -limit * 0.05, limit * 1.9)
        from matplotlib.ticker import FuncFormatter, MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(5))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:+,.0f}%"))
        ax.set_xlabel(
            "Change from the assumed value at which\nthe net present value changes sign (%)"
        )
        style.style_axes(ax, grid_axis="x")
        title = "Switching values: how far each assumption must move\nto change the answer"
        # the inputs' names take the left of the figure, so the title has less room
        style.set_title(ax, style.chart_title(title, context, width=62))
    return ax


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"


def _input_text(row: pd.Series) -> str:
    names = [lever_label(part.strip()).label for part in str(row["input"]).split(" + ")]
    name = " + ".join([names[0], *(n[:1].lower() + n[1:] for n in names[1:])])
    unit = str(row["unit"]) if "unit" in row and isinstance(row["unit"], str) else ""
    unit = unit if unit in ("", "%") else f" {unit}"
    text = "\n".join(textwrap.wrap(name, 34))
    return f"{text}\n(assumed {_number(float(row['base_value']))}{unit})"
