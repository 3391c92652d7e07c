"""The one-page printable cheat sheet (tools/cheat_sheet.py) built from the index's cell tagged `cheat-sheet`.

One build (HTML and PDF, printed by /usr/bin/chromium through Playwright) is shared by the tests below;
the page count and the metadata are read by poppler's `pdfinfo` (apt-get install -y poppler-utils).
"""

from __future__ import annotations

import doctest
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import cheat_sheet  # noqa: E402

from lossbook.registry import LOSSES  # noqa: E402


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return cheat_sheet.build(tmp_path_factory.mktemp("handouts"))


@pytest.fixture(scope="module")
def pdfinfo(built) -> dict[str, str]:
    text = subprocess.run(["pdfinfo", str(built)], capture_output=True, text=True, check=True).stdout
    return dict(re.findall(r"^([^:\n]+):\s*(.*)$", text, re.M))


@pytest.fixture(scope="module")
def soup(built) -> BeautifulSoup:
    return BeautifulSoup(built.with_suffix(".html").read_text(encoding="utf-8"), "html.parser")


def cell_source() -> str:
    nb = nbformat.read(ROOT / "notebooks" / "00_index.ipynb", as_version=4)
    cells = [c for c in nb.cells if "cheat-sheet" in c.metadata.get("tags", [])]
    assert cells and all(c.cell_type == "markdown" for c in cells)
    return "\n\n".join(c.source for c in cells)


def row(source: str, loss: str) -> list[str]:
    """The cells of the table row whose first column is ``loss``."""
    for line in source.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells and cells[0] == loss:
            return cells
    raise AssertionError(f"no row {loss!r} in the cheat sheet")


def sqrt_argument(tex: str) -> str:
    """The brace-balanced argument of the first \\sqrt{...} in ``tex``."""
    start = tex.index(r"\sqrt{") + len(r"\sqrt{")
    depth = 1
    for i in range(start, len(tex)):
        depth += {"{": 1, "}": -1}.get(tex[i], 0)
        if depth == 0:
            return tex[start:i]
    raise AssertionError(f"unbalanced braces in {tex!r}")


def square_inside_mean(formula: str) -> bool:
    """True if the formula is the root of the mean of the squared errors: √((1/N) Σ_n (ŷ_n − y_n)²)."""
    tex = re.search(r"\$([^$]*\\sqrt[^$]*)\$", formula).group(1)
    argument = " ".join(sqrt_argument(tex).split())
    mean = r"\\frac\{1\}\{N\} ?\\sum_\{?n\}? ?"
    return re.fullmatch(mean + r"\(\\hat y_n - y_n\)\^2", argument) is not None


def test_the_pdf_is_exactly_one_landscape_page(pdfinfo):
    assert pdfinfo["Pages"] == "1"
    width, height = map(float, re.match(r"([\d.]+) x ([\d.]+)", pdfinfo["Page size"]).groups())
    assert width > height, f"not landscape: {pdfinfo['Page size']}"


def test_the_pdf_has_its_title_and_is_tagged(pdfinfo):
    assert pdfinfo["Title"] == cheat_sheet.TITLE
    assert pdfinfo["Tagged"] == "yes"


def test_every_loss_of_the_registry_is_on_the_cheat_sheet(soup):
    source, page = cell_source(), soup.get_text()
    for name in LOSSES:  # the aliases mae and mse share the rows of l1_loss and mse_loss
        assert f"`lb.{name}`" in source, f"lb.{name} is missing from the cell tagged cheat-sheet"
        assert f"lb.{name}" in page, f"lb.{name} is missing from cheat_sheet.html"


def test_rmse_has_the_square_inside_the_mean(soup):
    assert square_inside_mean(row(cell_source(), "RMSE")[1])
    # the check itself: the formula the index used to have, √(mean(ŷ − y))² read literally, fails it
    assert not square_inside_mean(r"$\sqrt{\operatorname{mean}(\hat y - y)^2}$")
    assert not square_inside_mean(r"$\sqrt{\frac{1}{N} \sum_n (\hat y_n - y_n)}^2$")
    # and on the page the root holds the fraction 1/N, the sum and the square
    rmse = next(tr for tr in soup.find_all("tr") if tr.td and tr.td.get_text(strip=True) == "RMSE")
    root = rmse.find_all("td")[1].find("msqrt")
    assert root is not None and root.find("mfrac") and root.find("msup") and "∑" in root.get_text()


def test_the_hinge_is_written_with_score_s_and_label_t():
    cells = row(cell_source(), "hinge")
    assert r"\max(0, 1 - m)" in cells[1] and r"m = t\,s" in cells[1]
    assert r"t \in \{-1, +1\}" in cells[-1]
    assert r"t\,y" not in cell_source()


def test_the_page_is_accessible_and_self_contained(built, soup):
    import handouts

    page = built.with_suffix(".html").read_text(encoding="utf-8")
    assert soup.html["lang"] == "en"
    assert soup.title.get_text() == cheat_sheet.TITLE
    assert len(soup.find_all("h1")) == 1
    assert handouts.offline_problems(page) == []
    assert soup.find_all("math") and "$" not in soup.get_text()
    assert soup.find_all("a") and "a { color: #1a4f75; text-decoration: underline; }" in page


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted([luminance(a), luminance(b)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_check_by_hand():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)  # a grey that fails AA


def test_every_text_colour_has_aa_contrast_on_every_background():
    def hexes(prop):
        return set(re.findall(rf"(?<![-\w]){prop}:\s*(#[0-9a-f]{{6}}|#[0-9a-f]{{3}})\b", cheat_sheet.CSS))

    def six(c):
        return c if len(c) == 7 else "#" + "".join(ch * 2 for ch in c[1:])

    texts, backgrounds = hexes("color"), hexes("background")
    assert texts and backgrounds
    for text in texts:
        for background in backgrounds:
            ratio = contrast(six(text), six(background))
            assert ratio >= 4.5, f"{text} on {background}: contrast {ratio:.2f} < 4.5"


def test_every_row_of_the_table_has_seven_cells():
    """A stray '|' inside a formula would split a cell and shift the columns of the markdown table."""
    rows = [line for line in cell_source().splitlines() if line.startswith("|")]
    assert len(rows) > 2
    for line in rows:
        assert len(line.strip().strip("|").split("|")) == 7, line


def test_axe_finds_no_wcag_21_aa_violation_on_the_cheat_sheet(built):
    # The same check as every other handout page (tests/test_accessibility.py), on this page too.
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT / "tests"))
    import handouts
    from test_accessibility import WCAG_TAGS, report
    from test_handouts_browser import CHROMIUM, open_offline

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=handouts.BROWSER_ARGS)
        try:
            context, page, trouble = open_offline(browser, built.with_suffix(".html").as_uri())
            results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS},
                                               "resultTypes": ["violations"]})
            context.close()
        finally:
            browser.close()
    assert not trouble["requests"], f"the cheat sheet asked the network for {trouble['requests']}"
    violations = results.response["violations"]
    assert not violations, report(violations)


def test_the_examples_in_tools_cheat_sheet_hold():
    # tools/ is outside pytest's doctest paths; its examples are checked here.
    result = doctest.testmod(cheat_sheet, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 1 and result.failed == 0
