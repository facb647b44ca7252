"""What a reader meets on a phone and a laptop: figure text size, code that fits, colours
that can be read. Each function runs a little JavaScript in the open page and returns one
line per problem (empty: fine); ``tests/browser/test_reading.py`` runs them.

Figure text lives inside PNGs, where no browser can measure it. The proxy: every figure
the book's style draws (``helpers.plotting.figure_png``) records in its PNG the size in
points of its smallest text and of its smallest tick label, and the PNG's pHYs chunk
holds its dots per inch. Text of ``s`` points in a PNG of ``d`` dots per inch is
``s * d / 72`` image pixels tall; drawn at ``shown`` CSS px of the image's ``natural``
pixels, it is ``s * d / 72 * shown / natural`` CSS px tall. A figure stored without
those chunks (drawn before the style recorded them) fails: re-run its notebook.
"""

from __future__ import annotations

import io
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from PIL import Image

from helpers.plotting import MIN_TEXT_PX, PNG_TEXT_KEY, PNG_TICK_KEY

MAX_PNG_WIDTH = 1400  # image pixels: twice a 7-inch figure at 100 CSS px per inch
MIN_CONTRAST = 4.5  # WCAG AA for normal text

FIGURES_JS = """async () => {
  const images = [...document.querySelectorAll('article.bd-article figure img')];
  const lazy = images.map((img) => img.getAttribute('loading') === 'lazy');
  images.forEach((img) => { img.loading = 'eager'; });
  await Promise.all(images.map((img) => img.complete ? null : new Promise((done) => {
    img.addEventListener('load', done, {once: true});
    img.addEventListener('error', done, {once: true});
    setTimeout(done, 10000);
  })));
  return images.map((img, i) => {
    const link = img.closest('a[href]');
    const caption = img.closest('figure').querySelector('.caption-number');
    return {
      url: img.currentSrc || img.src, shown: img.getBoundingClientRect().width,
      natural: img.naturalWidth, lazy: lazy[i],
      link: link ? link.href : '',
      label: caption ? caption.textContent.trim() : img.getAttribute('src'),
    };
  });
}"""


def png_file(html_dir: Path, url: str) -> Path:
    return html_dir / unquote(urlsplit(url).path).lstrip("/")


def text_sizes(png: bytes) -> tuple[float, float, float] | None:
    """``(smallest text pt, smallest tick pt, dots per inch)`` from a figure's PNG, or
    None when it records no text size."""
    image = Image.open(io.BytesIO(png))
    if PNG_TEXT_KEY not in image.info or PNG_TICK_KEY not in image.info:
        return None
    dpi = float((image.info.get("dpi") or (72.0,))[0])
    return float(image.info[PNG_TEXT_KEY]), float(image.info[PNG_TICK_KEY]), dpi


def css_px(points: float, dpi: float, shown: float, natural: float) -> float:
    """CSS px of text ``points`` tall in a PNG of ``dpi`` drawn ``shown`` of ``natural`` px.

    >>> round(css_px(14, 160, 342, 960), 1)
    11.1
    """
    return points * dpi / 72 * shown / natural


def figure_problems(page, html_dir: Path) -> list[str]:
    """Figures whose text is under MIN_TEXT_PX CSS px as drawn now; figures that do not
    link to their full-size file, do not load lazily, or are stored too wide."""
    problems = []
    for figure in page.evaluate(FIGURES_JS):
        where = figure["label"]
        path = png_file(html_dir, figure["url"])
        if not figure["link"] or png_file(html_dir, figure["link"]) != path:
            problems.append(f"{where}: not linked to its full-size image (tap to enlarge)")
        if not figure["lazy"]:
            problems.append(f"{where}: not lazy-loaded (loading=\"lazy\")")
        if not path.is_file() or not figure["natural"]:
            problems.append(f"{where}: image file {path.name} missing")
            continue
        png = path.read_bytes()
        if figure["natural"] > MAX_PNG_WIDTH:
            problems.append(f"{where}: stored {figure['natural']} px wide (at most "
                            f"{MAX_PNG_WIDTH}: a figure at most 7 inches wide)")
        sizes = text_sizes(png)
        if sizes is None:
            problems.append(f"{where}: its PNG records no text size (drawn before the book's "
                            "phone style): re-run the notebook")
            continue
        text_pt, tick_pt, dpi = sizes
        for kind, points in (("tick labels", tick_pt), ("text", text_pt)):
            px = css_px(points, dpi, figure["shown"], figure["natural"])
            if points and px < MIN_TEXT_PX:
                problems.append(
                    f"{where}: {kind} drawn at {px:.1f} CSS px (figure shown at "
                    f"{figure['shown']:.0f} of {figure['natural'] / dpi:.1f} inches x {dpi:.0f} "
                    f"dpi); make it narrower or its text larger (at least {MIN_TEXT_PX} px)")
                break
    return problems


CODE_JS = """() => {
  const article = document.querySelector('article.bd-article');
  const blocks = [...article.querySelectorAll(
    'div.cell_input pre, div.cell_output pre, div.highlight pre')];
  const seen = new Set();
  return blocks.filter((pre) => !seen.has(pre) && seen.add(pre)
      && pre.getBoundingClientRect().width > 0)
    .map((pre) => {
      const lines = pre.innerText.split('\\n');
      const longest = lines.reduce((a, b) => (b.length > a.length ? b : a), '');
      return {
        kind: pre.closest('div.cell_output') ? 'output' : 'code',
        scrolls: pre.scrollWidth > pre.clientWidth + 1,
        width: pre.clientWidth, needed: pre.scrollWidth, columns: longest.length,
        line: longest.trim().slice(0, 60),
        section: (pre.closest('section[id]') || {}).id || '',
      };
    });
}"""

TABLES_JS = """() => [...document.querySelectorAll(
    'article.bd-article div.cell_output .output.text_html')]
  .filter((box) => box.querySelector('table') && box.scrollWidth > box.clientWidth + 1)
  .map((box) => ({width: box.clientWidth, needed: box.scrollWidth,
                  head: box.innerText.slice(0, 50).replace(/\\s+/g, ' '),
                  section: (box.closest('section[id]') || {}).id || ''}))"""

COLUMNS_JS = """(columns) => {
  const pre = document.querySelector('article.bd-article div.cell_input pre');
  if (!pre) return null;
  const style = getComputedStyle(pre);
  const probe = document.createElement('span');
  probe.textContent = 'x'.repeat(columns);
  probe.style.whiteSpace = 'pre';
  pre.appendChild(probe);
  const needed = probe.getBoundingClientRect().width + parseFloat(style.paddingLeft)
    + parseFloat(style.paddingRight);
  probe.remove();
  return {needed, width: pre.clientWidth};
}"""


def code_problems(page) -> list[str]:
    """Code blocks and printed outputs wider than their box (they scroll sideways)."""
    blocks = page.evaluate(CODE_JS)
    wide = [b for b in blocks if b["scrolls"]]
    return [f"{b['kind']} block in #{b['section']} scrolls: {b['columns']} columns need "
            f"{b['needed']} of {b['width']} px ({b['line']!r})" for b in wide]


def table_problems(page) -> list[str]:
    """Tables a notebook printed that are wider than the column (they scroll sideways)."""
    return [f"table in #{t['section']} scrolls: needs {t['needed']} of {t['width']} px "
            f"({t['head']!r})" for t in page.evaluate(TABLES_JS)]


def columns_problem(page, columns: int) -> str:
    """Whether a code line of ``columns`` characters fits a code cell without scrolling."""
    fit = page.evaluate(COLUMNS_JS, columns)
    if fit is None:
        return "no code cell on the page"
    if fit["needed"] > fit["width"] + 1:
        return (f"a {columns}-column code line needs {fit['needed']:.0f} px, the code box is "
                f"{fit['width']} px wide")
    return ""


CONTRAST_JS = """(selector) => {
  const rgb = (text) => (text.match(/[\\d.]+/g) || []).map(Number);
  const luminance = ([r, g, b]) => [r, g, b].map((c) => {
      c /= 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    }).reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
  const background = (el) => {
    for (; el; el = el.parentElement) {
      const colour = rgb(getComputedStyle(el).backgroundColor);
      if (colour.length === 3 || (colour.length === 4 && colour[3] > 0.9)) return colour;
    }
    return [255, 255, 255];
  };
  return [...document.querySelectorAll(selector)].map((el) => {
    const a = luminance(rgb(getComputedStyle(el).color));
    const b = luminance(background(el));
    return {text: el.textContent.trim(), cls: el.className,
            ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)};
  });
}"""


def contrast_problems(page, selector: str) -> list[str]:
    return [f"{item['cls']} {item['text']!r}: contrast {item['ratio']:.2f}:1 "
            f"(at least {MIN_CONTRAST}:1)" for item in page.evaluate(CONTRAST_JS, selector)
            if item["ratio"] < MIN_CONTRAST]


SPLIT_WORDS_JS = """() => [...document.querySelectorAll(
    'article.bd-article code.literal span.pre:not(.pre-long)')]
  .filter((span) => span.getClientRects().length > 1).map((span) => span.textContent)"""

EQUATIONS_JS = """() => [...document.querySelectorAll('mjx-container[display="true"]')]
  .filter((eq) => eq.scrollWidth > eq.clientWidth + 1).map((eq) => {
    const style = getComputedStyle(eq);
    return {overflow: style.overflowX, cue: style.backgroundImage.includes('gradient'),
            width: eq.clientWidth, needed: eq.scrollWidth};
  })"""


def equation_problems(page) -> list[str]:
    """Display equations wider than the column that neither scroll nor show a cue."""
    return [f"a display equation needs {eq['needed']} of {eq['width']} px and "
            + ("shows no scroll cue" if eq["overflow"] in ("auto", "scroll")
               else f"does not scroll (overflow-x {eq['overflow']})")
            for eq in page.evaluate(EQUATIONS_JS)
            if eq["overflow"] not in ("auto", "scroll") or not eq["cue"]]


NUMBER = r"(-?[\d,]+(?:\.(\d+))?)"
POWER = r"( × 10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)?"
RATIO = re.compile(rf"^{NUMBER}(?: \({NUMBER} to {NUMBER}\))?{POWER}$")


def ratio_format_problem(text: str) -> str:
    """A ratio cell ``0.981 (0.950 to 1.012)`` must use one number format throughout.

    >>> ratio_format_problem("9.41 (8.36 to 10.56) × 10⁻⁴"), ratio_format_problem("0.00757")
    ('', '')
    >>> ratio_format_problem("9.412e-04 (7.784e-04 to 0.001129)")
    "mixed or scientific number formats: '9.412e-04 (7.784e-04 to 0.001129)'"
    """
    match = RATIO.match(text.strip())
    if match is None:
        return f"mixed or scientific number formats: {text.strip()!r}"
    decimals = {len(match.group(i) or "") for i in (2, 4, 6) if match.group(i - 1)}
    return "" if len(decimals) == 1 else f"numbers with different decimals: {text.strip()!r}"
