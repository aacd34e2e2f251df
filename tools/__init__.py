"""Development tools for staffsim, outside the runtime package: the causal loop diagram and
effects table of ``docs/model.md``, the calibration of effect defaults to published data, and
the simulated population of councils behind ``benchmarks/rating_population.py``.

They are used by ``scripts/``, ``benchmarks/`` and the tests, never by ``staffsim`` itself;
an editable install (``pip install -e .``) or running from the repository root makes them
importable.
"""
