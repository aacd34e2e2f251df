"""A corpus of bad inputs: each refused at once with exit status 2, a message naming where
the bad value came from (file and line, key, flag or parameter) and no traceback.

The cases are grouped by the class of fault they belong to (:data:`CLASSES`): nonsense that
used to be accepted silently, unbounded reads, faults that used to end in a traceback,
problems that used to be reported one run at a time, errors in the wrong language, and
names that could be used as paths. The properties at the end generate invalid scenarios
from the schema (always a clean error) and valid scenarios at the edges of the bounds
(each runs a month).
"""

from __future__ import annotations

import math
import os
import signal
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_scenario_properties import CROSS_FIELD, DISTRIBUTIONS, LEAVES, Leaf

import staffsim
from staffsim.cli.main import main
from staffsim.cli.parsing import message
from staffsim.errors import ParameterError, UserError
from staffsim.model.run import run_one
from staffsim.scenario.distributions import MAX_DAYS, MIN_DAYS
from staffsim.scenario.effects import MAX_INPUT, MAX_MULTIPLIER
from staffsim.scenario.errors import ScenarioError
from staffsim.scenario.loader import validate_data
from staffsim.scenario.paths import set_path
from staffsim.scenario.schema import Effects, Scenario

REPO = Path(__file__).parent.parent
EXAMPLE = REPO / "scenarios" / "example_small.yaml"

CLASSES = {
    "nonsense": "silent nonsense accepted (empty file, true or text for a number, dates "
    "out of the calendar, zero posts, values that overflow)",
    "unbounded": "unbounded reads (a device, a named pipe, a file too large)",
    "traceback": "tracebacks where a message belongs (NUL bytes, --years 1e-9)",
    "instalments": "validation in instalments (field, cross-field and policy problems)",
    "language": "errors in the wrong language (flags for Python callers, --set for --vary)",
    "names": "names used as paths",
}
"""The classes of bad input, after issue 12's list (and issue 11's names)."""


@dataclass(frozen=True)
class Case:
    """A bad command line: files to write, the arguments (``{dir}`` is the folder the
    files are in), and text every line of which must appear in standard error."""

    id: str
    kind: str
    argv: tuple[str, ...]
    expected: tuple[str, ...]
    files: dict[str, str] = field(default_factory=dict)


def _file(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


CASES = [
    # --- silent nonsense ------------------------------------------------------------
    Case(
        "empty file",
        "nonsense",
        ("validate", "{dir}/empty.yaml"),
        ("empty.yaml:", "empty or holds only comments"),
        {"empty.yaml": ""},
    ),
    Case(
        "comment-only file",
        "nonsense",
        ("validate", "{dir}/c.yaml"),
        ("c.yaml:", "empty or holds only comments"),
        {"c.yaml": "# a plan for later\n\n"},
    ),
    Case(
        "true for money on --set",
        "nonsense",
        ("validate", str(EXAMPLE), "--set", "costs.salary_gbp_per_year=true"),
        ("--set: costs.salary_gbp_per_year", "value:    true", "a number >= 0", "GBP/year"),
    ),
    Case(
        "true for a horizon in a file",
        "nonsense",
        ("validate", "{dir}/s.yaml"),
        ("s.yaml:2:1: horizon_years", "value:    true", "(years)"),
        {"s.yaml": "name: s\nhorizon_years: true\n"},
    ),
    Case(
        "a number written as text",
        "nonsense",
        ("validate", "{dir}/s.yaml"),
        ("s.yaml:3:3: recruitment.ramp_up_days", "value:    '60'", "a number"),
        {"s.yaml": "name: s\nrecruitment:\n  ramp_up_days: '60'\n"},
    ),
    Case(
        "a fraction for a whole number",
        "nonsense",
        ("validate", "{dir}/s.yaml"),
        ("s.yaml:3:3: establishment.case_holding_posts", "a whole number"),
        {"s.yaml": "name: s\nestablishment:\n  case_holding_posts: 40.5\n"},
    ),
    Case(
        "start date in year 1",
        "nonsense",
        ("validate", str(EXAMPLE), "--set", "start_date=0001-10-01"),
        ("--set: start_date", ">= 1900-01-01"),
    ),
    Case(
        "start date in year 9999",
        "nonsense",
        ("validate", "{dir}/s.yaml"),
        ("s.yaml:2:1: start_date", "<= 2200-12-31"),
        {"s.yaml": "name: s\nstart_date: 9999-12-01\n"},
    ),
    Case(
        "last inspection after the start",
        "nonsense",
        ("validate", "{dir}/s.yaml"),
        ("s.yaml:4:3: inspection.last_inspection_date", "on or before start_date"),
        {
            "s.yaml": "name: s\nstart_date: 2024-10-01\ninspection:\n"
            "  last_inspection_date: 2025-03-01\n"
        },
    ),
    Case(
        "zero case-holding posts",
        "nonsense",
        ("validate", str(EXAMPLE), "--set", "establishment.case_holding_posts=0"),
        ("--set: establishment.case_holding_posts", "a whole number >= 1"),
    ),
    Case(
        "1e308 in a duration",
        "nonsense",
        ("validate", "{dir}/s.yaml"),
        ("s.yaml:5:5: recruitment.campaign_days.days", "<= 36525 (days)"),
        {
            "s.yaml": "name: s\nrecruitment:\n  campaign_days:\n    dist: fixed\n"
            "    days: 1.0e+308\n"
        },
    ),
    Case(
        "a mean too small to sample",
        "nonsense",
        ("validate", "{dir}/s.yaml"),
        ("s.yaml:4:5: agency.assignment_days.mean_days", ">= 0.001"),
        {
            "s.yaml": "name: s\nagency:\n  assignment_days: {dist: exponential,\n"
            "    mean_days: 1.0e-300}\n"
        },
    ),
    Case(
        "an effect multiplier that overflows",
        "nonsense",
        ("validate", "{dir}/s.yaml"),
        ("s.yaml:4:", "effects.pressure_on_resignation.points[0][1]", "<= 10"),
        {"s.yaml": "name: s\neffects:\n  pressure_on_resignation:\n    points: [[1, 1.0e+300]]\n"},
    ),
    Case(
        "a policy cost beyond any budget",
        "nonsense",
        ("validate", "{dir}/s.yaml"),
        ("s.yaml:3:5: policies[0].cost_gbp_one_off", "(GBP)"),
        {
            "s.yaml": "name: s\npolicies:\n  - cost_gbp_one_off: 1.0e+300\n"
            "    name: p\n    date: 2025-01-01\n    set: {caseload.target_per_fte: 20}\n"
        },
    ),
    # --- unbounded reads --------------------------------------------------------------
    Case(
        "a device",
        "unbounded",
        ("validate", "/dev/zero"),
        ("/dev/zero:", "a regular file, not a device"),
    ),
    Case(
        "a named pipe",
        "unbounded",
        ("validate", "{dir}/pipe.yaml"),
        ("pipe.yaml:", "a regular file, not a named pipe"),
    ),
    Case("a folder", "unbounded", ("validate", "{dir}"), ("a file, not a directory",)),
    # --- tracebacks where a message belongs -----------------------------------------------
    Case(
        "NUL bytes",
        "traceback",
        ("validate", "{dir}/nul.yaml"),
        ("nul.yaml:2:", "without NUL bytes"),
        {"nul.yaml": "name: s\nseed: 1\x00\n"},
    ),
    Case(
        "a horizon of a billionth of a year",
        "traceback",
        ("run", str(EXAMPLE), "--years", "1e-9", "--quiet", "--out", "{dir}/out"),
        ("--years: horizon_years", ">= 0.003", "(years)"),
    ),
    Case(
        "not UTF-8",
        "traceback",
        ("validate", "{dir}/latin.yaml"),
        ("latin.yaml:", "UTF-8"),
        {"latin.yaml": "name: caf\udce9\n"},
    ),
    # --- every problem at once --------------------------------------------------------
    Case(
        "field, rule and policy problems together",
        "instalments",
        ("validate", "{dir}/s.yaml"),
        (
            "3 problems",
            "s.yaml:2:1: horizon_years",
            "s.yaml:6:3: initial.vacant_case_holding_posts",
            "at most establishment",
            "s.yaml:11:7: policies[0].set.capacity.admin_share",
        ),
        {
            "s.yaml": "name: s\nhorizon_years: -1\nestablishment:\n  case_holding_posts: 20\n"
            "initial:\n  vacant_case_holding_posts: 30\npolicies:\n  - name: p\n"
            "    date: 2025-01-01\n    set:\n      capacity.admin_share: 2\n"
        },
    ),
    Case(
        "a policy dated outside the calendar with a bad field",
        "instalments",
        ("validate", "{dir}/s.yaml"),
        ("2 problems", "s.yaml:2:1: seed", "s.yaml:4:5: policies[0].date"),
        {
            "s.yaml": "name: s\nseed: -3\npolicies:\n  - date: 9999-01-01\n    name: p\n"
            "    set: {caseload.target_per_fte: 20}\n"
        },
    ),
    # --- errors in the command line's language -------------------------------------------
    Case(
        "a --vary typo names --vary",
        "language",
        (
            "sweep",
            str(EXAMPLE),
            "--vary",
            "caseload.target_per_ft=16,18",
            "--quiet",
            "--out",
            "{dir}/out",
        ),
        ("--vary: caseload.target_per_ft", "did you mean 'caseload.target_per_fte'?"),
    ),
    Case(
        "a --vary value of the wrong type names --vary",
        "language",
        (
            "sweep",
            str(EXAMPLE),
            "--vary",
            "costs.salary_gbp_per_year=true,40000",
            "--quiet",
            "--out",
            "{dir}/out",
        ),
        ("--vary: costs.salary_gbp_per_year", "value:    true"),
    ),
    Case(
        "a --lever value out of range names --lever",
        "language",
        (
            "tipping",
            str(EXAMPLE),
            "--lever",
            "capacity.admin_share=0.2,1.5",
            "--quiet",
            "--out",
            "{dir}/out",
        ),
        ("--lever: capacity.admin_share", "value:    1.5"),
    ),
    Case(
        "a name clash on the command line does not suggest labels=",
        "language",
        ("compare", "{dir}/a/x.yaml", "{dir}/b/x.yaml", "--quiet", "--out", "{dir}/out"),
        ("distinct names", "in its file"),
        {"a/x.yaml": "name: same\n", "b/x.yaml": "name: same\n"},
    ),
    # --- names are labels, not paths ---------------------------------------------------
    Case(
        "a name climbing out of runs/",
        "names",
        ("validate", "{dir}/s.yaml"),
        ("s.yaml:1:1: name", "value:    '../../x'", "not starting with '.'"),
        {"s.yaml": "name: ../../x\n"},
    ),
    Case(
        "an absolute path as a name",
        "names",
        ("validate", str(EXAMPLE), "--set", "name=/tmp/elsewhere"),
        ("--set: name", "may not be a path"),
    ),
    Case(
        "a hidden name",
        "names",
        ("validate", "{dir}/s.yaml"),
        ("s.yaml:1:1: name", "not starting with '.'"),
        {"s.yaml": "name: .hidden\n"},
    ),
]


def _setup(case: Case, tmp_path: Path) -> list[str]:
    for name, text in case.files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        data = text.encode("utf-8", errors="surrogateescape")
        path.write_bytes(data)
    if case.id == "a named pipe":
        if not hasattr(os, "mkfifo"):
            pytest.skip("no named pipes on this system")
        os.mkfifo(tmp_path / "pipe.yaml")
    if "/dev/zero" in case.argv and not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero on this system")
    return [a.replace("{dir}", str(tmp_path)) for a in case.argv]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_a_bad_input_exits_2_with_a_message_and_no_traceback(case, tmp_path, capsys):
    """Exit 2; every expected fragment in the message; no traceback anywhere."""
    argv = _setup(case, tmp_path)
    status = main(argv)
    out, err = capsys.readouterr()
    assert status == 2, err
    for fragment in case.expected:
        assert fragment in err, f"{fragment!r} not in:\n{err}"
    assert "Traceback" not in out + err


def test_the_corpus_covers_every_class():
    """At least one case of each class of bad input."""
    assert {c.kind for c in CASES} == set(CLASSES)


def test_a_file_is_not_read_past_its_limit(tmp_path, monkeypatch):
    """A file that lies about its size (it grows) is read no further than the limit: the
    read is bounded, not the size check alone."""
    from staffsim.scenario import yaml_io

    path = tmp_path / "big.yaml"
    path.write_text("name: x\n" + "# padding\n" * 1000)
    reads: list[int] = []
    real_read = yaml_io.os.fdopen

    def spying_fdopen(fd: int, mode: str) -> Any:
        handle = real_read(fd, mode)
        original = handle.read

        def read(n: int = -1) -> bytes:
            reads.append(n)
            return original(n)

        handle.read = read  # type: ignore[method-assign]
        return handle

    monkeypatch.setattr(yaml_io.os, "fdopen", spying_fdopen)
    monkeypatch.setattr(yaml_io, "MAX_FILE_BYTES", 100)
    with pytest.raises(ScenarioError, match="at most 100 bytes"):
        yaml_io.load_yaml_file(path)
    assert reads == [101]


# --- the library speaks Python ---------------------------------------------------------


@pytest.mark.parametrize(
    "call, expected, flag_text",
    [
        (
            lambda: staffsim.run(EXAMPLE, replications=0, progress=False),
            "replications must be at least 1, got 0",
            "--replications must be at least 1, got 0",
        ),
        (
            lambda: staffsim.compare(EXAMPLE, EXAMPLE, precision=2.0, progress=False),
            "precision is a fraction of the mean",
            "--precision is a fraction of the mean",
        ),
        (
            lambda: staffsim.sweep(EXAMPLE, {}, progress=False),
            "vary must name at least one key path",
            "--vary must name at least one key path",
        ),
    ],
    ids=["replications", "precision", "vary"],
)
def test_library_errors_name_parameters_and_the_cli_names_flags(call, expected, flag_text):
    """The Python message names the parameter; the CLI's rendering names the flag."""
    with pytest.raises(ParameterError) as excinfo:
        call()
    assert str(excinfo.value).startswith(expected)
    assert "--" not in str(excinfo.value)
    assert message(excinfo.value).startswith(flag_text)


def test_a_keyword_override_is_named_as_a_keyword():
    """``caseload__target_per_fte=-1`` is reported as that keyword, not as ``--set``."""
    with pytest.raises(ScenarioError) as excinfo:
        staffsim.load_scenario(EXAMPLE, name="k", caseload__target_per_fte=-1)
    (problem,) = excinfo.value.problems
    assert problem.file == "keyword caseload__target_per_fte"
    assert "--set" not in str(excinfo.value)


def test_years_is_named_as_the_years_parameter():
    """``staffsim.run(years=1e-9)`` names the ``years`` parameter."""
    with pytest.raises(ScenarioError) as excinfo:
        staffsim.run(EXAMPLE, replications=1, years=1e-9, progress=False)
    (problem,) = excinfo.value.problems
    assert (problem.file, problem.path) == ("years", "horizon_years")


def test_a_name_clash_suggests_labels_to_python_callers_only():
    """The Python API can pass ``labels=``; the command line cannot, and is not told to."""
    same = staffsim.load_scenario(EXAMPLE)
    with pytest.raises(UserError) as excinfo:
        staffsim.compare(same, same, progress=False)
    assert "labels=" in str(excinfo.value)
    assert "labels=" not in message(excinfo.value)


# --- properties ------------------------------------------------------------------------

PROPERTY_SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

NUMBER_LEAVES = [leaf for leaf in LEAVES if leaf.bounded]

WRONG_TYPES = st.sampled_from([True, False, "60", "1e3", "", None, [1], {"a": 1}])


@st.composite
def invalid_scenarios(draw: st.DrawFn) -> tuple[dict[str, Any], str]:
    """A raw scenario with one field given a wrong value: a wrong type, a value out of its
    bounds, a non-finite number or a date outside the calendar; and the field's path."""
    kind = draw(st.sampled_from(["type", "range", "non-finite", "date", "distribution"]))
    if kind == "date":
        path = draw(st.sampled_from(["start_date", "inspection.last_inspection_date"]))
        year = draw(st.sampled_from([1, 1000, 1899, 2201, 9999]))
        return {"name": "x", **set_path({}, path, f"{year:04d}-06-01")}, path
    if kind == "distribution":
        path = draw(st.sampled_from(DISTRIBUTIONS))
        days = draw(st.sampled_from([-1.0, MAX_DAYS * 2, 1e308, MIN_DAYS / 2]))
        return set_path({"name": "x"}, path, {"dist": "exponential", "mean_days": days}), (
            f"{path}.mean_days"
        )
    leaf: Leaf = draw(st.sampled_from(NUMBER_LEAVES))
    if kind == "type":
        value = draw(WRONG_TYPES)
        if value is None and leaf.nullable:
            value = "null"
    elif kind == "non-finite":
        value = draw(st.sampled_from([math.inf, -math.inf, math.nan]))
    else:
        high = leaf.le if leaf.le is not None else leaf.lt
        low = leaf.ge if leaf.ge is not None else leaf.gt
        value = draw(
            st.sampled_from(
                [
                    v
                    for v in (
                        None if high is None else high * 10 + 1,
                        1e308,
                        None if low is None else low - 1,
                        -1e308,
                    )
                    if v is not None
                ]
            )
        )
        if leaf.kind is int and value not in (1e308, -1e308):
            value = int(value)
    return set_path({"name": "x"}, leaf.path, value), leaf.path


@PROPERTY_SETTINGS
@given(invalid_scenarios())
def test_any_invalid_scenario_is_refused_cleanly_at_its_field(case):
    """Validation raises a ScenarioError (nothing else) with a problem at the field."""
    data, path = case
    with pytest.raises(ScenarioError) as excinfo:
        validate_data(data, "generated")
    assert path in {p.path for p in excinfo.value.problems}, str(excinfo.value)


SIZE_FIELDS = {
    "establishment.case_holding_posts",
    "establishment.non_case_holding_posts",
    "establishment.team_manager_posts",
    "demand.arrivals_per_day",
    "initial.open_cases",
    "agency.extra_workers",
    "recruitment.newly_qualified.per_year",
}
"""Fields that set the size of the service: at their maxima a run is national in scale,
so they are run at their maxima one at a time (:func:`test_each_size_at_its_maximum_runs`)
and held at council scale in the combinations."""

EDGE_LEAVES = [
    leaf
    for leaf in LEAVES
    if leaf.bounded and leaf.path not in CROSS_FIELD | SIZE_FIELDS | {"horizon_years"}
]


def _edges(leaf: Leaf) -> list[float | int]:
    """A field's extreme valid values."""
    step = 1 if leaf.kind is int else 1e-9
    out: list[float | int] = []
    if leaf.ge is not None or leaf.gt is not None:
        out.append(leaf.ge if leaf.ge is not None else leaf.gt + step)
    if leaf.le is not None or leaf.lt is not None:
        out.append(leaf.le if leaf.le is not None else leaf.lt - step)
    return [int(v) if leaf.kind is int else float(v) for v in out]


EDGE_DISTRIBUTIONS = [
    {"dist": "fixed", "days": 0.0},
    {"dist": "fixed", "days": MAX_DAYS},
    {"dist": "exponential", "mean_days": MIN_DAYS},
    {"dist": "exponential", "mean_days": MAX_DAYS},
    {"dist": "lognormal", "mean_days": MIN_DAYS, "sd_days": MAX_DAYS},
    {"dist": "lognormal", "mean_days": MAX_DAYS, "sd_days": MIN_DAYS},
    {"dist": "gamma", "mean_days": MIN_DAYS, "sd_days": MAX_DAYS},
    {"dist": "gamma", "mean_days": MAX_DAYS, "sd_days": MIN_DAYS},
    {"dist": "uniform", "min_days": 0.0, "max_days": MAX_DAYS},
]

EDGE_CURVES = [
    [[0.0, 0.0]],
    [[0.0, MAX_MULTIPLIER]],
    [[-MAX_INPUT, 0.0], [MAX_INPUT, MAX_MULTIPLIER]],
    [[-MAX_INPUT, MAX_MULTIPLIER], [MAX_INPUT, 0.0]],
]

MONTH_YEARS = 31 / 365.25


@st.composite
def edge_scenarios(draw: st.DrawFn) -> Scenario:
    """A valid scenario with some fields, distributions and effects at their bounds."""
    data: dict[str, Any] = {"name": "edge", "horizon_years": MONTH_YEARS}
    for leaf in draw(st.lists(st.sampled_from(EDGE_LEAVES), min_size=1, max_size=15)):
        data = set_path(data, leaf.path, draw(st.sampled_from(_edges(leaf))))
    for path in draw(st.lists(st.sampled_from(DISTRIBUTIONS), max_size=6, unique=True)):
        data = set_path(data, path, draw(st.sampled_from(EDGE_DISTRIBUTIONS)))
    effects = draw(st.lists(st.sampled_from(list(Effects.model_fields)), max_size=8))
    for name in effects:
        data = set_path(data, f"effects.{name}.points", draw(st.sampled_from(EDGE_CURVES)))
    if draw(st.booleans()):
        duration = draw(st.sampled_from(EDGE_DISTRIBUTIONS))
        data = set_path(data, "demand.case_types", {"only": {"share": 1.0, "duration": duration}})
    return validate_data(data, "edge")


def _run_a_month(scenario: Scenario, limit_seconds: int) -> dict[str, Any]:
    """One replication, failing (rather than hanging) if it runs past the limit."""

    def stop(*_: Any) -> None:
        raise TimeoutError(f"a month took more than {limit_seconds} s")

    if sys.platform == "win32":  # no SIGALRM: run without a limit
        return run_one(scenario, 0)
    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(limit_seconds)
    try:
        return run_one(scenario, 0)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.slow
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edge_scenarios())
def test_a_valid_scenario_at_the_edges_runs_a_month(scenario):
    """Whatever validates runs: no exception, no endless loop, and a month of records."""
    records = _run_a_month(scenario, limit_seconds=120)
    assert records["monthly"], "no monthly record after a month"


@pytest.mark.slow
@pytest.mark.parametrize("path", sorted(SIZE_FIELDS - {"establishment.team_manager_posts"}))
def test_each_size_at_its_maximum_runs(path):
    """Each size field at its maximum (the others at their defaults) runs a month."""
    leaf = next(leaf for leaf in LEAVES if leaf.path == path)
    data = set_path({"name": "big", "horizon_years": MONTH_YEARS}, path, _edges(leaf)[-1])
    records = _run_a_month(validate_data(data, "big"), limit_seconds=300)
    assert records["monthly"]


@pytest.mark.slow
@PROPERTY_SETTINGS
@given(
    st.one_of(
        st.text(max_size=40),
        st.text(alphabet="./\\-_ab~:", max_size=12),
        st.sampled_from(["..", ".", "../x", "/etc", "a/../../b", "~", "C:\\x", "a\x00b"]),
    )
)
def test_a_name_that_validates_never_leaves_the_folder_it_names(tmp_path_factory, name):
    """Any text as a scenario name: either refused, or a folder directly inside runs/."""
    try:
        scenario = validate_data({"name": name}, "generated")
    except ScenarioError as exc:
        assert [p.path for p in exc.problems] == ["name"]
        return
    root = tmp_path_factory.mktemp("runs").resolve()
    folder = (root / scenario.name).resolve()
    assert folder.parent == root


def test_agency_assignments_near_zero_do_not_stall_the_clock():
    """A duration law with its mass near zero (gamma, mean 0.001 days, huge spread) for
    assignments and searches, with staff leaving fast: cover churns, but each assignment
    lasts a day at least, so a month runs in well under the limit."""
    data = {
        "name": "churn",
        "horizon_years": MONTH_YEARS,
        "agency": {
            "search_days": {"dist": "gamma", "mean_days": 0.001, "sd_days": 36525},
            "assignment_days": {"dist": "gamma", "mean_days": 0.001, "sd_days": 36525},
        },
        "attrition": {"resignation_rate_per_year": 5.0},
        "initial": {"vacant_case_holding_posts": 20, "agency_covering_vacancies": 20},
    }
    records = _run_a_month(validate_data(data, "churn"), limit_seconds=60)
    assert records["monthly"]
