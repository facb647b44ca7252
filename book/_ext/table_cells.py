"""Tables that notebooks print, as the page shows them: no ``NaN``, no column name that
cannot wrap.

- pandas writes a missing value as ``<td>NaN</td>``. In the book such a cell means "not
  applicable" (the accuracy of the mean image, PCA where a code of that size copies the
  input exactly), so the page shows a dash, with "no value" as its tooltip.
- A column name such as ``precision_high`` is one word to a browser: a table of several
  of them is wider than a laptop's column. A line-break opportunity (``<wbr>``) after
  each underscore of a header lets it wrap there, and nowhere inside a plain word.

The stored notebooks keep pandas' own output.

Examples
--------
>>> dash_missing_cells('<tr><td>0.5</td><td>NaN</td></tr>')
'<tr><td>0.5</td><td class="missing" title="no value">–</td></tr>'
>>> break_after_underscores('<th>precision_high</th><td>a_b</td>')
'<th>precision_<wbr>high</th><td>a_b</td>'
"""

from __future__ import annotations

import re

MISSING = re.compile(r"<td>(?:NaN|nan|None|&lt;NA&gt;)</td>")
HEADER = re.compile(r"(<th[^>]*>)([^<]*_[^<]*)(</th>)")


def dash_missing_cells(html: str) -> str:
    """Replace every table cell holding only a missing-value marker by a dash."""
    return MISSING.sub('<td class="missing" title="no value">–</td>', html)


def break_after_underscores(html: str) -> str:
    """Let every header cell's text wrap after its underscores."""
    return HEADER.sub(lambda m: m[1] + m[2].replace("_", "_<wbr>") + m[3], html)


def _on_page(app, pagename, templatename, context, doctree) -> None:
    if "body" in context:
        context["body"] = break_after_underscores(dash_missing_cells(context["body"]))


def setup(app):
    app.connect("html-page-context", _on_page)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
