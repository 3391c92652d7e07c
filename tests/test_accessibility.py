"""Accessibility of the handouts: WCAG 2.1 AA, measured as a user's tools measure it.

Every built HTML page (instructor and student editions of every notebook, and index.html: new pages are
picked up by themselves) is opened offline in Debian's headless Chromium and checked by axe-core (bundled
in the pinned axe-playwright-python package, nothing fetched) with the rules tagged wcag2a, wcag2aa,
wcag21a and wcag21aa; any violation fails, with the rule and the elements. No rule is disabled. Then, on
each page: one h1 and no skipped heading level, the document language, a skip link that the first Tab
reaches and that moves to the content, and every figure a <figure> with its notebook description as alt
text and caption. One notebook is printed to PDF by the build's own code: the PDF is tagged (with the
figures' alt text), has the title in its metadata and an outline made of the page's headings (checked
with poppler's pdfinfo and pdftohtml).

Needs /usr/bin/chromium and poppler-utils (.ci/run installs both); without them these tests are skipped
with the reason, except under CI=true, where they fail.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from pygments.style import Style

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "tests"))
import handouts  # noqa: E402
from test_handouts import shared_build  # noqa: E402  (one build for the handout tests)
from test_handouts_browser import CHROMIUM, PAGES, SHOWCASE, open_offline, require_chromium  # noqa: E402

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PLACEHOLDER_ALT = "No description has been provided for this image"
FIGURE_LINE = re.compile(r"^Figure: (.+?)\s*$", re.M)

# What the page offers a keyboard and a screen reader, read by the browser itself.
STRUCTURE = """
() => ({
  lang: document.documentElement.lang,
  title: document.title,
  headings: [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')]
    .filter((h) => h.getClientRects().length > 0)
    .map((h) => ({level: Number(h.tagName[1]), text: h.textContent.replace(/¶$/, '').trim()})),
  images: [...document.images].map((img) => ({
    alt: img.getAttribute('alt'),
    inFigure: img.parentElement.tagName === 'FIGURE',
    caption: img.parentElement.querySelector(':scope > figcaption')?.textContent.trim() ?? null,
  })),
  preText: [...document.querySelectorAll('pre')].map((p) => p.textContent).join('\\n'),
})
"""


def require_tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    reason = f"no {name}: the PDF checks need Debian's poppler-utils (apt-get install poppler-utils)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; under CI=true this test must run (.ci/run installs it)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    require_chromium()
    return shared_build(tmp_path_factory)


@pytest.fixture(scope="module")
def browser(built):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=handouts.BROWSER_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def notebook_of(built, name: str):
    return None if name == "index.html" else built.notebook(Path(f"{Path(name).stem}.ipynb"))


def descriptions(nb) -> list[str]:
    """The figure descriptions of a notebook, in order: the "Figure: " lines of cells with an image."""
    found = []
    for cell in nb.cells:
        if cell.cell_type == "code" and any("image/png" in o.get("data", {}) for o in cell.outputs):
            text = "".join(o.get("text", "") for o in cell.outputs if o.get("name") == "stdout")
            found += FIGURE_LINE.findall(text)
    return found


def report(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}, {len(violation['nodes'])} elements): "
                     f"{violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {' '.join(map(str, node['target']))}: {node['html'][:160]}")
            for check in (node.get("any") or [])[:1]:
                lines.append(f"        {check['message'][:200]}")
    return "\n".join(lines)


@pytest.mark.parametrize("name", PAGES)
def test_axe_finds_no_wcag_21_aa_violation(built, browser, axe, name):
    context, page, _ = open_offline(browser, (built.out / name).as_uri())
    try:
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS},
                                         "resultTypes": ["violations"]})
    finally:
        context.close()
    assert results.response["testEngine"]["version"].startswith("4.")
    violations = results.response["violations"]
    count = sum(len(v["nodes"]) for v in violations)
    assert not violations, f"{name}: {count} violations\n{report(violations)}"


@pytest.mark.parametrize("name", PAGES)
def test_headings_language_and_skip_link(built, browser, name):
    context, page, _ = open_offline(browser, (built.out / name).as_uri())
    try:
        shown = page.evaluate(STRUCTURE)
        # A keyboard user: the first Tab lands on the skip link, which is then on screen; Enter moves on.
        page.keyboard.press("Tab")
        focused = page.evaluate("() => [document.activeElement.className, document.activeElement.innerText]")
        box = page.locator(".handout-skip").bounding_box()
        page.keyboard.press("Enter")
        after = page.evaluate("() => [location.hash, document.activeElement.id]")
    finally:
        context.close()
    assert shown["lang"] == "en", f"{name}: <html lang={shown['lang']!r}>"
    levels = [h["level"] for h in shown["headings"]]
    assert levels.count(1) == 1 and levels[0] == 1, f"{name}: heading levels {levels}, one h1 first wanted"
    for before, heading in zip(levels, shown["headings"][1:], strict=False):
        level, text = heading["level"], heading["text"]
        assert level <= before + 1, f"{name}: h{level} {text!r} right after an h{before}"
    if name != "index.html":
        assert shown["title"] == shown["headings"][0]["text"], f"{name}: <title> {shown['title']!r}"
    assert focused == ["handout-skip", "Skip to the content"], f"{name}: the first Tab reached {focused}"
    assert box and box["y"] >= 0 and box["height"] > 0, f"{name}: the focused skip link is not on screen"
    assert after == ["#content", "content"], f"{name}: the skip link led to {after}"


@pytest.mark.parametrize("name", [p for p in PAGES if p != "index.html"])
def test_every_figure_has_its_description_as_alt_text_and_caption(built, browser, name):
    context, page, _ = open_offline(browser, (built.out / name).as_uri())
    try:
        shown = page.evaluate(STRUCTURE)
    finally:
        context.close()
    wanted = descriptions(notebook_of(built, name))
    assert [i["alt"] for i in shown["images"]] == wanted, f"{name}: alt texts differ from the descriptions"
    for image in shown["images"]:
        assert image["alt"] and image["alt"] != PLACEHOLDER_ALT, f"{name}: an image without a description"
        assert image["inFigure"] and image["caption"] == f"Figure: {image['alt']}", f"{name}: {image}"
    assert not FIGURE_LINE.search(shown["preText"]), f"{name}: a description is printed twice"


def test_the_pages_have_figures_to_check(built):
    # Keeps the test above from passing on pages without images.
    notebooks = sorted(handouts.NOTEBOOKS.glob("0[1-9]_*.ipynb"))
    counted = sum(len(descriptions(built.notebook(path))) for path in notebooks)
    assert counted >= 10, f"only {counted} described figures in the notebooks"


def test_code_colours_have_aa_contrast_on_the_code_background():
    # WCAG 2.1 relative luminance and contrast ratio, computed here from the definition.
    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    def contrast(a: str, b: str) -> float:
        high, low = sorted((luminance(a), luminance(b)), reverse=True)
        return (high + 0.05) / (low + 0.05)

    assert round(contrast("#777777", "#ffffff"), 2) == 4.48  # a known value: #777 on white just fails AA
    style: type[Style] = handouts.HandoutStyle
    background = style.background_color
    colours = {str(token): c for token, c in style.styles.items() if c}
    assert len(colours) >= 8
    for token, spec in colours.items():
        for colour in re.findall(r"#[0-9a-fA-F]{6}\b", spec):
            ratio = contrast(colour, background)
            assert ratio >= 4.5, f"{token} {colour}: contrast {ratio:.2f} on {background}"


def test_an_image_without_a_description_stops_the_build(tmp_path):
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nb.cells = [nbformat.v4.new_markdown_cell("# 97 · Plot"),
                nbformat.v4.new_code_cell("plt.show()", execution_count=1, outputs=[
                    nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo="})])]
    path = tmp_path / "97_plot.ipynb"
    nbformat.write(nb, path)
    with pytest.raises(handouts.HandoutError, match=r"97_plot.ipynb, cell 1: a figure without a descr"):
        handouts.build(tmp_path / "out", notebooks=[path], pdf=False, log=lambda _: None)


@pytest.fixture(scope="module")
def pdf(built, tmp_path_factory) -> Path:
    """One notebook printed by the build's own code (headless Chromium through Playwright)."""
    out = tmp_path_factory.mktemp("pdf") / f"{SHOWCASE.stem}.pdf"
    handouts.print_pdfs(str(CHROMIUM), [(built.out / f"{SHOWCASE.stem}.html", out)])
    return out


def pdf_string(raw: bytes) -> str:
    """A PDF string object, literal ``(…)`` or hexadecimal ``<FEFF…>`` (UTF-16), as text."""
    if raw.startswith(b"<"):
        data = bytes.fromhex(raw[1:-1].decode("ascii"))
        return data[2:].decode("utf-16-be") if data[:2] == b"\xfe\xff" else data.decode("latin-1")
    return re.sub(r"\\(.)", r"\1", raw[1:-1].decode("latin-1"))


def test_the_pdf_is_tagged_titled_and_has_alt_text(built, pdf):
    pdfinfo = require_tool("pdfinfo")
    info = subprocess.run([pdfinfo, str(pdf)], capture_output=True, text=True, check=True).stdout
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    nb = built.notebook(SHOWCASE)
    title = nb.cells[0].source.splitlines()[0].lstrip("# ").strip()
    assert fields["Tagged"].strip() == "yes", info
    assert fields["Title"].strip() == title, info
    # The structure tree: headings, and Figures whose alt texts are the plots' descriptions.
    struct = subprocess.run([pdfinfo, "-struct", str(pdf)], capture_output=True, text=True, check=True).stdout
    kinds = re.findall(r"^\s*(\w+)", struct, re.M)
    wanted = descriptions(nb)
    assert kinds.count("H1") == 1 and "H2" in kinds, f"{pdf.name}: headings in the tags {set(kinds)}"
    # <figure> and its <img> are both tagged Figure; the image carries the alt text.
    assert kinds.count("Figure") >= len(wanted) > 0, f"{pdf.name}: {kinds.count('Figure')} Figure tags"
    strings = re.findall(rb"/Alt\s*(\((?:\\.|[^\\)])*\)|<[0-9A-Fa-f\s]*>)", pdf.read_bytes())
    alts = [pdf_string(s) for s in strings]
    assert sorted(alts) == sorted(wanted), f"{pdf.name}: alt texts {alts}"


def test_the_pdf_outline_is_the_headings(built, pdf):
    pdftohtml = require_tool("pdftohtml")
    xml = subprocess.run([pdftohtml, "-xml", "-stdout", "-i", "-q", str(pdf)], capture_output=True,
                         text=True, check=True).stdout
    items = re.findall(r"<item\b.*?</item>", xml)
    outline = [BeautifulSoup(item, "html.parser").get_text() for item in items]
    soup = BeautifulSoup((built.out / f"{SHOWCASE.stem}.html").read_text(), "html.parser")
    headings = [h.get_text().replace("¶", "").strip() for h in soup.find_all(re.compile(r"^h[1-6]$"))]
    assert len(outline) >= 10 and outline == headings, f"{pdf.name}: outline {outline[:8]}…"
