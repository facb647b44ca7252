"""read_minute_csv on small files in every shape real exports come in (written here)."""

from __future__ import annotations

import gzip
import re
import warnings

import numpy as np
import pandas as pd
import pytest

from helpers.data import (
    DataLayoutError,
    DataQualityWarning,
    read_binance_klines,
    read_minute_csv,
)

CANONICAL = ["open", "high", "low", "close", "volume"]
T0 = pd.Timestamp("2024-03-10 06:58", tz="UTC")  # a US daylight-saving change follows


def prices(n: int) -> list[str]:
    """OHLCV fields of minute ``i``: close = 100 + i, so rows can be checked for alignment."""
    return [f"{99.5 + i},{101 + i},{99 + i},{100 + i},{1 + i}" for i in range(n)]


def write(tmp_path, text: str, name: str = "mine.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def quietly(path, **kwargs) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a clean file: not a word
        return read_minute_csv(path, **kwargs)


def check(frame: pd.DataFrame, n: int, start: pd.Timestamp = T0) -> None:
    assert frame.index.name == "timestamp" and str(frame.index.tz) == "UTC"
    assert frame.index[0] == start and frame.index.is_monotonic_increasing
    assert list(frame.columns[:5]) == CANONICAL
    assert all(frame[c].dtype == np.float64 for c in CANONICAL)
    assert frame["close"].tolist() == [100.0 + i for i in range(n)]


def table(times, header: str = "Date,Open,High,Low,Close,Volume") -> str:
    return header + "\n" + "\n".join(f"{t},{p}" for t, p in zip(times, prices(len(times)),
                                                               strict=True)) + "\n"


def minutes(n: int, start: pd.Timestamp = T0) -> pd.DatetimeIndex:
    return pd.date_range(start, periods=n, freq="min")


def test_iso_strings_with_utc_offsets(tmp_path):
    # local New York times across the switch to daylight saving: -05:00, then -04:00
    local = minutes(4).tz_convert("America/New_York")
    times = [t.isoformat() for t in local]
    assert times[0].endswith("-05:00") and times[-1].endswith("-04:00")
    frame = quietly(write(tmp_path, table(times)))
    check(frame, 4)
    assert frame.attrs["time_column"] == "Date" and frame.attrs["time_format"] == "ISO 8601"


@pytest.mark.parametrize("fmt", ["%m/%d/%Y %H:%M", "%m/%d/%Y %I:%M %p",
                                 "%Y-%m-%d %I:%M:%S %p", "%d.%m.%Y %H:%M"])
def test_month_day_year_and_other_spreadsheet_dates(tmp_path, fmt):
    times = [t.strftime(fmt).lstrip("0") for t in minutes(3)]
    # 3/10/2024 on every row could be 10 March or 3 October: only dayfirst=False settles it
    options = {"dayfirst": False} if fmt.startswith("%m/%d") else {}
    check(quietly(write(tmp_path, table(times)), **options), 3)


def test_day_first_dates_are_told_apart_from_month_first(tmp_path):
    start = pd.Timestamp("2024-04-03 23:58", tz="UTC")  # 3 April: 3/4 or 4/3?
    times = [f"{t.day}/{t.month}/{t.year} {t:%H:%M}" for t in minutes(4, start)]
    frame = quietly(write(tmp_path, table(times)))
    check(frame, 4, start)  # read as 4 March, the minutes would be a month apart
    assert frame.attrs["time_format"].startswith("%d/%m/%Y")


def test_date_and_time_in_two_columns(tmp_path):
    # MetaTrader's export: <DATE>,<TIME>,<OPEN>,... with dates like 2024.03.10
    lines = ["<DATE>,<TIME>,<OPEN>,<HIGH>,<LOW>,<CLOSE>,<VOL>"]
    lines += [f"{t:%Y.%m.%d},{t:%H:%M},{p}" for t, p in zip(minutes(3), prices(3), strict=True)]
    frame = quietly(write(tmp_path, "\n".join(lines) + "\n"))
    check(frame, 3)
    assert frame.attrs["time_column"] == "<DATE> + <TIME>"
    assert list(frame.columns) == CANONICAL


def test_naive_times_in_a_local_time_zone(tmp_path):
    times = [t.strftime("%Y-%m-%d %H:%M") for t in minutes(3).tz_convert("Europe/Madrid")]
    frame = quietly(write(tmp_path, table(times)), tz="Europe/Madrid")
    check(frame, 3)
    assert frame.attrs["time_format"] == "ISO 8601 in Europe/Madrid"


@pytest.mark.parametrize(("scale", "kind"), [(1, "seconds"), (1_000, "milliseconds"),
                                             (1_000_000, "microseconds")])
def test_epoch_seconds_milliseconds_and_microseconds(tmp_path, scale, kind):
    times = [int(t.timestamp()) * scale for t in minutes(3)]
    frame = quietly(write(tmp_path, table(times, "unix,open,high,low,close,volume")))
    check(frame, 3)
    assert frame.attrs["time_format"] == f"epoch {kind}"


def test_epoch_units_mixed_in_one_file_and_written_as_floats(tmp_path):
    # old CryptoDataDownload files switch from seconds to milliseconds mid-file
    times = [f"{int(t.timestamp())}.0" for t in minutes(2)]
    times += [str(int(t.timestamp()) * 1000) for t in minutes(2, T0 + pd.Timedelta("2min"))]
    check(quietly(write(tmp_path, table(times, "Timestamp,Open,High,Low,Close,Volume"))), 4)


def test_kaggle_bitstamp_spellings_and_extra_columns_kept(tmp_path):
    header = "Timestamp,Open,High,Low,Close,Volume_(BTC),Volume_(Currency),Weighted_Price"
    lines = [f"{int(t.timestamp())},{p},{2 * i},{100.1 + i}"
             for i, (t, p) in enumerate(zip(minutes(3), prices(3), strict=True))]
    frame = quietly(write(tmp_path, header + "\n" + "\n".join(lines) + "\n"))
    check(frame, 3)
    assert list(frame.columns) == [*CANONICAL, "quote_volume", "Weighted_Price"]
    assert frame["quote_volume"].tolist() == [0.0, 2.0, 4.0]
    assert frame["Weighted_Price"].dtype == np.float64


def cryptodatadownload(tmp_path, *, rounded: bool, n: int = 5):
    """The CryptoDataDownload layout: banner, header, newest row first."""
    lines = []
    for i, t in enumerate(minutes(n)):
        unix = f"{t.timestamp():.5E}" if rounded else str(int(t.timestamp() * 1000))
        lines.append(f"{unix},{t:%Y-%m-%d %H:%M:%S},BTC/USD,{prices(n)[i]},{100 * (i + 1)},"
                     f"{i}")
    header = "unix,date,symbol,open,high,low,close,Volume BTC,Volume USD,tradecount"
    return write(tmp_path, "https://www.CryptoDataDownload.com\n" + header + "\n"
                 + "\n".join(lines[::-1]) + "\n", "Bitstamp_BTCUSD_minute.csv")


def test_cryptodatadownload_banner_header_and_newest_first(tmp_path):
    path = cryptodatadownload(tmp_path, rounded=False)
    with pytest.warns(DataQualityWarning) as said:
        frame = read_minute_csv(path)
    assert [str(w.message) for w in said] == [
        "Bitstamp_BTCUSD_minute.csv: rows were newest first; sorted them oldest first"]
    check(frame, 5)
    assert list(frame.columns) == [*CANONICAL, "quote_volume", "trade_count", "symbol"]
    assert frame["trade_count"].dtype == np.int64 and frame.attrs["symbol"] == "BTC/USD"
    assert frame.attrs["time_column"] == "unix"
    assert "skipped 1 line(s) above the header" in frame.attrs["notes"][0]


def test_spreadsheet_rounded_epoch_is_passed_over_for_the_date_column(tmp_path):
    path = cryptodatadownload(tmp_path, rounded=True, n=30)
    with pytest.warns(DataQualityWarning) as said:
        frame = read_minute_csv(path)
    check(frame, 30)
    assert frame.attrs["time_column"] == "date"
    first = str(said[0].message)
    assert first.startswith("Bitstamp_BTCUSD_minute.csv: column 'unix' not used as time: it "
                            "holds epoch seconds that look rounded: 30 rows share ")
    assert first.endswith("; times taken from 'date'")
    assert first in frame.attrs["notes"]


def test_exact_duplicates_are_dropped_and_counted(tmp_path):
    times = [t.isoformat() for t in minutes(4)]
    text = table(times)
    lines = text.splitlines()
    path = write(tmp_path, "\n".join([*lines, lines[2], lines[2]]) + "\n")
    with pytest.warns(DataQualityWarning, match=r"dropped 2 rows with a duplicate timestamp, "
                                                r"keeping the first \(exact copies\)"):
        frame = read_minute_csv(path)
    check(frame, 4)
    assert frame.attrs["duplicates_dropped"] == 2


def test_gaps_are_reported_and_filled_only_when_asked(tmp_path):
    times = [t.isoformat() for t in minutes(10)]
    keep = [0, 1, 2, 6, 7, 9]
    lines = table(times).splitlines()
    path = write(tmp_path, "\n".join([lines[0], *(lines[1 + i] for i in keep)]) + "\n")
    with pytest.warns(DataQualityWarning, match=r"4 missing minutes in 2 gaps \(largest: 3 min "
                                                r"after 2024-03-10 07:00:00\+00:00\); pass "):
        frame = read_minute_csv(path)
    assert len(frame) == 6 and frame.attrs["missing_minutes"] == 4
    with pytest.warns(DataQualityWarning, match="filled by carrying the last close forward"):
        filled = read_minute_csv(path, fill_gaps=True)
    assert len(filled) == 10 and filled.attrs["filled_minutes"] == 4
    assert filled["close"].iloc[3:6].tolist() == [102.0] * 3
    assert filled["volume"].iloc[3:6].tolist() == [0.0] * 3


def test_semicolons_byte_order_mark_thousands_and_gzip(tmp_path):
    lines = ["\ufeffTime;Open;High;Low;Close;Volume"]
    for i, t in enumerate(minutes(3)):
        lines.append(f'{t:%Y-%m-%d %H:%M};"1,{100 + i}.5";{101 + i};{99 + i};{100 + i};{1 + i}')
    path = tmp_path / "export.csv.gz"
    path.write_bytes(gzip.compress("\n".join(lines).encode() + b"\n"))
    frame = quietly(path)
    check(frame, 3)
    assert frame["open"].tolist() == [1100.5, 1101.5, 1102.5]


def test_time_column_can_be_named(tmp_path):
    header = "End,Start,Open,High,Low,Close,Volume"
    lines = [f"{(t + pd.Timedelta('59s')).isoformat()},{t.isoformat()},{p}"
             for t, p in zip(minutes(3), prices(3), strict=True)]
    path = write(tmp_path, header + "\n" + "\n".join(lines) + "\n")
    # no name says time, so the first column is tried: it holds close times
    with pytest.raises(DataLayoutError, match="column 'End' holds times that are not whole"):
        read_minute_csv(path)
    frame = quietly(path, time_column="Start")
    check(frame, 3)
    assert frame["End"].iloc[0] == "2024-03-10T06:58:59+00:00"  # other columns are kept


def test_same_frame_as_the_binance_reader(tmp_path, build):
    path = build.write(tmp_path, "k.csv", build.kline_csv(build.kline_lines(6), header=True))
    mine = quietly(path).drop(columns="ignore")
    theirs = read_binance_klines(path)
    pd.testing.assert_frame_equal(mine, theirs, check_like=True)


# ------------------------------------------ large files: read in chunks, same frame, same words

@pytest.fixture
def small_chunks(monkeypatch):
    """Chunks of 4 rows, so that a few rows cross several chunk boundaries."""
    from helpers.data import csv_table

    monkeypatch.setattr(csv_table, "CHUNK_ROWS", 4)


@pytest.mark.parametrize("epoch", [False, True])
def test_a_file_read_in_chunks_gives_the_same_frame(tmp_path, monkeypatch, epoch):
    from helpers.data import csv_table

    times = [int(t.timestamp() * 1000) if epoch else t.isoformat() for t in minutes(11)]
    lines = table(times, "time,open,high,low,close,volume").splitlines()
    path = write(tmp_path, "\n".join(lines[:1] + lines[:0:-1]) + "\n")  # newest first
    with pytest.warns(DataQualityWarning, match="newest first"):
        whole = read_minute_csv(path)
    monkeypatch.setattr(csv_table, "CHUNK_ROWS", 4)
    with pytest.warns(DataQualityWarning, match="newest first"):
        chunked = read_minute_csv(path)
    pd.testing.assert_frame_equal(whole, chunked)
    check(chunked, 11)


def test_a_bad_value_in_a_later_chunk_is_named_by_its_line(tmp_path, small_chunks):
    lines = table([t.isoformat() for t in minutes(11)]).splitlines()
    lines[10] = lines[10].replace(",109,", ",1O9,")  # a letter O in row 10's close
    path = write(tmp_path, "\n".join(lines[:5] + [""] + lines[5:]) + "\n")  # a blank line
    with pytest.raises(DataLayoutError, match=r"mine\.csv, line 12: column 'Close' should be "
                                              r"a number, got '1O9'"):
        read_minute_csv(path)
    lines = table([t.isoformat() for t in minutes(11)]).splitlines()
    lines[9] = "2024-03-10 07:06:00" + lines[9][25:]  # no offset, unlike the others
    with pytest.raises(DataLayoutError, match=re.escape(
            "column 'Date' mixes times with and without a UTC offset (row 9: "
            "'2024-03-10 07:06:00')")):
        read_minute_csv(write(tmp_path, "\n".join(lines) + "\n"))


def test_a_repeated_header_and_a_clock_change_across_chunks(tmp_path, small_chunks):
    wall = [f"2024-10-27 {t}" for t in ("02:57", "02:58", "02:59", "02:00", "02:01", "02:02",
                                        "02:03", "02:04", "02:05")]
    lines = table(wall).splitlines()
    path = write(tmp_path, "\n".join(lines[:4] + lines[:1] + lines[4:]) + "\n")
    with pytest.warns(DataQualityWarning) as said:
        frame = read_minute_csv(path, tz="Europe/Madrid", ambiguous="infer")
    assert [f"{t:%H:%M}" for t in frame.index] == [
        "00:57", "00:58", "00:59", "01:00", "01:01", "01:02", "01:03", "01:04", "01:05"]
    # rows count the data lines of the file, the repeated header (row 4) too
    assert [str(w.message)[:64] for w in said] == [
        "mine.csv: dropped 1 line(s) repeating the header (line 5): files",
        "column 'Date': rows 1-3, 5-10 fall in an hour that happens twice"]


def test_a_decimal_comma_first_seen_in_a_later_chunk(tmp_path, small_chunks):
    lines = ["Date;Open;High;Low;Close;Volume"]
    lines += [f"{t.isoformat()};{100 + i};{101 + i};{99 + i};{100 + i};1"
              for i, t in enumerate(minutes(10))]
    lines[9] = lines[9].rsplit(";", 1)[0] + ";0,125"
    frame = quietly(write(tmp_path, "\n".join(lines) + "\n"))
    assert frame["volume"].iloc[-2] == 0.125 and frame["volume"].iloc[0] == 1.0
    check(frame, 10)


def test_dayfirst_reads_what_the_column_cannot_settle(tmp_path):
    times = [t.strftime("%d/%m/%Y %H:%M") for t in minutes(3)]  # 10/03/2024 on every row
    frame = quietly(write(tmp_path, table(times)), dayfirst=True)
    check(frame, 3)
    assert frame.attrs["time_format"] == "%d/%m/%Y %H:%M (UTC)"


def test_a_windows_latin1_export_is_read(tmp_path):
    lines = [f"{t.isoformat()},{p},año" for t, p in zip(minutes(3), prices(3), strict=True)]
    path = tmp_path / "mine.csv"
    path.write_bytes(("Fecha,Open,High,Low,Close,Volume,Año\n" + "\n".join(lines) + "\n")
                     .encode("cp1252"))
    frame = quietly(path)
    check(frame, 3)
    assert frame["Año"].tolist() == ["año"] * 3
