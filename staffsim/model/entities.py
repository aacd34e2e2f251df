"""The model's entities: posts, workers and cases.

Plain slotted classes, because a run creates hundreds of thousands of cases and attribute
access is the hot path.
"""

from __future__ import annotations

__all__ = ["CASE_HOLDING", "NON_CASE_HOLDING", "Case", "Post", "Worker"]

CASE_HOLDING = "case_holding"
NON_CASE_HOLDING = "non_case_holding"


class Post:
    """A funded post of ``fte`` full-time equivalents: filled by an employee, or vacant and
    perhaps covered by an agency worker; whoever fills it works its FTE."""

    __slots__ = (
        "agency",
        "campaign_open",
        "employee",
        "fte",
        "id",
        "offer_accepted",
        "pending_starter",
        "removed",
        "role",
        "search_open",
        "team",
        "vacant_since",
    )

    def __init__(self, post_id: int, role: str, team: int, fte: float = 1.0) -> None:
        self.id = post_id
        self.role = role
        self.team = team
        self.fte = fte
        self.employee: Worker | None = None
        self.agency: Worker | None = None
        self.vacant_since: float | None = 0.0
        self.campaign_open = False
        self.search_open = False
        self.pending_starter = False
        self.offer_accepted = False  # a starter is working their notice elsewhere
        self.removed = False


class Worker:
    """An employee or agency worker; case holders carry caseload and capacity bookkeeping.

    ``load``, ``target`` and ``ceiling`` are in caseload units, ``need_hours`` and
    ``avail_hours`` in direct-work hours a week; times are day offsets.
    """

    __slots__ = (
        "active",
        "avail_hours",
        "cases",
        "ceiling",
        "clock_hazard",
        "clock_last",
        "clock_remaining",
        "clock_token",
        "experience_start_days",
        "fte",
        "heap_seq",
        "holds_cases",
        "id",
        "is_agency",
        "load",
        "need_hours",
        "notice_day",
        "nq_until",
        "post",
        "ramp_until",
        "start_day",
        "target",
        "tenure_at_start_days",
    )

    def __init__(
        self,
        worker_id: int,
        is_agency: bool,
        holds_cases: bool,
        post: Post | None,
        fte: float,
        start_day: float,
        experience_start_days: float,
        tenure_at_start_days: float = 0.0,
    ) -> None:
        self.id = worker_id
        self.is_agency = is_agency
        self.holds_cases = holds_cases
        self.post = post
        self.fte = fte
        self.start_day = start_day
        self.experience_start_days = experience_start_days
        self.tenure_at_start_days = tenure_at_start_days
        # a dict, not a set: its insertion order keeps reallocation deterministic
        self.cases: dict[Case, None] = {}
        self.load = 0.0
        self.target = 0.0
        self.ceiling = 0.0
        self.need_hours = 0.0
        self.avail_hours = 0.0
        self.active = True
        self.heap_seq = 0
        self.nq_until = -1.0
        self.ramp_until = -1.0
        self.notice_day: float | None = None
        self.clock_remaining = 0.0
        self.clock_hazard = 0.0
        self.clock_last = start_day
        self.clock_token = 0

    def tenure_days(self, now: float) -> float:
        """Days in post at ``now``, including time before the run started."""
        return self.tenure_at_start_days + now - self.start_day

    def __repr__(self) -> str:
        kind = "agency" if self.is_agency else "employee"
        return f"Worker({self.id}, {kind}, cases={len(self.cases)})"


class Case:
    """A child or family with an open case.

    ``alloc_days`` holds the day of each allocation to a social worker (the first and every
    change), which is what continuity of care is measured from.
    """

    __slots__ = (
        "alloc_days",
        "arrive_day",
        "close_day",
        "closed",
        "duration",
        "hours",
        "id",
        "kind",
        "weight",
        "worker",
    )

    def __init__(self, case_id: int, kind: int, weight: float, hours: float, day: float) -> None:
        self.id = case_id
        self.kind = kind
        self.weight = weight
        self.hours = hours
        self.arrive_day = day
        self.close_day = -1.0
        self.closed = False
        self.duration = 0.0
        self.worker: Worker | None = None
        self.alloc_days: list[float] = []

    def __repr__(self) -> str:
        return f"Case({self.id}, kind={self.kind})"
