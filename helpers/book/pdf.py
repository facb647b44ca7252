"""The whole book as one PDF: its single-page build, printed by headless Chromium.

Jupyter Book's ``singlehtml`` builder puts every chapter on one page; Chromium, the
browser the book's checks already use, prints that page the way it prints any web
page. Nothing is fetched from the network: the page, its figures and its MathJax are
local files, and any other request is refused. Before printing, every figure is
loaded (the book marks them lazy) and every fold is opened (hidden code cells and
exercise solutions), since a reader cannot click on paper.

The single page's links are written relative to the build folder, although Sphinx
stores the page one folder down (``book/intro.html``, with ``index.html`` redirecting
there); so the page is served to Chromium as the folder's ``index.html``.

Command line (``make pdf`` runs it after building the single page)::

    python -m helpers.book.pdf _build/singlehtml _build/html/lstm-book.pdf

Examples
--------
>>> print_pdf("missing", "book.pdf")
Traceback (most recent call last):
...
FileNotFoundError: site='missing' has no index.html: build the single page first \
(jupyter-book build . --builder singlehtml), or run `make pdf`.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

from helpers.files import atomic_output

__all__ = ["CHROMIUM_VARIABLE", "DEFAULT_CHROMIUM", "PAPER_WIDTH_PX", "open_for_print",
           "print_pdf", "root_page"]

DEFAULT_CHROMIUM = "/usr/bin/chromium"  # Debian's, as `make browser` installs it
#: Another Chromium (a macOS app's binary, say), for this module and tests/browser alike
CHROMIUM_VARIABLE = "BOOK_CHROMIUM"
TIMEOUT_MS = 300_000  # a book of 60 figures prints in under a minute on 2 cores
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
MARGIN_MM = (16, 14)  # top (the bottom has 2 more, for the page number), left and right
#: CSS px across the printed column of an A4 page (96 px per inch)
PAPER_WIDTH_PX = round((210 - 2 * MARGIN_MM[1]) / 25.4 * 96)

# Load every lazy figure, open every fold, and wait for MathJax to typeset the math.
PREPARE_JS = """async () => {
  const images = [...document.querySelectorAll('img')];
  images.forEach((img) => { img.loading = 'eager'; });
  await Promise.all(images.map((img) => img.complete ? null : new Promise((done) => {
    img.addEventListener('load', done, {once: true});
    img.addEventListener('error', done, {once: true});
  })));
  document.querySelectorAll('details').forEach((fold) => { fold.open = true; });
  document.querySelectorAll('.toggle-hidden, .toggle-details__container')
    .forEach((el) => el.classList.remove('toggle-hidden'));
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
  }
  return images.filter((img) => img.naturalWidth === 0).map((img) => img.src);
}"""

FOOTER = ('<div style="font-size: 8px; width: 100%; text-align: center; color: #555;">'
          '<span class="pageNumber"></span> / <span class="totalPages"></span></div>')


def root_page(site: str | Path) -> Path:
    """The single-page build's page: ``index.html``, or the page it redirects to.

    >>> import tempfile
    >>> site = Path(tempfile.mkdtemp())
    >>> _ = (site / "index.html").write_text('<meta http-equiv="Refresh" '
    ...                                      'content="0; url=book/intro.html" />')
    >>> (site / "book").mkdir(); _ = (site / "book" / "intro.html").write_text("<h1>")
    >>> root_page(site).relative_to(site).as_posix()
    'book/intro.html'
    """
    site = Path(site)
    index = site / "index.html"
    if not index.is_file():
        raise FileNotFoundError(
            f"site={str(site)!r} has no index.html: build the single page first "
            "(jupyter-book build . --builder singlehtml), or run `make pdf`.")
    redirect = re.search(r'http-equiv="Refresh" content="0; url=([^"]+)"',
                         index.read_text(encoding="utf-8"), re.IGNORECASE)
    page = site / redirect.group(1) if redirect else index
    if not page.is_file():
        raise FileNotFoundError(f"{index} redirects to {page}, which does not exist: "
                                "rebuild the single page.")
    return page


def open_for_print(browser, site: str | Path):
    """A new tab of the Playwright ``browser`` showing the single-page build in ``site``
    as it prints: every figure loaded, every fold open, the math typeset, print styles on.

    Raises
    ------
    RuntimeError
        When an image of the page cannot be loaded.
    """
    site = Path(site)
    page = root_page(site)
    url, html = (site.resolve() / "index.html").as_uri(), page.read_bytes()

    def serve(route) -> None:
        if route.request.url == url:
            route.fulfill(body=html, content_type="text/html; charset=utf-8")
        elif route.request.url.startswith("file:"):
            route.continue_()
        else:  # offline: the book's own files only
            route.abort()

    tab = browser.new_page(viewport={"width": PAPER_WIDTH_PX, "height": 1100})
    tab.set_default_timeout(TIMEOUT_MS)
    tab.route("**/*", serve)
    tab.goto(url, wait_until="load")
    missing = tab.evaluate(PREPARE_JS)
    if missing:
        raise RuntimeError(f"{len(missing)} image(s) of {page} did not load, "
                           f"first {missing[0]}: rebuild the single page.")
    tab.emulate_media(media="print")
    return tab


def print_pdf(site: str | Path, pdf: str | Path, *,
              chromium: str | Path = DEFAULT_CHROMIUM) -> Path:
    """Print the single-page build in folder ``site`` to ``pdf`` (A4, numbered pages).

    Parameters
    ----------
    site
        The output folder of ``jupyter-book build . --builder singlehtml``, for
        example ``_build/singlehtml``.
    pdf
        Where the PDF goes. It is written to a temporary file and moved into
        place, so a failed print leaves any earlier PDF as it was.
    chromium
        The Chromium binary.

    Returns
    -------
    Path
        ``pdf``.

    Raises
    ------
    FileNotFoundError
        When ``site`` holds no single-page build, or ``chromium`` does not exist.
    RuntimeError
        When a figure of the page cannot be loaded.
    """
    site, pdf, chromium = Path(site), Path(pdf), Path(chromium)
    root_page(site)  # a clear error before Chromium starts
    if pdf.suffix != ".pdf":
        raise ValueError(f"pdf={str(pdf)!r} must end in .pdf.")
    if not chromium.is_file():
        raise FileNotFoundError(
            f"chromium={str(chromium)!r} does not exist: run `make browser` (Debian's "
            f"chromium), or pass --chromium PATH or set {CHROMIUM_VARIABLE}.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), headless=True,
                                             args=CHROMIUM_ARGS)
        try:
            document = open_for_print(browser, site).pdf(
                format="A4", print_background=True,
                margin={"top": f"{MARGIN_MM[0]}mm", "bottom": f"{MARGIN_MM[0] + 2}mm",
                        "left": f"{MARGIN_MM[1]}mm", "right": f"{MARGIN_MM[1]}mm"},
                display_header_footer=True, header_template="<div></div>",
                footer_template=FOOTER)
        finally:
            browser.close()
    with atomic_output(pdf, "wb") as handle:
        handle.write(document)
    return pdf


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.book.pdf",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("site", help="the single-page build's folder (_build/singlehtml)")
    parser.add_argument("pdf", help="the PDF to write")
    parser.add_argument("--chromium", default=None,
                        help=f"the Chromium binary (default: ${CHROMIUM_VARIABLE}, else "
                             f"{DEFAULT_CHROMIUM})")
    args = parser.parse_args(argv)
    try:
        chromium = args.chromium or os.environ.get(CHROMIUM_VARIABLE) or DEFAULT_CHROMIUM
        path = print_pdf(args.site, args.pdf, chromium=chromium)
    except (FileNotFoundError, ValueError, RuntimeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"PDF written: {path} ({path.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
