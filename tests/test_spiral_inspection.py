"""Inspections and reputation, as specifications.

* An inspection scores the service as the mean quality over its window less
  ``incident_penalty`` per serious incident a year per 1,000 open cases in the window, and
  rates it outstanding, good, requires improvement or inadequate by the score's thresholds.
* Lower quality or more incidents never earn a better rating.
* The next inspection follows after the interval of the rating given: sooner after a poor
  one; the first comes half an interval after the start, or an interval after the stated
  last inspection.
* Reputation relaxes exponentially towards the latest rating's target,
  R(t) = target + (R0 - target) exp(-t / adjust_days), and drops by a fixed amount (never
  below 0) each time an incident reaches the press.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections import deque
from typing import Any

import pytest

from staffsim.model.run import build, run_one
from staffsim.model.service import DAYS_PER_YEAR, Service
from staffsim.scenario.schema import Scenario
from staffsim.scenario.spiral import RATINGS

SMALL_COUNCIL: dict[str, Any] = {
    "name": "small_council",
    "horizon_years": 1,
    "seed": 4242,
    "establishment": {"case_holding_posts": 40, "non_case_holding_posts": 12},
    "demand": {"arrivals_per_day": 2.0},
    "incidents": {"rate_per_1000_cases_per_year": 0.0},
    "inspection": {"judgement_sd": 0.0, "intervention_quality_gain": 0.0},
}
"""40 case-holding posts, no incidents, exact judgements and no intervention unless a test
adds them."""

QUALITY_EFFECTS = (
    "pressure_on_quality",
    "experience_on_quality",
    "continuity_on_quality",
    "supervision_on_quality",
    "unallocated_on_quality",
)


def merge(base: dict[str, Any], update: dict[str, Any]) -> dict[str, Any]:
    """``base`` with ``update`` merged in, nested mappings key by key."""
    out = dict(base)
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def scenario(*updates: dict[str, Any]) -> Scenario:
    """The small council with ``updates`` merged in, validated."""
    data = SMALL_COUNCIL
    for update in updates:
        data = merge(data, update)
    return Scenario.model_validate(data)


def fixed_quality(base_index: float, *updates: dict[str, Any]) -> Scenario:
    """A scenario whose quality is exactly ``base_index`` throughout (quality effects off)."""
    s = scenario({"quality": {"base_index": base_index}}, *updates)
    eff = s.effects
    off = {name: getattr(eff, name).off() for name in QUALITY_EFFECTS}
    return s.model_copy(update={"effects": eff.model_copy(update=off)})


def built(s: Scenario) -> tuple[Service, list[tuple[float, str, dict]]]:
    """A service built at day 0 with its event log."""
    events: list[tuple[float, str, dict]] = []
    svc, _ = build(s, 0, trace=lambda day, kind, fields: events.append((day, kind, fields)))
    assert svc.spiral is not None
    return svc, events


def judge(svc: Service, quality: list[tuple[float, float]], incidents: list[float], now: float):
    """Inspect ``svc`` at ``now`` with the given quality history and incident days."""
    svc.spiral.quality_history = deque(quality)
    svc.spiral.incident_days = deque(incidents)
    return svc.spiral.inspect(now)


def inspection_days(events: list[tuple[float, str, dict]]) -> list[tuple[float, str]]:
    """(day, rating) of each inspection in an event log."""
    return [(day, fields["rating"]) for day, kind, fields in events if kind == "inspection"]


# ------------------------------------------------------------------------ ratings
DEFAULT = Scenario().inspection
THRESHOLDS = [
    (DEFAULT.outstanding_from, "outstanding", "good"),
    (DEFAULT.good_from, "good", "requires_improvement"),
    (DEFAULT.requires_improvement_from, "requires_improvement", "inadequate"),
]


@pytest.mark.parametrize("threshold, at, below", THRESHOLDS, ids=[t[1] for t in THRESHOLDS])
def test_rating_follows_the_thresholds(threshold: float, at: str, below: str) -> None:
    """With no incidents the score is the mean recent quality; a score exactly at a
    threshold earns that rating, a score just below it the next one down."""
    svc, _ = built(scenario())
    assert judge(svc, [(0.0, threshold)], [], now=10.0) == at
    assert svc.spiral.rating == at
    assert judge(svc, [(0.0, threshold - 1e-3)], [], now=10.0) == below


def test_perfect_and_hopeless_practice_earn_the_extreme_ratings() -> None:
    """Quality 1 with no incidents is outstanding; quality 0 is inadequate."""
    svc, _ = built(scenario())
    assert judge(svc, [(0.0, 1.0)], [], now=10.0) == "outstanding"
    assert judge(svc, [(0.0, 0.0)], [], now=10.0) == "inadequate"


def test_thresholds_come_from_the_scenario() -> None:
    """Moving the thresholds moves the ratings: quality 0.8 is outstanding when outstanding
    starts at 0.8, and inadequate when requires improvement starts at 0.81."""
    generous = scenario({"inspection": {"outstanding_from": 0.8}})
    harsh = scenario(
        {
            "inspection": {
                "outstanding_from": 0.95,
                "good_from": 0.9,
                "requires_improvement_from": 0.81,
            }
        }
    )
    assert judge(built(generous)[0], [(0.0, 0.8)], [], now=10.0) == "outstanding"
    assert judge(built(harsh)[0], [(0.0, 0.8)], [], now=10.0) == "inadequate"


def test_lower_quality_never_earns_a_better_rating() -> None:
    """Across quality from 1 down to 0, the rating only ever gets worse or stays."""
    svc, _ = built(scenario())
    ranks = [RATINGS.index(judge(svc, [(0.0, q / 100)], [], now=10.0)) for q in range(100, -1, -1)]
    assert ranks == sorted(ranks)
    assert ranks[0] == 0 and ranks[-1] == 3


def test_score_is_mean_recent_quality_less_the_incident_penalty() -> None:
    """score = mean quality over the window - incident_penalty x incidents per 1,000 open
    cases a year in the window; quality and incidents before the window are ignored."""
    s = scenario({"inspection": {"window_days": 365.0, "incident_penalty": 0.05}})
    svc, events = built(s)
    now = 500.0
    quality = [(100.0, 0.2), (200.0, 0.9), (300.0, 0.8), (400.0, 0.7)]  # day 100 is outside
    incidents = [50.0, 140.0, 300.0, 450.0]  # day 50 is outside
    judge(svc, quality, incidents, now)
    per_1000_cases_year = 3 / svc.caseload.open_cases * 1000 * DAYS_PER_YEAR / 365.0
    expected = (0.9 + 0.8 + 0.7) / 3 - 0.05 * per_1000_cases_year
    assert events[-1][1] == "inspection"
    assert events[-1][2]["score"] == pytest.approx(expected, abs=1e-6)


def test_more_incidents_never_earn_a_better_rating() -> None:
    """At the same quality (good without incidents), each extra incident in the window
    lowers the score, and enough of them bring the rating down to inadequate."""
    svc, events = built(scenario())
    good = (DEFAULT.good_from + DEFAULT.outstanding_from) / 2
    ranks, scores = [], []
    for n in range(0, 60, 3):
        ranks.append(RATINGS.index(judge(svc, [(0.0, good)], [5.0] * n, now=10.0)))
        scores.append(events[-1][2]["score"])
    assert ranks == sorted(ranks)
    assert ranks[0] == RATINGS.index("good") and ranks[-1] == RATINGS.index("inadequate")
    assert all(b < a for a, b in itertools.pairwise(scores))


# ---------------------------------------------------------------------- intervals
def test_next_inspection_comes_sooner_after_a_poor_rating() -> None:
    """After each judgement the next inspection is due interval_days[rating] later; the
    default intervals (Ofsted's record) bring inadequate services back soonest, then those
    requiring improvement, then good and outstanding ones."""
    s = scenario()
    svc, _ = built(s)
    now = 100.0
    due = {}
    for q in (0.9, 0.75, 0.6, 0.3):
        rating = judge(svc, [(now, q)], [], now)
        assert svc.spiral.next_inspection == now + s.inspection.interval_days[rating]
        due[rating] = svc.spiral.next_inspection
    assert set(due) == set(RATINGS)
    later = min(due["good"], due["outstanding"])
    assert due["inadequate"] < due["requires_improvement"] < later


@pytest.mark.parametrize("base_index, rating", [(0.3, "inadequate"), (0.95, "outstanding")])
def test_inspections_in_a_run_follow_the_interval_of_each_rating(
    base_index: float, rating: str
) -> None:
    """In an eight-year run with quality held at 0.3 (0.95), every inspection rates the
    service inadequate (outstanding), the first comes half a 'good' interval after the
    start (the starting rating is good and no date is given), and each later one follows
    the inadequate (outstanding) interval after the one before."""
    s = fixed_quality(base_index, {"horizon_years": 8})
    gap = s.inspection.interval_days[rating]
    events: list[tuple[float, str, dict]] = []
    run_one(s, 0, trace=lambda day, kind, fields: events.append((day, kind, fields)))
    inspections = inspection_days(events)
    first = s.inspection.interval_days["good"] / 2
    expected_days = [first + k * gap for k in range(int((s.horizon_days - first) // gap) + 1)]
    assert [day for day, _ in inspections] == pytest.approx(expected_days, abs=1e-6)
    assert {r for _, r in inspections} == {rating}


INTERVAL = DEFAULT.interval_days


@pytest.mark.parametrize(
    "current, last, due",
    [
        ("good", None, INTERVAL["good"] / 2),
        ("inadequate", None, INTERVAL["inadequate"] / 2),
        # 183 days before the 1 October 2024 start
        ("requires_improvement", dt.date(2024, 4, 1), INTERVAL["requires_improvement"] - 183),
        ("good", dt.date(2018, 1, 1), 0.0),  # overdue: inspected on the first day
    ],
)
def test_first_inspection_follows_the_starting_judgement(
    current: str, last: dt.date | None, due: float
) -> None:
    """The first inspection is due an interval (of the starting rating) after the stated
    last judgement, or half an interval after the start if no date is given, and on the
    first day if already overdue."""
    s = scenario(
        {"inspection": {"current_rating": current, "last_inspection_date": last}},
    )
    svc, events = built(s)
    assert svc.spiral.next_inspection == pytest.approx(due)
    svc.env.run(until=due + 1.0)
    assert inspection_days(events)[0][0] == pytest.approx(due)


# ---------------------------------------------------------------------- reputation
def test_reputation_relaxes_exponentially_towards_the_ratings_target() -> None:
    """Under a fixed 'good' judgement and no incidents, reputation at each review is
    target + (R0 - target) exp(-t / adjust_days), with R0 = 0.3, the good target 0.6 and
    adjust_days 200; it rises monotonically and never overshoots."""
    s = scenario(
        {
            "reputation": {
                "initial": 0.3,
                "adjust_days": 200.0,
                "target_by_rating": dict.fromkeys(RATINGS, 0.0) | {"good": 0.6},
            }
        }
    )
    svc, events = built(s)
    review = s.attrition.review_interval_days
    values = []
    for k in range(1, 12):
        svc.env.run(until=k * review + 1e-6)
        t = k * review
        expected = 0.6 + (0.3 - 0.6) * math.exp(-t / 200.0)
        assert svc.spiral.reputation == pytest.approx(expected, rel=1e-12)
        values.append(svc.spiral.reputation)
    assert inspection_days(events) == []
    assert all(b > a for a, b in itertools.pairwise(values)) and values[-1] < 0.6


@pytest.mark.parametrize(
    "base_index, rating, direction", [(0.3, "inadequate", -1), (0.95, "outstanding", +1)]
)
def test_a_judgement_pulls_reputation_towards_its_target(
    base_index: float, rating: str, direction: int
) -> None:
    """An overdue inspection on day 0 rates a service at quality 0.3 (0.95) inadequate
    (outstanding); from then on its reputation, starting at 0.5, falls (rises) towards that
    rating's target (below (above) 0.5), without passing it, and covers most of the way in two
    years; it never moves back (a month with no review, such as February, shows no
    change)."""
    s = fixed_quality(
        base_index,
        {"inspection": {"last_inspection_date": "2018-01-01"}, "horizon_years": 2},
    )
    run = run_one(s, 0)
    target = s.reputation.target_by_rating[rating]
    reputation = [row["reputation"] for row in run["monthly"]]
    assert run["monthly"][0]["ofsted_rating_score"] == RATINGS.index(rating) + 1
    steps = [direction * (b - a) for a, b in itertools.pairwise([0.5, *reputation])]
    assert all(step >= 0 for step in steps)
    # after about two time constants (adjust_days 365) most of the way is covered
    assert direction * (reputation[-1] - 0.5) > 0.8 * direction * (target - 0.5)
    assert all(direction * (target - r) > 0 for r in reputation)


def incident_now(svc: Service, press: bool) -> None:
    """Make a serious incident happen now, in the press or not."""
    draws = iter([0.5, 0.0 if press else 0.999])  # (which worker, press or not)
    svc.spiral.rng_incident = lambda: next(draws)
    svc.spiral._on_incident(None)


def test_a_press_incident_drops_reputation_by_the_stated_amount() -> None:
    """An incident in the press lowers reputation by reputation_drop_per_press_incident at
    once; one that stays out of the press leaves it unchanged."""
    s = scenario({"incidents": {"reputation_drop_per_press_incident": 0.07}})
    svc, _ = built(s)
    before = svc.spiral.reputation
    incident_now(svc, press=False)
    assert svc.spiral.reputation == before
    incident_now(svc, press=True)
    assert svc.spiral.reputation == pytest.approx(before - 0.07, rel=1e-12)
    assert svc.spiral.counts["incidents"] == 2 and svc.spiral.counts["incidents_press"] == 1


def test_reputation_does_not_fall_below_zero() -> None:
    """A press incident at reputation 0.01 leaves it at 0, not below."""
    svc, _ = built(scenario())
    svc.spiral.reputation = 0.01
    incident_now(svc, press=True)
    assert svc.spiral.reputation == 0.0


def test_press_coverage_lowers_reputation_in_a_run() -> None:
    """Two runs on the same random numbers, every incident in the press against none (the
    reputation effects off, so nothing else differs): reputation is never higher with the
    press, and lower by the end; every other column is identical."""
    base = scenario({"horizon_years": 3, "incidents": {"rate_per_1000_cases_per_year": 20.0}})
    eff = base.effects
    off = {n: getattr(eff, n).off() for n in type(eff).model_fields if n.startswith("reputation")}
    base = base.model_copy(update={"effects": eff.model_copy(update=off)})

    def with_press(share: float) -> Scenario:
        return base.model_copy(
            update={"incidents": base.incidents.model_copy(update={"press_share": share})}
        )

    loud, quiet = run_one(with_press(1.0), 0), run_one(with_press(0.0), 0)
    assert sum(row["incidents"] for row in loud["monthly"]) > 5
    for a, b in zip(loud["monthly"], quiet["monthly"], strict=True):
        assert a["reputation"] <= b["reputation"]
        different = {k for k in a if a[k] != b[k]}
        assert different <= {"reputation", "incidents_press"}
    assert loud["monthly"][-1]["reputation"] < quiet["monthly"][-1]["reputation"]


# ------------------------------------------------- judgement error and intervention
def test_judgement_error_is_normal_with_the_stated_spread() -> None:
    """With ``judgement_sd`` s, a service of steady quality q is judged at q + N(0, s): the
    share judged good or better matches the normal tail P(q + e >= good_from) within four
    standard errors, over many inspections; with s = 0 the judgement is exact."""
    sd, quality, n = 0.05, 0.70, 2000
    svc, _ = built(scenario({"inspection": {"judgement_sd": sd, "incident_penalty": 0.0}}))
    good = sum(RATINGS.index(judge(svc, [(0.0, quality)], [], now=10.0)) <= 1 for _ in range(n))
    p = 0.5 * math.erfc((DEFAULT.good_from - quality) / (sd * math.sqrt(2)))
    assert abs(good / n - p) <= 4 * math.sqrt(p * (1 - p) / n), (good / n, p)
    exact, _ = built(scenario())
    assert {judge(exact, [(0.0, quality)], [], now=10.0) for _ in range(50)} == {"good"}


def test_an_inadequate_judgement_brings_intervention_that_raises_base_quality() -> None:
    """After an inadequate judgement the base quality rises by the stated gain, linearly over
    the ramp and then kept; a better judgement brings none, and with no gain nothing moves."""
    gain, ramp = 0.08, 400.0
    inspection = {"intervention_quality_gain": gain, "intervention_ramp_days": ramp}
    svc, _ = built(scenario({"inspection": inspection}))
    spiral = svc.spiral
    assert judge(svc, [(0.0, 0.3)], [], now=100.0) == "inadequate"
    assert spiral._intervention_gain(100.0) == 0.0
    assert spiral._intervention_gain(300.0) == pytest.approx(gain / 2)
    assert spiral._intervention_gain(2000.0) == pytest.approx(gain)
    judge(svc, [(0.0, 0.9)], [], now=600.0)  # a good judgement: no second intervention
    assert spiral._intervention_gain(5000.0) == pytest.approx(gain)
    none, _ = built(scenario())
    judge(none, [(0.0, 0.3)], [], now=100.0)
    assert none.spiral._intervention_gain(5000.0) == 0.0


def test_intervention_lifts_practice_in_a_run() -> None:
    """An inadequate service under intervention ends with higher practice quality than the
    same service without (same random numbers, quality effects off)."""
    start = {
        "horizon_years": 4,
        "inspection": {
            "current_rating": "inadequate",
            "last_inspection_date": "2023-10-01",
            "interval_days": {**DEFAULT.interval_days, "inadequate": 365.0},
        },
    }
    without = fixed_quality(0.5, start)
    with_gain = fixed_quality(0.5, start, {"inspection": {"intervention_quality_gain": 0.1}})
    q0 = [row["quality_index"] for row in run_one(without, 0)["annual"]]
    q1 = [row["quality_index"] for row in run_one(with_gain, 0)["annual"]]
    assert q1[-1] > q0[-1] + 0.05, (q0, q1)


@pytest.mark.parametrize("rating", RATINGS)
def test_band_middle_is_inside_its_band(rating: str) -> None:
    """The practice a judgement stands for is judged that judgement (no error, no incidents)."""
    svc, _ = built(scenario())
    assert judge(svc, [(0.0, DEFAULT.band_middle(rating))], [], now=10.0) == rating


def test_a_service_inadequate_at_the_start_is_already_under_intervention() -> None:
    """Judged inadequate 200 days before the start, with a 400-day ramp: half the gain is
    in place on the start date, all of it 200 days later; none without the judgement."""
    inspection = {
        "current_rating": "inadequate",
        "last_inspection_date": "2024-03-15",  # 200 days before 1 October 2024
        "intervention_quality_gain": 0.1,
        "intervention_ramp_days": 400.0,
    }
    svc, _ = built(scenario({"inspection": inspection}))
    assert svc.spiral._intervention_gain(0.0) == pytest.approx(0.05)
    assert svc.spiral._intervention_gain(200.0) == pytest.approx(0.1)
    good, _ = built(scenario({"inspection": {**inspection, "current_rating": "good"}}))
    assert good.spiral._intervention_gain(200.0) == 0.0
