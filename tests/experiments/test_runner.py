"""The experiment runner: parameters, validation, a study that trains each configuration once."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from helpers.experiments import runner, work
from helpers.experiments.params import Param, PositiveFloat, PositiveInt
from helpers.experiments.runner import ConfigFailed, TaskError, load_task, run_grid

HERE = Path(__file__).resolve().parent


@pytest.fixture
def fake_task(monkeypatch):
    """The fake task of fake_task.py, registered as a user's own task would be."""
    monkeypatch.syspath_prepend(str(HERE))
    monkeypatch.setitem(runner.TASKS, "fake", "fake_task")
    monkeypatch.setenv("LSTMBOOK_MODE", "smoke")
    monkeypatch.delenv("FAKE_LOG", raising=False)
    module = load_task("fake")
    module.CALLS.clear()
    return module


def files(folder: Path) -> dict[str, bytes]:
    """Every file below ``folder`` (hidden and temporary ones included) and its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def grid(out: Path, sizes, **kwargs):
    return run_grid("fake", {"hidden_size": sizes}, device="cpu", output=out, progress=False,
                    **kwargs)


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


def test_load_task_errors(monkeypatch):
    with pytest.raises(TaskError, match="did you mean sp500"):
        load_task("sp5000")
    monkeypatch.setitem(runner.TASKS, "ghost", "helpers.experiments.ghost_task_not_there")
    with pytest.raises(TaskError, match="does not exist yet"):
        load_task("ghost")


def trials(out: Path, name: str = "fake") -> list:
    import optuna

    return optuna.load_study(study_name=name, storage=f"sqlite:///{out / 'study.db'}").trials


def test_run_grid_keeps_a_study_a_summary_and_checkpoints(fake_task, tmp_path):
    out = tmp_path / "out"
    table = grid(out, [4, 8, 16])
    assert table["hidden_size"].tolist() == [8, 4, 16]  # sorted by METRIC, best first
    assert table["loss"].tolist() == pytest.approx([0.1, 4.1, 8.1])
    assert pd.read_csv(out / "summary.csv")["trial"].tolist() == table["trial"].tolist()
    assert sorted(files(out)) == sorted(
        [f"checkpoints/trial-{n}.pt" for n in range(3)]
        + ["study.db", "study.db.workers.lock", "summary.csv"])
    best = next(t for t in trials(out) if t.number == table["trial"][0])
    assert best.value == pytest.approx(0.1) and best.user_attrs["metrics"]["best_epoch"] == 3
    assert best.params == {"hidden_size": 8, "learning_rate": 0.1, "kind": "a"}

    fake_task.CALLS.clear()
    again = grid(out, [4, 8, 16], resume=True)  # evaluates the checkpoints, the study stays
    assert [c["resume"] for c in fake_task.CALLS] == [True] * 3
    assert again["loss"].tolist() == table["loss"].tolist()
    assert again["best_epoch"].tolist() == [3.0] * 3  # the training's: a reload gives NaN
    assert len(trials(out)) == 3


def test_a_finished_configuration_is_never_trained_again(fake_task, tmp_path):
    out = tmp_path / "out"
    grid(out, [4, 8])
    fake_task.CALLS.clear()
    table = grid(out, [4, 8, 16])  # only the new one trains
    assert [c["hidden_size"] for c in fake_task.CALLS] == [16]
    assert table["hidden_size"].tolist() == [8, 4, 16]
    fake_task.CALLS.clear()
    assert grid(out, [16, 4])["hidden_size"].tolist() == [4, 16] and fake_task.CALLS == []
    assert sorted(pd.read_csv(out / "summary.csv")["hidden_size"]) == [4, 8, 16]


def test_a_failed_configuration_leaves_no_file_and_trains_on_the_next_run(fake_task, tmp_path,
                                                                           monkeypatch):
    out = tmp_path / "out"
    with pytest.raises(ConfigFailed, match=r"configuration hidden_size=13 learning_rate=0.1 "
                                           r"kind=a \(2 of 3\) failed: RuntimeError: the fake "
                                           r"task breaks") as info:
        grid(out, [8, 13, 16])
    assert isinstance(info.value.__cause__, RuntimeError)
    assert not [n for n in files(out) if ".partial" in n or n.endswith(".tmp")]
    assert sorted(pd.read_csv(out / "summary.csv")["hidden_size"]) == [8]
    assert [t.state.name for t in trials(out)] == ["COMPLETE", "FAIL", "WAITING"]
    monkeypatch.setattr(fake_task, "run", fake_task_fixed(fake_task.run))
    fake_task.CALLS.clear()
    grid(out, [8, 13, 16])  # 13 again (fixed), 16 from the queue, 8 stays
    assert sorted(c["hidden_size"] for c in fake_task.CALLS) == [12, 16]  # 12: 13 fixed


def fake_task_fixed(original):
    def run(params, **kwargs):
        return original({**params, "hidden_size": 12} if params["hidden_size"] == 13
                        else params, **kwargs)
    return run


def test_an_interrupted_configuration_is_retried_and_the_finished_kept(fake_task, tmp_path,
                                                                        monkeypatch):
    original = fake_task.run

    def interrupted(params, **kwargs):
        if params["hidden_size"] == 16:
            raise KeyboardInterrupt
        return original(params, **kwargs)

    monkeypatch.setattr(fake_task, "run", interrupted)
    with pytest.raises(KeyboardInterrupt):
        grid(tmp_path, [4, 8, 16])
    assert sorted(pd.read_csv(tmp_path / "summary.csv")["hidden_size"]) == [4, 8]
    assert not [n for n in files(tmp_path) if n.endswith(".tmp") or ".partial" in n]
    monkeypatch.setattr(fake_task, "run", original)
    fake_task.CALLS.clear()
    grid(tmp_path, [4, 8, 16])
    assert [c["hidden_size"] for c in fake_task.CALLS] == [16]


def test_a_worker_that_died_has_its_configuration_retried(fake_task, tmp_path, monkeypatch):
    import optuna

    from helpers.experiments import study as study_module

    grid(tmp_path, [4])
    storage = f"sqlite:///{tmp_path / 'study.db'}"
    study = optuna.load_study(study_name="fake", storage=storage)
    study.enqueue_trial({"hidden_size": 8, "learning_rate": 0.1, "kind": "a"})
    dead = study.ask()  # claimed by a worker that then died: no heartbeat since
    study._storage.set_trial_user_attr(dead._trial_id, "heartbeat", 0.0)
    fake_task.CALLS.clear()
    monkeypatch.setattr(study_module, "STALE_AFTER", 3600.0)
    grid(tmp_path, [4, 8])
    assert fake_task.CALLS[0]["hidden_size"] == 8
    assert [t.state.name for t in trials(tmp_path)] == ["COMPLETE", "FAIL", "COMPLETE"]


def test_invalid_configuration_is_refused_before_anything_trains(fake_task, tmp_path):
    with pytest.raises(ValueError, match=r"1 of 4 configurations of task 'fake' are invalid, "
                                         r"so nothing was trained: hidden_size=32 "
                                         r"learning_rate=0.1 kind=b: kind='b' needs "
                                         r"hidden_size <= 16"):
        run_grid("fake", {"hidden_size": [8, 32], "kind": ["a", "b"]}, device="cpu",
                 output=tmp_path / "out", progress=False)
    assert fake_task.CALLS == [] and not (tmp_path / "out").exists()


def test_grid_value_of_the_wrong_type_is_refused_before_training(fake_task):
    with pytest.raises(ValueError, match=r"learning_rate='fast' is not a valid PositiveFloat"):
        run_grid("fake", {"learning_rate": [0.1, "fast"]}, device="cpu", progress=False)
    assert fake_task.CALLS == []


def test_another_mode_in_the_same_study_is_refused(fake_task, tmp_path, monkeypatch):
    grid(tmp_path, [4])
    monkeypatch.setenv("LSTMBOOK_MODE", "standard")
    with pytest.raises(ValueError, match=re_escape(
            "--resume evaluates checkpoints trained in smoke mode, and this run is in "
            "standard mode. Pass --mode smoke")):
        grid(tmp_path, [4], resume=True)
    with pytest.raises(ValueError, match="would mix modes in one summary"):
        grid(tmp_path, [8])
    assert [c["resume"] for c in fake_task.CALLS] == [False]


def other_task(fake_task, **changes):
    import types

    module = types.ModuleType("other")
    module.__dict__.update({k: getattr(fake_task, k) for k in ("NAME", "PARAMS", "run",
                                                              "METRIC")})
    module.__dict__.update(changes)
    return module


def test_a_study_of_another_task_or_other_parameters_is_refused(fake_task, tmp_path):
    grid(tmp_path, [4])
    with pytest.raises(ValueError, match=r"study 'fake' in .* holds runs of task 'fake', not "
                                         r"'toy'; use another --study name"):
        run_grid(other_task(fake_task, NAME="toy"), {"hidden_size": [4]}, device="cpu",
                 output=tmp_path, study="fake", progress=False)
    fewer = {k: v for k, v in fake_task.PARAMS.items() if k != "kind"}
    with pytest.raises(ValueError, match=r"was made with the parameters \['hidden_size', "
                                         r"'learning_rate', 'kind'\], and task 'fake' now "
                                         r"has \['hidden_size', 'learning_rate'\]"):
        run_grid(other_task(fake_task, PARAMS=fewer), {"hidden_size": [4]}, device="cpu",
                 output=tmp_path, progress=False)
    assert len(fake_task.CALLS) == 1


def test_an_unreachable_or_read_only_storage_is_one_clear_error(fake_task, tmp_path):
    from helpers.experiments.study import StorageError

    with pytest.raises(StorageError, match=r"cannot use the storage postgresql\+psycopg://"
                                           r"me:\*\*\*@127\.0\.0\.1:1/db: connection failed.*"
                                           r"Check that the server runs"):
        run_grid("fake", {"hidden_size": [4]}, device="cpu", output=tmp_path, progress=False,
                 storage="postgresql+psycopg://me:secret@127.0.0.1:1/db")
    grid(tmp_path, [4])
    with pytest.raises(StorageError, match=r"is read-only \(attempt to write a readonly "
                                           r"database\); every worker writes its trials"):
        grid(tmp_path, [4, 8],
             storage=f"sqlite:///file:{tmp_path / 'study.db'}?mode=ro&uri=true")
    with pytest.raises(StorageError, match="is not a URL"):
        grid(tmp_path, [4], storage="study.db")
    assert len(fake_task.CALLS) == 1


def test_a_journal_file_storage_shares_the_study(fake_task, tmp_path):
    journal = f"journal:{tmp_path / 'shared' / 'fake.log'}"
    grid(tmp_path / "a", [4, 8], storage=journal)
    fake_task.CALLS.clear()
    table = grid(tmp_path / "b", [4, 8, 16], storage=journal)  # another machine's folder
    assert [c["hidden_size"] for c in fake_task.CALLS] == [16]
    assert table["hidden_size"].tolist() == [8, 4, 16]


def test_resume_without_checkpoints_is_a_clear_error(fake_task, tmp_path):
    grid(tmp_path, [4])
    with pytest.raises(FileNotFoundError, match=r"no checkpoint for 1 of 2 configurations in "
                                                r".*\(first: hidden_size=8 "):
        grid(tmp_path, [4, 8], resume=True)
    assert [c["resume"] for c in fake_task.CALLS] == [False]
    with pytest.raises(ValueError, match="no parameter depth"):
        run_grid("fake", {"depth": [1]}, device="cpu", progress=False)


@pytest.mark.parametrize("damage", [b"not a checkpoint", None])
def test_damaged_or_mismatched_checkpoint_names_the_file(fake_task, tmp_path, damage):
    grid(tmp_path, [4, 8])
    path = tmp_path / "checkpoints" / "trial-0.pt"
    if damage is None:  # the weights of another configuration
        path.write_bytes((tmp_path / "checkpoints" / "trial-1.pt").read_bytes())
    else:
        path.write_bytes(damage)
    with pytest.raises(ConfigFailed) as info:
        grid(tmp_path, [4, 8], resume=True)
    message = str(info.value)
    assert f"while evaluating {path}" in message and "ValueError: checkpoint" in message
    assert ("delete it and train again" in message if damage else
            "saved for another configuration" in message)


def test_output_folder_that_is_a_file_is_refused_before_training(fake_task, tmp_path):
    target = tmp_path / "out"
    target.write_text("not a folder")
    with pytest.raises(ValueError, match=r"cannot write in the output folder .*out"):
        grid(target, [4])
    assert fake_task.CALLS == []


def test_tpe_trains_its_budget_within_the_grid_ranges(fake_task, tmp_path):
    table = run_grid("fake", {"hidden_size": [2, 12], "learning_rate": [0.01, 1.0]},
                     device="cpu", output=tmp_path, progress=False, sampler="tpe", trials=4)
    assert len(table) == 4 and len(fake_task.CALLS) == 4
    assert table["hidden_size"].between(2, 12).all()
    assert table["learning_rate"].between(0.01, 1.0).all()
    assert table["loss"].is_monotonic_increasing

def re_escape(text: str) -> str:
    import re

    return re.escape(text)


@pytest.mark.parametrize(("grid_", "error", "message"), [
    ([{"hidden_size": 4}], TypeError, "grid must map parameter names to lists of values"),
    ({"hidden_size": []}, ValueError, r"grid\['hidden_size'\] is empty: give at least one "
                                      r"value, or leave 'hidden_size' out to use its default "
                                      r"\[4\]"),
])
def test_run_grid_refuses_a_grid_it_cannot_read(fake_task, grid_, error, message):
    with pytest.raises(error, match=message):
        run_grid("fake", grid_, device="cpu", progress=False)
    assert fake_task.CALLS == []


def test_run_grid_takes_a_single_value_as_one(fake_task):
    # list("b") is ["b"], but list("ab") would be two one-letter values
    table = run_grid("fake", {"hidden_size": 8, "kind": "b"}, device="cpu", progress=False)
    assert table[["hidden_size", "kind"]].values.tolist() == [[8, "b"]]


@pytest.mark.parametrize(("settings", "error", "message"), [
    ({"output": ""}, ValueError, "output='' is empty"),
    ({"output": 3}, TypeError, "output=3 must be a folder path"),
    ({"epochs": 0}, ValueError, "epochs=0 must be a whole number of at least 1, or None"),
    ({"epochs": 1.5}, ValueError, "epochs=1.5 must be a whole number"),
    ({"epochs": True}, ValueError, "epochs=True must be a whole number"),
    ({"resume": "no"}, TypeError, "resume='no' must be True or False"),
    ({"workers": 0}, ValueError, "workers=0 must be a whole number of at least 1"),
    ({"workers": 2}, ValueError, "workers=2 share a study on disk: give output"),
    ({"sampler": "random"}, ValueError, "sampler='random': choose one of grid, tpe"),
    ({"trials": 5}, ValueError, "trials= is the budget of sampler='tpe'"),
    ({"pruner": "hyperband"}, ValueError, "pruner='hyperband': choose median or None"),
    ({"storage": " "}, ValueError, "storage=' ' must be a non-empty string or None"),
])
def test_run_grid_refuses_bad_settings_before_training(fake_task, settings, error, message):
    with pytest.raises(error, match=message):
        run_grid("fake", {"hidden_size": [4]}, device="cpu", progress=False, **settings)
    assert fake_task.CALLS == []


@pytest.mark.parametrize(("raw", "message"), [
    (float("nan"), "lr=nan must be a finite number"),
    (True, "lr=True must be a float, not a bool"),
    ("  ", "lr='  ' is empty; give a float, e.g. 0.1"),
    (2**40, None),
])
def test_check_params_refuses_values_that_are_invalid_on_their_own(raw, message):
    from helpers.experiments.params import ParamError, check_params

    specs = {"lr": Param(float, (0.1,), "rate"), "seed": Param(int, (0,), "seed")}
    with pytest.raises(ParamError) as info:
        check_params("t", {"lr": raw} if message else {"seed": raw}, specs)
    assert info.value.name == ("lr" if message else "seed")
    assert str(info.value).startswith(message or f"seed={2**40} is too large (at most "
                                                  "2147483647)")


def test_check_params_reads_only_real_booleans():
    from helpers.experiments.params import ParamError, check_params

    specs = {"flag": Param(bool, (True,), "a switch")}
    assert check_params("t", {"flag": False}, specs) == {"flag": False}
    with pytest.raises(ParamError, match=r"flag='false' must be True or False"):
        check_params("t", {"flag": "false"}, specs)  # bool("false") would be True


def test_a_signal_during_a_deferred_block_arrives_after_it():
    import signal

    from helpers.experiments.signals import signals_deferred, stop_on_signal

    done = []
    with stop_on_signal():
        with pytest.raises(KeyboardInterrupt):
            with signals_deferred():
                signal.raise_signal(signal.SIGINT)
                signal.raise_signal(signal.SIGINT)
                done.append("written")
        signal.raise_signal(signal.SIGINT)  # stopping already: ignored
        done.append("reported")
    assert done == ["written", "reported"]
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_fit_calls_the_epoch_hook_and_an_exception_there_stops_it():
    import numpy as np
    import torch

    from helpers.config import epoch_hook
    from helpers.training import fit

    x = np.ones((16, 2), dtype="float32")
    seen = []

    def hook(epoch, history):
        seen.append((epoch, len(history.val_loss)))
        if epoch == 3:
            raise StopIteration("enough")

    with epoch_hook(hook), pytest.raises(StopIteration, match="enough"):
        fit(torch.nn.Linear(2, 2), (x, x), val=(x, x), epochs=10, progress=False)
    assert seen == [(1, 1), (2, 2), (3, 3)]
    fit(torch.nn.Linear(2, 2), (x, x), epochs=2, progress=False)  # outside: no call
    assert len(seen) == 3


def test_the_median_pruner_stops_hopeless_configurations(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(HERE))
    monkeypatch.setitem(runner.TASKS, "fitting", "fitting_task")
    monkeypatch.setenv("LSTMBOOK_MODE", "smoke")
    monkeypatch.setattr(work, "PRUNER_STARTUP", 2)
    monkeypatch.setattr(work, "PRUNER_WARMUP", 3)
    rates = [0.1, 0.05, 1e-6, 2e-6]  # two that learn, then two that barely move
    table = run_grid("fitting", {"lr": rates}, device="cpu", output=tmp_path, progress=False,
                     pruner="median")
    states = dict(zip(table["lr"], table["state"], strict=True))
    assert states == {0.1: "complete", 0.05: "complete", 1e-6: "pruned", 2e-6: "pruned"}
    epochs = {t.params["lr"]: t.user_attrs["epochs_trained"] for t in trials(tmp_path,
                                                                              "fitting")}
    assert epochs[0.1] == epochs[0.05] == 30 and 3 <= epochs[1e-6] < 30
    assert table["lr"].tolist()[:2] == [0.1, 0.05]  # the best still first
