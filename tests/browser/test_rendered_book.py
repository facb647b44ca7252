"""Every page of ``_toc.yml``, opened in headless Chromium as a reader sees it.

For each page: it loads, it has its title, every image in the main content has
loaded, its math was typeset by MathJax (no raw TeX left on screen, no MathJax
errors), and nothing went wrong on the way (console errors, uncaught
exceptions, failed or >= 400 requests to the local server). Each page gets a
full-page screenshot under ``_build/screenshots/``; the landing page's is
``_build/screenshots/index.png``.
"""

from __future__ import annotations

import mimetypes
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

VIEWPORT = {"width": 1280, "height": 900}
MAX_VIEWPORT_HEIGHT = 16_000
NEXT_FRAME_JS = (
    "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"
)
TIMEOUT_MS = 15_000
CODE_OR_SCRIPT = re.compile(r"<(pre|code|script|style)\b.*?</\1>", re.S | re.I)
CONTENT_TYPES = {
    ".js": "text/javascript", ".json": "application/json", ".woff": "font/woff",
    ".woff2": "font/woff2", ".otf": "font/otf", ".ttf": "font/ttf",
}

TITLE_JS = """() => {
  const visible = (el) => el.checkVisibility ? el.checkVisibility() : el.offsetParent !== null;
  const h1 = document.querySelector('article.bd-article h1')
    || [...document.querySelectorAll('h1')].find(visible);  // not the theme's print-only one
  if (!h1) return null;
  const copy = h1.cloneNode(true);
  copy.querySelectorAll('.headerlink').forEach((a) => a.remove());
  return copy.textContent.replace(/\\s+/g, ' ').trim();
}"""

IMAGES_JS = """async () => {
  const main = document.querySelector('#main-content') || document.querySelector('main')
    || document.body;
  const images = [...main.querySelectorAll('img')];
  images.forEach((img) => { if (img.loading === 'lazy') img.loading = 'eager'; });
  await Promise.all(images.map((img) => img.complete ? null : new Promise((done) => {
    img.addEventListener('load', done, {once: true});
    img.addEventListener('error', done, {once: true});
    setTimeout(done, 10000);
  })));
  return images.map((img) => ({
    src: img.getAttribute('src'), url: img.currentSrc || img.src,
    ok: img.complete && img.naturalWidth > 0,
  }));
}"""

MATH_JS = """() => {
  const math = [...document.querySelectorAll('.math')];
  const visible = (el) => el.checkVisibility ? el.checkVisibility() : el.offsetParent !== null;
  const raw = [];
  const main = document.querySelector('#main-content') || document.body;
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || el.closest('pre, code, script, style, textarea, mjx-container')) continue;
    if (/\\$\\$|\\\\\\[|\\\\\\(|\\\\begin\\{/.test(node.textContent) && visible(el)) {
      raw.push(node.textContent.trim().slice(0, 80));
    }
  }
  return {
    math: math.length,
    containers: document.querySelectorAll('mjx-container').length,
    untypeset: math.filter((el) => !el.querySelector('mjx-container'))
      .map((el) => el.textContent.trim().slice(0, 80)),
    errors: [...document.querySelectorAll('mjx-merror')]
      .map((el) => el.getAttribute('data-mjx-error') || el.textContent.slice(0, 80)),
    raw,
  };
}"""


@dataclass
class Visit:
    """One page in its own browser context, and everything that went wrong there."""

    page: object
    origin: str
    blocked: list[str] = field(default_factory=list)
    mathjax_served: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def local(self, url: str) -> bool:
        return url == self.origin or url.startswith(self.origin + "/")


@pytest.fixture
def visit(
    chromium, book_url: str, mathjax_dir: Path, mathjax_prefixes: tuple[str, ...],
    external_requests: dict[str, set[str]], mathjax_served: set[str],
    request: pytest.FixtureRequest,
) -> Iterator[Visit]:
    context = chromium.new_context(viewport=VIEWPORT, service_workers="block")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    seen = Visit(page=page, origin=book_url)

    def route(route) -> None:
        url = route.request.url
        if seen.local(url):
            route.continue_()
            return
        for prefix in mathjax_prefixes:
            if url.startswith(prefix):
                rel = unquote(urlsplit(url).path[len(urlsplit(prefix).path):])
                path = (mathjax_dir / rel).resolve()
                if path.is_file() and path.is_relative_to(mathjax_dir.resolve()):
                    seen.mathjax_served.append(rel)
                    content_type = CONTENT_TYPES.get(path.suffix) or (
                        mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                    )
                    route.fulfill(status=200, body=path.read_bytes(), headers={
                        "content-type": content_type, "access-control-allow-origin": "*",
                    })
                else:
                    seen.problems.append(f"MathJax file missing from the local copy: {url}")
                    route.fulfill(status=404, body="not in the local MathJax copy")
                return
        seen.blocked.append(url)
        route.abort("blockedbyclient")

    def on_console(message) -> None:
        if message.type != "error":
            return
        where = message.location.get("url", "")
        if where in seen.blocked and message.text.startswith("Failed to load resource"):
            return  # the third-party request we aborted ourselves
        seen.problems.append(f"console error: {message.text} ({where})")

    def on_request_failed(req) -> None:
        if seen.local(req.url):
            seen.problems.append(f"request failed: {req.url} ({req.failure})")

    def on_response(response) -> None:
        if response.status >= 400 and seen.local(response.url):
            seen.problems.append(f"HTTP {response.status}: {response.url}")

    context.route("**/*", route)
    page.on("console", on_console)
    page.on("pageerror", lambda error: seen.problems.append(f"uncaught exception: {error}"))
    page.on("requestfailed", on_request_failed)
    page.on("response", on_response)
    try:
        yield seen
    finally:
        context.close()
        mathjax_served.update(seen.mathjax_served)
        callspec = getattr(request.node, "callspec", None)
        for url in seen.blocked:
            external_requests[url].add(callspec.id if callspec else request.node.name)
        if seen.blocked:
            print("blocked external requests:", *sorted(set(seen.blocked)), sep="\n  ")


def check_page(seen: Visit, source: Path, screenshot: Path) -> None:
    """Everything a reader would notice on the page now open; problems go to seen.problems."""
    page, problems = seen.page, seen.problems
    html = source.read_text(encoding="utf-8", errors="replace")
    prose = CODE_OR_SCRIPT.sub("", html)  # a regex like r"\(\d+\)" in a code cell is not math
    has_math = 'class="math' in prose or "\\(" in prose or "\\[" in prose

    title = page.evaluate(TITLE_JS)
    if not title:
        problems.append("no <h1> title (or an empty one)")
    elif " ".join(title.split()) not in " ".join(page.title().split()):
        problems.append(f"<title> {page.title()!r} does not contain the <h1> {title!r}")

    for image in page.evaluate(IMAGES_JS):
        external = image["url"] in seen.blocked  # listed at the end of the run, not a failure
        if not image["ok"] and not external:
            problems.append(f"image did not load: {image['src']}")

    if has_math:  # wait for MathJax, then look at what it made
        try:
            page.wait_for_function(
                "() => window.MathJax && window.MathJax.startup && window.MathJax.startup.promise",
            )
            page.evaluate("() => MathJax.startup.promise.then(() => true)")
        except Exception as error:  # any failure here: the math is not typeset
            problems.append(f"MathJax did not start: {str(error).splitlines()[0]}")
    math = page.evaluate(MATH_JS)
    if has_math and not math["containers"]:
        problems.append(f"page has math ({math['math']} .math elements) but no mjx-container")
    problems += [f"math not typeset: {text!r}" for text in math["untypeset"]]
    problems += [f"MathJax error: {text!r}" for text in math["errors"]]
    problems += [f"raw TeX visible: {text!r}" for text in math["raw"]]  # on every page

    page.evaluate("() => document.fonts.ready.then(() => true)")
    page.wait_for_load_state("networkidle")
    save_screenshot(page, screenshot)


def save_screenshot(page, path: Path) -> None:
    """The whole page. A viewport as tall as the page gives the theme's sticky sidebars the
    layout a reader sees (full_page=True clips the "Contents" sidebar); pages taller than
    Chromium's largest texture fall back to full_page."""
    path.parent.mkdir(parents=True, exist_ok=True)
    height = page.evaluate("() => document.documentElement.scrollHeight")
    if height > MAX_VIEWPORT_HEIGHT:
        page.screenshot(path=str(path), full_page=True)
        return
    page.set_viewport_size({"width": VIEWPORT["width"], "height": max(height, VIEWPORT["height"])})
    page.evaluate(NEXT_FRAME_JS)
    page.screenshot(path=str(path))


def report(page: str, problems: list[str]) -> None:
    if problems:
        pytest.fail(f"{page}: {len(problems)} problem(s)\n  " + "\n  ".join(problems),
                    pytrace=False)


def test_page(toc_page: str, visit: Visit, html_dir: Path, screenshot_dir: Path) -> None:
    source = html_dir / f"{toc_page}.html"
    assert source.is_file(), f"{toc_page} is in _toc.yml but {source} was not built"
    response = visit.page.goto(f"{visit.origin}/{toc_page}.html", wait_until="load")
    status = response.status if response else None
    assert response is not None and response.ok, f"{toc_page}.html: HTTP {status}"
    check_page(visit, source, screenshot_dir / f"{toc_page}.png")
    report(f"{toc_page}.html", visit.problems)


def test_landing_page(visit: Visit, html_dir: Path, screenshot_dir: Path, toc_root: str) -> None:
    """index.html leads to the root page of _toc.yml, and its screenshot is index.png."""
    response = visit.page.goto(f"{visit.origin}/index.html", wait_until="load")
    status = response.status if response else None
    assert response is not None and response.ok, f"index.html: HTTP {status}"
    if (html_dir / "index.html").read_text(encoding="utf-8").lstrip().startswith("<meta"):
        visit.page.wait_for_url(f"{visit.origin}/{toc_root}.html")  # jupyter-book's redirect
    landed = urlsplit(visit.page.url).path.lstrip("/") or "index.html"
    check_page(visit, html_dir / landed, screenshot_dir / "index.png")
    report(f"index.html (-> {landed})", visit.problems)
