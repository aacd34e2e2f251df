"""Derive the parameters of a typical English council from DfE's 2025 national figures.

Run ``python scripts/derive_england_2025.py``: it prints every derived value with the
formula used; ``scenarios/england_2025.yaml`` carries these values, and
``tests/test_shipped_scenarios.py`` checks that the two agree.

Method
------
1. **Per-council averages.** Each national count in the DfE 2025 release (year to
   30 September 2025) divided by the number of local-authority returns (151): see
   :func:`staffsim.data.council_average`. Rates are ratios of national totals.
2. **Posts.** In the model a post has an FTE, part time with the workforce's part-time
   share, and whoever fills it works that FTE, so vacancy FTE + in-post FTE is the FTE
   establishment (DfE's identity), and posts = establishment / FTE per person. The part-time
   share follows from the published FTE per head.
3. **Case-holding split.** Our documented choice (``staffsim/model/observe.py``): agency
   workers holding cases count among the case holders. In the model's steady state a
   share v of every post is vacant and a share c of vacant time is covered by agency, for
   either role, a covering agency worker works the post's FTE and every extra agency worker
   holds cases full time, so case_holders_fte = C f (1 - v) + C f v c + extra, which gives
   the case-holding posts C.
4. **Attrition.** Turnover h = leavers / in post. In a stationary workforce the leaving rate
   per person is 1 / (mean completed tenure), so the resignation hazard at reference r
   solves  integral of S(t) dt + notice = 1 / h,  where the hazard at tenure t is
   r x M x tenure_on_resignation(t) + retirement and M is the expected product of the other
   multipliers (pressure, culture, reputation, supervision, incidents) at the council's
   2025 state, worked out from the scenario's own curves. Retirement is an assumption.
5. **Time to fill.** Each post renews: filled for T = 1 / h on average, then vacant for D.
   The steady-state vacancy share is v = D / (T + D), so D = v T / (1 - v). The campaign
   decomposition then gives D: a campaign succeeds with p = 1 - exp(-m), m = applicants x
   appointable share x acceptance x (applicant multipliers), the number of campaigns is
   geometric with mean 1 / p, and D = campaign / p + gap (1 / p - 1) + starter notice.
   Campaign length, gap, notice, appointable share and acceptance are stated assumptions;
   the applicants per campaign is derived.
6. **Agency cover.** Within a vacancy, agency cover alternates with searches: each search
   takes ``search_days`` and succeeds with chance ``availability``; an assignment lasts
   ``assignment_days``; the vacancy ends when the starter arrives. The availability is
   solved so that the expected covered share of vacant time equals DfE's
   vacancy_agency_cover_rate (73.6%), by a fixed-seed Monte Carlo over the vacancy and
   cover durations. Extra agency workers (DfE: agency FTE not covering a vacancy) are slots
   that alternate between an assignment and a search, so the target is
   extra FTE x (assignment + search time) / assignment.
7. **Demand.** Arrivals = cases held / mean case duration (Little's law; a case waits only
   at a caseload ceiling, and England sets none). The case-type mix and durations are the
   schema's defaults.
8. **Caseload target.** The target is the highest council mean caseload published for 2025
   (no council's case holders averaged more), times the mean weight of an open case. The
   target flexes: cases are allocated above it, and no ceiling is set.
9. **Pathways.** The assessment time and the transfer rate are the schema's defaults; the
   transfer rate is fitted to DfE's continuity figure by ``scripts/fit_transfer_rate.py``.

No parameter is tuned to hit a simulated result; the benchmark
``benchmarks/england_2025_consistency.py`` checks where the model lands.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from staffsim import data
from staffsim.scenario.derive import (
    AGENCY_ASSIGNMENT,
    AGENCY_SEARCH_DAYS,
    APPOINTABLE_SHARE,
    CAMPAIGN_DAYS,
    DAYS_PER_YEAR,
    NOTICE_DAYS,
    OFFER_ACCEPTANCE,
    PART_TIME_FTE,
    READVERTISE_GAP_DAYS,
    RETIREMENT_RATE_PER_YEAR,
    STARTER_NOTICE_DAYS,
    arrivals_per_day,
    case_holding_posts,
    covered_share,
    mean_completed_tenure_days,
    open_case_mix,
    part_time_share,
)
from staffsim.scenario.derive import available_hours as _available_hours
from staffsim.scenario.derive import initial_vacancy_split as _vacancy_split
from staffsim.scenario.schema import Scenario
from staffsim.scenario.spiral import Rating

YEAR = 2025
# The assumptions (values the DfE file does not give) live in staffsim.scenario.derive, shared
# with ``staffsim init``; each is stated in the scenario with its reason.
RATING: Rating = "good"  # the median (and modal) latest judgement of councils on 30 September 2025
MONTE_CARLO_VACANCIES = 200_000
MONTE_CARLO_SEED = 2025

ASSUMED = {
    # scenario key: the assumption above it stands for, so that the test can hold the
    # scenario to the values this derivation used
    "workforce.part_time_fte": PART_TIME_FTE,
    "attrition.retirement_rate_per_year": RETIREMENT_RATE_PER_YEAR,
    "attrition.notice_days.days": NOTICE_DAYS,
    "recruitment.campaign_days.days": CAMPAIGN_DAYS,
    "recruitment.readvertise_gap_days": READVERTISE_GAP_DAYS,
    "recruitment.starter_notice_days.days": STARTER_NOTICE_DAYS,
    "recruitment.appointable_share": APPOINTABLE_SHARE,
    "recruitment.offer_acceptance": OFFER_ACCEPTANCE,
    "agency.search_days.days": AGENCY_SEARCH_DAYS,
    "agency.assignment_days.mean_days": AGENCY_ASSIGNMENT.mean_days,
    "agency.assignment_days.sd_days": AGENCY_ASSIGNMENT.sd_days,
}


@dataclass(frozen=True)
class Derived:
    """One derived quantity: its scenario key (if any), value, unit and formula."""

    name: str
    value: float
    unit: str
    formula: str
    key: str | None = None


def _defaults(absence_rate: float) -> Scenario:
    """The schema's defaults, whose curves and case types the derivation reads, with the
    published absence rate."""
    return Scenario.model_validate(
        {"inspection": {"current_rating": RATING}, "capacity": {"absence_rate": absence_rate}}
    )


def derive() -> list[Derived]:
    """Every derived quantity, in order; those with a ``key`` go into the scenario."""
    avg = data.council_average(YEAR)
    out: list[Derived] = []

    def add(name, value, unit, formula, key=None):
        out.append(Derived(name, float(value), unit, formula, key))
        return float(value)

    absence = add(
        "absence rate",
        avg["absence_rate_fte"] / 100,
        "fraction",
        "absence_rate_fte / 100",
        "capacity.absence_rate",
    )
    scn = _defaults(absence)
    eff = scn.effects

    n = add("councils", avg["councils"], "returns", "local-authority rows in the 2025 release")
    inpost = add("in post", avg["inpost_fte"], "FTE", f"national inpost_fte / {n:.0f}")
    heads = add(
        "in post (people)", avg["inpost_headcount"], "people", f"inpost_headcount / {n:.0f}"
    )
    vac = add("vacancies", avg["vacancy_fte"], "FTE", f"vacancy_fte / {n:.0f}")
    agency = add("agency", avg["agency_fte"], "FTE", f"agency_fte / {n:.0f}")
    cover = add("agency covering vacancies", avg["agency_cover_fte"], "FTE", "agency_cover_fte / n")
    leavers = add("leavers", avg["leavers_fte"], "FTE/year", "leavers_fte / n")
    holders = add("case holders", avg["case_holders_fte"], "FTE", "case_holders_fte / n")
    cases = add("cases held", avg["cases"], "cases", "cases / n")

    # --- workforce and posts
    fte_per_head = add("FTE per person", inpost / heads, "FTE", "inpost_fte / inpost_headcount")
    add(
        "part-time share",
        round(part_time_share(fte_per_head, PART_TIME_FTE), 4),
        "fraction",
        f"(1 - FTE per person) / (1 - {PART_TIME_FTE}) with part-time FTE {PART_TIME_FTE}",
        "workforce.part_time_share",
    )
    establishment = add("FTE establishment", inpost + vac, "FTE", "inpost_fte + vacancy_fte")
    posts_exact = establishment / fte_per_head
    posts = round(posts_exact)
    v = vac / establishment
    add("posts", posts_exact, "posts", "FTE establishment / FTE per person")
    add("vacant share of posts", v, "fraction", "vacancy FTE / FTE establishment")

    # --- agency shares
    c = avg["vacancy_agency_cover_rate_fte"] / 100
    add("covered share of vacant time", c, "fraction", "vacancy_agency_cover_rate_fte / 100")
    extra_fte = add("extra agency", agency - cover, "FTE", "agency_fte - agency_cover_fte")

    # --- case-holding split
    case_posts_exact = case_holding_posts(holders, extra_fte, v, fte_per_head, c)
    case_posts = add(
        "case-holding posts",
        round(case_posts_exact),
        "posts",
        f"(case holders - extra agency) / (f ((1 - v) + v c)) = {case_posts_exact:.2f}",
        "establishment.case_holding_posts",
    )
    add(
        "non-case-holding posts",
        posts - case_posts,
        "posts",
        f"round(posts) - case-holding posts = {posts} - {case_posts:.0f}",
        "establishment.non_case_holding_posts",
    )

    # --- demand and caseload
    weight, hours = open_case_mix(scn)
    mean_duration = scn.demand.mean_duration_days
    add("mean open-case weight", weight, "units/case", "sum(share x duration x weight) / sum(...)")
    add("mean case duration", mean_duration, "days", "sum(share x mean duration) (schema default)")
    add(
        "arrivals",
        round(arrivals_per_day(cases, mean_duration), 3),
        "cases/day",
        f"cases / mean duration = {cases:.1f} / {mean_duration:.0f} (Little's law)",
        "demand.arrivals_per_day",
    )
    add("open cases", round(cases), "cases", "cases held on 30 September", "initial.open_cases")
    table = data.published_indicators()
    councils = table[(table.geographic_level == "Local authority") & (table.time_period == YEAR)]
    highest = float(councils.caseload_fte.max())
    add(
        "caseload target",
        round(highest * weight, 1),
        "units/FTE",
        f"highest council caseload {highest} x mean open-case weight {weight:.3f}",
        "caseload.target_per_fte",
    )
    caseload = cases / holders

    # --- the other multipliers on the resignation hazard at the 2025 state
    inc = scn.incidents
    blame = 1 - scn.culture.just_culture
    learning, rate_incidents = 0.0, 0.0
    for _ in range(50):  # steady learning stock: arrivals x culture x decay time
        rate_incidents = (
            inc.rate_per_1000_cases_per_year * cases / 1000 * eff.learning_on_incidents(learning)
        )
        learning = rate_incidents * scn.culture.just_culture * inc.learning_decay_days / 365.25
    add(
        "serious incidents",
        rate_incidents,
        "1/year",
        "rate per 1000 cases x cases / 1000 x learning_on_incidents(steady learning stock)",
    )
    defensive = rate_incidents * blame * inc.defensive_days / DAYS_PER_YEAR
    admin = scn.capacity.admin_share * eff.defensive_on_admin(defensive)
    add("admin share with defensive paperwork", admin, "fraction", "admin x defensive_on_admin")
    pressure = caseload * hours / _available_hours(scn, 1.0, admin)
    add("pressure", pressure, "ratio", "caseload x open-case hours / available hours (full time)")
    m_pressure = eff.pressure_on_resignation(pressure)
    m_culture = eff.culture_on_resignation(scn.culture.just_culture)
    reputation = scn.reputation.target_by_rating[RATING]
    add(
        "starting reputation",
        reputation,
        "index 0-1",
        f"reputation.target_by_rating[{RATING!r}], so that it holds until the first inspection",
        "reputation.initial",
    )
    m_reputation = eff.reputation_on_resignation(reputation)
    uncovered_manager = v * (1 - c)
    m_supervision = 1 + uncovered_manager * (
        eff.supervision_on_resignation(scn.supervision.vacant_manager_cover) - 1
    )
    teams = math.ceil(case_posts / 7)
    team_size = heads * case_posts / posts_exact / teams
    under_blame = rate_incidents * inc.blame_days / DAYS_PER_YEAR
    m_incidents = (
        1
        + under_blame * team_size / heads * (eff.blame_on_team_resignation(blame) - 1)
        + under_blame
        / heads
        * (eff.blame_on_resignation(blame) - eff.blame_on_team_resignation(blame))
    )
    other = m_pressure * m_culture * m_reputation * m_supervision * m_incidents
    add("pressure multiplier", m_pressure, "x", f"pressure_on_resignation({pressure:.3f})")
    add("culture multiplier", m_culture, "x", "culture_on_resignation(just_culture)")
    add("reputation multiplier", m_reputation, "x", f"reputation_on_resignation({reputation})")
    add("supervision multiplier", m_supervision, "x", "1 + v (1 - c) (m(vacant manager) - 1)")
    add("incident multiplier", m_incidents, "x", "1 + share of staff under blame x (m - 1)")
    add("other multipliers", other, "x", "product of the five above")

    # --- attrition
    h = leavers / inpost
    add("turnover", h, "1/year", "leavers_fte / inpost_fte")
    target_days = DAYS_PER_YEAR / h
    lo, hi = 0.0, 2.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if mean_completed_tenure_days(mid, other, scn)[0] > target_days:
            lo = mid
        else:
            hi = mid
    resign = add(
        "resignation hazard at reference",
        round((lo + hi) / 2, 4),
        "1/year",
        f"solves mean completed tenure = 1/h = {target_days:.0f} days "
        f"(retirement {RETIREMENT_RATE_PER_YEAR}, notice {NOTICE_DAYS:.0f} days)",
        "attrition.resignation_rate_per_year",
    )
    m1, m2, m3 = mean_completed_tenure_days(resign, other, scn)
    age_mean = m2 / (2 * m1)
    age_sd = math.sqrt(m3 / (3 * m1) - age_mean**2)
    add(
        "initial tenure mean",
        round(age_mean, 0),
        "days",
        "E[T^2] / (2 E[T]): time in post so far of those in post (stationary)",
        "initial.tenure_days.mean_days",
    )
    add(
        "initial tenure sd",
        round(age_sd, 0),
        "days",
        "sqrt(E[T^3] / (3 E[T]) - mean^2)",
        "initial.tenure_days.sd_days",
    )

    # --- time to fill
    tenure_days = DAYS_PER_YEAR / h
    fill = add(
        "time to fill D",
        v * tenure_days / (1 - v),
        "days",
        f"v T / (1 - v), T = 1/h = {tenure_days:.0f} days, v = {v:.4f}",
    )
    campaigns = (fill - STARTER_NOTICE_DAYS + READVERTISE_GAP_DAYS) / (
        CAMPAIGN_DAYS + READVERTISE_GAP_DAYS
    )
    add(
        "expected campaigns 1/p",
        campaigns,
        "campaigns",
        f"(D - notice + gap) / (campaign + gap) = ({fill:.1f} - {STARTER_NOTICE_DAYS:.0f} + "
        f"{READVERTISE_GAP_DAYS:.0f}) / ({CAMPAIGN_DAYS:.0f} + {READVERTISE_GAP_DAYS:.0f})",
    )
    p = 1 / campaigns
    mean_offers = -math.log(1 - p)
    add("mean accepted offers m", mean_offers, "per campaign", "-ln(1 - p)")
    m_applicants = eff.reputation_on_applicants(reputation) * eff.pay_on_applicants(1.0)
    add("applicant multiplier", m_applicants, "x", f"reputation_on_applicants({reputation})")
    add(
        "applicants per campaign",
        round(mean_offers / (APPOINTABLE_SHARE * OFFER_ACCEPTANCE * m_applicants), 4),
        "people",
        f"m / (appointable {APPOINTABLE_SHARE} x acceptance {OFFER_ACCEPTANCE} x multiplier)",
        "recruitment.applicants_per_campaign",
    )

    # --- agency cover: solve the availability for the covered share c
    rng = np.random.default_rng(MONTE_CARLO_SEED)
    u_campaign = rng.random(MONTE_CARLO_VACANCIES)
    n_campaigns = np.ceil(np.log(u_campaign) / math.log1p(-p))
    vacancy_days = (
        n_campaigns * CAMPAIGN_DAYS + (n_campaigns - 1) * READVERTISE_GAP_DAYS + STARTER_NOTICE_DAYS
    )
    phases = 80
    search_log = np.log(rng.random((phases, MONTE_CARLO_VACANCIES)))
    mu, sigma = AGENCY_ASSIGNMENT.log_params
    stays = rng.lognormal(mu, sigma, (phases, MONTE_CARLO_VACANCIES))
    lo, hi = 0.01, 1.0
    for _ in range(30):
        mid = (lo + hi) / 2
        if covered_share(mid, vacancy_days, search_log, stays) < c:
            lo = mid
        else:
            hi = mid
    found = add(
        "chance a search finds cover",
        (lo + hi) / 2,
        "per search",
        f"solves E[covered time] / E[vacancy] = c = {c:.3f} (Monte Carlo, "
        f"{MONTE_CARLO_VACANCIES} vacancies, seed {MONTE_CARLO_SEED})",
    )
    m_found = eff.reputation_on_agency_availability(reputation)
    add(
        "agency availability multiplier",
        m_found,
        "x",
        f"reputation_on_agency_availability({reputation})",
    )
    add(
        "agency availability",
        round(found / m_found, 4),
        "chance per search",
        "chance a search finds cover / multiplier",
        "agency.availability",
    )
    search_mean = AGENCY_SEARCH_DAYS / found
    add("mean time to find agency cover", search_mean, "days", "search days / availability")
    slots_exact = extra_fte * (AGENCY_ASSIGNMENT.mean + search_mean) / AGENCY_ASSIGNMENT.mean
    add(
        "extra agency workers",
        round(slots_exact),
        "slots",
        f"extra FTE x (assignment + search) / assignment = {slots_exact:.2f}",
        "agency.extra_workers",
    )
    add(
        "agency covering vacancies at start",
        round((agency - round(slots_exact)) / fte_per_head),
        "people",
        f"(agency FTE {agency:.1f} - extra slots) / FTE per post (the model starts every "
        f"extra slot filled, full time; DfE cover {cover:.1f})",
        "initial.agency_covering_vacancies",
    )
    add("vacancies at start", round(vac / fte_per_head), "posts", "vacancy FTE / FTE per post")
    return out


def initial_vacancy_split(values: dict[str, float]) -> tuple[int, int]:
    """(case-holding, non-case-holding) vacancies at the start date.

    DfE does not publish vacancies by role. The model puts the agency workers of the
    initial state into case-holding vacancies first, so the split is the one with which
    the initial case holders (employees in case-holding posts, agency workers in
    case-holding vacancies and the extra agency workers) have the published case-holder
    FTE: (C - k) f + min(k, a) f + e = case holders, solved for k.
    """
    avg = data.council_average(YEAR)
    fte_per_head = avg["inpost_fte"] / avg["inpost_headcount"]
    return _vacancy_split(
        case_posts=int(values["establishment.case_holding_posts"]),
        fte_per_head=fte_per_head,
        covered=int(values["initial.agency_covering_vacancies"]),
        extra=int(values["agency.extra_workers"]),
        vacancies=round(avg["vacancy_fte"] / fte_per_head),
        case_holders_fte=avg["case_holders_fte"],
    )


def scenario_values() -> dict[str, float]:
    """The scenario keys and the values the derivation gives them."""
    values = {d.key: d.value for d in derive() if d.key}
    values.update(ASSUMED)
    case_vac, other_vac = initial_vacancy_split(values)
    values["initial.vacant_case_holding_posts"] = case_vac
    values["initial.vacant_non_case_holding_posts"] = other_vac
    values["demand.arrivals_per_day"] = round(values["demand.arrivals_per_day"], 3)
    return values


def main() -> None:
    """Print each derived value with its formula, then the scenario keys."""
    derived = derive()
    width = max(len(d.name) for d in derived)
    print(f"Typical English council, DfE {YEAR} (per-council averages)\n")
    for d in derived:
        print(f"{d.name:<{width}}  {d.value:>12.4f} {d.unit:<18} {d.formula}")
    print("\nScenario values (scenarios/england_2025.yaml):")
    for key, value in scenario_values().items():
        shown = int(value) if float(value).is_integer() else value
        print(f"  {key}: {shown}")


if __name__ == "__main__":
    main()
