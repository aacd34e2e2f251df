"""Calibration: editing the file, the first guesses, recovering known parameters, the CLI."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import staffsim
from staffsim.cli.main import main
from staffsim.errors import UserError
from staffsim.experiment.backends import SerialBackend, open_backend
from staffsim.experiment.calibrate import (
    CALIBRATION_METRICS,
    FITTED_PARAMETERS,
    calibrate,
    first_guess,
    horizon_to,
    parse_years,
    simulate_censuses,
)
from staffsim.experiment.options import RunOptions
from staffsim.scenario.loader import load_scenario
from staffsim.scenario.variants import override_scenario
from staffsim.scenario.yaml_edit import set_values

SOURCE = """\
# header
name: x
attrition:
  # England derivation: old comment
  #   over two lines
  resignation_rate_per_year: 0.1118
  retirement_rate_per_year: 0.01  # kept

agency:
  availability: {dist: fixed}
"""


# --------------------------------------------------------------------------- editing
def test_set_values_replaces_value_and_its_comment_only():
    text = set_values(
        SOURCE, {"attrition.resignation_rate_per_year": (0.2, "fitted to 2022")}, "f.yaml"
    )
    assert "  # fitted to 2022\n  resignation_rate_per_year: 0.2\n" in text
    assert "old comment" not in text and "over two lines" not in text
    assert "  retirement_rate_per_year: 0.01  # kept" in text
    assert text.startswith("# header\nname: x\n")


def test_set_values_adds_missing_key_and_section():
    text = set_values(
        SOURCE,
        {
            "attrition.notice_rate": (1.5, "new key"),
            "demand.arrivals_per_day": (3.25, "new section"),
        },
        "f.yaml",
    )
    assert "attrition:\n  # new key\n  notice_rate: 1.5\n" in text
    assert text.rstrip().endswith("demand:\n  # new section\n  arrivals_per_day: 3.25")


def test_set_values_refuses_a_value_that_is_not_a_plain_scalar():
    with pytest.raises(UserError, match=r"agency\.availability is not a plain number"):
        set_values(SOURCE, {"agency.availability": (0.3, "x")}, "f.yaml")


# ----------------------------------------------------------------------------- years
@pytest.mark.parametrize(("text", "years"), [("2022", (2022,)), ("2020-2022", (2020, 2021, 2022))])
def test_parse_years(text, years):
    assert parse_years(text) == years


@pytest.mark.parametrize("text", ["22x", "2022-2020", "2030", "2016", "2019-2020-2021"])
def test_parse_years_refuses(text):
    with pytest.raises(UserError, match=r"--years"):
        parse_years(text)


# ----------------------------------------------------------------------- first guess
def _targets(turnover: float, vacancy: float, agency: float, caseload: float = 16.0):
    values = {
        "turnover_rate_fte": turnover,
        "vacancy_rate_fte": vacancy,
        "agency_rate_fte": agency,
        "caseload_fte": caseload,
    }
    return pd.DataFrame(
        [{"time_period": 2022, "metric": m, "published": v} for m, v in values.items()]
    )


@pytest.fixture(scope="module")
def council() -> staffsim.Scenario:
    return staffsim.init_council("Rutland", 2022, horizon_years=1)


def test_first_guess_moves_the_way_renewal_theory_says(council):
    base = first_guess(council, _targets(12, 15, 10), cover_share=0.6)
    more_leaving = first_guess(council, _targets(20, 15, 10), cover_share=0.6)
    more_vacant = first_guess(council, _targets(12, 30, 10), cover_share=0.6)
    more_cover = first_guess(council, _targets(12, 15, 10), cover_share=0.8)
    hazard, applicants, availability = FITTED_PARAMETERS[:3]
    assert more_leaving[hazard] > base[hazard]
    # a longer time to fill is fewer applicants per campaign
    assert more_vacant[applicants] < base[applicants]
    assert more_cover[availability] > base[availability]


def test_first_guess_of_the_hazard_gives_the_published_tenure(council):
    """The hazard is the one whose mean completed tenure is 1 / turnover (renewal)."""
    from staffsim.scenario.derive import mean_completed_tenure_days

    guess = first_guess(council, _targets(15, 15, 10))
    hazard = guess["attrition.resignation_rate_per_year"]
    a = council.attrition
    days = mean_completed_tenure_days(
        hazard, 1.0, council, 5.0, a.retirement_rate_per_year, a.notice_days.mean
    )[0]
    assert days == pytest.approx(365.25 / 0.15, rel=0.01)


def test_first_guess_of_applicants_gives_the_time_to_fill(council):
    """D = v / ((1 - v) h) and D = campaign / p + gap (1/p - 1) + notice, p = 1 - e^-m."""
    guess = first_guess(council, _targets(15, 20, 10))
    r, e = council.recruitment, council.effects
    rep = council.reputation.initial
    m = (
        guess["recruitment.applicants_per_campaign"]
        * r.appointable_share
        * r.offer_acceptance
        * e.reputation_on_applicants(rep)
        * e.pay_on_applicants(1.0)
    )
    p = 1 - math.exp(-m)
    fill = r.campaign_days.mean / p + r.readvertise_gap_days * (1 / p - 1)
    fill += r.starter_notice_days.mean
    assert fill == pytest.approx(0.2 / 0.8 / 0.15 * 365.25, rel=1e-6)


def test_first_guess_keeps_what_was_not_published(council):
    targets = _targets(float("nan"), float("nan"), float("nan"), float("nan"))
    guess = first_guess(council, targets)
    for key in FITTED_PARAMETERS:
        section, name = key.split(".")
        assert guess[key] == pytest.approx(float(getattr(getattr(council, section), name)))


# ------------------------------------------------------------------------- recovery
@pytest.mark.slow
def test_calibration_recovers_parameters_behind_simulated_figures():
    """Figures simulated with known behaviour (on seeds the fit never uses) are fitted
    within tolerance, and the resignation hazard comes back near the truth."""
    scenario = staffsim.init_council("Leeds", 2022, horizon_years=1)
    truth = {
        "attrition.resignation_rate_per_year": 0.2,
        "recruitment.applicants_per_campaign": 0.6,
        "agency.availability": 0.15,
        "demand.arrivals_per_day": scenario.demand.arrivals_per_day * 1.1,
    }
    true_scenario = override_scenario(
        scenario, {**truth, "seed": 777, "horizon_years": horizon_to(scenario, 2022)}
    )
    with open_backend(RunOptions(jobs=2)) as backend:
        simulated = simulate_censuses(true_scenario, range(40), backend)
    means = simulated[simulated.time_period == 2022][list(CALIBRATION_METRICS)].mean()
    targets = pd.DataFrame(
        [{"time_period": 2022, "metric": m, "published": float(means[m])} for m in means.index]
    )
    cal = calibrate(
        scenario, "Leeds", [2022], replications=10, options=RunOptions(jobs=2), targets=targets
    )
    assert cal.verdict == "fit", cal.reasons
    assert np.all(np.abs(cal.fit.error) <= 1.5)
    hazard = cal.parameters["attrition.resignation_rate_per_year"]
    # the hazard is identified by turnover; 40 replications' means leave a few percent
    assert hazard == pytest.approx(0.2, rel=0.15)
    assert hazard != pytest.approx(scenario.attrition.resignation_rate_per_year, rel=0.15)


def test_calibration_refuses_years_the_scenario_does_not_simulate(council):
    with pytest.raises(UserError, match=r"starts on 2021-10-01, after that year.s census"):
        calibrate(council, "Rutland", [2021], backend=SerialBackend())


# ------------------------------------------------------------------------------ CLI
@pytest.mark.slow
def test_calibrate_command_writes_a_commented_reloadable_scenario(tmp_path, capsys):
    source = tmp_path / "rutland.yaml"
    assert main(["init", "--la", "Rutland", "--year", "2022", "--out", str(source)]) == 0
    out = tmp_path / "fitted.yaml"
    status = main(
        [
            "calibrate", str(source), "--la", "Rutland", "--years", "2022", "--out", str(out),
            "--replications", "3", "--max-evaluations", "3", "--check-replications", "3",
            "--jobs", "1",
        ]
    )  # fmt: skip
    printed = capsys.readouterr()
    assert status == 0, printed.err
    assert "FIT" in printed.out or "UNFIT" in printed.out
    assert "out of sample" in printed.out and "2023" in printed.out
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Calibrated on ")
    assert text.count("calibrated by `staffsim calibrate --la Rutland --years 2022`") == 4
    fitted = load_scenario(out)
    fit = pd.read_csv(tmp_path / "fitted_fit.csv")
    assert list(fit.metric) == list(CALIBRATION_METRICS)
    check = pd.read_csv(tmp_path / "fitted_check.csv")
    assert set(check.role) == {"fit", "out of sample"}
    assert fitted.start_date == load_scenario(source).start_date
    # refused without --force; nothing changed
    before = out.read_bytes()
    assert main(["calibrate", str(source), "--la", "Rutland", "--years", "2022",
                 "--out", str(out)]) == 2  # fmt: skip
    assert "exists" in capsys.readouterr().err
    assert out.read_bytes() == before


def test_calibrate_command_bad_years_exit_2(tmp_path, capsys):
    source = Path(tmp_path / "s.yaml")
    assert main(["init", "--la", "Rutland", "--year", "2022", "--out", str(source)]) == 0
    assert main(["calibrate", str(source), "--la", "Rutland", "--years", "2031"]) == 2
    err = capsys.readouterr().err
    assert "--years '2031'" in err and "Traceback" not in err
