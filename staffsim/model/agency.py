"""Agency cover: searches that put agency workers into vacant posts or extra capacity, and
the price paid for them.

A search takes its duration; it finds someone with the market's availability (times any
reputation effect) if the agency use cap leaves room, and is repeated otherwise. An agency
worker stays for their own assignment length, or until a permanent starter releases them.
The day rate is the scenario's, moved by the spiral's reputation and held down by any
price cap, which in turn makes agency workers harder to find.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import Any

from simpy.events import Event

from staffsim.model.context import Context
from staffsim.model.entities import Post
from staffsim.model.interfaces import SpiralLoops
from staffsim.model.staff import Staff

__all__ = ["Agency"]


class Agency:
    """Agency searches, the agency use cap and the agency price of one replication."""

    def __init__(self, ctx: Context, staff: Staff, spiral: SpiralLoops) -> None:
        self.ctx = ctx
        self.staff = staff
        self.spiral = spiral
        self.extra_searching = 0
        """Searches under way for extra agency workers (not covering a post)."""
        self._found_draws = ctx.streams.uniform("agency.found")

    # ---------------------------------------------------------------------------- price
    def market_day_rate(self) -> float:
        """The day rate agencies ask now (GBP/day): the scenario's rate, moved by reputation."""
        rate = self.ctx.in_force.costs.agency_day_rate_gbp
        return rate * self.spiral.agency_market_multiplier()

    def update_price(self, now: float) -> None:
        """Set the price paid for agency time (the market rate, or the cap if lower)."""
        p = self.ctx.in_force
        market = self.market_day_rate()
        cap = p.agency.price_cap_gbp_per_day
        paid = market if cap is None else min(market, cap)
        base = p.costs.agency_day_rate_gbp
        self.staff.set_agency_price_multiplier(paid / base if base > 0 else 1.0, now)

    def availability_multiplier(self) -> float:
        """Multiplier on the chance a search succeeds: reputation and any price cap."""
        p = self.ctx.in_force
        m = self.spiral.agency_availability_multiplier()
        cap = p.agency.price_cap_gbp_per_day
        if cap is not None:
            market = self.market_day_rate()
            if market > 0 and cap < market:
                m *= p.effects.price_cap_on_agency_availability(cap / market)
        return m

    # ------------------------------------------------------------------------- searches
    def headroom(self) -> bool:
        """Whether the agency use cap allows one more agency worker."""
        max_share = self.ctx.in_force.agency.max_share_of_posts
        return len(self.staff.agency) + 1 <= max_share * self.staff.n_posts + 1e-9

    def _found(self) -> bool:
        chance = self.ctx.in_force.agency.availability * self.availability_multiplier()
        return self._found_draws() < chance and self.headroom()

    def open_search(self, post: Post) -> None:
        """Look for agency cover for vacant ``post`` if policy allows and none is under way."""
        if post.search_open or post.removed or not self.ctx.in_force.agency.cover_vacancies:
            return
        if post.employee is not None or post.agency is not None:
            return
        post.search_open = True
        self.ctx.env.process(self._search(post))

    def _search(self, post: Post) -> Generator[Event, Any, None]:
        env = self.ctx.env
        try:
            while True:
                yield env.timeout(self.ctx.draw("agency.search"))
                if post.removed or post.employee is not None or post.agency is not None:
                    return
                if not self.ctx.in_force.agency.cover_vacancies:
                    return
                if self._found():
                    self.staff.start_agency(post, env.now)
                    return
        finally:
            post.search_open = False

    def _n_extra(self) -> int:
        return sum(1 for w in self.staff.agency.values() if w.post is None)

    def open_extra_searches(self) -> None:
        """Start searches until extra agency workers (in post or sought) reach the target."""
        n_extra = self._n_extra()
        while n_extra + self.extra_searching < self.ctx.in_force.agency.extra_workers:
            self.extra_searching += 1
            self.ctx.env.process(self._extra_search())

    def _extra_search(self) -> Generator[Event, Any, None]:
        env = self.ctx.env
        try:
            while True:
                yield env.timeout(self.ctx.draw("agency.search"))
                if self._n_extra() >= self.ctx.in_force.agency.extra_workers:
                    return
                if self._found():
                    self.staff.start_agency(None, env.now)
                    return
        finally:
            self.extra_searching -= 1
