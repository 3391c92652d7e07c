"""Keep the navigation of the notebooks, the index's contents table and the README's contents table true.

The reading order lives in one place, ``CONTENTS`` below. From it this script writes:
- the navigation line (previous | index | next) into every markdown cell tagged ``navigation``
  (each notebook has one near the top and one at the bottom);
- the contents table into the cells tagged ``contents`` of ``notebooks/00_index.ipynb``, and the learning
  goals of every notebook (copied from its first cell) into the index's cells tagged ``learning-goals``;
- the contents table of README.md, between ``<!-- contents:start -->`` and ``<!-- contents:end -->``.

    python tools/navigation.py          # rewrite what is out of date
    python tools/navigation.py --check  # exit 1 and list what is out of date (tests/test_navigation.py)

Markdown cells have no outputs, so rewriting them needs no re-execution of the notebook.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
README = ROOT / "README.md"

# (file, short title, one-line summary) in reading order. Add a notebook here, then run this script.
CONTENTS: list[tuple[str, str, str]] = [
    (
        "00_index.ipynb",
        "Index",
        "What the collection teaches, the reading order, notation and a cheat sheet.",
    ),
    (
        "01_cross_entropy.ipynb",
        "Softmax and cross entropy",
        "From logits to probabilities to −ln p: the dog/cat/horse/cheetah example by hand, in lossbook "
        "and in PyTorch; cross entropy as the negative log-likelihood of a categorical model; "
        "softmax regression on the digits.",
    ),
    (
        "02_entropy_and_kl.ipynb",
        "Entropy, cross entropy and KL divergence",
        "H(y, p) = H(y) + KL(y‖p); the floor of soft targets, label smoothing, distillation with a "
        "temperature, `nn.KLDivLoss` and its traps, forward against reverse KL.",
    ),
    (
        "03_binary_cross_entropy.ipynb",
        "Binary cross entropy",
        "BCE from the Bernoulli likelihood, `BCELoss` against `BCEWithLogitsLoss`; logistic regression "
        "on the breast-cancer data with a reliability diagram; rare positives: `pos_weight` and the "
        "focal loss.",
    ),
    (
        "04_regression_losses.ipynb",
        "Regression losses: MAE, MSE, RMSE",
        "L1, L2 and RMSE by hand and in PyTorch; units, outliers, mean against median, the (N, 1) "
        "shape trap.",
    ),
    (
        "05_hinge_loss.ipynb",
        "Hinge loss",
        "Margins and the three regimes, ±1 labels, the PyTorch look-alikes, a linear SVM trained "
        "with autograd.",
    ),
    (
        "06_gradients.ipynb",
        "Gradients: what each loss tells the model",
        "Every loss's gradient derived by hand and checked against autograd and finite differences; "
        "why logits + cross entropy trains and sigmoid + MSE saturates.",
    ),
    (
        "07_training.ipynb",
        "Training with a loss: digits, overfitting and early stopping",
        "A small MLP on the digits: the training loss heads to 0 while the validation loss turns up; "
        "early stopping, label smoothing and weight decay; cross entropy against MSE on softmax outputs "
        "and the multi-class hinge; why the loss moves while the accuracy stays flat.",
    ),
    (
        "08_choosing_a_loss.ipynb",
        "Choosing a loss",
        "Classification losses against the margin on one figure; L1, L2 and Huber fits with outliers; "
        "logistic against hinge; a decision table.",
    ),
    (
        "09_common_mistakes.ipynb",
        "Common mistakes",
        "The loss bugs people actually hit in PyTorch — double softmax, wrong targets, shape broadcasting, "
        "0/1 hinge labels, sum against mean — each with its symptom and fix.",
    ),
    (
        "A1_numerics.ipynb",
        "Appendix: numerics of the losses",
        "Optional: float32 against float64, the −100 clamp of `BCELoss`, log-sum-exp under extreme "
        "shifts, and why lossbook and PyTorch agree to a bound, not to the last bit.",
    ),
]

NAV_TAG = "navigation"
CONTENTS_TAG = "contents"
GOALS_TAG = "learning-goals"
README_START = "<!-- contents:start -->"
README_END = "<!-- contents:end -->"


def existing_contents() -> list[tuple[str, str, str]]:
    """The entries of CONTENTS whose notebook exists (a planned notebook is listed once it lands)."""
    return [entry for entry in CONTENTS if (NOTEBOOKS / entry[0]).exists()]


def label(entry: tuple[str, str, str]) -> str:
    return f"{entry[0][:2]} · {entry[1]}"


def navigation_line(position: int, entries: list[tuple[str, str, str]]) -> str:
    parts = []
    if position > 0:
        prev = entries[position - 1]
        parts.append(f"[← {label(prev)}]({prev[0]})")
    if position != 0:
        parts.append(f"[Index]({entries[0][0]})")
    if position + 1 < len(entries):
        nxt = entries[position + 1]
        parts.append(f"[{label(nxt)} →]({nxt[0]})")
    return " | ".join(parts)


# A learner's time for a notebook: its markdown read at a careful, technical pace, the code cells run and
# read, and each exercise tried before its solution is revealed. Rounded up to 5 minutes.
WORDS_PER_MINUTE, MINUTES_PER_CODE_CELL, MINUTES_PER_EXERCISE = 100, 0.5, 5


def minutes(path: Path) -> int:
    """The time estimate of a notebook, from its markdown words, code cells and exercises.

    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("word " * 1000),
    ...     nbformat.v4.new_markdown_cell("### Exercise 1: try it"), nbformat.v4.new_code_cell("1")])
    >>> estimate(nb)  # 1,004 words / 100 + 0.5 + 5 = 15.5, rounded up to 20
    20
    """
    return estimate(nbformat.read(path, as_version=4))


def estimate(nb) -> int:
    prose = [c for c in nb.cells if c.cell_type == "markdown" and NAV_TAG not in c.metadata.get("tags", [])]
    markdown = [c.source for c in prose]
    words = sum(len(text.split()) for text in markdown)
    exercises = sum(text.count("### Exercise") for text in markdown)
    code = sum(c.cell_type == "code" for c in nb.cells)
    total = words / WORDS_PER_MINUTE + code * MINUTES_PER_CODE_CELL + exercises * MINUTES_PER_EXERCISE
    return 5 * math.ceil(total / 5)


def contents_table(entries: list[tuple[str, str, str]], link_prefix: str) -> str:
    rows = ["| # | Notebook | What you learn | Time |", "|---|---|---|---|"]
    for file, title, summary in entries:
        time = f"{minutes(NOTEBOOKS / file)} min"
        rows.append(f"| {file[:2]} | [{title}]({link_prefix}{file}) | {summary} | {time} |")
    return "\n".join(rows)


def learning_goals(path: Path) -> list[str]:
    """The bullet list under **Learning goals** in a notebook's first cell, one string per goal."""
    lines = nbformat.read(path, as_version=4).cells[0].source.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("**Learning goals")), None)
    goals: list[str] = []
    for line in lines[start + 1 :] if start is not None else []:
        if line.startswith("- "):
            goals.append(line[2:].strip())
        elif line.startswith(" ") and goals and line.strip():
            goals[-1] += " " + line.strip()
        else:
            break
    return goals


def goals_section(entries: list[tuple[str, str, str]]) -> list[str]:
    """The index's reading order with each notebook's learning goals: one markdown cell per notebook (the
    first under the section's heading), so that no cell grows past the learner's 300 words."""
    cells = []
    for file, title, summary in entries[1:]:
        goals = learning_goals(NOTEBOOKS / file)
        bullets = "\n".join(f"- {goal}" for goal in goals)
        cells.append(f"**[{file[:2]} · {title}]({file})** — {summary}\n\n{bullets}")
    cells[0] = "## Reading order and learning goals\n\n" + cells[0]
    return cells


def update_goals(nb, entries) -> bool:
    """Replace the cells tagged learning-goals by those of goals_section, where the first one stood."""
    at = [i for i, cell in enumerate(nb.cells) if GOALS_TAG in cell.metadata.get("tags", [])]
    wanted = goals_section(entries)
    if [nb.cells[i].source for i in at] == wanted:
        return False
    start = at[0] if at else len(nb.cells) - 1  # none yet: above the bottom navigation line
    nb.cells = [cell for i, cell in enumerate(nb.cells) if i not in at]
    new = [nbformat.v4.new_markdown_cell(text, metadata={"tags": [GOALS_TAG]}) for text in wanted]
    nb.cells[start:start] = new
    return True


def update_notebook(path: Path, position: int, entries, check: bool) -> list[str]:
    nb = nbformat.read(path, as_version=4)
    changed = []
    nav = navigation_line(position, entries)
    table = contents_table(entries, link_prefix="")
    nav_cells = 0
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        wanted = None
        if NAV_TAG in tags:
            nav_cells += 1
            wanted = nav
        elif CONTENTS_TAG in tags:
            wanted = "## Contents\n\n" + table
        if wanted is not None and cell.source != wanted:
            changed.append(f"{path.name}: cell tagged {tags} is out of date")
            cell.source = wanted
    if position == 0 and update_goals(nb, entries):
        changed.append(f"{path.name}: cells tagged ['{GOALS_TAG}'] are out of date")
    if nav_cells < 2:
        changed.append(f"{path.name}: expected two cells tagged '{NAV_TAG}' (top, bottom), found {nav_cells}")
    elif changed and not check:
        nbformat.write(nb, path)
    return changed


def update_readme(entries, check: bool) -> list[str]:
    text = README.read_text()
    start, end = text.find(README_START), text.find(README_END)
    if start < 0 or end < start:
        return [f"README.md: markers {README_START} … {README_END} not found"]
    wanted = f"{README_START}\n{contents_table(entries, link_prefix='notebooks/')}\n{README_END}"
    current = text[start : end + len(README_END)]
    if current == wanted:
        return []
    if not check:
        README.write_text(text.replace(current, wanted))
    return ["README.md: contents table is out of date"]


def unlisted_notebooks() -> list[str]:
    listed = {entry[0] for entry in CONTENTS}
    return [
        f"{p.name}: not in tools/navigation.py CONTENTS"
        for p in sorted(NOTEBOOKS.glob("*.ipynb"))
        if p.name not in listed
    ]


def main(argv: list[str]) -> int:
    check = "--check" in argv
    entries = existing_contents()
    problems = unlisted_notebooks()
    for position, entry in enumerate(entries):
        problems += update_notebook(NOTEBOOKS / entry[0], position, entries, check)
    problems += update_readme(entries, check)
    for line in problems:
        print(line)
    if check and problems:
        print("Run `python tools/navigation.py` to bring them up to date.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
