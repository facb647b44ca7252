"""``python -m helpers.data``: list, fetch and verify, on a registry and mirror built here."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.data import Registry
from helpers.data.__main__ import main

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def standard(tmp_path, monkeypatch, use_registry, build, dead_url):
    """One small file per standard data set, all in a mirror; returns (mirror, entries)."""
    files = {
        "btc-binance-sample": ("btc/sample.csv", b"a\n"),
        "btc-cryptodatadownload": ("btc/cdd.csv", b"b\n"),
        "mnist-test10k": ("mnist/t10k-images-idx3-ubyte.gz", b"c\n"),
        "sp500": ("sp500/individual_stocks_5yr/AAA_data.csv", b"d\n"),
    }
    mirror = tmp_path / "mirror"
    entries = []
    for dataset, (rel, data) in files.items():
        build.write(mirror, rel, data)
        entries.append(build.entry(dataset, rel, data, dead_url))
    entries.append(build.entry("sp500", "sp500/individual_stocks_5yr/BBB_data.csv", b"e\n",
                               dead_url))
    build.write(mirror, "sp500/individual_stocks_5yr/BBB_data.csv", b"e\n")
    use_registry(Registry(entries))
    monkeypatch.setenv("LSTMBOOK_MIRROR", str(mirror))
    return mirror


def test_verify_passes_when_everything_is_there(standard, cache_dir, capsys):
    assert main(["verify"]) == 0
    out = capsys.readouterr().out
    assert "sp500: 2/2 files ok" in out
    assert "all 5 files present and matching their SHA-256" in out
    assert (cache_dir / "btc/cdd.csv").read_bytes() == b"b\n"


def test_verify_names_each_missing_or_bad_file(standard, cache_dir, capsys):
    (standard / "btc/cdd.csv").unlink()
    (standard / "sp500/individual_stocks_5yr/BBB_data.csv").write_bytes(b"corrupt\n")
    assert main(["verify"]) == 1
    captured = capsys.readouterr()
    assert "MISSING: btc/cdd.csv (btc-cryptodatadownload)" in captured.err
    assert "BAD: sp500/individual_stocks_5yr/BBB_data.csv (sp500)" in captured.err
    assert "LSTMBOOK_MIRROR=<folder>" in captured.err
    assert "2 file(s) missing or bad" in captured.err
    assert "sp500: 1/2 files ok" in captured.out
    assert not (cache_dir / "sp500/individual_stocks_5yr/BBB_data.csv").exists()


def test_verify_unknown_name(standard, capsys):
    assert main(["verify", "cifar"]) == 2
    assert "unknown data set 'cifar'" in capsys.readouterr().err


def test_fetch_and_list(standard, cache_dir, capsys):
    assert main(["fetch", "sp500"]) == 0
    assert f"sp500: 2 file(s) in {cache_dir}" in capsys.readouterr().out
    assert main(["list", "-v"]) == 0
    out = capsys.readouterr().out
    assert "sp500 [standard]" in out
    assert "cached: 2/2" in out and "cached: 0/1" in out
    assert "present" in out and "missing  " in out
    assert "btc-binance-archive" in out


def test_fetch_errors(standard, capsys):
    assert main(["fetch"]) == 2
    assert main(["fetch", "nope"]) == 1
    assert "unknown data set 'nope'" in capsys.readouterr().err
    (standard / "btc/sample.csv").unlink()
    assert main(["fetch", "--all"]) == 1  # btc-binance-sample cannot be had, the rest can
    err = capsys.readouterr().err
    assert "btc-binance-sample: FAILED" in err and "btc/sample.csv" in err


def test_module_entry_point(tmp_path):
    env = {**os.environ, "LSTMBOOK_DATA_DIR": str(tmp_path / "c"), "PYTHONPATH": str(REPO)}
    env.pop("LSTMBOOK_MIRROR", None)
    proc = subprocess.run([sys.executable, "-m", "helpers.data", "list"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "sp500 [standard]" in proc.stdout
    assert "505 files" in proc.stdout and "cached: 0/505" in proc.stdout
