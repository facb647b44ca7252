"""Chapter 3, Bitcoin minute forecasting: candles, features, scaling, walk-forward."""
