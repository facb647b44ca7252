"""Inline code breaks between words, never inside a short one.

Sphinx writes each word of inline code as ``<span class="pre">``. On a phone a line must
break somewhere, and the book's CSS lets inline code wrap; but a browser also breaks after
a hyphen, which tears ``--hidden-size`` into ``--`` and ``hidden-size``. So short words
keep together (class ``pre`` stays ``white-space: nowrap``), and only words longer than
``LONG_WORD`` characters (a dotted path that alone is wider than a phone's column) get
the class ``pre-long``, which may break anywhere (``book/_static/book.css``).

Examples
--------
>>> mark_long_words('<code class="docutils literal"><span class="pre">--lr</span> '
...                 '<span class="pre">helpers.autoencoders.experiments.registry</span></code>')
'<code class="docutils literal"><span class="pre">--lr</span> <span class="pre pre-long">\
helpers.autoencoders.experiments.registry</span></code>'
"""

from __future__ import annotations

import re

LONG_WORD = 28  # characters; about 240 px of code text, most of a phone's column
WORD = re.compile(r'<span class="pre">([^<]{' + str(LONG_WORD + 1) + r',})</span>')


def mark_long_words(html: str) -> str:
    """Give every inline-code word longer than ``LONG_WORD`` characters the class
    ``pre-long`` (HTML entities count as their characters' spelling: close enough)."""
    return WORD.sub(r'<span class="pre pre-long">\1</span>', html)


def _on_page(app, pagename, templatename, context, doctree) -> None:
    if "body" in context:
        context["body"] = mark_long_words(context["body"])


def setup(app):
    app.connect("html-page-context", _on_page)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
