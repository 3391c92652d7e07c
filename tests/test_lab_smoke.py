"""Smoke test of the main job: `make lab` serves the notebooks.

Starts JupyterLab exactly as `make lab` does (tests/lab_server.py), asks its REST API for the contents of
notebooks/, opens one notebook's model, checks the project's own settings (no news prompt), then stops the
server and checks that nothing it started is left running. test_lab_browser.py uses the notebooks in a
real browser.
"""

from __future__ import annotations

import psutil
import pytest
from lab_server import ROOT, children, lab_server, request, stop

pytestmark = pytest.mark.slow


@pytest.fixture
def server(tmp_path):
    with lab_server(tmp_path) as running:
        yield running


def test_make_lab_serves_the_notebooks_and_stops_cleanly(server):
    base, token, proc = server
    status, listing = request(f"{base}/api/contents/notebooks", token)
    assert status == 200
    served = {item["name"] for item in listing["content"]}
    on_disk = {p.name for p in (ROOT / "notebooks").glob("*.ipynb")}
    assert on_disk and on_disk <= served

    status, model = request(f"{base}/api/contents/notebooks/00_index.ipynb?content=1", token)
    assert status == 200 and model["type"] == "notebook"
    assert model["content"]["cells"][0]["source"].startswith("# 00 · Index")

    # The server runs as a child of make, in the process group the fixture will stop.
    family = [proc.pid] + [p.pid for p in children(proc.pid)]
    assert any("jupyter" in " ".join(psutil.Process(p).cmdline()) for p in family if psutil.pid_exists(p))
    assert stop(proc) == [], "processes left running after stopping JupyterLab"


def test_the_projects_settings_turn_the_news_prompt_off(server):
    # jupyter/labconfig/default_setting_overrides.json, found through the Makefile's JUPYTER_CONFIG_PATH,
    # makes "Never" the default of "Fetch official Jupyter news" (JupyterLab's own default asks).
    base, token, _ = server
    status, plugin = request(f"{base}/lab/api/settings/@jupyterlab/apputils-extension:notification", token)
    assert status == 200
    properties = plugin["schema"]["properties"]
    assert properties["fetchNews"]["default"] == "false"
    assert properties["checkForUpdates"]["default"] is False
