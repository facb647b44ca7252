"""Command line: ``python -m helpers.data {list,fetch,verify}``.

Exit status: 0 done; 1 a file could not be had or is bad; 2 a usage or setup problem (a
bad option, a cache folder that is a file, read-only or cannot be created, a mirror
setting that names no folder), reported in one line; 130 (Ctrl-C) or 143 (SIGTERM)
interrupted, with no partial or temporary file left behind.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from helpers.data.errors import DataError, DataSetupError
from helpers.data.fetching import fetch, verify
from helpers.data.interrupts import Terminated, terminate_as_interrupt
from helpers.data.locations import MIRROR_ENV, check_data_dir, data_dir, mirror_dir
from helpers.data.registry import (
    BINANCE_ARCHIVE,
    BINANCE_ARCHIVE_PATH,
    DATASETS,
    STANDARD_DATASETS,
    check_month,
    get_registry,
)


def _size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    raise AssertionError


def cmd_list(args: argparse.Namespace) -> int:
    root = data_dir()
    mirror = mirror_dir()
    print(f"cache: {root}")
    print(f"mirror ({MIRROR_ENV}): {mirror or 'not set'}")
    print()
    for name, about in DATASETS.items():
        tag = " [standard]" if name in STANDARD_DATASETS else ""
        print(f"{name}{tag}: {about}")
        if name == BINANCE_ARCHIVE:
            folder = root / BINANCE_ARCHIVE_PATH.rsplit("/", 1)[0]
            months = sorted(folder.glob("*.zip")) if folder.is_dir() else []
            print(f"    monthly files, cached: {len(months)} in {folder}")
            if args.verbose:
                for path in months:
                    print(f"    present  {_size(path.stat().st_size):>9}  {path.name}")
            continue
        files = get_registry().files(name)
        present = [e for e in files if (root / e.path).is_file()]
        total = sum(e.size or 0 for e in files)
        plural = "s" if len(files) != 1 else ""
        print(f"    {len(files)} file{plural}, {_size(total)}, cached: "
              f"{len(present)}/{len(files)} under {root}")
        if args.verbose:
            for e in files:
                state = "present" if (root / e.path).is_file() else "missing"
                print(f"    {state:8} {_size(e.size or 0):>9}  {e.path}")
    return 0


def _month(text: str) -> str:
    try:
        return check_month(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def cmd_fetch(args: argparse.Namespace) -> int:
    names = [n for n in DATASETS if n != BINANCE_ARCHIVE] if args.all else args.names
    if not names:
        print("error: name at least one data set, or --all; see `python -m helpers.data list`",
              file=sys.stderr)
        return 2
    if args.months and BINANCE_ARCHIVE not in names:
        print(f"error: --months only applies to {BINANCE_ARCHIVE}", file=sys.stderr)
        return 2
    if BINANCE_ARCHIVE in names and not args.months:
        print(f"error: {BINANCE_ARCHIVE} has one file per month: add --months YYYY-MM "
              "[YYYY-MM ...], e.g. --months 2024-01", file=sys.stderr)
        return 2
    check_data_dir()
    status = 0
    for name in names:
        try:
            months = args.months if name == BINANCE_ARCHIVE else None
            paths = fetch(name, months=months, progressbar=sys.stderr.isatty())
        except DataSetupError:
            raise
        except DataError as exc:
            print(f"{name}: FAILED: {exc}", file=sys.stderr)
            status = 1
        else:
            print(f"{name}: {len(paths)} file(s) in {data_dir()}")
    return status


def cmd_verify(args: argparse.Namespace) -> int:
    names = args.names or list(STANDARD_DATASETS)
    check_data_dir()
    try:
        checks = verify(names, progressbar=args.progress or sys.stderr.isatty())
    except DataSetupError:
        raise
    except DataError as exc:  # an unknown data set name: a usage error
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for name in names:
        mine = [c for c in checks if c.dataset == name]
        good = sum(c.ok for c in mine)
        print(f"{name}: {good}/{len(mine)} files ok")
    repaired = [c for c in checks if c.status == "repaired"]
    for c in repaired:  # fixed now, but a damaged cache is worth knowing about
        print(f"REPAIRED: {c.path} ({c.dataset})\n    {c.detail}")
    bad = [c for c in checks if not c.ok]
    for c in bad:
        print(f"{c.status.upper()}: {c.path} ({c.dataset})\n    {c.detail}", file=sys.stderr)
    if bad:
        print(f"{len(bad)} file(s) missing or bad; cache: {data_dir()}", file=sys.stderr)
        return 1
    fixed = f" ({len(repaired)} of them repaired)" if repaired else ""
    print(f"all {len(checks)} files present and matching their SHA-256{fixed} in {data_dir()}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m helpers.data",
        description="Fetch, verify and list the book's data sets. Files are cached in "
                    f"$LSTMBOOK_DATA_DIR (default: <repo>/data); ${MIRROR_ENV}=<folder> "
                    "takes them from an offline mirror first.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p_list = sub.add_parser("list", help="data sets, their files, sizes and cache state")
    p_list.add_argument("-v", "--verbose", action="store_true", help="one line per file")
    p_list.set_defaults(func=cmd_list)

    p_fetch = sub.add_parser("fetch", help="download (or copy from the mirror) data sets")
    p_fetch.add_argument("names", nargs="*", metavar="NAME", help="data set names")
    p_fetch.add_argument("--all", action="store_true",
                         help=f"every data set except {BINANCE_ARCHIVE}")
    p_fetch.add_argument("--months", nargs="+", metavar="YYYY-MM", type=_month,
                         help=f"months for {BINANCE_ARCHIVE} (from 2017-08; ended months)")
    p_fetch.set_defaults(func=cmd_fetch)

    p_verify = sub.add_parser(
        "verify", help="make sure every file of standard mode is cached and intact")
    p_verify.add_argument("names", nargs="*", metavar="NAME",
                          help="data sets (default: those of standard mode)")
    p_verify.add_argument("--progress", action="store_true",
                          help="show a progress bar even when stderr is not a terminal")
    p_verify.set_defaults(func=cmd_verify)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (see the module docstring).

    Examples
    --------
    >>> main(["verify"])  # doctest: +SKIP
    0
    """
    args = build_parser().parse_args(argv)
    try:
        with terminate_as_interrupt():
            mirror_dir()  # a mirror setting that names no folder: say so before any work
            return args.func(args)
    except DataSetupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except DataError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt as exc:
        print(f"\ninterrupted; the files fetched so far are kept, no partial file was left "
              f"behind. Run the same command again to finish ({data_dir()}).", file=sys.stderr)
        return exc.exit_status if isinstance(exc, Terminated) else 130


if __name__ == "__main__":
    sys.exit(main())
