"""Chapter 3, Bitcoin minute forecasting: from candles to an honest verdict.

Modules, in the order the notebook uses them:
    candles       load_candles (a named source or your own CSV), drop_flat_start
    features      the tutorial's features, outside_training_range
    scaling       Scaling (train-only MinMax), MinuteWindows, window_part, to_close
    lstm          TutorialLSTM and fit_lstm, the one recipe for every LSTM of the chapter
    scoring       scoreboard: every forecast against persistence, ratio, interval, verdict
    diagnostics   error_parts (bias), lag_profile (the lag illusion), direction_test
    backtest      trading the forecast's sign after fees, every minute or above a threshold
    walk_forward  walk_forward, ridge/lstm forecasters, walk_forward_score for grid_search
    lab           the author's lab notebook: its network, the 2-D batch that became time
Splitting uses the core's ``helpers.windowing.chronological_split``.
"""

from helpers.bitcoin.backtest import (
    Backtest,
    backtest,
    break_even_hit_rate,
    minute_returns,
    sign_positions,
    threshold_positions,
)
from helpers.bitcoin.candles import dataset_name, drop_flat_start, is_file_source, load_candles
from helpers.bitcoin.diagnostics import DirectionTest, direction_test, error_parts, lag_profile
from helpers.bitcoin.features import (
    CALENDAR_FEATURES,
    CYCLICAL_FEATURES,
    ORIGINAL_FEATURES,
    PRICE_FEATURES,
    add_features,
    constant_columns,
    outside_training_range,
)
from helpers.bitcoin.lab import (
    LAYOUTS,
    LabLSTM,
    LabRuns,
    batch_dependence,
    fit_lab,
    lab_windows,
    same_updates,
)
from helpers.bitcoin.lstm import LSTMRuns, TutorialLSTM, budget_line, fit_lstm
from helpers.bitcoin.scaling import (
    SCALERS,
    MinuteWindows,
    Scaling,
    fit_scaling,
    to_close,
    window_part,
)
from helpers.bitcoin.scoring import scoreboard
from helpers.bitcoin.walk_forward import (
    MinuteForecaster,
    WalkForward,
    aligned_losses,
    lstm_forecaster,
    ridge_forecaster,
    walk_forward,
    walk_forward_score,
)

__all__ = [
    "CALENDAR_FEATURES",
    "CYCLICAL_FEATURES",
    "LAYOUTS",
    "ORIGINAL_FEATURES",
    "PRICE_FEATURES",
    "SCALERS",
    "Backtest",
    "DirectionTest",
    "LSTMRuns",
    "LabLSTM",
    "LabRuns",
    "MinuteForecaster",
    "MinuteWindows",
    "Scaling",
    "TutorialLSTM",
    "WalkForward",
    "add_features",
    "aligned_losses",
    "backtest",
    "batch_dependence",
    "break_even_hit_rate",
    "budget_line",
    "constant_columns",
    "dataset_name",
    "direction_test",
    "drop_flat_start",
    "error_parts",
    "fit_lab",
    "fit_lstm",
    "fit_scaling",
    "is_file_source",
    "lab_windows",
    "lag_profile",
    "load_candles",
    "lstm_forecaster",
    "minute_returns",
    "outside_training_range",
    "ridge_forecaster",
    "same_updates",
    "scoreboard",
    "sign_positions",
    "threshold_positions",
    "to_close",
    "walk_forward",
    "walk_forward_score",
    "window_part",
]
