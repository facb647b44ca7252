"""A reader can find their way: the table of contents opens and closes on a phone (by tap)
and on a narrow laptop window, the page's own contents open on a phone, and the desktop
hamburger hides and shows the sidebar.

pydata-sphinx-theme 0.17.1 binds its buttons to hidden copies, so none of this worked
with sphinx-book-theme 1.3.0 (pydata-sphinx-theme issue #2451); pyproject.toml pins the
versions that work, and these tests keep it so.
"""

from __future__ import annotations

import pytest

OPEN_DIALOG_JS = """() => {
  const open = [...document.querySelectorAll('dialog')].filter((d) => d.open);
  return open.map((d) => {
    const r = d.getBoundingClientRect();
    const links = [...d.querySelectorAll('a[href]')].filter((a) => a.checkVisibility()
      && a.getBoundingClientRect().right > 0 && a.getBoundingClientRect().left < innerWidth);
    return {cls: d.className, left: r.left, right: r.right, links: links.length};
  });
}"""

SIDEBAR_JS = """() => {
  const bar = document.querySelector('.bd-sidebar-primary');
  const r = bar.getBoundingClientRect();
  return {visible: bar.checkVisibility({visibilityProperty: true}) && r.right > 0 && r.width > 0};
}"""


def _text_page(pages: list[str]) -> str:
    """The root page: sections of its own and no figures, so it loads fast."""
    return pages[0]


@pytest.fixture(scope="module")
def pages(book_pages: list[str]) -> list[str]:
    return book_pages


def _press(element, touch: bool) -> None:
    if touch:
        element.tap()
    else:
        element.click()


def _visible(page, selector: str):
    buttons = [b for b in page.locator(selector).all() if b.is_visible()]
    assert buttons, f"no visible {selector} on the page"
    return buttons[0]


def _dialogs(page) -> list[dict]:
    page.wait_for_timeout(350)  # the theme animates the drawer in and out
    return page.evaluate(OPEN_DIALOG_JS)


@pytest.mark.parametrize(("width", "touch"), [(390, True), (900, False)],
                         ids=["phone-390", "window-900"])
def test_table_of_contents_opens_and_closes(new_visit, pages, width: int, touch: bool) -> None:
    seen = new_visit(width, touch=touch)
    page, start = seen.page, _text_page(pages)
    page.goto(f"{seen.origin}/{start}.html", wait_until="load")
    toggle = _visible(page, ".primary-toggle")
    _press(toggle, touch)
    opened = _dialogs(page)
    assert opened, f"{start} at {width} px: the menu button opened nothing"
    assert opened[0]["links"] >= len(pages) // 2, (
        f"{start} at {width} px: the menu shows {opened[0]['links']} links, expected the "
        f"table of contents ({len(pages)} pages)")
    # a tap beside the drawer closes it, as on any phone
    if touch:
        page.touchscreen.tap(width - 10, 450)
    else:
        page.mouse.click(width - 10, 450)
    assert not _dialogs(page), f"{start} at {width} px: the menu did not close"
    # and it opens again, and a link in it leads to another chapter
    _press(toggle, touch)
    assert _dialogs(page), f"{start} at {width} px: the menu did not open a second time"
    target = next(p for p in pages if p != start and p.startswith("book/chapters/"))
    link = page.locator(f"dialog[open] a[href$='{target.rsplit('/', 1)[-1]}.html']").first
    _press(link, touch)
    page.wait_for_url(f"**/{target}.html")
    assert not seen.problems, "\n".join(seen.problems)


def test_page_contents_open_on_a_phone(new_visit, pages) -> None:
    seen = new_visit(390, touch=True)
    page, start = seen.page, _text_page(pages)
    page.goto(f"{seen.origin}/{start}.html", wait_until="load")
    _visible(page, ".secondary-toggle").tap()
    opened = _dialogs(page)
    assert opened and opened[0]["links"] > 0, f"{start}: 'Contents' opened no list of sections"
    page.touchscreen.tap(10, 450)
    assert not _dialogs(page), f"{start}: the page's contents did not close"
    assert not seen.problems, "\n".join(seen.problems)


def test_desktop_hamburger_hides_and_shows_the_sidebar(new_visit, pages) -> None:
    seen = new_visit(1280)
    page, start = seen.page, _text_page(pages)
    page.goto(f"{seen.origin}/{start}.html", wait_until="load")
    assert page.evaluate(SIDEBAR_JS)["visible"], "the sidebar is hidden on a laptop screen"
    toggle = _visible(page, ".primary-toggle")
    toggle.click()
    page.wait_for_timeout(350)
    assert not page.evaluate(SIDEBAR_JS)["visible"], "the hamburger did not hide the sidebar"
    toggle.click()
    page.wait_for_timeout(350)
    assert page.evaluate(SIDEBAR_JS)["visible"], "the hamburger did not bring the sidebar back"
    assert not seen.problems, "\n".join(seen.problems)
