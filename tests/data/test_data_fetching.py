"""Registry, cache location, mirror copies and the offline error, without any network."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.data import (
    CacheRepairedWarning,
    DataError,
    DataSetupError,
    DataUnavailableError,
    HashMismatchError,
    Registry,
    UnknownDatasetError,
    data_dir,
    fetch,
    fetch_file,
    get_registry,
    list_datasets,
    locations,
    verify,
)
from helpers.data.registry import REGISTRY_FILE

SP500_URL = ("https://raw.githubusercontent.com/CNuge/kaggle-code/"
             "f1109438d6cfb3ffdaa7d4480437cfbaaedd3236/stock_data/individual_stocks_5yr/")


def test_committed_registry():
    reg = get_registry()
    counts = {name: len(reg.files(name)) for name in list_datasets()}
    assert counts == {"btc-binance-sample": 1, "btc-cryptodatadownload": 1,
                      "btc-binance-archive": 0, "mnist-test10k": 2, "mnist-full": 4,
                      "sp500": 505}
    aapl = next(e for e in reg.files("sp500") if e.name == "AAPL_data.csv")
    assert aapl.url == SP500_URL + "AAPL_data.csv"
    assert aapl.path == "sp500/individual_stocks_5yr/AAPL_data.csv"
    train = {e.name: e.sha256 for e in reg.files("mnist-full")}
    assert train["train-images-idx3-ubyte.gz"] == (
        "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609")
    assert all(e.url.startswith("https://") and e.size for e in reg.entries)
    assert reg.archive_month("2024-01").url == (
        "https://data.binance.vision/data/spot/monthly/klines/BTCUSDT/1m/BTCUSDT-1m-2024-01.zip")


def test_registry_file_errors(tmp_path):
    bad = tmp_path / "registry.txt"
    bad.write_text("sp500 a.csv 12 nothex https://x\n")
    with pytest.raises(DataError, match=r"registry.txt:1"):
        Registry.from_file(bad)
    assert len(Registry.from_file(REGISTRY_FILE).entries) == 513


def test_unknown_dataset_lists_valid_names():
    with pytest.raises(UnknownDatasetError, match=r"'mnist'.*Valid names: btc-binance-sample"):
        fetch("mnist")
    with pytest.raises(KeyError, match="Did you mean 'sp500'"):
        verify(["sp-500"])
    with pytest.raises(ValueError, match="2024-01"):
        get_registry().archive_month("2024-1")


def test_archive_needs_months():
    with pytest.raises(DataError, match="months="):
        fetch("btc-binance-archive")


def test_data_dir_resolution(tmp_path, monkeypatch):
    assert data_dir() == tmp_path / "cache"
    monkeypatch.delenv("LSTMBOOK_DATA_DIR")
    checkout = tmp_path / "repo" / "data"
    monkeypatch.setattr(locations, "_CHECKOUT_DATA", checkout)
    assert "lstmbook" in str(data_dir())  # not a checkout: the per-user cache
    checkout.mkdir(parents=True)
    (checkout / "README.md").write_text("cache")
    assert data_dir() == checkout


def test_repository_data_readme_marks_the_checkout():
    assert locations._CHECKOUT_DATA == Path(__file__).resolve().parents[2] / "data"
    assert (locations._CHECKOUT_DATA / "README.md").is_file()


@pytest.fixture
def one_file(tmp_path, use_registry, build, dead_url):
    data = b"date,value\n2020-01-01,1\n"
    e = build.entry("btc-binance-sample", "btc/sample.csv", data, dead_url)
    use_registry(Registry([e]))
    return e, data


def test_file_taken_from_mirror_and_copied(one_file, tmp_path, monkeypatch, cache_dir, build):
    e, data = one_file
    mirror = tmp_path / "mirror"
    build.write(mirror, e.path, data)
    monkeypatch.setenv("LSTMBOOK_MIRROR", str(mirror))
    # the URL is dead, so success proves that no download was needed
    path = fetch_file(e)
    assert path == cache_dir / e.path
    assert path.read_bytes() == data
    assert build.files_under(cache_dir) == [e.path]  # no temporary file left behind
    (mirror / e.path).unlink()
    assert fetch("btc-binance-sample") == [path]  # now served from the cache


def test_bad_mirror_file_is_refused_and_nothing_kept(one_file, tmp_path, monkeypatch,
                                                     cache_dir, build):
    e, data = one_file
    mirror = tmp_path / "mirror"
    build.write(mirror, e.path, data + b"tampered\n")
    monkeypatch.setenv("LSTMBOOK_MIRROR", str(mirror))
    with pytest.raises(HashMismatchError) as err:
        fetch_file(e)
    msg = str(err.value)
    assert str(mirror / e.path) in msg
    assert e.sha256 in msg and build.sha256(data + b"tampered\n") in msg
    assert "LSTMBOOK_MIRROR" in msg
    assert build.files_under(cache_dir) == []
    assert (mirror / e.path).is_file()  # the mirror is not ours to delete


def test_damaged_cache_file_is_replaced(one_file, tmp_path, monkeypatch, cache_dir, build):
    e, data = one_file
    build.write(cache_dir, e.path, b"half a fi")
    build.write(tmp_path / "mirror", e.path, data)
    monkeypatch.setenv("LSTMBOOK_MIRROR", str(tmp_path / "mirror"))
    with pytest.warns(CacheRepairedWarning, match="did not match its SHA-256.*replaced it"):
        path = fetch_file(e)
    assert path.read_bytes() == data


def test_offline_without_mirror_says_how_to_fix(one_file, cache_dir, build):
    e, _ = one_file
    with pytest.raises(DataUnavailableError) as err:
        fetch("btc-binance-sample")
    msg = str(err.value)
    assert e.path in msg and e.url in msg
    assert "LSTMBOOK_MIRROR=<folder>" in msg and "go online" in msg
    assert build.files_under(cache_dir) == []


def test_mirror_missing_file_falls_back_to_download(one_file, tmp_path, monkeypatch):
    (tmp_path / "mirror").mkdir()
    monkeypatch.setenv("LSTMBOOK_MIRROR", str(tmp_path / "mirror"))
    with pytest.raises(DataUnavailableError, match=r"mirror .* has no such file"):
        fetch_file(one_file[0])


def test_mirror_that_does_not_exist(one_file, tmp_path, monkeypatch):
    monkeypatch.setenv("LSTMBOOK_MIRROR", str(tmp_path / "nope"))
    with pytest.raises(DataSetupError, match=r"LSTMBOOK_MIRROR=.*nope does not exist"):
        fetch_file(one_file[0])


def test_verify_reports_each_file(tmp_path, monkeypatch, use_registry, build, dead_url):
    good, bad = b"good\n", b"bad\n"
    entries = [build.entry("sp500", "sp500/A.csv", good, dead_url),
               build.entry("sp500", "sp500/B.csv", bad, dead_url),
               build.entry("sp500", "sp500/C.csv", b"gone\n", dead_url)]
    use_registry(Registry(entries))
    mirror = tmp_path / "mirror"
    build.write(mirror, "sp500/A.csv", good)
    build.write(mirror, "sp500/B.csv", b"BAD\n")
    monkeypatch.setenv("LSTMBOOK_MIRROR", str(mirror))
    checks = verify(["sp500"])
    assert [(c.path, c.status) for c in checks] == [
        ("sp500/A.csv", "ok"), ("sp500/B.csv", "bad"), ("sp500/C.csv", "missing")]
    assert "LSTMBOOK_MIRROR" in checks[2].detail


def test_verify_marks_a_replaced_file_as_repaired(one_file, tmp_path, monkeypatch, cache_dir,
                                                  build):
    e, data = one_file
    build.write(cache_dir, e.path, b"half a fi")
    build.write(tmp_path / "mirror", e.path, data)
    monkeypatch.setenv("LSTMBOOK_MIRROR", str(tmp_path / "mirror"))
    [check] = verify(["btc-binance-sample"])
    assert check.status == "repaired" and check.ok
    assert "replaced it with a verified copy from the mirror" in check.detail
    assert [c.status for c in verify(["btc-binance-sample"])] == ["ok"]


def test_interrupted_copy_leaves_no_file(one_file, tmp_path, monkeypatch, cache_dir, build):
    from helpers.data import fetching

    e, data = one_file
    build.write(tmp_path / "mirror", e.path, data)
    monkeypatch.setenv("LSTMBOOK_MIRROR", str(tmp_path / "mirror"))

    def interrupted(self, block):
        raise KeyboardInterrupt

    monkeypatch.setattr(fetching._HashingWriter, "write", interrupted)
    with pytest.raises(KeyboardInterrupt):
        fetch_file(e)
    assert build.files_under(cache_dir) == []


def test_verify_stops_at_an_unusable_cache_folder(one_file, cache_dir):
    cache_dir.write_text("a file where the cache folder goes")
    with pytest.raises(DataSetupError, match="is a file, not a folder"):
        verify(["btc-binance-sample"])
