"""Write environment.yml from requirements.txt, so that the conda route gets the very same pins.

Run it after changing a pin: ``python tools/write_environment_yml.py``.
tests/test_environment.py fails when the two files disagree.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

HEADER = """\
# The conda route to the same environment as `make test` / `make lab`:
#   conda env create -f environment.yml
#   conda activate lossbook
#   jupyter lab notebooks/
# Python comes from conda; every other package comes from PyPI through pip, with the exact pins of
# requirements.txt (generated from it by tools/write_environment_yml.py; a test checks they agree).
name: lossbook
channels:
  - conda-forge
dependencies:
  - python=3.11
  - pip
  - pip:
      # the lossbook helper module itself, editable, so notebooks see your changes
      - -e .
"""


def main() -> None:
    out = [HEADER.rstrip("\n")]
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("#"):
            if line.startswith(("# Keep in step", "# Upgrading", "# Exact")):
                continue
            out.append(f"      {line}")
        else:
            out.append(f"      - {line}")
    (ROOT / "environment.yml").write_text("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
