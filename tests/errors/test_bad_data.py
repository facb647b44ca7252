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
    lines = [f"{1704067200000 + 60000 * i},1,1,1,{i + 1},1,0,1,1,1,1,0" for i in range(4)]
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


# ------------------------------------------- issue 24: dates and numbers that read two ways

def test_read_minute_csv_DataLayoutError_when_day_and_month_could_swap(csv):
    # every row on 3/4/2024: 4 March or 3 April? (before: read as March 4 without a word)
    path = csv(HEADER + "\n".join(rows(3, start="2024-04-03 10:00", fmt="%d/%m/%Y %H:%M"))
               + "\n")
    with pytest.raises(DataLayoutError, match=re.escape(
            "column 'Date' holds dates like '03/04/2024 10:00' (row 1) that read both as "
            "month/day (4 March 2024) and as day/month (3 April 2024), and no row settles "
            "which: pass dayfirst=True for 3 April 2024, or dayfirst=False for 4 March 2024")):
        read(path)
    assert str(read(path, dayfirst=True).index[0]) == "2024-04-03 10:00:00+00:00"


def test_read_minute_csv_reads_a_decimal_comma_with_three_decimals(csv):
    # "0,960" cannot group thousands (no group starts with 0): it is 0.96, not 960
    path = csv("Date;Open;High;Low;Close;Volume\n"
               "2024-01-01 00:00;100,5;101;99;100;0,960\n"
               "2024-01-01 00:01;100;101,25;99;100,5;1,5\n")
    frame = read(path)
    assert frame["volume"].tolist() == [0.96, 1.5]
    assert frame["open"].tolist() == [100.5, 100.0]


def test_read_minute_csv_DataLayoutError_when_a_comma_could_group_or_mark_decimals(csv):
    path = csv("Date;Open;High;Low;Close;Volume\n"
               "2024-01-01 00:00;100;101;99;100;1,960\n2024-01-01 00:01;100;101;99;100;2,500\n")
    with pytest.raises(DataLayoutError, match=re.escape(
            "column 'Volume' holds '1,960' (line 2): a thousands separator (1960) or a decimal "
            "comma (1.960)? No other number in the file settles it: pass decimal='.' if it "
            "means 1960, or decimal=',' if it means 1.960")):
        read(path)
    assert read(path, decimal=",")["volume"].tolist() == [1.96, 2.5]
    assert read(path, decimal=".")["volume"].tolist() == [1960.0, 2500.0]


def test_read_minute_csv_DataLayoutError_when_both_decimal_marks_are_used(csv):
    path = csv("Date;Open;High;Low;Close;Volume\n"
               "2024-01-01 00:00;100,5;101;99;100;1\n2024-01-01 00:01;100.5;101;99;100;1\n")
    with pytest.raises(DataLayoutError, match=re.escape(
            "numbers are written both with a decimal comma ('100,5' in column 'Open', line 2) "
            "and with a decimal point ('100.5' in column 'Open', line 3); pass decimal=','")):
        read(path)


@pytest.mark.parametrize("value", ["inf", "1e400", "-inf"])
def test_read_minute_csv_DataLayoutError_when_a_price_is_not_finite(csv, value):
    lines = rows(3)
    lines[1] = lines[1].replace(",101.5,", f",{value},")
    with pytest.raises(DataLayoutError, match=re.escape(
            f"mine.csv, line 3: column 'Close' should be a finite number, got {value!r}; fix or "
            "drop that row")):
        read(csv(HEADER + "\n".join(lines) + "\n"))


def test_read_minute_csv_DataQualityWarning_when_the_last_line_has_no_line_end(csv):
    lines = rows(3)  # the last volume, 3, may have been 3.75 before the file was cut
    path = csv(HEADER + "\n".join(lines))
    assert said(lambda: read(path)) == [
        "mine.csv: the last line (line 4) does not end with a line end: the file may have "
        f"been cut short, and its last row may hold a truncated number ({lines[-1]!r}); "
        "check that row"]


# --------------------------------------------------------------- issue 24: mixed spacing

def test_read_minute_csv_DataLayoutError_when_the_spacing_changes(csv):
    # 1-minute rows, then 5-minute rows: before, "missing minutes" that fill_gaps invented
    lines = rows(20) + rows(40, start="2024-01-01 00:20", step="5min")
    with pytest.raises(DataLayoutError, match=re.escape(
            "mine.csv: the spacing of the rows changes: from 2024-01-01 00:20:00+00:00, 40 rows "
            "in a row are 5 minutes apart, while 20 other steps are 1 minute. This reader "
            "expects 1-minute candles throughout")):
        read(csv(HEADER + "\n".join(lines) + "\n"), fill_gaps=True)


def test_read_minute_csv_DataLayoutError_when_filling_would_invent_most_rows(csv):
    lines = [r for i, r in enumerate(rows(30)) if i % 3 == 0 or i > 25]  # 2 of 3 missing
    path = csv(HEADER + "\n".join(lines) + "\n")
    with pytest.raises(DataLayoutError, match=re.escape(
            "filling them would invent 57% of the rows, more than max_fill_share=0.5 allows")):
        read(path, fill_gaps=True)
    assert said(lambda: read(path)) == [  # not filling: only counted, as before
        "mine.csv: 17 missing minutes in 9 gaps (largest: 2 min after 2024-01-01 00:00:00+00:00)"
        "; pass fill_gaps='ffill' to fill them"]
    with pytest.warns(DataQualityWarning, match=re.escape("(17 of 30 rows)")):
        assert len(read(path, fill_gaps=True, max_fill_share=0.6)) == 30


@pytest.mark.parametrize("share", [-0.1, 1.5, "all", True, None])
def test_read_minute_csv_ValueError_when_max_fill_share_is_not_a_share(csv, share):
    with pytest.raises(ValueError, match=re.escape(
            f"max_fill_share must be a share between 0 and 1 (0.1: fill at most a tenth of the "
            f"rows), got {share!r}")):
        read(csv(HEADER + "\n".join(rows(3)) + "\n"), max_fill_share=share)


# ---------------------------------------------------------- issue 24: impossible candles

@pytest.mark.parametrize(("change", "what"), [
    ((1, ",101.5,", ",0,"), "1 row(s) with a price of zero or below (first at "
                            "2024-01-01 00:01:00+00:00: open 101, high 102, low 100, close 0, "
                            "volume 2); a zero is usually a missing value written as 0"),
    ((2, ",103,101,", ",99,101,"), "1 row(s) with a high below the low (first at "
                                   "2024-01-01 00:02:00+00:00: open 102, high 99, low 101"),
    ((0, ",1", ",-1"), "1 row(s) with a negative volume (first at 2024-01-01 00:00:00+00:00"),
])
def test_read_minute_csv_DataQualityWarning_when_a_candle_is_impossible(csv, change, what):
    lines = rows(3)
    row, old, new = change
    lines[row] = lines[row][::-1].replace(old[::-1], new[::-1], 1)[::-1]
    messages = said(lambda: read(csv(HEADER + "\n".join(lines) + "\n")))
    assert len(messages) == 1 and messages[0].startswith("mine.csv: " + what)


def test_standardize_minutes_DataLayoutError_when_a_price_is_not_finite():
    idx = pd.date_range("2024-01-01", periods=3, freq="min", tz="UTC")
    frame = pd.DataFrame({"open": 1.0, "high": 1.0, "low": 1.0, "close": [1.0, float("nan"),
                                                                          1.0], "volume": 1.0},
                         index=idx)
    with pytest.raises(DataLayoutError, match=re.escape(
            "mine: close is nan at 2024-01-01 00:01:00+00:00 (1 value(s) not finite); prices "
            "and volumes must be numbers")):
        standardize_minutes(frame, source="mine")


def test_standardize_minutes_TypeError_when_the_index_is_not_times():
    frame = pd.DataFrame({"open": [1.0], "high": 1.0, "low": 1.0, "close": 1.0, "volume": 1.0})
    with pytest.raises(TypeError, match=re.escape(
            "mine: the frame's index is a RangeIndex, not times; index it by the candle open "
            "times first")):
        standardize_minutes(frame, source="mine")


# ---------------------------------------------------------------- issue 24: what a file is

CLEAN = HEADER + "\n".join(rows(3)) + "\n"


def test_read_minute_csv_DataLayoutError_when_a_gzip_file_is_cut_short(tmp_path):
    import gzip

    path = tmp_path / "mine.csv.gz"
    data = gzip.compress((HEADER + "\n".join(rows(2000)) + "\n").encode())
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(DataLayoutError, match=re.escape(
            f"{path}: the gzip file is cut short or damaged (Compressed file ended before the "
            "end-of-stream marker was reached); it was probably not downloaded or copied "
            "completely: get it again")):
        read(path)


@pytest.mark.parametrize("kind", ["bz2", "xz", "zip"])
def test_read_minute_csv_reads_compressed_bytes_whatever_the_name(tmp_path, kind):
    import bz2
    import lzma
    import zipfile

    path = tmp_path / "mine.csv"
    if kind == "zip":
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("inner.csv", CLEAN)
    else:
        path.write_bytes({"bz2": bz2.compress, "xz": lzma.compress}[kind](CLEAN.encode()))
    assert read(path)["close"].tolist() == [100.5, 101.5, 102.5]


def test_read_minute_csv_DataLayoutError_when_the_file_is_an_excel_workbook(tmp_path):
    import zipfile

    path = tmp_path / "candles.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(DataLayoutError, match=re.escape(
            f"{path} is an Excel workbook (.xlsx), not a CSV: save the sheet as CSV (in Excel: "
            "File > Save As > CSV UTF-8), or read it with pandas.read_excel(path) and write it "
            "with .to_csv('candles.csv', index=False), then pass that file")):
        read(path)


def test_read_minute_csv_DataLayoutError_when_the_file_is_a_web_page(csv):
    with pytest.raises(DataLayoutError, match=re.escape(
            "is a web page (HTML/XML), not a CSV: a download that saved an error or login "
            "page?")):
        read(csv("<!DOCTYPE html>\n<html><body>Access denied</body></html>\n"))


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_read_minute_csv_reads_utf16_with_or_without_a_byte_order_mark(tmp_path, encoding):
    path = tmp_path / "mine.csv"
    path.write_bytes(CLEAN.encode(encoding))
    assert read(path)["close"].tolist() == [100.5, 101.5, 102.5]


def test_read_minute_csv_expands_the_home_folder(tmp_path, monkeypatch, csv):
    csv(CLEAN)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert len(read("~/mine.csv")) == 3


@pytest.mark.parametrize(("path", "error", "message"), [
    (None, TypeError, "path=None: pass the path of a CSV file, e.g. "
                      "read_minute_csv('candles.csv')"),
    (3, TypeError, "path must be a file path (a str or pathlib.Path), got int 3"),
    ("https://example.com/btc.csv", ValueError,
     "path='https://example.com/btc.csv' is a URL: read_minute_csv reads files on this "
     "computer. Download it first (e.g. urllib.request.urlretrieve(url, 'candles.csv')), then "
     "pass the path of the downloaded file"),
    (CLEAN, ValueError, "path looks like CSV text, not a file path ('Date,Open,High,Low,Close,"
                        "Volume\\n2024-01-01 00:00:0'...): write the text to a file"),
])
def test_read_minute_csv_refuses_what_is_not_a_path(path, error, message):
    with pytest.raises(error, match=re.escape(message)):
        read(path)


def test_read_minute_csv_TypeError_when_given_a_data_frame():
    with pytest.raises(TypeError, match=re.escape(
            "path is a pandas DataFrame: read_minute_csv reads a file. For a frame you already "
            "have, index it by time and pass it to helpers.data.standardize_minutes(frame)")):
        read(pd.DataFrame({"a": [1]}))


def test_read_binance_klines_TypeError_when_path_is_none():
    with pytest.raises(TypeError, match=re.escape("path=None: pass the path of a CSV file, "
                                                  "e.g. read_binance_klines('candles.csv')")):
        read_binance_klines(None)


# ------------------------------------------------------------ issue 24: arguments and times

def test_read_minute_csv_joins_the_columns_of_a_time_column_list(csv):
    lines = [f"{r[:10]},{r[11:]}" for r in rows(3)]
    frame = read(csv("Day,Clock,Open,High,Low,Close,Volume\n" + "\n".join(lines) + "\n"),
                 time_column=["Day", "Clock"])
    assert frame.attrs["time_column"] == "Day + Clock" and len(frame) == 3


@pytest.mark.parametrize("column", [5, [], ["Date", 2]])
def test_read_minute_csv_TypeError_when_time_column_is_not_names(csv, column):
    with pytest.raises(TypeError, match=re.escape(
            "time_column must be a column name (a str), or a list of names whose values are "
            f"joined, like ['Date', 'Time']; got {column!r}")):
        read(csv(CLEAN), time_column=column)


def test_read_minute_csv_ValueError_when_tz_is_none(csv):
    with pytest.raises(ValueError, match=re.escape(
            "tz=None: name the time zone of times written without a UTC offset, e.g. "
            "tz='UTC' (the default) or tz='Europe/Madrid'; the result is always in UTC")):
        read(csv(CLEAN), tz=None)


@pytest.mark.parametrize(("option", "value", "message"), [
    ("dayfirst", "yes", "dayfirst must be None (decide from the dates), True (03/04/2024 is "
                        "3 April) or False (4 March), got 'yes'"),
    ("decimal", ";", "decimal must be None (decide from the numbers), '.' or ',', got ';'"),
    ("ambiguous", "NaT", "ambiguous must be one of ('raise', 'infer', 'drop'), got 'NaT'"),
    ("nonexistent", "skip", "nonexistent must be one of ('raise', 'shift_forward', 'drop'), "
                            "got 'skip'"),
])
def test_read_minute_csv_ValueError_when_an_option_is_unknown(csv, option, value, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        read(csv(CLEAN), **{option: value})


AUTUMN = [f"2024-10-27 {t}" for t in ("01:59", "02:00", "02:59", "02:00", "02:01")]


def local(csv, times):
    return csv(HEADER + "\n".join(f"{t},1,2,0.5,1,1" for t in times) + "\n")


def test_read_minute_csv_DataLayoutError_when_local_times_repeat_at_a_clock_change(csv):
    with pytest.raises(DataLayoutError, match=re.escape(
            "column 'Date' holds local times that do not convert from tz='Europe/Madrid' to "
            "UTC: 4 row(s), e.g. 2024-10-27 02:00:00 (row 2) fall in the hour that happens "
            "twice (clocks went back); pass ambiguous='infer'")):
        read(local(csv, AUTUMN), tz="Europe/Madrid")


@pytest.mark.parametrize("newest_first", [False, True])
def test_read_minute_csv_reads_a_clock_change_with_ambiguous_infer(csv, newest_first):
    times = AUTUMN[::-1] if newest_first else AUTUMN
    messages = []
    frame = None

    def go():
        nonlocal frame
        frame = read(local(csv, times), tz="Europe/Madrid", ambiguous="infer")

    messages = said(go)
    assert [f"{t:%H:%M}" for t in frame.index] == ["23:59", "00:00", "00:59", "01:00", "01:01"]
    rows_hit = "rows 1-4" if newest_first else "rows 2-5"
    assert messages[0].startswith(f"column 'Date': {rows_hit} fall in an hour that happens "
                                  "twice in Europe/Madrid")
    assert messages[0].endswith("read the first pass as summer time (ambiguous='infer')")


def test_read_minute_csv_drops_times_that_never_happened_when_asked(csv):
    path = local(csv, ["2024-03-31 01:59", "2024-03-31 02:30", "2024-03-31 03:00"])
    messages = []
    frame = None

    def go():
        nonlocal frame
        frame = read(path, tz="Europe/Madrid", nonexistent="drop")

    messages = said(go)
    assert len(frame) == 2 and messages[0].startswith(
        "column 'Date': row 2 name a time that never happened in Europe/Madrid")


def test_read_minute_csv_DataLayoutError_names_the_row_of_a_bad_time(csv):
    # before: "holds text that is not a date ... e.g. '2024-01-01 00:00:00'" (row 1's value)
    lines = rows(5)
    lines[3] = "2024-01-01 00:03:00x" + lines[3][19:]
    with pytest.raises(DataLayoutError, match=re.escape(
            "column 'Date' holds '2024-01-01 00:03:00x' (row 4), which is not a date and time "
            "like the other rows (ISO 8601); fix or drop that row")):
        read(csv(HEADER + "\n".join(lines) + "\n"))


def test_read_minute_csv_DataLayoutError_names_the_row_of_a_bad_epoch(csv):
    lines = [f"{1704067200 + 60 * i},1,2,0.5,1,1" for i in range(4)]
    lines[2] = "oops" + lines[2][10:]
    with pytest.raises(DataLayoutError, match=re.escape(
            "column 'unix' holds 'oops' (row 3), not an epoch number like the other rows")):
        read(csv("unix,open,high,low,close,volume\n" + "\n".join(lines) + "\n"))


@pytest.mark.parametrize("every_row", [True, False])
def test_read_minute_csv_DataLayoutError_when_thousands_are_not_quoted(csv, every_row):
    # before: the extra field shifted the columns, and the time column was blamed
    lines = rows(4)
    for i in range(4 if every_row else 1):
        lines[i if every_row else 2] = lines[i if every_row else 2].replace(",10", ",1,10", 1)
    bad = 2 if every_row else 4
    with pytest.raises(DataLayoutError, match=re.escape(
            f"mine.csv, line {bad}: 7 fields, but the header (line 1) names 6 columns (")
            + ".*" + re.escape("numbers written with a thousands separator and no quotes "
                               "(like 1,234.5) split into two fields")):
        read(csv(HEADER + "\n".join(lines) + "\n"))


def test_read_minute_csv_drops_lines_repeating_the_header(csv):
    path = csv(HEADER + "\n".join(rows(2)) + "\n" + HEADER
               + "\n".join(rows(2, start="2024-01-01 00:02")) + "\n")
    messages = []
    frame = None

    def go():
        nonlocal frame
        frame = read(path)

    messages = said(go)
    assert len(frame) == 4 and frame.index.is_monotonic_increasing
    assert messages == ["mine.csv: dropped 1 line(s) repeating the header (line 4): files "
                        "joined together? Check that they do not overlap"]


def test_load_btc_ValueError_when_start_is_not_a_time():
    with pytest.raises(ValueError, match=re.escape(
            "start='2024-13-45' is not a time; write it like '2024-01-31' or '2024-01-31 13:45' "
            "(UTC)")):
        load_btc("binance-archive", start="2024-13-45", end="2024-02-01")


def test_read_sp500_csv_DataLayoutError_when_a_date_repeats_with_other_values(csv):
    path = csv("date,open,high,low,close,volume,Name\n2013-02-08,1,1,1,1,1,AAA\n"
               "2013-02-08,2,2,2,2,2,AAA\n", "AAA_data.csv")
    with pytest.raises(DataLayoutError, match=re.escape(
            "the date 2013-02-08 appears on several rows with different values")):
        read_sp500_csv(path)


# ------------------------------------------------- issue 24: load_candles and a reader's CSV

def test_load_candles_accepts_fill_gaps_true_for_a_csv(csv):
    from helpers.bitcoin import load_candles

    frame = load_candles(csv(CLEAN), fill_gaps=True, verbose=False)  # was "multiple values"
    assert len(frame) == 3
    with pytest.raises(ValueError, match=re.escape(
            "load_candles always fills missing minutes (the chapter needs one row per minute): "
            "leave fill_gaps out")):
        load_candles(csv(CLEAN), fill_gaps=False, verbose=False)


@pytest.mark.parametrize("max_rows", [100.5, "100", True])
def test_load_candles_ValueError_when_max_rows_is_not_whole_before_reading(tmp_path, max_rows):
    from helpers.bitcoin import load_candles

    with pytest.raises(ValueError, match=re.escape(
            "max_rows must be at least 2 and a whole number of rows (or None for all rows), "
            f"got {max_rows!r}.")):
        load_candles(tmp_path / "not_there.csv", max_rows=max_rows)  # no FileNotFoundError


def test_load_candles_counts_only_the_fills_among_the_rows_kept(csv):
    from helpers.bitcoin import load_candles

    lines = [r for i, r in enumerate(rows(40)) if i not in (3, 4)]  # 2 missing, early on
    frame = load_candles(csv(HEADER + "\n".join(lines) + "\n"), max_rows=10, verbose=False)
    assert frame.attrs["cleaning"]["minutes_filled"] == 0  # before: 2, outside the 10 kept
    frame = load_candles(csv(HEADER + "\n".join(lines) + "\n"), max_rows=36, verbose=False)
    assert frame.attrs["cleaning"]["minutes_filled"] == 1
