"""Browser check of the rendered book: options, the local web server, Chromium.

Run it after the book is built (``make render-check`` does exactly this)::

    .venv/bin/python -m pytest tests/browser -q --html-dir=_build/html \\
        --mathjax-dir=_build/.cache/mathjax/package/es5

Write these options as ``--html-dir=PATH``: pytest defines them only once it has
read this file, and before that it takes a separate ``PATH`` for a test path
(harmless inside the repository, confusing for a book built elsewhere).
Each option can also come from the environment (``BOOK_HTML_DIR``,
``BOOK_MATHJAX_DIR``, ``BOOK_TOC``, ``BOOK_SCREENSHOT_DIR``, ``BOOK_CHROMIUM``);
relative paths given on the command line are taken from the current directory,
the defaults from the repository root. The root ``pyproject.toml`` keeps this
folder out of ``pytest tests`` (``norecursedirs``); name it explicitly to run it.

The machine that runs the check has no internet. Every request that does not
go to the local server is aborted and listed at the end of the run, except
MathJax: the pages load it from a CDN, and those requests are answered from a
local copy of the official ``mathjax@3`` npm package (``make browser``).
"""

from __future__ import annotations

import fnmatch
import functools
import http.server
import os
import re
import threading
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

import pytest
import yaml

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
SOURCE_SUFFIXES = (".md", ".ipynb", ".rst", ".myst")
# <script src="https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-mml-chtml.js">: the prefix is
# everything up to the last "/", and MathJax loads its fonts and components below it
MATHJAX_SCRIPT = re.compile(r"""<script[^>]*\ssrc=["'](https?://[^"']*mathjax[^"']*/)[^/"']+\.js""")

blocked_key = pytest.StashKey[dict[str, set[str]]]()  # external URL -> pages that asked for it
mathjax_key = pytest.StashKey[set[str]]()  # MathJax files answered from the local copy


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("book-browser", "browser check of the rendered book")
    group.addoption(
        "--html-dir", default=None,
        help="the built book (env BOOK_HTML_DIR); default: _build/html",
    )
    group.addoption(
        "--mathjax-dir", default=None,
        help="the es5/ folder of the mathjax@3 npm package (env BOOK_MATHJAX_DIR); "
        "default: _build/.cache/mathjax/package/es5, fetched by `make browser`",
    )
    group.addoption(
        "--toc", default=None,
        help="the book's table of contents (env BOOK_TOC); default: _toc.yml",
    )
    group.addoption(
        "--screenshot-dir", default=None,
        help="where the screenshots go (env BOOK_SCREENSHOT_DIR); "
        "default: <html-dir>/../screenshots",
    )
    group.addoption(
        "--chromium", default=None,
        help="the Chromium binary (env BOOK_CHROMIUM); default: /usr/bin/chromium",
    )


def _path(config: pytest.Config, option: str, env: str, default: str | Path) -> Path:
    """An option's path: command line, then environment, then default (from the repo root)."""
    value = config.getoption(option) or os.environ.get(env)
    if value:
        return Path(os.path.abspath(config.invocation_params.dir / value))
    return Path(os.path.abspath(config.rootpath / default))


def pytest_configure(config: pytest.Config) -> None:
    config.stash[blocked_key] = defaultdict(set)
    config.stash[mathjax_key] = set()


# --- the pages: every file of _toc.yml -------------------------------------------------------

def toc_pages(toc_path: Path) -> list[str]:
    """The pages of a jupyter-book ``_toc.yml``, in reading order, as paths without suffix."""
    toc = yaml.safe_load(toc_path.read_text(encoding="utf-8"))
    source = toc_path.parent
    pages: list[str] = []

    def add(file: str) -> None:
        path = PurePosixPath(file)
        page = str(path.with_suffix("")) if path.suffix in SOURCE_SUFFIXES else str(path)
        if page not in pages:
            pages.append(page)

    def walk(node: object) -> None:
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif isinstance(node, dict):
            for key in ("root", "file"):
                if node.get(key):
                    add(node[key])
            if node.get("glob"):  # `glob: notebooks/*`: every source file it matches
                files = sorted(
                    p.relative_to(source).as_posix() for p in source.rglob("*")
                    if p.suffix in SOURCE_SUFFIXES
                )
                for file in files:
                    if fnmatch.fnmatch(str(PurePosixPath(file).with_suffix("")), node["glob"]):
                        add(file)
            for key in ("parts", "chapters", "sections", "subtrees", "entries"):
                walk(node.get(key))

    walk(toc)
    if not pages:
        raise pytest.UsageError(f"{toc_path} lists no pages")
    return pages


def _toc(config: pytest.Config) -> list[str]:
    toc = _path(config, "--toc", "BOOK_TOC", "_toc.yml")
    if not toc.is_file():
        raise pytest.UsageError(f"table of contents not found: {toc} (see --toc)")
    return toc_pages(toc)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "toc_page" in metafunc.fixturenames:
        pages = _toc(metafunc.config)
        metafunc.parametrize("toc_page", pages, ids=pages)


@pytest.fixture(scope="session")
def toc_root(pytestconfig: pytest.Config) -> str:
    """The book's root page (``root:`` in _toc.yml), where index.html leads."""
    return _toc(pytestconfig)[0]


@pytest.fixture(scope="session")
def external_requests(pytestconfig: pytest.Config) -> dict[str, set[str]]:
    """Third-party URL -> the pages that asked for it; listed at the end of the run."""
    return pytestconfig.stash[blocked_key]


@pytest.fixture(scope="session")
def mathjax_served(pytestconfig: pytest.Config) -> set[str]:
    """The MathJax files (relative to --mathjax-dir) the pages loaded from the local copy."""
    return pytestconfig.stash[mathjax_key]


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
def mathjax_dir(pytestconfig: pytest.Config) -> Path:
    path = _path(
        pytestconfig, "--mathjax-dir", "BOOK_MATHJAX_DIR", "_build/.cache/mathjax/package/es5",
    )
    if not (path / "tex-mml-chtml.js").is_file():
        pytest.fail(
            f"no local MathJax at {path} (tex-mml-chtml.js missing): run `make browser` "
            "(it unpacks `npm pack mathjax@3`), or pass --mathjax-dir", pytrace=False,
        )
    return path


@pytest.fixture(scope="session")
def screenshot_dir(pytestconfig: pytest.Config, html_dir: Path) -> Path:
    default = html_dir.parent / "screenshots"
    path = _path(pytestconfig, "--screenshot-dir", "BOOK_SCREENSHOT_DIR", default)
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def mathjax_prefixes(html_dir: Path) -> tuple[str, ...]:
    """The CDN folders the built pages load MathJax from."""
    prefixes = {
        match
        for page in html_dir.rglob("*.html")
        for match in MATHJAX_SCRIPT.findall(page.read_text(encoding="utf-8", errors="replace"))
    }
    return tuple(sorted(prefixes))


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

    executable = pytestconfig.getoption("--chromium") or os.environ.get("BOOK_CHROMIUM")
    executable = executable or "/usr/bin/chromium"
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


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    blocked = config.stash.get(blocked_key, None)
    if blocked is None or not terminalreporter.stats.get("passed", []) + terminalreporter.stats.get(
        "failed", []
    ):
        return  # nothing ran (collection error, missing book): nothing to say
    write = terminalreporter.write_line
    terminalreporter.section("external requests (the check runs offline)", sep="-")
    served = config.stash.get(mathjax_key, set())
    write(f"MathJax: {len(served)} files answered from the local copy"
          + (f" ({', '.join(sorted(served)[:3])}{', ...' if len(served) > 3 else ''})"
             if served else ""))
    write(f"blocked third-party requests: {len(blocked) or 'none'}")
    for url in sorted(blocked):
        pages = sorted(blocked[url])
        shown = ", ".join(pages[:4]) + (f" and {len(pages) - 4} more" if len(pages) > 4 else "")
        write(f"{url}  <- {shown}")
