"""Rules across fields of a scenario: values each valid alone that do not fit together.

Each rule names the key paths it reads (its *inputs*) and, when broken, gives an issue at
the key path to change, so that the message points at a line of the file. The scenario's
validator runs every rule and reports every broken one at once
(:class:`~staffsim.scenario.errors.RuleViolations`); the loader also runs them when other
fields are wrong, leaving out the rules whose inputs were wrong themselves.

A rule reads values through a function ``get(loc)`` rather than the scenario class, so that
this module sits below the schema that uses it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from staffsim.scenario.errors import Issue, Loc

__all__ = ["RULES", "Rule", "broken_rules"]

Get = Callable[[Loc], Any]
"""The value at a key path of a validated scenario."""


@dataclass(frozen=True)
class Rule:
    """A rule across fields: ``check(get)`` returns the issue if it is broken, else None."""

    inputs: tuple[Loc, ...]
    check: Callable[[Get], Issue | None]


def _vacancies_within(posts: str) -> Rule:
    vacant: Loc = ("initial", f"vacant_{posts}")
    funded: Loc = ("establishment", posts)

    def check(get: Get) -> Issue | None:
        if get(vacant) <= get(funded):
            return None
        return Issue(
            vacant,
            f"at most establishment.{posts} ({get(funded)}): posts cannot be vacant that "
            "are not funded",
            get(vacant),
            kind="rule",
        )

    return Rule((vacant, funded), check)


def _one_way_of_giving_agency_cover(get: Get) -> Issue | None:
    share, count = (
        get(("initial", "agency_cover_share")),
        get(("initial", "agency_covering_vacancies")),
    )
    if share is None or not count:
        return None
    return Issue(
        ("initial", "agency_cover_share"),
        "null when initial.agency_covering_vacancies is given: give one or the other, not both",
        share,
        kind="rule",
    )


def _agency_within_vacancies(get: Get) -> Issue | None:
    count = get(("initial", "agency_covering_vacancies"))
    vacancies = get(("initial", "vacant_case_holding_posts")) + get(
        ("initial", "vacant_non_case_holding_posts")
    )
    if count <= vacancies:
        return None
    return Issue(
        ("initial", "agency_covering_vacancies"),
        f"at most the initial vacancies ({vacancies}): agency workers on the start date "
        "cover vacant posts",
        count,
        kind="rule",
    )


def _shares_sum_to_one(get: Get) -> Issue | None:
    case_types = get(("demand", "case_types"))
    total = sum(t.share for t in case_types.values())
    if abs(total - 1.0) <= 1e-6:
        return None
    return Issue(
        ("demand", "case_types"),
        f"case types whose shares sum to 1; they sum to {total:.6g}",
        {name: t.share for name, t in case_types.items()},
        kind="rule",
    )


def _inspected_before_the_start(get: Get) -> Issue | None:
    last, start = get(("inspection", "last_inspection_date")), get(("start_date",))
    if last is None or last <= start:
        return None
    return Issue(
        ("inspection", "last_inspection_date"),
        f"a date on or before start_date ({start.isoformat()}): the latest judgement on the "
        "start date cannot come after it",
        last,
        kind="rule",
    )


def _ceiling_at_least_the_target(get: Get) -> Issue | None:
    ceiling, target = get(("caseload", "ceiling_per_fte")), get(("caseload", "target_per_fte"))
    if ceiling is None or ceiling >= target:
        return None
    return Issue(
        ("caseload", "ceiling_per_fte"),
        f"at least caseload.target_per_fte ({target:g}), or null for no ceiling: a hard "
        "limit below the target would make the target unreachable",
        ceiling,
        kind="rule",
    )


RULES: tuple[Rule, ...] = (
    _vacancies_within("case_holding_posts"),
    _vacancies_within("non_case_holding_posts"),
    Rule(
        (("initial", "agency_cover_share"), ("initial", "agency_covering_vacancies")),
        _one_way_of_giving_agency_cover,
    ),
    Rule(
        (
            ("initial", "agency_covering_vacancies"),
            ("initial", "vacant_case_holding_posts"),
            ("initial", "vacant_non_case_holding_posts"),
        ),
        _agency_within_vacancies,
    ),
    Rule((("demand", "case_types"),), _shares_sum_to_one),
    Rule((("inspection", "last_inspection_date"), ("start_date",)), _inspected_before_the_start),
    Rule(
        (("caseload", "ceiling_per_fte"), ("caseload", "target_per_fte")),
        _ceiling_at_least_the_target,
    ),
)
"""Every rule across the fields of a scenario."""


def broken_rules(get: Get) -> list[Issue]:
    """The issue of each broken rule, each carrying the rule's inputs."""
    issues = []
    for rule in RULES:
        issue = rule.check(get)
        if issue is not None:
            issues.append(dataclasses.replace(issue, inputs=rule.inputs))
    return issues
