"""Catalogue of bad inputs to the data layer: your own CSV, time order, the cache folder.

One test per bad input: the exception type and a message that names the argument or the
file, and says what to do (asserted word for word, with ``re.escape``, where it teaches).
Names read ``test_<function>_<Error>_when_<condition>``. Names new since issue 11 are
imported inside the tests, so the catalogue still runs against older code.
"""

from __future__ import annotations

import errno
import re
import warnings

import pandas as pd
import pytest

from helpers.data import (
    DataError,
    DataLayoutError,
    DataQualityWarning,
    UnknownDatasetError,
    fetch,
    load_btc,
    read_binance_klines,
    read_cryptodatadownload,
    read_sp500_csv,
    standardize_minutes,
)

HEADER = "Date,Open,High,Low,Close,Volume\n"


def rows(n: int, start: str = "2024-01-01 00:00", fmt: str = "%Y-%m-%d %H:%M:%S",
         step: str = "1min") -> list[str]:
    times = pd.date_range(start, periods=n, freq=step)
    return [f"{t.strftime(fmt)},{100 + i},{101 + i},{99 + i},{100.5 + i},{1 + i}"
            for i, t in enumerate(times)]


def read(path, **kwargs):
    from helpers.data import read_minute_csv

    return read_minute_csv(path, **kwargs)


# ------------------------------------------------------------ read_minute_csv: the file

def test_read_minute_csv_FileNotFoundError_when_no_file(tmp_path):
    with pytest.raises(FileNotFoundError, match=re.escape(f"no file at {tmp_path / 'x.csv'}")):
        read(tmp_path / "x.csv")


def test_read_minute_csv_DataLayoutError_when_path_is_a_folder(tmp_path):
    with pytest.raises(DataLayoutError, match="is a folder; pass the path of one CSV file"):
        read(tmp_path)


def test_read_minute_csv_DataLayoutError_when_file_is_empty(csv):
    with pytest.raises(DataLayoutError, match=r"mine\.csv: empty file; expected a header"):
        read(csv(""))


def test_read_minute_csv_DataLayoutError_when_there_is_no_header(csv):
    with pytest.raises(DataLayoutError, match=re.escape(
            "line 1 holds numbers, not column names ('2024-01-01 00:00:00,100,101,99,100.5,1')"
            ": add a header line (e.g. 'timestamp,open,high,low,close,volume')")):
        read(csv("\n".join(rows(3)) + "\n"))


def test_read_minute_csv_DataLayoutError_when_header_but_no_rows(csv):
    with pytest.raises(DataLayoutError, match=re.escape("mine.csv: a header but no rows of data")):
        read(csv(HEADER))


def test_read_minute_csv_DataLayoutError_when_a_price_column_is_missing(csv):
    path = csv("Date,Open,High,Low,Close\n2024-01-01 00:00,1,1,1,1\n")
    with pytest.raises(DataLayoutError, match=re.escape(
            "no column for 'volume' among ['Date', 'Open', 'High', 'Low', 'Close']; rename "
            "them (spellings understood: Open, open, open_price, ..., Volume, Volume BTC")):
        read(path)


def test_read_minute_csv_DataLayoutError_when_two_columns_mean_close(csv):
    path = csv("Date,Open,High,Low,Close,close_price,Volume\n2024-01-01 00:00,1,1,1,1,1,1\n")
    with pytest.raises(DataLayoutError, match=re.escape(
            "columns ['Close', 'close_price'] could all be 'close'; rename or drop all but one")):
        read(path)


def test_read_minute_csv_DataLayoutError_when_a_value_is_not_a_number(csv):
    lines = rows(3)
    lines[1] = lines[1].replace(",101.5,", ",n/a,")
    with pytest.raises(DataLayoutError, match=re.escape(
            "mine.csv, line 3: column 'Close' should be a number, got 'n/a'; fix or drop that "
            "row")):
        read(csv(HEADER + "\n".join(lines) + "\n"))


def test_read_minute_csv_DataLayoutError_names_the_line_below_a_banner(csv):
    lines = rows(3)
    lines[2] = lines[2].replace(",102.5,", ",,")
    with pytest.raises(DataLayoutError, match=re.escape(
            "mine.csv, line 7: column 'Close' should be a number, got ''")):
        read(csv("\nExported from MyExchange\n\n" + HEADER + "\n".join(lines) + "\n"))


def test_read_minute_csv_DataLayoutError_when_no_line_has_five_columns(csv):
    with pytest.raises(DataLayoutError, match=re.escape(
            "found no header line with at least five columns in the first 2 lines (first: "
            "'time,price')")):
        read(csv("time,price\n2024-01-01 00:00,1\n"))


# ------------------------------------------------------- read_minute_csv: the time column

def test_read_minute_csv_DataLayoutError_when_epoch_was_rounded_and_no_date(csv):
    path = csv("unix,open,high,low,close,volume\n"
               + "".join(f"1.56795E+09,{p},{p},{p},{p},1\n" for p in (1, 2, 3)))
    with pytest.raises(DataLayoutError, match=re.escape(
            "mine.csv: no column gives whole-minute timestamps: column 'unix' holds epoch "
            "seconds that look rounded: 3 rows share 1 distinct values, written like "
            "'1.56795E+09' (row 1); a spreadsheet probably saved them with six significant "
            "digits. Pass time_column= naming the column of candle open times")):
        read(path)


def test_read_minute_csv_DataLayoutError_when_time_column_is_not_a_column(csv):
    with pytest.raises(DataLayoutError, match=re.escape(
            "time_column='Time' is not a column; the columns are ['Date', 'Open', 'High', "
            "'Low', 'Close', 'Volume']")):
        read(csv(HEADER + "\n".join(rows(3)) + "\n"), time_column="Time")


def test_read_minute_csv_DataLayoutError_when_time_column_holds_prices(csv):
    with pytest.raises(DataLayoutError, match=re.escape(
            "column 'Open' holds '100' (row 1), which as epoch seconds is "
            "1970-01-01 00:01:40+00:00: not a time of trading")):
        read(csv(HEADER + "\n".join(rows(3)) + "\n"), time_column="Open")


def test_read_minute_csv_DataLayoutError_when_times_are_not_whole_minutes(csv):
    with pytest.raises(DataLayoutError, match=re.escape(
            "column 'Date' holds times that are not whole minutes, e.g. '2024-01-01 00:00:30' "
            "(row 1)")):
        read(csv(HEADER + "\n".join(rows(3, start="2024-01-01 00:00:30")) + "\n"))


def test_read_minute_csv_DataLayoutError_when_offsets_are_mixed(csv):
    lines = rows(3, fmt="%Y-%m-%d %H:%M:%S+00:00")
    lines[1] = lines[1].replace("+00:00", "")
    with pytest.raises(DataLayoutError, match=re.escape(
            "column 'Date' mixes times with and without a UTC offset (row 2: "
            "'2024-01-01 00:01:00')")):
        read(csv(HEADER + "\n".join(lines) + "\n"))


def test_read_minute_csv_DataLayoutError_when_a_time_is_empty(csv):
    lines = rows(3)
    lines[1] = "," + lines[1].split(",", 1)[1]
    with pytest.raises(DataLayoutError, match="column 'Date' is empty on row 2"):
        read(csv(HEADER + "\n".join(lines) + "\n"))


def test_read_minute_csv_DataLayoutError_when_dates_have_no_time(csv):
    with pytest.raises(DataLayoutError, match=re.escape(
            "column 'Date' cannot tell rows apart: 4 distinct rows share 1 distinct times")):
        read(csv(HEADER + "\n".join(r.replace(r[10:19], "") for r in rows(4)) + "\n"))


def test_read_minute_csv_DataLayoutError_when_text_is_not_a_date(csv):
    lines = [f"minute {i},1,1,1,1,1" for i in range(3)]
    with pytest.raises(DataLayoutError, match=re.escape(
            "column 'Date' holds text that is not a date and time in a format this reader "
            "knows, e.g. 'minute 0'")):
        read(csv(HEADER + "\n".join(lines) + "\n"))


def test_read_minute_csv_DataLayoutError_when_local_time_does_not_exist(csv):
    # 02:00-03:00 on 2024-03-31 does not exist in Madrid (clocks went forward)
    path = csv(HEADER + "\n".join(rows(3, start="2024-03-31 02:10")) + "\n")
    with pytest.raises(DataLayoutError, match=re.escape(
            "column 'Date' holds local times that do not convert from tz='Europe/Madrid' to "
            "UTC")):
        read(path, tz="Europe/Madrid")


def test_read_minute_csv_DataLayoutError_when_rows_are_an_hour_apart(csv):
    with pytest.raises(DataLayoutError, match=re.escape(
            "mine.csv: rows are 60 minutes apart (median); expected 1-minute candles")):
        read(csv(HEADER + "\n".join(rows(5, step="60min")) + "\n"))


def test_read_minute_csv_ValueError_when_tz_is_not_a_time_zone(csv):
    with pytest.raises(ValueError, match=re.escape(
            "tz='Mars/Olympus' is not a time zone name; use e.g. 'UTC' or 'Europe/Madrid'")):
        read(csv(HEADER + "\n".join(rows(3)) + "\n"), tz="Mars/Olympus")


def test_read_minute_csv_ValueError_when_fill_gaps_is_not_a_bool(csv):
    with pytest.raises(ValueError, match=re.escape(
            "fill_gaps must be True or False, got 'ffill'")):
        read(csv(HEADER + "\n".join(rows(3)) + "\n"), fill_gaps="ffill")


# ---------------------------------------------------------------- time order in loaders

def said(call) -> list[str]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call()
    return [str(w.message) for w in caught if issubclass(w.category, DataQualityWarning)]


def test_read_minute_csv_DataQualityWarning_when_rows_are_newest_first(csv):
    path = csv(HEADER + "\n".join(rows(3)[::-1]) + "\n")
    assert said(lambda: read(path)) == ["mine.csv: rows were newest first; sorted them "
                                        "oldest first"]


def test_read_binance_klines_DataQualityWarning_when_rows_are_out_of_order(csv):
    lines = [f"{1704067200000 + 60000 * i},1,1,1,{i},1,0,1,1,1,1,0" for i in range(4)]
    path = csv("\n".join([lines[0], lines[2], lines[1], lines[3]]) + "\n", "klines.csv")
    assert said(lambda: read_binance_klines(path)) == [
        "klines.csv: rows were out of time order (1 step back in time); sorted them by time"]


def test_read_cryptodatadownload_DataQualityWarning_when_rows_are_newest_first(csv):
    lines = [f"{1567965420000 + 60000 * i},2019-09-08,BTC/USDT,1,1,1,1,1,1,1" for i in range(3)]
    path = csv("\n".join(lines[::-1]) + "\n", "cdd.csv")
    assert said(lambda: read_cryptodatadownload(path)) == [
        "cdd.csv: rows were newest first; sorted them oldest first"]


def test_read_sp500_csv_DataQualityWarning_when_rows_are_newest_first(csv):
    path = csv("date,open,high,low,close,volume,Name\n2013-02-11,1,1,1,1,1,AAA\n"
               "2013-02-08,1,1,1,1,1,AAA\n", "AAA_data.csv")
    assert said(lambda: read_sp500_csv(path)) == [
        "AAA_data.csv: rows were newest first; sorted them by date"]


def test_standardize_minutes_DataQualityWarning_when_index_is_unordered():
    idx = pd.to_datetime(["2024-01-01 00:01", "2024-01-01 00:00", "2024-01-01 00:02"], utc=True)
    frame = pd.DataFrame({"open": 1.0, "high": 1.0, "low": 1.0, "close": 1.0, "volume": 1.0},
                         index=idx)
    assert said(lambda: standardize_minutes(frame, source="mine")) == [
        "mine: rows were out of time order (1 step back in time); sorted them by time"]


def test_load_btc_UnknownDatasetError_when_given_a_file_path():
    with pytest.raises(UnknownDatasetError, match=re.escape(
            "'my_export.csv' looks like a file: read it with "
            "helpers.data.read_minute_csv('my_export.csv')")):
        load_btc("my_export.csv")


def test_load_btc_UnknownDatasetError_when_source_is_unknown():
    with pytest.raises(UnknownDatasetError, match=re.escape(
            "unknown BTC source 'kraken'; choose one of binance-sample, cryptodatadownload, "
            "binance-archive; for a CSV file of your own, use "
            "helpers.data.read_minute_csv(path)")):
        load_btc("kraken")


# --------------------------------------------------------- the cache folder and the mirror

def test_fetch_DataSetupError_when_data_dir_is_a_file(isolated):
    from helpers.data import DataSetupError

    isolated.write_text("not a folder")
    with pytest.raises(DataSetupError, match=re.escape(
            f"the cache folder {isolated} (from LSTMBOOK_DATA_DIR) is a file, not a folder. "
            "Set LSTMBOOK_DATA_DIR to a folder you can write to")):
        fetch("mnist-test10k")


def test_fetch_DataSetupError_when_data_dir_cannot_be_created(tmp_path, monkeypatch):
    from helpers.data import DataSetupError

    (tmp_path / "blocker").write_text("a file")
    nested = tmp_path / "blocker" / "cache"
    monkeypatch.setenv("LSTMBOOK_DATA_DIR", str(nested))
    with pytest.raises(DataSetupError, match=re.escape(
            f"cannot create the cache folder {nested} (from LSTMBOOK_DATA_DIR): "
            f"{nested.parent} is a file. Set LSTMBOOK_DATA_DIR")):
        fetch("mnist-test10k")


def test_check_data_dir_DataSetupError_when_data_dir_is_read_only(isolated, monkeypatch):
    from helpers.data import DataSetupError, check_data_dir, locations

    def refused(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(locations.tempfile, "mkstemp", refused)
    with pytest.raises(DataSetupError, match=re.escape(
            f"cannot write in the cache folder {isolated} (from LSTMBOOK_DATA_DIR): {isolated} "
            "is read-only for you (Permission denied). Set LSTMBOOK_DATA_DIR to a folder you "
            "can write to, e.g. `export LSTMBOOK_DATA_DIR=$HOME/lstmbook-data`.")):
        check_data_dir()


@pytest.mark.parametrize("kind", ["missing", "file"])
def test_fetch_DataSetupError_when_mirror_is_not_a_folder(tmp_path, monkeypatch, kind):
    from helpers.data import DataSetupError

    mirror = tmp_path / "mirror"
    if kind == "file":
        mirror.write_text("")
    monkeypatch.setenv("LSTMBOOK_MIRROR", str(mirror))
    what = "does not exist" if kind == "missing" else "is a file, not a folder"
    with pytest.raises(DataSetupError, match=re.escape(
            f"LSTMBOOK_MIRROR={mirror} {what}. Point it at a copy of the data mirror")):
        fetch("mnist-test10k")


@pytest.mark.parametrize(("month", "message"), [
    ("2024-13", "month must be written YYYY-MM, e.g. '2024-01'; got '2024-13'"),
    ("2024-1", "month must be written YYYY-MM, e.g. '2024-01'; got '2024-1'"),
    ("2016-01", "month '2016-01' is before 2017-08, the first month of BTCUSDT in the "
                "Binance archive"),
    ("2999-01", "month '2999-01' has not ended yet"),
])
def test_fetch_ValueError_when_month_is_bad(month, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        fetch("btc-binance-archive", months=[month])


def test_fetch_DataError_when_archive_months_are_missing():
    with pytest.raises(DataError, match=re.escape(
            "btc-binance-archive has one file per month: pass months=")):
        fetch("btc-binance-archive")
