"""``python -m helpers.experiments TASK ...``: see :mod:`helpers.experiments.runner`."""

import sys

from helpers.experiments.runner import main

if __name__ == "__main__":
    sys.exit(main())
