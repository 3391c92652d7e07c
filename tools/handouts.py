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
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from jinja2 import pass_context
from latex2mathml.converter import convert as latex_to_mathml_raw
from nbconvert.exporters import HTMLExporter
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath
from nbconvert.preprocessors import Preprocessor

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

NOTEBOOK_LINK = re.compile(r'(href=")((?:\./)?\d\d_[\w-]+)\.ipynb((?:#[^"]*)?")')
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
        super().__init__(**kw)
        # nbconvert gives plots the alt text "No description has been provided for this image" and logs a
        # warning per notebook; the plots' titles and the text around them describe them. A logger of our
        # own, so that other users of the traitlets logger (nbclient) keep theirs.
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
        return html_links(NO_BREAK_BEFORE_PUNCTUATION.sub(r'<span class="math-nowrap">\1</span>', rendered))

    def default_filters(self):
        for name, function in super().default_filters():
            yield name, (self.markdown2html if name == "markdown2html" else function)


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
    page, _ = exporter.from_notebook_node(nb, resources=resources)
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


def print_pdf(chromium: str, page: Path, pdf: Path, timeout: float = 120) -> None:
    """Print the HTML ``page`` to ``pdf`` with headless Chromium: a fresh profile, no network services."""
    with tempfile.TemporaryDirectory(prefix="lossbook-chromium-") as profile:
        command = [
            chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-default-apps", "--disable-extensions", f"--user-data-dir={profile}",
            "--no-pdf-header-footer",  # the page footer comes from the handout's CSS (@page)
            # PDF bookmarks from the headings. They need the PDF's structure tags (Chromium's default; tags
            # also make the PDF accessible), which make it 4-5 times larger: --disable-pdf-tagging would
            # give ~0.3 MB instead of ~1.5 MB per notebook, without bookmarks.
            "--generate-pdf-document-outline",
            f"--print-to-pdf={pdf}", page.resolve().as_uri(),
        ]
        pdf.unlink(missing_ok=True)
        result = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    if result.returncode != 0 or not pdf.is_file() or pdf.read_bytes()[:5] != b"%PDF-":
        tail = "\n".join(result.stderr.strip().splitlines()[-15:])
        raise HandoutError(f"Chromium could not print {page.name} to PDF (exit {result.returncode}):\n{tail}")


def index_page(rows: list[dict], pdfs: bool, chromium_missing: bool = False) -> str:
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
<main>
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
    pattern = re.compile(r"^(\d\d_[\w-]+)\.(html|pdf|ipynb)$")
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
    paths = sorted(notebooks) if notebooks else sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
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
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            for future in [pool.submit(print_pdf, executable, page, target) for page, target in pages]:
                future.result()
        written += [target for _, target in pages]
        pdf_seconds = time.perf_counter() - pdf_start
    else:
        pdf_seconds = 0.0
        for _, target in pages:
            target.unlink(missing_ok=True)

    index = out / "index.html"
    index_html = index_page(rows, bool(executable), chromium_missing=pdf and not executable)
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
