"""Sentences built from a run's numbers, shown as formatted text.

Prose typed into a markdown cell cannot follow the numbers when a run
changes; a sentence built by code can. :func:`say` shows such sentences as
Markdown: in Jupyter and Colab they appear as formatted output, and a code
cell tagged ``remove-input`` renders in the book as a plain paragraph.

Examples
--------
>>> say("The LSTM's ratio to persistence is **0.98**.")  # doctest: +SKIP
"""

from __future__ import annotations

__all__ = ["say"]


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
    try:
        from IPython import get_ipython
        from IPython.display import Markdown, display
    except ImportError:  # plain Python: print the text as it is
        print(text)
        return
    if get_ipython() is None:
        print(text)
    else:
        display(Markdown(text))
