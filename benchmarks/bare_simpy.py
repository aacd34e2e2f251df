"""A plain SimPy model of the same service, as the yardstick for staffsim's speed.

480 case-holding posts, 27 case arrivals a day and exponential case durations of mean 247
days (Birmingham 2015's demand, sized from its published cases held), one SimPy process per
case, least-loaded allocation from a heap, cases still open when their assessment ends (45
working days, 63 calendar days, as staffsim's ``pathways.assessment_days``) passed once to
the least-loaded worker, a monthly attrition check of every worker at 15% a year, and a
leaver's post refilled after 60 days with the leaver's cases moved to other workers. It is
the least work a discrete-event model of the service must do, written the way a plain SimPy
model would be.
"""

from __future__ import annotations

import heapq
import random
import time

import simpy

POSTS = 480
ARRIVALS_PER_DAY = 27.0
MEAN_DURATION_DAYS = 247.0
ANNUAL_ATTRITION = 0.15
REFILL_DAYS = 60.0
MONTH_DAYS = 365.25 / 12
ASSESSMENT_DAYS = 63.0


def run(years: float = 10.0, seed: int = 1) -> tuple[float, int]:
    """Run the model for ``years``; returns (wall seconds, cases that arrived)."""
    rng = random.Random(seed)
    env = simpy.Environment()
    heap = [(0, w) for w in range(POSTS)]  # (cases held, worker), lazily invalidated
    cases_of: dict[int, set[int]] = {w: set() for w in range(POSTS)}
    in_post = set(range(POSTS))
    holder: dict[int, int] = {}
    arrived = 0

    def allocate(case: int) -> None:
        while True:
            n, w = heapq.heappop(heap)
            if w in in_post and n == len(cases_of[w]):
                break
        cases_of[w].add(case)
        holder[case] = w
        heapq.heappush(heap, (n + 1, w))

    def release(case: int) -> None:
        w = holder.pop(case)
        cases_of[w].discard(case)
        if w in in_post:
            heapq.heappush(heap, (len(cases_of[w]), w))

    def case_process(case: int):
        allocate(case)
        duration = rng.expovariate(1.0 / MEAN_DURATION_DAYS)
        if duration > ASSESSMENT_DAYS:
            yield env.timeout(ASSESSMENT_DAYS)
            release(case)  # from assessment to a long-term worker
            allocate(case)
            duration -= ASSESSMENT_DAYS
        yield env.timeout(duration)
        w = holder.pop(case)
        cases_of[w].discard(case)
        if w in in_post:
            heapq.heappush(heap, (len(cases_of[w]), w))

    def arrivals():
        nonlocal arrived
        while True:
            yield env.timeout(rng.expovariate(ARRIVALS_PER_DAY))
            arrived += 1
            env.process(case_process(arrived))

    def refill(w: int):
        yield env.timeout(REFILL_DAYS)
        in_post.add(w)
        heapq.heappush(heap, (len(cases_of[w]), w))

    def attrition_checks():
        p = 1 - (1 - ANNUAL_ATTRITION) ** (1 / 12)
        while True:
            yield env.timeout(MONTH_DAYS)
            for w in sorted(in_post):
                if rng.random() < p:
                    in_post.discard(w)
                    moving = list(cases_of[w])
                    cases_of[w].clear()
                    for case in moving:
                        allocate(case)
                    env.process(refill(w))

    env.process(arrivals())
    env.process(attrition_checks())
    started = time.perf_counter()
    env.run(until=365.25 * years)
    return time.perf_counter() - started, arrived


if __name__ == "__main__":
    wall, cases = run()
    print(f"bare SimPy model: {wall:.3f} s, {cases} cases, {1e6 * wall / cases:.2f} us per case")
