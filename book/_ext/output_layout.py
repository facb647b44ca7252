"""Let each text output of a notebook fit its column: sentences wrap, aligned text scrolls.

A printed sentence that runs past the column must wrap (a reader on a phone cannot scroll
it); text laid out in aligned columns (a printed table, a NumPy array) must keep its
columns and scroll inside its own box. CSS cannot tell the two apart, so at build time
every text output gets the class ``output-wrap`` or ``output-table``, and
``book/_static/book.css`` styles them.

Examples
--------
>>> looks_tabular("train 2000, validation 500 sequences; early stopping after 5 epochs")
False
>>> looks_tabular("  layers  bidirectional  params\\n0      1          False    4608\\n")
True
"""

from __future__ import annotations

import re

from docutils import nodes

ALIGNED = re.compile(r"\S {2,}\S")  # two or more spaces between words: a column gap
MIN_ALIGNED_LINES = 2


def looks_tabular(text: str) -> bool:
    """Whether ``text`` is laid out in aligned columns (at least two lines with column gaps)."""
    lines = text.splitlines()
    return sum(bool(ALIGNED.search(line)) for line in lines) >= MIN_ALIGNED_LINES


def classify_outputs(app, doctree: nodes.document, docname: str) -> None:
    # after the post-transforms, when myst-nb has chosen each output's MIME type
    for block in doctree.findall(nodes.literal_block):
        if "output" in block["classes"]:
            block["classes"].append(
                "output-table" if looks_tabular(block.astext()) else "output-wrap")


def setup(app):
    app.connect("doctree-resolved", classify_outputs)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
