"""``python -m helpers.experiments TASK ...``: see :mod:`helpers.experiments.cli`."""

import sys

from helpers.experiments.cli import main

if __name__ == "__main__":
    sys.exit(main())
