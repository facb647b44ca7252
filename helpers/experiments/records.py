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

__all__ = ["RECORD_FIELDS", "Folder", "check_record", "summary_table", "write_json"]


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


#: The fields of a run record and their JSON types (the summary and --resume read them all).
RECORD_FIELDS: dict[str, tuple[type, ...]] = {
    "task": (str,), "config": (str,), "params": (dict,), "metrics": (dict,),
    "mode": (str,), "seconds": (int, float),
}


def _json_type(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean",
             type(None): "null", int: "a number", float: "a number"}
    return names.get(type(value), type(value).__name__)


def check_record(record: Any, ident: str) -> str | None:
    """What is wrong with a run record read from ``runs/<ident>.json``, or ``None``.

    A record written by the runner holds every field of :data:`RECORD_FIELDS`; one edited
    by hand or by another program may not, and would fail only after the training.

    Examples
    --------
    >>> check_record({"task": "toy", "config": "h-8", "params": {"h": 8},
    ...               "metrics": {"mse": 0.5}, "mode": "smoke", "seconds": 1.0}, "h-8")
    >>> check_record({"task": "toy", "config": "h-8"}, "h-8")
    "lacks the field 'params' (a run record holds task, config, params, metrics, mode, seconds)"
    """
    if not isinstance(record, dict):
        return f"holds {_json_type(record)}, not a JSON object"
    for field, kinds in RECORD_FIELDS.items():
        if field not in record:
            return (f"lacks the field {field!r} (a run record holds "
                    f"{', '.join(RECORD_FIELDS)})")
        value = record[field]
        if not isinstance(value, kinds) or isinstance(value, bool):
            return f"has {_json_type(value)} in its field {field!r}, not {_json_type(kinds[0]())}"
    if record["config"] != ident:
        return (f"belongs to configuration {record['config']!r} (its field 'config'), "
                "not to the one its file name says")
    for name, value in record["metrics"].items():
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
            return f"has {_json_type(value)} as metric {name!r}, not a number"
    return None


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
        """Every record in the folder, by configuration id, each checked (:func:`check_record`).

        Raises
        ------
        ValueError
            For a record that is not valid JSON or lacks a field (naming the file, the
            field and the fix).
        """
        found = {}
        for path in sorted(self.runs.glob("*.json")) if self.runs.is_dir() else []:
            try:
                record = json.loads(path.read_text())
            except (ValueError, OSError) as error:
                problem = f"cannot be read ({type(error).__name__}: {error})"
            else:
                problem = check_record(record, path.stem)
            if problem:
                raise ValueError(
                    f"run record {path} {problem}; delete it and "
                    f"{self.checkpoint(path.stem)} to run that configuration again")
            found[record["config"]] = record
        return found

    def write_summary(self, records: Iterable[dict[str, Any]], *, metric: str | None,
                      higher_is_better: bool) -> None:
        table = summary_table(records, metric=metric, higher_is_better=higher_is_better)
        with atomic_output(self.root / "summary.csv") as handle:
            table.to_csv(handle, index=False)
