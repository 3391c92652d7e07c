"""Notebook hygiene: structure and state that nbval does not check.

nbval re-executes each notebook and compares outputs; this file checks what a reader and a handout need:
the arc of headings, the learner's budget (../shared/CONVENTIONS.md), exercises with tagged solutions,
questions with answers to reveal, cells executed in order in a fresh kernel, no error or stderr outputs,
nothing machine-specific in the outputs, kernelspec python3, a size under 1 MB.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9A][0-9]_*.ipynb"))  # lessons NN_, appendices A1_
APPENDICES = [p for p in NOTEBOOKS if p.name.startswith("A")]
TEACHING = [p for p in NOTEBOOKS if not p.name.startswith(("00_", "A"))]


def topic(path: Path) -> str:
    return path.stem.split("_", 1)[1]


# The arc of CONVENTIONS.md; "On real data" and "Try it" only where they apply.
ARC = ["Setup", "Idea", "Where it comes from", "By hand", "lossbook and PyTorch", "On real data", "Pitfalls",
       "Try it", "Exercises", "Check your understanding", "Summary"]
OPTIONAL = {"On real data", "Try it"}
# The gradients, choosing and mistakes notebooks adapt the arc to their purpose (CONVENTIONS.md): they keep
# its frame and order, and take from the middle what serves them.
ADAPTED = {"gradients", "training", "choosing_a_loss", "common_mistakes"}
FRAME = ["Setup", "Exercises", "Check your understanding", "Summary"]
# The learner's budget (CONVENTIONS.md): words are whitespace-separated tokens of the markdown cells,
# navigation lines excluded. An appendix is optional reading and may be longer.
MAX_WORDS, MAX_APPENDIX_WORDS, MAX_CELL_WORDS, WORDS_PER_FIGURE = 3000, 4000, 300, 600
MACHINE_SPECIFIC = re.compile(
    r"at 0x[0-9a-f]{6,}|np\.float(16|32|64)\(|grad_fn=|tensor\(|/root/|/home/|/tmp/|/work/|site-packages"
)
# Issue 11: a widget to move in these notebooks' "Try it" sections (others may have one too).
TRY_IT = {"cross_entropy", "entropy_and_kl", "binary_cross_entropy", "regression_losses", "hinge_loss"}
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"  # tools/handouts.py turns these outputs into a note
EXERCISE = re.compile(r"^### Exercise (\d+)\b", re.M)  # may share a cell with "## Exercises"


def load(path: Path):
    return nbformat.read(path, as_version=4)


def tags(cell) -> list[str]:
    return cell.metadata.get("tags", [])


def output_text(output) -> str:
    text = output.get("text", "")
    data = output.get("data", {})
    return "".join(text) + "".join(data.get("text/plain", "")) + "".join(data.get("text/html", ""))


def level2_headings(nb) -> list[str]:
    heads = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            heads += re.findall(r"^## (.+?)\s*$", cell.source, re.M)
    return heads


def test_there_are_notebooks():
    assert NOTEBOOKS and NOTEBOOKS[0].name == "00_index.ipynb"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_valid_small_and_python3(path):
    nb = load(path)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert path.stat().st_size < 1_000_000, f"{path.name} is {path.stat().st_size} bytes (limit 1 MB)"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_executed_in_order_in_a_fresh_kernel(path):
    counts = [c.execution_count for c in load(path).cells if c.cell_type == "code" and c.source.strip()]
    assert counts, f"{path.name} has no code cell for nbval to run"
    assert counts == list(range(1, len(counts) + 1)), (
        f"{path.name}: execution counts {counts}; run tools/execute_notebooks.py on it"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_outputs_have_no_errors_stderr_or_machine_specific_text(path):
    for index, cell in enumerate(load(path).cells):
        if cell.cell_type != "code":
            continue
        for output in cell.outputs:
            where = f"{path.name} cell {index}"
            if output.output_type == "error":
                assert "raises-exception" in tags(cell), f"{where}: error output {output.ename}"
            assert output.get("name") != "stderr", f"{where}: stderr output {output_text(output)[:200]!r}"
            found = MACHINE_SPECIFIC.search(output_text(output))
            assert not found, f"{where}: machine-specific text {found.group(0)!r} in the output"


def prose_cells(nb) -> list:
    return [c for c in nb.cells if c.cell_type == "markdown" and "navigation" not in tags(c)]


def markdown_words(nb) -> list[int]:
    return [len(c.source.split()) for c in prose_cells(nb)]


def cell_words(source: str) -> int:
    """A cell's size against the 300-word limit: whitespace-separated tokens or word characters' runs,
    whichever is more (`p_k`, `σ(z)` and `0.258` are one token but several words to a reader)."""
    return max(len(source.split()), len(re.findall(r"\w+", source)))


def figures(nb) -> int:
    return sum("image/png" in o.get("data", {}) for c in nb.cells if c.cell_type == "code" for o in c.outputs)


def arc_problems(heads: list[str], arc: list[str], optional=frozenset()) -> list[str]:
    """What is wrong with the level-2 headings ``heads`` against ``arc`` (missing, or out of order)."""
    present = [h for h in heads if h in arc]
    missing = [h for h in arc if h not in optional and h not in present]
    in_order = present == [h for h in arc if h in present]
    return [f"missing {missing}"] * bool(missing) + [f"out of order {present}"] * (not in_order)


@pytest.mark.parametrize("path", TEACHING, ids=lambda p: p.name)
def test_the_arc_of_headings_is_complete_and_in_order(path):
    nb = load(path)
    assert nb.cells[0].cell_type == "markdown" and re.match(r"# \d\d · ", nb.cells[0].source)
    optional = set(ARC) - set(FRAME) if topic(path) in ADAPTED else OPTIONAL
    problems = arc_problems(level2_headings(nb), ARC, optional)
    assert not problems, f"{path.name}: arc headings: {'; '.join(problems)}"
    for word in ("Learning goals", "Prerequisites"):
        assert word in nb.cells[0].source, f"{path.name}: the first cell should state the {word}"


@pytest.mark.parametrize("path", TEACHING + APPENDICES, ids=lambda p: p.name)
def test_setup_is_one_code_cell_and_navigation_is_top_and_bottom(path):
    nb = load(path)
    nav = [i for i, c in enumerate(nb.cells) if "navigation" in tags(c)]
    assert nav[:1] == [1] and nav[-1:] == [len(nb.cells) - 1], f"{path.name}: navigation cells at {nav}"
    start = next(i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and "## Setup" in c.source)
    after = nb.cells[start + 1 :]
    end = next(i for i, c in enumerate(after) if c.cell_type == "markdown" and "## " in c.source)
    code = [c for c in after[:end] if c.cell_type == "code"]
    assert len(code) == 1, f"{path.name}: the Setup section should hold one code cell, has {len(code)}"


@pytest.mark.parametrize("path", TEACHING + APPENDICES, ids=lambda p: p.name)
def test_exercises_have_tagged_solutions_right_below(path):
    cells = load(path).cells
    exercises = [i for i, c in enumerate(cells) if c.cell_type == "markdown" and EXERCISE.search(c.source)]
    assert len(exercises) >= 3, f"{path.name}: {len(exercises)} exercises, at least 3 wanted"
    for i in exercises:
        title = EXERCISE.search(cells[i].source).group(0)
        assert "solution" in tags(cells[i + 1]), f"{path.name}: no cell tagged solution under {title!r}"
    coding = [c for c in cells if c.cell_type == "code" and "lb.check_exercise(" in c.source]
    assert coding, f"{path.name}: no coding exercise with a self-check"
    for i, cell in enumerate(cells):
        if "solution" in tags(cell) and cell.cell_type == "code" and "### BEGIN SOLUTION" in cell.source:
            assert cell.source.count("### BEGIN SOLUTION") == cell.source.count("### END SOLUTION")
            # a function the learner writes is checked right after its solution
            after = next(c for c in cells[i + 1 :] if "solution" not in tags(c))
            assert "lb.check_exercise(" in after.source, f"{path.name}: cell {i}'s function has no self-check"
        if "solution" not in tags(cell):
            assert "### BEGIN SOLUTION" not in cell.source, f"{path.name}: markers in an untagged cell"


def test_arc_check_catches_a_missing_or_misplaced_heading():
    assert arc_problems(["Setup", "Idea", "Summary"], ["Setup", "Idea", "Summary"]) == []
    assert arc_problems(["Setup", "Summary"], ["Setup", "Idea", "Summary"]) == ["missing ['Idea']"]
    assert arc_problems(["Idea", "Setup", "Summary"], ["Setup", "Idea", "Summary"]) != []
    assert arc_problems(["Setup", "Summary"], ["Setup", "Idea", "Summary"], {"Idea"}) == []


BUDGETED = TEACHING + APPENDICES


@pytest.mark.parametrize("path", BUDGETED, ids=lambda p: p.name)
def test_the_learners_budget(path):
    nb = load(path)
    words = markdown_words(nb)
    limit = MAX_APPENDIX_WORDS if path in APPENDICES else MAX_WORDS
    assert sum(words) <= limit, f"{path.name}: {sum(words)} words of markdown (limit {limit})"
    largest = max(cell_words(c.source) for c in prose_cells(nb))
    assert largest <= MAX_CELL_WORDS, f"{path.name}: a markdown cell of {largest} words (limit 300)"
    wanted = sum(words) // WORDS_PER_FIGURE
    assert figures(nb) >= wanted, f"{path.name}: {figures(nb)} figures for {sum(words)} words, want {wanted}"


def test_index_cells_stay_within_300_words_but_its_contents_table():
    # The generated contents table is read row by row; every other cell of the index, the generated reading
    # order and the cheat sheet's tables included, keeps the learner's limit.
    index = load(NOTEBOOKS[0])
    prose = [c for c in index.cells if c.cell_type == "markdown" and "contents" not in tags(c)]
    sizes = [cell_words(c.source) for c in prose]
    assert max(sizes) <= MAX_CELL_WORDS, f"{NOTEBOOKS[0].name}: a markdown cell of {max(sizes)} words"


@pytest.mark.parametrize("path", TEACHING, ids=lambda p: p.name)
def test_check_your_understanding_has_questions_with_answers_to_reveal(path):
    nb = load(path)
    cells = [nb.cells[i] for i in section(nb, "Check your understanding")]
    questions = "".join(c.source for c in cells if c.cell_type == "markdown")
    answers = questions.count("<details>")
    assert 4 <= answers <= 6, f"{path.name}: {answers} questions with an answer to reveal, want 4 to 6"
    assert answers == questions.count("</details>") == questions.count("<summary>")


@pytest.mark.parametrize("path", APPENDICES, ids=lambda p: p.name)
def test_an_appendix_has_a_title_setup_exercises_and_summary(path):
    nb = load(path)
    assert re.match(r"# A\d · ", nb.cells[0].source), f"{path.name}: first cell should be '# A1 · Title'"
    heads = level2_headings(nb)
    for head in ("Setup", "Exercises", "Summary"):
        assert head in heads, f"{path.name}: no '## {head}'"


EXERCISE_ID = re.compile(r"""lb\.check_exercise\(\s*["']([^"']+)["']""")


def test_no_exercise_is_reused_from_another_notebook():
    seen: dict[str, str] = {}
    for path in NOTEBOOKS:
        for cell in load(path).cells:
            for exercise_id in EXERCISE_ID.findall(cell.source) if cell.cell_type == "code" else []:
                assert seen.setdefault(exercise_id, path.name) == path.name, (
                    f"exercise {exercise_id!r} is in {seen[exercise_id]} and again in {path.name}"
                )
    assert len(seen) >= 3 * len(TEACHING), f"only {len(seen)} exercise ids found: the pattern is wrong"


def test_machine_specific_pattern_catches_what_it_should():
    for bad in ["np.float64(0.25)", "<Figure at 0x7f3a2b1c0d90>", "tensor(0.2547)", "/home/me/x.py"]:
        assert MACHINE_SPECIFIC.search(bad), bad
    assert not MACHINE_SPECIFIC.search("loss = 0.2547")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_figure_has_a_description_in_its_cell(path):
    # lb.show_figure("...") prints "Figure: <sentence>" under the plot: the handouts' alt text and caption.
    for index, cell in enumerate(load(path).cells):
        undescribed, text = 0, ""  # images shown since the last "Figure: " line, text printed since
        for output in cell.get("outputs", []):
            if any(kind.startswith("image/") for kind in output.get("data", {})):
                undescribed, text = undescribed + 1, ""
            text += output.get("text", "")  # a printed line may come in several stream outputs
            if re.search(r"^Figure: \S", text, re.M):
                undescribed = 0
        assert not undescribed, (
            f"{path.name} cell {index}: a figure without a description; end the cell with "
            'lb.show_figure("One sentence saying what the figure shows and what to see in it.")'
        )


def section(nb, heading: str) -> list[int]:
    """The indices of the cells under the level-2 ``heading``, up to the next level-2 heading."""
    inside, found = False, []
    for index, cell in enumerate(nb.cells):
        heads = re.findall(r"^## (.+?)\s*$", cell.source, re.M) if cell.cell_type == "markdown" else []
        if heads:
            inside = heads[-1] == heading
        if inside:
            found.append(index)
    return found


def widget_cells(nb) -> list[int]:
    return [i for i, c in enumerate(nb.cells)
            if c.cell_type == "code" and any(WIDGET_VIEW in o.get("data", {}) for o in c.outputs)]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_try_it_holds_a_live_widget_and_nbval_ignores_nothing_else(path):
    nb = load(path)
    try_it, widgets = section(nb, "Try it"), widget_cells(nb)
    if topic(path) in TRY_IT:
        assert try_it and widgets, f"{path.name}: a Try it section with a widget to move (issue 11)"
    assert set(widgets) <= set(try_it), f"{path.name}: widgets belong in the Try it section"
    # nbval runs every cell; the widget's output is the only one it may ignore (under nbval its prints go
    # to stdout, in a saved notebook they sit inside the widget), and nothing is skipped.
    ignored = [i for i, c in enumerate(nb.cells) if "nbval-ignore-output" in tags(c)]
    assert ignored == widgets, f"{path.name}: cells {ignored} ignore their output, widgets are {widgets}"
    assert not [i for i, c in enumerate(nb.cells) if "nbval-skip" in tags(c)], f"{path.name}: nbval-skip"
    for index in widgets:
        # Only the widget: no "<function ...>" repr (interact() returns the function) and no prints.
        shown = [o for o in nb.cells[index].outputs if WIDGET_VIEW not in o.get("data", {})]
        assert not shown, f"{path.name} cell {index}: beside the widget: {output_text(shown[0])[:80]!r}"
