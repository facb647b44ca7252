"""A reading path and launch links on each chapter page: read the chapter's notebooks in
the book, open them in Colab or Binder, or read them on GitHub.

A chapter page introduces its notebooks, which are the chapter itself; below its title
and again at its end, a "Read the chapter" link leads to them inside the book.

The theme's launch button appears on notebook pages only, while the introduction promises
one at the top of every chapter. This extension adds, below the title of each page whose
``_toc.yml`` sections are notebooks, one line of plain links per notebook, built from
``repository`` and ``launch_buttons`` in ``_config.yml``: no third-party images, no
address typed twice.

Examples
--------
>>> launch_urls("nb/ch1.ipynb", {
...     "repository_url": "https://github.com/org/book", "repository_branch": "main",
...     "launch_buttons": {"colab_url": "https://colab.research.google.com"}})[0]
('Open in Colab', 'https://colab.research.google.com/github/org/book/blob/main/nb/ch1.ipynb')
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from book_toc import chapter_pages
from docutils import nodes
from sphinx import addnodes
from sphinx.util import logging

logger = logging.getLogger(__name__)


def launch_urls(path: str, options: dict) -> list[tuple[str, str]]:
    """``(label, url)`` for a notebook at ``path`` in the repository, from the theme options
    jupyter-book passes to Sphinx (``repository_url``, ``launch_buttons``, ...)."""
    repository = (options.get("repository_url") or "").rstrip("/")
    if not repository.startswith("https://github.com/"):
        return []
    org_repo = repository.removeprefix("https://github.com/")
    branch = options.get("repository_branch") or "main"
    launch = options.get("launch_buttons") or {}
    urls = []
    if launch.get("colab_url"):
        colab = launch["colab_url"].rstrip("/")
        urls.append(("Open in Colab", f"{colab}/github/{org_repo}/blob/{branch}/{path}"))
    if launch.get("binderhub_url"):
        binder = launch["binderhub_url"].rstrip("/")
        ui = "lab/tree" if launch.get("notebook_interface") == "jupyterlab" else "tree"
        urls.append(("Launch Binder", f"{binder}/v2/gh/{org_repo}/{branch}?urlpath={ui}/{path}"))
    urls.append(("View on GitHub", f"{repository}/blob/{branch}/{path}"))
    return urls


def _notebooks_of_chapters(app, env, docnames) -> None:
    toc = Path(app.srcdir) / getattr(app.config, "external_toc_path", "_toc.yml")
    found = app.env.found_docs
    app.env.lstmbook_chapter_notebooks = {
        chapter: [page for page in pages
                  if page in found and Path(app.env.doc2path(page)).suffix == ".ipynb"]
        for chapter, pages in (chapter_pages(toc).items() if toc.is_file() else [])
    }


def add_launch_links(app, doctree: nodes.document) -> None:
    notebooks = getattr(app.env, "lstmbook_chapter_notebooks", {}).get(app.env.docname)
    if not notebooks:
        return
    options = app.config.html_theme_options or {}
    prefix = PurePosixPath(options.get("path_to_docs") or "")
    box = nodes.container(classes=["launch-links"])
    box += _read_links(notebooks, ["read-chapter"])
    run = nodes.paragraph("", "", nodes.strong(
        text="Run this chapter's notebook" + ("s" if len(notebooks) > 1 else "") + ":"))
    box += run
    for number, page in enumerate(notebooks, start=1):
        urls = launch_urls(str(prefix / f"{page}.ipynb"), options)
        if not urls:
            logger.warning("launch links: no GitHub repository_url in _config.yml",
                           location=app.env.docname)
            return
        row = run
        if len(notebooks) > 1:  # one line per part, numbered as in the list above
            row = nodes.paragraph("", f"Part {number}:")
            box += row
        for i, (label, url) in enumerate(urls):
            row += nodes.Text(" · " if i else " ")
            row += nodes.reference("", label, refuri=url)
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None or not isinstance(section[0], nodes.title):
        logger.warning("launch links: the chapter page has no title", location=app.env.docname)
        return
    section.insert(1, box)
    section += nodes.container("", *_read_links(notebooks, ["read-chapter", "read-chapter-end"]),
                               classes=["read-chapter-box"])


def _read_links(notebooks: list[str], classes: list[str]) -> list[nodes.Node]:
    """"Read the chapter: <title> →", or that line and a numbered list of the parts."""
    def link(page: str) -> addnodes.pending_xref:
        xref = addnodes.pending_xref("", refdomain="std", reftype="doc", reftarget=f"/{page}",
                                     refexplicit=False, refwarn=True)
        xref += nodes.inline(text=page)
        return xref

    line = nodes.paragraph(classes=classes)
    line += nodes.strong(text="Read the chapter:")
    if len(notebooks) == 1:
        line += [nodes.Text(" "), link(notebooks[0]), nodes.Text(" →")]
        return [line]
    parts = nodes.enumerated_list(enumtype="arabic", prefix="", suffix=".",
                                  classes=["read-chapter-parts"])
    for page in notebooks:
        parts += nodes.list_item("", nodes.paragraph("", "", link(page)))
    return [line, parts]


def setup(app):
    app.connect("env-before-read-docs", _notebooks_of_chapters)
    app.connect("doctree-read", add_launch_links)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
