"""Mode and device settings: defaults, validation, and no silent CUDA fallback."""

import pytest
import torch

from helpers import config


def test_mode_defaults_to_standard(monkeypatch):
    monkeypatch.delenv("LSTMBOOK_MODE", raising=False)
    assert config.get_mode() == "standard"


@pytest.mark.parametrize("mode", ["smoke", "standard", "full", " Full "])
def test_mode_is_read_from_environment(monkeypatch, mode):
    monkeypatch.setenv("LSTMBOOK_MODE", mode)
    assert config.get_mode() == mode.strip().lower()


def test_unknown_mode_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("LSTMBOOK_MODE", "quick")
    with pytest.raises(ValueError, match="LSTMBOOK_MODE='quick' is not a run mode"):
        config.get_mode()


def test_by_mode_picks_the_current_value(monkeypatch):
    monkeypatch.setenv("LSTMBOOK_MODE", "full")
    assert config.by_mode(smoke=1, standard=2, full=3) == 3


def test_cpu_and_auto_devices(monkeypatch):
    monkeypatch.setenv("LSTMBOOK_DEVICE", "cpu")
    assert config.get_device() == torch.device("cpu")
    monkeypatch.setenv("LSTMBOOK_DEVICE", "auto")
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert config.get_device().type == expected


def test_cuda_without_cuda_is_an_error(monkeypatch):
    monkeypatch.setenv("LSTMBOOK_DEVICE", "cuda")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(RuntimeError, match=r"LSTMBOOK_DEVICE='cuda', but .* sees no CUDA device"):
        config.get_device()


def test_cuda_argument_without_cuda_gives_the_same_error(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(RuntimeError, match=r"device='cuda', but .* sees no CUDA device"):
        config.resolve_device("cuda")
    with pytest.raises(ValueError, match=r"device='gpu' is not a device; use one of auto"):
        config.resolve_device("gpu")
    assert config.resolve_device(torch.device("cpu")) == torch.device("cpu")


def test_mode_names_are_written_once():
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    spelled = re.compile(r"""["']smoke["'],\s*["']standard["'],\s*["']full["']""")
    offenders = [str(p.relative_to(root)) for p in [*root.glob("helpers/**/*.py"),
                                                   root / "conftest.py"]
                 if p.name != "config.py" and spelled.search(p.read_text())]
    assert offenders == []


def test_progress_switch(monkeypatch):
    monkeypatch.setenv("LSTMBOOK_PROGRESS", "0")
    assert not config.show_progress()
    monkeypatch.setenv("LSTMBOOK_PROGRESS", "1")
    assert config.show_progress()


def test_unknown_device(monkeypatch):
    monkeypatch.setenv("LSTMBOOK_DEVICE", "tpu")
    with pytest.raises(ValueError, match="'tpu' is not a device"):
        config.get_device()


def test_seed_everything_repeats_random_draws():
    config.seed_everything(3)
    first = torch.rand(3)
    config.seed_everything(3)
    assert torch.equal(first, torch.rand(3))


def test_setup_notebook_prints_mode_device_seed_versions(monkeypatch, capsys):
    monkeypatch.setenv("LSTMBOOK_MODE", "smoke")
    monkeypatch.setenv("LSTMBOOK_DEVICE", "cpu")
    from helpers.book.setup import setup_notebook

    run = setup_notebook(seed=5)
    printed = capsys.readouterr().out
    assert (run.mode, run.device.type, run.seed) == ("smoke", "cpu", 5)
    for fragment in ("mode:   smoke", "device: cpu", "seed:   5", f"torch {torch.__version__}"):
        assert fragment in printed


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_pytest_gpu_flag_without_cuda_is_a_clear_usage_error(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--book-device", "cuda", "--collect-only", "-q",
         "-p", "no:cacheprovider", str(root / "tests" / "core" / "test_config.py")],
        cwd=root, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 4  # pytest's exit code for a usage error
    assert "--book-device cuda:" in result.stderr
    assert "sees no CUDA device" in result.stderr
