"""Command line entry point (filled in below)."""

import sys


def main(argv=None) -> int:
    return 0


def entry_point() -> None:
    sys.exit(main())
