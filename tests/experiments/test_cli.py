"""``python -m helpers.experiments`` with the fake task: nothing lost, every error one line."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
import torch

from helpers.experiments import runner
from helpers.experiments.cli import _argparse_type, build_parser, main
from helpers.experiments.params import Param

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
LAUNCH = ("import sys; from helpers.experiments import runner, cli; "
          "runner.register_task('fake', 'fake_task'); sys.exit(cli.main())")


@pytest.fixture
def fake(tmp_path, monkeypatch):
    """Register the fake task; returns (module, log file, environment for a subprocess)."""
    monkeypatch.syspath_prepend(str(HERE))
    monkeypatch.setitem(runner.TASKS, "fake", "fake_task")
    # main() sets these from its flags; restore them after each test
    monkeypatch.setenv("LSTMBOOK_MODE", "smoke")
    monkeypatch.setenv("LSTMBOOK_DEVICE", "cpu")
    log = tmp_path / "calls.jsonl"
    monkeypatch.setenv("FAKE_LOG", str(log))
    module = runner.load_task("fake")
    module.CALLS.clear()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(HERE), str(ROOT)])}
    return module, log, env


def calls(log: Path) -> list[dict]:
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def argv(out: Path, *flags: str) -> list[str]:
    return ["fake", *flags, "--mode", "smoke", "--device", "cpu", "--output", str(out),
            "--no-progress"]


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.rglob("*") if p.name.endswith(".tmp") or p.name == ".partial"]


def test_subprocess_grid_then_resume_without_training(fake, tmp_path):
    _, log, env = fake
    out = tmp_path / "out"
    args = argv(out, "--hidden-size", "4", "8", "--learning-rate", "0.1", "0.2")
    done = subprocess.run([sys.executable, "-c", LAUNCH, *args], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert len(calls(log)) == 4 and {c["mode"] for c in calls(log)} == {"smoke"}
    summary = pd.read_csv(out / "summary.csv")
    assert summary["loss"].is_monotonic_increasing and len(summary) == 4
    assert summary.iloc[0][["hidden_size", "learning_rate"]].tolist() == [8, 0.1]
    assert "summary.csv lists every finished trial of the study" in done.stdout

    assert main([*args, "--resume"]) == 0  # in-process, same flags: evaluates, trains nothing
    assert [c["resume"] for c in calls(log)] == [False] * 4 + [True] * 4
    assert pd.read_csv(out / "summary.csv").equals(summary)


def test_unknown_task_exits_2_without_traceback():
    done = subprocess.run([sys.executable, "-m", "helpers.experiments", "mnsit"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "unknown task 'mnsit' (did you mean mnist?)" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("flags", [
    ["--hidden-size", "0"], ["--hidden-size", "x"], ["--kind", "c"], ["--learning-rate"],
    ["--device", "tpu"], ["--epochs", "0"], ["--mode", "fast"],
])
def test_invalid_value_exits_2(fake, flags, capsys):
    with pytest.raises(SystemExit) as info:
        main(["fake", *flags])
    assert info.value.code == 2
    assert f"argument {flags[0]}" in capsys.readouterr().err
    assert not calls(fake[1])


@pytest.mark.parametrize(("flags", "hint"), [
    (["--learning-rate", "0.1", "--learning-rate", "0.01"],
     "argument --learning-rate: given twice: list all its values after one "
     "--learning-rate, e.g. --learning-rate A B"),
    (["--mode", "smoke", "--mode", "standard"], "argument --mode: given twice"),
    (["--output", "a", "--output", "b"], "argument --output: given twice"),
])
def test_repeated_option_exits_2(fake, flags, hint, capsys):
    with pytest.raises(SystemExit) as info:
        main(["fake", *flags])
    assert info.value.code == 2
    assert hint in capsys.readouterr().err
    assert not calls(fake[1])


def test_invalid_combination_is_refused_before_training(fake, tmp_path, capsys):
    code = main(argv(tmp_path / "out", "--hidden-size", "8", "32", "--kind", "a", "b"))
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("error: 1 of 4 configurations of task 'fake' are "
                                        "invalid, so nothing was trained")
    assert "kind='b' needs hidden_size <= 16" in err and not calls(fake[1])


def test_resume_without_checkpoint_is_one_line_error(fake, tmp_path, capsys):
    code = main(argv(tmp_path / "empty", "--resume"))
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("error: --resume: no checkpoint") and not calls(fake[1])
    assert len(err.strip().splitlines()) == 1


def test_resume_in_another_mode_is_refused(fake, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(argv(out)) == 0
    args = argv(out, "--resume")
    args[args.index("smoke")] = "standard"
    capsys.readouterr()
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "trained in smoke mode, and this run is in standard mode. Pass --mode smoke" in err
    assert [c["resume"] for c in calls(fake[1])] == [False]


def test_damaged_checkpoint_is_a_clear_error_without_traceback(fake, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(argv(out)) == 0
    checkpoint = next((out / "checkpoints").glob("*.pt"))
    checkpoint.write_bytes(b"\x00garbage")
    before = (out / "study.db").read_bytes()
    capsys.readouterr()
    assert main(argv(out, "--resume")) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.startswith("error: configuration ")
    assert f"checkpoint {checkpoint} cannot be read" in err
    assert "delete it and train again" in err
    assert (out / "study.db").read_bytes() == before


def test_failing_configuration_keeps_the_others(fake, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(argv(out, "--hidden-size", "4")) == 0
    assert main(argv(out, "--hidden-size", "8", "13", "16")) == 1
    err = capsys.readouterr().err
    assert "error: configuration hidden_size=13 learning_rate=0.1 kind=a (2 of 3) failed" in err
    assert f"the configurations that finished are kept in {out}" in err
    assert sorted(pd.read_csv(out / "summary.csv")["hidden_size"]) == [4, 8]
    assert sorted(p.name for p in (out / "checkpoints").glob("*.pt")) == [
        "trial-0.pt", "trial-1.pt"]
    assert not leftovers(out)


def test_sigterm_mid_grid_keeps_finished_configurations_and_no_partial_file(fake, tmp_path):
    _, log, env = fake
    out = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, "-c", LAUNCH, *argv(out, "--hidden-size", "4", "8", "16")],
        env={**env, "FAKE_SLEEP": "30"}, cwd=tmp_path, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while len(calls(log)) < 3 and time.monotonic() < deadline:  # 16 has started training
        time.sleep(0.05)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 143, err
    assert "interrupted; the configurations that finished are kept" in err
    assert "Traceback" not in err
    assert sorted(pd.read_csv(out / "summary.csv")["hidden_size"]) == [4, 8]
    assert not leftovers(out)


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_cuda_without_cuda_is_a_clear_error(fake, capsys):
    code = main(["fake", "--device", "cuda", "--mode", "smoke", "--no-progress"])
    err = capsys.readouterr().err.strip()
    assert code == 1 and "sees no CUDA device" in err and len(err.splitlines()) == 1
    assert not calls(fake[1])


def test_parser_builds_grid_flags(fake):
    args = build_parser(fake[0]).parse_args(["--hidden-size", "8", "16", "--kind", "b"])
    assert args.hidden_size == [8, 16] and args.learning_rate == [0.1] and args.kind == ["b"]
    assert args.mode in ("smoke", "standard", "full") and not args.resume


def test_boolean_values_read_well():
    convert = _argparse_type(Param(bool, (True,), "flag"))
    assert convert("yes") is True and convert("0") is False
    with pytest.raises(Exception, match="not a boolean"):
        convert("maybe")


def launch(env: dict, cwd: Path, *args: str, **extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", LAUNCH, *args], env={**env, **extra},
                            cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def each_once(log: Path, count: int) -> None:
    trained = [(c["hidden_size"], c["learning_rate"]) for c in calls(log)]
    assert len(trained) == count and len(set(trained)) == count, calls(log)


def test_two_local_workers_run_each_configuration_once_and_a_rerun_trains_nothing(
        fake, tmp_path):
    _, log, env = fake
    args = argv(tmp_path / "out", "--hidden-size", "4", "8", "16", "32",
                "--learning-rate", "0.1", "0.2")
    done = launch(env, tmp_path, *args, "--workers", "2", FAKE_DELAY="0.5")
    _, err = done.communicate(timeout=120)
    assert done.returncode == 0, err
    each_once(log, 8)
    assert len({c["pid"] for c in calls(log)}) == 2  # both workers trained some
    assert len(pd.read_csv(tmp_path / "out" / "summary.csv")) == 8
    assert main(args) == 0
    each_once(log, 8)


def test_two_machines_share_a_grid_through_postgresql(fake, tmp_path, postgres_url):
    """One command per machine, the same --storage: each configuration trains once."""
    _, log, env = fake
    grid = ["--hidden-size", "4", "8", "16", "--learning-rate", "0.1", "0.2",
            "--storage", postgres_url, "--study", f"fake-{tmp_path.name}"]
    machines = [launch(env, tmp_path, *argv(tmp_path / name, *grid), FAKE_DELAY="0.5")
                for name in ("laptop", "desktop")]
    for machine in machines:
        _, err = machine.communicate(timeout=120)
        assert machine.returncode == 0, err
    each_once(log, 6)
    assert len({c["pid"] for c in calls(log)}) == 2
    assert len(list(tmp_path.glob("*/checkpoints/trial-*.pt"))) == 6  # where they trained
    # the same command again trains nothing and lists the whole study
    assert main(argv(tmp_path / "laptop", *grid)) == 0
    each_once(log, 6)
    assert len(pd.read_csv(tmp_path / "laptop" / "summary.csv")) == 6
