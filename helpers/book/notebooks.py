"""Execute chapter notebooks and check that their stored outputs are fresh.

Tutorial repositories rot when a cell is edited but the notebook is not run
again: the reader then sees outputs the code no longer produces. Executing a
notebook through :func:`execute_notebook` stamps its metadata with a hash of
its code cells and the run mode; :func:`freshness_problems` reports every way
the stored outputs may disagree with the code.

Command line::

    python -m helpers.book.notebooks execute notebooks/*.ipynb   # standard mode
    python -m helpers.book.notebooks check notebooks/*.ipynb

Examples
--------
>>> import nbformat
>>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
>>> freshness_problems(nb)[0]
'never executed by `make execute` (no lstmbook metadata)'
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from tqdm import tqdm

from helpers.config import MODE_VARIABLE, MODES, PROGRESS_VARIABLE
from helpers.files import atomic_output
from helpers.results import record, results_dir

METADATA_KEY = "lstmbook"
STORED_MODE = "standard"


def code_hash(nb: nbformat.NotebookNode) -> str:
    """SHA-256 of the notebook's code cells, in order (outputs and prose excluded)."""
    sources = [cell.source for cell in nb.cells if cell.cell_type == "code"]
    return hashlib.sha256(json.dumps(sources).encode("utf-8")).hexdigest()


def freshness_problems(nb: nbformat.NotebookNode, *, mode: str = STORED_MODE) -> list[str]:
    """Every reason the stored outputs may not be what the code produces.

    Returns an empty list for a fresh notebook: executed by
    :func:`execute_notebook` in ``mode``, code unchanged since, no error
    outputs, and execution counts 1..n in order.
    """
    problems = []
    stamp = nb.metadata.get(METADATA_KEY)
    if stamp is None:
        problems.append("never executed by `make execute` (no lstmbook metadata)")
    else:
        if stamp.get("code_sha256") != code_hash(nb):
            problems.append("code cells changed since it was executed: run `make execute`")
        if stamp.get("mode") != mode:
            problems.append(f"executed in {stamp.get('mode')!r} mode, expected {mode!r}")
    code_cells = [cell for cell in nb.cells if cell.cell_type == "code"]
    counts = [cell.get("execution_count") for cell in code_cells]
    if counts != list(range(1, len(code_cells) + 1)):
        problems.append(f"execution counts are {counts}, expected 1..{len(code_cells)} in order")
    for number, cell in enumerate(code_cells, start=1):
        if not cell.source.strip():
            problems.append(f"code cell {number} is empty: delete it")
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                problems.append(f"code cell {number} stored an error: {output.get('ename')}")
    return problems


def execute_notebook(
    path: str | Path, *, mode: str = STORED_MODE, timeout: int = 1800, progress: bool = True
) -> float:
    """Run a notebook top to bottom in ``mode`` and save it with its outputs.

    The file is replaced only after a successful run (a failed run leaves it
    untouched), the saved notebook is stamped with the code hash and mode, and
    the run time is recorded through :func:`helpers.results.record`. The
    notebook's results file starts empty, so a result the code no longer
    records cannot linger; a failed run puts the old file back.

    Returns
    -------
    float
        Wall-clock seconds the run took.
    """
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    saved = {name: os.environ.get(name) for name in (MODE_VARIABLE, PROGRESS_VARIABLE)}
    # the kernel inherits this process's environment; stored outputs get no progress bars
    os.environ[MODE_VARIABLE], os.environ[PROGRESS_VARIABLE] = mode, "0"
    code_cells = sum(cell.cell_type == "code" for cell in nb.cells)
    bar = tqdm(total=code_cells, desc=path.stem, disable=not progress, file=sys.stdout, ncols=100)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent.resolve())}},
        record_timing=False,
        on_cell_executed=lambda **_: bar.update(1),
    )
    results_file = results_dir() / f"{path.stem}.json"
    previous = results_file.read_bytes() if results_file.exists() else None
    results_file.unlink(missing_ok=True)
    started = time.perf_counter()
    try:
        try:
            client.execute()
        except BaseException:
            if previous is not None:
                with atomic_output(results_file, "wb") as handle:
                    handle.write(previous)
            raise
        seconds = time.perf_counter() - started
        # the run time is a result like any other: measured, never typed into prose
        record(path.stem, "notebook run time", seconds, unit="s", dataset="",
               note=f"{os.cpu_count()} CPU cores, {platform.machine()}")
    finally:
        bar.close()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    nb.metadata[METADATA_KEY] = {"code_sha256": code_hash(nb), "mode": mode}
    with atomic_output(path) as handle:
        nbformat.write(nb, handle)
    return seconds


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point (see the module docstring)."""
    parser = argparse.ArgumentParser(prog="python -m helpers.book.notebooks", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("execute", help="run notebooks in place and stamp them")
    run.add_argument("paths", nargs="+", type=Path)
    run.add_argument("--mode", default=STORED_MODE, choices=MODES)
    check = sub.add_parser("check", help="report notebooks whose stored outputs are stale")
    check.add_argument("paths", nargs="+", type=Path)
    args = parser.parse_args(argv)

    if args.command == "execute":
        for path in args.paths:
            seconds = execute_notebook(path, mode=args.mode)
            print(f"{path}: executed in {args.mode} mode in {seconds:.0f} s")
        return 0
    stale = 0
    for path in args.paths:
        problems = freshness_problems(nbformat.read(path, as_version=4))
        stale += bool(problems)
        for problem in problems:
            print(f"{path}: {problem}")
    return 1 if stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
