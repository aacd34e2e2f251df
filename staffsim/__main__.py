"""Allow ``python -m staffsim``."""

import sys

from staffsim.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
