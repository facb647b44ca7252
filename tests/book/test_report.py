"""Bookkeeping lines: shown to whoever runs the notebook, marked for the book to drop."""

from dataclasses import dataclass

import IPython.display
import pytest

from helpers.book import report


@dataclass(frozen=True)
class Budget:
    n_train: int = 2000
    n_val: int = 500
    n_test: int = 1000
    epochs: int = 400
    patience: int = 10
    batch_size: int = 100
    source: str = "a data set with a long name, to push the repr past 80 columns"


def test_outside_ipython_the_lines_are_printed(capsys):
    report.bookkeeping("recorded 4 results", "", "15 of 15 stopped early")
    assert capsys.readouterr().out == "recorded 4 results\n15 of 15 stopped early\n"


def test_an_object_is_shown_as_its_repr_within_80_columns(capsys):
    report.bookkeeping(Budget())
    out = capsys.readouterr().out
    assert len(repr(Budget())) > 80  # the case that needs wrapping
    assert out.startswith("Budget(n_train=2000,") and "patience=10" in out
    assert max(len(line) for line in out.splitlines()) <= 80


def test_in_ipython_the_output_is_marked_html_with_the_text_as_fallback(monkeypatch):
    shown = []
    monkeypatch.setattr(report, "_shell", lambda: object())
    monkeypatch.setattr(IPython.display, "display",
                        lambda data, raw=False: shown.append((data, raw)))
    report.bookkeeping("a < b & c", Budget(epochs=3))
    [(data, raw)] = shown
    assert raw is True
    assert data["text/plain"].splitlines()[0] == "a < b & c"
    assert "epochs=3" in data["text/plain"]
    assert f'class="{report.BOOKKEEPING_CLASS}"' in data["text/html"]
    assert "a &lt; b &amp; c" in data["text/html"]  # escaped, never markup


@pytest.mark.parametrize("lines", [(), ("",), ("  ", "\n")])
def test_nothing_to_show_is_an_error(lines):
    with pytest.raises(ValueError, match="at least one non-empty line"):
        report.bookkeeping(*lines)
