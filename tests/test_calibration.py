"""The fitted effect defaults are what the shipped calibration produces from the data."""

from __future__ import annotations

from pathlib import Path

import pytest

from staffsim.scenario.loader import load_scenario
from staffsim.scenario.schema import Effects
from tools.calibration.reputation import fit_reputation_effects, published_group_rates

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def fit():
    return fit_reputation_effects(load_scenario(ROOT / "scenarios" / "england_2025.yaml"))


def test_reputation_defaults_equal_the_calibration(fit) -> None:
    """Each reputation effect's default points are the calibration's fitted points."""
    defaults = Effects()
    for name, points in fit.points.items():
        assert tuple(tuple(p) for p in getattr(defaults, name).points) == points, name


def test_published_groups_order_vacancy_and_turnover_by_judgement() -> None:
    """Councils judged worse have higher vacancy and turnover rates (the evidence)."""
    groups = published_group_rates()
    order = ["outstanding", "good", "requires_improvement", "inadequate"]
    vacancy = [groups[k].vacancy for k in order]
    turnover = [groups[k].turnover for k in order]
    assert vacancy == sorted(vacancy)
    assert turnover == sorted(turnover)


def test_fitted_applicants_rise_with_reputation(fit) -> None:
    """Better-judged councils fill posts faster, so the fitted applicants multiplier rises
    with reputation and is 1 at the reference (good) reputation."""
    points = fit.points["reputation_on_applicants"]
    ys = [y for _, y in points]
    assert ys == sorted(ys)
    assert dict(points)[0.58] == 1.0


def test_time_to_fill_reproduces_the_published_vacancy_rate(fit) -> None:
    """Feeding each group's fitted time to fill back through the renewal relation gives its
    published vacancy rate."""
    for key, group in fit.groups.items():
        fill_years = fit.time_to_fill_days[key] / 365.25
        tenure_years = 1 / group.turnover
        assert fill_years / (tenure_years + fill_years) == pytest.approx(group.vacancy, rel=1e-9)
