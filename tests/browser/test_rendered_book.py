"""Every page of ``_toc.yml``, opened in headless Chromium at a phone's and a laptop's width.

On each page: it loads with its title; every image loads, and every figure has a numbered
caption and real alt text; its math is typeset by MathJax 3 served from the book (no raw
TeX, no dollar amounts set as math); nothing is wider than its column unless it scrolls
inside its own box, and no text is cut off; no test marker (``NBVAL``) is visible; one
search box at most; and nothing went wrong on the way (console errors, uncaught
exceptions, failed or >= 400 requests, any request to another server). Each page gets a
screenshot, ``_build/screenshots/<page>-<width>.png``, e.g.
``_build/screenshots/book/intro-390.png``.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from page_checks import (
    HEIGHT,
    Visit,
    image_problems,
    layout_problems,
    math_problems,
    text_problems,
    title_problems,
)

MAX_VIEWPORT_HEIGHT = 16_000
NEXT_FRAME_JS = (
    "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"
)
CODE_OR_SCRIPT = re.compile(r"<(pre|code|script|style)\b.*?</\1>", re.S | re.I)


def check_page(seen: Visit, source: Path, screenshot: Path) -> None:
    """Everything a reader would notice on the page now open; problems go to seen.problems."""
    page = seen.page
    prose = CODE_OR_SCRIPT.sub("", source.read_text(encoding="utf-8", errors="replace"))
    has_math = 'class="math' in prose or "\\(" in prose or "\\[" in prose
    seen.problems += title_problems(page)
    seen.problems += image_problems(page, seen.blocked)
    seen.problems += math_problems(page, seen.origin, has_math)
    page.evaluate("() => document.fonts.ready.then(() => true)")
    seen.problems += layout_problems(page)
    seen.problems += text_problems(page)
    seen.problems += [f"request to another server: {url}" for url in sorted(set(seen.blocked))]
    save_screenshot(page, screenshot)


def save_screenshot(page, path: Path) -> None:
    """The whole page. A viewport as tall as the page gives the theme's sticky sidebars the
    layout a reader sees (full_page=True clips the "Contents" sidebar); pages taller than
    Chromium's largest texture fall back to full_page."""
    path.parent.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    height = page.evaluate("() => document.documentElement.scrollHeight")
    if height > MAX_VIEWPORT_HEIGHT:
        page.screenshot(path=str(path), full_page=True)
        return
    page.set_viewport_size({"width": width, "height": max(height, HEIGHT)})
    page.evaluate(NEXT_FRAME_JS)
    page.screenshot(path=str(path))


def report(page: str, problems: list[str]) -> None:
    if problems:
        pytest.fail(f"{page}: {len(problems)} problem(s)\n  " + "\n  ".join(problems),
                    pytrace=False)


def test_page(toc_page: str, width: int, new_visit, html_dir: Path, screenshot_dir: Path) -> None:
    source = html_dir / f"{toc_page}.html"
    assert source.is_file(), f"{toc_page} is in _toc.yml but {source} was not built"
    seen = new_visit(width)
    response = seen.page.goto(f"{seen.origin}/{toc_page}.html", wait_until="load")
    status = response.status if response else None
    assert response is not None and response.ok, f"{toc_page}.html: HTTP {status}"
    check_page(seen, source, screenshot_dir / f"{toc_page}-{width}.png")
    report(f"{toc_page}.html at {width} px", seen.problems)


def test_landing_page(new_visit, html_dir: Path, toc_root: str) -> None:
    """index.html leads to the root page of _toc.yml."""
    seen = new_visit(1280)
    response = seen.page.goto(f"{seen.origin}/index.html", wait_until="load")
    status = response.status if response else None
    assert response is not None and response.ok, f"index.html: HTTP {status}"
    if (html_dir / "index.html").read_text(encoding="utf-8").lstrip().startswith("<meta"):
        seen.page.wait_for_url(f"{seen.origin}/{toc_root}.html")  # jupyter-book's redirect
    landed = urlsplit(seen.page.url).path.lstrip("/") or "index.html"
    seen.problems += title_problems(seen.page)
    report(f"index.html (-> {landed})", seen.problems)
