"""Sphinx directive ``results-table``: the Results page, built from ``book/results/*.json``
at every build so no number on it is typed by hand.

For each chapter, in the order of ``_toc.yml``: a heading that links to the chapter; for
each of its notebooks a line with the notebook (linked), the mode and date of the run, its
run time and its data set; then one table of comparisons, one row per model against its
baseline (ratio with its 95% interval, verdict, seeds, the training budget), and one
compact table of the other numbers. In every table:

- a ratio and its interval share one number format (``results_text.numbers_text``);
- accuracies (unit ``accuracy``) get a column of their own, as percentages;
- a comparison with a practically exact side (``helpers.results.record_comparison`` then
  records the model's own loss, a unit that is not a ratio, and a note that says who is
  exact) shows "practically exact" where the ratio would be;
- a note shared by several rows is said once, in a fold below the table, and each of
  those rows carries its letter.

Fields a result file lacks are left out, so older and newer files render alike. On
narrow screens each row becomes a card (``book/_static/book.css``).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from book_toc import read_toc
from docutils import nodes
from results_text import (
    duration_text,
    ratio_text,
    readable_note,
    training_text,
    value_text,
)
from sphinx import addnodes
from sphinx.util.docutils import SphinxDirective

from helpers.results import Result, load_results

RESULTS_FOLDER = ("book", "results")
RUN_TIME = "notebook run time"  # the name helpers.book.notebooks records it under
EXACT = "practically exact"  # what helpers.results.record_comparison writes into the note
ACCURACY = "accuracy"
#: What a verdict is about (``helpers.comparison.SCOPES``), as the Verdict cell says it.
SCOPE_TEXT = {"networks": "these trained models", "recipe": "the recipe"}
Chapters = list[tuple[str, list[tuple[str, list[Result]]]]]


def book_results(directive: SphinxDirective) -> Chapters:
    """Every recorded result as ``[(chapter page, [(notebook, its results), ...]), ...]``,
    in reading order; notebooks missing from the table of contents come last."""
    folder = Path(directive.env.srcdir).joinpath(*RESULTS_FOLDER)
    for path in sorted(folder.glob("*.json")):
        directive.env.note_dependency(str(path))  # rebuild the page when a result changes
    try:
        results = load_results(folder)
    except (OSError, ValueError, TypeError, KeyError) as error:
        raise directive.error(
            f"{directive.name}: cannot read the result files in {folder}: {error} "
            "(re-run the notebook that wrote the broken file, or fix its JSON)"
        ) from error
    by_notebook: dict[str, list[Result]] = {}
    for result in results:
        by_notebook.setdefault(result.notebook, []).append(result)
    toc_name = getattr(directive.config, "external_toc_path", "_toc.yml")
    toc_path = Path(directive.env.srcdir) / toc_name
    toc = read_toc(toc_path) if toc_path.is_file() else []
    order = {entry.page: i for i, entry in enumerate(toc)}
    chapter_of = {entry.page: entry.chapter for entry in toc}
    chapters: dict[str, list[tuple[str, list[Result]]]] = {}
    for notebook in sorted(by_notebook, key=lambda n: order.get(f"notebooks/{n}", len(order))):
        page = f"notebooks/{notebook}"
        chapters.setdefault(chapter_of.get(page, page), []).append(
            (notebook, by_notebook[notebook]))
    return list(chapters.items())


def section_id(chapter: str) -> str:
    """The id of a chapter's heading on the Results page."""
    return nodes.make_id(f"results-{Path(chapter).name}")


def is_exact(entry: Result) -> bool:
    """A comparison without a ratio: one side has practically no error."""
    return EXACT in entry.note and not entry.unit.endswith("ratio")


class ResultsTable(SphinxDirective):
    """Every recorded result, grouped by chapter (see the module docstring)."""

    def run(self) -> list[nodes.Node]:
        chapters = book_results(self)
        if not chapters:
            return [nodes.paragraph(text="No results have been recorded yet.")]
        output: list[nodes.Node] = []
        for chapter, notebooks in chapters:
            output.append(_chapter_heading(chapter))
            for notebook, entries in notebooks:
                output += _notebook_block(notebook, entries)
        return output


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
        "", "", _doc_link(chapter), classes=["results-chapter"], ids=[section_id(chapter)],
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
        block += _comparison_table(comparisons, dataset)
    if others:
        block += _values_table(others, dataset)
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


# --- comparisons ------------------------------------------------------------------------------

def _comparison_table(entries: list[Result], dataset: str) -> list[nodes.Node]:
    ratio_units = {e.unit for e in entries if e.unit.endswith("ratio")}
    shared_unit = ratio_units.pop() if len(ratio_units) == 1 else ""
    accuracy = any(e.unit == ACCURACY for e in entries)
    heading = shared_unit[:1].upper() + shared_unit[1:] if shared_unit else "Ratio"
    columns = [("Comparison", "rt-name", 32), (f"{heading} (95% interval)", "rt-ratio", 20)]
    if accuracy:
        columns.append(("Accuracy", "rt-accuracy", 9))
    columns += [("Verdict", "rt-verdict", 13), ("Seeds", "rt-seeds", 6),
                ("Training", "rt-training", 24)]
    notes = [_note_parts(e, dataset, exclude_exact=True) for e in entries]
    marks, fold = _fold(notes)
    rows = []
    for entry, own, mark in zip(entries, notes, marks, strict=True):
        cells = [_name_cell(entry, own, mark), _ratio_cell(entry, show_unit=not shared_unit)]
        if accuracy:
            cells.append(nodes.paragraph(
                text=value_text(entry.value, ACCURACY) if entry.unit == ACCURACY else ""))
        cells += [_verdict_cell(entry),
                  nodes.paragraph(text=str(entry.seeds) if entry.seeds else ""),
                  nodes.paragraph(text=training_text(entry.training))]
        rows.append(cells)
    return [_table(columns, rows, "results-comparisons"), *fold]


def _name_cell(entry: Result, notes: list[str], mark: str) -> nodes.paragraph:
    name = nodes.paragraph()
    name += nodes.strong(text=entry.name)
    if entry.baseline.lower() not in entry.name.lower():
        name += nodes.Text(f" against {entry.baseline}")
    if mark:
        name += nodes.superscript(text=mark, classes=["rt-mark"])
    if notes:
        name += nodes.Text(" ")
        name += nodes.inline(text="; ".join(notes), classes=["rt-detail"])
    return name


def _ratio_cell(entry: Result, show_unit: bool) -> nodes.paragraph:
    """The ratio with its interval; its unit is in the column's heading when the table has
    one unit, else beside the number (``show_unit``), and always on a phone's card."""
    cell = nodes.paragraph()
    if entry.unit.endswith("ratio"):
        cell += nodes.inline(text=f"{entry.unit} ",
                             classes=["rt-unit"] + (["rt-unit-shown"] if show_unit else []))
        cell += nodes.Text(ratio_text(entry.value, entry.ci))
    elif is_exact(entry):  # no ratio to show: who is exact, and the model's own loss
        who = [p for p in readable_note(entry.note).split("; ") if EXACT in p]
        cell += nodes.inline(text=EXACT, classes=["rt-exact"])
        cell += nodes.inline(text="; ".join([*who, f"{entry.unit}: {value_text(entry.value)}"]),
                             classes=["rt-detail"])
    elif entry.unit != ACCURACY:  # an older record: its value with its unit
        cell += nodes.Text(f"{value_text(entry.value)} {entry.unit}".strip())
    return cell


def _verdict_cell(entry: Result) -> nodes.paragraph:
    verdict = nodes.paragraph()
    if entry.verdict:
        slug = "unclear" if entry.verdict not in ("better", "worse") else entry.verdict
        verdict += nodes.inline(text=entry.verdict, classes=["verdict", f"verdict-{slug}"])
    if entry.scope:
        verdict += nodes.inline(text=SCOPE_TEXT.get(entry.scope, entry.scope),
                                classes=["rt-detail"])
    return verdict


# --- plain numbers ----------------------------------------------------------------------------

def _values_table(entries: list[Result], dataset: str) -> list[nodes.Node]:
    notes = [_note_parts(e, dataset) for e in entries]
    marks, fold = _fold(notes)
    columns = [("Result", "rt-name", 42), ("Value", "rt-value", 18), ("Note", "rt-note", 40)]
    rows = []
    for entry, own, mark in zip(entries, notes, marks, strict=True):
        name = nodes.paragraph(text=entry.name)
        if mark:
            name += nodes.superscript(text=mark, classes=["rt-mark"])
        unit = "" if entry.unit == ACCURACY else f" {entry.unit}".rstrip()
        note = nodes.paragraph()
        if own:
            note += nodes.inline(text="; ".join(own), classes=["rt-notes"])
        training = training_text(entry.training)  # each network's own: never folded
        if training:
            note += nodes.inline(text=("; " if own else "") + training, classes=["rt-training"])
        rows.append([name, nodes.paragraph(text=value_text(entry.value, entry.unit) + unit),
                     note])
    if not any(row[2].astext() for row in rows):  # no notes at all: no empty column
        columns, rows = columns[:2], [row[:2] for row in rows]
    return [_table(columns, rows, "results-values"), *fold]


# --- notes said once --------------------------------------------------------------------------

def _note_parts(entry: Result, dataset: str, exclude_exact: bool = False) -> list[str]:
    parts = [p.strip() for p in readable_note(entry.note).split("; ") if p.strip()]
    if exclude_exact and is_exact(entry):
        parts = [p for p in parts if EXACT not in p]
    if entry.dataset and entry.dataset != dataset:
        parts.append(f"data: {entry.dataset}")
    return parts


def _fold(notes: list[list[str]]) -> tuple[list[str], list[nodes.Node]]:
    """Move each note part shared by several rows out of the rows (``notes`` is edited in
    place); return each row's letters and the fold that says each shared part once."""
    counts: dict[str, int] = {}
    for own in notes:
        for part in dict.fromkeys(own):
            counts[part] = counts.get(part, 0) + 1
    shared = [part for part, n in counts.items() if n >= 2]
    if not shared:
        return [""] * len(notes), []
    everywhere = [p for p in shared if counts[p] == len(notes)]
    lettered = {p: chr(ord("a") + i) for i, p in enumerate(p for p in shared
                                                            if p not in everywhere)}
    marks = []
    for own in notes:
        marks.append(",".join(lettered[p] for p in own if p in lettered))
        own[:] = [p for p in own if p not in counts or counts[p] < 2]
    box = nodes.admonition(classes=["dropdown", "results-notes"])
    box += nodes.title(text="Notes shared by several rows")
    items = nodes.bullet_list()
    for label, parts in [("every row", everywhere), *[(f"{m}", [p]) for p, m in lettered.items()]]:
        for part in parts:
            paragraph = nodes.paragraph()
            paragraph += nodes.strong(text=f"{label}: ")
            paragraph += nodes.Text(part)
            items += nodes.list_item("", paragraph)
    box += items
    return marks, [box]


def _table(
    columns: list[tuple[str, str, int]], rows: Iterable[list[nodes.Node]], kind: str,
) -> nodes.table:
    group = nodes.tgroup(cols=len(columns))
    group += [nodes.colspec(colwidth=width) for _, _, width in columns]
    head, body = nodes.thead(), nodes.tbody()
    head += _row([nodes.paragraph(text=heading) for heading, _, _ in columns], columns)
    body += [_row(cells, columns) for cells in rows]
    group += [head, body]
    table = nodes.table(classes=["results-table", kind])
    table += group
    return table


def _row(cells: Iterable[nodes.Node], columns: list[tuple[str, str, int]]) -> nodes.row:
    row = nodes.row()
    for cell, (_, css_class, _) in zip(cells, columns, strict=True):
        entry = nodes.entry(classes=[css_class])
        entry += cell
        row += entry
    return row


def setup(app):
    app.add_directive("results-table", ResultsTable)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
