"""Lets the single-page build (``--builder singlehtml``, the source of the book's PDF) draw
myst-nb's hidden-cell toggles.

myst-nb registers how to write its ``HideCodeCellNode`` for the ``html`` builder only.
Sphinx falls back from a builder's name to its format (``html``) only while no extension
has registered anything under that name, and sphinx-exercise registers its nodes under
``singlehtml``: so the single-page build stops at the first hidden cell. Registering
myst-nb's own writer under ``singlehtml`` too gives that page the same ``<details>``
toggles as the chapter pages.
"""

from __future__ import annotations


def setup(app):
    from myst_nb.sphinx_ import HideCodeCellNode, depart_HideCellInput, visit_HideCellInput

    handlers = (visit_HideCellInput, depart_HideCellInput)
    app.add_node(HideCodeCellNode, override=True, html=handlers, singlehtml=handlers)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
