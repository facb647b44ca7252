"""Fixtures shared by every test folder."""

import pytest
import torch


@pytest.fixture(scope="module")
def one_thread():
    """Run a module's tiny networks on one CPU thread, then restore the count.

    For networks this small a second thread only adds synchronisation, which
    can double a module's run time on a busy two-core machine. Use it with
    ``pytestmark = pytest.mark.usefixtures("one_thread")``.
    """
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)
