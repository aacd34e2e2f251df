"""Start state as rates, and the warning when a scenario's first year leaves its start."""

from __future__ import annotations

from pathlib import Path

import pytest

from staffsim.cli.main import main
from staffsim.experiment.drift import check_steady
from staffsim.model.run import build
from staffsim.scenario.derive import ENGLAND_2025_BEHAVIOUR
from staffsim.scenario.loader import ScenarioError, load_scenario

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "scenarios" / "example_small.yaml"
ENGLAND = ROOT / "scenarios" / "england_2025.yaml"

SMALL_120 = f"""\
extends: {EXAMPLE}
name: small_120
establishment: {{case_holding_posts: 80, non_case_holding_posts: 40, team_manager_posts: 11}}
initial:
  vacant_case_holding_posts: null
  vacant_non_case_holding_posts: null
  vacancy_rate: 0.2
  agency_covering_vacancies: 16
"""
"""The issue's example: a 120-post council at 20% vacancy made from example_small.yaml."""


@pytest.fixture
def small_120(tmp_path: Path) -> Path:
    path = tmp_path / "small_120.yaml"
    path.write_text(SMALL_120, encoding="utf-8")
    return path


def test_a_vacancy_rate_gives_that_dfe_vacancy_rate_at_the_start(small_120: Path) -> None:
    scenario = load_scenario(small_120)
    assert scenario.initial.vacancy_rate is None  # turned into counts when read
    counts = (
        scenario.initial.vacant_case_holding_posts,
        scenario.initial.vacant_non_case_holding_posts,
    )
    assert counts == (16, 8)  # 20% of 80 and of 40 posts
    rates = [build(scenario, r)[1].start_rates()["vacancy_rate_fte"] for r in range(4)]
    assert all(abs(rate - 20.0) < 1.0 for rate in rates), rates  # within the rounding of a post


def test_a_vacancy_rate_and_counts_together_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "both.yaml"
    path.write_text(
        SMALL_120.replace("vacant_case_holding_posts: null", "vacant_case_holding_posts: 3")
    )
    with pytest.raises(ScenarioError, match="vacancy_rate or the vacancy counts"):
        load_scenario(path)


def test_the_drift_warning_fires_on_the_uncalibrated_example(small_120: Path) -> None:
    """The issue's example falls from 20% vacancy to about 6% in a year: a warning with the
    size of the drift, beyond the tolerance and its confidence interval below zero."""
    report = check_steady(load_scenario(small_120), replications=4, jobs=1)
    vacancy = next(d for d in report.warnings if d.metric == "vacancy_rate_fte")
    assert vacancy.drift < -5 and vacancy.ci_high - vacancy.start < 0
    text = "\n".join(report.lines())
    assert f"{vacancy.drift:+.1f} points" in text and "applicants_per_campaign" in text


@pytest.mark.slow
def test_england_holds_its_start(capsys: pytest.CaptureFixture[str]) -> None:
    """england_2025.yaml is derived to be stationary: no warning."""
    report = check_steady(load_scenario(ENGLAND), replications=3, jobs=1)
    assert report.warnings == []
    assert main(["validate", "--check-steady", "--steady-replications", "2", str(ENGLAND)]) == 0
    assert "holds its start" in capsys.readouterr().out


def test_a_stated_turnover_is_checked(tmp_path: Path) -> None:
    """A turnover stated far above what the scenario's hazards give is reported, with a
    resignation hazard scaled to it."""
    path = tmp_path / "turnover.yaml"
    path.write_text(f"extends: {ENGLAND}\ninitial: {{turnover_rate_per_year: 0.4}}\n")
    report = check_steady(load_scenario(path), replications=2, jobs=1)
    turnover = next(d for d in report.warnings if d.metric == "turnover_rate_fte")
    assert turnover.drift < -20 and turnover.turnover_suggestion > 0.2


def test_england_behaviour_for_init_is_the_england_scenario() -> None:
    """The behaviour ``init`` copies is what scenarios/england_2025.yaml carries (which
    test_shipped_scenarios holds to the derivation script)."""
    scenario = load_scenario(ENGLAND)
    for key, value in ENGLAND_2025_BEHAVIOUR.items():
        actual = scenario
        for part in key.split("."):
            actual = getattr(actual, part)
        assert actual == value, key
