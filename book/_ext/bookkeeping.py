"""Leave the notebooks' bookkeeping out of the book: the set-up banner and the lines that
:func:`helpers.book.report.bookkeeping` marks.

A reader running a notebook wants to see the run's settings and "recorded 4 results"; a
reader of the book does not. Two kinds of output are dropped from the rendered page (the
notebook keeps them):

- every output of the set-up cell, the code cell that calls ``setup_notebook(``
  (whatever its stored outputs look like, so notebooks run before the marker existed are
  covered too);
- every HTML output that holds ``BOOKKEEPING_CLASS``.

A cell left with no output keeps its input (hidden or not, as its tags say).

Examples
--------
>>> from docutils import nodes
>>> cell = nodes.container(classes=["cell"])
>>> cell += nodes.container("", nodes.literal_block(text="run = setup_notebook(seed=0)"),
...                         classes=["cell_input"])
>>> cell += nodes.container("", nodes.literal_block(text="mode: standard"),
...                         classes=["cell_output"])
>>> drop_bookkeeping(cell); [child["classes"] for child in cell.children]
[['cell_input']]
"""

from __future__ import annotations

from docutils import nodes

from helpers.book.report import BOOKKEEPING_CLASS

SETUP_CALL = "setup_notebook("


def _has(node: nodes.Element, css_class: str) -> bool:
    return css_class in node.get("classes", [])


def drop_bookkeeping(doctree: nodes.Element) -> None:
    """Remove the set-up cell's outputs and every marked output from ``doctree``."""
    for cell in list(doctree.findall(lambda n: isinstance(n, nodes.container)
                                     and _has(n, "cell"))):
        # a hidden input sits inside myst-nb's fold, not directly in the cell
        inputs = cell.findall(lambda n: isinstance(n, nodes.Element) and _has(n, "cell_input"))
        if any(SETUP_CALL in i.astext() for i in inputs):
            for output in list(cell.findall(lambda n: isinstance(n, nodes.Element)
                                            and _has(n, "cell_output"))):
                output.parent.remove(output)
    for raw in list(doctree.findall(nodes.raw)):
        if BOOKKEEPING_CLASS in raw.astext():
            _remove_up_to_output(raw)


def _remove_up_to_output(node: nodes.Node) -> None:
    """Remove ``node``, then each parent it leaves empty, up to the cell's output box."""
    while node.parent is not None:
        parent = node.parent
        parent.remove(node)
        if parent.children or _has(parent, "cell"):
            return
        node = parent


def _on_resolved(app, doctree: nodes.document, docname: str) -> None:
    # after the post-transforms: myst-nb has chosen each output's MIME type by now
    drop_bookkeeping(doctree)


def setup(app):
    app.connect("doctree-resolved", _on_resolved)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
