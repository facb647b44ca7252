"""The Results page's directives (book/_ext/results_table.py, results_summary.py), rendered
by Sphinx from small result files written here: a one-line-per-chapter summary on top, one
row per comparison with its numbers in one format, accuracies in their own column,
"practically exact" instead of a meaningless ratio, plain numbers in a compact table, notes
in words and said once per table, grouped by chapter in the order of the table of
contents."""

from __future__ import annotations

import io
import json
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXTENSIONS = ROOT / "book" / "_ext"

TOC = """\
format: jb-book
root: index
chapters:
- file: chapters/ch1
  sections:
  - file: notebooks/nb_b
- file: chapters/ch2
  sections:
  - file: notebooks/nb_a1
  - file: notebooks/nb_a2
"""
PAGES = {
    "index": ("Results\n=======\n\n.. results-summary::\n\n.. results-table::\n\n"
              ".. toctree::\n   :glob:\n\n   */*\n"),
    "chapters/ch1": "Chapter One\n===========\n",
    "chapters/ch2": "Chapter Two\n===========\n",
    "notebooks/nb_a1": "Part A1\n=======\n",
    "notebooks/nb_a2": "Part A2\n=======\n",
    "notebooks/nb_b": "Notebook B\n==========\n",
    "notebooks/nb_extra": "Extra\n=====\n",
}


def entry(notebook: str, name: str, value: float, **fields) -> dict:
    """One entry as helpers.results writes it (older files lack the comparison fields)."""
    return {"notebook": notebook, "name": name, "value": value, "unit": "", "mode": "standard",
            "dataset": "data-1", "date": "2026-11-27", "note": "", **fields}


COMPARISON = {
    "unit": "RMSE ratio", "baseline": "persistence", "ci": [0.9512, 1.0123],
    "verdict": "no clear difference", "seeds": 3, "scope": "networks",
    "training": [  # as History.summary() writes it
        {"best_epoch": 9, "epochs_run": 19, "max_epochs": 50, "patience": 10, "steps": 1900,
         "seconds": 12.3, "plateau": True},
        {"best_epoch": 11, "epochs_run": 21, "max_epochs": 50, "patience": 10, "steps": 2100,
         "seconds": 14.0, "plateau": True},
        {"best_epoch": 50, "epochs_run": 50, "max_epochs": 50, "patience": 10, "steps": 5000,
         "seconds": 31.9, "plateau": False}],
}
RESULTS = {
    "nb_b": [
        entry("nb_b", "LSTM vs persistence", 0.98123, note="1,321 test minutes", **COMPARISON),
        entry("nb_b", "Ridge vs persistence", 1.31, unit="MAE ratio", baseline="persistence",
              ci=[1.2, 1.4], verdict="worse", seeds=1, dataset="data-2"),
        entry("nb_b", "LSTM vs LP", 0.0621, unit="MSE of LSTM", baseline="LP", ci=None,
              verdict="worse", seeds=3, scope="recipe", note="LP practically exact"),
        entry("nb_b", "GRU vs persistence", 9.4116e-4, unit="RMSE ratio", baseline="persistence",
              ci=[8.3596e-4, 1.05648e-3], verdict="better", seeds=3,
              note="1,321 test minutes; hidden 8"),
        entry("nb_b", "ladder accuracy, 28 steps", 0.8645, unit="accuracy",
              baseline="logistic regression", verdict="no clear difference", seeds=3,
              note="hidden 8"),
        entry("nb_b", "persistence test RMSE", 42.8037, unit="USD"),
        entry("nb_b", "notebook run time", 110.97, unit="s", dataset="",
              note="2 CPU cores, x86_64"),
    ],
    "nb_a1": [  # an older file: no comparison fields at all
        {k: v for k, v in entry("nb_a1", "test accuracy", 0.4295, unit="accuracy", note=(
            "14x14 pixels; {'hidden_size': 16, 'lr': 0.01, 'grad_clip': 5.0}")).items()},
    ],
    "nb_a2": [entry("nb_a2", "GRU vs mean", 0.5, unit="MSE ratio", baseline="mean",
                    ci=[0.4, 0.6], verdict="better", seeds=5,
                    training=[{"best_epoch": e, "epochs_run": e + 5, "max_epochs": 40}
                              for e in (7, 9, 12, 8, 10)])],  # an older file: no budget
    "nb_extra": [entry("nb_extra", "orphan number", 1.0)],
}


@pytest.fixture(scope="module")
def extensions_on_path():
    sys.path.insert(0, str(EXTENSIONS))
    yield
    sys.path.remove(str(EXTENSIONS))


def build(folder: Path, results: dict[str, list[dict]],
          headlines: dict[str, str] | None = None) -> tuple[str, str]:
    """Build the small book in ``folder``; return the Results page's HTML and the warnings."""
    from sphinx.testing.util import SphinxTestApp

    src = folder / "src"
    for page, rst in PAGES.items():
        (src / page).parent.mkdir(parents=True, exist_ok=True)
        (src / f"{page}.rst").write_text(rst, encoding="utf-8")
    (src / "conf.py").write_text("", encoding="utf-8")
    (src / "_toc.yml").write_text(TOC, encoding="utf-8")
    results_folder = src / "book" / "results"
    results_folder.mkdir(parents=True)
    for notebook, entries in results.items():
        (results_folder / f"{notebook}.json").write_text(json.dumps(entries), encoding="utf-8")
    warnings = io.StringIO()
    app = SphinxTestApp(
        "html", srcdir=src, builddir=folder / "build", freshenv=True,
        confoverrides={"extensions": ["results_table", "results_summary"], "html_theme": "basic",
                   "results_headlines": headlines or {}},
        status=io.StringIO(), warning=warnings,
    )
    try:
        app.build()
    finally:
        app.cleanup()
    return (Path(app.outdir) / "index.html").read_text(encoding="utf-8"), warnings.getvalue()


@pytest.fixture(scope="module")
def page(tmp_path_factory, extensions_on_path) -> str:
    html, warnings = build(tmp_path_factory.mktemp("results"), RESULTS,
                           {"nb_b": "GRU vs persistence"})
    problems = [line for line in warnings.splitlines() if "nb_extra" not in line]
    assert not problems, warnings  # the orphan notebook is not in a toctree: expected
    return html


def text(html: str) -> str:
    """The visible text, tags removed, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def rows(html: str, kind: str) -> list[str]:
    table = re.search(rf'<table class="[^"]*{kind}.*?</table>', html, re.S)
    assert table, f"no {kind} table"
    return [text(row) for row in re.findall(r"<tr.*?</tr>", table.group(0), re.S)[1:]]


def section(html: str, heading: str) -> str:
    """The HTML from one chapter heading to the next."""
    start = html.index(heading)
    end = html.find('class="results-chapter', start + len(heading))
    return html[start:end if end > 0 else len(html)]


def test_chapters_in_table_of_contents_order_with_links(page):
    headings = re.findall(r'<h2 class="results-chapter rubric" id="([^"]+)"><a[^>]*href="([^"]+)"'
                          r"[^>]*>(.*?)</a>", page)
    assert [(i, h, text(t)) for i, h, t in headings] == [
        ("results-ch1", "chapters/ch1.html", "Chapter One"),
        ("results-ch2", "chapters/ch2.html", "Chapter Two"),
        ("results-nb-extra", "notebooks/nb_extra.html", "Extra"),  # not in the TOC: last
    ]
    assert text(page).index("Part A1") < text(page).index("Part A2")


def test_one_row_per_comparison(page):
    assert rows(section(page, 'id="results-ch1"'), "results-comparisons") == [
        "LSTM vs persistence a RMSE ratio 0.981 (0.951 to 1.012) "
        "no clear difference these trained models 3 best epochs 9, 11, 50 of cap 50; "
        "1/3 still improving at the cap; "
        "patience 10; 1,900–5,000 steps; 12–32 s; plateau 2/3",
        "Ridge vs persistence data: data-2 MAE ratio 1.310 (1.200 to 1.400) worse 1",
        # a practically exact side: no ratio, the model's own loss
        "LSTM vs LP practically exact LP practically exact; MSE of LSTM: 0.0621 worse "
        "the recipe 3",
        # one number format per cell, however small the ratio
        "GRU vs persistence a,b RMSE ratio 9.41 (8.36 to 10.56) × 10⁻⁴ better 3",
        # an accuracy has a column of its own
        "ladder accuracy, 28 steps against logistic regression b 86.5% no clear difference 3",
    ]
    assert 'class="verdict verdict-worse"' in page and 'class="verdict verdict-unclear"' in page
    headings = re.findall(r"<th[^>]*>(.*?)</th>", section(page, 'id="results-ch1"'), re.S)
    assert [text(h) for h in headings][:5] == [
        "Comparison", "Ratio (95% interval)", "Accuracy", "Verdict", "Seeds"]


def test_a_note_shared_by_several_rows_is_said_once(page):
    ch1 = section(page, 'id="results-ch1"')
    fold = re.search(r'<div class="[^"]*results-notes[^"]*">.*?</ul>', ch1, re.S)
    assert fold, "no fold for the notes shared by several rows"
    assert text(fold.group(0)) == ("Notes shared by several rows a: 1,321 test minutes "
                                   "b: hidden 8")
    tables = re.findall(r"<table.*?</table>", ch1, re.S)
    assert text(tables[0]).count("1,321 test minutes") == 0


def test_the_page_opens_with_one_line_per_chapter(page):
    summary = re.search(r'<ul class="results-summary.*?</ul>', page, re.S)
    assert summary and page.index(summary.group(0)) < page.index("<table")
    lines = [text(li) for li in re.findall(r"<li>(.*?)</li>", summary.group(0), re.S)]
    assert lines == [
        # the headline chosen in results_headlines, then every comparison counted
        "Chapter One : GRU vs persistence , better (RMSE ratio 9.41 (8.36 to 10.56) × 10⁻⁴; "
        "3 seeds). All 5 comparisons: 1 better, 2 worse, 2 no clear difference. Runs in "
        "1 min 51 s on 2 CPU cores, standard mode. Details below.",
        # no headline chosen: the first comparison
        "Chapter Two : GRU vs mean , better (MSE ratio 0.500 (0.400 to 0.600); 5 seeds). "
        "Details below.",
        "Extra : no comparison recorded. Details below.",
    ]
    assert 'href="#results-ch1"' in summary.group(0)


def test_a_headline_that_was_not_recorded_is_a_warning(tmp_path, extensions_on_path):
    _, warnings = build(tmp_path, RESULTS, {"nb_b": "no such comparison", "nb_zz": "x"})
    assert "results_headlines: 'nb_b' recorded no result named 'no such comparison'" in warnings
    assert "'GRU vs persistence'" in warnings  # the names it did record
    assert "results_headlines names 'nb_zz', which recorded no results" in warnings


def test_many_runs_are_summarised_as_ranges(page):
    (row,) = rows(section(page, 'id="results-ch2"'), "results-comparisons")
    assert row.endswith("better 5 best epochs 7–12 (5 runs) of cap 40")


def test_plain_results_stay_compact_with_run_time_and_data_above(page):
    ch1 = section(page, 'id="results-ch1"')
    assert rows(ch1, "results-values") == ["persistence test RMSE 42.8 USD"]  # no note column
    line = text(re.search(r'<p class="results-notebook">.*?</p>', ch1, re.S).group(0))
    assert line == ("Notebook: Notebook B · standard mode · 2026-11-27 · "
                    "run time 1 min 51 s (2 CPU cores, x86_64) · data: data-1")


def test_notes_read_as_words_not_python(page):
    (row,) = rows(section(page, 'id="results-ch2"'), "results-values")
    assert row == "test accuracy 43.0% 14x14 pixels; hidden size 16, lr 0.01, grad clip 5"
    tables = " ".join(text(t) for t in re.findall(r"<table.*?</table>", page, re.S))
    assert "{" not in tables and "'" not in tables


def test_a_broken_result_file_fails_with_the_folder_named(tmp_path, extensions_on_path):
    broken = {**RESULTS, "nb_b": [{**RESULTS["nb_b"][0], "unknown_field": 1}]}
    _, warnings = build(tmp_path, broken)
    assert "results-table: cannot read the result files in" in warnings
    assert str(tmp_path / "src" / "book" / "results") in warnings


def test_no_results_yet(tmp_path, extensions_on_path):
    html, _ = build(tmp_path, {})
    assert "No results have been recorded yet." in html


def test_no_stored_record_holds_an_absurd_ratio():
    # a ratio of 1e27 is an exact baseline: helpers.results records those as exact
    from helpers.results import load_results

    ratios = {(r.notebook, r.name): r.value for r in load_results(ROOT / "book" / "results")
              if r.baseline and r.unit.endswith("ratio")}
    assert ratios
    assert {key: v for key, v in ratios.items() if not 1e-6 <= abs(v) <= 1e6} == {}
