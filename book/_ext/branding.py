"""The sidebar's brand: the book's logo beside its title (``title`` in ``_config.yml``).

With a logo, pydata-sphinx-theme shows only the image unless its ``logo.text`` option is
set; jupyter-book writes the theme's options itself, so this extension adds the text
there, from the one place the title is written. The logo is drawn by ``book/logo.py``.
"""

from __future__ import annotations


def add_title(app, config) -> None:
    options = config.html_theme_options = dict(config.html_theme_options or {})
    logo = options["logo"] = dict(options.get("logo") or {})
    logo.setdefault("text", config.html_title or config.project)
    logo.setdefault("alt_text", "")  # the title beside the image says it all


def setup(app):
    app.connect("config-inited", add_title)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
