"""Serve MathJax from the built book, not from a CDN.

Readers offline, or behind a filter that blocks the CDN, would otherwise see raw TeX.
``mathjax_path`` (in ``_config.yml``) names the entry script relative to ``_static``,
e.g. ``mathjax/tex-mml-chtml.js``; ``local_mathjax_dir`` names the ``es5/`` folder of the
official ``mathjax@3`` npm package (``make mathjax`` unpacks it). After each HTML build
that folder is copied to ``_static/mathjax/`` with the package's licence beside it.

MathJax (over 1 MB) loads only on pages that have math of their own. Sphinx also loads it
on every page whose table of contents includes a page with math (the landing page, the
chapter pages), where nothing needs it: :func:`drop_where_unused` takes it off those.
"""

from __future__ import annotations

import shutil
from pathlib import Path, PurePosixPath

from sphinx.errors import ConfigError


def _folders(app) -> tuple[Path, PurePosixPath]:
    """The package's es5 folder and the entry script's path below ``_static``."""
    path = app.config.mathjax_path or ""
    entry = PurePosixPath(path)
    if "://" in path or path.startswith("/") or len(entry.parts) < 2:
        raise ConfigError(
            f"mathjax_path {path!r}: with local_mathjax_dir set it must name the "
            "entry script inside a folder of _static, e.g. 'mathjax/tex-mml-chtml.js'"
        )
    if not app.config.local_mathjax_dir:
        raise ConfigError("local_mathjax_dir is empty: set it to the es5/ folder of the "
                          "mathjax@3 npm package (see _config.yml)")
    return Path(app.srcdir) / app.config.local_mathjax_dir, entry


def check_package(app) -> None:
    if app.builder.format != "html":
        return
    source, entry = _folders(app)
    if not (source / entry.name).is_file():
        raise ConfigError(
            f"local_mathjax_dir: no MathJax at {source} ({entry.name} missing). Run "
            "`make mathjax` (it unpacks the official mathjax@3 npm package there), or point "
            "local_mathjax_dir in _config.yml at an unpacked copy of its es5/ folder."
        )


def copy_package(app, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    source, entry = _folders(app)
    target = Path(app.outdir, "_static", *entry.parent.parts)
    shutil.copytree(source, target, dirs_exist_ok=True)
    licence = source.parent / "LICENSE"  # Apache 2.0: the licence travels with the copy
    if licence.is_file():
        shutil.copy2(licence, target / "LICENSE")


def drop_where_unused(app, pagename, templatename, context, doctree) -> None:
    """Take MathJax and its configuration off a page without math of its own."""
    scripts = context.get("script_files")
    if not scripts or doctree is None or _has_math(doctree):
        return
    entry = PurePosixPath(app.config.mathjax_path or "").name
    scripts[:] = [s for s in scripts if not (
        (entry and (s.filename or "").endswith(entry))
        or "MathJax" in (s.attributes.get("body") or ""))]


def _has_math(doctree) -> bool:
    from docutils import nodes

    return any(True for _ in doctree.findall(lambda n: isinstance(n, (nodes.math,
                                                                      nodes.math_block))))


def setup(app):
    app.add_config_value("local_mathjax_dir", "", "html", types=[str])
    app.connect("builder-inited", check_package)
    app.connect("build-finished", copy_package)
    # after sphinx.ext.mathjax has added its scripts (priority 500)
    app.connect("html-page-context", drop_where_unused, priority=800)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
