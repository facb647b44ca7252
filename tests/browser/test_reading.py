"""The book as a reader meets it (issue 23): figures readable on a phone, code that fits a
laptop, a Results page that opens with its summary, a landing page that says what the book
is and found, a reading path from each chapter page, solutions that open from their title.

The figure check's proxy for text size is explained in ``reading_checks.py``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from reading_checks import (
    MIN_CONTRAST,
    SPLIT_WORDS_JS,
    code_problems,
    columns_problem,
    contrast_problems,
    equation_problems,
    figure_problems,
    ratio_format_problem,
    table_problems,
)

PHONE, LAPTOP = 390, 1280
CODE_COLUMNS = 80  # ruff's line length for the notebooks

def _open(new_visit, page: str, width: int):
    seen = new_visit(width)
    response = seen.page.goto(f"{seen.origin}/{page}.html", wait_until="load")
    assert response is not None and response.ok, f"{page}.html did not load"
    seen.page.evaluate("() => document.fonts.ready.then(() => true)")
    return seen


def _fail(where: str, problems: list[str]) -> None:
    if problems:
        pytest.fail(f"{where}: {len(problems)} problem(s)\n  " + "\n  ".join(problems),
                    pytrace=False)


def _page_ending(pages: list[str], name: str) -> str:
    found = [p for p in pages if p.rsplit("/", 1)[-1] == name]
    assert found, f"no page named {name!r} in the table of contents"
    return found[0]


# --- every page ----------------------------------------------------------------------------

def test_a_phone_reads_every_figure_and_word(book_page, new_visit, html_dir: Path) -> None:
    """At 390 px: figure text >= 11 CSS px, figures linked full size and lazy-loaded,
    words of inline code kept whole, wide equations scrolling with a cue."""
    seen = _open(new_visit, book_page, PHONE)
    problems = figure_problems(seen.page, html_dir)
    problems += [f"inline code {word!r} broken across lines"
                 for word in seen.page.evaluate(SPLIT_WORDS_JS)]
    problems += equation_problems(seen.page)
    _fail(f"{book_page} at {PHONE} px", problems + seen.problems)


def test_code_fits_a_laptop(book_page, new_visit) -> None:
    """At 1280 px no code cell, printed output or printed table scrolls sideways."""
    seen = _open(new_visit, book_page, LAPTOP)
    problems = code_problems(seen.page) + table_problems(seen.page)
    _fail(f"{book_page} at {LAPTOP} px", problems + seen.problems)


def test_sidebar_titles_match_page_headings(new_visit, book_pages: list[str]) -> None:
    """The sidebar names each page as its heading does (numbers included)."""
    seen = new_visit(LAPTOP)
    problems = []
    for page in book_pages:
        seen.page.goto(f"{seen.origin}/{page}.html", wait_until="domcontentloaded")
        titles = seen.page.evaluate("""() => {
          const clean = (el) => {
            if (!el) return null;
            const copy = el.cloneNode(true);
            copy.querySelectorAll('.headerlink').forEach((a) => a.remove());
            return copy.textContent.replace(/\\s+/g, ' ').trim();
          };
          return {h1: clean(document.querySelector('article.bd-article h1')),
                  side: clean(document.querySelector('.bd-sidebar-primary a.current'))};
        }""")
        if titles["side"] is not None and titles["side"] != titles["h1"]:
            problems.append(f"{page}: sidebar {titles['side']!r}, heading {titles['h1']!r}")
    _fail("sidebar titles", problems + seen.problems)


# --- laptop layout ----------------------------------------------------------------------------

def test_an_80_column_code_line_fits_a_laptop(new_visit, book_pages: list[str]) -> None:
    notebook = next(p for p in book_pages if p.startswith("notebooks/"))
    seen = _open(new_visit, notebook, LAPTOP)
    problem = columns_problem(seen.page, CODE_COLUMNS)
    _fail(f"{notebook} at {LAPTOP} px", [problem] if problem else [])


# --- the Results page -------------------------------------------------------------------------

RESULTS_JS = """() => {
  const article = document.querySelector('article.bd-article');
  const summary = article.querySelector('ul.results-summary');
  const firstTable = article.querySelector('table.results-table');
  const chapters = [...article.querySelectorAll('h2.results-chapter')];
  const tables = [...article.querySelectorAll('table.results-table')];
  const repeated = [];
  for (const table of tables) {
    const counts = {};
    for (const row of table.querySelectorAll('tbody tr')) {
      const notes = [...row.querySelectorAll('td.rt-name .rt-detail, td.rt-note .rt-notes')]
        .flatMap((el) => el.textContent.split('; ')).map((t) => t.trim())
        .filter((t) => t && !/ratio$/.test(t));
      new Set(notes).forEach((t) => { counts[t] = (counts[t] || 0) + 1; });
    }
    Object.entries(counts).filter(([, n]) => n > 1).forEach(([t]) => repeated.push(t));
  }
  const container = article.closest('.bd-article-container').getBoundingClientRect();
  const main = document.querySelector('.bd-main').getBoundingClientRect();
  return {
    summaryFirst: !!summary && (!firstTable
      || !!(summary.compareDocumentPosition(firstTable) & Node.DOCUMENT_POSITION_FOLLOWING)),
    items: summary ? [...summary.children].map((li) => ({
      text: li.textContent.replace(/\\s+/g, ' ').trim(),
      verdict: !!li.querySelector('.verdict'),
      target: (li.querySelector('a[href^="#results-"]') || {}).hash || '',
    })) : [],
    chapterIds: chapters.map((h) => '#' + h.id),
    ratios: [...article.querySelectorAll('td.rt-ratio')].map((td) => {
        const copy = td.cloneNode(true);
        copy.querySelectorAll('.rt-unit').forEach((unit) => unit.remove());
        return copy.textContent.trim();
      }).filter((t) => /\\d/.test(t) && !/exact/.test(t)),
    accuracyInRatio: [...article.querySelectorAll('td.rt-ratio')]
      .filter((td) => /%/.test(td.textContent)).length,
    repeated,
    width: container.width, available: main.width,
  };
}"""


def test_results_page_opens_with_the_chapter_summary(new_visit, book_pages) -> None:
    page = _page_ending(book_pages, "results")
    seen = _open(new_visit, page, LAPTOP)
    found = seen.page.evaluate(RESULTS_JS)
    problems = []
    if not found["summaryFirst"]:
        problems.append("the chapter summary (ul.results-summary) does not open the page")
    if len(found["items"]) != len(found["chapterIds"]) or not found["items"]:
        problems.append(f"{len(found['items'])} summary lines for "
                        f"{len(found['chapterIds'])} chapters with results")
    for item, target in zip(found["items"], found["chapterIds"], strict=False):
        if not item["verdict"]:
            problems.append(f"summary line without a verdict: {item['text'][:80]!r}")
        if item["target"] != target:
            problems.append(f"summary line does not lead to {target}: {item['text'][:60]!r}")
    problems += [p for p in map(ratio_format_problem, found["ratios"]) if p]
    if found["accuracyInRatio"]:
        problems.append(f"{found['accuracyInRatio']} accuracies in the ratio column")
    problems += [f"note repeated in one table instead of folded: {t!r}"
                 for t in found["repeated"]]
    if found["width"] < 0.95 * found["available"]:
        problems.append(f"the tables use {found['width']:.0f} of {found['available']:.0f} px")
    _fail(f"{page} at {LAPTOP} px", problems + seen.problems)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_verdicts_are_readable(new_visit, book_pages, theme: str) -> None:
    page = _page_ending(book_pages, "results")
    seen = _open(new_visit, page, LAPTOP)
    seen.page.evaluate(f"() => {{ document.documentElement.dataset.theme = '{theme}'; }}")
    problems = contrast_problems(seen.page, "article.bd-article .verdict")
    assert seen.page.locator("article.bd-article .verdict").count() > 0, "no verdict shown"
    _fail(f"{page} in the {theme} theme (contrast at least {MIN_CONTRAST}:1)",
          problems + seen.problems)


# --- the landing page ---------------------------------------------------------------------------

LANDING_JS = """() => {
  const article = document.querySelector('article.bd-article');
  const text = article.innerText;
  const start = [...article.querySelectorAll('a[href]')]
    .find((a) => /start reading/i.test(a.textContent));
  const summary = article.querySelector('ul.results-summary');
  const figure = article.querySelector('figure img');
  return {
    audience: /who this book is for/i.test(text),
    prerequisites: /you should know/i.test(text),
    start: start ? start.getAttribute('href') : '',
    lines: summary ? [...summary.children].map((li) => ({
      verdict: !!li.querySelector('.verdict'), time: /Runs in \\d/.test(li.textContent),
      text: li.textContent.replace(/\\s+/g, ' ').trim().slice(0, 70)})) : [],
    figure: figure ? figure.getAttribute('src') : '',
    mathjax: [...document.scripts].some((s) => /mathjax/i.test(s.src)),
  };
}"""


def test_landing_page_says_who_what_how_long_and_what_it_found(
        new_visit, toc_root: str, chapter_notebooks) -> None:
    seen = _open(new_visit, toc_root, LAPTOP)
    seen.page.evaluate("() => { document.querySelectorAll('img[loading=lazy]')"
                       ".forEach((img) => { img.loading = 'eager'; }); }")
    seen.page.wait_for_load_state("load")
    found = seen.page.evaluate(LANDING_JS)
    problems = []
    if not found["audience"]:
        problems.append("no 'Who this book is for' section")
    if not found["prerequisites"]:
        problems.append("no prerequisites ('You should know')")
    if not re.search(r"chapters/[^/]+\.html$", found["start"]):
        problems.append(f"no 'Start reading' link to a chapter (found {found['start']!r})")
    if len(found["lines"]) != len(chapter_notebooks):
        problems.append(f"{len(found['lines'])} findings for {len(chapter_notebooks)} chapters")
    problems += [f"finding without a verdict or a run time: {line['text']!r}"
                 for line in found["lines"] if not (line["verdict"] and line["time"])]
    if not found["figure"]:
        problems.append("no teaser figure")
    if found["mathjax"]:
        problems.append("MathJax loads on the landing page, which has no math")
    _fail(f"{toc_root} at {LAPTOP} px", problems + seen.problems)


# --- reading path and solutions -----------------------------------------------------------------

def test_each_chapter_page_leads_to_its_notebooks(new_visit, chapter_notebooks) -> None:
    problems = []
    seen = new_visit(PHONE, touch=True)
    for chapter, notebooks in chapter_notebooks.items():
        seen.page.goto(f"{seen.origin}/{chapter}.html", wait_until="domcontentloaded")
        for where in ("top", "end"):
            selector = ("div.launch-links" if where == "top" else "div.read-chapter-box")
            hrefs = seen.page.eval_on_selector_all(
                f"{selector} p.read-chapter a[href], {selector} ol.read-chapter-parts a[href]",
                "(links) => links.map((a) => a.getAttribute('href'))")
            wanted = [f"{Path(n).name}.html" for n in notebooks]
            if [h.rsplit("/", 1)[-1] for h in hrefs] != wanted:
                problems.append(f"{chapter}: 'Read the chapter' at the {where} links {hrefs}, "
                                f"expected {wanted}")
        first = seen.page.locator("div.launch-links p.read-chapter a, "
                                  "div.launch-links ol.read-chapter-parts a").first
        if first.count():
            first.tap()
            seen.page.wait_for_url(f"**/{notebooks[0]}.html")
    _fail("chapter pages", problems + seen.problems)


def test_a_solution_opens_from_its_title(new_visit, book_pages, html_dir: Path) -> None:
    pages = [p for p in book_pages if p.startswith("notebooks/")
             and 'class="solution dropdown' in (html_dir / f"{p}.html").read_text("utf-8")]
    assert pages, "no page with a folded solution"
    seen = _open(new_visit, pages[0], LAPTOP)
    page = seen.page
    solution = page.locator("div.solution.dropdown").first
    link = solution.locator(":scope > .admonition-title a").first
    assert link.count(), "the solution's title holds no link to its exercise (changed?)"
    before = page.url
    hidden = "() => document.querySelector('div.solution.dropdown').classList"
    assert page.evaluate(f"{hidden}.contains('toggle-hidden')"), "the solution is not folded"
    link.click()
    page.wait_for_timeout(300)
    problems = []
    if page.evaluate(f"{hidden}.contains('toggle-hidden')"):
        problems.append("a click on the solution's title did not open it")
    if page.url != before:
        problems.append(f"a click on the solution's title jumped to {page.url}")
    link.click()
    page.wait_for_timeout(300)
    if not page.evaluate(f"{hidden}.contains('toggle-hidden')"):
        problems.append("a second click on the title did not close the solution")
    _fail(f"{pages[0]} at {LAPTOP} px", problems + seen.problems)


# --- numbering and citations (read from the built HTML) ------------------------------------------

CAPTION_NUMBER = re.compile(r'<span class="caption-number">(?:Fig\.|Table|Exercise) ([\d.]+)')
SECTION_NUMBER = re.compile(r'<h1><span class="section-number">([\d.]+)\s')
CITATION = re.compile(r'<a class="reference internal" href="[^"]*references\.html#[^"]+"'
                      r'[^>]*>(.*?)</a>', re.S)


def test_figures_and_exercises_are_numbered_per_chapter(html_dir: Path, book_pages) -> None:
    """Chapter 3's figures are Fig. 3.1, 3.2, ... (Jupyter Book's numbered TOC)."""
    problems, numbered = [], 0
    for page in (p for p in book_pages if p.startswith("notebooks/")):
        html = (html_dir / f"{page}.html").read_text(encoding="utf-8")
        section = SECTION_NUMBER.search(html)
        if section is None:
            problems.append(f"{page}: its title carries no chapter number")
            continue
        chapter = section.group(1).split(".")[0]
        for number in CAPTION_NUMBER.findall(html):
            numbered += 1
            if number.split(".")[0] != chapter or number.count(".") != 1:
                problems.append(f"{page}: number {number} in chapter {chapter}")
    assert numbered, "no numbered figure on any notebook page"
    assert not problems, "\n".join(problems)


def test_citations_name_authors_and_year(html_dir: Path, book_pages) -> None:
    """(Hochreiter and Schmidhuber, 1997), not [HS97]."""
    problems, cited = [], 0
    for page in book_pages:
        html = (html_dir / f"{page}.html").read_text(encoding="utf-8")
        for label in CITATION.findall(html):
            text = re.sub(r"<[^>]+>", "", label).strip()
            cited += 1
            if not re.search(r"[A-Za-z]{2,}.*\b\d{4}[a-z]?$", text):
                problems.append(f"{page}: citation {text!r} is not author-year")
    assert cited, "no citation found"
    assert not problems, "\n".join(sorted(set(problems)))
