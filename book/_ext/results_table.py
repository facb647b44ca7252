"""Sphinx directive ``results-table``: the Results page's tables, built from
``book/results/*.json`` at every build so no number on it is typed by hand."""

from __future__ import annotations

from itertools import groupby
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import Directive
from sphinx import addnodes

from helpers.results import Result, format_value, load_results

COLUMNS = ("Result", "Value", "Unit", "Note")
WIDTHS = (40, 12, 8, 40)


class ResultsTable(Directive):
    """One table per chapter notebook, headed by a link to the chapter."""

    def run(self) -> list[nodes.Node]:
        env = self.state.document.settings.env
        folder = Path(env.srcdir) / "book" / "results"
        for path in folder.glob("*.json"):
            env.note_dependency(str(path))  # rebuild the page when a result changes
        results = load_results(folder)
        if not results:
            return [nodes.paragraph(text="No results have been recorded yet.")]
        output: list[nodes.Node] = []
        for notebook, group in groupby(results, key=lambda r: r.notebook):
            entries = list(group)
            output += [_heading(notebook, entries), _table(entries)]
        return output


def _heading(notebook: str, entries: list[Result]) -> nodes.paragraph:
    link = addnodes.pending_xref(
        "", refdomain="std", reftype="doc", reftarget=f"/notebooks/{notebook}",
        refexplicit=False, refwarn=True,
    )
    link += nodes.literal(text=notebook)
    modes = ", ".join(sorted({e.mode for e in entries}))
    dates = ", ".join(sorted({e.date for e in entries}))
    # one chapter mostly uses one data set: naming it once keeps the table narrow
    datasets = "; ".join(dict.fromkeys(e.dataset for e in entries if e.dataset))
    heading = nodes.paragraph()
    heading += nodes.strong("", "", link)
    heading += nodes.Text(f" (recorded in {modes} mode, {dates})")
    if datasets:
        heading += nodes.Text(f". Data: {datasets}.")
    return heading


def _table(entries: list[Result]) -> nodes.table:
    group = nodes.tgroup(cols=len(COLUMNS))
    group += [nodes.colspec(colwidth=width) for width in WIDTHS]
    head, body = nodes.thead(), nodes.tbody()
    head += _row(COLUMNS)
    body += [
        _row((e.name, format_value(e.value), e.unit, e.note)) for e in entries
    ]
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
