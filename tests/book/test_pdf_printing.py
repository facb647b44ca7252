"""``helpers.book.pdf`` refuses what it cannot print, naming the argument and the fix
(printing itself needs Chromium: ``tests/browser/test_pdf.py`` checks the real PDF)."""

from pathlib import Path

import pytest

from helpers.book.pdf import main, print_pdf, root_page


def _site(tmp_path: Path, redirect: str | None = "book/intro.html") -> Path:
    site = tmp_path / "singlehtml"
    (site / "book").mkdir(parents=True)
    (site / "book" / "intro.html").write_text("<h1>Book</h1>")
    index = (f'<meta http-equiv="Refresh" content="0; url={redirect}" />' if redirect
             else "<h1>Book</h1>")
    (site / "index.html").write_text(index)
    return site


def test_the_root_page_is_where_index_html_redirects(tmp_path):
    site = _site(tmp_path)
    assert root_page(site) == site / "book" / "intro.html"
    assert root_page(_site(tmp_path / "plain", redirect=None)) == (
        tmp_path / "plain" / "singlehtml" / "index.html")


def test_a_folder_without_a_single_page_build_is_refused(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"site=.* has no index.html.*make pdf"):
        root_page(tmp_path)


def test_a_redirect_to_a_missing_page_is_refused(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"redirects to .*gone.html.*rebuild"):
        root_page(_site(tmp_path, redirect="gone.html"))


def test_the_output_must_be_a_pdf(tmp_path):
    with pytest.raises(ValueError, match=r"pdf='book.html' must end in .pdf"):
        print_pdf(_site(tmp_path), "book.html")


def test_a_missing_chromium_names_the_fix(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"chromium=.*make browser"):
        print_pdf(_site(tmp_path), tmp_path / "book.pdf", chromium=tmp_path / "none")
    assert not (tmp_path / "book.pdf").exists()


def test_the_command_line_takes_chromium_from_the_environment(tmp_path, monkeypatch,
                                                              capsys):
    monkeypatch.setenv("BOOK_CHROMIUM", str(tmp_path / "elsewhere"))
    assert main([str(_site(tmp_path)), str(tmp_path / "book.pdf")]) == 2
    assert "elsewhere" in capsys.readouterr().err


def test_the_command_line_exits_2_with_one_line(tmp_path, capsys):
    assert main([str(tmp_path), str(tmp_path / "book.pdf")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: site=") and err.count("\n") == 1
