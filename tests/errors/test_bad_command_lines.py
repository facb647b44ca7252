"""Catalogue of bad inputs to the two command lines: one clear line and an exit status.

``python -m helpers.data``: a setup problem (the cache folder, the mirror, an option) exits
2 with one ``error:`` line. ``python -m helpers.experiments``: a bad command line exits 2
(argparse), a run that cannot go on exits 1 with one ``error:`` line. Never a traceback.
"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from helpers.data.__main__ import main as data_main
from helpers.experiments import runner
from helpers.experiments.cli import main as experiments_main

HERE = Path(__file__).resolve().parents[1] / "experiments"  # the fake task lives there


def one_error_line(err: str, text: str) -> None:
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    assert text in lines[0], err


# ----------------------------------------------------------------- python -m helpers.data

@pytest.mark.parametrize("command", [["fetch", "mnist-test10k"], ["verify"]])
def test_data_cli_exits_2_when_data_dir_is_a_file(isolated, capsys, command):
    isolated.write_text("")
    assert data_main(command) == 2
    one_error_line(capsys.readouterr().err,
                   f"error: the cache folder {isolated} (from LSTMBOOK_DATA_DIR) is a file, not "
                   "a folder. Set LSTMBOOK_DATA_DIR to a folder you can write to, e.g. "
                   "`export LSTMBOOK_DATA_DIR=$HOME/lstmbook-data`.")


def test_data_cli_exits_2_when_data_dir_cannot_be_created(tmp_path, monkeypatch, capsys):
    (tmp_path / "blocker").write_text("")
    monkeypatch.setenv("LSTMBOOK_DATA_DIR", str(tmp_path / "blocker" / "data"))
    assert data_main(["fetch", "sp500"]) == 2
    one_error_line(capsys.readouterr().err,
                   f"cannot create the cache folder {tmp_path / 'blocker' / 'data'} (from "
                   f"LSTMBOOK_DATA_DIR): {tmp_path / 'blocker'} is a file.")


def test_data_cli_exits_2_when_data_dir_is_read_only(isolated, monkeypatch, capsys):
    from helpers.data import locations

    def refused(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(locations.tempfile, "mkstemp", refused)
    assert data_main(["verify"]) == 2
    one_error_line(capsys.readouterr().err,
                   "is read-only for you (Permission denied). Set LSTMBOOK_DATA_DIR")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root may write in a read-only folder")
def test_data_cli_exits_2_when_data_dir_is_really_read_only(isolated, capsys):
    isolated.mkdir()
    isolated.chmod(0o500)
    try:
        assert data_main(["fetch", "mnist-test10k"]) == 2
    finally:
        isolated.chmod(0o700)
    one_error_line(capsys.readouterr().err, "is read-only for you")


@pytest.mark.parametrize("command", [["list"], ["fetch", "sp500"], ["verify"]])
def test_data_cli_exits_2_when_mirror_is_missing(tmp_path, monkeypatch, capsys, command):
    monkeypatch.setenv("LSTMBOOK_MIRROR", str(tmp_path / "no-such-mirror"))
    assert data_main(command) == 2
    one_error_line(capsys.readouterr().err,
                   f"error: LSTMBOOK_MIRROR={tmp_path / 'no-such-mirror'} does not exist. Point "
                   "it at a copy of the data mirror (e.g. ../shared/data) or unset it to "
                   "download instead.")


@pytest.mark.parametrize(("month", "message"), [
    ("2024-13", "month must be written YYYY-MM, e.g. '2024-01'; got '2024-13'"),
    ("24-01", "month must be written YYYY-MM, e.g. '2024-01'; got '24-01'"),
    ("2010-05", "month '2010-05' is before 2017-08"),
    ("2999-01", "month '2999-01' has not ended yet"),
])
def test_data_cli_exits_2_when_months_is_bad(capsys, month, message):
    with pytest.raises(SystemExit) as info:
        data_main(["fetch", "btc-binance-archive", "--months", month])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert f"argument --months: {message}" in err and "Traceback" not in err


def test_data_cli_exits_2_when_months_is_given_for_another_data_set(capsys):
    assert data_main(["fetch", "sp500", "--months", "2024-01"]) == 2
    one_error_line(capsys.readouterr().err, "--months only applies to btc-binance-archive")


def test_data_cli_exits_2_when_archive_has_no_months(capsys):
    assert data_main(["fetch", "btc-binance-archive"]) == 2
    one_error_line(capsys.readouterr().err, "btc-binance-archive has one file per month: add "
                                            "--months YYYY-MM [YYYY-MM ...], e.g. --months "
                                            "2024-01")


def test_data_cli_exits_2_when_no_data_set_is_named(capsys):
    assert data_main(["fetch"]) == 2
    one_error_line(capsys.readouterr().err, "name at least one data set, or --all")


def test_data_cli_exits_2_when_verify_names_an_unknown_data_set(capsys):
    assert data_main(["verify", "cifar"]) == 2
    one_error_line(capsys.readouterr().err, "unknown data set 'cifar'.")


# ---------------------------------------------------------- python -m helpers.experiments

@pytest.fixture
def fake(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(HERE))
    monkeypatch.setitem(runner.TASKS, "fake", "fake_task")
    monkeypatch.delenv("FAKE_LOG", raising=False)
    module = runner.load_task("fake")
    module.CALLS.clear()
    return module


def run(out: Path, *flags: str, mode: str = "smoke") -> int:
    return experiments_main(["fake", *flags, "--mode", mode, "--device", "cpu",
                             "--output", str(out), "--no-progress"])


@pytest.mark.parametrize(("flags", "message"), [
    (["--learning-rate", "0.1", "--learning-rate", "0.01"],
     "argument --learning-rate: given twice: list all its values after one --learning-rate, "
     "e.g. --learning-rate A B"),
    (["--hidden-size", "4", "--hidden-size", "8"], "argument --hidden-size: given twice"),
    (["--epochs", "2", "--epochs", "3"], "argument --epochs: given twice"),
    (["--device", "cpu", "--device", "cpu"], "argument --device: given twice"),
])
def test_experiments_cli_exits_2_when_an_option_is_repeated(fake, capsys, flags, message):
    with pytest.raises(SystemExit) as info:
        experiments_main(["fake", *flags])
    assert info.value.code == 2
    assert message in capsys.readouterr().err and fake.CALLS == []


@pytest.mark.parametrize(("flags", "message"), [
    (["--hidden-size", "0"], "argument --hidden-size: invalid value '0' (PositiveInt: must be "
                             "a positive integer, got '0')"),
    (["--learning-rate", "fast"], "argument --learning-rate: invalid value 'fast'"),
    (["--kind", "c"], "argument --kind: invalid choice: 'c'"),
])
def test_experiments_cli_exits_2_when_a_grid_value_is_invalid(fake, capsys, flags, message):
    with pytest.raises(SystemExit) as info:
        experiments_main(["fake", *flags])
    assert info.value.code == 2
    assert message in capsys.readouterr().err and fake.CALLS == []


def test_experiments_cli_exits_1_when_a_combination_is_invalid(fake, tmp_path, capsys):
    assert run(tmp_path, "--hidden-size", "8", "32", "--kind", "b") == 1
    one_error_line(capsys.readouterr().err,
                   "error: 1 of 2 configurations of task 'fake' are invalid, so nothing was "
                   "trained: hidden_size=32 learning_rate=0.1 kind=b: kind='b' needs "
                   "hidden_size <= 16, got 32")
    assert fake.CALLS == [] and not (tmp_path / "study.db").exists()


def test_experiments_cli_exits_1_when_resuming_in_another_mode(fake, tmp_path, capsys):
    assert run(tmp_path) == 0
    capsys.readouterr()
    assert run(tmp_path, "--resume", mode="standard") == 1
    one_error_line(capsys.readouterr().err,
                   f"error: {tmp_path}: --resume evaluates checkpoints trained in smoke mode, "
                   "and this run is in standard mode. Pass --mode smoke (LSTMBOOK_MODE=smoke), "
                   "or use another --output for standard mode.")


@pytest.mark.parametrize(("damage", "message"), [
    ("garbage", "cannot be read: it is not a PyTorch checkpoint"),
    ("other", "does not fit this Linear (size mismatch for weight"),
])
def test_experiments_cli_exits_1_when_a_checkpoint_is_damaged_or_mismatched(
        fake, tmp_path, capsys, damage, message):
    assert run(tmp_path, "--hidden-size", "4", "8") == 0
    path = tmp_path / "checkpoints" / "trial-0.pt"
    other = tmp_path / "checkpoints" / "trial-1.pt"
    path.write_bytes(b"\x00garbage" if damage == "garbage" else other.read_bytes())
    capsys.readouterr()
    assert run(tmp_path, "--hidden-size", "4", "8", "--resume") == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.startswith(f"error: configuration hidden_size=4 learning_rate=0.1 kind=a "
                          f"(1 of 2) failed while evaluating {path}: ValueError: checkpoint "
                          f"{path} ")
    assert message in err


def test_experiments_cli_exits_1_when_output_is_a_file(fake, tmp_path, capsys):
    (tmp_path / "out").write_text("")
    assert run(tmp_path / "out") == 1
    one_error_line(capsys.readouterr().err,
                   f"error: cannot write in the output folder {tmp_path / 'out'}")
    assert fake.CALLS == []


# ----------------------------------------------------------- --output, records, task order

def test_experiments_cli_exits_2_when_output_is_empty(fake, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)  # Path("") is this folder: the runs must not land here
    with pytest.raises(SystemExit) as info:
        experiments_main(["fake", "--mode", "smoke", "--device", "cpu", "--output", ""])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "argument --output: invalid value '': it is empty; give the folder for the runs, " \
           "e.g. --output runs/fake (or leave --output out for that default)" in err
    assert "Traceback" not in err
    assert fake.CALLS == [] and not (tmp_path / "runs").exists()


def test_run_grid_refuses_an_empty_output(fake, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ValueError, match=r"output='' is empty; give a folder for the runs"):
        runner.run_grid(fake, {"hidden_size": [4]}, device="cpu", output="", progress=False)
    assert fake.CALLS == [] and not (tmp_path / "runs").exists()


def test_experiments_cli_exits_1_before_training_when_the_study_file_is_damaged(
        fake, tmp_path, capsys):
    assert run(tmp_path) == 0
    (tmp_path / "study.db").write_bytes(b"not a database, " * 64)
    fake.CALLS.clear()
    capsys.readouterr()
    assert run(tmp_path, "--hidden-size", "4", "8") == 1
    one_error_line(capsys.readouterr().err,
                   f"error: cannot use the storage sqlite:///{tmp_path / 'study.db'}: file is "
                   "not a database")
    assert fake.CALLS == []  # refused before any training


@pytest.mark.parametrize("before", [["--mode", "smoke"], ["--device", "cpu", "--mode", "smoke"],
                                    ["--hidden-size", "4", "--mode", "smoke"]])
def test_experiments_cli_accepts_options_before_the_task(fake, tmp_path, capsys, before):
    argv = [*before, "fake", "--device", "cpu", "--output", str(tmp_path), "--no-progress"]
    if "--device" in before:
        argv = [*before, "fake", "--output", str(tmp_path), "--no-progress"]
    assert experiments_main(argv) == 0, capsys.readouterr().err
    assert [(c["hidden_size"], c["mode"]) for c in fake.CALLS] == [(4, "smoke")]


def test_experiments_cli_never_takes_an_option_value_for_the_task(fake, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    # "fake" after --output is the folder; the second "fake" is the task
    assert experiments_main(["--output", "fake", "fake", "--mode", "smoke", "--device", "cpu",
                             "--no-progress"]) == 0
    assert (tmp_path / "fake" / "summary.csv").exists() and len(fake.CALLS) == 1


def test_experiments_cli_names_a_misspelt_task_after_the_options(fake, capsys):
    with pytest.raises(SystemExit) as info:
        experiments_main(["--mode", "smoke", "fkae"])
    assert info.value.code == 2
    assert "error: unknown task 'fkae' (did you mean fake?)" in capsys.readouterr().err
    assert fake.CALLS == []


def test_experiments_cli_exits_2_when_no_task_is_named(fake, capsys):
    with pytest.raises(SystemExit) as info:
        experiments_main(["--mode", "smoke", "--lr", "0.1"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "error: no task name in '--mode smoke --lr 0.1': put the task first, e.g. " \
           "python -m helpers.experiments toy --mode smoke --lr 0.1 (tasks: " in err
    assert "Traceback" not in err and fake.CALLS == []


# ------------------------------------------------------------------------ Ctrl-C twice

SLOW_FOLDER = """
import os, sys, time
from helpers.experiments import cli, runner, work

runner.register_task("fake", "fake_task")
owner = work.Run if os.environ["SLOW_METHOD"] == "write_summary" else work
original = getattr(owner, os.environ["SLOW_METHOD"])

def slowly(self, *args, **kwargs):  # a slow disk: the write is under way for a while
    open(os.environ["SLOW_MARK"], "a").close()
    time.sleep(float(os.environ["SLOW_SECONDS"]))
    return original(self, *args, **kwargs)

setattr(owner, os.environ["SLOW_METHOD"], slowly)
sys.exit(cli.main())
"""


def wait_for(condition, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the run never got there"
        time.sleep(0.02)


@pytest.mark.parametrize("during", ["commit", "cleanup"])
def test_a_second_ctrl_c_while_stopping_leaves_no_half_written_file(tmp_path, during):
    """First Ctrl-C mid-write (commit) or mid-training (cleanup), second during the write."""
    out, mark = tmp_path / "out", tmp_path / "mark"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), str(HERE.parents[1])]),
           "SLOW_MARK": str(mark), "SLOW_SECONDS": "1.5", "FAKE_SLEEP": "30",
           "SLOW_METHOD": "write_summary" if during == "commit" else "_discard"}
    sizes = ["4", "8"] if during == "commit" else ["16"]
    process = subprocess.Popen(
        [sys.executable, "-c", SLOW_FOLDER, "fake", "--hidden-size", *sizes, "--mode",
         "smoke", "--device", "cpu", "--output", str(out), "--no-progress"],
        env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        if during == "cleanup":  # first Ctrl-C while training, weights so far staged
            wait_for(lambda: any((out / "checkpoints" / ".partial").glob("*.pt")))
            process.send_signal(signal.SIGINT)
            wait_for(mark.exists)  # the staged file is being removed
        else:  # first Ctrl-C while the finished configuration is being written
            wait_for(mark.exists)
            process.send_signal(signal.SIGINT)
            time.sleep(0.3)
        process.send_signal(signal.SIGINT)  # the second one, in the middle of the write
        _, err = process.communicate(timeout=60)
    finally:
        process.kill()
    assert process.returncode == 130, err
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        f"interrupted; the configurations that finished are kept in {out}"), err
    assert not [p for p in out.rglob("*") if p.name.endswith(".tmp") or p.name == ".partial"]
    finished = ["trial-0"] if during == "commit" else []
    assert sorted(p.stem for p in (out / "checkpoints").glob("*.pt")) == finished
    if finished:  # the trial, its checkpoint and the summary were written together
        assert pd.read_csv(out / "summary.csv")["hidden_size"].tolist() == [4]


# ------------------------------------------- every option of every task: exit 2, one line

def _bad_values() -> list[tuple[str, list[str]]]:
    """(task, argv after the task) for every kind of bad value of every option."""
    cases = []
    for task in ("toy", "mnist", "ladder", "sp500", "anomaly"):
        module = runner.load_task(task)
        for name, param in module.PARAMS.items():
            flag = "--" + name.replace("_", "-")
            default = str(param.default[0])
            bad = ["", "x"] if param.choices else ["", "x", "nan", "inf", "-inf", "1e400"]
            cases += [(task, [flag, value]) for value in bad]
            cases += [(task, [flag, default, default]), (task, [flag])]  # repeated, empty
    ranges = {
        "toy": [["--lr", "0"], ["--lr", "-0.1"], ["--lr", "1e-400"], ["--hidden-size", "0"],
                ["--hidden-size", "-8"], ["--hidden-size", "8.5"], ["--clip-grad-norm", "0"]],
        "mnist": [["--hidden-size", "0"], ["--hidden-size", "-1"], ["--hidden-size", "1.5"],
                  ["--head-hidden", "-1"], ["--lr", "0"], ["--lr", "-1"],
                  ["--clip-grad-norm", "-1"], ["--class-weight", "-1"], ["--batch-size", "0"],
                  ["--seed", "-1"], ["--seed", "1e3"], ["--seed", "4294967296"],
                  ["--model", "separate", "shared", "separate"]],
        "ladder": [["--steps", "5"], ["--steps", "0"], ["--hidden-size", "0"], ["--lr", "0"],
                   ["--clip-grad-norm", "-1"], ["--batch-size", "0"], ["--seed", "-1"]],
        "sp500": [["--hidden-size", "0"], ["--lr", "0"], ["--lookback", "0"],
                  ["--clip-grad-norm", "0"], ["--batch-size", "0"], ["--setup", "many"]],
        "anomaly": [["--hidden-size", "0"], ["--lookback", "0"], ["--lr", "0"],
                    ["--clip-grad-norm", "0"], ["--k-sigma", "0"], ["--alarm-rate", "0"],
                    ["--alarm-rate", "1"], ["--alarm-rate", "5"]],
    }
    cases += [(task, flags) for task, table in ranges.items() for flags in table]
    settings = [["--epochs", "0"], ["--epochs", "-1"], ["--epochs", "nan"],
                ["--epochs", "1.5"], ["--epochs", "x"], ["--epochs", ""], ["--epochs"],
                ["--epochs", "1", "--epochs", "2"], ["--output", ""], ["--output", " "],
                ["--mode", "fast"], ["--mode", ""], ["--device", "tpu"]]
    cases += [(task, flags) for task in ranges for flags in settings]
    return cases


@pytest.fixture
def no_run(monkeypatch):
    """A bad command line must stop before the run: fail the test if it gets there."""
    from helpers.experiments import cli

    def never(*args, **kwargs):
        raise AssertionError("a bad command line reached the run")

    monkeypatch.setattr(cli, "run_grid", never)


@pytest.mark.parametrize(("task", "flags"), _bad_values(),
                         ids=lambda v: v if isinstance(v, str) else " ".join(map(repr, v)))
def test_every_bad_option_value_exits_2_with_one_line(no_run, capsys, task, flags):
    with pytest.raises(SystemExit) as info:
        experiments_main([task, *flags])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    errors = [line for line in err.splitlines() if "error:" in line]
    assert len(errors) == 1, err
    flag = next(f for f in reversed(flags) if f.startswith("--"))
    assert errors[0].startswith(f"python -m helpers.experiments {task}: error: argument "
                                f"{flag}: "), err


def test_a_bad_mode_in_the_environment_exits_2(no_run, monkeypatch, capsys):
    monkeypatch.setenv("LSTMBOOK_MODE", "fast")
    with pytest.raises(SystemExit) as info:
        experiments_main(["toy", "--hidden-size", "8"])
    assert info.value.code == 2
    assert ("argument --mode: LSTMBOOK_MODE='fast' in the environment is not one of smoke, "
            "standard, full; fix it or pass --mode") in capsys.readouterr().err


@pytest.mark.parametrize(("flags", "message"), [
    (["--forget-bias", "nan"], "argument --forget-bias: invalid value 'nan': give a finite "
                               "number, e.g. 1.0"),
    (["--seed", "-1"], "argument --seed: seed=-1 must be zero or positive"),
    (["--seed", "4294967296"], "argument --seed: seed=4294967296 is too large (at most "
                               "2147483647)"),
    (["--hidden-size", "1.5"], "argument --hidden-size: invalid value '1.5': give a whole "
                               "number, e.g. 64"),
    (["--lr", "0.003", "3e-3"], "argument --lr: 0.003 is listed twice; each value trains one "
                                "configuration, so list it once"),
])
def test_bad_values_name_the_option_the_value_and_the_fix(no_run, capsys, flags, message):
    with pytest.raises(SystemExit):
        experiments_main(["mnist", *flags])
    assert message in capsys.readouterr().err


def test_alarm_rate_must_be_a_share(no_run, capsys):
    with pytest.raises(SystemExit):
        experiments_main(["anomaly", "--alarm-rate", "5"])
    assert ("argument --alarm-rate: invalid value '5' (Share: must be a fraction between 0 and "
            "1 (both excluded), got '5')") in capsys.readouterr().err
