"""Every image of the book loads lazily (``loading="lazy"``), so a phone fetches a
chapter's figures as the reader scrolls to them, not all at once.

Each figure also stays linked to its full-size file (tap to enlarge): Sphinx does that for
every image drawn at a size other than its own (``html_scaled_image_link``), which is how
myst-nb writes notebook figures; the browser check makes sure no figure lacks its link.
"""

from __future__ import annotations

from docutils import nodes


def lazy(app, doctree: nodes.document, docname: str) -> None:
    for image in doctree.findall(nodes.image):
        image.setdefault("loading", "lazy")


def setup(app):
    app.connect("doctree-resolved", lazy)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
