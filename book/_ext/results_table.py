"""Sphinx directive ``results-table``: the Results page's table, built from
``book/results/*.json`` at every build so no number on it is typed by hand."""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import Directive

from helpers.results import format_value, load_results

COLUMNS = ("Chapter", "Result", "Value", "Unit", "Data set", "Mode", "Date")
WIDTHS = (14, 30, 10, 8, 18, 8, 10)


class ResultsTable(Directive):
    """Render every recorded result as one table, grouped by notebook."""

    def run(self) -> list[nodes.Node]:
        env = self.state.document.settings.env
        folder = Path(env.srcdir) / "book" / "results"
        for path in folder.glob("*.json"):
            env.note_dependency(str(path))  # rebuild the page when a result changes
        rows = [
            (r.notebook, r.name + (f" ({r.note})" if r.note else ""), format_value(r.value),
             r.unit, r.dataset, r.mode, r.date)
            for r in load_results(folder)
        ]
        if not rows:
            return [nodes.paragraph(text="No results have been recorded yet.")]
        return [_table(COLUMNS, rows)]


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> nodes.table:
    group = nodes.tgroup(cols=len(header))
    group += [nodes.colspec(colwidth=width) for width in WIDTHS]
    head, body = nodes.thead(), nodes.tbody()
    head += _row(header)
    body += [_row(row) for row in rows]
    group += [head, body]
    table = nodes.table(classes=["results-table"])
    table += group
    return table


def _row(cells: tuple[str, ...]) -> nodes.row:
    row = nodes.row()
    for text in cells:
        entry = nodes.entry()
        entry += nodes.paragraph(text=text)
        row += entry
    return row


def setup(app):
    app.add_directive("results-table", ResultsTable)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
