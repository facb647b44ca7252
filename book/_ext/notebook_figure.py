"""Sphinx directive ``notebook-figure``: show a figure of a chapter on another page, taken
from the notebook's stored outputs at every build (so it follows each re-run).

Usage, e.g. for a teaser on the landing page::

    ```{notebook-figure} notebooks/03_bitcoin_minute_forecasting.ipynb
    :figure: fig-ch3-tutorial-plot
    :name: fig-teaser
    ```

``:figure:`` is the ``mystnb.figure.name`` of the notebook's figure cell; the caption and
alt text come from that cell's metadata, followed by a link to the notebook. ``:name:``
labels the new figure (it is numbered like any other). The PNG is written to
``_build/.cache/notebook-figures/`` and shown at half its pixel size, as myst-nb shows a
notebook's retina figures.

Examples
--------
>>> cell = {"cell_type": "code", "metadata": {"mystnb": {"figure": {"name": "fig-a"}}},
...         "outputs": [{"output_type": "display_data", "data": {"image/png": "iVBORw=="}}]}
>>> find_figure({"cells": [cell]}, "fig-a") is cell
True
"""

from __future__ import annotations

import base64
import hashlib
import json
import struct
from pathlib import Path
from typing import ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx import addnodes
from sphinx.util.docutils import SphinxDirective

CACHE = ("_build", ".cache", "notebook-figures")


def find_figure(notebook: dict, name: str) -> dict | None:
    """The code cell whose ``mystnb.figure.name`` is ``name``, or None."""
    for cell in notebook.get("cells", []):
        figure = cell.get("metadata", {}).get("mystnb", {}).get("figure", {})
        if cell.get("cell_type") == "code" and figure.get("name") == name:
            return cell
    return None


class NotebookFigure(SphinxDirective):
    required_arguments = 1
    option_spec: ClassVar[dict] = {"figure": directives.unchanged_required,
                                   "name": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        source = Path(self.env.srcdir) / self.arguments[0]
        name = self.options.get("figure", "")
        if not source.is_file():
            raise self.error(f"notebook-figure: no notebook at {source}")
        self.env.note_dependency(str(source))
        cell = find_figure(json.loads(source.read_text(encoding="utf-8")), name)
        pngs = [o["data"]["image/png"] for o in (cell or {}).get("outputs", [])
                if "image/png" in o.get("data", {})]
        if not pngs:
            raise self.error(f"notebook-figure: {source.name} has no figure cell named "
                             f"{name!r} with a stored PNG (run the notebook, or fix :figure:)")
        png = base64.b64decode(pngs[0])
        target = Path(self.env.srcdir).joinpath(*CACHE) / (
            hashlib.sha256(png).hexdigest()[:32] + ".png")
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.is_file():
            target.write_bytes(png)
        width, height = struct.unpack(">II", png[16:24])  # from the PNG's IHDR chunk
        meta = cell["metadata"]["mystnb"]
        image = nodes.image(
            uri="/" + target.relative_to(self.env.srcdir).as_posix(),
            alt=meta.get("image", {}).get("alt", ""),
            width=f"{width // 2}px", height=f"{height // 2}px",
        )
        figure = nodes.figure("", image, classes=["notebook-figure"])
        caption = nodes.caption(text=meta["figure"].get("caption", "").rstrip() + " From ")
        link = addnodes.pending_xref("", refdomain="std", reftype="doc",
                                     reftarget="/" + str(Path(self.arguments[0]).with_suffix("")),
                                     refexplicit=False, refwarn=True)
        link += nodes.inline(text=self.arguments[0])
        caption += [link, nodes.Text(".")]
        figure += caption
        self.set_source_info(figure)
        self.add_name(figure)  # the :name: option, if any, labels the figure
        return [figure]


def setup(app):
    app.add_directive("notebook-figure", NotebookFigure)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
