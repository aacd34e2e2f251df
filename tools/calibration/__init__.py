"""Calibration: effect strengths fitted to published statistics, each by a stated method.

Fitting a default to data happens here and only here; the scripts in ``scripts/`` print
the fits and the tests check that the scenario defaults are the fitted values.
"""
