"""Build the one-page printable cheat sheet from the index notebook (part of `make handouts`).

    python tools/cheat_sheet.py              # build/handouts/cheat_sheet.html and cheat_sheet.pdf
    python tools/cheat_sheet.py --out DIR    # somewhere else

The cheat sheet lives in one place: the markdown cells tagged ``cheat-sheet`` of notebooks/00_index.ipynb.
This script turns that cell into a self-contained page (no script, nothing loaded from the network,
formulas converted to MathML at build time by the functions of tools/handouts.py) and prints it with
headless Chromium through Playwright on one landscape A4 page. A cheat sheet that no longer fits on one
page stops the build: shorten the cell, do not shrink the font below 8 pt.
"""

from __future__ import annotations

import argparse
import html
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
INDEX = ROOT / "notebooks" / "00_index.ipynb"
OUT = ROOT / "build" / "handouts"
TAG = "cheat-sheet"
TITLE = "lossbook cheat sheet: loss functions"
STEM = "cheat_sheet"

# Print: text 8.5 pt, code and footer 8 pt (the smallest size this page may use); larger on screen. Text
# #111 and #333 on white and on the stripes #eef2f6 / #dde5ee, links #1a4f75 underlined: every contrast
# ratio is above 7:1 (tests/test_cheat_sheet.py checks 4.5:1, WCAG AA).
CSS = """
@page { size: A4 landscape; margin: 8mm 9mm; }
html { font-size: 8.5pt; }
body { font-family: "DejaVu Sans Condensed", "DejaVu Sans", "Liberation Sans", sans-serif; color: #111;
       background: #fff; margin: 0; line-height: 1.25; }
h1 { font-size: 12pt; margin: 0 0 1.5mm; }
p { margin: 0 0 1.2mm; }
a { color: #1a4f75; text-decoration: underline; }
table { border-collapse: collapse; width: 100%; font-size: 1em; margin: 0 0 1.5mm; table-layout: fixed; }
th:nth-child(1) { width: 8%; } th:nth-child(2) { width: 23%; } th:nth-child(3) { width: 11%; }
th:nth-child(4) { width: 12%; } th:nth-child(5) { width: 18%; } th:nth-child(6) { width: 16%; }
th:nth-child(7) { width: 12%; }
th, td { border: 0.5pt solid #8a96a3; padding: 0.5mm 1mm; vertical-align: top; text-align: left; }
thead th { background: #dde5ee; font-weight: bold; }
tbody tr:nth-child(even) td { background: #eef2f6; }
tbody td:first-child { font-weight: bold; }
code { font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 0.94em;
       overflow-wrap: break-word; }
math { font-family: "Latin Modern Math", "STIX Two Math", "DejaVu Math TeX Gyre", math; font-size: 1.05em; }
.math-nowrap { white-space: nowrap; }
footer { color: #333; font-size: 0.94em; }
@media screen { html { font-size: 11pt; } body { max-width: 90rem; margin: 1rem auto; padding: 0 1rem; } }
"""


class CheatSheetError(Exception):
    """The cheat sheet cannot be built; the message says what to fix."""


def cheat_sheet_cell(index: Path = INDEX) -> str:
    """The markdown of the cells tagged ``cheat-sheet`` in the index notebook, in order, as one source.

    The sheet is split over a few cells (one table each) so that no cell of the index is over the learner's
    300 words; on paper it is one page again.
    """
    nb = nbformat.read(index, as_version=4)
    cells = [c for c in nb.cells if TAG in c.metadata.get("tags", [])]
    if not cells or any(c.cell_type != "markdown" for c in cells):
        kinds = [c.cell_type for c in cells]
        raise CheatSheetError(f"{index.name}: expected markdown cells tagged {TAG!r}, found {kinds}")
    return join_tables([c.source for c in cells])


def join_tables(sources: list[str]) -> str:
    r"""The cells' markdown as one source; a table that the next cell continues (it starts with the same
    header) becomes one table again.

    >>> table = "| a | b |\n|---|---|\n"
    >>> print(join_tables(["Intro\n\n" + table + "| 1 | 2 |", table + "| 3 | 4 |\n\nEnd"]))
    Intro
    <BLANKLINE>
    | a | b |
    |---|---|
    | 1 | 2 |
    | 3 | 4 |
    <BLANKLINE>
    End
    """
    joined = sources[0].rstrip()
    for source in sources[1:]:
        header, _, rest = source.partition("\n")
        separator, _, rows = rest.partition("\n")
        if joined.endswith("|") and f"\n{header}\n{separator}\n" in f"\n{joined}\n":
            joined += "\n" + rows.rstrip()
        else:
            joined += "\n\n" + source.rstrip()
    return joined


def render_markdown(source: str) -> str:
    """HTML for the cell's markdown, formulas as MathML (the handouts' renderer), its own heading removed."""
    import handouts  # imported here: handouts.build calls build() below, so no import cycle at load time

    body = re.sub(r"\A\s*#{1,6} .*\n", "", source)  # the page has its own h1
    renderer = handouts.MathMLRenderer(escape=False, exclude_anchor_links=True)
    try:
        rendered = handouts.MarkdownWithMath(renderer=renderer).render(body)
    except handouts.FormulaError as error:
        raise CheatSheetError(f"{INDEX.name}, cell tagged {TAG!r}: {error}") from None
    rendered = handouts.NO_BREAK_BEFORE_PUNCTUATION.sub(r'<span class="math-nowrap">\1</span>', rendered)
    return handouts.html_links(rendered)


def page_html(source: str) -> str:
    """The whole self-contained page for the cheat-sheet cell ``source``."""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{html.escape(TITLE)}</title>
<style>{CSS}</style>
</head>
<body>
<main>
<h1>{html.escape(TITLE)}</h1>
{render_markdown(source)}
</main>
<footer><p>From the index of the lossbook notebooks, where each loss is derived, computed by hand and
checked against PyTorch: <a href="00_index.html">00 · Index</a> (reading order, notation) and
<a href="index.html">all handouts</a>.</p></footer>
</body>
</html>
"""


def pdf_pages(pdf: Path) -> int:
    """The number of pages of ``pdf``, read by poppler's ``pdfinfo``."""
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo is None:
        raise CheatSheetError("pdfinfo not found: install poppler-utils (apt-get install -y poppler-utils)")
    result = subprocess.run([pdfinfo, str(pdf)], capture_output=True, text=True, check=False)
    match = re.search(r"^Pages:\s+(\d+)", result.stdout, re.M)
    if result.returncode != 0 or not match:
        raise CheatSheetError(f"pdfinfo could not read {pdf.name}: {result.stderr.strip()}")
    return int(match.group(1))


def print_pdf(page: Path, pdf: Path, chromium: str) -> None:
    """Print ``page`` to ``pdf`` with headless Chromium (Playwright), tagged and with an outline."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            tab = browser.new_page()
            tab.goto(page.resolve().as_uri(), wait_until="load")
            tab.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True, tagged=True,
                    outline=True)
        finally:
            browser.close()


def build(out: Path = OUT) -> Path:
    """Write ``out/cheat_sheet.html`` and ``out/cheat_sheet.pdf``; return the PDF's path.

    Raises CheatSheetError if the cell is missing, a formula does not convert, the page would need the
    network, Chromium is missing, or the PDF is not exactly one page.
    """
    import handouts

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    page = out / f"{STEM}.html"
    text = page_html(cheat_sheet_cell())
    problems = handouts.offline_problems(text)
    if problems:
        raise CheatSheetError(f"{page.name} would not work offline: " + "; ".join(problems))
    page.write_text(text, encoding="utf-8")
    chromium = handouts.find_chromium()
    if chromium is None:
        raise CheatSheetError("no Chromium found to print the cheat sheet: apt-get install chromium")
    pdf = out / f"{STEM}.pdf"
    pdf.unlink(missing_ok=True)
    print_pdf(page, pdf, chromium)
    pages = pdf_pages(pdf)
    if pages != 1:
        raise CheatSheetError(f"{pdf.name} has {pages} pages, not 1: shorten the cell tagged {TAG!r} in "
                              f"{INDEX.name}")
    return pdf


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help="output folder (default build/handouts)")
    args = parser.parse_args(argv)
    try:
        pdf = build(args.out)
    except CheatSheetError as error:
        print(f"cheat sheet: {error}", file=sys.stderr)
        return 1
    print(f"wrote {pdf.with_suffix('.html')} and {pdf} (1 page)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
