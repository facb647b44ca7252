"""Each chapter page opens with plain links to run its notebooks (Colab, Binder, GitHub), as
the introduction promises: right below the title, and no third-party image among them.
Every launch link of the book is built from the repository named in ``_config.yml``, and
every page carries the favicon and the logo. Read from the built HTML; no browser needed."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]

BOX = re.compile(r'<div class="launch-links[^"]*">(.*?)</div>', re.S)


def test_chapter_pages_offer_their_notebooks(html_dir: Path, chapter_notebooks) -> None:
    assert chapter_notebooks, "no chapter page has notebook sections in the table of contents"
    problems = []
    for chapter, notebooks in chapter_notebooks.items():
        html = (html_dir / f"{chapter}.html").read_text(encoding="utf-8")
        box = BOX.search(html)
        if box is None:
            problems.append(f"{chapter}: no launch links")
            continue
        title_end = html.index("</h1>")
        if html.find("<p", title_end) < box.start() or "<img" in box.group(1):
            problems.append(f"{chapter}: the launch links are not plain links below the title")
        for notebook in notebooks:
            for host in ("colab.research.google.com/github/", "mybinder.org/v2/gh/",
                         "github.com/"):
                if not re.search(rf'href="https://{re.escape(host)}[^"]*/{notebook}\.ipynb"',
                                 box.group(1)):
                    problems.append(f"{chapter}: no {host.split('/')[0]} link to {notebook}")
    assert not problems, "\n".join(problems)


def _configured() -> tuple[str, str, dict]:
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    repository = config["repository"]
    return (repository["url"].rstrip("/"), repository.get("branch") or "main",
            config.get("launch_buttons") or {})


LINK = re.compile(r'href="(https?://[^"]+)"')


def test_every_launch_link_is_built_from_the_configured_repository(
        html_dir: Path, book_pages: list[str]) -> None:
    """Colab, Binder and GitHub links (the theme's buttons, the chapter pages' links, the
    notebooks' "Open in Colab") all point at _config.yml's repository and branch."""
    repository, branch, launch = _configured()
    org_repo = repository.removeprefix("https://github.com/")
    colab, binder = launch["colab_url"].rstrip("/"), launch["binderhub_url"].rstrip("/")
    allowed = {
        colab: f"{colab}/github/{org_repo}/blob/{branch}/",
        binder: f"{binder}/v2/gh/{org_repo}/{branch}?",
        "https://github.com/": (repository, f"{repository}/blob/{branch}/"),
    }
    problems, checked = [], 0
    for page in book_pages:
        html = (html_dir / f"{page}.html").read_text(encoding="utf-8")
        # GitHub links count in the header buttons and the launch links; elsewhere a page
        # may cite other repositories
        header = html[html.find('<div class="bd-header-article'):html.find("<article")]
        boxes = "".join(BOX.findall(html))
        links = [u for u in LINK.findall(html) if u.startswith((colab, binder))]
        links += [u for u in LINK.findall(header + boxes) if u.startswith("https://github.com/")]
        for url in links:
            checked += 1
            prefixes = next(v for k, v in allowed.items() if url.startswith(k))
            prefixes = prefixes if isinstance(prefixes, tuple) else (prefixes,)
            if not (url in prefixes or url.startswith(tuple(p for p in prefixes
                                                             if p.endswith(("/", "?"))))):
                problems.append(f"{page}: {url} is not built from {repository} ({branch})")
    assert checked, "no launch link found on any page"
    assert not problems, "\n".join(problems)


def test_every_page_has_the_favicon_and_the_logo(html_dir: Path, book_pages) -> None:
    problems = []
    for page in book_pages:
        html = (html_dir / f"{page}.html").read_text(encoding="utf-8")
        for kind, pattern in (("favicon", r'<link rel="icon" href="([^"]+)"'),
                              ("logo", r'<img src="([^"]+)" class="logo__image')):
            found = re.search(pattern, html)
            if not found or not (html_dir / page).parent.joinpath(found.group(1)).is_file():
                problems.append(f"{page}: no {kind}" + (f" at {found.group(1)}" if found else ""))
    assert not problems, "\n".join(problems)
