"""The inspection fit's score (``tools.calibration.inspections``): a multinomial
log-likelihood of Ofsted's published transitions under simulated shares."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from staffsim.scenario.spiral import RATINGS
from tools.calibration.inspections import CHANGES, log_likelihood, published_counts


def _table(rows: dict[str, tuple[int, int, int]]) -> pd.DataFrame:
    return pd.DataFrame.from_dict(rows, orient="index", columns=list(CHANGES)).reindex(
        list(RATINGS)
    )


def test_published_counts_are_the_record() -> None:
    """13 of the 15 councils judged inadequate and inspected again were judged better."""
    counts = published_counts()
    assert list(counts.index) == list(RATINGS)
    assert tuple(counts.loc["inadequate"]) == (13, 2, 0)
    assert counts.loc["outstanding", "better"] == 0


def test_log_likelihood_is_the_smoothed_multinomial_score() -> None:
    """Published counts k under simulated counts s: sum k log((s + 1/2) / (n + 3/2))."""
    published = _table({r: (1, 2, 0) for r in RATINGS})
    simulated = _table({r: (3, 1, 0) for r in RATINGS})
    expected = 4 * (1 * math.log(3.5 / 5.5) + 2 * math.log(1.5 / 5.5))
    assert log_likelihood(published, simulated) == pytest.approx(expected)


def test_shares_like_the_record_score_higher() -> None:
    """Simulated shares in the published proportions beat shares that never improve."""
    published = published_counts()
    alike = published * 10
    never_better = _table({r: (0, 10, 5) for r in RATINGS})
    assert log_likelihood(published, alike) > log_likelihood(published, never_better)
