"""The experiment runner: parameters, grids, ids, summaries, atomic files, resume."""

import argparse
import json

import pandas as pd
import pytest

from helpers.experiments import runner
from helpers.experiments.runner import (
    Param,
    PositiveFloat,
    PositiveInt,
    TaskError,
    build_parser,
    config_id,
    expand_grid,
    load_task,
    run_grid,
)

FAKE = "tests_fake_task"


@pytest.fixture
def fake_task(tmp_path, monkeypatch):
    """A tiny task module written to disk and registered, as a user's own task would be."""
    (tmp_path / f"{FAKE}.py").write_text(FAKE_SOURCE)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setitem(runner.TASKS, "fake", FAKE)
    module = load_task("fake")
    module.CALLS.clear()
    yield module


FAKE_SOURCE = '''
"""A fake task: the 'loss' is a known function of the parameters."""
import json
from helpers.experiments.runner import Param, PositiveInt

NAME = "fake"
METRIC = "loss"
PARAMS = {
    "hidden_size": Param(PositiveInt, (4,), "size"),
    "learning_rate": Param(float, (0.1,), "rate"),
    "kind": Param(str, ("a",), "kind", choices=("a", "b")),
}
CALLS = []


def run(params, *, mode, device, epochs=None, checkpoint=None, resume=False, progress=True):
    CALLS.append({"params": dict(params), "resume": resume, "epochs": epochs, "mode": mode})
    if resume:
        state = json.loads(checkpoint.read_text())
    else:
        state = {"loss": abs(params["hidden_size"] - 8) + params["learning_rate"]}
        if checkpoint is not None:
            checkpoint.parent.mkdir(parents=True, exist_ok=True)
            checkpoint.write_text(json.dumps(state))
    return {"loss": state["loss"], "accuracy": 1.0 / (1.0 + state["loss"])}
'''


def test_param_needs_a_tuple_default():
    with pytest.raises(TypeError, match="tuple"):
        Param(int, 8, "size")
    assert Param(int, (8,), "size").choices is None


def test_positive_types_reject_bad_values():
    assert PositiveInt("3") == 3 and PositiveFloat("0.5") == 0.5
    for bad in ("0", "-2"):
        with pytest.raises(ValueError, match="positive"):
            PositiveInt(bad)
    for bad in ("0", "nan", "-1"):
        with pytest.raises(ValueError, match="above 0"):
            PositiveFloat(bad)


def test_expand_grid_keeps_order_and_drops_repeats():
    grid = expand_grid({"h": [8, 16, 8], "lr": [0.1, 0.01]})
    assert grid == [
        {"h": 8, "lr": 0.1}, {"h": 8, "lr": 0.01}, {"h": 16, "lr": 0.1}, {"h": 16, "lr": 0.01}
    ]
    with pytest.raises(ValueError, match="no values"):
        expand_grid({"h": []})


def test_config_id_is_file_safe_and_distinct():
    a = config_id({"setup": "many-to-one", "lr": 0.01, "name": "a/b c"})
    assert a == "setup-many-to-one_lr-0.01_name-abc"
    assert config_id({"h": 8}) != config_id({"h": 16})
    assert config_id({"h": PositiveInt(8)}) == config_id({"h": 8})


def test_load_task_errors():
    with pytest.raises(TaskError, match="did you mean sp500"):
        load_task("sp5000")
    runner.TASKS["ghost"] = "helpers.experiments.ghost_task_that_does_not_exist"
    try:
        with pytest.raises(TaskError, match="does not exist yet"):
            load_task("ghost")
    finally:
        del runner.TASKS["ghost"]


def test_parser_builds_grid_flags(fake_task):
    parser = build_parser(fake_task)
    args = parser.parse_args(["--hidden-size", "8", "16", "--kind", "b"])
    assert args.hidden_size == [8, 16] and args.learning_rate == [0.1] and args.kind == ["b"]
    assert args.mode in ("smoke", "standard", "full") and not args.resume


@pytest.mark.parametrize("argv", [
    ["--hidden-size", "0"], ["--hidden-size", "x"], ["--kind", "c"], ["--learning-rate"],
    ["--device", "tpu"], ["--epochs", "0"],
])
def test_parser_rejects_invalid_values(fake_task, argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        build_parser(fake_task).parse_args(argv)
    assert exit_info.value.code == 2
    assert "error:" in capsys.readouterr().err


def test_run_grid_writes_json_csv_and_resumes(fake_task, tmp_path):
    out = tmp_path / "out"
    table = run_grid("fake", {"hidden_size": [4, 8, 16]}, mode="smoke", device="cpu",
                     output=out, progress=False)
    assert table["hidden_size"].tolist() == [8, 4, 16]  # sorted by METRIC, best first
    assert table["loss"].tolist() == pytest.approx([0.1, 4.1, 8.1])
    summary = pd.read_csv(out / "summary.csv")
    assert summary["config"].tolist() == table["config"].tolist()
    runs = sorted((out / "runs").glob("*.json"))
    assert len(runs) == 3 and len(list((out / "checkpoints").glob("*.pt"))) == 3
    saved = json.loads(runs[0].read_text())
    assert set(saved) >= {"task", "params", "metrics", "mode", "seconds", "resumed"}
    assert not list(out.rglob("*.tmp")), "no temporary file may be left behind"

    fake_task.CALLS.clear()
    again = run_grid("fake", {"hidden_size": [4, 8, 16]}, mode="smoke", device="cpu",
                     output=out, resume=True, progress=False)
    assert all(call["resume"] for call in fake_task.CALLS) and len(fake_task.CALLS) == 3
    assert again["loss"].tolist() == table["loss"].tolist()


def test_resume_without_checkpoints_is_a_clear_error(fake_task, tmp_path):
    with pytest.raises(FileNotFoundError, match="no checkpoint for 2 of 2"):
        run_grid("fake", {"hidden_size": [4, 8]}, mode="smoke", device="cpu",
                 output=tmp_path, resume=True, progress=False)
    assert fake_task.CALLS == []
    with pytest.raises(ValueError, match="no parameter depth"):
        run_grid("fake", {"depth": [1]}, mode="smoke", device="cpu", progress=False)


def test_interrupted_grid_keeps_finished_configurations(fake_task, tmp_path, monkeypatch):
    original = fake_task.run

    def flaky(params, **kwargs):
        if params["hidden_size"] == 16:
            raise KeyboardInterrupt
        return original(params, **kwargs)

    monkeypatch.setattr(fake_task, "run", flaky)
    with pytest.raises(KeyboardInterrupt):
        run_grid("fake", {"hidden_size": [4, 8, 16]}, mode="smoke", device="cpu",
                 output=tmp_path, progress=False)
    summary = pd.read_csv(tmp_path / "summary.csv")
    assert sorted(summary["hidden_size"]) == [4, 8]
    assert not list(tmp_path.rglob("*.tmp"))


def test_argparse_type_errors_read_well(fake_task):
    convert = runner._argparse_type(Param(bool, (True,), "flag"))
    assert convert("yes") is True and convert("0") is False
    with pytest.raises(argparse.ArgumentTypeError, match="not a boolean"):
        convert("maybe")


def test_run_settings_match_helpers_config():
    # the runner repeats these names so that --help never has to import torch
    from helpers import config

    assert (runner.MODE_VARIABLE, runner.DEVICE_VARIABLE) == (
        config.MODE_VARIABLE, config.DEVICE_VARIABLE)
    assert (runner.MODES, runner.DEVICES) == (config.MODES, config.DEVICES)
