"""Sentences built from a run's numbers, and bookkeeping lines the book leaves out.

Prose typed into a markdown cell cannot follow the numbers when a run
changes; a sentence built by code can. :func:`say` shows such sentences as
Markdown: in Jupyter and Colab they appear as formatted output, and a code
cell tagged ``remove-input`` renders in the book as a plain paragraph.

:func:`bookkeeping` is for the opposite kind of output: lines a reader running
the notebook wants to see (the run's settings, "recorded 4 results") but a
reader of the book does not. They show in Jupyter and Colab; the book's
``book/_ext/bookkeeping.py`` drops them from the rendered page.

Examples
--------
>>> say("The LSTM's ratio to persistence is **0.98**.")  # doctest: +SKIP
>>> bookkeeping("recorded 4 results")  # outside IPython: printed
recorded 4 results
>>> from dataclasses import dataclass
>>> @dataclass
... class Budget:
...     epochs: int
...     patience: int
>>> bookkeeping("budget:", Budget(epochs=400, patience=10))
budget:
Budget(epochs=400, patience=10)
"""

from __future__ import annotations

import html
import pprint

__all__ = ["BOOKKEEPING_CLASS", "bookkeeping", "format_count", "say"]

#: The HTML class that marks an output as bookkeeping (the book's extension looks for it).
BOOKKEEPING_CLASS = "lstmbook-bookkeeping"


def _shell():
    try:
        from IPython import get_ipython
    except ImportError:
        return None
    return get_ipython()


def say(*paragraphs: str) -> None:
    """Show each paragraph as Markdown (plain text outside IPython).

    Parameters
    ----------
    *paragraphs
        Markdown text, one paragraph each; build the numbers in with f-strings
        from the results of the run, never type them.
    """
    text = "\n\n".join(p.strip() for p in paragraphs if p and p.strip())
    if not text:
        raise ValueError("say() needs at least one non-empty paragraph.")
    if _shell() is None:  # plain Python: print the text as it is
        print(text)
        return
    from IPython.display import Markdown, display

    display(Markdown(text))


def bookkeeping(*lines: object) -> None:
    """Show lines for whoever runs the notebook, marked so that the book leaves them out.

    In IPython the lines are shown as preformatted text (an HTML output with the
    class ``BOOKKEEPING_CLASS``, plain text as its fallback); elsewhere they are
    printed.

    Parameters
    ----------
    *lines
        The text, one line each (a line may hold several). Anything that is not
        a string (a budget, a data split) is shown as its repr, wrapped at 80
        columns by :func:`pprint.pformat`.
    """
    text = "\n".join(
        (line if isinstance(line, str) else pprint.pformat(line, width=80)).rstrip("\n")
        for line in lines if not (isinstance(line, str) and not line))
    if not text.strip():
        raise ValueError("bookkeeping() needs at least one non-empty line.")
    if _shell() is None:
        print(text)
        return
    from IPython.display import display

    markup = f'<pre class="{BOOKKEEPING_CLASS}">{html.escape(text)}</pre>'
    display({"text/plain": text, "text/html": markup}, raw=True)


def format_count(value: float) -> str:
    """A count for a sentence: whole as a whole number, a mean over seeds to one decimal.

    Examples
    --------
    >>> format_count(3.0), format_count(6.333), format_count(1200)
    ('3', '6.3', '1,200')
    """
    value = float(value)
    return f"{value:,.0f}" if value.is_integer() else f"{value:,.1f}"
