"""The handouts (`make handouts`, tools/handouts.py), without a browser.

One build of every notebook (HTML and student notebooks, from a snapshot of notebooks/) is shared with
test_handouts_browser.py, also across pytest-xdist workers. On it: student editions hold no solution and
keep every exercise and self-check, are valid notebooks and run top to bottom in a fresh kernel with every
self-check saying "not attempted yet"; the HTML pages load nothing from the network, have their formulas as
MathML and no raw LaTeX left; every link resolves. Small builds of made-up notebooks check the math parsing,
a formula that cannot be converted, and a build without Chromium. The real-browser checks and the PDFs are
in test_handouts_browser.py.
"""

from __future__ import annotations

import doctest
import os
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from filelock import FileLock
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import handouts  # noqa: E402
from test_notebook_hygiene import widget_cells  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9A][0-9]_*.ipynb"))
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
EXERCISE = re.compile(r"^### Exercise \d+\b", re.M)
REMOTE = re.compile(r"^\s*(https?:)?//", re.I)


@dataclass(frozen=True)
class Built:
    out: Path  # what the build wrote
    source: Path  # the notebooks it was built from

    def notebook(self, path: Path):
        return nbformat.read(self.source / path.name, as_version=4)

    def student(self, path: Path):
        return nbformat.read(self.out / "student" / path.name, as_version=4)

    def pages(self) -> list[Path]:
        """The notebooks' HTML pages, instructor then student editions (not index.html)."""
        pattern = "[0-9A][0-9]_*.html"
        return sorted(self.out.glob(pattern)) + sorted((self.out / "student").glob(pattern))


def shared_build(tmp_path_factory) -> Built:
    """Build the handouts (no PDFs) once per test session, whichever test file or xdist worker asks first.

    The notebooks are copied first: the tests compare each handout with exactly what it was built from.
    """
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the session's folder, shared by the workers
    folder = root / "lossbook-handouts"
    built = Built(out=folder / "out", source=folder / "notebooks")
    with FileLock(str(folder) + ".lock"):
        if not (folder / "done").exists():
            shutil.rmtree(folder, ignore_errors=True)
            built.source.mkdir(parents=True)
            for path in NOTEBOOKS:
                shutil.copy(path, built.source / path.name)
            handouts.build(built.out, notebooks=sorted(built.source.glob("*.ipynb")), pdf=False,
                           log=lambda _: None)
            (folder / "done").touch()
    return built


def tags(cell) -> list[str]:
    return cell.metadata.get("tags", [])


def is_solution(cell) -> bool:
    return "solution" in tags(cell)


def is_self_check(cell) -> bool:
    return cell.cell_type == "code" and "lb.check_exercise(" in cell.source


def solution_lines(cell) -> list[str]:
    """The lines of a solution cell that the student must not see (stripped, without blanks)."""
    lines = cell.source.splitlines()
    if cell.cell_type == "code" and BEGIN in cell.source:
        hidden, inside = [], False
        for line in lines:
            if line.strip() == BEGIN:
                inside = True
            elif line.strip() == END:
                inside = False
            elif inside:
                hidden.append(line)
        lines = hidden
    return [line.strip() for line in lines if line.strip()]


def visible_text(soup) -> str:
    """The page's text outside code, preformatted output, formulas, styles and scripts."""
    skip = {"pre", "code", "math", "style", "script"}
    return " ".join(
        text for text in soup.find_all(string=True) if not any(p.name in skip for p in text.parents)
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Built:
    return shared_build(tmp_path_factory)


@pytest.fixture(scope="module")
def soups(built):
    """Each built HTML page parsed once; the base64 payload of embedded images is cut short (it is most of
    a page and html.parser is slow), the `data:image/...;base64,` prefix is kept for the checks."""
    parsed = {}
    for page in [*built.pages(), built.out / "index.html"]:
        html = re.sub(r"(data:image/[\w+.-]+;base64,)[A-Za-z0-9+/=\s]{64,}", r"\1AAAA", page.read_text())
        parsed[page] = (html, BeautifulSoup(html, "html.parser"))
    return parsed


def test_there_are_notebooks_to_hand_out():
    assert NOTEBOOKS, "no notebooks/NN_*.ipynb"


def test_every_handout_is_written(built):
    for path in NOTEBOOKS:
        for target in (f"{path.stem}.html", f"student/{path.stem}.ipynb", f"student/{path.stem}.html"):
            assert (built.out / target).is_file(), f"{target} was not written"
            assert (built.out / target).stat().st_size > 1000, f"{target} is nearly empty"
    assert (built.out / "index.html").is_file()
    assert len(built.pages()) == 2 * len(NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_student_edition_holds_no_solution(built, soups, path):
    nb, student = built.notebook(path), built.student(path)
    assert len(student.cells) == len(nb.cells)
    # The lines to hide: those of the solutions that are not also written outside them.
    elsewhere = {line.strip() for c in nb.cells if not is_solution(c) for line in c.source.splitlines()}
    hidden = {line for c in nb.cells if is_solution(c) for line in solution_lines(c)} - elsewhere
    assert hidden or path.name.startswith("00_"), f"{path.name}: no solution to hide"
    for index, (before, after) in enumerate(zip(nb.cells, student.cells, strict=True)):
        where = f"{path.name} cell {index}"
        leaked = [line for line in after.source.splitlines() if line.strip() in hidden]
        assert not leaked, f"{where}: solution lines in the student edition: {leaked[:3]}"
        if is_solution(before):
            if before.cell_type == "markdown":
                assert after.source == "Your answer here.", where
            elif BEGIN in before.source:
                placeholder = re.compile(r"^( *)# your code here\n\1raise NotImplementedError$", re.M)
                assert placeholder.search(after.source), f"{where}: no placeholder where the solution was"
                assert BEGIN not in after.source and END not in after.source, where
            else:
                assert after.source == "# your code here", where
        if before.cell_type == "code" and (is_solution(before) or is_self_check(before)):
            assert after.outputs == [] and after.execution_count is None, f"{where}: outputs not cleared"

    html, soup = soups[built.out / "student" / f"{path.stem}.html"]
    assert "<strong>Solution.</strong>" not in html
    for element in soup.select(".celltag_solution"):
        lines = {line.strip() for line in element.get_text("\n").splitlines()}
        leaked = sorted(lines & hidden)
        assert not leaked, f"{path.name}: solution lines in the student HTML: {leaked[:3]}"
        assert not element.select(".jp-OutputArea-output"), f"{path.name}: a solution's output in the HTML"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_student_edition_keeps_everything_else(built, path):
    nb, student = built.notebook(path), built.student(path)
    nbformat.validate(student)
    assert student.metadata["kernelspec"]["name"] == "python3"
    exercises = [c.source for c in nb.cells if c.cell_type == "markdown" and EXERCISE.search(c.source)]
    kept = [c.source for c in student.cells if c.cell_type == "markdown" and EXERCISE.search(c.source)]
    assert kept == exercises
    checks = [c.source for c in nb.cells if is_self_check(c)]
    assert [c.source for c in student.cells if is_self_check(c)] == checks
    for before, after in zip(nb.cells, student.cells, strict=True):
        assert tags(after) == tags(before)
        if not is_solution(before):
            assert after.source == before.source
        if before.cell_type == "code" and not is_solution(before) and not is_self_check(before):
            assert after.outputs == before.outputs and after.execution_count == before.execution_count


def test_teaching_notebooks_have_exercises_to_clear(built):
    # Keeps the two tests above from passing vacuously.
    for path in NOTEBOOKS:
        if not path.name.startswith("00_"):
            nb = built.notebook(path)
            assert any(is_solution(c) and BEGIN in c.source for c in nb.cells), path.name
            assert any(is_self_check(c) for c in nb.cells), path.name


@pytest.mark.slow
@pytest.mark.parametrize(
    # 00_index has no solution: its student edition is the notebook itself, which nbval already runs.
    "path", [p for p in NOTEBOOKS if any(is_solution(c) for c in nbformat.read(p, as_version=4).cells)],
    ids=lambda p: p.name,
)
def test_student_edition_runs_top_to_bottom_in_a_fresh_kernel(built, path):
    nb = built.student(path)
    # As JupyterLab runs it: a fresh python3 kernel, notebooks/ as the working directory.
    client = NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(ROOT / "notebooks")}}
    )
    client.execute()  # raises CellExecutionError at the first error
    checks = [c for c in nb.cells if is_self_check(c)]
    assert checks, f"{path.name}: no self-check to run"
    for cell in checks:
        text = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
        assert "not attempted yet" in text, f"{path.name}: {cell.source!r} printed {text!r}"


def test_html_pages_are_offline_and_their_formulas_are_mathml(built, soups):
    out = built.out
    for page in [*built.pages(), out / "index.html"]:
        html, soup = soups[page]
        where = page.relative_to(out)
        assert not soup.find_all("script"), f"{where}: has a <script>"
        for tag, attr in (("link", "href"), ("img", "src"), ("iframe", "src"), ("source", "src")):
            for element in soup.find_all(tag):
                value = element.get(attr, "")
                assert not REMOTE.match(value), f"{where}: <{tag} {attr}={value[:60]!r}> needs the network"
                assert value.startswith("data:"), f"{where}: <{tag}> not embedded: {value[:60]!r}"
        found = re.search(r"cdnjs|jsdelivr|unpkg|mathjax|require(\.min)?\.js|@import", html, re.I)
        assert not found, f"{where}: mentions {found.group(0)!r}"
        text = visible_text(soup)
        dollar = text.find("$")
        assert dollar < 0, f"{where}: raw $ left: {text[max(0, dollar - 60):dollar + 60]!r}"
        latex = re.search(r"\\(frac|sum|ln|log|begin|mathrm|operatorname|left|sigma)\b", text)
        assert not latex, f"{where}: raw LaTeX {latex.group(0)!r} in the text"

    for path in NOTEBOOKS:
        markdown = "".join(c.source for c in built.notebook(path).cells if c.cell_type == "markdown")
        if "$" in markdown:
            for page in (out / f"{path.stem}.html", out / "student" / f"{path.stem}.html"):
                maths = soups[page][1].find_all("math")
                assert maths, f"{page.name}: formulas in the notebook, no <math> in the page"
                assert any(m.get("display") == "block" for m in maths) == ("$$" in markdown), page.name


def test_links_between_pages_resolve_and_point_to_html(built, soups):
    out = built.out
    for page, (_, soup) in soups.items():
        for link in soup.find_all("a", href=True):
            href = link["href"]
            if REMOTE.match(href) or href.startswith(("#", "mailto:")):
                continue
            target = href.split("#")[0]
            if page.name != "index.html":
                # In the HTML editions a notebook links to the HTML of its neighbours.
                assert not target.endswith(".ipynb"), f"{page.relative_to(out)}: link to {href}"
            assert (page.parent / target).is_file(), f"{page.relative_to(out)}: broken link {href}"


def test_index_links_every_handout_under_its_title(built, soups):
    soup = soups[built.out / "index.html"][1]
    hrefs = {a["href"] for a in soup.find_all("a", href=True)}
    for path in NOTEBOOKS:
        wanted = {f"{path.stem}.html", f"student/{path.stem}.ipynb", f"student/{path.stem}.html"}
        assert wanted <= hrefs, f"index.html lacks {wanted - hrefs}"
        heading = built.notebook(path).cells[0].source.splitlines()[0].lstrip("# ").strip()
        assert heading in soup.get_text(), f"index.html lacks the title {heading!r}"
        assert f"{path.stem}.pdf" not in hrefs, "a PDF is linked although none was built"
    assert "PDFs were not built" in soup.get_text()


def test_instructor_edition_keeps_solutions_and_outputs(built, soups):
    for path in NOTEBOOKS:
        nb = built.notebook(path)
        soup = soups[built.out / f"{path.stem}.html"][1]
        assert len(soup.select(".celltag_solution")) == sum(map(is_solution, nb.cells)), path.name
        outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
        plots = sum("image/png" in o.get("data", {}) for o in outputs)
        assert len(soup.find_all("img")) == plots, path.name
        assert soup.title.get_text() == nb.cells[0].source.splitlines()[0].lstrip("# ").strip()


# ---------------------------------------------------------------------------- the parts, on small inputs


def test_the_examples_in_tools_handouts_hold():
    # tools/ is outside pytest's doctest paths; its examples are checked here.
    result = doctest.testmod(handouts, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 5 and result.failed == 0


def test_replace_solution_regions_keeps_indentation_and_the_rest():
    source = (
        "def f(x):\n"
        '    """Doc."""\n'
        "    ### BEGIN SOLUTION\n"
        "    y = x + 1\n"
        "    return y\n"
        "    ### END SOLUTION\n"
        "\n"
        "### BEGIN SOLUTION\n"
        "z = f(1)\n"
        "### END SOLUTION\n"
        "print('kept')"
    )
    assert handouts.replace_solution_regions(source) == (
        "def f(x):\n"
        '    """Doc."""\n'
        "    # your code here\n"
        "    raise NotImplementedError\n"
        "\n"
        "# your code here\n"
        "raise NotImplementedError\n"
        "print('kept')"
    )


@pytest.mark.parametrize(
    "source, message",
    [
        ("### BEGIN SOLUTION\nx = 1", "without a matching"),
        ("x = 1\n### END SOLUTION", "without a ### BEGIN SOLUTION"),
        ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION", "inside another"),
    ],
)
def test_unbalanced_markers_stop_the_build(source, message):
    with pytest.raises(handouts.HandoutError, match=message):
        handouts.replace_solution_regions(source)


def tiny_notebook(tmp_path: Path, markdown: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nb.cells = [
        nbformat.v4.new_markdown_cell("# 98 · Tiny\n\nSee [the next one](99_next.ipynb)."),
        nbformat.v4.new_markdown_cell(markdown),
    ]
    path = tmp_path / "98_tiny.ipynb"
    nbformat.write(nb, path)
    return path


def test_math_is_found_as_jupyter_finds_it(tmp_path):
    markdown = (
        "Inline $\\frac{1}{K}$, code `$not math$`, display\n\n$$\\ln \\sum_k e^{z_k}$$\n\n"
        "```python\nprice = '$5 and $6'\n```\n\n\\begin{cases} 1 & x > 0 \\\\ 0 & \\text{else} \\end{cases}"
    )
    out = tmp_path / "out"
    handouts.build(out, notebooks=[tiny_notebook(tmp_path, markdown)], pdf=False, log=lambda _: None)
    soup = BeautifulSoup((out / "98_tiny.html").read_text(), "html.parser")
    maths = soup.find_all("math")
    assert [m.get("display") for m in maths] == ["inline", "block", "block"]
    assert maths[0].find("mfrac") and maths[2].find("mtable")
    assert "$not math$" in [c.get_text() for c in soup.find_all("code")]
    assert "'$5 and $6'" in soup.find("pre").get_text()
    assert soup.find("a", string="the next one")["href"] == "99_next.html"


@pytest.mark.parametrize("formula", ["\\frac{1}{", "x^{", "\\nosuchcommand x", "a &= b"])
def test_a_formula_that_cannot_be_converted_stops_the_build_and_says_where(tmp_path, formula):
    path = tiny_notebook(tmp_path, f"Fine $x$, then ${formula}$.")
    with pytest.raises(handouts.HandoutError) as error:
        handouts.build(tmp_path / "out", notebooks=[path], pdf=False, log=lambda _: None)
    message = str(error.value)
    assert "98_tiny.ipynb" in message and "cell 1" in message and repr(formula) in message, message


def test_without_chromium_the_html_is_complete_and_the_build_says_how_to_get_the_pdfs(tmp_path):
    out, messages = tmp_path / "out", []
    summary = handouts.build(out, notebooks=[tiny_notebook(tmp_path, "Text.")],
                             chromium=str(tmp_path / "no-such-chromium"), log=messages.append)
    assert not summary["pdfs"] and not list(out.glob("*.pdf"))
    assert {p.relative_to(out).as_posix() for p in summary["files"]} == {
        "98_tiny.html", "student/98_tiny.html", "student/98_tiny.ipynb", "index.html"}
    said = "\n".join(messages)
    assert "No PDFs" in said and "apt-get install chromium" in said and "HTML handouts are complete" in said
    assert "1 notebook(s) -> 4 files" in said and " MB in " in said, said
    index = (out / "index.html").read_text()
    assert "apt-get install chromium" in index and "98_tiny.pdf" not in index


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_a_widget_is_a_note_on_paper_and_its_static_figure_follows(built, soups, path):
    nb = built.notebook(path)
    for page in [built.out / f"{path.stem}.html", built.out / "student" / f"{path.stem}.html"]:
        html, soup = soups[page]
        text = soup.get_text()
        for dead in ["interactive(children", "function __main__", "widget-view+json", "widget-state+json"]:
            assert dead not in html, f"{page.name}: a widget's repr or state ({dead!r}) on paper"
        assert len(soup.select("p.widget-note")) == len(widget_cells(nb)), page.name
        assert "move the sliders" in text or not widget_cells(nb)
    for index in widget_cells(nb):
        following = nb.cells[index + 1]
        shows = any("image/png" in o.get("data", {}) for o in following.outputs)
        assert following.cell_type == "code" and shows and "lb.show_figure(" in following.source, (
            f"{path.name} cell {index}: a widget must be followed by a static figure of the same idea "
            "(a few slider positions side by side) for the printed handouts")


def test_the_collection_has_at_least_five_widgets():
    # Issue 11: logits (01), temperature (02), one logit and BCE (03), Huber and quantile (04), margin (05).
    count = sum(len(widget_cells(nbformat.read(p, as_version=4))) for p in NOTEBOOKS)
    assert count >= 5, f"{count} widgets in the notebooks"
