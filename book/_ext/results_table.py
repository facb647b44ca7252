"""Sphinx directive ``results-table``: the Results page, built from ``book/results/*.json``
at every build so no number on it is typed by hand.

For each chapter, in the order of ``_toc.yml``: a heading that links to the chapter; for
each of its notebooks a line with the notebook (linked), the mode and date of the run, its
run time and its data set; then one table of comparisons, one row per model against its
baseline (ratio with its 95% interval, verdict, seeds, the training budget), and one
compact table of the other numbers. Fields a result file lacks are left out, so older and
newer files render alike. On narrow screens each row becomes a card
(``book/_static/book.css``).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from book_toc import read_toc
from docutils import nodes
from results_text import duration_text, ratio_text, readable_note, training_text
from sphinx import addnodes
from sphinx.util.docutils import SphinxDirective

from helpers.results import Result, format_value, load_results

RESULTS_FOLDER = ("book", "results")
RUN_TIME = "notebook run time"  # the name helpers.book.notebooks records it under
COMPARISON_COLUMNS = (  # (heading, cell class, relative width)
    ("Comparison", "rt-name", 34),
    ("Ratio (95% interval)", "rt-ratio", 20),
    ("Verdict", "rt-verdict", 13),
    ("Seeds", "rt-seeds", 7),
    ("Training", "rt-training", 26),
)
#: What a verdict is about (``helpers.comparison.SCOPES``), as the Verdict cell says it.
SCOPE_TEXT = {"networks": "these trained models", "recipe": "the recipe"}
RESULT_COLUMNS = (
    ("Result", "rt-name", 42),
    ("Value", "rt-value", 18),
    ("Note", "rt-note", 40),
)


class ResultsTable(SphinxDirective):
    """Every recorded result, grouped by chapter (see the module docstring)."""

    def run(self) -> list[nodes.Node]:
        folder = Path(self.env.srcdir).joinpath(*RESULTS_FOLDER)
        for path in sorted(folder.glob("*.json")):
            self.env.note_dependency(str(path))  # rebuild the page when a result changes
        try:
            results = load_results(folder)
        except (OSError, ValueError, TypeError, KeyError) as error:
            raise self.error(
                f"results-table: cannot read the result files in {folder}: {error} "
                "(re-run the notebook that wrote the broken file, or fix its JSON)"
            ) from error
        if not results:
            return [nodes.paragraph(text="No results have been recorded yet.")]
        output: list[nodes.Node] = []
        for chapter, notebooks in self._chapters(results):
            output.append(_chapter_heading(chapter))
            for notebook, entries in notebooks:
                output += _notebook_block(notebook, entries)
        return output

    def _chapters(
        self, results: list[Result],
    ) -> list[tuple[str, list[tuple[str, list[Result]]]]]:
        """``[(chapter page, [(notebook, its results), ...]), ...]`` in reading order."""
        by_notebook: dict[str, list[Result]] = {}
        for result in results:
            by_notebook.setdefault(result.notebook, []).append(result)
        toc_name = getattr(self.config, "external_toc_path", "_toc.yml")
        toc_path = Path(self.env.srcdir) / toc_name
        toc = read_toc(toc_path) if toc_path.is_file() else []
        order = {entry.page: i for i, entry in enumerate(toc)}
        chapter_of = {entry.page: entry.chapter for entry in toc}
        chapters: dict[str, list[tuple[str, list[Result]]]] = {}
        # notebooks missing from the table of contents come last, under their own name
        for notebook in sorted(by_notebook, key=lambda n: order.get(f"notebooks/{n}", len(order))):
            page = f"notebooks/{notebook}"
            chapters.setdefault(chapter_of.get(page, page), []).append(
                (notebook, by_notebook[notebook]))
        return list(chapters.items())


def _doc_link(page: str) -> addnodes.pending_xref:
    """A link to a page, titled with that page's title (a missing page warns)."""
    link = addnodes.pending_xref(
        "", refdomain="std", reftype="doc", reftarget=f"/{page}",
        refexplicit=False, refwarn=True,
    )
    link += nodes.inline(text=page)
    return link


def _chapter_heading(chapter: str) -> nodes.rubric:
    heading = nodes.rubric(
        "", "", _doc_link(chapter), classes=["results-chapter"],
        ids=[nodes.make_id(f"results-{Path(chapter).name}")],
    )
    # an <h2>: Sphinx reads "heading-level", MyST's override of the rubric writer "level"
    heading["heading-level"] = heading["level"] = 2
    return heading


def _notebook_block(notebook: str, entries: list[Result]) -> list[nodes.Node]:
    run_time = [e for e in entries if e.name == RUN_TIME]
    entries = [e for e in entries if e.name != RUN_TIME]
    dataset = _main_dataset(entries)
    block: list[nodes.Node] = [_notebook_line(notebook, entries + run_time, run_time, dataset)]
    comparisons = [e for e in entries if e.baseline]
    others = [e for e in entries if not e.baseline]
    if comparisons:
        block.append(_table(
            COMPARISON_COLUMNS, [_comparison_cells(e, dataset) for e in comparisons],
            "results-comparisons",
        ))
    if others:
        columns = RESULT_COLUMNS
        rows = [_result_cells(e, dataset) for e in others]
        if not any(row[2] for row in rows):  # no notes at all: no empty column
            columns, rows = columns[:2], [row[:2] for row in rows]
        block.append(_table(columns, rows, "results-values"))
    return block


def _main_dataset(entries: list[Result]) -> str:
    """The data set most entries name: said once above the tables, not in every row."""
    names = [e.dataset for e in entries if e.dataset]
    return max(dict.fromkeys(names), key=names.count) if names else ""


def _notebook_line(
    notebook: str, entries: list[Result], run_time: list[Result], dataset: str,
) -> nodes.paragraph:
    line = nodes.paragraph(classes=["results-notebook"])
    line += nodes.Text("Notebook: ")
    line += _doc_link(f"notebooks/{notebook}")
    modes = ", ".join(sorted({e.mode for e in entries if e.mode}))
    dates = ", ".join(sorted({e.date for e in entries if e.date}))
    facts = [f"{modes} mode" if modes else "", dates]
    if run_time:
        where = f" ({run_time[-1].note})" if run_time[-1].note else ""
        facts.append(f"run time {duration_text(run_time[-1].value)}{where}")
    facts.append(f"data: {dataset}" if dataset else "")
    line += nodes.Text("".join(f" · {fact}" for fact in facts if fact))
    return line


def _comparison_cells(entry: Result, dataset: str) -> tuple[nodes.Node, ...]:
    name = nodes.paragraph()
    name += nodes.strong(text=entry.name)
    if entry.baseline.lower() not in entry.name.lower():
        name += nodes.Text(f" against {entry.baseline}")
    unit = entry.unit if entry.unit.endswith("ratio") else ""  # else shown with the value
    details = _details(unit, readable_note(entry.note), _other_dataset(entry, dataset))
    if details:
        name += nodes.Text(" ")
        name += nodes.inline(text=details, classes=["rt-detail"])
    verdict = nodes.paragraph()
    if entry.verdict:
        slug = "unclear" if entry.verdict not in ("better", "worse") else entry.verdict
        verdict += nodes.inline(text=entry.verdict, classes=["verdict", f"verdict-{slug}"])
    if entry.scope:
        verdict += nodes.inline(text=SCOPE_TEXT.get(entry.scope, entry.scope),
                                classes=["rt-detail"])
    # an exact side leaves no ratio: the model's own loss is shown, with its unit
    value = (ratio_text(entry.value, entry.ci) if entry.unit.endswith("ratio")
             else f"{format_value(entry.value)} {entry.unit}")
    return (
        name,
        nodes.paragraph(text=value),
        verdict,
        nodes.paragraph(text=str(entry.seeds) if entry.seeds else ""),
        nodes.paragraph(text=training_text(entry.training)),
    )


def _result_cells(entry: Result, dataset: str) -> tuple[nodes.Node, nodes.Node, str]:
    value = format_value(entry.value) + (f" {entry.unit}" if entry.unit else "")
    note = _details(readable_note(entry.note), training_text(entry.training),
                    _other_dataset(entry, dataset))
    return (
        nodes.paragraph(text=entry.name),
        nodes.paragraph(text=value),
        note,
    )


def _other_dataset(entry: Result, dataset: str) -> str:
    return f"data: {entry.dataset}" if entry.dataset and entry.dataset != dataset else ""


def _details(*parts: str) -> str:
    return "; ".join(p for p in parts if p)


def _table(
    columns: tuple[tuple[str, str, int], ...], rows: Iterable[tuple[nodes.Node | str, ...]],
    kind: str,
) -> nodes.table:
    group = nodes.tgroup(cols=len(columns))
    group += [nodes.colspec(colwidth=width) for _, _, width in columns]
    head, body = nodes.thead(), nodes.tbody()
    head += _row([heading for heading, _, _ in columns], columns)
    body += [_row(cells, columns) for cells in rows]
    group += [head, body]
    table = nodes.table(classes=["results-table", kind])
    table += group
    return table


def _row(cells: Iterable[nodes.Node | str], columns: tuple[tuple[str, str, int], ...]) -> nodes.row:
    row = nodes.row()
    for cell, (_, css_class, _) in zip(cells, columns, strict=True):
        entry = nodes.entry(classes=[css_class])
        entry += cell if isinstance(cell, nodes.Node) else nodes.paragraph(text=cell)
        row += entry
    return row


def setup(app):
    app.add_directive("results-table", ResultsTable)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
