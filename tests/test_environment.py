"""The set-up itself: pins are exact, and the conda route installs exactly what the pip route does."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s#;]+)$")


def _pins(lines: list[str]) -> dict[str, str]:
    pins = {}
    for line in lines:
        match = PIN.match(line)
        assert match, f"not an exact pin (name==version): {line!r}"
        name = re.sub(r"[-_.]+", "-", match.group(1)).lower()  # PEP 503 normalised name
        assert name not in pins, f"{name} is pinned twice"
        pins[name] = match.group(2)
    return pins


def requirements_pins() -> dict[str, str]:
    text = (ROOT / "requirements.txt").read_text()
    lines = [line.strip() for line in text.splitlines()]
    return _pins([line for line in lines if line and not line.startswith("#")])


def environment_yml() -> tuple[list[str], dict[str, str]]:
    """The conda dependencies and the pip section's pins of environment.yml (parsed without PyYAML's help
    for the pins, so that a malformed entry cannot hide)."""
    conda_deps, pip_lines, in_pip = [], [], False
    for raw in (ROOT / "environment.yml").read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line == "- pip:":
            in_pip = True
            continue
        if in_pip and raw.startswith("      - "):
            pip_lines.append(line[2:].strip())
        elif raw.startswith("  - "):
            in_pip = False
            conda_deps.append(line[2:].strip())
    return conda_deps, pip_lines


def test_requirements_are_exact_pins_and_include_the_printed_number_makers():
    pins = requirements_pins()
    for name in ["numpy", "torch", "matplotlib", "jupyterlab", "ipykernel", "nbval", "nbclient", "pytest",
                 "hypothesis", "pytest-xdist", "ruff", "scikit-learn"]:
        assert name in pins, f"{name} is not pinned in requirements.txt"
    assert pins["torch"] == "2.13.0"


def test_environment_yml_pins_the_same_packages_and_versions():
    conda_deps, pip_lines = environment_yml()
    assert "python=3.11" in conda_deps
    assert "-e ." in pip_lines, "environment.yml must install lossbook itself (-e .)"
    env_pins = _pins([line for line in pip_lines if line != "-e ."])
    req_pins = requirements_pins()
    only_req = sorted(set(req_pins) - set(env_pins))
    only_env = sorted(set(env_pins) - set(req_pins))
    differ = sorted(n for n in set(req_pins) & set(env_pins) if req_pins[n] != env_pins[n])
    assert not (only_req or only_env or differ), (
        f"requirements.txt and environment.yml disagree: only in requirements {only_req}, only in "
        f"environment.yml {only_env}, different versions {differ}. Run tools/write_environment_yml.py"
    )


def test_the_pin_comparison_can_fail():
    # A guard for the test above: a changed version must be seen as a difference.
    assert _pins(["numpy==2.4.6"]) != _pins(["numpy==2.4.5"])


def test_ci_runs_make_test_as_the_readme_says():
    ci = (ROOT / ".ci" / "run").read_text()
    readme = (ROOT / "README.md").read_text()
    assert "set -e" in ci and re.search(r"^make test$", ci, re.M)
    assert "make test" in readme and "make lab" in readme
    workflow = (ROOT / ".github" / "workflows" / "ci.yml").read_text()
    assert "make test" in workflow and '"3.11"' in workflow
