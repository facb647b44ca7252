"""What a reader would notice on an open page of the book, as lists of problems.

Each ``*_problems`` function runs a little JavaScript in the page and returns one line per
problem (empty: the page is fine). ``tests/browser/test_rendered_book.py`` runs them all
on every page at a phone's and a laptop's width.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

WIDTHS = (390, 1280)  # a phone and a laptop, in CSS pixels
HEIGHT = 900
MAX_DISTORTION = 0.03  # drawn aspect ratio within 3% of the image's own
# the hash file name myst-nb gives an output image, used as alt text when the cell has none
HASH_NAME = re.compile(r"[0-9a-f]{20,}|\.(png|jpe?g|svg|gif)$", re.I)



@dataclass
class Visit:
    """One browser tab in its own context, and everything that went wrong there."""

    page: object
    origin: str
    blocked: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def local(self, url: str) -> bool:
        return url == self.origin or url.startswith(self.origin + "/")


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
  return images.map((img) => {
    const figure = img.closest('figure');
    const caption = figure && figure.querySelector('figcaption');
    return {
      src: img.getAttribute('src'), url: img.currentSrc || img.src,
      ok: img.complete && img.naturalWidth > 0,
      // drawn width:height over the file's: 1 unless the page squeezes the image
      shape: img.naturalWidth && img.height ? (img.width / img.height)
        / (img.naturalWidth / img.naturalHeight) : 1,
      inArticle: !!img.closest('article.bd-article'),
      alt: img.getAttribute('alt') || '',
      caption: caption ? caption.innerText.replace(/\\s+/g, ' ').trim() : '',
      numbered: !!(caption && caption.querySelector('.caption-number')),
    };
  });
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
  // "a $5 error ... a $1,000 stock": dollar amounts taken for the delimiters of math
  const items = window.MathJax && MathJax.startup && MathJax.startup.document
    ? [...MathJax.startup.document.math] : [];
  // (a word outside any TeX command, e.g. not the "alarm rate" of "1 - \\text{alarm rate}")
  const words = (tex) => tex.replace(/\\\\[A-Za-z]+\\s*\\{[^{}]*\\}/g, ' ')
    .replace(/\\\\[A-Za-z]+/g, ' ');
  const dollars = items.filter((item) => !item.display && /^\\s*\\d/.test(item.math)
      && /[A-Za-z]{2,}/.test(words(item.math)))
    .map((item) => item.math.slice(0, 80));
  return {
    math: math.length,
    containers: document.querySelectorAll('mjx-container').length,
    untypeset: math.filter((el) => !el.querySelector('mjx-container'))
      .map((el) => el.textContent.trim().slice(0, 80)),
    errors: [...document.querySelectorAll('mjx-merror')]
      .map((el) => el.getAttribute('data-mjx-error') || el.textContent.slice(0, 80)),
    raw,
    dollars,
    scripts: [...document.scripts].map((s) => s.src).filter((src) => /mathjax/i.test(src)),
    version: window.MathJax ? String(window.MathJax.version || '') : '',
  };
}"""

# Anything in the article that sticks out of its column, unless it sits in a box that
# scrolls and itself fits; anything whose text a box with overflow hidden cuts off.
OVERFLOW_JS = """() => {
  const article = document.querySelector('article.bd-article');
  if (!article) return {wide: [], cut: [], missing: true};
  const box = article.getBoundingClientRect();
  const left = box.left - 1, right = box.right + 1;
  const fits = (r) => r.left >= left && r.right <= right;
  const scrolls = (el) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
  const where = (el) => {
    const section = el.closest('section[id]');
    const text = (el.innerText || el.textContent || '').replace(/\\s+/g, ' ').trim();
    const cls = typeof el.className === 'string' && el.className
      ? '.' + el.className.trim().split(/\\s+/).slice(0, 2).join('.') : '';
    return `${el.tagName.toLowerCase()}${cls}` + (section ? ` in #${section.id}` : '')
      + ` "${text.slice(0, 50)}"`;
  };
  const wide = [], cut = [];
  for (const el of article.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (el.closest('mjx-container') && el.tagName.toLowerCase() !== 'mjx-container') continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden') continue;
    if (['hidden', 'clip'].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1
        && (el.innerText || '').trim() && !el.closest('.headerlink, button')
        && !el.querySelector('mjx-container')) {  // MathJax's hidden copy for screen readers
      cut.push(`${where(el)} shows ${el.clientWidth} of ${el.scrollWidth} px`);
    }
    if (fits(r)) continue;
    let parent = el.parentElement, inScroller = false;
    while (parent && parent !== article) {
      if (scrolls(parent)) { inScroller = fits(parent.getBoundingClientRect()); break; }
      parent = parent.parentElement;
    }
    if (inScroller) continue;
    const up = el.parentElement;
    if (up !== article && !fits(up.getBoundingClientRect())) continue;  // its parent is reported
    wide.push(`${where(el)} spans ${Math.round(r.left)}-${Math.round(r.right)} px, `
      + `column ${Math.round(box.left)}-${Math.round(box.right)}`);
  }
  return {
    wide, cut, missing: false,
    pageWidth: document.documentElement.scrollWidth, viewport: window.innerWidth,
  };
}"""

SEARCH_JS = """() => [...document.querySelectorAll(
    '.search-button, .search-button-field, form.bd-search input')]
  .filter((el) => el.checkVisibility() && el.getBoundingClientRect().width > 0).length"""


def title_problems(page) -> list[str]:
    title = page.evaluate(TITLE_JS)
    if not title:
        return ["no <h1> title (or an empty one)"]
    if " ".join(title.split()) not in " ".join(page.title().split()):
        return [f"<title> {page.title()!r} does not contain the <h1> {title!r}"]
    return []


def image_problems(page, blocked: list[str]) -> list[str]:
    """Images that did not load; figures without a numbered caption or real alt text."""
    problems = []
    for image in page.evaluate(IMAGES_JS):
        external = image["url"] in blocked  # listed at the end of the run, not a failure here
        if not image["ok"] and not external:
            problems.append(f"image did not load: {image['src']}")
        if image["ok"] and abs(image["shape"] - 1) > MAX_DISTORTION:
            problems.append(f"image {image['src'].rsplit('/', 1)[-1][:24]}... is drawn "
                            f"{image['shape']:.2f} times as wide for its height as it is")
        if not image["inArticle"]:
            continue
        name = image["src"].rsplit("/", 1)[-1][:24]
        if not image["caption"] or not image["numbered"]:
            problems.append(f"figure {name}... has no numbered caption (mystnb figure caption)")
        alt = image["alt"].strip()
        if not alt or HASH_NAME.search(alt):
            problems.append(f"figure {name}... has no real alt text (alt={alt[:40]!r})")
    return problems


def math_problems(page, origin: str, has_math: bool) -> list[str]:
    """Math typeset by MathJax 3 served from the book; no raw TeX; no dollars as math."""
    problems = []
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
    problems += [f"MathJax loaded from outside the book: {src}"
                 for src in math["scripts"] if not src.startswith(origin + "/")]
    if not has_math and math["scripts"]:  # over 1 MB a reader's phone need not fetch
        problems.append("MathJax loaded on a page without math")
    if has_math and not math["version"].startswith("3"):
        problems.append(f"MathJax version {math['version']!r}, expected 3")
    problems += [f"math not typeset: {text!r}" for text in math["untypeset"]]
    problems += [f"MathJax error: {text!r}" for text in math["errors"]]
    problems += [f"raw TeX visible: {text!r}" for text in math["raw"]]
    problems += [f"dollar signs typeset as math: ${text}$ (write US$5 or 5 dollars)"
                 for text in math["dollars"]]
    return problems


def layout_problems(page) -> list[str]:
    """Nothing wider than the column unless it scrolls in its own box; no cut text."""
    result = page.evaluate(OVERFLOW_JS)
    if result["missing"]:
        return ["no article.bd-article: the theme's layout changed?"]
    problems = [f"wider than the column: {item}" for item in result["wide"]]
    problems += [f"text cut off: {item}" for item in result["cut"]]
    if result["pageWidth"] > result["viewport"] + 1:
        problems.append(f"the page scrolls sideways: {result['pageWidth']} px wide in a "
                        f"{result['viewport']} px window")
    return problems


# the set-up banner of helpers.book.setup_notebook, for whoever runs the notebook only
BANNER = re.compile(r"^mode:\s+\w+\s+\(LSTMBOOK_MODE")


def text_problems(page) -> list[str]:
    """Test markers or the set-up banner left visible on the page; more than one visible
    search box."""
    text = page.locator("#main-content").inner_text() if page.locator("#main-content").count() \
        else page.locator("body").inner_text()
    problems = [f"test marker visible: {line.strip()[:80]!r}"
                for line in text.splitlines() if "NBVAL" in line]
    problems += [f"set-up banner visible: {line.strip()[:60]!r}"
                 for line in text.splitlines() if BANNER.match(line.strip())]
    searches = page.evaluate(SEARCH_JS)
    if searches > 1:
        problems.append(f"{searches} search boxes visible (one is enough)")
    return problems
