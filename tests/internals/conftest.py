"""Shared set-up of the chapter 1 tests."""

import pytest


@pytest.fixture(autouse=True, scope="module")
def tiny_networks(one_thread):
    """Every network here is tiny: one CPU thread for each module (tests/conftest.py)."""
    yield
