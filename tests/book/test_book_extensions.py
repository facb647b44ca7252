"""The book's Sphinx extensions (book/_ext): their docstring examples and the cases a
reader's page depends on. The Results page has its own file, test_results_page.py."""

from __future__ import annotations

import doctest
import importlib
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from docutils import nodes

ROOT = Path(__file__).resolve().parents[2]
EXTENSIONS = ROOT / "book" / "_ext"
MODULES = ["book_toc", "launch_links", "local_mathjax", "output_layout", "results_text",
           "results_summary", "bookkeeping", "inline_code", "notebook_figure", "citations",
           "table_cells"]


@pytest.fixture(scope="module")
def ext():
    """Import a module of book/_ext by name."""
    sys.path.insert(0, str(EXTENSIONS))
    yield importlib.import_module
    sys.path.remove(str(EXTENSIONS))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(ext, name):
    result = doctest.testmod(ext(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


# --- table_cells ---------------------------------------------------------------------------

def test_only_cells_that_hold_nothing_but_a_missing_marker_get_a_dash(ext):
    dash = ext("table_cells").dash_missing_cells
    page = "<td>NaN</td><td>NaN%</td><td>0.5 (NaN)</td><th>NaN</th><td>&lt;NA&gt;</td>"
    assert dash(page).count("–") == 2 and "<td>NaN%</td>" in dash(page)


def test_a_header_wraps_after_its_underscores_and_nowhere_else(ext):
    wrap = ext("table_cells").break_after_underscores
    page = '<th class="x">recall_low_seed</th><th>parameters</th><td>a_b</td>'
    assert wrap(page) == ('<th class="x">recall_<wbr>low_<wbr>seed</th><th>parameters</th>'
                          "<td>a_b</td>")


# --- results_text --------------------------------------------------------------------------

def test_training_text_survives_missing_fields(ext):
    text = ext("results_text").training_text
    assert text(None) == text([]) == text([{"epochs_run": 3}]) == ""
    assert text([{"best_epoch": 4}]) == "best epoch 4"
    assert text([{"best_epoch": 5, "epochs_run": 5, "max_epochs": 5}]) == (
        "best epoch 5 of cap 5; 1/1 still improving at the cap")
    assert text([{"best_epoch": 3, "epochs_run": 8, "max_epochs": m} for m in (10, 20)]) == (
        "best epochs 3, 3 of cap 10–20")


def test_training_text_shows_the_budget(ext):
    text = ext("results_text").training_text
    run = {"best_epoch": 12, "epochs_run": 22, "max_epochs": 300, "patience": 10,
           "steps": 4800, "seconds": 31.2, "plateau": True}
    three = [run, {**run, "best_epoch": 15}, {**run, "best_epoch": 9, "plateau": False}]
    assert text(three) == (
        "best epochs 12, 15, 9 of cap 300; patience 10; 4,800 steps; 31 s; plateau 2/3")
    assert len(text(three)) < 90  # one or two lines of a phone card
    spread = [{**run, "steps": 900, "seconds": 50}, {**run, "steps": 12_000, "seconds": 130}]
    assert text(spread).endswith("900–12,000 steps; 50 s–2 min 10 s; plateau 2/2")
    assert text([{**run, "patience": None}]).startswith(
        "best epoch 12 of cap 300; no early stopping; 4,800 steps")
    many = [{**run, "best_epoch": e} for e in (7, 9, 12, 8)]
    assert text(many).startswith("best epochs 7–12 (4 runs) of cap 300; patience 10")


def test_readable_note_keeps_intervals_and_prose(ext):
    readable = ext("results_text").readable_note
    assert readable("IQR [1.46, 3.94]; below 1 beats persistence") == (
        "IQR [1.46, 3.94]; below 1 beats persistence")
    assert readable("features: ['day_of_week', 'month']") == "features: day_of_week, month"
    assert readable("{'sizes': (16, 32), 'bias': 1.0}") == "sizes (16, 32), bias 1"
    assert readable("a {broken: dict") == "a {broken: dict"
    assert readable("") == ""


def test_duration_text(ext):
    duration = ext("results_text").duration_text
    assert [duration(s) for s in (6.06, 59.6, 3599, 3725)] == [
        "6 s", "1 min 0 s", "59 min 59 s", "1 h 02 min"]


@pytest.mark.parametrize(("values", "texts", "suffix"), [
    ([0.98123, 0.95, 1.0123], ["0.981", "0.950", "1.012"], ""),
    # a tight interval keeps enough decimals to differ from its ratio
    ([1.0053588, 1.00346, 1.00794], ["1.0054", "1.0035", "1.0079"], ""),
    ([118.62, 100.29, 143.05], ["119", "100", "143"], ""),
    ([32.795, 0.0, 52.45], ["32.8", "0.0", "52.5"], ""),
    # tiny or huge numbers share one power of ten, never "9.412e-04 (7.784e-04 to 0.001129)"
    ([9.4116e-4, 7.784e-4, 1.129e-3], ["9.41", "7.78", "11.29"], " × 10⁻⁴"),
    ([3.509e27], ["3.51"], " × 10²⁷"),
    ([0.0], ["0.0"], ""),
])
def test_numbers_read_together_share_one_format(ext, values, texts, suffix):
    assert ext("results_text").numbers_text(values) == (texts, suffix)


def test_value_text_shows_accuracies_as_percentages(ext):
    value = ext("results_text").value_text
    assert [value(v) for v in (12345.6, 0.05869, 2.3455e-10)] == ["12,346", "0.0587",
                                                                  "2.35 × 10⁻¹⁰"]
    assert value(0.8645, "accuracy") == "86.5%"


# --- bookkeeping, inline code, images, MathJax -----------------------------------------------

def _cell(source: str, *outputs: nodes.Node, hidden: bool = False) -> nodes.container:
    cell = nodes.container(classes=["cell"])
    source_box = nodes.container("", nodes.literal_block(text=source), classes=["cell_input"])
    # myst-nb folds a hidden input (tag hide-input) into a node of its own
    cell += nodes.container("", source_box) if hidden else source_box
    if outputs:
        cell += nodes.container("", *outputs, classes=["cell_output"])
    return cell


def test_bookkeeping_leaves_the_page_and_the_rest_stays(ext):
    marked = nodes.raw("", '<pre class="lstmbook-bookkeeping">recorded 4 results</pre>',
                       format="html", classes=["output", "text_html"])
    kept = nodes.literal_block(text="Best: LSTM", classes=["output", "stream"])
    doc = nodes.section()
    doc += [_cell("run = setup_notebook(seed=0)", nodes.literal_block(text="mode: standard"),
                  hidden=True),
            _cell("record(...)", marked),
            _cell("print(best)", kept, nodes.raw("", '<pre class="lstmbook-bookkeeping">x</pre>',
                                                 format="html"))]
    ext("bookkeeping").drop_bookkeeping(doc)
    outputs = [[c.astext() for c in cell.children if "cell_output" in c["classes"]]
               for cell in doc.children]
    assert outputs == [[], [], ["Best: LSTM"]]
    assert all(any("cell_input" in c["classes"] for c in cell.findall(nodes.container))
               for cell in doc.children)


def test_long_inline_code_words_may_break_short_ones_stay_whole(ext):
    mark = ext("inline_code").mark_long_words
    html = '<span class="pre">--hidden-size</span> <span class="pre">{}</span>'
    assert mark(html.format("a" * 28)) == html.format("a" * 28)
    assert mark(html.format("a" * 29)).endswith('<span class="pre pre-long">' + "a" * 29
                                                 + "</span>")


def test_images_load_lazily(ext):
    doc = nodes.section()
    doc += [nodes.image(uri="a.png"), nodes.image(uri="b.png", loading="embed")]
    ext("lazy_images").lazy(None, doc, "page")
    assert [image["loading"] for image in doc.findall(nodes.image)] == ["lazy", "embed"]


def test_mathjax_leaves_pages_without_math(ext):
    from sphinx.builders.html._assets import _JavaScript

    drop = ext("local_mathjax").drop_where_unused
    app = SimpleNamespace(config=SimpleNamespace(mathjax_path="mathjax/tex-mml-chtml.js"))

    def scripts():
        return [_JavaScript("_static/doctools.js"), _JavaScript("", body="window.MathJax = {}"),
                _JavaScript("_static/mathjax/tex-mml-chtml.js", defer="defer")]

    plain, with_math = nodes.section(), nodes.section()
    with_math += nodes.math(text="x")
    context = {"script_files": scripts()}
    drop(app, "intro", "page.html", context, plain)
    assert [s.filename for s in context["script_files"]] == ["_static/doctools.js"]
    context = {"script_files": scripts()}
    drop(app, "chapter", "page.html", context, with_math)
    assert len(context["script_files"]) == 3


def test_the_round_author_year_style_is_registered(ext):
    from sphinxcontrib.bibtex.plugin import find_plugin

    style = find_plugin("sphinxcontrib.bibtex.style.referencing", ext("citations").NAME)
    assert style().bracket_parenthetical.left == "("


# --- output_layout -------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "tabular"), [
    ("Best classifier: separate LSTMs, FC head, test accuracy 97.65% (2000 test images)", False),
    ("horizon=0: 8 windows\nhorizon=1: 7 windows\n", False),
    ("   num_layers  batch_first  matches\n0           1        False     True\n", True),
    ("[[ 0.1  -0.2]\n [ 0.3   0.4]]", True),
    ("one  aligned line only", False),
])
def test_looks_tabular(ext, text, tabular):
    assert ext("output_layout").looks_tabular(text) is tabular


# --- launch_links --------------------------------------------------------------------------

def test_launch_urls(ext):
    urls = ext("launch_links").launch_urls
    options = {
        "repository_url": "https://github.com/org/book/", "repository_branch": "dev",
        "launch_buttons": {"colab_url": "https://colab.research.google.com",
                           "binderhub_url": "https://mybinder.org",
                           "notebook_interface": "jupyterlab"},
    }
    assert urls("notebooks/a.ipynb", options) == [
        ("Open in Colab",
         "https://colab.research.google.com/github/org/book/blob/dev/notebooks/a.ipynb"),
        ("Launch Binder",
         "https://mybinder.org/v2/gh/org/book/dev?urlpath=lab/tree/notebooks/a.ipynb"),
        ("View on GitHub", "https://github.com/org/book/blob/dev/notebooks/a.ipynb"),
    ]
    assert urls("a.ipynb", {"repository_url": "https://gitlab.com/org/book"}) == []


# --- book_toc ------------------------------------------------------------------------------

def test_read_toc_chapters_sections_and_globs(ext, tmp_path):
    read_toc = ext("book_toc").read_toc
    for name in ("intro.md", "ch1.md", "notebooks/a.ipynb", "notebooks/b.ipynb", "ref.md"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("")
    (tmp_path / "_toc.yml").write_text(
        "root: intro\nparts:\n- caption: One\n  chapters:\n  - file: ch1\n    sections:\n"
        "    - glob: notebooks/*\n- caption: Two\n  chapters:\n  - file: ref\n")
    assert [(e.page, e.chapter) for e in read_toc(tmp_path / "_toc.yml")] == [
        ("intro", "intro"), ("ch1", "ch1"), ("notebooks/a", "ch1"), ("notebooks/b", "ch1"),
        ("ref", "ref"),
    ]
    (tmp_path / "_toc.yml").write_text("format: jb-book\n")
    with pytest.raises(ValueError, match="lists no pages"):
        read_toc(tmp_path / "_toc.yml")


def test_the_book_toc_puts_every_notebook_in_a_chapter(ext):
    chapters = ext("book_toc").chapter_pages(ROOT / "_toc.yml")
    notebooks = {p for pages in chapters.values() for p in pages if p.startswith("notebooks/")}
    assert notebooks == {f"notebooks/{p.stem}" for p in (ROOT / "notebooks").glob("[0-9]*.ipynb")}


# --- local_mathjax -------------------------------------------------------------------------

def fake_app(tmp_path: Path, mathjax_path: str, folder: str = "mj/es5") -> SimpleNamespace:
    config = SimpleNamespace(mathjax_path=mathjax_path, local_mathjax_dir=folder)
    return SimpleNamespace(config=config, srcdir=tmp_path, outdir=tmp_path / "out",
                           builder=SimpleNamespace(format="html"))


def test_local_mathjax_missing_package_says_how_to_get_it(ext, tmp_path):
    from sphinx.errors import ConfigError

    mathjax = ext("local_mathjax")
    with pytest.raises(ConfigError, match=r"no MathJax at .*mj/es5 .*make mathjax"):
        mathjax.check_package(fake_app(tmp_path, "mathjax/tex-mml-chtml.js"))
    with pytest.raises(ConfigError, match="must name the entry script inside a folder"):
        mathjax.check_package(fake_app(tmp_path, "https://cdn.example/mathjax/tex.js"))


def test_local_mathjax_copies_the_package_and_its_licence(ext, tmp_path):
    mathjax = ext("local_mathjax")
    es5 = tmp_path / "mj" / "es5"
    (es5 / "output").mkdir(parents=True)
    (es5 / "tex-mml-chtml.js").write_text("// entry")
    (es5 / "output" / "chtml.js").write_text("// component")
    (tmp_path / "mj" / "LICENSE").write_text("Apache 2.0")
    app = fake_app(tmp_path, "mathjax/tex-mml-chtml.js")
    mathjax.check_package(app)
    mathjax.copy_package(app, None)
    target = tmp_path / "out" / "_static" / "mathjax"
    assert sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()) == [
        "LICENSE", "output/chtml.js", "tex-mml-chtml.js"]
