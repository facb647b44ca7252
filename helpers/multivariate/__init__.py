"""Chapter 2, multivariate windowing.

series        a synthetic series with a known recipe (``lagged_product_series``)
pipeline      split windows in time (or at random, to show the leak), scale on the
              training rows, window, and score in the target's units (``prepare_windows``)
shapes        the "window as features" mistake, made on purpose (``as_one_step``)
tables        scores over seeds and comparisons as small tables
baselines     a linear baseline tuned on the validation windows (``ridge_on_validation``)
intervals     a bootstrap interval for a ratio of losses on different windows
plots         where targets sit, lags, splits, scaled ranges
error_plots   errors by window position and over time
"""
