"""``staffsim init --la NAME_OR_CODE --year YYYY``: a scenario for a named council.

Writes the council's service as DfE published it on 30 September YYYY-1, starting
1 October YYYY-1, as a commented YAML scenario (to standard output, or to ``--out``), after
checking that the package's loader accepts it. Notes a planner must read (a joint return,
a figure taken from an earlier year or from England) go to standard error. Exit status 0;
2 for a council that matches nothing (with the closest names), a year without a return
(naming predecessors or successors), or an existing ``--out`` without ``--force``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from staffsim.errors import UserError
from staffsim.results.io import atomic_path
from staffsim.scenario.init_writer import CouncilScenario, council_scenario
from staffsim.scenario.loader import load_scenario

__all__ = ["register", "run_init"]


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``init`` subcommand."""
    parser = subparsers.add_parser(
        "init",
        help="write a scenario for a council from its published figures",
        description="Write a commented scenario for an English council starting 1 October "
        "YYYY-1 from its DfE children's social work workforce figures for YYYY-1 and its "
        "latest Ofsted judgement; each value's comment names its source. `staffsim councils` "
        "lists the councils.",
    )
    parser.add_argument(
        "--la",
        required=True,
        metavar="NAME_OR_CODE",
        help="the council: its name (DfE or Ofsted spelling, any case), ONS code "
        "(e.g. E08000025) or three-digit DfE code (e.g. 330)",
    )
    parser.add_argument(
        "--year",
        required=True,
        type=int,
        metavar="YYYY",
        help="the first reporting year simulated (to 30 September YYYY); the start state is "
        "DfE's return for YYYY-1",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="FILE",
        help="write the scenario to FILE (default: standard output)",
    )
    parser.add_argument(
        "--horizon-years",
        type=float,
        default=5.0,
        metavar="Y",
        help="simulated years written into the scenario (default 5)",
    )
    parser.add_argument("--force", action="store_true", help="overwrite an existing --out")
    parser.set_defaults(handler=run_init)


def _check(made: CouncilScenario, path: Path) -> None:
    """Load the written text with the package's loader (a bug if it fails)."""
    path.write_text(made.text, encoding="utf-8")
    load_scenario(path)


def run_init(args: argparse.Namespace) -> int:
    """Write the scenario; print notes to standard error; the exit status."""
    if args.out is not None and args.out.exists() and not args.force:
        raise UserError(f"{args.out} exists: choose another --out or add --force to replace it")
    if not 0 < args.horizon_years <= 100:
        raise UserError(
            f"--horizon-years must be above 0 and at most 100, not {args.horizon_years}"
        )
    made = council_scenario(args.la, args.year, horizon_years=args.horizon_years)
    if args.out is None:
        with tempfile.TemporaryDirectory() as folder:
            _check(made, Path(folder) / f"{made.name}.yaml")
        sys.stdout.write(made.text)
    else:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(args.out) as tmp:
            _check(made, tmp)
    for note in made.notes:
        print(f"note: {note}", file=sys.stderr)
    if args.out is not None:
        print(
            f"wrote {args.out} (scenario {made.name}, {made.council.name} from 1 October "
            f"{made.council.year}); next: staffsim calibrate {args.out} --la {args.la} --years "
            f"{args.year} fits its behaviour to the council's {args.year} census",
            file=sys.stderr,
        )
    return 0
