"""Chapter 2, multivariate windowing: a synthetic series with a known recipe, and its figures."""
