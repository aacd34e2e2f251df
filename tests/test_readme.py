"""Every Python block in the README runs as written, saved as a script and run with
``python``, from a folder that has the repository's ``scenarios/``.

To keep the test quick, a ``sitecustomize`` module (which Python imports at start-up, in the
script's process and in every worker it spawns) shrinks the replications and years that
``staffsim.run``, ``compare`` and ``sweep`` are asked for, fixes two worker processes so that
the spawn start of workers is exercised on any machine, and notes each call on standard error.
The script's text is not touched.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"

SITECUSTOMIZE = textwrap.dedent(
    """
    import functools
    import sys

    import staffsim

    def _small(function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            print(f"staffsim.{function.__name__} called", file=sys.stderr, flush=True)
            kwargs["replications"] = min(kwargs.get("replications", 10), 3)
            kwargs["years"] = 1
            kwargs["jobs"] = 2
            return function(*args, **kwargs)

        return wrapper

    for _name in ("run", "compare", "sweep"):
        setattr(staffsim, _name, _small(getattr(staffsim, _name)))
    """
)


def python_blocks() -> list[str]:
    """The README's fenced Python blocks, in order."""
    return re.findall(r"^```python\n(.*?)^```", README.read_text("utf-8"), re.DOTALL | re.MULTILINE)


def run_script(source: str, folder: Path) -> subprocess.CompletedProcess[str]:
    """Save ``source`` as a script in ``folder`` and run it there with ``python``."""
    (folder / "scenarios").symlink_to(ROOT / "scenarios")
    (folder / "shrink").mkdir()
    (folder / "shrink" / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    script = folder / "example.py"
    script.write_text(source, encoding="utf-8")
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(folder / "shrink"), str(ROOT)]),
    }
    return subprocess.run(
        [sys.executable, str(script)],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_readme_has_python_blocks():
    """The blocks below are found (a changed fence would otherwise skip them silently)."""
    assert python_blocks()


@pytest.mark.slow
@pytest.mark.parametrize("number", range(len(python_blocks())))
def test_python_block_runs_as_a_script(number: int, tmp_path: Path):
    """The block runs as a script without error, its work done once (the spawn guard keeps
    the workers from running the script's top level again)."""
    source = python_blocks()[number]
    done = run_script(source, tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    if "staffsim.compare(" in source:
        # One comparison, run once, to the end.
        assert done.stderr.count("staffsim.compare called") == 1, done.stderr
        assert done.stderr.count("compare: 6/6 replications (100%)") == 1, done.stderr
        assert "vacancy_rate_fte" in done.stdout


@pytest.mark.slow
def test_without_the_guard_the_script_runs_again_in_every_worker(tmp_path: Path):
    """What the README warns of: the same script with its ``main()`` called at the top level
    instead of under the guard runs its comparison three times over with two workers (once
    in the script's process, once in each worker as it imports the script)."""
    source = next(b for b in python_blocks() if "staffsim.compare(" in b)
    unguarded = source.replace('if __name__ == "__main__":\n    main()', "main()")
    assert unguarded != source
    done = run_script(unguarded, tmp_path)
    # What the three copies then do to one output folder is a race; that they start is not.
    assert done.stderr.count("staffsim.compare called") == 3, done.stderr[-3000:]
