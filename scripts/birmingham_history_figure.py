"""Birmingham as it happened: the history scenario's runs beside the published record.

Reads the ``annual.csv`` of ``staffsim run scenarios/birmingham_history.yaml`` (the posts
the council funded as dated policies) and of the same run with ``--set policies=[]`` (the
2017 establishment held throughout), and lays each year's 30 September snapshot beside
DfE's published Birmingham row and the Ofsted judgement in force:

* a table (CSV, and Markdown for the README): per year 2017-2025 and metric (turnover,
  vacancy and agency rates, caseload), published, simulated mean and 90% range across
  replications (5th-95th percentiles) for both runs, and per year the published judgement
  in force on the census day with the simulated share of replications judged better than
  inadequate and the commonest simulated judgement;
* a chart: a panel per metric (published as a line with points, each run's mean with its
  90% band) and a panel of the judgements (the share of replications in each judgement per
  census, the published judgement marked).

The published judgements: inadequate from the 2014 inspection and its November 2016
re-inspection ([B4], [B19] in birmingham_history.md) until the ILACS judgement of January
2019 (requires improvement), then good from April 2023 (Ofsted's file shipped with staffsim).

Run: ``python scripts/birmingham_history_figure.py RUN_DIR FIXED_POSTS_RUN_DIR --figure
PNG --table CSV`` (``scripts/make_birmingham_history.sh`` does).
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from staffsim.charts import style
from staffsim.data import councils as council_data

METRICS = {
    "turnover_rate_fte": "Turnover rate (%)",
    "vacancy_rate_fte": "Vacancy rate (%)",
    "agency_rate_fte": "Agency rate (%)",
    "caseload_fte": "Caseload (cases per FTE)",
}
YEARS = range(2017, 2026)
RATINGS = ("outstanding", "good", "requires_improvement", "inadequate")
COLOURS = {
    "outstanding": style.OKABE_ITO["bluish_green"],
    "good": style.OKABE_ITO["sky_blue"],
    "requires_improvement": style.OKABE_ITO["orange"],
    "inadequate": style.OKABE_ITO["vermillion"],
}
RUNS = {"funded posts": "with the funded posts", "2017 posts": "2017 posts held"}


def published_judgement(year: int) -> str:
    """The judgement in force on the census day of ``year`` (see the module docstring)."""
    ret = council_data.find_council("Birmingham", year)
    judged = council_data.latest_judgement(ret, dt.date(year, 9, 30))
    if judged is None:  # before ILACS: the 2014 judgement and its 2016 re-inspection
        return "inadequate"
    return judged.rating.replace(" ", "_")


def summarise(annual: pd.DataFrame) -> pd.DataFrame:
    """Mean and 5th/95th percentiles per year and metric."""
    rows = []
    for (year, metric), values in annual.melt(
        id_vars=["time_period"], value_vars=list(METRICS), var_name="metric"
    ).groupby(["time_period", "metric"]):
        v = values.value.dropna().to_numpy(dtype=float)
        rows.append(
            {
                "time_period": int(year),
                "metric": metric,
                "mean": v.mean(),
                "low": np.percentile(v, 5),
                "high": np.percentile(v, 95),
            }
        )
    return pd.DataFrame(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path)
    parser.add_argument("fixed_posts_run", type=Path)
    parser.add_argument("--figure", type=Path, required=True)
    parser.add_argument("--table", type=Path, required=True)
    args = parser.parse_args()
    annual = {
        "funded posts": pd.read_csv(args.run / "annual.csv"),
        "2017 posts": pd.read_csv(args.fixed_posts_run / "annual.csv"),
    }
    stats = {k: summarise(v) for k, v in annual.items()}
    ret = council_data.find_council("Birmingham", 2025)
    published = council_data.published_series(ret, YEARS, list(METRICS))

    rows: list[dict[str, Any]] = []
    for year in YEARS:
        for metric in METRICS:
            pub = published[(published.time_period == year) & (published.metric == metric)]
            row: dict[str, Any] = {
                "year": year,
                "metric": metric,
                "published": float(pub.published.iloc[0]),
            }
            for run, table in stats.items():
                s = table[(table.time_period == year) & (table.metric == metric)].iloc[0]
                row[f"{run}: mean"] = s["mean"]
                row[f"{run}: 90% low"] = s["low"]
                row[f"{run}: 90% high"] = s["high"]
            rows.append(row)
        verdicts: dict[str, Any] = {
            "year": year,
            "metric": "ofsted_rating",
            "published": published_judgement(year),
        }
        for run, table in annual.items():
            at = table[table.time_period == year].ofsted_rating
            verdicts[f"{run}: better than inadequate"] = float((at != "inadequate").mean())
            verdicts[f"{run}: commonest"] = at.mode().iloc[0]
        rows.append(verdicts)
    table = pd.DataFrame(rows)
    args.table.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(args.table, index=False, float_format="%.3f")

    # ---- the Markdown table for the README
    print("| year | metric | published | simulated, funded posts | simulated, 2017 posts |")
    print("|---|---|---|---|---|")
    for row in rows:
        if row["metric"] == "ofsted_rating":
            cells = [
                f"{100 * row[f'{run}: better than inadequate']:.0f}% better than inadequate "
                f"(commonest {row[f'{run}: commonest'].replace('_', ' ')})"
                for run in RUNS
            ]
            print(
                f"| {row['year']} | Ofsted judgement | {row['published'].replace('_', ' ')} | "
                + " | ".join(cells)
                + " |"
            )
            continue
        cells = [
            f"{row[f'{run}: mean']:.1f} ({row[f'{run}: 90% low']:.1f}-"
            f"{row[f'{run}: 90% high']:.1f})"
            for run in RUNS
        ]
        pub = "-" if np.isnan(row["published"]) else f"{row['published']:.1f}"
        print(f"| {row['year']} | {row['metric']} | {pub} | " + " | ".join(cells) + " |")

    # ---- the chart
    with style.house_style():
        figure = plt.figure(figsize=(11, 10), layout="constrained")
        axes = figure.subplots(3, 2).ravel()
        colours = {
            "funded posts": style.OKABE_ITO["blue"],
            "2017 posts": style.OKABE_ITO["reddish_purple"],
        }
        for ax, (metric, label) in zip(axes, METRICS.items(), strict=False):
            pub = published[published.metric == metric].sort_values("time_period")
            ax.plot(pub.time_period, pub.published, "o-", color=style.BASE_COLOUR,
                    label="published (DfE)", zorder=3)  # fmt: skip
            for run, s in stats.items():
                part = s[s.metric == metric].sort_values("time_period")
                ax.plot(part.time_period, part["mean"], color=colours[run],
                        label=f"simulated, {RUNS[run]} (mean)")  # fmt: skip
                ax.fill_between(part.time_period, part.low, part.high, color=colours[run],
                                alpha=0.15, label=f"90% of replications, {RUNS[run]}")  # fmt: skip
            ax.axvline(2017.5, color=style.GRID_COLOUR, linewidth=1.2, zorder=0)
            ax.set_title(label, loc="left", fontsize=10)
            ax.set_xticks(list(YEARS))
            style.style_axes(ax)
        for ax, run in zip(axes[4:], RUNS, strict=True):
            shares = (
                annual[run].groupby("time_period").ofsted_rating.value_counts(normalize=True)
            ).unstack(fill_value=0.0)
            bottom = np.zeros(len(shares))
            for rating in reversed(RATINGS):
                values = shares.get(rating, pd.Series(0.0, index=shares.index)).to_numpy()
                ax.bar(shares.index, values, bottom=bottom, color=COLOURS[rating], width=0.7,
                       label=rating.replace("_", " "))  # fmt: skip
                bottom += values
            for year in YEARS:
                ax.plot(year, 1.06, "v", color=COLOURS[published_judgement(year)], markersize=9,
                        markeredgecolor=style.BASE_COLOUR, clip_on=False)  # fmt: skip
            ax.set_ylim(0, 1.1)
            ax.set_title(
                f"Judgement in force: bars simulated, {RUNS[run]};\ntriangles published",
                loc="left",
                fontsize=10,
            )
            ax.set_ylabel("share of replications")
            ax.set_xticks(list(YEARS))
            style.style_axes(ax)
        handles, labels = axes[0].get_legend_handles_labels()
        rating_handles, rating_labels = axes[4].get_legend_handles_labels()
        figure.legend(
            handles + rating_handles,
            labels + rating_labels,
            loc="outside lower center",
            ncol=3,
            fontsize=8,
        )
        figure.suptitle(
            "Birmingham 2017-2025: the history scenario (calibrated on 2017 only) against "
            "the published record",
            x=0.01,
            ha="left",
            fontsize=11,
        )
        args.figure.parent.mkdir(parents=True, exist_ok=True)
        figure.savefig(args.figure, dpi=110)


if __name__ == "__main__":
    main()
