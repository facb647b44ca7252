"""``python -m helpers.experiments TASK ...``: see :mod:`helpers.experiments.cli`."""

import signal
import sys

from helpers.experiments.cli import main

if __name__ == "__main__":
    status = main()
    # the run is over: a late Ctrl-C must not print a traceback while Python shuts down
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.exit(status)
