"""The Birmingham policy scenarios: each extends the 2015 scenario with its own policies."""

from __future__ import annotations

from pathlib import Path

import pytest

from staffsim.scenario.loader import load_scenario
from staffsim.scenario.timeline import policy_timeline

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
SINGLE_POLICIES = [
    "caseload_cap",
    "establishment",
    "admin_share",
    "supervision",
    "culture",
    "pay",
    "recruitment",
    "newly_qualified",
    "agency_cap",
    "agency_price_cap",
]


def test_birmingham_behaves_as_england_where_it_says_so() -> None:
    """Birmingham's staff, recruiters and agencies follow the derived England parameters."""
    england = load_scenario(SCENARIOS / "england_2025.yaml")
    birmingham = load_scenario(SCENARIOS / "birmingham_2015.yaml")
    for section in ("attrition", "recruitment"):
        assert getattr(birmingham, section) == getattr(england, section), section
    assert birmingham.agency.availability == england.agency.availability
    assert birmingham.workforce == england.workforce


@pytest.mark.parametrize("policy", SINGLE_POLICIES)
def test_single_policy_scenario_changes_only_its_policies(policy: str) -> None:
    """Each single-policy scenario is Birmingham 2015 plus policies from April 2015."""
    base = load_scenario(SCENARIOS / "birmingham_2015.yaml")
    scenario = load_scenario(SCENARIOS / f"birmingham_2015_{policy}.yaml")
    assert scenario.policies
    assert (
        scenario.model_copy(
            update={"policies": (), "name": base.name, "description": base.description}
        )
        == base
    )
    steps = policy_timeline(scenario)
    assert steps[0].date.isoformat() == "2015-04-01"


def test_reform_is_the_four_levers_together() -> None:
    """The reform scenario carries the caseload, bureaucracy, supervision and culture levers
    and sets each key the single-lever scenarios set."""
    reform = load_scenario(SCENARIOS / "birmingham_2015_reform.yaml")
    keys = {path for policy in reform.policies for path in policy.set}
    for lever in ("caseload_cap", "admin_share", "supervision", "culture"):
        single = load_scenario(SCENARIOS / f"birmingham_2015_{lever}.yaml")
        assert {path for policy in single.policies for path in policy.set} <= keys, lever
    final = policy_timeline(reform)[-1].scenario
    assert final.caseload.target_per_fte < reform.caseload.target_per_fte
    assert final.capacity.admin_share < reform.capacity.admin_share
    assert final.establishment.teams > reform.establishment.teams
    assert final.culture.target > reform.culture.just_culture
