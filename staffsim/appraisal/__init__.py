"""Appraising options in money: costs by financial year and a Green Book appraisal.

A layer of its own between the experiments and the reports: ``report`` and ``cli`` may
import it; it imports ``experiment`` (to re-run a behavioural grid), ``results`` and below.

* :mod:`staffsim.appraisal.costs`: the model's monthly costs summed into financial years
  (April to March) beside census years (October to September), each policy's own costs in
  columns of their own.
* :mod:`staffsim.appraisal.discount`: the Green Book STPR discount factors.
* :mod:`staffsim.appraisal.appraise`: NPV of option minus base per replication, payback,
  optimism bias, switching values of the price inputs, cost-effectiveness.
* :mod:`staffsim.appraisal.behaviour`: switching values of behavioural inputs, by re-running
  a grid of strengths on common random numbers; :func:`appraise` runs it all.
"""

from __future__ import annotations

from staffsim.appraisal.appraise import (
    OPTIMISM_BIAS_PCT,
    OPTIMISM_BIAS_SOURCE,
    Appraisal,
    appraise_comparison,
)
from staffsim.appraisal.costs import costs_by_year, monthly_costs
from staffsim.appraisal.discount import discount_factor

__all__ = [
    "OPTIMISM_BIAS_PCT",
    "OPTIMISM_BIAS_SOURCE",
    "Appraisal",
    "appraise_comparison",
    "costs_by_year",
    "discount_factor",
    "monthly_costs",
]
