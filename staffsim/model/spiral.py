"""The spiral's loops: supervision, practice quality, serious incidents and culture,
inspections and reputation.

Everything here is brought up to date at each attrition review (and at each incident), in
this order: culture follows its ramp; each team's supervision is worked out from its
manager's presence and span; quality moves towards the product of its drivers; learning
fades and old defensive paperwork drops away; reputation moves towards the latest
judgement. Incidents arrive as a Poisson process whose rate is constant between reviews,
drawn exactly from an exponential clock, and each is handled by the culture in force:

* blame (weight 1 - culture): the worker involved and their team become likelier to leave
  for a while, and defensive paperwork raises the admin share;
* just culture (weight culture): a review adds to a learning stock that lowers later
  incident rates.

Inspections judge recent quality less a penalty per incident; reputation follows the
judgements and drops when an incident reaches the press. Reputation feeds back on
applicants, resignations and the agency market, which closes the loop. Every connection
is an :class:`~staffsim.scenario.effects.Effect` that can be switched off.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Generator
from typing import Any

from simpy.events import Event, Timeout

from staffsim.model.calendar import DAYS_PER_YEAR
from staffsim.model.caseload import Caseload
from staffsim.model.context import Context
from staffsim.model.engine import ScheduledCall, payload
from staffsim.model.entities import CASE_HOLDING, Worker
from staffsim.model.interfaces import LoopReactions
from staffsim.model.staff import Staff
from staffsim.registry import Row
from staffsim.scenario.schema import Scenario
from staffsim.scenario.spiral import RATINGS, Rating

__all__ = ["NoSpiral", "Spiral"]


class Spiral:
    """The state of the spiral's loops for one service.

    It reads the cases and workers (``caseload``, ``staff``) and acts on the others through
    ``reactions``: a hazard to recompute when blame begins or ends, the agency price when
    the reputation moves.
    """

    reports = True

    def __init__(
        self, ctx: Context, caseload: Caseload, staff: Staff, reactions: LoopReactions
    ) -> None:
        self.ctx = ctx
        self.caseload = caseload
        self.staff = staff
        self.reactions = reactions
        p = ctx.in_force
        self.culture_start = p.culture.just_culture
        self.culture_from_day = 0.0
        self.culture_target = p.culture.target
        self.culture_ramp_days = p.culture.ramp_days
        self.culture = self.culture_start
        self.team_supervision: list[float] = [1.0] * p.establishment.teams
        # supervision_on_resignation of each team, worked out once per review
        self.team_resignation: list[float] = [1.0] * p.establishment.teams
        self.supervision_mean = 1.0
        self.quality = p.quality.base_index
        self.base_index = p.quality.base_index
        """Base practice quality in use: the scenario's, or the one that gives
        ``quality.start_index`` in the starting state."""
        self.quality_history: deque[tuple[float, float]] = deque()
        self.learning_stock = 0.0
        self.defensive: deque[tuple[float, float]] = deque()  # (day, blame weight)
        self.defensive_load = 0.0
        self.reputation = p.reputation.initial
        self.rating = p.inspection.current_rating
        self.worker_blame: dict[int, tuple[float, float]] = {}  # id -> (until, blame)
        self.team_blame: dict[int, tuple[float, float]] = {}
        self.incident_days: deque[float] = deque()
        self.incident_clock = 0.0
        self.last_review = 0.0
        self.changes_at_review = 0
        self.counts = {"incidents": 0, "incidents_press": 0, "inspections": 0}
        self.rng_clock = ctx.streams.exponential("incidents.clock")
        self.rng_incident = ctx.streams.uniform("incidents.detail")
        self.rng_judgement = ctx.streams["inspection.judgement"]
        self.interventions: list[tuple[float, float, float]] = []
        """(day of the inadequate judgement, gain in base quality, ramp days) of each
        intervention so far; a service inadequate on the start date has been under
        intervention since that judgement."""
        ins = p.inspection
        if ins.current_rating == "inadequate" and ins.intervention_quality_gain > 0:
            since = 0.0
            if ins.last_inspection_date is not None:
                since = ctx.calendar.day(ins.last_inspection_date)
            self.interventions.append(
                (since, ins.intervention_quality_gain, ins.intervention_ramp_days)
            )
        self.next_inspection = self._first_inspection_day()

    # ------------------------------------------------------------------------ start
    def start(self, next_review: float) -> None:
        """Work out the starting supervision and quality, then start inspections and
        the incidents due before ``next_review`` (called once the initial workforce and
        cases are in place)."""
        self._update_supervision()
        start_index = self.ctx.in_force.quality.start_index
        if start_index is not None:
            # the product of the starting state's multipliers (uncapped), read at a base of
            # 1; the stated practice is the judgement's, and an intervention under way since
            # that judgement adds its gain to it
            gain = self._intervention_gain(0.0)
            self.base_index = 1.0
            multiplier = self._quality_target(uncapped=True) / (1.0 + gain)
            self.base_index = start_index / multiplier if multiplier > 0 else start_index
        self.quality = self._quality_target()
        self.quality_history.append((0.0, self.quality))
        self.changes_at_review = self.caseload.unplanned_changes
        self.incident_clock = self.rng_clock()
        self._schedule_incidents(0.0, next_review)
        self.ctx.env.process(self._inspections())

    def _first_inspection_day(self) -> float:
        ctx = self.ctx
        ins = ctx.in_force.inspection
        interval = ins.interval_days[ins.current_rating]
        if ins.last_inspection_date is None:
            due = interval / 2
        else:
            due = ctx.calendar.day(ins.last_inspection_date) + interval
        return max(due, 0.0)

    # ----------------------------------------------------------------- multipliers
    def resignation_multiplier(self, worker: Worker, now: float) -> float:
        """Product of the spiral's multipliers on ``worker``'s resignation hazard."""
        eff = self.ctx.in_force.effects
        post = worker.post
        if post is not None and post.team < 0:
            # senior and other roles outside the teams: the service's supervision as a whole
            supervision = eff.supervision_on_resignation(self.supervision_mean)
        else:
            supervision = self.team_resignation[self.team_of(worker)]
        m = (
            eff.culture_on_resignation(self.culture)
            * eff.reputation_on_resignation(self.reputation)
            * supervision
        )
        blamed = self.worker_blame.get(worker.id)
        if blamed is not None and blamed[0] > now:
            return m * eff.blame_on_resignation(blamed[1])
        team = self.team_blame.get(self.team_of(worker))
        if team is not None and team[0] > now:
            m *= eff.blame_on_team_resignation(team[1])
        return m

    def applicant_multiplier(self) -> float:
        return self.ctx.in_force.effects.reputation_on_applicants(self.reputation)

    def agency_availability_multiplier(self) -> float:
        return self.ctx.in_force.effects.reputation_on_agency_availability(self.reputation)

    def agency_market_multiplier(self) -> float:
        """The market's agency day rate over the scenario's, given the reputation."""
        return self.ctx.in_force.effects.reputation_on_agency_price(self.reputation)

    def team_of(self, worker: Worker) -> int:
        """The team a worker belongs to (extra agency workers are spread by id)."""
        teams = len(self.team_supervision)
        post = worker.post
        if post is not None and post.team >= 0:
            return post.team % teams
        return worker.id % teams

    # ---------------------------------------------------------------------- review
    def review(self, now: float, next_review: float) -> None:
        """Bring every loop up to ``now`` and schedule the incidents before ``next_review``."""
        dt = now - self.last_review
        self._update_culture(now)
        self._update_supervision()
        p = self.ctx.in_force
        if dt > 0:
            target = self._quality_target(dt)
            self.quality += (target - self.quality) * -math.expm1(-dt / p.quality.smoothing_days)
            self.learning_stock *= math.exp(-dt / p.incidents.learning_decay_days)
            rep_target = p.reputation.target_by_rating[self.rating]
            self.reputation += (rep_target - self.reputation) * -math.expm1(
                -dt / p.reputation.adjust_days
            )
        self.quality_history.append((now, self.quality))
        window = max(p.inspection.window_days, DAYS_PER_YEAR)
        while self.quality_history and self.quality_history[0][0] < now - window:
            self.quality_history.popleft()
        while self.incident_days and self.incident_days[0] < now - window:
            self.incident_days.popleft()
        self._update_defensive(now)
        self.reactions.refresh_agency_price(now)
        self.last_review = now
        self.changes_at_review = self.caseload.unplanned_changes
        self._schedule_incidents(now, next_review)

    def _update_culture(self, now: float) -> None:
        if self.culture_target is None:
            return
        if self.culture_ramp_days <= 0:
            share = 1.0
        else:
            share = min(1.0, (now - self.culture_from_day) / self.culture_ramp_days)
        self.culture = self.culture_start + (self.culture_target - self.culture_start) * share

    def _update_supervision(self) -> None:
        p = self.ctx.in_force
        teams = len(self.team_supervision)
        present = [0.0] * teams
        for worker in self.caseload.holders.values():
            present[self.team_of(worker)] += 1
        manager_present = [False] * teams
        for post in self.staff.posts:
            filled = post.employee is not None or post.agency is not None
            if post.role != CASE_HOLDING and 0 <= post.team < teams and filled:
                manager_present[post.team] = True
        standard = p.capacity.supervision_hours_per_month
        offered = p.supervision.manager_hours_per_month
        total = weighted = 0.0
        for k in range(teams):
            if not manager_present[k]:
                ratio = p.supervision.vacant_manager_cover
            elif present[k] == 0 or standard <= 0:
                ratio = 1.0
            else:
                ratio = min(1.0, offered / (present[k] * standard))
            self.team_supervision[k] = ratio
            self.team_resignation[k] = p.effects.supervision_on_resignation(ratio)
            total += present[k]
            weighted += present[k] * ratio
        self.supervision_mean = weighted / total if total else 1.0

    def _quality_target(self, dt: float | None = None, *, uncapped: bool = False) -> float:
        caseload = self.caseload
        p = self.ctx.in_force
        eff = p.effects
        novice_days = p.quality.novice_experience_years * DAYS_PER_YEAR
        now = self.ctx.env.now
        fte = novice = 0.0
        for w in caseload.holders.values():
            fte += w.fte
            if w.experience_start_days + (now - w.start_day) < novice_days:
                novice += w.fte
        novice_share = novice / fte if fte else 0.0
        open_cases = caseload.open_cases
        if dt and open_cases:
            # planned moves between teams, with their handover, are not the instability the
            # continuity curve is about: only changes forced by a worker leaving count
            changes = caseload.unplanned_changes - self.changes_at_review
            changes_per_case_year = changes / open_cases * DAYS_PER_YEAR / dt
        else:
            changes_per_case_year = self._reference_changes()
        unallocated = caseload.n_waiting / open_cases if open_cases else 0.0
        target = (
            (self.base_index + self._intervention_gain(now))
            * eff.pressure_on_quality(caseload.service_pressure())
            * eff.experience_on_quality(novice_share)
            * eff.continuity_on_quality(changes_per_case_year)
            * eff.supervision_on_quality(self.supervision_mean)
            * eff.unallocated_on_quality(unallocated)
        )
        return target if uncapped else min(1.0, max(0.0, target))

    def _intervention_gain(self, now: float) -> float:
        """Base quality added by the interventions that followed inadequate judgements."""
        gain = 0.0
        for day, size, ramp in self.interventions:
            gain += size * min(1.0, max(0.0, (now - day) / ramp))
        return gain

    def _reference_changes(self) -> float:
        """Changes of social worker per case-year before any have been observed: the
        continuity curve's reference point (multiplier 1)."""
        for x, y in self.ctx.in_force.effects.continuity_on_quality.points:
            if y <= 1.0:
                return x
        return 0.0

    def _update_defensive(self, now: float) -> None:
        p = self.ctx.in_force
        keep = p.incidents.defensive_days
        while self.defensive and self.defensive[0][0] <= now - keep:
            self.defensive.popleft()
        self.defensive_load = sum(b for _, b in self.defensive)
        multiplier = p.effects.defensive_on_admin(self.defensive_load)
        extra = p.capacity.admin_share * (multiplier - 1.0)
        if extra != self.caseload.extra_admin_share:
            self.caseload.set_extra_admin_share(extra, now)

    # ------------------------------------------------------------------- incidents
    def incident_rate_per_day(self) -> float:
        """Expected serious incidents a day under the current quality and learning."""
        p = self.ctx.in_force
        eff = p.effects
        return (
            self.caseload.open_cases
            / 1000.0
            * p.incidents.rate_per_1000_cases_per_year
            / DAYS_PER_YEAR
            * eff.quality_on_incidents(self.quality)
            * eff.learning_on_incidents(self.learning_stock)
        )

    def _schedule_incidents(self, now: float, until: float) -> None:
        rate = self.incident_rate_per_day()
        t = now
        while rate > 0:
            wait = self.incident_clock / rate
            if t + wait > until:
                self.incident_clock -= rate * (until - t)
                return
            t += wait
            Timeout(self.ctx.env, t - now).callbacks.append(self._on_incident)
            self.incident_clock = self.rng_clock()

    def _on_incident(self, event: Event | None) -> None:
        ctx = self.ctx
        now = ctx.env.now
        p = ctx.in_force
        eff = p.effects
        u_worker = self.rng_incident()
        u_press = self.rng_incident()
        self.counts["incidents"] += 1
        self.incident_days.append(now)
        if u_press < p.incidents.press_share:
            self.counts["incidents_press"] += 1
            self.reputation = max(
                0.0, self.reputation - p.incidents.reputation_drop_per_press_incident
            )
        self._update_culture(now)
        blame = 1.0 - self.culture
        holders = list(self.caseload.holders.values())
        involved = holders[int(u_worker * len(holders))] if holders else None
        ctx.log(
            "incident",
            worker=None if involved is None else involved.id,
            press=u_press < p.incidents.press_share,
        )
        self.learning_stock += self.culture
        if blame > 0:
            self.defensive.append((now, blame))
            if eff.defensive_on_admin.enabled:
                self._update_defensive(now)
        if involved is None:
            return
        until = now + p.incidents.blame_days
        team = self.team_of(involved)
        # expired blame is never read again: drop it, so the record stays the size of the
        # blame in force however long the run
        self.worker_blame = {k: v for k, v in self.worker_blame.items() if v[0] > now}
        self.worker_blame[involved.id] = (until, blame)
        self.team_blame[team] = (until, blame)
        if blame > 0 and (
            eff.blame_on_resignation.enabled or eff.blame_on_team_resignation.enabled
        ):
            for worker in holders:
                if not worker.is_agency and self.team_of(worker) == team:
                    self.reactions.refresh_hazard(worker, now)
            ctx.schedule(p.incidents.blame_days, self._on_blame_over, team)

    def _on_blame_over(self, event: ScheduledCall) -> None:
        team: int = payload(event)
        now = self.ctx.env.now
        for worker in list(self.caseload.holders.values()):
            if not worker.is_agency and self.team_of(worker) == team:
                self.reactions.refresh_hazard(worker, now)

    # ------------------------------------------------------------------ inspections
    def _inspections(self) -> Generator[Event, Any, None]:
        env = self.ctx.env
        while True:
            if self.next_inspection > env.now:
                yield env.timeout(self.next_inspection - env.now)
            self.inspect(env.now)

    def inspect(self, now: float) -> Rating:
        """Judge the service on recent practice and incidents; returns the rating."""
        p = self.ctx.in_force.inspection
        start = now - p.window_days
        recent = [q for day, q in self.quality_history if day >= start] or [self.quality]
        incidents = sum(1 for day in self.incident_days if day >= start)
        open_cases = max(self.caseload.open_cases, 1)
        per_1000_cases_year = incidents / open_cases * 1000.0 * DAYS_PER_YEAR / p.window_days
        score = sum(recent) / len(recent) - p.incident_penalty * per_1000_cases_year
        if p.judgement_sd > 0:
            # a stream of its own, drawn only when used, so that exact judgements leave every
            # other random number as it was
            score += p.judgement_sd * float(self.rng_judgement.standard_normal())
        rating: Rating
        if score >= p.outstanding_from:
            rating = "outstanding"
        elif score >= p.good_from:
            rating = "good"
        elif score >= p.requires_improvement_from:
            rating = "requires_improvement"
        else:
            rating = "inadequate"
        self.rating = rating
        if rating == "inadequate" and p.intervention_quality_gain > 0:
            self.interventions.append((now, p.intervention_quality_gain, p.intervention_ramp_days))
        self.counts["inspections"] += 1
        self.next_inspection = now + p.interval_days[rating]
        self.ctx.log("inspection", rating=rating, score=round(score, 6))
        return rating

    # ----------------------------------------------------------------- observers
    def cumulative(self) -> dict[str, float]:
        """The loops' cumulative counters (incidents, press incidents, inspections)."""
        return dict(self.counts)

    def month_row(self, flows: dict[str, float]) -> Row:
        """The loops' columns of a monthly row (``flows``: the month's counter changes)."""
        return {
            "incidents": flows["incidents"],
            "incidents_press": flows["incidents_press"],
            "inspections": flows["inspections"],
            "quality_index": self.quality,
            "just_culture": self.culture,
            "supervision_ratio": self.supervision_mean,
            "reputation": self.reputation,
            "ofsted_rating_score": RATINGS.index(self.rating) + 1.0,
            "learning_stock": self.learning_stock,
            "defensive_load": self.defensive_load,
        }

    def snapshot_row(self, flows: dict[str, float]) -> Row:
        """The loops' columns of a 30 September row (``flows``: the year's changes)."""
        return {
            "quality_index": self.quality,
            "reputation": self.reputation,
            "just_culture": self.culture,
            "supervision_ratio": self.supervision_mean,
            "ofsted_rating": self.rating,
            "ofsted_rating_score": RATINGS.index(self.rating) + 1.0,
            "incidents": flows["incidents"],
            "inspections": flows["inspections"],
        }

    def policy_changed(self, old: Scenario, new: Scenario) -> None:
        """Follow a policy: a new culture target starts its ramp from today's culture."""
        now = self.ctx.env.now
        if new.culture != old.culture:
            self._update_culture(now)
            self.culture_start = self.culture
            self.culture_from_day = now
            self.culture_target = new.culture.target
            self.culture_ramp_days = new.culture.ramp_days
            if new.culture.target is None and new.culture.just_culture != old.culture.just_culture:
                self.culture = self.culture_start = new.culture.just_culture
        if new.establishment.teams != len(self.team_supervision):
            self.team_supervision = [1.0] * new.establishment.teams
            self.team_resignation = [1.0] * new.establishment.teams
        self._update_supervision()


class NoSpiral:
    """The spiral's loops switched off: the same shape as :class:`Spiral`, changing nothing.

    Every multiplier is 1, there are no incidents or inspections, and the records have no
    ``spiral`` columns: the model as it was before the loops were built.
    """

    reports = False

    def start(self, next_review: float) -> None:
        """Nothing to start."""

    def review(self, now: float, next_review: float) -> None:
        """Nothing to bring up to date."""

    def resignation_multiplier(self, worker: Worker, now: float) -> float:
        """No effect on resignations."""
        return 1.0

    def applicant_multiplier(self) -> float:
        """No effect on applicants."""
        return 1.0

    def agency_availability_multiplier(self) -> float:
        """No effect on agency availability."""
        return 1.0

    def agency_market_multiplier(self) -> float:
        """No effect on the agency market's rate."""
        return 1.0

    def cumulative(self) -> dict[str, float]:
        """No counters."""
        return {}

    def month_row(self, flows: dict[str, float]) -> Row:
        """No columns."""
        return {}

    def snapshot_row(self, flows: dict[str, float]) -> Row:
        """No columns."""
        return {}

    def policy_changed(self, old: Scenario, new: Scenario) -> None:
        """Nothing follows a policy."""
