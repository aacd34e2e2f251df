"""Agency cover: searches that put agency workers into vacant posts or extra capacity.

A search takes its duration; it finds someone with the market's availability (times any
reputation effect) if the agency use cap leaves room, and is repeated otherwise. An agency
worker stays for their own assignment length, or until a permanent starter releases them.
"""

from __future__ import annotations

from staffsim.model.entities import Post
from staffsim.model.service import Service

__all__ = ["open_extra_searches", "open_search"]


def headroom(svc: Service) -> bool:
    """Whether the agency use cap allows one more agency worker."""
    return len(svc.agency) + 1 <= svc.p.agency.max_share_of_posts * svc.n_posts + 1e-9


def _found(svc: Service) -> bool:
    chance = svc.p.agency.availability * svc.agency_availability_multiplier()
    return svc.uniforms["agency.found"]() < chance and headroom(svc)


def open_search(svc: Service, post: Post) -> None:
    """Look for agency cover for vacant ``post`` if policy allows and none is under way."""
    if post.search_open or post.removed or not svc.p.agency.cover_vacancies:
        return
    if post.employee is not None or post.agency is not None:
        return
    post.search_open = True
    svc.env.process(_search(svc, post))


def _search(svc: Service, post: Post):
    env = svc.env
    try:
        while True:
            yield env.timeout(svc.draw("agency.search"))
            if post.removed or post.employee is not None or post.agency is not None:
                return
            if not svc.p.agency.cover_vacancies:
                return
            if _found(svc):
                svc.start_agency(post, env.now)
                return
    finally:
        post.search_open = False


def open_extra_searches(svc: Service) -> None:
    """Start searches until extra agency workers (in post or sought) reach the target."""
    n_extra = sum(1 for w in svc.agency.values() if w.post is None)
    while n_extra + svc.extra_agency_searching < svc.p.agency.extra_workers:
        svc.extra_agency_searching += 1
        svc.env.process(_extra_search(svc))


def _extra_search(svc: Service):
    env = svc.env
    try:
        while True:
            yield env.timeout(svc.draw("agency.search"))
            n_extra = sum(1 for w in svc.agency.values() if w.post is None)
            if n_extra >= svc.p.agency.extra_workers:
                return
            if _found(svc):
                svc.start_agency(None, env.now)
                return
    finally:
        svc.extra_agency_searching -= 1
