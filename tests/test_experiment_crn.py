"""Common random numbers: comparing on the same seeds narrows the interval of a difference."""

from __future__ import annotations

from pathlib import Path

import pytest

import staffsim
from staffsim.results import stats, tables

SMALL = Path(__file__).parent / "data" / "run_small.yaml"
REPLICATIONS = 12


def overall(results, metric):
    """Each replication's mean over the horizon's snapshots, in replication order."""
    values = tables.period_values(results.annual, [metric])
    return values.loc[values["period"] == "all", "value"].to_numpy()


@pytest.mark.slow
def test_common_random_numbers_narrow_the_interval_of_a_difference():
    """A pay supplement compared with the base on the same seeds has a much narrower 95%
    interval for its effect on cost and turnover than the same comparison made with the
    option on independent seeds (the noise the two runs share cancels in the difference)."""
    base = staffsim.load_scenario(SMALL)
    option = staffsim.load_scenario(
        SMALL, name="supplement", costs__retention_supplement_gbp_per_year=4000
    )
    crn = staffsim.compare(base, option, replications=REPLICATIONS, jobs=1, progress=False)
    independent = staffsim.run(option, REPLICATIONS, seed=base.seed + 1, jobs=1, progress=False)
    for metric, most in (("total_cost_gbp", 0.5), ("turnover_rate_fte", 0.75)):
        b = overall(crn["run_small"], metric)
        shared = stats.paired_interval(overall(crn["supplement"], metric), b).half_width
        apart = stats.paired_interval(overall(independent, metric), b).half_width
        assert shared < most * apart, (
            f"{metric}: half-width {shared:.4g} with common random numbers against "
            f"{apart:.4g} with independent seeds"
        )
        row = crn.comparison.query("metric == @metric and period == 'all'").iloc[0]
        assert (row.ci_high - row.ci_low) / 2 == pytest.approx(shared)
