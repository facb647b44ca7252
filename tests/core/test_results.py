"""Recorded results: atomic JSON per notebook, replaced by name, finite only."""

import json

import pytest

from helpers import results


@pytest.fixture
def results_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("LSTMBOOK_RESULTS_DIR", str(tmp_path))
    monkeypatch.setenv("LSTMBOOK_MODE", "standard")
    return tmp_path


def test_record_writes_and_replaces_by_name(results_dir):
    results.record("03_btc", "LSTM RMSE", 12.5, unit="USD", dataset="btc")
    results.record("03_btc", "persistence RMSE", 11.0, unit="USD", dataset="btc")
    results.record("03_btc", "LSTM RMSE", 10.0, unit="USD", dataset="btc")
    entries = json.loads((results_dir / "03_btc.json").read_text())
    assert [(e["name"], e["value"]) for e in entries] == [
        ("persistence RMSE", 11.0), ("LSTM RMSE", 10.0)
    ]
    assert all(e["mode"] == "standard" for e in entries)
    assert not list(results_dir.glob("*.tmp"))


def test_load_results_reads_every_notebook(results_dir):
    results.record("01_a", "x", 1)
    results.record("02_b", "y", 2)
    loaded = results.load_results()
    assert [(r.notebook, r.name, r.value) for r in loaded] == [
        ("01_a", "x", 1.0), ("02_b", "y", 2.0)
    ]


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_non_finite_values_are_refused(results_dir, bad):
    with pytest.raises(ValueError, match="only finite numbers"):
        results.record("01_a", "x", bad)


def test_notebook_must_be_a_stem(results_dir):
    with pytest.raises(ValueError, match="file stem"):
        results.record("notebooks/01_a", "x", 1.0)


@pytest.mark.parametrize(
    ("value", "text"), [(12.3456, "12.35"), (0.000123, "1.230e-04"), (2.5e7, "2.500e+07"), (0, "0")]
)
def test_format_value(value, text):
    assert results.format_value(value) == text


def test_results_file_gets_ordinary_permissions(results_dir):
    import os

    from helpers.files import default_file_mode

    results.record("01_a", "x", 1.0)
    assert os.stat(results_dir / "01_a.json").st_mode & 0o777 == default_file_mode()


def test_a_comparison_is_recorded_with_its_interval_verdict_and_seeds(results_dir):
    import numpy as np

    from helpers.comparison import compare
    from helpers.training import History

    base = np.random.default_rng(0).exponential(size=300)
    comparison = compare(np.stack([0.5 * base, 0.6 * base, 0.55 * base]), base,
                         model="LSTM", baseline="persistence")
    histories = [History(train_loss=[1, 1, 1], val_loss=[2, 1, 3], best_epoch=2, max_epochs=9)]
    results.record_comparison("02_x", comparison, dataset="synthetic", training=histories * 3)
    entry = json.loads((results_dir / "02_x.json").read_text())[0]
    assert entry["name"] == "LSTM vs persistence" and entry["baseline"] == "persistence"
    assert entry["verdict"] == "better" and entry["seeds"] == 3
    low, high = entry["ci"]
    assert low <= entry["value"] <= high
    assert entry["training"] == [{"best_epoch": 2, "epochs_run": 3, "max_epochs": 9,
                                  "patience": None, "steps": 0, "seconds": 0.0,
                                  "plateau": False}] * 3
    loaded = results.load_results()[0]
    assert loaded.ci == (low, high)


def test_unknown_comparison_fields_are_refused(results_dir):
    with pytest.raises(TypeError, match=r"unknown field\(s\) \['winner'\]"):
        results.record("01_a", "x", 1.0, winner="LSTM")


def test_outside_a_checkout_results_go_to_the_working_directory(monkeypatch, tmp_path):
    monkeypatch.delenv("LSTMBOOK_RESULTS_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    fake_package = tmp_path / "site-packages" / "helpers" / "results.py"
    monkeypatch.setattr(results, "__file__", str(fake_package))
    assert results.results_dir() == tmp_path / "lstmbook_results"


def test_a_broken_results_file_is_named(results_dir):
    (results_dir / "03_x.json").write_text("[{")
    with pytest.raises(ValueError, match=r"03_x\.json is not valid JSON"):
        results.load_results()
    (results_dir / "03_x.json").write_text('[{"name": "a", "value": 1, "colour": "red"}]')
    with pytest.raises(ValueError, match=r"03_x\.json: entry 'a' has unknown fields \['colour'\]"):
        results.load_results()
