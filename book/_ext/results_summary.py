"""Sphinx directive ``results-summary``: one line per chapter with its headline comparison,
computed from ``book/results/*.json`` like the Results page below it.

Each line names the chapter (linked), its headline comparison with verdict, ratio and
95% interval, how its other comparisons came out, and how long the chapter's notebooks
ran in standard mode (the recorded "notebook run time", never typed). The Results page
opens with it, and the landing page shows the same lines as the book's findings.

The headline of a chapter is the entry named for one of its notebooks in the
``results_headlines`` setting (``_config.yml``: ``sphinx.config``), a mapping from
notebook to the name of a recorded comparison, e.g.
``{"03_bitcoin_minute_forecasting": "change LSTM vs persistence (test RMSE)"}``; a chapter
none of whose notebooks is named there gets its first recorded comparison. A name that
its notebook did not record is a build warning that lists the names it did record.

Options: ``:link: results`` (default) adds a link to the chapter's section of the Results
page; ``:link: chapter`` links only to the chapter.

Examples
--------
>>> verdict_counts(["better", "better", "worse", "no clear difference"])
'2 better, 1 worse, 1 no clear difference'
"""

from __future__ import annotations

from collections import Counter
from typing import ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from results_table import (
    ACCURACY,
    EXACT,
    RUN_TIME,
    book_results,
    is_exact,
    section_id,
)
from results_text import duration_text, ratio_text, readable_note, value_text
from sphinx import addnodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from helpers.results import Result

logger = logging.getLogger(__name__)
VERDICT_ORDER = ("better", "worse", "no practical difference", "no clear difference",
                 "too few to decide")


def verdict_counts(verdicts: list[str]) -> str:
    """How many comparisons got each verdict, most telling verdicts first."""
    counts = Counter(verdicts)
    order = [v for v in VERDICT_ORDER if v in counts] + sorted(set(counts) - set(VERDICT_ORDER))
    return ", ".join(f"{counts[v]} {v}" for v in order)


class ResultsSummary(SphinxDirective):
    """One line per chapter: its headline comparison (see the module docstring)."""

    option_spec: ClassVar[dict] = {
        "link": lambda value: directives.choice(value, ("results", "chapter"))}

    def run(self) -> list[nodes.Node]:
        chapters = book_results(self)
        if not chapters:
            return [nodes.paragraph(text="No results have been recorded yet.")]
        chosen = self.config.results_headlines or {}
        known = {notebook for _, notebooks in chapters for notebook, _ in notebooks}
        for notebook in sorted(set(chosen) - known):
            logger.warning(f"results_headlines names {notebook!r}, which recorded no results "
                           f"(notebooks with results: {', '.join(sorted(known))})",
                           location=self.get_location())
        listing = nodes.bullet_list(classes=["results-summary"])
        for chapter, notebooks in chapters:
            item = nodes.list_item()
            item += self._line(chapter, notebooks, chosen)
            listing += item
        return [listing]

    def _line(self, chapter: str, notebooks: list[tuple[str, list[Result]]],
              chosen: dict[str, str]) -> nodes.paragraph:
        line = nodes.paragraph()
        link = addnodes.pending_xref("", refdomain="std", reftype="doc",
                                     reftarget=f"/{chapter}", refexplicit=False, refwarn=True)
        link += nodes.inline(text=chapter)
        line += nodes.strong("", "", link)
        entries = [e for _, own in notebooks for e in own if e.name != RUN_TIME]
        comparisons = [e for e in entries if e.baseline and e.verdict]
        headline = self._headline(notebooks, chosen) or (comparisons[0] if comparisons else None)
        if headline is None:
            line += nodes.Text(": no comparison recorded.")
        else:
            line += nodes.Text(": ")
            line += headline_nodes(headline)
        if len(comparisons) > 1:
            line += nodes.Text(f" All {len(comparisons)} comparisons: "
                               f"{verdict_counts([e.verdict for e in comparisons])}.")
        times = [e for _, own in notebooks for e in own if e.name == RUN_TIME]
        if times:
            where = f" on {times[-1].note.split(',')[0]}" if times[-1].note else ""
            parts = f" ({len(times)} notebooks)" if len(times) > 1 else ""
            line += nodes.inline(text=f" Runs in {duration_text(sum(e.value for e in times))}"
                                      f"{parts}{where}, standard mode.",
                                 classes=["results-summary-time"])
        if self.options.get("link", "results") == "results":
            line += nodes.Text(" ")
            line += nodes.reference("", "Details below.", refid=section_id(chapter),
                                    internal=True)
        return line

    def _headline(self, notebooks: list[tuple[str, list[Result]]],
                  chosen: dict[str, str]) -> Result | None:
        for notebook, entries in notebooks:
            if notebook not in chosen:
                continue
            found = [e for e in entries if e.name == chosen[notebook]]
            if found:
                return found[0]
            logger.warning(
                f"results_headlines: {notebook!r} recorded no result named "
                f"{chosen[notebook]!r}; it recorded: "
                + "; ".join(repr(e.name) for e in entries if e.baseline),
                location=self.get_location())
        return None


def headline_nodes(entry: Result) -> list[nodes.Node]:
    """``name — verdict (ratio with interval, seeds)`` of one comparison."""
    out: list[nodes.Node] = [nodes.emphasis(text=entry.name), nodes.Text(", ")]
    slug = entry.verdict if entry.verdict in ("better", "worse") else "unclear"
    out.append(nodes.inline(text=entry.verdict or "no verdict",
                            classes=["verdict", f"verdict-{slug}"]))
    if entry.unit.endswith("ratio"):
        facts = [f"{entry.unit} {ratio_text(entry.value, entry.ci)}"]
    elif is_exact(entry):
        facts = [p for p in readable_note(entry.note).split("; ") if EXACT in p]
    elif entry.unit == ACCURACY:
        facts = [f"accuracy {value_text(entry.value, ACCURACY)}"]
    else:
        facts = [f"{value_text(entry.value)} {entry.unit}".strip()]
    if entry.seeds:
        facts.append(f"{entry.seeds} seed{'s' if entry.seeds > 1 else ''}")
    out.append(nodes.Text(f" ({'; '.join(facts)})."))
    return out


def setup(app):
    app.add_config_value("results_headlines", {}, "env", types=[dict])
    app.add_directive("results-summary", ResultsSummary)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
