"""The output folder of an experiment: one record per configuration ever run there.

Layout::

    <output>/runs/<id>.json          the record of one configuration (the source of truth)
    <output>/checkpoints/<id>.pt     its trained weights
    <output>/summary.csv             every record, best first (rebuilt from runs/)
    <output>/checkpoints/.partial/   weights of a configuration still training

A configuration's checkpoint is moved into ``checkpoints/`` only after it finished, and
its record is written after that, so an error or Ctrl-C mid-grid leaves the folder as it
was before that configuration began. Every file is written atomically.

Examples
--------
>>> import tempfile
>>> folder = Folder(Path(tempfile.mkdtemp()))
>>> folder.write_record({"task": "toy", "config": "h-8", "mode": "smoke",
...                      "params": {"h": 8}, "metrics": {"mse": 0.5}, "seconds": 1.0})
>>> sorted(folder.records())
['h-8']
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from helpers.files import atomic_output

__all__ = ["Folder", "summary_table", "write_json"]


def write_json(path: Path, data: Any) -> None:
    """Write ``data`` as indented JSON, atomically.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "run.json"
    >>> write_json(path, {"loss": 0.5})
    >>> json.loads(path.read_text())
    {'loss': 0.5}
    """
    with atomic_output(path) as handle:
        json.dump(data, handle, indent=2)
        handle.write("\n")


def summary_table(rows: Iterable[dict[str, Any]], *, metric: str | None = None,
                  higher_is_better: bool = False) -> Any:
    """One row per record (config, parameters, metrics, seconds), best first (a DataFrame).

    ``metric`` defaults to the first metric of the first record.

    Examples
    --------
    >>> rows = [{"config": f"h-{h}", "params": {"h": h}, "metrics": {"mse": mse},
    ...          "seconds": 1.0} for h, mse in ((8, 0.3), (16, 0.1))]
    >>> summary_table(rows)["config"].tolist()
    ['h-16', 'h-8']
    """
    import pandas as pd

    rows = list(rows)
    if not rows:
        return pd.DataFrame()
    metric = metric or next(iter(rows[0].get("metrics", {})), None)
    table = pd.DataFrame([
        {"config": r["config"], **r["params"], **r["metrics"], "seconds": r["seconds"]}
        for r in rows
    ])
    if metric in table:
        table = table.sort_values(metric, ascending=not higher_is_better, kind="stable",
                                  na_position="last")
    return table.reset_index(drop=True)


class Folder:
    """The output folder of one task's runs."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.runs = self.root / "runs"
        self.checkpoints = self.root / "checkpoints"
        self.partial = self.checkpoints / ".partial"

    def check_writable(self) -> None:
        """Raise ``ValueError`` now, before any training, if files cannot be written here."""
        try:
            for folder in (self.root, self.runs, self.checkpoints):
                folder.mkdir(parents=True, exist_ok=True)
            with atomic_output(self.root / ".write-test"):
                pass
            (self.root / ".write-test").unlink()
        except OSError as error:
            raise ValueError(f"cannot write in the output folder {self.root} "
                             f"({error.strerror or error}); choose another --output") from None

    def checkpoint(self, ident: str) -> Path:
        return self.checkpoints / f"{ident}.pt"

    def staging(self, ident: str) -> Path:
        """Where a configuration still training saves its weights."""
        return self.partial / f"{ident}.pt"

    def commit(self, ident: str, record: dict[str, Any]) -> None:
        """Move the staged checkpoint into place, then write the record."""
        staged = self.staging(ident)
        if staged.exists():
            self.checkpoints.mkdir(parents=True, exist_ok=True)
            os.replace(staged, self.checkpoint(ident))
        self.write_record(record)
        self.discard(ident)

    def discard(self, ident: str) -> None:
        """Remove what a configuration that did not finish left in the staging area."""
        self.staging(ident).unlink(missing_ok=True)
        try:
            self.partial.rmdir()
        except OSError:  # absent, or another configuration's weights are there
            pass

    def write_record(self, record: dict[str, Any]) -> None:
        write_json(self.runs / f"{record['config']}.json", record)

    def records(self) -> dict[str, dict[str, Any]]:
        """Every record in the folder, by configuration id.

        Raises
        ------
        ValueError
            For a record that is not valid JSON (naming the file and the fix).
        """
        found = {}
        for path in sorted(self.runs.glob("*.json")) if self.runs.is_dir() else []:
            try:
                record = json.loads(path.read_text())
                found[record["config"]] = record
            except (ValueError, KeyError, TypeError) as error:
                raise ValueError(
                    f"run record {path} cannot be read ({type(error).__name__}: {error}); "
                    f"delete it and {self.checkpoint(path.stem)} to run that "
                    "configuration again") from None
        return found

    def write_summary(self, records: Iterable[dict[str, Any]], *, metric: str | None,
                      higher_is_better: bool) -> None:
        table = summary_table(records, metric=metric, higher_is_better=higher_is_better)
        with atomic_output(self.root / "summary.csv") as handle:
            table.to_csv(handle, index=False)
