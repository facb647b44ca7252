"""A table cell with no value reads "–", not pandas' ``NaN``.

pandas writes a missing value as ``<td>NaN</td>`` in a DataFrame's HTML. In the book such
a cell means "not applicable" (the accuracy of the mean image, PCA where a code of that
size copies the input exactly), so the page shows a dash, with "no value" as its tooltip.
The stored notebooks keep pandas' own output.

Examples
--------
>>> dash_missing_cells('<tr><td>0.5</td><td>NaN</td></tr>')
'<tr><td>0.5</td><td class="missing" title="no value">–</td></tr>'
"""

from __future__ import annotations

import re

MISSING = re.compile(r"<td>(?:NaN|nan|None|&lt;NA&gt;)</td>")


def dash_missing_cells(html: str) -> str:
    """Replace every table cell holding only a missing-value marker by a dash."""
    return MISSING.sub('<td class="missing" title="no value">–</td>', html)


def _on_page(app, pagename, templatename, context, doctree) -> None:
    if "body" in context:
        context["body"] = dash_missing_cells(context["body"])


def setup(app):
    app.connect("html-page-context", _on_page)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
