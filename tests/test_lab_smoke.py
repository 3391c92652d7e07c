"""Smoke test of the main job: `make lab` serves the notebooks.

Starts JupyterLab exactly as `make lab` does (through make, so the Makefile target itself is tested),
headless on a free loopback port, asks its REST API for the contents of notebooks/, opens one notebook's
model, then stops the server and checks that nothing it started is left running.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import psutil
import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, token: str):
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, json.loads(response.read())


@pytest.fixture
def lab_server(tmp_path):
    port, token = _free_port(), secrets.token_hex(16)
    flags = f"--no-browser --ip=127.0.0.1 --ServerApp.port_retries=0 --IdentityProvider.token={token}"
    log = open(tmp_path / "lab.log", "w")
    proc = subprocess.Popen(
        ["make", "--no-print-directory", "lab", f"PORT={port}", f"LAB_FLAGS={flags}"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        env={**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                _get(f"{base}/api/status", token)
                break
            except (urllib.error.URLError, ConnectionError, OSError):
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    pytest.fail(f"JupyterLab did not start:\n{(tmp_path / 'lab.log').read_text()[-3000:]}")
                time.sleep(0.5)
        yield base, token, proc
    finally:
        # Whatever the test did, leave nothing running.
        family = [proc.pid] + [p.pid for p in _children(proc.pid)]
        _killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            _killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        log.close()
        _wait_gone(family)


def _killpg(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except ProcessLookupError:
        pass


def _children(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def _wait_gone(pids: list[int], timeout: float = 20) -> list[int]:
    deadline = time.monotonic() + timeout
    alive = pids
    while alive and time.monotonic() < deadline:
        alive = [p for p in alive if psutil.pid_exists(p) and psutil.Process(p).status() != "zombie"]
        time.sleep(0.2)
    return alive


def test_make_lab_serves_the_notebooks_and_stops_cleanly(lab_server):
    base, token, proc = lab_server
    status, listing = _get(f"{base}/api/contents/notebooks", token)
    assert status == 200
    served = {item["name"] for item in listing["content"]}
    on_disk = {p.name for p in (ROOT / "notebooks").glob("*.ipynb")}
    assert on_disk and on_disk <= served

    status, model = _get(f"{base}/api/contents/notebooks/00_index.ipynb?content=1", token)
    assert status == 200 and model["type"] == "notebook"
    assert model["content"]["cells"][0]["source"].startswith("# 00 · Index")

    # The server runs as a child of make, in the process group the fixture will stop.
    family = [proc.pid] + [p.pid for p in _children(proc.pid)]
    assert any("jupyter" in " ".join(psutil.Process(p).cmdline()) for p in family if psutil.pid_exists(p))
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=30)
    assert _wait_gone(family) == [], "processes left running after stopping JupyterLab"
