"""Tested helpers for the book *LSTMs for time series*.

Modules are small and named by what they do: :mod:`helpers.config` (mode,
device, seeding), :mod:`helpers.windowing` (tables to windows),
:mod:`helpers.training` (a readable fit loop), :mod:`helpers.plotting`,
:mod:`helpers.results` (headline numbers for the Results page),
:mod:`helpers.data` (verified real data sets) and one module per chapter topic.
"""

__version__ = "0.1.0"
