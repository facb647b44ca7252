"""Isolation for the catalogue of bad inputs: a fresh cache, no mirror, no internet, CPU."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "cache"
    monkeypatch.setenv("LSTMBOOK_DATA_DIR", str(cache))
    monkeypatch.delenv("LSTMBOOK_MIRROR", raising=False)
    monkeypatch.setenv("LSTMBOOK_DEVICE", "cpu")
    monkeypatch.setenv("LSTMBOOK_MODE", "smoke")
    from helpers.data import registry

    monkeypatch.setattr(registry, "_active", None)

    def offline(url: str, *args: object, **kwargs: object) -> None:
        raise requests.exceptions.ConnectionError(f"tests are offline, tried {url}")

    monkeypatch.setattr(requests, "get", offline)
    return cache


@pytest.fixture
def csv(tmp_path: Path):
    """Write ``text`` to ``tmp_path/name`` and return the path."""

    def write(text: str, name: str = "mine.csv") -> Path:
        path = tmp_path / name
        path.write_text(text)
        return path

    return write
