"""Parent memory: the process that runs ``staffsim run`` does not grow with replications.

Runs ``staffsim run scenarios/birmingham_2015.yaml --years 3 --jobs 2`` with 20 and with 80
replications, each in a fresh interpreter, and reports the parent process's peak memory:

* the peak of Python allocations traced by ``tracemalloc`` (started before staffsim is
  imported), which counts every record, table and future the parent holds;
* the peak resident set size (``resource.getrusage``, the whole parent process, native
  allocations of pandas and pyarrow included; the workers are other processes).

Finished replications go to disk as they arrive and the tables are assembled one
replication at a time, so four times the replications should not need more memory: the
target is a peak with 80 replications at most 1.25 times the peak with 20, on both measures.

Run: ``python benchmarks/parent_memory.py [--small N] [--large N] [--years Y] [--jobs J]``.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "birmingham_2015.yaml"
TARGET = 1.25


def child(replications: int, years: float, jobs: int) -> None:
    """Run the command in this process and print its peak memory as JSON."""
    import resource
    import tracemalloc

    tracemalloc.start()
    from staffsim.cli.main import main

    with tempfile.TemporaryDirectory() as tmp:
        status = main(
            [
                "run",
                str(SCENARIO),
                "--replications",
                str(replications),
                "--years",
                str(years),
                "--jobs",
                str(jobs),
                "--out",
                tmp,
                "--quiet",
            ]
        )
    _, peak = tracemalloc.get_traced_memory()
    rss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(json.dumps({"status": status, "traced_peak": peak, "rss_peak": rss_kib * 1024}))


def measure(replications: int, years: float, jobs: int) -> dict[str, int]:
    command = [
        sys.executable,
        __file__,
        "--child",
        str(replications),
        "--years",
        str(years),
        "--jobs",
        str(jobs),
    ]
    out = subprocess.run(command, check=True, capture_output=True, text=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    if result["status"] != 0:
        raise SystemExit(f"the run with {replications} replications failed")
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=20)
    parser.add_argument("--large", type=int, default=80)
    parser.add_argument("--years", type=float, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--child", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(args.child, args.years, args.jobs)
        return 0
    print(f"{SCENARIO.name}, {args.years:g} years, --jobs {args.jobs}: parent process peak memory")
    small = measure(args.small, args.years, args.jobs)
    large = measure(args.large, args.years, args.jobs)
    ok = True
    for key, label in (("traced_peak", "Python allocations (tracemalloc)"), ("rss_peak", "RSS")):
        ratio = large[key] / small[key]
        ok &= ratio <= TARGET
        print(
            f"  {label:34s} {args.small:3d} replications: {small[key] / 2**20:7.1f} MiB   "
            f"{args.large:3d} replications: {large[key] / 2**20:7.1f} MiB   ratio {ratio:.3f}"
        )
    print(f"target: ratio at most {TARGET}")
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
