"""Build the handouts from the committed notebooks, without re-executing them (`make handouts`).

    python tools/handouts.py                # every notebooks/NN_*.ipynb -> build/handouts/
    python tools/handouts.py --out DIR      # somewhere else
    python tools/handouts.py --no-pdf       # HTML and student notebooks only

For each notebook NN_topic.ipynb it writes
- NN_topic.html, the instructor edition: the notebook as committed, solutions and outputs included;
- NN_topic.pdf, that page printed by headless Chromium (Debian's `chromium`); without Chromium the HTML is
  still written and the summary says how to get the PDFs;
- student/NN_topic.ipynb and student/NN_topic.html, the student edition (see ClearSolutions);
and index.html, linking all of them under the title of each notebook's first heading.

The pages are self-contained and work offline: formulas are converted from LaTeX to MathML here, at
build time (latex2mathml), and the browser typesets MathML itself; images are data URIs; the nbconvert
template (tools/handout_template/) loads no script at all. A formula that latex2mathml cannot convert
stops the build with the notebook, the cell and the formula. Links between notebooks (`NN_x.ipynb`)
point to the `.html` siblings in the HTML editions.

Accessibility (WCAG 2.1 AA, checked by tests/test_accessibility.py with axe-core): every figure is a
<figure> whose image has the notebook's own one-sentence description (the "Figure: ..." line that
`lb.show_figure` prints under it) as alt text and as <figcaption>; a figure without one stops the build.
Code is coloured by HandoutStyle (every colour at least 4.5:1 on the code background), links are
underlined, each page starts with a skip link to its content, and the PDFs are tagged, with the title in
their metadata and an outline (bookmarks) built from the headings.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import copy
import html
import logging
import os
import re
import shutil
import sys
import time
from pathlib import Path
from typing import ClassVar

import nbformat
from jinja2 import pass_context
from latex2mathml.converter import convert as latex_to_mathml_raw
from nbconvert.exporters import HTMLExporter
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath
from nbconvert.preprocessors import Preprocessor
from pygments.style import Style
from pygments.token import (
    STANDARD_TYPES,
    Comment,
    Error,
    Keyword,
    Number,
    Operator,
    Punctuation,
    String,
    Text,
    Token,
)
from traitlets.config import Config

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
OUT = ROOT / "build" / "handouts"
TEMPLATE_DIR = Path(__file__).resolve().parent / "handout_template"
HANDOUT_CSS = TEMPLATE_DIR / "static" / "handout.css"
CHROMIUM = "/usr/bin/chromium"

SOLUTION_TAG = "solution"
BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"
CODE_PLACEHOLDER = "# your code here"
TEXT_PLACEHOLDER = "Your answer here."
SELF_CHECK = "lb.check_exercise("

# lb.show_figure prints this line right under the figure it describes.
FIGURE_LINE = re.compile(r"^Figure: (.+?)\s*$")
IMAGE_TYPES = ("image/png", "image/jpeg", "image/svg+xml")
DESCRIPTION = "lossbook_description"  # the key of an image output's metadata that holds its description

# A link to a lesson NN_x.ipynb or an appendix A1_x.ipynb
NOTEBOOK_LINK = re.compile(r'(href=")((?:\./)?(?:\d\d|A\d)_[\w-]+)\.ipynb((?:#[^"]*)?")')
# Tags that load a resource (a regular expression: parsing 600 kB pages with html.parser costs seconds).
RESOURCE_TAG = re.compile(r"<(script|img|link|iframe|source|embed|object|video|audio)\b([^>]*)>", re.I)

# A token element whose text is a LaTeX command or an alignment '&' means latex2mathml did not understand
# the formula (it does not raise for unknown commands); such a formula would show raw LaTeX on the page.
UNCONVERTED = re.compile(r"<(mi|mo|mn|mtext)\b[^>]*>\s*(\\[A-Za-z]+|&amp;|&)\s*</\1>")

# latex2mathml writes \operatorname{softmax} and \max as <mo>, which browsers space like a binary operator
# ("softmax (z)"), and puts no space after \ln or \log ("lnK"). TeX spaces them as function names: no
# space before an opening parenthesis, a thin space before a variable, number, fraction or sum.
WORD_OPERATOR = re.compile(r"<mo(?:\s[^>]*)?>([A-Za-z]{2,})</mo>")
FUNCTION_NAME = re.compile(
    r"(?<!<msub>)(?<!<msup>)(?<!<msubsup>)(?<!<munder>)(?<!<munderover>)(<mi>[A-Za-z]{2,}</mi>"
    r"|<msub><mi>[A-Za-z]{2,}</mi>(?:<mi>[^<]*</mi>|<mn>[^<]*</mn>)</msub>)"
    r"(?=<m(?:i|n|sub|sup|subsup|frac|row|sqrt|under|over|underover|text)\b)"
)
# Browsers may break a line between an inline formula and the punctuation after it.
NO_BREAK_BEFORE_PUNCTUATION = re.compile(r'(<math display="inline">(?:(?!</math>).)*</math>[.,;:!?)]+)', re.S)
THIN_SPACE = '<mspace width="0.1667em"></mspace>'
# A minus right after a relation, a comma or an opening bracket is a sign ("t = -1"), not a subtraction;
# latex2mathml leaves it in the row, where browsers space it as a binary operator.
SIGN = re.compile(
    r"(<mo(?:\s[^>]*)?>(?!&#x00029;|&#x0005D;|&#x0007D;|&#x0007C;|\||&#x02016;|&#x027E9;)[^<]*</mo>)"
    r"<mo>(&#x02212;|&#x0002B;|-|\+)</mo>"
)


class HandoutError(Exception):
    """The build cannot go on; the message says where (notebook, cell) and what to fix."""


class HandoutStyle(Style):
    """JupyterLab's light code colours, darkened where they fell short: every colour has a contrast of at
    least 4.5:1 (WCAG 2.1 AA for normal text) on the code background, and so also on white."""

    name = "lossbook-handout"
    background_color = "#f5f5f5"  # JupyterLab's --jp-cell-editor-background
    highlight_color = "#e0e0e0"
    styles: ClassVar[dict] = {
        Text: "#212121",
        Error: "#b00020",
        Comment: "italic #3b6d6d",
        Keyword: "bold #007000",
        Operator: "bold #6f1fc0",
        String: "#a31515",
        Number: "#006600",
        Punctuation: "#004c99",
    }


# The CSS classes of the tokens that HandoutStyle shows like plain text (names, whitespace, ...).
_PLAIN = (HandoutStyle.style_for_token(Token), HandoutStyle.style_for_token(Text))
_UNSTYLED = "|".join(c for t, c in STANDARD_TYPES.items() if c and HandoutStyle.style_for_token(t) in _PLAIN)
UNSTYLED_TOKEN = re.compile(rf'<span class="(?:{_UNSTYLED})">([^<]*)</span>')


def plain_tokens(code_html: str) -> str:
    """Highlighted code without the <span>s of tokens that HandoutStyle leaves in the text colour.

    Pygments wraps every token, also the many (names, whitespace) shown in the plain text colour; without
    them a page has about a fifth fewer elements and looks the same (axe's contrast check, which visits
    every element, runs that much faster).

    >>> plain_tokens('<span class="n">np</span><span class="o">.</span><span class="n">exp</span>')
    'np<span class="o">.</span>exp'
    """
    return UNSTYLED_TOKEN.sub(r"\1", code_html)


# ----------------------------------------------------------------------------------------- student edition


def replace_solution_regions(source: str) -> str:
    """Replace each ``### BEGIN SOLUTION`` … ``### END SOLUTION`` region (markers included) by a placeholder.

    The placeholder, ``# your code here`` and ``raise NotImplementedError``, keeps the region's indentation,
    so a function body stays a valid body that a self-check reports as "not attempted yet".

    >>> code = "def f(x):\\n    ### BEGIN SOLUTION\\n    return x\\n    ### END SOLUTION"
    >>> print(replace_solution_regions(code))
    def f(x):
        # your code here
        raise NotImplementedError
    """
    out: list[str] = []
    inside = False
    for number, line in enumerate(source.splitlines(), start=1):
        marker = line.strip()
        if marker == BEGIN_SOLUTION:
            if inside:
                raise HandoutError(f"line {number}: {BEGIN_SOLUTION} inside another solution region")
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            out += [indent + CODE_PLACEHOLDER, indent + "raise NotImplementedError"]
        elif marker == END_SOLUTION:
            if not inside:
                raise HandoutError(f"line {number}: {END_SOLUTION} without a {BEGIN_SOLUTION} above it")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise HandoutError(f"{BEGIN_SOLUTION} without a matching {END_SOLUTION}")
    return "\n".join(out)


class ClearSolutions(Preprocessor):
    """Turn a notebook into its student edition (nbgrader-compatible markers, without nbgrader's stack).

    In cells tagged ``solution``: a code cell with ``### BEGIN SOLUTION`` / ``### END SOLUTION`` markers keeps
    everything outside the markers and gets ``# your code here`` + ``raise NotImplementedError`` between
    them; any other code cell becomes ``# your code here`` (a comment: the cell still runs); a markdown
    cell becomes "Your answer here.". The outputs of solution cells and of self-check cells (those calling
    ``lb.check_exercise``) are cleared, and their execution counts reset. Everything else is kept.
    """

    def preprocess_cell(self, cell, resources, index):
        tags = cell.metadata.get("tags", [])
        if SOLUTION_TAG in tags:
            if cell.cell_type == "markdown":
                cell.source = TEXT_PLACEHOLDER
                cell.pop("attachments", None)
            elif cell.cell_type == "code":
                if BEGIN_SOLUTION in cell.source or END_SOLUTION in cell.source:
                    try:
                        cell.source = replace_solution_regions(cell.source)
                    except HandoutError as error:
                        name = resources.get("metadata", {}).get("name", "the notebook")
                        raise HandoutError(f"{name}, cell {index}: {error}") from None
                else:
                    cell.source = CODE_PLACEHOLDER
        if cell.cell_type == "code" and (SOLUTION_TAG in tags or SELF_CHECK in cell.source):
            cell.outputs = []
            cell.execution_count = None
        return cell, resources


def student_edition(nb, name: str):
    """A cleared copy of ``nb``; the original is left untouched."""
    student, _ = ClearSolutions().preprocess(copy.deepcopy(nb), {"metadata": {"name": name}})
    for cell in student.cells:
        cell.metadata.pop("execution", None)
    nbformat.validate(student)
    return student


# -------------------------------------------------------------------------------------------------- figures


def coalesce_streams(outputs: list) -> list:
    """``outputs`` with each run of consecutive stream outputs of one name merged into one (the kernel may
    send a printed line in several pieces)."""
    merged = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if (output.output_type == "stream" and previous is not None and previous.output_type == "stream"
                and previous.name == output.name):
            previous.text += output.text
        else:
            merged.append(output)
    return merged


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_NOTE = (
    '<p class="widget-note"><em>Interactive in JupyterLab: run the notebook and move the sliders here. '
    "On paper, the figure below shows a few positions.</em></p>"
)


def widgets_to_notes(nb) -> None:
    """Make ``nb`` (a copy, changed in place) fit for paper: each widget output becomes a one-line note,
    and the saved widget state goes.

    A saved widget is dead on a page (no kernel behind it) and its text repr ("interactive(children=...")
    means nothing to a reader; every Try it section follows its widget with a static figure of the same
    idea, which the handout shows. Without the saved state, nbconvert also writes no widget script.

    >>> from nbformat.v4 import new_code_cell, new_notebook, new_output
    >>> view = {WIDGET_VIEW: {"model_id": "1"}, "text/plain": "interactive(children=...)"}
    >>> widget = new_output("execute_result", data=view)
    >>> nb = new_notebook(cells=[new_code_cell("interactive(f)", outputs=[widget])], metadata={"widgets": {}})
    >>> widgets_to_notes(nb)
    >>> sorted(nb.cells[0].outputs[0].data), "widgets" in nb.metadata
    (['text/html'], False)
    """
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        outputs, noted = [], False
        for output in cell.outputs:
            if WIDGET_VIEW not in output.get("data", {}):
                outputs.append(output)
            elif not noted:
                outputs.append(nbformat.v4.new_output("display_data", data={"text/html": WIDGET_NOTE}))
                noted = True
        cell.outputs = outputs


def describe_figures(nb, file: str):
    """A copy of ``nb`` in which each image output holds its description, without the "Figure: ..." lines.

    ``lb.show_figure("...")`` shows the open figure and prints ``Figure: <sentence>`` right under it. Here
    that sentence moves into the image output's metadata (key ``lossbook_description``), where the
    template makes it the alt text and the <figcaption>; the stream line is dropped so that the page does
    not say it twice. An image with no such line after it in its cell stops the build (HandoutError).

    >>> from nbformat.v4 import new_code_cell, new_notebook, new_output
    >>> cell = new_code_cell("...", outputs=[
    ...     new_output("display_data", data={"image/png": "iVBOR"}),
    ...     new_output("stream", name="stdout", text="Figure: The loss falls.\\nloss = 0.1\\n")])
    >>> described = describe_figures(new_notebook(cells=[cell]), "x.ipynb").cells[0].outputs
    >>> described[0].metadata["lossbook_description"], described[1].text
    ('The loss falls.', 'loss = 0.1\\n')
    """
    nb = copy.deepcopy(nb)
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        outputs, waiting = [], []
        for output in coalesce_streams(cell.outputs):
            if any(kind in output.get("data", {}) for kind in IMAGE_TYPES):
                waiting.append(output)
            elif output.output_type == "stream" and output.name == "stdout":
                kept = []
                for line in output.text.splitlines(keepends=True):
                    match = FIGURE_LINE.match(line)
                    if match and waiting:
                        for image in waiting:
                            image.setdefault("metadata", {})[DESCRIPTION] = match.group(1)
                        waiting = []
                    else:
                        kept.append(line)
                output.text = "".join(kept)
                if not output.text:
                    continue
            outputs.append(output)
        if waiting:
            raise HandoutError(
                f"{file}, cell {index}: a figure without a description. End the plotting cell with "
                'lb.show_figure("One sentence saying what the figure shows and what to see in it.") instead '
                "of plt.show(): the sentence becomes the figure's alt text and caption."
            )
        cell.outputs = outputs
    return nb


# ------------------------------------------------------------------------------------------------- formulas


class FormulaError(HandoutError):
    def __init__(self, formula: str, reason: str):
        super().__init__(f"cannot convert the formula {formula!r} to MathML: {reason}")
        self.formula, self.reason = formula, reason


def latex_to_mathml(tex: str, display: str) -> str:
    r"""MathML for the LaTeX ``tex`` (``display`` "inline" or "block"); FormulaError if it cannot convert.

    >>> latex_to_mathml("p_k", "inline")
    '<math display="inline"><mrow><msub><mi>p</mi><mi>k</mi></msub></mrow></math>'
    >>> latex_to_mathml(r"\ln K", "inline")
    '<math display="inline"><mrow><mi>ln</mi><mspace width="0.1667em"></mspace><mi>K</mi></mrow></math>'
    """
    try:
        mathml = latex_to_mathml_raw(tex.strip(), display=display)
    except Exception as error:  # latex2mathml raises a dozen exception types for malformed input
        raise FormulaError(tex, f"{type(error).__name__} {error}".strip()) from None
    unknown = UNCONVERTED.search(mathml)
    if unknown:
        what = unknown.group(2)
        if "&" in what:
            what = "alignment '&' outside a supported environment"
        raise FormulaError(tex, f"latex2mathml does not support {what}")
    mathml = FUNCTION_NAME.sub(r"\1" + THIN_SPACE, WORD_OPERATOR.sub(r"<mi>\1</mi>", mathml))
    mathml = SIGN.sub(r'\1<mo form="prefix">\2</mo>', mathml)
    # HTML puts <math> in the MathML namespace by itself; without the attribute, heading anchors
    # (which nbconvert builds with ElementTree) keep the element name `math`.
    return mathml.replace(' xmlns="http://www.w3.org/1998/Math/MathML"', "", 1)


class MathMLRenderer(IPythonRenderer):
    """nbconvert's markdown renderer, with $…$, $$…$$ and \\begin{env}…\\end{env} rendered as MathML.

    nbconvert's parser (MarkdownWithMath) already finds the formulas the way Jupyter does: not inside code
    spans or fenced code, escaped dollars left alone.
    """

    def block_math(self, body: str) -> str:
        return latex_to_mathml(body, "block")

    def inline_math(self, body: str) -> str:
        return latex_to_mathml(body, "inline")

    def latex_environment(self, name: str, body: str) -> str:
        return latex_to_mathml(f"\\begin{{{name}}}{body}\\end{{{name}}}", "block")


# The answers of "Check your understanding" sit in <details> blocks. Markdown passes a raw HTML block
# through untouched, so a formula inside one would stay "$p$" on the page (JupyterLab typesets it anyway).
DETAILS = re.compile(r"(<details>\s*<summary>.*?</summary>)(.*?)(</details>)", re.S)


def render_inside_details(source: str, markdown) -> str:
    r"""Render the markdown inside each <details> answer first, on one line, so that the block stays whole.

    >>> class Upper:  # a stand-in renderer
    ...     def render(self, text):
    ...         return "<p>" + text.strip().upper() + "</p>\n"
    >>> text = "1. Why?\n   <details><summary>Answer</summary>Because\n$p$.</details>"
    >>> render_inside_details(text, Upper())
    '1. Why?\n   <details><summary>Answer</summary><p>BECAUSE $P$.</p></details>'
    """

    def answer(match: re.Match) -> str:
        inner = " ".join(markdown.render(match.group(2)).split())
        return match.group(1) + inner + match.group(3)

    return DETAILS.sub(answer, source)


SCROLL_BOX = '<div class="handout-scroll" tabindex="0" role="region" aria-label="Table, scrolls sideways">'


def scrollable_tables(text: str) -> str:
    """Wrap each table in a box that scrolls sideways when the table is wider than the page.

    The box can be reached with the keyboard (tabindex) and is a named region, so that a keyboard user
    can scroll it too (WCAG 2.1.1; axe's rule scrollable-region-focusable).

    >>> print(scrollable_tables("<table><tr><td>1</td></tr></table>").replace(SCROLL_BOX, "[box]"))
    [box]<table><tr><td>1</td></tr></table></div>
    """
    return re.sub(r"<table\b", SCROLL_BOX + "<table", text).replace("</table>", "</table></div>")


def html_links(text: str) -> str:
    """Point links to sibling notebooks at their HTML editions.

    >>> html_links('<a href="01_cross_entropy.ipynb">next</a> <a href="https://x.org/a.ipynb">x</a>')
    '<a href="01_cross_entropy.html">next</a> <a href="https://x.org/a.ipynb">x</a>'
    """
    return NOTEBOOK_LINK.sub(r"\1\2.html\3", text)


class HandoutExporter(HTMLExporter):
    """nbconvert's HTML exporter with the offline template and MathML formulas."""

    def __init__(self, **kw):
        kw.setdefault("extra_template_basedirs", [str(TEMPLATE_DIR.parent)])
        kw.setdefault("template_name", TEMPLATE_DIR.name)
        kw.setdefault("embed_images", True)
        config = Config({"CSSHTMLHeaderPreprocessor": {"style": HandoutStyle}})
        if "config" in kw:
            config.merge(kw.pop("config"))
        super().__init__(config=config, **kw)
        # Every figure gets its alt text from its description (describe_figures); nbconvert's warning about
        # missing alt text is left for a case the template does not know. A logger of our own, so that
        # other users of the traitlets logger (nbclient) keep theirs.
        self.log = logging.getLogger("lossbook.handouts.nbconvert")
        self.log.setLevel(logging.ERROR)

    @pass_context
    def markdown2html(self, context, source):
        cell = context.get("cell", {})
        renderer = MathMLRenderer(
            escape=False,
            attachments=cell.get("attachments", {}),
            embed_images=self.embed_images,
            path=context.get("resources", {}).get("metadata", {}).get("path", ""),
            anchor_link_text=self.anchor_link_text,
            exclude_anchor_links=self.exclude_anchor_links,
            **self.lexer_options,
        )
        try:
            markdown = MarkdownWithMath(renderer=renderer)
            rendered = markdown.render(render_inside_details(source, markdown))
        except FormulaError as error:
            nb = context.get("nb")
            index = next((i for i, c in enumerate(nb.cells) if c is cell), "?") if nb else "?"
            name = context.get("resources", {}).get("handout_file", "notebook")
            raise HandoutError(f"{name}, cell {index}: {error}") from None
        rendered = NO_BREAK_BEFORE_PUNCTUATION.sub(r'<span class="math-nowrap">\1</span>', rendered)
        return html_links(scrollable_tables(rendered))

    def default_filters(self):
        for name, function in super().default_filters():
            yield name, (self.markdown2html if name == "markdown2html" else function)
        yield "plain_tokens", plain_tokens


# ------------------------------------------------------------------------------------------------ checking


def offline_problems(page: str) -> list[str]:
    """What in ``page`` would need the network or is not embedded: scripts, remote or file resources.

    >>> offline_problems('<img src="data:image/png;base64,AAAA"><script src="https://cdn.x/y.js"></script>')
    ["<script src='https://cdn.x/y.js'>"]
    """
    problems = []
    for match in RESOURCE_TAG.finditer(page):
        tag, attrs = match.group(1).lower(), match.group(2)
        source = re.search(r"""\b(?:src|href)\s*=\s*(["']?)([^"'\s>]*)\1""", attrs, re.I)
        value = source.group(2) if source else ""
        if tag == "script" and source:
            problems.append(f"<script src={value[:80]!r}>")
        elif tag != "script" and not value.startswith("data:"):
            problems.append(f"<{tag}> {value[:80]!r} is not embedded")
    if re.search(r"url\(\s*['\"]?(https?:|//)|@import", page):
        problems.append("a stylesheet loads something from the network")
    return problems


# ------------------------------------------------------------------------------------------------ building


def first_heading(nb, fallback: str) -> str:
    """The text of the notebook's first markdown heading, without the #s and markup."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            match = re.search(r"^#{1,6}\s+(.+?)\s*#*\s*$", cell.source, re.M)
            if match:
                return re.sub(r"[*_`]", "", match.group(1))
    return fallback


def css_string(text: str) -> str:
    r"""``text`` as a quoted CSS string, everything but letters, digits and plain punctuation escaped.

    >>> print(css_string('Say "hi" \\ 1'))
    "Say \22 hi\22  \5c  1"
    """
    safe = " ·-:,.()"
    return '"' + "".join(c if c.isalnum() or c in safe else f"\\{ord(c):x} " for c in text) + '"'


def export_html(exporter: HandoutExporter, nb, title: str, file: str, edition: str) -> str:
    labels = {"instructor": "Instructor edition, with solutions", "student": "Student edition"}
    resources = {
        "metadata": {"name": title, "path": str(NOTEBOOKS)},
        "handout_footer": css_string(f"{title} · {labels[edition]}"),
        "handout_file": file,
        "handout_edition": edition,
        "handout_edition_label": labels[edition],
        "handout_index_href": "index.html" if edition == "instructor" else "",
    }
    paper = describe_figures(nb, file)  # a copy
    widgets_to_notes(paper)
    page, _ = exporter.from_notebook_node(paper, resources=resources)
    problems = offline_problems(page)
    if problems:
        raise HandoutError(f"{file} ({edition}): the page would not work offline: " + "; ".join(problems))
    return page


def find_chromium(chromium: str | None = None) -> str | None:
    """The Chromium executable to print PDFs with, or None when there is none."""
    candidate = chromium or os.environ.get("CHROMIUM") or CHROMIUM
    if Path(candidate).is_file() and os.access(candidate, os.X_OK):
        return candidate
    return shutil.which(candidate) if os.sep not in candidate else None


BROWSER_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-extensions",
]


def print_pdfs(chromium: str, jobs: list[tuple[Path, Path]], timeout: float = 180) -> None:
    """Print each HTML page to its PDF with headless Chromium, driven by Playwright, the network off.

    One browser prints them all. The PDFs are tagged (structure tags: a screen reader reads them in order,
    with headings, lists, tables and the images' alt text), have an outline (bookmarks) built from the
    headings, and Chromium writes the page's <title> as their Title. Paper size and margins come from
    the handout's CSS (@page: A4), and so does the footer; Chromium's own header and footer are off.
    Playwright runs in a thread of its own, so that a caller already driving a browser (a test) can call
    this too.
    """
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(_print_pdfs, chromium, jobs, timeout).result()


def _print_pdfs(chromium: str, jobs: list[tuple[Path, Path]], timeout: float) -> None:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    def local_only(route):
        if route.request.url.startswith(("file:", "data:")):
            route.continue_()
        else:
            route.abort()

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=BROWSER_ARGS)
            try:
                context = browser.new_context(offline=True)
                context.route("**/*", local_only)
                context.set_default_timeout(timeout * 1000)
                for page_path, pdf in jobs:
                    pdf.unlink(missing_ok=True)
                    page = context.new_page()
                    page.goto(page_path.resolve().as_uri(), wait_until="load")
                    page.pdf(path=str(pdf), prefer_css_page_size=True, print_background=True,
                             display_header_footer=False, outline=True, tagged=True)
                    page.close()
                    if not pdf.is_file() or pdf.read_bytes()[:5] != b"%PDF-":
                        raise HandoutError(f"Chromium did not print {page_path.name} to a PDF")
            finally:
                browser.close()
    except PlaywrightError as error:
        raise HandoutError(f"Chromium could not print the PDFs: {error}") from None


def index_page(
    rows: list[dict], pdfs: bool, chromium_missing: bool = False, cheat_sheet: bool = False
) -> str:
    """index.html: every handout of every notebook, under its title."""
    css = HANDOUT_CSS.read_text()
    body = []
    for row in rows:
        stem = row["stem"]
        pdf = f'<a href="{stem}.pdf">PDF</a>' if pdfs else '<span class="missing">PDF not built</span>'
        body.append(
            "<tr>"
            f'<td>{html.escape(row["title"])}</td>'
            f'<td><a href="{stem}.html">HTML</a> · {pdf}</td>'
            f'<td><a href="student/{stem}.ipynb">notebook</a> · <a href="student/{stem}.html">HTML</a></td>'
            "</tr>"
        )
    if pdfs:
        note = ""
    elif chromium_missing:
        note = (
            '<p class="missing">The PDFs were not built: no Chromium was found. Install Debian\'s '
            "<code>chromium</code> package (<code>apt-get install chromium</code>) and run "
            "<code>make handouts</code> again, or print an instructor page from any browser.</p>"
        )
    else:
        note = '<p class="missing">The PDFs were not built (<code>--no-pdf</code>).</p>'
    rows_html = "\n".join(body)
    cheat = (
        '<p><strong>Cheat sheet</strong>, every loss on one printable page: '
        '<a href="cheat_sheet.html">HTML</a> · <a href="cheat_sheet.pdf">PDF</a>.</p>' if cheat_sheet else ""
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>lossbook handouts</title>
<style>
body {{ font-family: system-ui, "DejaVu Sans", "Liberation Sans", sans-serif; line-height: 1.5; }}
{css}
</style>
</head>
<body class="handout handout-index-page">
<a class="handout-skip" href="#content">Skip to the content</a>
<main id="content" tabindex="-1">
<h1>lossbook handouts</h1>
<p>Loss functions of machine learning, derived by hand and checked against PyTorch. Each notebook comes in
two editions, built from the committed notebooks (nothing was re-executed):</p>
<ul>
<li><strong>Instructor edition</strong>: the whole notebook with every solution and output, as a web page
and as a PDF for printing.</li>
<li><strong>Student edition</strong>: the same notebook with the solutions replaced by
<code># your code here</code> or <em>Your answer here.</em> Hand out the <code>student/</code> folder:
each notebook runs top to bottom, and the self-check under each coding exercise says whether an answer is
right (it reports “not attempted yet” until the learner writes one). The self-checks need the
<code>lossbook</code> package (<code>make lab</code> in the repository sets it up).</li>
</ul>
{note}
{cheat}
<table>
<thead><tr><th>Notebook</th><th>Instructor edition</th><th>Student edition</th></tr></thead>
<tbody>
{rows_html}
</tbody>
</table>
</main>
</body>
</html>
"""


def remove_stale(out: Path, stems: set[str]) -> None:
    """Delete handouts of notebooks that no longer exist (other files in ``out`` are left alone)."""
    pattern = re.compile(r"^((?:\d\d|A\d)_[\w-]+)\.(html|pdf|ipynb)$")
    for folder in (out, out / "student"):
        if folder.is_dir():
            for path in folder.iterdir():
                match = pattern.match(path.name)
                if match and match.group(1) not in stems:
                    path.unlink()


def build(
    out: Path = OUT,
    notebooks: list[Path] | None = None,
    pdf: bool = True,
    chromium: str | None = None,
    log=print,
) -> dict:
    """Write the handouts of ``notebooks`` (default: every notebooks/NN_*.ipynb) into ``out``.

    Returns a summary: files written, PDFs skipped or not, sizes and times. Raises HandoutError when a
    notebook cannot be turned into a handout.
    """
    start = time.perf_counter()
    out = Path(out)
    paths = sorted(notebooks) if notebooks else sorted(NOTEBOOKS.glob("[0-9A][0-9]_*.ipynb"))
    if not paths:
        raise HandoutError(f"no notebooks NN_*.ipynb in {NOTEBOOKS}")
    (out / "student").mkdir(parents=True, exist_ok=True)
    remove_stale(out, {p.stem for p in paths})

    exporter = HandoutExporter()
    written: list[Path] = []
    pages: list[tuple[Path, Path]] = []
    rows = []
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        title = first_heading(nb, path.stem)
        student = student_edition(nb, path.name)
        targets = {
            out / f"{path.stem}.html": export_html(exporter, nb, title, path.name, "instructor"),
            out / "student" / f"{path.stem}.html": export_html(
                exporter, student, title, path.name, "student"
            ),
        }
        for target, page in targets.items():
            target.write_text(page, encoding="utf-8")
        student_ipynb = out / "student" / path.name
        nbformat.write(student, student_ipynb)
        written += [*targets, student_ipynb]
        pages.append((out / f"{path.stem}.html", out / f"{path.stem}.pdf"))
        rows.append({"stem": path.stem, "title": title})
    html_seconds = time.perf_counter() - start

    executable = find_chromium(chromium) if pdf else None
    if executable:
        pdf_start = time.perf_counter()
        print_pdfs(executable, pages)
        written += [target for _, target in pages]
        if notebooks is None:  # the whole collection: its one-page cheat sheet too, from the index
            import cheat_sheet  # here: cheat_sheet imports this module

            pdf_file = cheat_sheet.build(out)
            written += [pdf_file.with_suffix(".html"), pdf_file]
        pdf_seconds = time.perf_counter() - pdf_start
    else:
        pdf_seconds = 0.0
        for _, target in pages:
            target.unlink(missing_ok=True)

    index = out / "index.html"
    whole = bool(executable) and notebooks is None  # the cheat sheet was printed
    missing = pdf and not executable
    index_html = index_page(rows, bool(executable), chromium_missing=missing, cheat_sheet=whole)
    index.write_text(index_html, encoding="utf-8")
    written.append(index)

    seconds = time.perf_counter() - start
    size = sum(p.stat().st_size for p in written)
    summary = {
        "out": out, "notebooks": len(paths), "files": written, "bytes": size, "seconds": seconds,
        "html_seconds": html_seconds, "pdf_seconds": pdf_seconds, "pdfs": bool(executable),
    }
    shown = out.relative_to(ROOT) if out.is_relative_to(ROOT) else out
    log(f"{shown}: {len(paths)} notebook(s) -> {len(written)} files, {size / 1e6:.1f} MB in {seconds:.1f} s "
        f"(HTML and student notebooks {html_seconds:.1f} s, PDFs {pdf_seconds:.1f} s)")
    if pdf and not executable:
        log(f"No PDFs: Chromium was not found at {chromium or os.environ.get('CHROMIUM') or CHROMIUM}. "
            "The HTML handouts are complete. To get the PDFs, install Debian's chromium package "
            "(sudo apt-get install chromium) and run `make handouts` again (or set CHROMIUM=/path/to/it), "
            "or open an instructor HTML page in any browser and print it to PDF.")
    return summary


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT, help="output folder (default: build/handouts)")
    parser.add_argument("--no-pdf", action="store_true", help="skip printing the PDFs")
    args = parser.parse_args(argv)
    try:
        build(args.out, pdf=not args.no_pdf)
    except HandoutError as error:
        print(f"handouts: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
