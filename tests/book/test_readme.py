"""The README's "Reuse the helpers" example runs as written (on a small series)."""

import re
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]


def test_the_reuse_example_runs(tmp_path, monkeypatch, capsys):
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Reuse the helpers", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S)[1]
    t = np.arange(600)
    series = np.column_stack([np.sin(t / 9) + 0.1 * np.cos(t / 3), np.cos(t / 9)])
    np.savetxt(tmp_path / "my_series.csv", series, delimiter=",")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LSTMBOOK_DEVICE", "cpu")
    exec(code.replace("epochs=100", "epochs=3"), {})  # the README's code, run as is
    assert re.search(r"LSTM vs persistence: MSE ratio \d", capsys.readouterr().out)
