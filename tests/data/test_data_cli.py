"""``python -m helpers.data``: list, fetch and verify, on a registry and mirror built here."""

from __future__ import annotations

import http.server
import os
import signal
import subprocess
import sys
import threading
import time
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


def test_verify_reports_a_file_it_repaired(standard, cache_dir, build, capsys):
    build.write(cache_dir, "btc/cdd.csv", b"damaged\n")  # the mirror holds the good copy
    assert main(["verify"]) == 0
    out = capsys.readouterr().out
    assert "REPAIRED: btc/cdd.csv (btc-cryptodatadownload)" in out
    assert "the cached copy did not match its SHA-256 (damaged or outdated); replaced it" in out
    assert "all 5 files present and matching their SHA-256 (1 of them repaired)" in out
    assert (cache_dir / "btc/cdd.csv").read_bytes() == b"b\n"
    assert main(["verify"]) == 0 and "REPAIRED" not in capsys.readouterr().out


class SlowHandler(http.server.BaseHTTPRequestHandler):
    """Promises a big file and sends it a trickle at a time: a download to interrupt."""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", str(10**8))
        self.end_headers()
        try:
            for _ in range(600):
                self.wfile.write(b"x" * 512)
                self.wfile.flush()
                time.sleep(0.05)
        except OSError:  # the client went away
            pass

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def slow_url():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), SlowHandler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


FETCH_SLOWLY = """
import sys
from helpers.data import registry
from helpers.data.__main__ import main
from helpers.data.registry import FileEntry, Registry
url = sys.argv[1]
registry.set_registry(Registry([FileEntry("sp500", f"sp500/{t}_data.csv", "0" * 64, f"{url}/{t}")
                                for t in ("A", "B")]))
sys.exit(main(["fetch", "sp500"]))
"""


@pytest.mark.parametrize(("signum", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_interrupted_download_leaves_no_temporary_file(tmp_path, slow_url, build, signum,
                                                       status):
    cache = tmp_path / "interrupted"
    env = {**os.environ, "LSTMBOOK_DATA_DIR": str(cache), "PYTHONPATH": str(REPO)}
    env.pop("LSTMBOOK_MIRROR", None)
    process = subprocess.Popen(
        [sys.executable, "-c", FETCH_SLOWLY, slow_url], env=env, cwd=tmp_path,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        # Python turns SIGINT into KeyboardInterrupt only if it starts with the default handler
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 60
    while not build.files_under(cache) and time.monotonic() < deadline:
        time.sleep(0.02)  # until the download has begun writing
    assert build.files_under(cache), "the download never started"
    time.sleep(0.2)
    process.send_signal(signum)
    _, err = process.communicate(timeout=60)
    assert process.returncode == status, err
    assert "interrupted; the files fetched so far are kept, no partial file was left" in err
    assert "Traceback" not in err
    assert build.files_under(cache) == []
