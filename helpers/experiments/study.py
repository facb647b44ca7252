"""Where a grid lives: an Optuna study in a storage that several workers share.

Optuna keeps the bookkeeping a grid needs (which configuration ran, its metrics, which
are running, which failed) in a storage: by default a SQLite file in the output folder,
or a database server (``postgresql://...``, ``mysql+pymysql://...``) or an Optuna
journal file (``journal:PATH``) that workers on several machines reach. This module
opens that storage and study with clear errors; the runner hands out the work.

Examples
--------
>>> import tempfile
>>> storage = open_storage(None, Path(tempfile.mkdtemp()))
>>> type(storage).__name__
'RDBStorage'
>>> describe_storage("postgresql://book:secret@db:5432/grids")
'postgresql://book:***@db:5432/grids'
"""

from __future__ import annotations

import contextlib
import fcntl
import math
import re
import threading
import time
import warnings
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

__all__ = ["StorageError", "claim_lock", "describe_storage", "open_storage", "open_study",
           "storage_errors", "study_table"]

#: A running trial records a heartbeat this often (seconds); one silent for STALE_AFTER
#: is taken for a worker that died (killed, its machine off), and its configuration
#: runs again.
HEARTBEAT = 10.0
STALE_AFTER = 120.0
#: The file name of the default storage in the output folder.
DEFAULT_FILE = "study.db"


class StorageError(ValueError):
    """The storage cannot be reached, read or written (the message says which and why)."""


def describe_storage(url: str) -> str:
    """``url`` with its password hidden, for messages."""
    return re.sub(r"(//[^:/@]+:)[^@]*@", r"\1***@", url)


def _storage_url(storage: str | None, output: Path) -> str:
    if storage is None:
        return f"sqlite:///{(Path(output) / DEFAULT_FILE).resolve()}"
    if not isinstance(storage, str) or not storage.strip():
        raise ValueError(f"storage={storage!r} must be a database URL (e.g. postgresql://"
                         "user@host/db) or journal:PATH, or None for a SQLite file in the "
                         "output folder")
    return storage.strip()


def open_storage(storage: str | None, output: Path | None) -> Any:
    """The Optuna storage ``storage`` names (``None``: ``<output>/study.db``).

    Raises
    ------
    StorageError
        A server that does not answer, a missing database driver, a file that cannot be
        opened (each naming the storage and what to do).
    """
    import optuna

    if storage is None and output is None:
        return optuna.storages.InMemoryStorage()  # nothing on disk, one process
    url = _storage_url(storage, output)
    shown = describe_storage(url)
    if url.startswith("journal:"):
        path = Path(url.removeprefix("journal:"))
        if not str(path).strip():
            raise StorageError("journal: needs a file path, e.g. journal:/shared/toy.log")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            backend = optuna.storages.journal.JournalFileBackend(str(path))
            return optuna.storages.JournalStorage(backend)
        except OSError as error:
            reason = error.strerror or error
            raise StorageError(f"cannot open the journal storage {path} ({reason}); give a "
                               "writable file on a disk every worker sees") from None
    if "://" not in url:
        raise StorageError(f"storage {shown!r} is not a URL: give e.g. postgresql://user@host/"
                           "db, mysql+pymysql://user@host/db, sqlite:///file.db or "
                           "journal:PATH")
    # several processes write one SQLite file: wait for the lock instead of failing at once
    kwargs = {"connect_args": {"timeout": 60}} if url.startswith("sqlite") else {}
    for attempt in range(3):
        try:
            with storage_errors(url):
                return optuna.storages.RDBStorage(url, engine_kwargs=kwargs)
        except StorageError as error:
            # workers that start together on a new database race to create its tables:
            # the loser finds them made a moment later
            if attempt == 2 or not re.search("duplicate key|already exists", str(error)):
                raise
            time.sleep(1 + attempt)
    raise AssertionError("unreachable")  # pragma: no cover


@contextlib.contextmanager
def storage_errors(url: str) -> Iterator[None]:
    """Turn a database driver's error into a :class:`StorageError` naming ``url``."""
    shown = describe_storage(url)
    try:
        yield
    except ImportError as error:
        raise StorageError(f"the storage {shown} needs a database driver that is not "
                           f"installed ({error}); for MySQL install pymysql and write "
                           "mysql+pymysql://..., for PostgreSQL install psycopg2-binary") from None
    except Exception as error:
        from optuna.exceptions import StorageInternalError
        from sqlalchemy.exc import ArgumentError, SQLAlchemyError

        if not isinstance(error, (SQLAlchemyError, ArgumentError, StorageInternalError)):
            raise
        cause = error.__cause__ if isinstance(error, StorageInternalError) else error
        text = str(getattr(cause, "orig", None) or cause or error).strip().splitlines()[0]
        if "readonly" in text.replace("-", "").replace(" ", "").lower():
            raise StorageError(f"the storage {shown} is read-only ({text}); every worker "
                               "writes its trials there: give one you can write to") from None
        raise StorageError(f"cannot use the storage {shown}: {text}. Check that the server "
                           "runs and the URL (host, port, user, database) is right") from None


def claim_lock(storage: Any) -> contextlib.AbstractContextManager:
    """A lock between every worker of ``storage``, held while one picks its next trial.

    Optuna's trial queue already hands a waiting trial to one worker on a database server,
    but adding the configurations no trial holds yet (a new grid, a failed run) must
    happen once, not once per worker: PostgreSQL and MySQL take a named server lock,
    a SQLite or journal file a lock file beside it (their workers share that disk).
    """
    import optuna

    if isinstance(storage, optuna.storages.JournalStorage):
        return _file_lock(Path(storage._backend._file_path + ".workers.lock"))
    url = str(getattr(storage, "url", ""))
    if url.startswith("sqlite:///"):
        return _file_lock(Path(url.removeprefix("sqlite:///") + ".workers.lock"))
    if url.startswith(("postgresql", "mysql")):
        return _server_lock(storage, url)
    return contextlib.nullcontext()


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def _server_lock(storage: Any, url: str) -> Iterator[None]:
    from sqlalchemy import text

    take, free = (("SELECT pg_advisory_lock(4242)", "SELECT pg_advisory_unlock(4242)")
                  if url.startswith("postgresql") else
                  ("SELECT GET_LOCK('lstmbook', 600)", "SELECT RELEASE_LOCK('lstmbook')"))
    with storage_errors(url), storage.engine.connect() as connection:
        connection.execute(text(take))
        try:
            yield
        finally:
            connection.execute(text(free))


def open_study(storage: Any, name: str, *, task: str, params: Sequence[str], mode: str,
               maximize: bool, sampler: Any = None, pruner: Any = None,
               shown: str = "") -> Any:
    """Create study ``name`` or load it, refusing one of another task, parameters or mode.

    The study keeps ``task``, ``params`` (the names) and ``mode`` as user attributes:
    a second worker (or run) checks its own against them.
    """
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)  # the runner says what happens
    direction = "maximize" if maximize else "minimize"
    url = str(getattr(storage, "url", shown))
    with storage_errors(url), warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        study = optuna.create_study(storage=storage, study_name=name, direction=direction,
                                    sampler=sampler, pruner=pruner, load_if_exists=True)
        attrs = study.user_attrs
        if not attrs:  # new (or created by hand): this run sets what the study is for
            for key, value in (("task", task), ("params", list(params)), ("mode", mode)):
                study.set_user_attr(key, value)
            attrs = study.user_attrs
    where = f"study {name!r} in {shown or describe_storage(url)}"
    if attrs.get("task") != task:
        raise ValueError(f"{where} holds runs of task {attrs.get('task')!r}, not {task!r}; "
                         "use another --study name (or another --output)")
    if list(attrs.get("params", [])) != list(params):
        raise ValueError(f"{where} was made with the parameters {attrs.get('params')}, and "
                         f"task {task!r} now has {list(params)}; start a new study "
                         "(another --study or --output)")
    if study.direction.name.lower() != direction:
        raise ValueError(f"{where} is set to {study.direction.name.lower()} its metric, and "
                         f"task {task!r} would {direction} it; use another --study")
    return study


def check_mode(study: Any, mode: str, *, resume: bool, where: str) -> None:
    """Refuse to mix run modes in one study (their budgets differ)."""
    other = study.user_attrs.get("mode", mode)
    if other == mode:
        return
    action = (f"--resume evaluates checkpoints trained in {other} mode, and this run is "
              f"in {mode} mode" if resume else
              f"it holds {other}-mode runs, and a {mode}-mode run there would mix modes "
              "in one summary")
    raise ValueError(f"{where}: {action}. Pass --mode {other} (LSTMBOOK_MODE={other}), or "
                     f"use another --output for {mode} mode. In a shared storage, name "
                     "another --study.")


class Heartbeat:
    """Record, every :data:`HEARTBEAT` seconds, that a trial's worker is alive.

    Optuna's own heartbeat is for ``study.optimize`` and database storages; this one
    works for every storage (a user attribute), so a journal file on a shared disk
    also notices a worker that died.
    """

    def __init__(self, study: Any, trial_id: int) -> None:
        self._study, self._trial_id = study, trial_id
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, daemon=True)

    def _beat(self) -> None:
        while True:
            with contextlib.suppress(Exception):  # a missed beat is retried; never fatal
                self._study._storage.set_trial_user_attr(self._trial_id, "heartbeat",
                                                         time.time())
            if self._stop.wait(HEARTBEAT):
                return

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def fail_stale(study: Any) -> None:
    """Mark as failed the running trials whose worker stopped beating (it died)."""
    from optuna.exceptions import UpdateFinishedTrialError
    from optuna.trial import TrialState

    now = time.time()
    for trial in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
        # a worker that died before its first beat: its start is the last sign of life
        start = trial.datetime_start.timestamp() if trial.datetime_start else now
        if now - trial.user_attrs.get("heartbeat", start) > STALE_AFTER:
            with contextlib.suppress(UpdateFinishedTrialError):
                study._storage.set_trial_state_values(trial._trial_id, TrialState.FAIL)


def study_table(trials: Sequence[Any], *, metric: str | None,
                higher_is_better: bool) -> Any:
    """One row per finished trial (trial, parameters, metrics, seconds, state), best first.

    A pruned trial has the metrics it reached (none); ``metric`` defaults to the first
    metric of the first complete trial.

    Examples
    --------
    >>> import optuna
    >>> from optuna.distributions import CategoricalDistribution
    >>> trials = [optuna.trial.create_trial(
    ...     params={"h": h}, distributions={"h": CategoricalDistribution([8, 16])},
    ...     value=mse, user_attrs={"metrics": {"mse": mse}, "seconds": 1.0})
    ...     for h, mse in ((8, 0.3), (16, 0.1))]
    >>> study_table(trials, metric=None, higher_is_better=False)["h"].tolist()
    [16, 8]
    """
    import pandas as pd

    rows = [{"trial": t.number, **t.params, **_metrics(t.user_attrs.get("metrics", {})),
             "seconds": t.user_attrs.get("seconds", math.nan), "state": t.state.name.lower()}
            for t in trials]
    if not rows:
        return pd.DataFrame()
    table = pd.DataFrame(rows)
    metric = metric or next(iter(trials[0].user_attrs.get("metrics", {})), None)
    if metric in table:
        table = table.sort_values(metric, ascending=not higher_is_better, kind="stable",
                                  na_position="last")
    return table.reset_index(drop=True)


def _metrics(metrics: Mapping[str, Any]) -> dict[str, float]:
    return {k: math.nan if v is None else float(v) for k, v in metrics.items()}
