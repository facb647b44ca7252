"""A real PostgreSQL server for the tests of a shared study, started and stopped here.

It is initialised in a temporary folder and listens on a free loopback port. ``initdb``
refuses to run as root, so as root the server runs as the ``postgres`` user (Debian's
package creates it) or ``nobody``. ``.ci/run`` installs Debian's ``postgresql``; where
its programs are absent the tests that need it are skipped, saying so.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest


def _postgres_bin() -> Path | None:
    """The folder of ``initdb`` and ``pg_ctl``: on PATH, or Debian's versioned one."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(os.path.realpath(found)).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                      key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    return Path(versions[-1]).parent if versions else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """The URL of a PostgreSQL server that lives as long as the test session."""
    folder = _postgres_bin()
    if folder is None and os.environ.get("CI"):  # .ci/run installs it: CI must run this
        pytest.fail("PostgreSQL's initdb is missing in CI: .ci/run's `make postgresql` "
                    "should have installed it")
    if folder is None:
        pytest.skip("PostgreSQL's initdb and pg_ctl are not installed (Debian: apt-get "
                    "install postgresql; .ci/run installs it)")
    user = None
    if os.geteuid() == 0:  # initdb refuses root: run the server as an ordinary user
        for name in ("postgres", "nobody"):
            try:
                user = pwd.getpwnam(name)
                break
            except KeyError:
                continue
        if user is None or not shutil.which("runuser"):
            pytest.skip("running as root without a postgres or nobody user (and runuser) "
                        "to run the PostgreSQL server as")
    root = Path(tempfile.mkdtemp(prefix="lstmbook-pg-"))
    data, port = root / "data", _free_port()

    def as_user(*command: str) -> list[str]:
        return ["runuser", "-u", user.pw_name, "--", *command] if user else list(command)

    if user is not None:
        os.chown(root, user.pw_uid, user.pw_gid)
    try:
        subprocess.run(as_user(str(folder / "initdb"), "-D", str(data), "-A", "trust",
                               "-U", "postgres", "--no-sync"),
                       check=True, capture_output=True, timeout=120)
        subprocess.run(as_user(str(folder / "pg_ctl"), "-D", str(data), "-w", "-t", "60",
                               "-l", str(root / "server.log"), "-o",
                               f"-p {port} -k {root} -c listen_addresses=127.0.0.1 "
                               "-c fsync=off", "start"),
                       check=True, capture_output=True, timeout=120)
    except subprocess.CalledProcessError as error:
        log = root / "server.log"
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"PostgreSQL did not start: {error.stderr.decode()[-500:]}"
                           + (log.read_text()[-500:] if log.exists() else "")) from None
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(as_user(str(folder / "pg_ctl"), "-D", str(data), "-m", "fast", "-w",
                               "stop"), capture_output=True, timeout=120)
        shutil.rmtree(root, ignore_errors=True)
