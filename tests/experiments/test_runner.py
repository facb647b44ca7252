"""The experiment runner: parameters, ids, validation, and an output folder that loses nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from helpers.experiments import runner
from helpers.experiments.params import Param, PositiveFloat, PositiveInt
from helpers.experiments.runner import (
    ConfigFailed,
    TaskError,
    config_id,
    load_task,
    run_grid,
)

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


def test_config_id_is_file_safe_and_distinct():
    a = config_id({"setup": "many-to-one", "lr": 0.01, "name": "a/b c"})
    assert a == "setup-many-to-one_lr-0.01_name-abc"
    assert config_id({"h": 8}) != config_id({"h": 16})
    assert config_id({"h": PositiveInt(8)}) == config_id({"h": 8})


def test_load_task_errors(monkeypatch):
    with pytest.raises(TaskError, match="did you mean sp500"):
        load_task("sp5000")
    monkeypatch.setitem(runner.TASKS, "ghost", "helpers.experiments.ghost_task_not_there")
    with pytest.raises(TaskError, match="does not exist yet"):
        load_task("ghost")


def test_run_grid_writes_json_csv_and_resumes(fake_task, tmp_path):
    out = tmp_path / "out"
    table = grid(out, [4, 8, 16])
    assert table["hidden_size"].tolist() == [8, 4, 16]  # sorted by METRIC, best first
    assert table["loss"].tolist() == pytest.approx([0.1, 4.1, 8.1])
    assert pd.read_csv(out / "summary.csv")["config"].tolist() == table["config"].tolist()
    assert sorted(files(out)) == sorted(
        [f"runs/{c}.json" for c in table["config"]]
        + [f"checkpoints/{c}.pt" for c in table["config"]] + ["summary.csv"])
    saved = json.loads((out / "runs" / f"{table['config'][0]}.json").read_text())
    assert saved["metrics"] == {"loss": pytest.approx(0.1), "best_epoch": 3.0}
    assert saved["mode"] == "smoke" and saved["resumed"] is False

    fake_task.CALLS.clear()
    again = grid(out, [4, 8, 16], resume=True)
    assert [c["resume"] for c in fake_task.CALLS] == [True] * 3
    assert again["loss"].tolist() == table["loss"].tolist()
    assert again["seconds"].tolist() == table["seconds"].tolist()  # the training's, kept


def test_resume_overwrites_no_record(fake_task, tmp_path):
    out = tmp_path / "out"
    grid(out, [4, 8])
    before = files(out)
    table = grid(out, [4, 8], resume=True)
    assert files(out) == before  # best_epoch and seconds of the training stay on disk
    assert table["best_epoch"].tolist() == [3.0, 3.0]


def test_rerun_into_same_output_keeps_earlier_configurations(fake_task, tmp_path):
    out = tmp_path / "out"
    grid(out, [4, 8])
    first = json.loads((out / "runs" / "hidden_size-4_learning_rate-0.1_kind-a.json")
                       .read_text())
    grid(out, [16])
    summary = pd.read_csv(out / "summary.csv")
    assert sorted(summary["hidden_size"]) == [4, 8, 16]
    kept = json.loads((out / "runs" / "hidden_size-4_learning_rate-0.1_kind-a.json")
                      .read_text())
    assert kept == first
    grid(out, [16, 4])  # trained again: their records are replaced, the others stay
    assert sorted(pd.read_csv(out / "summary.csv")["hidden_size"]) == [4, 8, 16]


def test_resume_of_some_configurations_keeps_the_others_in_the_summary(fake_task, tmp_path):
    out = tmp_path / "out"
    grid(out, [4, 8, 16])
    table = grid(out, [8], resume=True)
    assert table["hidden_size"].tolist() == [8]
    assert sorted(pd.read_csv(out / "summary.csv")["hidden_size"]) == [4, 8, 16]


def test_failing_configuration_leaves_no_partial_files(fake_task, tmp_path):
    out = tmp_path / "out"
    grid(out, [2, 4])
    before = files(out)
    with pytest.raises(ConfigFailed, match=r"hidden_size-13_.* \(2 of 3\) failed: "
                                           r"RuntimeError: the fake task breaks") as info:
        grid(out, [8, 13, 16])
    assert isinstance(info.value.__cause__, RuntimeError)
    assert info.value.config == "hidden_size-13_learning_rate-0.1_kind-a"
    after = files(out)
    assert not [name for name in after if "13" in name or ".partial" in name
                or name.endswith(".tmp")]
    assert sorted(pd.read_csv(out / "summary.csv")["hidden_size"]) == [2, 4, 8]
    assert all(after[name] == data for name, data in before.items() if name != "summary.csv")


def test_interrupted_grid_keeps_finished_configurations(fake_task, tmp_path, monkeypatch):
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


def test_invalid_configuration_is_refused_before_anything_trains(fake_task, tmp_path):
    with pytest.raises(ValueError, match=r"1 of 4 configurations of task 'fake' are invalid, "
                                         r"so nothing was trained: hidden_size-32_.*kind-b: "
                                         r"kind='b' needs hidden_size <= 16"):
        run_grid("fake", {"hidden_size": [8, 32], "kind": ["a", "b"]}, device="cpu",
                 output=tmp_path / "out", progress=False)
    assert fake_task.CALLS == [] and not (tmp_path / "out").exists()


def test_grid_value_of_the_wrong_type_is_refused_before_training(fake_task):
    with pytest.raises(ValueError, match=r"learning_rate='fast' is not a valid PositiveFloat"):
        run_grid("fake", {"learning_rate": [0.1, "fast"]}, device="cpu", progress=False)
    assert fake_task.CALLS == []


def test_resume_in_another_mode_is_refused(fake_task, tmp_path, monkeypatch):
    grid(tmp_path, [4])
    monkeypatch.setenv("LSTMBOOK_MODE", "standard")
    with pytest.raises(ValueError, match=re_escape(
            "--resume evaluates checkpoints trained in smoke mode, and this run is in "
            "standard mode. Pass --mode smoke")):
        grid(tmp_path, [4], resume=True)
    with pytest.raises(ValueError, match="would mix modes in one summary"):
        grid(tmp_path, [8])
    assert [c["resume"] for c in fake_task.CALLS] == [False]


def test_output_folder_of_another_task_is_refused(fake_task, tmp_path):
    grid(tmp_path, [4])
    record = tmp_path / "runs" / "hidden_size-4_learning_rate-0.1_kind-a.json"
    record.write_text(record.read_text().replace('"task": "fake"', '"task": "toy"'))
    with pytest.raises(ValueError, match="holds runs of task 'toy'; use another --output"):
        grid(tmp_path, [8])


def test_unreadable_record_names_the_file(fake_task, tmp_path):
    grid(tmp_path, [4])
    (tmp_path / "runs" / "hidden_size-4_learning_rate-0.1_kind-a.json").write_text("{trunc")
    with pytest.raises(ValueError, match=r"run record .*hidden_size-4_.*\.json cannot be read"):
        grid(tmp_path, [8])


def test_resume_without_checkpoints_is_a_clear_error(fake_task, tmp_path):
    with pytest.raises(FileNotFoundError, match="no checkpoint for 2 of 2"):
        grid(tmp_path, [4, 8], resume=True)
    assert fake_task.CALLS == []
    with pytest.raises(ValueError, match="no parameter depth"):
        run_grid("fake", {"depth": [1]}, device="cpu", progress=False)


@pytest.mark.parametrize("damage", [b"not a checkpoint", None])
def test_damaged_or_mismatched_checkpoint_names_the_file(fake_task, tmp_path, damage):
    grid(tmp_path, [4, 8])
    path = tmp_path / "checkpoints" / "hidden_size-4_learning_rate-0.1_kind-a.pt"
    if damage is None:  # the weights of another configuration
        path.write_bytes((tmp_path / "checkpoints" /
                          "hidden_size-8_learning_rate-0.1_kind-a.pt").read_bytes())
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
])
def test_run_grid_refuses_bad_settings_before_training(fake_task, settings, error, message):
    with pytest.raises(error, match=message):
        run_grid("fake", {"hidden_size": [4]}, device="cpu", progress=False, **settings)
    assert fake_task.CALLS == []


def test_record_lacking_a_field_is_refused_before_training(fake_task, tmp_path):
    grid(tmp_path, [4])
    path = tmp_path / "runs" / "hidden_size-4_learning_rate-0.1_kind-a.json"
    record = json.loads(path.read_text())
    del record["params"]
    path.write_text(json.dumps(record))
    fake_task.CALLS.clear()
    for resume in (False, True):
        with pytest.raises(ValueError, match=r"hidden_size-4_learning_rate-0\.1_kind-a\.json "
                                             r"lacks the field 'params'"):
            grid(tmp_path, [4], resume=resume)
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
