"""``RunOptions``: one checked description of a run, shared by the API, the experiment
layer and the command line."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

import staffsim
from staffsim.errors import StaffsimWarning, UserError
from staffsim.experiment.options import MAX_REPLICATIONS, RunOptions, check_scheduler_address
from staffsim.results.manifest import MANIFEST_KINDS, build_manifest

SMALL = Path(__file__).parent / "data" / "run_small.yaml"


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"replications": 0}, "replications must be at least 1"),
        ({"replications": MAX_REPLICATIONS + 1}, "replications must be at most 100,000"),
        ({"replications": 2.5}, "replications must be a whole number"),
        ({"replications": True}, "replications must be a whole number"),
        ({"seed": -1}, "seed must be at least 0"),
        ({"jobs": 0}, "jobs must be at least 1"),
        ({"backend": "cloud"}, "unknown backend 'cloud'"),
        ({"backend": "local", "scheduler": "tcp://h:1"}, "needs the dask backend"),
        ({"scheduler": "h:8786"}, "not SCHEME://HOST:PORT"),
        ({"scheduler": "tcp://h"}, "has no port"),
        ({"scheduler": "http://h:80"}, "unknown scheme 'http'"),
        ({"scheduler": "tcp://h:99999"}, "not a number from 1 to 65535"),
        ({"resume": True, "overwrite": True, "out_dir": "x"}, "resume or overwrite, not both"),
        ({"resume": True}, "resuming needs the output folder"),
    ],
)
def test_bad_settings_are_refused_when_made(settings, message):
    """Each bad setting is a UserError naming the setting, before anything runs."""
    with pytest.raises(UserError, match=message):
        RunOptions(**settings)


def test_options_are_frozen_and_variants_are_checked_too(tmp_path):
    """Options cannot be changed in place; ``replace`` and ``inside`` make checked copies."""
    options = RunOptions(replications=3, out_dir=str(tmp_path))
    assert options.out_dir == tmp_path  # a path given as text becomes a Path
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.replications = 4  # type: ignore[misc]
    assert options.inside("a").out_dir == tmp_path / "a"
    assert RunOptions().inside("a").out_dir is None
    with pytest.raises(UserError):
        options.replace(replications=0)


def test_backend_name_follows_the_scheduler():
    """No backend named: local, or dask when a scheduler address is given."""
    assert RunOptions().backend_name == "local"
    assert RunOptions(scheduler="tcp://10.0.0.5:8786").backend_name == "dask"
    assert RunOptions(backend="serial").backend_name == "serial"
    assert check_scheduler_address(" tls://[::1]:8786 ") == "tls://[::1]:8786"


def test_messages_go_to_notify_or_become_warnings():
    """``tell`` calls ``notify``; without one it issues a StaffsimWarning."""
    heard: list[str] = []
    RunOptions(notify=heard.append).tell("took over a stale claim")
    assert heard == ["took over a stale claim"]
    with pytest.warns(StaffsimWarning, match="stale claim"):
        RunOptions().tell("took over a stale claim")


def test_api_keywords_are_checked_as_run_options():
    """The API's keyword arguments build RunOptions: a bad one is the same UserError."""
    with pytest.raises(UserError, match="replications must be at most"):
        staffsim.run(SMALL, replications=MAX_REPLICATIONS + 1, progress=False)
    with pytest.raises(UserError, match="has no port"):
        staffsim.run(SMALL, replications=1, scheduler="tcp://localhost", progress=False)


def test_every_manifest_opens_the_same_way():
    """Runs, comparisons and sweeps share one manifest builder and its opening keys."""
    for kind in MANIFEST_KINDS:
        manifest = build_manifest(kind, seed=3, fields={"x": 1}, scenario={"name": "s"})
        assert list(manifest) == [
            "manifest_version",
            "kind",
            "seed",
            "created",
            "versions",
            "x",
            "scenario",
        ]
    with pytest.raises(ValueError, match="unknown manifest kind"):
        build_manifest("report", seed=1, fields={})
