"""What every chapter notebook holds, as notebooks/CONVENTIONS.md describes it."""

import ast
import re
from pathlib import Path

import nbformat
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9]*.ipynb"))
REPOSITORY = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]
COLAB_CELL = """\
# Colab only: install the book's helpers (does nothing elsewhere).
import sys

if "google.colab" in sys.modules:
    %pip install -q "lstm-book-helpers @ git+{url}@{branch}"\
"""
MAX_LINE = 100


def cells(path):
    return nbformat.read(path, as_version=4).cells


def code_cells(path):
    return [c for c in cells(path) if c.cell_type == "code"]


def colab_url(path: Path) -> str:
    repo = REPOSITORY["url"].removeprefix("https://github.com/")
    return (f"https://colab.research.google.com/github/{repo}/blob/"
            f"{REPOSITORY['branch']}/notebooks/{path.name}")


by_notebook = pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)


@by_notebook
def test_first_cells_follow_the_book_convention(path):
    first, colab, setup, settings = cells(path)[:4]
    assert first.cell_type == "markdown" and first.source.startswith("# ")
    assert f"[Open in Colab]({colab_url(path)})" in first.source
    assert colab.source == COLAB_CELL.format(**REPOSITORY), (
        "the Colab set-up cell must install from the repository named in _config.yml"
    )
    assert "remove-cell" in colab.metadata.get("tags", [])
    assert "setup_notebook(" in setup.source and "hide-input" in setup.metadata.get("tags", [])
    assert settings.cell_type == "code"


@by_notebook
def test_runs_are_sized_in_the_settings_cell_only(path):
    code = code_cells(path)
    later = [i for i, cell in enumerate(code[3:], start=4) if "by_mode(" in cell.source]
    assert later == [], f"by_mode is called outside the settings cell, in code cells {later}"


@by_notebook
def test_no_test_markers_in_the_code(path):
    marked = [i for i, cell in enumerate(code_cells(path), 1) if "NBVAL_" in cell.source]
    assert marked == [], f"code cells {marked}: use nbval-* cell tags, not comments"


def _bare_numpy_calls(source: str) -> list[int]:
    try:
        tree = ast.parse("\n".join(line for line in source.splitlines()
                                   if not line.lstrip().startswith(("%", "!"))))
    except SyntaxError:
        return []
    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "numpy" and not node.args]


def test_the_bare_numpy_check_finds_a_planted_call():
    assert _bare_numpy_calls("y = model(x).numpy()\nz = to_numpy(y)") == [1]


@by_notebook
def test_tensors_reach_numpy_only_through_to_numpy(path):
    calls = {i: lines for i, cell in enumerate(code_cells(path), 1)
             if (lines := _bare_numpy_calls(cell.source))}
    assert calls == {}, f"bare .numpy() in code cells {calls}: use to_numpy (device-safe)"


def test_no_bare_numpy_in_helpers():
    calls = {str(p.relative_to(ROOT)): lines for p in (ROOT / "helpers").rglob("*.py")
             if (lines := _bare_numpy_calls(p.read_text()))}
    # to_numpy itself is the one place that calls .numpy(), after .detach().cpu()
    assert calls == {"helpers/validation.py": calls.get("helpers/validation.py")}
    assert len(calls["helpers/validation.py"]) == 1


@by_notebook
def test_outputs_fit_the_page(path):
    problems = []
    for number, cell in enumerate(code_cells(path), 1):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                problems.append(f"cell {number}: writes to stderr")
            text = output.get("text") or output.get("data", {}).get("text/plain", "")
            text = "".join(text) if isinstance(text, list) else text
            if "\r" in text or "it/s]" in text:
                problems.append(f"cell {number}: a progress bar")
            if output.get("data", {}).get("text/html"):
                continue  # tables render as HTML and scroll in their own box
            long = [line for line in text.splitlines() if len(line) > MAX_LINE]
            if long:
                problems.append(f"cell {number}: a {len(long[0])}-character line")
    assert problems == []


# "recorded 4 results", a raw dataclass repr such as Budget(epochs=400, ...), a data-cleaning
# log: lines for whoever runs the notebook, which helpers.book.report.bookkeeping marks
BOOKKEEPING_LINE = re.compile(r"^(recorded\b|[A-Z]\w*\(\w+=|duplicates dropped:)")


def _unmarked_bookkeeping(notebook) -> list[str]:
    found = []
    for number, cell in enumerate(c for c in notebook.cells if c.cell_type == "code"):
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if output.get("output_type") == "stream":
                text = output.get("text", "")
            elif set(data) == {"text/plain"}:  # a bare repr, no table or figure
                text = data["text/plain"]
            else:
                continue
            found += [f"code cell {number + 1}: {line}" for line in text.splitlines()
                      if BOOKKEEPING_LINE.match(line)]
    return found


def test_the_bookkeeping_check_finds_printed_lines_and_spares_marked_ones():
    printed = nbformat.v4.new_code_cell("print(BUDGET)", outputs=[
        nbformat.v4.new_output("stream", name="stdout", text="Budget(epochs=400, patience=10)\n"),
        nbformat.v4.new_output("execute_result", {"text/plain": "recorded 4 results"}),
    ])
    marked = nbformat.v4.new_code_cell("bookkeeping(BUDGET)", outputs=[
        nbformat.v4.new_output("display_data", {"text/plain": "recorded 4 results",
                                                "text/html": "<pre>recorded 4 results</pre>"}),
        nbformat.v4.new_output("stream", name="stdout", text="WindowRegressor(\n  head='last'\n"),
    ])
    notebook = nbformat.v4.new_notebook(cells=[marked, printed])
    assert _unmarked_bookkeeping(notebook) == [
        "code cell 2: Budget(epochs=400, patience=10)", "code cell 2: recorded 4 results"]


@by_notebook
def test_bookkeeping_lines_are_marked_for_the_book_to_drop(path):
    found = _unmarked_bookkeeping(nbformat.read(path, as_version=4))
    assert found == [], "show these with helpers.book.report.bookkeeping(...), not print"


@by_notebook
def test_one_summary_then_one_exercises_section(path):
    headings = [line.strip() for cell in cells(path) if cell.cell_type == "markdown"
                for line in cell.source.splitlines() if line.startswith("## ")]
    closing = [h for h in headings if h in ("## Summary", "## Exercises")]
    assert closing == ["## Summary", "## Exercises"], (
        "a chapter ends with one '## Summary' and then one '## Exercises' section")
    leftover = [h for h in headings if re.match(r"## (Conclusion|Takeaways|Wrap)", h)]
    assert leftover == []
    exercises = [i for i, cell in enumerate(cells(path)) if "```{exercise}" in cell.source]
    start = next(i for i, cell in enumerate(cells(path)) if "## Exercises" in cell.source)
    assert exercises and min(exercises) >= start, "every exercise sits under the Exercises heading"


@by_notebook
def test_every_figure_has_a_caption_and_alt_text(path):
    missing = []
    for number, cell in enumerate(code_cells(path), 1):
        if any("image/png" in o.get("data", {}) for o in cell.get("outputs", [])):
            meta = cell.metadata.get("mystnb", {})
            caption = meta.get("figure", {}).get("caption", "")
            alt = meta.get("image", {}).get("alt", "")
            if len(caption) < 20 or len(alt) < 10:
                missing.append(number)
    assert missing == [], f"figure cells {missing} need a caption and alt text"


@by_notebook
def test_a_figure_cell_shows_only_its_figure(path):
    # myst-nb wraps every displayed output of a figure cell in a figure with the
    # cell's name, so a second output (a table) repeats the label and breaks `-W`
    crowded = [number for number, cell in enumerate(code_cells(path), 1)
               if "figure" in cell.metadata.get("mystnb", {})
               and sum(o["output_type"] in ("display_data", "execute_result")
                       for o in cell.get("outputs", [])) > 1]
    assert crowded == [], f"figure cells {crowded} also show a table: move it to its own cell"


@by_notebook
def test_at_least_three_exercises_with_solutions(path):
    text = "\n".join(c.source for c in cells(path) if c.cell_type == "markdown")
    exercises = re.findall(r"```\{exercise\}.*\n:label: (\S+)", text)
    solutions = re.findall(r"```\{solution(?:-start)?\} (\S+)", text)
    assert len(exercises) >= 3, f"{len(exercises)} exercises"
    assert sorted(exercises) == sorted(solutions), "every exercise needs one solution"


def _markdown_outputs(path) -> list[str]:
    texts = []
    for cell in code_cells(path):
        for output in cell.get("outputs", []):
            text = output.get("data", {}).get("text/markdown", "")
            texts.append("".join(text) if isinstance(text, list) else text)
    return texts


@by_notebook
def test_no_dollar_amounts_that_render_as_math(path):
    prose = [c.source for c in cells(path) if c.cell_type == "markdown"]
    text = "\n".join(prose + _markdown_outputs(path))  # say() output is parsed as MyST
    amounts = re.findall(r"(?<![\\$])\$\d[\d,.]*\b(?![^$\n]*\$)", text)
    assert amounts == [], f"write dollar amounts as US$5, not {amounts[:3]}"
