"""Experiments that run the same way in a notebook and on the command line.

The runner is generic: :mod:`helpers.experiments.runner` runs any task over a
grid, :mod:`helpers.experiments.params` describes and checks a task's
hyper-parameters, :mod:`helpers.experiments.study` keeps the grid in an Optuna
study that several workers share, :mod:`helpers.experiments.work` is one worker's
share of it, :mod:`helpers.experiments.signals` lets Ctrl-C stop a run only
between writes, and :mod:`helpers.experiments.cli` is the command line
(``python -m helpers.experiments --help``). The tasks themselves live in the
chapter wings and are imported only when used.
"""
