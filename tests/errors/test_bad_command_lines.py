"""Catalogue of bad inputs to the two command lines: one clear line and an exit status.

``python -m helpers.data``: a setup problem (the cache folder, the mirror, an option) exits
2 with one ``error:`` line. ``python -m helpers.experiments``: a bad command line exits 2
(argparse), a run that cannot go on exits 1 with one ``error:`` line. Never a traceback.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

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
                   "trained: hidden_size-32_learning_rate-0.1_kind-b: kind='b' needs "
                   "hidden_size <= 16, got 32")
    assert fake.CALLS == [] and not (tmp_path / "runs").exists()


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
    path = tmp_path / "checkpoints" / "hidden_size-4_learning_rate-0.1_kind-a.pt"
    other = tmp_path / "checkpoints" / "hidden_size-8_learning_rate-0.1_kind-a.pt"
    path.write_bytes(b"\x00garbage" if damage == "garbage" else other.read_bytes())
    capsys.readouterr()
    assert run(tmp_path, "--hidden-size", "4", "8", "--resume") == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.startswith(f"error: configuration hidden_size-4_learning_rate-0.1_kind-a "
                          f"(1 of 2) failed while evaluating {path}: ValueError: checkpoint "
                          f"{path} ")
    assert message in err


def test_experiments_cli_exits_1_when_output_is_a_file(fake, tmp_path, capsys):
    (tmp_path / "out").write_text("")
    assert run(tmp_path / "out") == 1
    one_error_line(capsys.readouterr().err,
                   f"error: cannot write in the output folder {tmp_path / 'out'}")
    assert fake.CALLS == []
