"""The whole book as one PDF (``make pdf``): linked from the landing page, every page of
the book in it with its figures, and its first pages drawn as images, which go beside the
screenshots (``pdf-page-<n>.png``) for a person to look at."""

from __future__ import annotations

import html
import re
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pypdfium2 as pdfium
import pytest

PDF_NAME = "lstm-book.pdf"
FIRST_PAGES = 3
MIN_INK = 0.01  # share of a page's pixels that are not white: a blank page has none


@pytest.fixture(scope="module")
def book_pdf(html_dir: Path):
    path = html_dir / PDF_NAME
    if not path.is_file():
        pytest.fail(f"no {PDF_NAME} in {html_dir}: run `make pdf`", pytrace=False)
    document = pdfium.PdfDocument(str(path))
    yield document
    document.close()


def _text(document) -> str:
    pages = [document[i].get_textpage().get_text_range() for i in range(len(document))]
    return re.sub(r"\s+", " ", " ".join(pages))


def _heading(page_html: str) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", page_html, re.DOTALL)
    assert match, "a book page without a heading"
    text = re.sub(r"<a class=\"headerlink\".*?</a>|<[^>]+>", "", match.group(1))
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


def test_the_landing_page_links_the_pdf(new_visit, toc_root: str, html_dir: Path) -> None:
    seen = new_visit(1280)
    seen.page.goto(f"{seen.origin}/{toc_root}.html", wait_until="domcontentloaded")
    hrefs = seen.page.eval_on_selector_all(
        "article.bd-article a[href$='.pdf']", "(links) => links.map((a) => a.href)")
    assert hrefs, f"{toc_root}: no link to the book's PDF"
    target = html_dir / unquote(urlsplit(urljoin(seen.page.url, hrefs[0])).path).lstrip("/")
    assert target.resolve() == (html_dir / PDF_NAME).resolve(), f"the link leads to {target}"
    assert target.is_file()


def test_every_page_of_the_book_is_in_the_pdf(book_pdf, book_pages: list[str],
                                              html_dir: Path) -> None:
    text = _text(book_pdf)
    headings = [_heading((html_dir / f"{page}.html").read_text(encoding="utf-8"))
                for page in book_pages]
    missing = [h for h in headings if h not in text]
    assert missing == [], f"pages missing from the PDF: {missing}"
    assert len(book_pdf) > len(book_pages)


def test_every_figure_of_the_book_is_printed(book_pdf, book_pages: list[str],
                                             html_dir: Path) -> None:
    # lazy images load only when scrolled to: the print must have loaded them all
    figures = sum(len(re.findall(r"<figure[^>]*>\s*(?:<a[^>]*>\s*)?<img",
                                 (html_dir / f"{page}.html").read_text(encoding="utf-8")))
                  for page in book_pages)
    images = sum(1 for i in range(len(book_pdf))
                 for obj in book_pdf[i].get_objects(filter=[pdfium.raw.FPDF_PAGEOBJ_IMAGE]))
    assert figures > 0 and images >= figures, f"{images} images printed for {figures} figures"


def test_the_first_pages_are_drawn_and_open_with_the_title(
        book_pdf, screenshot_dir: Path, pytestconfig: pytest.Config) -> None:
    from PIL import ImageOps

    first = book_pdf[0].get_textpage().get_text_range()
    title = re.search(r"^title:\s*(.+)$", Path(pytestconfig.rootpath / "_config.yml")
                      .read_text(encoding="utf-8"), re.MULTILINE).group(1).strip()
    assert first.strip().startswith(title), f"page 1 opens with {first[:60]!r}"
    for number in range(1, FIRST_PAGES + 1):
        image = book_pdf[number - 1].render(scale=1.5).to_pil()
        image.save(screenshot_dir / f"pdf-page-{number}.png")
        grey = ImageOps.grayscale(image)
        ink = sum(grey.histogram()[:240]) / (grey.width * grey.height)
        assert ink > MIN_INK, f"page {number} is blank ({ink:.1%} ink)"


CODE_COLUMNS = 80  # ruff's line length for the notebooks: such a line is not wrapped on paper
PAPER_JS = """() => {
  const width = document.documentElement.clientWidth;
  const boxes = 'pre, table, div.cell_output, img, div.math, mjx-container[display=true]';
  const cut = [...document.querySelectorAll(boxes)].filter((el) =>
      el.scrollWidth > el.clientWidth + 2 || el.getBoundingClientRect().right > width + 2)
    .map((el) => `${el.tagName.toLowerCase()} "${(el.innerText || el.getAttribute('src')
      || '').slice(0, 50).replace(/\\s+/g, ' ')}" needs ${el.scrollWidth} px`);
  const ruler = document.createElement('canvas').getContext('2d');
  const narrow = [...document.querySelectorAll('div.cell_input pre')].map((pre) => {
    const style = getComputedStyle(pre);
    ruler.font = `${style.fontSize} ${style.fontFamily}`;
    const inner = pre.clientWidth - parseFloat(style.paddingLeft)
      - parseFloat(style.paddingRight);
    return Math.floor(inner / ruler.measureText('x').width);
  }).filter((columns) => columns < COLUMNS);
  const hidden = [...document.querySelectorAll('.solution, details')]
    .filter((el) => el.offsetHeight === 0 || (el.tagName === 'DETAILS' && !el.open));
  return {cut, narrow, hidden: hidden.length,
          solutions: document.querySelectorAll('.solution').length};
}""".replace("COLUMNS", str(CODE_COLUMNS))


def test_nothing_is_cut_at_the_edge_of_the_paper(chromium, html_dir: Path) -> None:
    """The single page as printed: no code, table, figure or equation wider than an A4
    page's column, room for an 80-column code line in every code cell, and every
    solution and hidden cell open."""
    from helpers.book.pdf import open_for_print

    site = html_dir.parent / "singlehtml"
    if not (site / "index.html").is_file():
        pytest.fail(f"no single-page build in {site}: run `make pdf`", pytrace=False)
    tab = open_for_print(chromium, site)
    try:
        found = tab.evaluate(PAPER_JS)
    finally:
        tab.close()
    assert found["cut"] == [], f"{len(found['cut'])} box(es) cut on paper: {found['cut'][:5]}"
    assert found["narrow"] == [], (
        f"{len(found['narrow'])} code cell(s) wrap before {CODE_COLUMNS} columns on paper "
        f"(room for {min(found['narrow'])})")
    assert found["solutions"] > 0 and found["hidden"] == 0, (
        f"{found['hidden']} fold(s) closed on paper")
