"""Chapter 4, sums of harmonics: can a network continue a sum of sinusoids?

Modules, in the order the chapter uses them:

    signals     random sums of sinusoids, scaled by their lookback only
    spectral    the DFT as a forecaster, persistence, linear prediction
    subspace    ESPRIT: poles from a Hankel matrix, with or without the unit circle
    models      the sequence-to-sequence GRU, the bigger MLP model, data layouts
    streams     fresh training signals every epoch, one network per seed
    benchmark   one protocol for every forecaster; comparisons with intervals
    families    chirps and regime switches: signals without a fixed recursion
    plots       the chapter's figures
    diagrams    the GRU cell, teacher forcing against free running

The next-step LSTM is the core :class:`helpers.models.SequenceRegressor`.
"""
