"""Navigation lines, the index's and the README's contents tables are generated and must be up to date."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import navigation  # noqa: E402

LINK = re.compile(r"\]\(([^)#\s]+\.ipynb)\)")


def test_navigation_and_contents_are_up_to_date():
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "navigation.py"), "--check"],
        capture_output=True, text=True, cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_notebook_is_in_the_reading_order_and_in_the_readme():
    files = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    listed = [entry[0] for entry in navigation.existing_contents()]
    assert listed == files, "tools/navigation.py CONTENTS must list every notebook, in file order"
    readme = (ROOT / "README.md").read_text()
    for name in files:
        assert f"(notebooks/{name})" in readme


def test_every_link_between_notebooks_points_to_a_notebook_that_exists():
    targets = []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                targets += [(path.name, t) for t in LINK.findall(cell.source)]
    readme = (ROOT / "README.md").read_text()
    targets += [("README.md", t) for t in LINK.findall(readme)]
    base = {"README.md": ROOT}
    broken = [
        (src, t) for src, t in targets if not (base.get(src, ROOT / "notebooks") / t).resolve().exists()
    ]
    assert targets, "no links found: the link pattern is wrong"
    assert not broken, f"broken links: {broken}"


def test_navigation_line_shape():
    entries = [("00_a.ipynb", "A", ""), ("01_b.ipynb", "B", ""), ("02_c.ipynb", "C", "")]
    assert navigation.navigation_line(0, entries) == "[01 · B →](01_b.ipynb)"
    assert navigation.navigation_line(1, entries) == (
        "[← 00 · A](00_a.ipynb) | [Index](00_a.ipynb) | [02 · C →](02_c.ipynb)"
    )
    assert navigation.navigation_line(2, entries) == "[← 01 · B](01_b.ipynb) | [Index](00_a.ipynb)"


def test_time_estimate_counts_words_code_cells_and_exercises():
    cells = [nbformat.v4.new_markdown_cell("word " * 2000), nbformat.v4.new_markdown_cell("nav " * 500)]
    cells[1].metadata["tags"] = ["navigation"]  # navigation lines are not read
    cells += [nbformat.v4.new_markdown_cell("### Exercise 1: a\n\n### Exercise 2: b")]
    cells += [nbformat.v4.new_code_cell("1") for _ in range(4)]
    # by hand: (2,000 + 8) words / 100 = 20.08 min, + 4 · 0.5 + 2 · 5 = 32.08, rounded up to 35
    assert navigation.estimate(nbformat.v4.new_notebook(cells=cells)) == 35
