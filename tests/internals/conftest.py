"""Shared set-up of the chapter 1 tests."""

import pytest
import torch


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    # Every tensor here is tiny: extra threads only add synchronisation, which
    # doubles the run time of these files on a busy two-core machine.
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)
