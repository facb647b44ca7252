"""Browser check of the rendered book: options, the local web server, Chromium.

Run it after the book is built (``make render-check`` does exactly this)::

    .venv/bin/python -m pytest tests/browser -q --html-dir=_build/html

Write options as ``--html-dir=PATH``: pytest defines them only once it has read this
file, and before that it takes a separate ``PATH`` for a test path. Each option can also
come from the environment (``BOOK_HTML_DIR``, ``BOOK_TOC``, ``BOOK_SCREENSHOT_DIR``,
``BOOK_CHROMIUM``); relative paths given on the command line are taken from the current
directory, the defaults from the repository root. The root ``pyproject.toml`` keeps this
folder out of ``pytest tests`` (``norecursedirs``); name it explicitly to run it.

The machine that runs the check has no internet, and the book must not need it: every
request that does not go to the local server is aborted and listed at the end of the run
(MathJax included: the book serves its own copy).
"""

from __future__ import annotations

import functools
import http.server
import os
import sys
import threading
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "book" / "_ext"))
from book_toc import TocEntry, read_toc  # the book's own reader of _toc.yml
from page_checks import HEIGHT, WIDTHS, Visit

from helpers.book.pdf import CHROMIUM_VARIABLE, DEFAULT_CHROMIUM

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]

TIMEOUT_MS = 15_000

blocked_key = pytest.StashKey[dict[str, set[str]]]()  # external URL -> pages that asked for it


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("book-browser", "browser check of the rendered book")
    group.addoption(
        "--html-dir", default=None,
        help="the built book (env BOOK_HTML_DIR); default: _build/html",
    )
    group.addoption(
        "--toc", default=None,
        help="the book's table of contents (env BOOK_TOC); default: _toc.yml",
    )
    group.addoption(
        "--screenshot-dir", default=None,
        help="where the screenshots go, replacing the PNG files there (env "
        "BOOK_SCREENSHOT_DIR); default: <html-dir>/../screenshots",
    )
    group.addoption(
        "--chromium", default=None,
        help=f"the Chromium binary (env {CHROMIUM_VARIABLE}); default: {DEFAULT_CHROMIUM}",
    )


def _path(config: pytest.Config, option: str, env: str, default: str | Path) -> Path:
    """An option's path: command line, then environment, then default (from the repo root)."""
    value = config.getoption(option) or os.environ.get(env)
    if value:
        return Path(os.path.abspath(config.invocation_params.dir / value))
    return Path(os.path.abspath(config.rootpath / default))


def pytest_configure(config: pytest.Config) -> None:
    config.stash[blocked_key] = defaultdict(set)


def toc_path(config: pytest.Config) -> Path:
    toc = _path(config, "--toc", "BOOK_TOC", "_toc.yml")
    if not toc.is_file():
        raise pytest.UsageError(f"table of contents not found: {toc} (see --toc)")
    return toc


def toc_entries(config: pytest.Config) -> list[TocEntry]:
    """The pages of ``--toc`` in reading order, each with its chapter."""
    try:
        return read_toc(toc_path(config))
    except ValueError as error:
        raise pytest.UsageError(str(error)) from None


def toc_pages(config: pytest.Config) -> list[str]:
    """The pages of ``--toc`` in reading order, as paths without suffix."""
    return [entry.page for entry in toc_entries(config)]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """``toc_page`` with ``width``: every page of the book at every width; ``book_page``:
    every page of the book (the test picks its width)."""
    if "toc_page" in metafunc.fixturenames:
        cases = [(page, width) for page in toc_pages(metafunc.config) for width in WIDTHS]
        metafunc.parametrize(("toc_page", "width"), cases,
                             ids=[f"{page}-{width}" for page, width in cases])
    if "book_page" in metafunc.fixturenames:
        pages = toc_pages(metafunc.config)
        metafunc.parametrize("book_page", pages, ids=pages)


@pytest.fixture(scope="session")
def book_pages(pytestconfig: pytest.Config) -> list[str]:
    """Every page of _toc.yml in reading order, the root first."""
    return toc_pages(pytestconfig)


@pytest.fixture(scope="session")
def chapter_notebooks(pytestconfig: pytest.Config) -> dict[str, list[str]]:
    """Each chapter page that has notebook sections, with those notebooks."""
    source = toc_path(pytestconfig).parent
    chapters: dict[str, list[str]] = {}
    for entry in toc_entries(pytestconfig):
        if entry.page != entry.chapter and (source / f"{entry.page}.ipynb").is_file():
            chapters.setdefault(entry.chapter, []).append(entry.page)
    return chapters


@pytest.fixture(scope="session")
def toc_root(book_pages: list[str]) -> str:
    """The book's root page (``root:`` in _toc.yml), where index.html leads."""
    return book_pages[0]


@pytest.fixture(scope="session")
def external_requests(pytestconfig: pytest.Config) -> dict[str, set[str]]:
    """Third-party URL -> the pages that asked for it; listed at the end of the run."""
    return pytestconfig.stash[blocked_key]


# --- the book, the server, the browser -------------------------------------------------------

@pytest.fixture(scope="session")
def html_dir(pytestconfig: pytest.Config) -> Path:
    path = _path(pytestconfig, "--html-dir", "BOOK_HTML_DIR", "_build/html")
    if not (path / "index.html").is_file():
        pytest.fail(
            f"no built book at {path} (index.html missing): run `make book` first "
            "(or pass --html-dir)", pytrace=False,
        )
    return path


@pytest.fixture(scope="session")
def screenshot_dir(pytestconfig: pytest.Config, html_dir: Path) -> Path:
    default = html_dir.parent / "screenshots"
    path = _path(pytestconfig, "--screenshot-dir", "BOOK_SCREENSHOT_DIR", default)
    path.mkdir(parents=True, exist_ok=True)
    for old in path.rglob("*.png"):  # only this run's pages, no stale ones beside them
        old.unlink()
    return path


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {  # noqa: RUF012 - the class attribute SimpleHTTPRequestHandler reads
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript", ".woff": "font/woff", ".woff2": "font/woff2",
        ".svg": "image/svg+xml", ".json": "application/json",
    }

    def log_message(self, format: str, *args: object) -> None:
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # the browser dropping a connection is not a failure of the book


@pytest.fixture(scope="session")
def book_url(html_dir: Path) -> Iterator[str]:
    """``http://127.0.0.1:<port>``: the built book, served from a thread."""
    handler = functools.partial(_QuietHandler, directory=str(html_dir))
    server = _QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="book-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def chromium(pytestconfig: pytest.Config):
    from playwright.sync_api import Error, sync_playwright

    executable = (pytestconfig.getoption("--chromium") or os.environ.get(CHROMIUM_VARIABLE)
                  or DEFAULT_CHROMIUM)
    if not Path(executable).is_file():
        pytest.fail(f"Chromium not found at {executable}: run `make browser`", pytrace=False)
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(
                executable_path=executable, headless=True, args=CHROMIUM_ARGS,
            )
        except Error as error:
            pytest.fail(f"Chromium at {executable} did not start: {error}", pytrace=False)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def new_visit(
    chromium, book_url: str, external_requests: dict[str, set[str]],
    request: pytest.FixtureRequest,
) -> Iterator[Callable[..., Visit]]:
    """``new_visit(width, touch=False)``: a fresh tab that records every problem on the way
    (console errors, uncaught exceptions, failed local requests) and aborts every request
    to another server."""
    contexts, visits = [], []

    def open_tab(width: int, touch: bool = False) -> Visit:
        context = chromium.new_context(
            viewport={"width": width, "height": HEIGHT}, service_workers="block",
            has_touch=touch, is_mobile=touch,
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        seen = Visit(page=context.new_page(), origin=book_url)

        def route(route) -> None:
            if seen.local(route.request.url):
                route.continue_()
            else:
                seen.blocked.append(route.request.url)
                route.abort("blockedbyclient")

        def on_console(message) -> None:
            where = message.location.get("url", "")
            if message.type != "error" or (
                where in seen.blocked and message.text.startswith("Failed to load resource")
            ):
                return  # the third-party request we aborted ourselves is reported below
            seen.problems.append(f"console error: {message.text} ({where})")

        def on_request_failed(req) -> None:
            # leaving a page aborts its late requests (fonts, lazy images): not a fault of
            # the book; a missing file answers 404 and is caught below
            if seen.local(req.url) and "ERR_ABORTED" not in (req.failure or ""):
                seen.problems.append(f"request failed: {req.url} ({req.failure})")

        def on_response(response) -> None:
            if response.status >= 400 and seen.local(response.url):
                seen.problems.append(f"HTTP {response.status}: {response.url}")

        context.route("**/*", route)
        seen.page.on("console", on_console)
        seen.page.on("pageerror", lambda error: seen.problems.append(f"uncaught: {error}"))
        seen.page.on("requestfailed", on_request_failed)
        seen.page.on("response", on_response)
        visits.append(seen)
        return seen

    yield open_tab
    for context in contexts:
        context.close()
    callspec = getattr(request.node, "callspec", None)
    for seen in visits:
        for url in seen.blocked:
            external_requests[url].add(callspec.id if callspec else request.node.name)


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    blocked = config.stash.get(blocked_key, None)
    stats = terminalreporter.stats
    if blocked is None or not stats.get("passed", []) + stats.get("failed", []):
        return  # nothing ran (collection error, missing book): nothing to say
    write = terminalreporter.write_line
    terminalreporter.section("external requests (the check runs offline)", sep="-")
    write(f"blocked third-party requests: {len(blocked) or 'none'}")
    for url in sorted(blocked):
        pages = sorted(blocked[url])
        shown = ", ".join(pages[:4]) + (f" and {len(pages) - 4} more" if len(pages) > 4 else "")
        write(f"{url}  <- {shown}")
