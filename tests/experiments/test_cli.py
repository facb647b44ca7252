"""End-to-end runs of ``python -m helpers.experiments`` in smoke mode (no network, no mirror)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch

from helpers.experiments import runner
from helpers.autoencoders import sp500 as sp500_task
from helpers.experiments.runner import main

ROOT = Path(__file__).resolve().parents[2]

FAKE_SOURCE = '''
"""Fake task for the CLI tests: appends one line to $FAKE_LOG per training run."""
import json, os
from helpers.experiments.runner import Param, PositiveInt

NAME = "fake"
PARAMS = {"hidden_size": Param(PositiveInt, (4,), "size"),
          "learning_rate": Param(float, (0.1,), "rate")}


def run(params, *, mode, device, epochs=None, checkpoint=None, resume=False, progress=True):
    if resume:
        return json.loads(checkpoint.read_text())
    with open(os.environ["FAKE_LOG"], "a") as log:
        log.write(json.dumps({**params, "mode": mode, "device": str(device)}) + "\\n")
    metrics = {"loss": abs(params["hidden_size"] - 8) + params["learning_rate"]}
    checkpoint.parent.mkdir(parents=True, exist_ok=True)
    checkpoint.write_text(json.dumps(metrics))
    return metrics
'''

LAUNCH = ("import sys; from helpers.experiments import runner; "
          "runner.register_task('fake', 'cli_fake_task'); sys.exit(runner.main())")


@pytest.fixture
def fake_env(tmp_path, monkeypatch):
    (tmp_path / "cli_fake_task.py").write_text(FAKE_SOURCE)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(runner.TASKS, "fake", "cli_fake_task")
    log = tmp_path / "calls.jsonl"
    monkeypatch.setenv("FAKE_LOG", str(log))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)]),
           "FAKE_LOG": str(log), "LSTMBOOK_DEVICE": "cpu"}
    return tmp_path, log, env


def _calls(log: Path) -> list[dict]:
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def test_subprocess_grid_then_resume_without_training(fake_env):
    tmp_path, log, env = fake_env
    out = tmp_path / "out"
    argv = ["fake", "--hidden-size", "4", "8", "--learning-rate", "0.1", "0.2",
            "--mode", "smoke", "--device", "cpu", "--output", str(out), "--no-progress"]
    done = subprocess.run([sys.executable, "-c", LAUNCH, *argv], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert len(_calls(log)) == 4 and {c["mode"] for c in _calls(log)} == {"smoke"}
    summary = pd.read_csv(out / "summary.csv")
    assert summary["loss"].is_monotonic_increasing and len(summary) == 4
    assert summary.iloc[0][["hidden_size", "learning_rate"]].tolist() == [8, 0.1]
    assert len(list((out / "runs").glob("*.json"))) == 4
    assert len(list((out / "checkpoints").glob("*.pt"))) == 4

    # --resume (in-process, same flags): evaluates the checkpoints, trains nothing
    assert main([*argv, "--resume"]) == 0
    assert len(_calls(log)) == 4
    assert pd.read_csv(out / "summary.csv")["loss"].tolist() == summary["loss"].tolist()


def test_unknown_task_exits_2_without_traceback():
    done = subprocess.run([sys.executable, "-m", "helpers.experiments", "mnsit"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "unknown task 'mnsit' (did you mean mnist?)" in done.stderr
    assert "Traceback" not in done.stderr


def test_invalid_value_exits_2(fake_env, capsys):
    with pytest.raises(SystemExit) as info:
        main(["fake", "--hidden-size", "-3"])
    assert info.value.code == 2
    assert "--hidden-size" in capsys.readouterr().err


def test_resume_without_checkpoint_is_one_line_error(fake_env, capsys):
    tmp_path, log, _ = fake_env
    code = main(["fake", "--output", str(tmp_path / "empty"), "--resume", "--mode", "smoke",
                 "--device", "cpu", "--no-progress"])
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("error: --resume: no checkpoint") and not _calls(log)


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_cuda_without_cuda_is_a_clear_error(fake_env, capsys, monkeypatch):
    monkeypatch.setenv("LSTMBOOK_DEVICE", "cpu")  # main() sets it from the flag
    code = main(["fake", "--device", "cuda", "--mode", "smoke", "--no-progress"])
    err = capsys.readouterr().err.strip()
    assert code == 1 and "sees no CUDA device" in err and len(err.splitlines()) == 1
    assert not _calls(fake_env[1])


def synthetic_prices(tickers=("AAA", "BBB", "CCC"), days=260, seed=0) -> pd.DataFrame:
    """Random-walk closing prices, one per business day, in load_sp500's layout."""
    rng = np.random.default_rng(seed)
    dates = pd.bdate_range("2015-01-01", periods=days)
    frames = []
    for i, name in enumerate(tickers):
        close = 20.0 * (i + 1) * np.exp(np.cumsum(rng.normal(0, 0.01, days)))
        frames.append(pd.DataFrame({"date": dates, "open": close, "high": close * 1.01,
                                    "low": close * 0.99, "close": close,
                                    "volume": 1e6, "Name": name}))
    return pd.concat(frames, ignore_index=True)


def test_sp500_task_end_to_end_with_synthetic_data(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(sp500_task, "load_prices", lambda tickers=None: synthetic_prices())
    out = tmp_path / "sp500"
    argv = ["sp500", "--setup", "many-to-one", "reconstruct", "--hidden-size", "4",
            "--seq-len", "10", "--epochs", "1", "--mode", "smoke", "--device", "cpu",
            "--output", str(out), "--no-progress"]
    assert main(argv) == 0
    first = pd.read_csv(out / "summary.csv").set_index("setup")
    assert set(first.index) == {"many-to-one", "reconstruct"}
    assert np.isfinite(first.loc["many-to-one", ["test_mse", "rmse_ratio_median"]]).all()
    assert first.loc["many-to-one", "companies"] == 3

    def no_training(*args, **kwargs):
        raise AssertionError("--resume must not train")

    monkeypatch.setattr(sp500_task, "train_model", no_training)
    assert main([*argv, "--resume"]) == 0
    again = pd.read_csv(out / "summary.csv").set_index("setup")
    assert again["test_mse"].to_dict() == pytest.approx(first["test_mse"].to_dict())
    assert "many-to-one" in capsys.readouterr().out


def test_toy_task_smoke_end_to_end(tmp_path):
    pytest.importorskip("helpers.autoencoders.toy", reason="the toy task is not written yet")
    from helpers.autoencoders import toy

    one_config = []  # a single configuration: the first default of every parameter
    for name, param in toy.PARAMS.items():
        one_config += [f"--{name.replace('_', '-')}", str(min(param.default))
                       if name == "hidden_size" else str(param.default[0])]
    out = tmp_path / "toy"
    code = main(["toy", *one_config, "--mode", "smoke", "--device", "cpu", "--epochs", "1",
                 "--output", str(out), "--no-progress"])
    assert code == 0
    summary = pd.read_csv(out / "summary.csv")
    assert len(summary) == 1 and len(list((out / "checkpoints").glob("*.pt"))) == 1
