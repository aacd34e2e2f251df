"""Exact event logs of single workforce processes with fixed distributions.

Each test runs one post (or two) with every duration fixed and every chance 0 or 1, drives
the one random moment (a resignation) by hand at a known day, and asserts the whole trace
of workforce events, ``(day, kind, fields)`` in order, against the days worked out from the
scenario. Events of other processes (inspections, incidents) are left out of the log.
"""

from __future__ import annotations

import pytest
from modelkit import NEVER, fixed, make, quiet_base

from staffsim.model.run import build
from staffsim.model.service import DAYS_PER_YEAR

NOTICE = 28.0
CAMPAIGN = 60.0
STARTER_NOTICE = 42.0
SEARCH = 21.0
RESIGN_DAY = 10.0
WORKFORCE = {"start", "notice", "leave", "campaign", "offer_accepted", "agency_start", "agency_end"}


def _tracer(log: list):
    """A trace callback that appends each workforce event to ``log``."""

    def trace(day: float, kind: str, fields: dict) -> None:
        if kind in WORKFORCE:
            log.append((day, kind, fields))

    return trace


def _logged(scenario, until: float, resign_day: float | None = RESIGN_DAY):
    """Build ``scenario``, make worker 1 resign on ``resign_day`` and return the trace."""
    log: list[tuple[float, str, dict]] = []
    svc, _ = build(scenario, 0, trace=_tracer(log))
    if resign_day is not None:
        worker = svc.staff.employees[1]

        def resign():
            yield svc.env.timeout(resign_day)
            svc.attrition.give_notice(worker, svc.env.now, "resigned")

        svc.env.process(resign())
    svc.env.run(until=until)
    return log


def _start(worker: int, post: int = 0, newly_qualified: bool = False):
    return {"worker": worker, "post": post, "fte": 1.0, "newly_qualified": newly_qualified}


def _base(**changes):
    """One post with fixed durations; every effect off, so that an agency search with
    availability 1 always succeeds whatever the service's reputation."""
    return make(
        quiet_base(),
        {
            "attrition.notice_days": fixed(NOTICE),
            "recruitment.campaign_days": fixed(CAMPAIGN),
            "recruitment.starter_notice_days": fixed(STARTER_NOTICE),
            "agency.search_days": fixed(SEARCH),
            **changes,
        },
    ).with_effects_off()


def test_event_log_resignation_covered_by_agency_until_starter_released():
    """Notice on day 10, leaves after 28 days' notice (38), campaign opens at leaving (38),
    agency worker found after a 21-day search (59), offer accepted when the 60-day campaign
    ends (98), starter arrives after 42 days' notice (140) and releases the agency worker
    the same day."""
    leave = RESIGN_DAY + NOTICE
    offer = leave + CAMPAIGN
    start = offer + STARTER_NOTICE
    log = _logged(_base(**{"agency.cover_vacancies": True}), until=400)
    assert log == [
        (0, "start", _start(1)),
        (RESIGN_DAY, "notice", {"worker": 1, "post": 0, "reason": "resigned"}),
        (leave, "leave", {"worker": 1, "post": 0, "reason": "resigned"}),
        (leave, "campaign", {"post": 0}),
        (leave + SEARCH, "agency_start", {"worker": 2, "post": 0}),
        (offer, "offer_accepted", {"post": 0}),
        (start, "start", _start(3)),
        (start, "agency_end", {"worker": 2, "post": 0, "reason": "released"}),
    ]


def test_event_log_campaign_at_notice_starter_takes_over_on_leaving_day():
    """With the campaign opened at notice and a 90-day notice, the offer (day 70) and the
    starter's 7-day notice (77) both end before the leaver goes (100): the starter starts
    on the leaving day, so the post is never vacant and no agency search opens."""
    notice = 90.0
    log = _logged(
        _base(
            **{
                "recruitment.open_at": "notice",
                "attrition.notice_days": fixed(notice),
                "recruitment.starter_notice_days": fixed(7),
                "agency.cover_vacancies": True,
            }
        ),
        until=400,
    )
    leave = RESIGN_DAY + notice
    assert log == [
        (0, "start", _start(1)),
        (RESIGN_DAY, "notice", {"worker": 1, "post": 0, "reason": "resigned"}),
        (RESIGN_DAY, "campaign", {"post": 0}),
        (RESIGN_DAY + CAMPAIGN, "offer_accepted", {"post": 0}),
        (leave, "leave", {"worker": 1, "post": 0, "reason": "resigned"}),
        (leave, "start", _start(2)),
    ]


def test_event_log_campaign_at_notice_vacancy_until_starter_arrives():
    """Campaign at notice (day 10), leaver gone on day 38, the offer on day 70 and the
    starter on day 112 (42 days' notice): vacant from 38 to 112, uncovered without agency."""
    log = _logged(_base(**{"recruitment.open_at": "notice"}), until=400)
    leave = RESIGN_DAY + NOTICE
    offer = RESIGN_DAY + CAMPAIGN
    assert log == [
        (0, "start", _start(1)),
        (RESIGN_DAY, "notice", {"worker": 1, "post": 0, "reason": "resigned"}),
        (RESIGN_DAY, "campaign", {"post": 0}),
        (leave, "leave", {"worker": 1, "post": 0, "reason": "resigned"}),
        (offer, "offer_accepted", {"post": 0}),
        (offer + STARTER_NOTICE, "start", _start(2)),
    ]


def test_event_log_failed_campaigns_are_readvertised_after_the_gap():
    """With no applicants every campaign fails: a new one opens 60 + 14 days after the last,
    from the leaving day (38) to the end of the run, and nobody starts."""
    gap = 14.0
    log = _logged(
        _base(
            **{"recruitment.applicants_per_campaign": 0, "recruitment.readvertise_gap_days": gap}
        ),
        until=300,
    )
    leave = RESIGN_DAY + NOTICE
    campaigns = [leave + k * (CAMPAIGN + gap) for k in range(4)]  # 38, 112, 186, 260
    assert log == [
        (0, "start", _start(1)),
        (RESIGN_DAY, "notice", {"worker": 1, "post": 0, "reason": "resigned"}),
        (leave, "leave", {"worker": 1, "post": 0, "reason": "resigned"}),
        *[(day, "campaign", {"post": 0}) for day in campaigns],
    ]


def test_event_log_agency_assignment_ends_and_a_new_search_replaces_it():
    """A 30-day assignment ends on its own (59 + 30 = 89) while the post is still vacant;
    each end starts a new 21-day search, so agency workers cover the post from days 59,
    110 and 161 and leave on days 89, 140 and 191."""
    assignment = 30.0
    log = _logged(
        _base(
            **{
                "agency.cover_vacancies": True,
                "agency.assignment_days": fixed(assignment),
                "recruitment.campaign_days": fixed(NEVER),
            }
        ),
        until=200,
    )
    leave = RESIGN_DAY + NOTICE
    covers = []
    for k in range(3):
        begin = leave + SEARCH + k * (assignment + SEARCH)
        covers += [
            (begin, "agency_start", {"worker": 2 + k, "post": 0}),
            (
                begin + assignment,
                "agency_end",
                {"worker": 2 + k, "post": 0, "reason": "assignment_end"},
            ),
        ]
    assert log == [
        (0, "start", _start(1)),
        (RESIGN_DAY, "notice", {"worker": 1, "post": 0, "reason": "resigned"}),
        (leave, "leave", {"worker": 1, "post": 0, "reason": "resigned"}),
        (leave, "campaign", {"post": 0}),
        *covers,
    ]


def test_event_log_extra_agency_worker_is_kept_on():
    """One agency worker for extra capacity is in post on the start date with the rest of
    a 50-day assignment (between 0 and 50 days); when it ends a 21-day search finds the
    next, who stays the full 50 days, and so on; no vacancy is involved."""
    assignment = 50.0
    log = _logged(
        _base(**{"agency.extra_workers": 1, "agency.assignment_days": fixed(assignment)}),
        until=250,
        resign_day=None,
    )
    first_end = log[2][0]
    assert 0.0 <= first_end <= assignment
    expected = [
        (0, "start", _start(1)),
        (0, "agency_start", {"worker": 2, "post": None}),
        (first_end, "agency_end", {"worker": 2, "post": None, "reason": "assignment_end"}),
    ]
    begin = first_end + SEARCH
    worker = 3
    while begin < 250:
        expected.append((begin, "agency_start", {"worker": worker, "post": None}))
        if begin + assignment < 250:
            expected.append(
                (
                    begin + assignment,
                    "agency_end",
                    {"worker": worker, "post": None, "reason": "assignment_end"},
                )
            )
        begin += assignment + SEARCH
        worker += 1
    assert log == expected


def test_event_log_newly_qualified_cohort_fills_the_vacant_post_on_1_september():
    """A post vacant on the start date (1 October 2024) opens a campaign on day 0; the
    one-person cohort takes the post on 1 September 2025 (day 335), before the 400-day
    campaign ends, and the campaign then closes without an offer."""
    scenario = _base(
        **{
            "initial.vacant_case_holding_posts": 1,
            "recruitment.campaign_days": fixed(400),
            "recruitment.newly_qualified.per_year": 1,
            "horizon_years": 2.0,
        }
    )
    log = _logged(scenario, until=500, resign_day=None)
    assert log == [
        (0, "campaign", {"post": 0}),
        (335.0, "start", _start(1, newly_qualified=True)),
    ]


@pytest.mark.parametrize(
    ("resign_rate", "retire_rate", "reason"), [(1.0, 0.0, "resigned"), (0.0, 1.0, "retired")]
)
def test_event_log_attrition_clock_fires_when_integrated_hazard_reaches_it(
    resign_rate, retire_rate, reason
):
    """A clock of 0.1 at a constant hazard of 1 a year fires after 0.1 x 365.25 = 36.525
    days, across the review on day 30.4375 that re-evaluates the hazard; the reason follows
    the only non-zero hazard, and the post is vacant from the same day (no notice)."""
    scenario = make(
        quiet_base(),
        {
            "attrition.resignation_rate_per_year": resign_rate,
            "attrition.retirement_rate_per_year": retire_rate,
            "recruitment.campaign_days": fixed(NEVER),
        },
    ).with_effects_off()
    log: list[tuple[float, str, dict]] = []
    svc, _ = build(scenario, 0, trace=_tracer(log))
    worker = svc.staff.employees[1]
    worker.clock_remaining = 0.1
    svc.attrition.update_clock(worker, 0.0)  # replaces the drawn clock's schedule
    svc.env.run(until=100)
    expected_day = 0.1 * DAYS_PER_YEAR
    assert [(kind, fields) for _, kind, fields in log] == [
        ("start", _start(1)),
        ("notice", {"worker": 1, "post": 0, "reason": reason}),
        ("leave", {"worker": 1, "post": 0, "reason": reason}),
        ("campaign", {"post": 0}),
    ]
    assert [day for day, _, _ in log] == pytest.approx(
        [0.0, expected_day, expected_day, expected_day], rel=1e-12, abs=1e-9
    )
