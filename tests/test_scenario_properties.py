"""Properties of the loader over generated scenarios (hypothesis).

* Any valid scenario written to YAML and read back is the same scenario.
* Any value outside a field's range, or of the wrong type, is refused with a problem at
  exactly that field's key path, carrying the bad value.
* Any misspelt key, at any depth, is refused at its path with the right key suggested.
* Policies: the timeline holds, on each date, the last value each policy set, and a bad
  value in any policy is reported at ``policies[i].set.<path>``.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import annotated_types
import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from staffsim.scenario.errors import ScenarioError
from staffsim.scenario.loader import FIXED_FOR_A_RUN, load_scenario, validate_data
from staffsim.scenario.paths import get_path, set_path
from staffsim.scenario.schema import Scenario
from staffsim.scenario.timeline import policy_timeline

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

CROSS_FIELD = {
    # Fields tied to others by a rule across fields; they keep their defaults in generated
    # valid scenarios (the rules have their own tests).
    "schema_version",
    "initial.vacant_case_holding_posts",
    "initial.vacant_non_case_holding_posts",
    "initial.agency_covering_vacancies",
    "establishment.team_manager_posts",
    "caseload.ceiling_per_fte",
    "inspection.outstanding_from",
    "inspection.good_from",
    "inspection.requires_improvement_from",
}


@dataclass(frozen=True)
class Leaf:
    """A number field of a section: its dotted path, type and bounds."""

    path: str
    kind: type
    nullable: bool
    ge: float | None
    gt: float | None
    le: float | None
    lt: float | None

    @property
    def bounded(self) -> bool:
        return any(b is not None for b in (self.ge, self.gt, self.le, self.lt))


def _strip(tp: Any) -> tuple[Any, bool]:
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return (args[0] if len(args) == 1 else tp), len(args) < len(typing.get_args(tp))
    return tp, False


def _is_section(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel) and "dist" not in tp.model_fields


def number_leaves(model: type[BaseModel] = Scenario, prefix: str = "") -> list[Leaf]:
    """Every int or float field reached through sections only (not lists or mappings)."""
    out = []
    for name, field in model.model_fields.items():
        tp, nullable = _strip(field.annotation)
        path = f"{prefix}{name}"
        if _is_section(tp):
            if tp.__name__ != "Effect":
                out.extend(number_leaves(tp, path + "."))
        elif tp in (int, float):
            bounds = {"ge": None, "gt": None, "le": None, "lt": None}
            for m in field.metadata:
                for kind in bounds:
                    if isinstance(m, getattr(annotated_types, kind.capitalize())):
                        bounds[kind] = getattr(m, kind)
            out.append(Leaf(path, tp, nullable, **bounds))
    return out


def distribution_paths(model: type[BaseModel] = Scenario, prefix: str = "") -> list[str]:
    """Dotted paths of every distribution field reached through sections."""
    out = []
    for name, field in model.model_fields.items():
        tp, _ = _strip(field.annotation)
        if _is_section(tp):
            out.extend(distribution_paths(tp, f"{prefix}{name}."))
        elif typing.get_origin(tp) in (typing.Union, types.UnionType):
            out.append(f"{prefix}{name}")
    return out


def key_levels(model: type[BaseModel] = Scenario, prefix: str = "") -> list[tuple[str, list[str]]]:
    """(dotted path of a section, its keys) for the scenario and every section in it."""
    out = [(prefix.rstrip("."), list(model.model_fields))]
    for name, field in model.model_fields.items():
        tp, _ = _strip(field.annotation)
        if _is_section(tp):
            out.extend(key_levels(tp, f"{prefix}{name}."))
    return out


LEAVES = number_leaves()
VALID_LEAVES = [leaf for leaf in LEAVES if leaf.path not in CROSS_FIELD]
BOUNDED = [leaf for leaf in LEAVES if leaf.bounded]
DISTRIBUTIONS = distribution_paths()
POLICY_LEAVES = [leaf for leaf in VALID_LEAVES if leaf.path.split(".")[0] not in FIXED_FOR_A_RUN]


def test_the_generators_cover_the_schema():
    """The enumerations find the schema's numbers and distributions (so the properties
    below are not vacuous)."""
    assert len(LEAVES) > 50
    assert "caseload.target_per_fte" in {leaf.path for leaf in BOUNDED}
    assert "recruitment.campaign_days" in DISTRIBUTIONS
    assert len(POLICY_LEAVES) > 40


def valid_number(leaf: Leaf) -> st.SearchStrategy[Any]:
    """Values inside a field's range."""
    low = leaf.ge if leaf.ge is not None else leaf.gt
    high = leaf.le if leaf.le is not None else leaf.lt
    if leaf.kind is int:
        lo = int(low) + (1 if leaf.gt is not None else 0) if low is not None else -(10**6)
        hi = int(high) - (1 if leaf.lt is not None else 0) if high is not None else lo + 10**6
        values = st.integers(lo, hi)
    else:
        values = st.floats(
            min_value=low if low is not None else -1e9,
            max_value=high if high is not None else 1e9,
            exclude_min=leaf.gt is not None,
            exclude_max=leaf.lt is not None,
            allow_nan=False,
            allow_infinity=False,
        )
    return st.none() | values if leaf.nullable else values


@st.composite
def out_of_range(draw: st.DrawFn, leaf: Leaf) -> Any:
    """A value just or far outside a bounded field's range."""
    sides = []
    if leaf.ge is not None or leaf.gt is not None:
        sides.append("low")
    if leaf.le is not None or leaf.lt is not None:
        sides.append("high")
    side = draw(st.sampled_from(sides))
    if leaf.kind is int:
        step = draw(st.integers(1, 10**6))
        if side == "low":
            edge = leaf.ge if leaf.ge is not None else leaf.gt + 1
            return int(edge) - step
        edge = leaf.le if leaf.le is not None else leaf.lt - 1
        return int(edge) + step
    step = draw(st.sampled_from([0.0, 1e-6, 0.5, 1.0, 1e3]))
    if side == "low":
        if leaf.ge is not None:
            return leaf.ge - max(step, 1e-6)
        return leaf.gt - step
    if leaf.le is not None:
        return leaf.le + max(step, 1e-6 * max(1.0, abs(leaf.le)))
    return leaf.lt + step


@st.composite
def distributions(draw: st.DrawFn) -> dict[str, Any]:
    """Any valid distribution, as written in a file."""
    positive = st.floats(min_value=0.01, max_value=5000, allow_nan=False)
    kind = draw(st.sampled_from(["fixed", "exponential", "lognormal", "gamma", "uniform"]))
    if kind == "fixed":
        return {"dist": kind, "days": draw(st.floats(min_value=0, max_value=5000))}
    if kind == "exponential":
        return {"dist": kind, "mean_days": draw(positive)}
    if kind == "uniform":
        a, b = sorted([draw(st.floats(0, 5000)), draw(st.floats(0, 5000))])
        return {"dist": kind, "min_days": a, "max_days": b}
    return {"dist": kind, "mean_days": draw(positive), "sd_days": draw(positive)}


@st.composite
def case_types(draw: st.DrawFn) -> dict[str, Any]:
    """One to four case types whose shares sum to 1."""
    names = draw(
        st.lists(st.from_regex(r"[a-z][a-z_]{0,11}", fullmatch=True), min_size=1, max_size=4)
    )
    names = list(dict.fromkeys(names))
    weights = [draw(st.integers(1, 100)) for _ in names]
    return {
        name: {
            "share": w / sum(weights),
            "weight": draw(st.floats(min_value=0.1, max_value=10)),
            "duration": draw(distributions()),
        }
        for name, w in zip(names, weights, strict=True)
    }


TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30)
LABELS = st.from_regex(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,29}", fullmatch=True)


@st.composite
def valid_scenarios(draw: st.DrawFn) -> dict[str, Any]:
    """A raw scenario changing a random subset of fields to random valid values."""
    data: dict[str, Any] = {"name": draw(LABELS), "description": draw(TEXT)}
    for leaf in draw(st.lists(st.sampled_from(VALID_LEAVES), max_size=12, unique=True)):
        data = set_path(data, leaf.path, draw(valid_number(leaf)))
    for path in draw(st.lists(st.sampled_from(DISTRIBUTIONS), max_size=4, unique=True)):
        data = set_path(data, path, draw(distributions()))
    if draw(st.booleans()):
        data = set_path(data, "demand.case_types", draw(case_types()))
    data["start_date"] = draw(st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31)))
    return data


@pytest.mark.slow
@SETTINGS
@given(data=valid_scenarios())
def test_valid_scenarios_round_trip_through_yaml(data, tmp_path_factory):
    """validate -> dump to YAML -> load gives an equal Scenario."""
    scenario = validate_data(data, "generated")
    path = Path(tmp_path_factory.mktemp("rt")) / "s.yaml"
    # PyYAML escapes non-ASCII text when writing, so that text such as NEL survives.
    path.write_text(
        yaml.safe_dump(scenario.model_dump(mode="json"), sort_keys=False),
        encoding="utf-8",
    )
    assert load_scenario(path) == scenario


@SETTINGS
@given(st.data())
def test_any_out_of_range_value_is_refused_at_its_path(data):
    """The problem names the field's exact path, carries the value, and states a bound."""
    leaf = data.draw(st.sampled_from(BOUNDED))
    value = data.draw(out_of_range(leaf))
    try:
        validate_data(set_path({}, leaf.path, value), "generated")
    except ScenarioError as exc:
        found = {p.path: p for p in exc.problems}
        assert leaf.path in found, [p.format() for p in exc.problems]
        assert found[leaf.path].value == value
        assert any(sign in found[leaf.path].expected for sign in (">", "<"))
    else:
        raise AssertionError(f"{leaf.path}={value!r} was accepted")


WRONG_TYPES = (
    st.text(alphabet="abcxyz", min_size=1, max_size=8)
    | st.lists(st.integers(), max_size=2)
    | st.dictionaries(st.sampled_from(["a", "b"]), st.integers(), max_size=2)
)


@SETTINGS
@given(st.data())
def test_any_wrong_type_is_refused_at_its_path(data):
    """Text, a list or a mapping where a number belongs: refused at that path."""
    leaf = data.draw(st.sampled_from(LEAVES))
    value = data.draw(WRONG_TYPES)
    try:
        validate_data(set_path({}, leaf.path, value), "generated")
    except ScenarioError as exc:
        found = {p.path: p for p in exc.problems}
        assert leaf.path in found, [p.format() for p in exc.problems]
        assert "number" in found[leaf.path].expected
    else:
        raise AssertionError(f"{leaf.path}={value!r} was accepted")


@st.composite
def typos(draw: st.DrawFn, word: str) -> str:
    """One deletion, insertion, substitution or swap of adjacent letters."""
    i = draw(st.integers(0, len(word) - 1))
    letter = draw(st.sampled_from("abcdefghijklmnopqrstuvwxyz_"))
    edit = draw(st.sampled_from(["delete", "insert", "replace", "swap"]))
    if edit == "delete" and len(word) > 2:
        return word[:i] + word[i + 1 :]
    if edit == "swap" and i < len(word) - 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if edit == "replace":
        return word[:i] + letter + word[i + 1 :]
    return word[:i] + letter + word[i:]


CASE_TYPE = {"share": 1.0, "duration": {"dist": "fixed", "days": 1}}
LEVELS = [
    *key_levels(),
    ("demand.case_types.cin", ["share", "weight", "direct_hours_per_week", "duration"]),
]


@SETTINGS
@given(st.data())
def test_any_misspelt_key_is_refused_with_the_key_suggested(data):
    """A key one edit away from a real key, at any level, is reported at its path with a
    did-you-mean that includes the key meant."""
    section, keys = data.draw(st.sampled_from(LEVELS))
    key = data.draw(st.sampled_from(keys))
    typo = data.draw(typos(key))
    assume(typo not in keys)
    raw: dict[str, Any] = {"demand": {"case_types": {"cin": CASE_TYPE}}}
    path = f"{section}.{typo}" if section else typo
    raw = set_path(raw, path, 1)
    try:
        validate_data(raw, "generated")
    except ScenarioError as exc:
        found = {p.path: p for p in exc.problems}
        assert path in found, [p.format() for p in exc.problems]
        assert f"'{key}'" in (found[path].suggestion or ""), found[path].format()
    else:
        raise AssertionError(f"{path} was accepted")


@SETTINGS
@given(st.data())
def test_any_misspelt_distribution_name_is_refused_with_the_name_suggested(data):
    """``dist: <typo>`` is reported at ``<path>.dist`` suggesting the distribution meant."""
    path = data.draw(st.sampled_from(DISTRIBUTIONS))
    name = data.draw(st.sampled_from(["fixed", "exponential", "lognormal", "gamma", "uniform"]))
    typo = data.draw(typos(name))
    assume(typo not in {"fixed", "exponential", "lognormal", "gamma", "uniform"})
    try:
        validate_data(set_path({}, path, {"dist": typo}), "generated")
    except ScenarioError as exc:
        found = {p.path: p for p in exc.problems}
        assert f"{path}.dist" in found, [p.format() for p in exc.problems]
        assert f"'{name}'" in (found[f"{path}.dist"].suggestion or "")
    else:
        raise AssertionError(f"dist {typo!r} was accepted")


START = dt.date(2024, 10, 1)


@st.composite
def policies(draw: st.DrawFn) -> list[dict[str, Any]]:
    """One to five policies dated from a year before the start to a year after the end,
    each setting one to three fields to valid values."""
    out = []
    for i in range(draw(st.integers(1, 5))):
        leaves = draw(st.lists(st.sampled_from(POLICY_LEAVES), min_size=1, max_size=3, unique=True))
        out.append(
            {
                "name": f"policy {i}",
                "date": draw(st.dates(dt.date(2023, 10, 1), dt.date(2027, 10, 1))),
                "set": {leaf.path: draw(valid_number(leaf)) for leaf in leaves},
            }
        )
    return out


@pytest.mark.slow
@SETTINGS
@given(items=policies())
def test_the_timeline_holds_the_last_value_each_policy_set(items):
    """On each step's date the scenario holds, for every path, the value of the latest
    policy dated on or before it; steps are in date order; policies dated on or after
    the end date never apply."""
    scenario = validate_data(
        {"start_date": START, "horizon_years": 2, "policies": items}, "generated"
    )
    steps = policy_timeline(scenario)
    assert [s.date for s in steps] == sorted({s.date for s in steps})
    ordered = sorted(items, key=lambda p: p["date"])
    for step in steps:
        expected: dict[str, Any] = {}
        for policy in ordered:
            if max(policy["date"], START) <= step.date:
                expected.update(policy["set"])
        dumped = step.scenario.model_dump()
        for path, value in expected.items():
            assert get_path(dumped, path) == value, (step.date, path)
    applied = {p.name for s in steps for p in s.policies}
    assert applied == {p["name"] for p in items if p["date"] < scenario.end_date}


@pytest.mark.slow
@SETTINGS
@given(items=policies(), data=st.data())
def test_a_bad_value_in_any_policy_is_reported_at_its_set_path(items, data):
    """Replace one policy value by an out-of-range one: the problem names
    ``policies[i].set.<path>`` and the value."""
    i = data.draw(st.integers(0, len(items) - 1))
    leaf = data.draw(st.sampled_from([leaf for leaf in POLICY_LEAVES if leaf.bounded]))
    value = data.draw(out_of_range(leaf))
    items[i]["set"][leaf.path] = value
    try:
        validate_data({"start_date": START, "horizon_years": 2, "policies": items}, "generated")
    except ScenarioError as exc:
        found = {p.path: p for p in exc.problems}
        key = f"policies[{i}].set.{leaf.path}"
        assert key in found, [p.format() for p in exc.problems]
        assert found[key].value == value
    else:
        raise AssertionError(f"policy {i} setting {leaf.path}={value!r} was accepted")
