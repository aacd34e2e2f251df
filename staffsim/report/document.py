"""``report.html`` (and from it ``report.pdf``): a comparison written up for a director.

:func:`build_report` gathers everything the report says from a saved comparison (it never
runs the model): the executive summary (:mod:`staffsim.report.summary`), the appraisal
table, the fan and cost charts (drawn here and embedded in the page as ``data:`` URIs, so
the file is self-contained and opens offline), the assumptions and sources read from the
scenario files, what differs between the scenarios, and the method, with the STRESS-DES
reporting items (Monks et al. 2019, "Strengthening the reporting of empirical simulation
studies: Introducing the STRESS guidelines", Journal of Simulation 13:55-67). The page is
rendered from the Jinja2 template ``templates/report.html.j2``.

Every figure about money (the appraisal table, the cash flows, the cost charts and the
cost sentence of the executive summary) is the comparison's appraisal
(:mod:`staffsim.appraisal`): the one ``staffsim appraise`` saved beside it, or one made
from the results (:func:`staffsim.charts.standard.comparison_appraisal`). The workbook
(``report.xlsx``) is the appraisal's export: see :func:`write_workbook`.
"""

from __future__ import annotations

import base64
import datetime as dt
import io as _io
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from staffsim.appraisal.appraise import Appraisal
from staffsim.charts import data as chart_data
from staffsim.charts import style
from staffsim.charts.standard import comparison_appraisal
from staffsim.report import scenario_text, summary
from staffsim.report.workbook import write_folder_workbook
from staffsim.results import io
from staffsim.results.labels import Label, get_label
from staffsim.results.results import ComparisonResults

__all__ = [
    "REPORT_HTML",
    "REPORT_PDF",
    "REPORT_XLSX",
    "build_report",
    "render_html",
    "write_workbook",
]

REPORT_HTML = "report.html"
REPORT_PDF = "report.pdf"
REPORT_XLSX = "report.xlsx"

TABLE_METRICS = (
    "vacancy_rate_fte",
    "agency_rate_fte",
    "turnover_rate_fte",
    "caseload_fte",
    "cases_unallocated",
    "children_3plus_sw_pct",
    "wait_days_mean",
    "total_cost_gbp",
)


def write_workbook(results: ComparisonResults, path: Path) -> Path:
    """Write the saved comparison's folder (with the appraisal's files, if they are there)
    as one workbook, ``staffsim export``'s, at ``path``."""
    if results.path is None:
        raise ValueError("the workbook is written from a saved comparison")
    return Path(write_folder_workbook(results.path, path))


@dataclass(frozen=True)
class Figure:
    """A chart embedded in the page."""

    title: str
    caption: str
    data_uri: str


def _figure_uri(figure: Any) -> str:
    """The figure as a PNG ``data:`` URI (the figure is closed)."""
    import matplotlib.pyplot as plt

    buffer = _io.BytesIO()
    try:
        figure.savefig(buffer, format="png", dpi=130, metadata={"Software": None})
    finally:
        plt.close(figure)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _figures(results: ComparisonResults, appraisal: Appraisal) -> tuple[list[Figure], list[Figure]]:
    """The service charts (fans, differences) and the money charts."""
    import matplotlib

    matplotlib.use("Agg")
    from staffsim.charts.costs import cost_waterfall_chart, cumulative_cost_chart, tornado_chart
    from staffsim.charts.differences import differences_chart
    from staffsim.charts.fan import fan_chart

    context = chart_data.chart_context(results)
    service = []
    for metric, source in chart_data.FAN_METRICS.items():
        series = chart_data.fan_series(results.results, metric)
        if series.empty:  # no rows in its table at all; a missing column has raised
            continue
        ax = fan_chart(
            series, source.column, base=results.base, context=context, source=source.note
        )
        label = get_label(metric).label
        service.append(
            Figure(
                label,
                f"{label}: median of the replications with the middle 50% and 90% of runs "
                f"({source.note}).",
                _figure_uri(ax.figure),
            )
        )
    service.append(
        Figure(
            "Differences from the base",
            "Each option minus the base at each census, with 95% paired confidence intervals.",
            _figure_uri(differences_chart(results.comparison, context=context)),
        )
    )
    money = [
        Figure(
            "Cumulative discounted net cost"
            + ("" if len(group) > 1 else f": {style.display_name(group[0])}"),
            "Option minus base by financial year, discounted; the running total ends at the "
            "net present value.",
            _figure_uri(
                cumulative_cost_chart(
                    appraisal,
                    options=group,
                    context=context if len(group) > 1 else context.for_option(group[0]),
                ).figure
            ),
        )
        for group in style.option_groups(results.options)
    ]
    for option in results.options:
        ax = cost_waterfall_chart(
            appraisal, option, base=results.base, context=context.for_option(option)
        )
        money.append(
            Figure(
                f"Cost waterfall: {style.display_name(option)}",
                "How each kind of cost changes from the base to the option (present values).",
                _figure_uri(ax.figure),
            )
        )
    switching = appraisal.switching
    if not switching.empty:
        for option in results.options:
            ax = tornado_chart(switching, option=option, context=context.for_option(option))
            money.append(
                Figure(
                    f"Switching values: {style.display_name(option)}",
                    "How far each assumption must move for the net present value to change sign.",
                    _figure_uri(ax.figure),
                )
            )
    return service, money


def _metric_table(results: ComparisonResults) -> list[dict[str, str]]:
    """Means over all years and each option's difference with its 95% CI."""
    table = results.comparison[results.comparison["period"] == "all"]
    rows = []
    for metric in TABLE_METRICS:
        part = table[table["metric"] == metric]
        if part.empty:
            continue
        label = get_label(metric)
        for _, row in part.iterrows():
            rows.append(
                {
                    "metric": f"{label.label} ({label.display_unit})"
                    if label.display_unit
                    else label.label,
                    "option": style.display_name(str(row["option"])),
                    "base": _short(label, float(row["mean_base"])),
                    "value": _short(label, float(row["mean_option"])),
                    "diff": _short_change(label, float(row["diff"])),
                    "ci": label.format_interval(float(row["ci_low"]), float(row["ci_high"])),
                    "p_better": f"{float(row['p_better']):.0%}"
                    if row["p_better"] == row["p_better"]
                    else "-",
                }
            )
    return rows


def _short(label: Label, value: float) -> str:
    """A value without its unit (the table's row names it), money as ``£4.3m``."""
    if label.kind == "gbp":
        return label.format(value)
    places = 0 if label.kind == "count" else 1
    return f"{label.to_display(value):,.{places}f}"


def _short_change(label: Label, value: float) -> str:
    if label.kind == "gbp":
        return label.format_change(value)
    places = 0 if label.kind == "count" else 1
    return f"{label.to_display(value):+,.{places}f}"


def _appraisal_rows(appraisal: Appraisal) -> list[dict[str, str]]:
    """``appraisal.csv`` as the report's table."""
    rows = []
    for _, row in appraisal.table.iterrows():
        share = float(row["payback_share"])
        year = str(row["payback_median_financial_year"])
        rows.append(
            {
                "option": style.display_name(str(row["option"])),
                "npv": _gbp(row["npv_mean_gbp"]),
                "ci": f"{_gbp(row['npv_ci_low_gbp'])} to {_gbp(row['npv_ci_high_gbp'])}",
                "payback_share": f"{share:.0%}",
                "payback_year": year if share > 0 and year not in ("", "nan") else "-",
                "per_vacancy_point": _gbp(row["cost_per_vacancy_point_avoided_gbp"]),
                "per_child": _pounds(row["cost_per_child_keeping_social_worker_gbp"]),
                "replications": str(int(row["replications"])),
            }
        )
    return rows


def _gbp(value: float) -> str:
    """GBP millions to two places (``-£1.23m``); ``-`` for none."""
    if math.isnan(float(value)):
        return "-"
    shown = float(value) / 1e6
    return f"{'-' if shown < 0 else ''}£{abs(shown):,.2f}m"


def _pounds(value: float) -> str:
    """Whole pounds (``£12,345``); ``-`` for none."""
    if math.isnan(float(value)):
        return "-"
    return f"{'-' if value < 0 else ''}£{abs(float(value)):,.0f}"


def _cashflow_rows(appraisal: Appraisal) -> list[dict[str, str]]:
    """``appraisal_cashflows.csv`` with each year's running total."""
    running = appraisal.cumulative.set_index(["option", "financial_year"])
    rows = []
    for _, row in appraisal.cashflows.iterrows():
        key = (row["option"], row["financial_year"])
        part = bool(running.loc[key, "part_year"]) if key in running.index else False
        cumulative = (
            running.loc[key, "cumulative_present_value_gbp"] if key in running.index else math.nan
        )
        rows.append(
            {
                "option": style.display_name(str(row["option"])),
                "year": str(row["financial_year"]) + (" (part year)" if part else ""),
                "t": str(int(row["year_index"])),
                "difference": _gbp(row["cost_difference_gbp"]),
                "factor": f"{float(row['discount_factor']):.4f}",
                "pv": _gbp(row["present_value_gbp"]),
                "cumulative": _gbp(cumulative),
            }
        )
    return rows


def _settings_text(appraisal: Appraisal) -> dict[str, str]:
    """The appraisal's stated assumptions, for the sentence above its table."""
    settings = appraisal.settings
    return {
        "price_base": str(settings.get("price_base_financial_year", "")),
        "optimism_bias": f"{float(settings.get('optimism_bias_pct', 0.0)):g}%",
        # the template closes the parenthesis and the sentence
        "optimism_bias_source": str(settings.get("optimism_bias_source", "")).rstrip("."),
    }


def _stress_items(results: ComparisonResults, versions: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The STRESS-DES items (Monks et al. 2019), answered for this comparison."""
    base = results.results[results.base].scenario
    years = float(base["horizon_years"])
    n = len(results.results[results.base].replications)
    seed = results.manifest.get("seed", results.results[results.base].seed)
    libs = ", ".join(f"{k} {v}" for k, v in versions.items() if v and k != "staffsim")
    return [
        (
            "1.1 Purpose of the model",
            "To test policies against a spiral of decline in a children's social work service "
            "(recruitment, attrition, agency cover, caseloads) before spending money.",
        ),
        (
            "1.2 Model outputs",
            "Annual census values in DfE definitions (vacancy, agency and turnover rates, "
            "caseload, children with 3 or more social workers, cases waiting), monthly series and"
            " costs.",
        ),
        (
            "1.3 Experimentation aims",
            f"Compare {', '.join(style.display_name(o) for o in results.options)} with "
            f"{style.display_name(results.base)} on common random numbers.",
        ),
        (
            "2.1 Base model overview",
            "A causal loop diagram and the processes are in docs/model.md.",
        ),
        (
            "2.2 Base model logic",
            "Demand and allocation, capacity and pressure, attrition, recruitment, agency cover, "
            "practice quality and incidents, culture, inspection and reputation (docs/model.md).",
        ),
        (
            "2.3 Scenario logic",
            "Each scenario is a YAML file; policies are dated changes to its values (see What "
            "differs between the scenarios).",
        ),
        (
            "2.4 Algorithms",
            "Discrete-event simulation in SimPy; one random stream per purpose from (seed, "
            "replication, name).",
        ),
        (
            "2.5 Components",
            "Entities: posts, workers (employed and agency), cases; resources: workers' "
            "direct-work hours; queues: cases waiting for allocation.",
        ),
        (
            "3.1 Data sources",
            "DfE children's social work workforce census, DfE children looked after, Ofsted "
            "inspection outcomes (staffsim/data/SOURCES.md) and the notes in the scenario files "
            "(Assumptions and sources).",
        ),
        (
            "3.2 Pre-processing",
            "Published figures are turned into scenario values by the derivation scripts named in"
            " the scenario files.",
        ),
        (
            "3.3 Input parameters",
            "Every value of the resolved scenarios is saved in each run's manifest.json.",
        ),
        (
            "3.4 Assumptions",
            "Listed under Assumptions and sources, as written in the scenario files.",
        ),
        (
            "4.1 Initialisation",
            f"A warm start from the stated workforce and caseload on {base['start_date']}; no "
            "warm-up is discarded.",
        ),
        ("4.2 Run length", f"{years:g} years from {base['start_date']}."),
        (
            "4.3 Estimation approach",
            f"{n} replications per scenario; means with Student-t 95% confidence intervals; "
            "options against the base as paired differences.",
        ),
        ("5.1 Software", f"staffsim {versions.get('staffsim', '?')}; {libs}."),
        (
            "5.2 Random sampling",
            f"Seed {seed}; named streams give common random numbers across scenarios.",
        ),
        (
            "5.3 Model execution",
            "Replications run in parallel processes; the same seed gives the same numbers on any "
            "backend.",
        ),
        (
            "5.4 System specification",
            "Any machine with Python 3.10 or later; run times are in each manifest.json.",
        ),
        ("6 Code access", "The staffsim source and the scenario files named below."),
    ]


def render_html(context: Mapping[str, Any]) -> str:
    """The report page from its template and ``context``."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("staffsim.report", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template("report.html.j2").render(**context)


def build_report(
    results: ComparisonResults,
    out_dir: str | os.PathLike[str],
    scenario_files: Sequence[str | os.PathLike[str]] | None = None,
    appraisal: Appraisal | None = None,
) -> Path:
    """Write ``report.html`` for a comparison into ``out_dir``; its path.

    ``scenario_files`` are the base's and options' YAML files, for the assumptions and
    sources written in them (without them the report says the files were not given);
    ``appraisal`` the comparison's appraisal (default
    :func:`~staffsim.charts.standard.comparison_appraisal`), whose figures are the
    report's money: its table, cash flows, cost charts and switching values.
    """
    folder = io.ensure_writable_dir(out_dir)
    appraisal = appraisal if appraisal is not None else comparison_appraisal(results)
    context = chart_data.chart_context(results)
    base_scenario = results.results[results.base].scenario
    versions = results.manifest.get("versions") or results.results[results.base].manifest.get(
        "versions", {}
    )
    npv_by_option = {str(r["option"]): r for _, r in appraisal.table.iterrows()}
    options = []
    for option in results.options:
        values, policies = scenario_text.scenario_differences(
            base_scenario, results.results[option].scenario
        )
        options.append(
            {
                "name": style.display_name(option),
                "summary": summary.option_summary(
                    results.comparison,
                    option,
                    results.base,
                    policies,
                    npv_by_option.get(option),
                    context.replications,
                ),
                "start_values": values,
                "policies": policies,
            }
        )
    files = []
    for path in scenario_files or []:
        files.extend(scenario_text.file_assumptions(Path(path)))
    unique_files = list({f.path: f for f in files}.values())
    service_figures, money_figures = _figures(results, appraisal)
    page = render_html(
        {
            "title": f"{context.scenario_text()}",
            "subtitle": context.span_text(),
            "created": dt.date.today().isoformat(),
            "base": style.display_name(results.base),
            "options": options,
            "appraisal": _appraisal_rows(appraisal),
            "appraisal_settings": _settings_text(appraisal),
            "cashflows": _cashflow_rows(appraisal),
            "metrics": _metric_table(results),
            "service_figures": service_figures,
            "money_figures": money_figures,
            "files": unique_files,
            "files_given": bool(scenario_files),
            "stress": _stress_items(results, versions),
            "version": versions.get("staffsim", "?"),
            "replications": context.replications,
            "seed": results.manifest.get("seed", ""),
            "results_dir": str(results.path) if results.path else "",
        }
    )
    target = folder / REPORT_HTML
    with io.atomic_path(target) as tmp:
        tmp.write_text(page, encoding="utf-8")
    return target
