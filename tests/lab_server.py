"""Start JupyterLab exactly as `make lab` does, and stop it leaving no process behind.

Shared by the REST smoke test (test_lab_smoke.py) and the browser test (test_lab_browser.py). The server
is started through make, so the Makefile target itself is tested: headless, on a free loopback port, with
a random token. Its runtime files go to a temporary folder; so do the JupyterLab user settings and
workspaces, so that a test never reads or writes the user's home.
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
from contextlib import contextmanager
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def request(url: str, token: str, method: str = "GET"):
    """The status and JSON body (None if empty) of an API request to the server."""
    req = urllib.request.Request(url, method=method, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(req, timeout=10) as response:
        body = response.read()
        return response.status, json.loads(body) if body else None


def children(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def killpg(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except ProcessLookupError:
        pass


def wait_gone(pids: list[int], timeout: float = 20) -> list[int]:
    """The pids of ``pids`` still alive (zombies count as gone) after waiting up to ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    alive = pids
    while alive and time.monotonic() < deadline:
        alive = [p for p in alive if psutil.pid_exists(p) and psutil.Process(p).status() != "zombie"]
        time.sleep(0.2)
    return alive


def write_user_settings(folder: Path, settings: dict[str, dict]) -> None:
    """Write JupyterLab user settings, ``{"@scope/package:plugin": {...}}``, into ``folder``."""
    for plugin, values in settings.items():
        package, name = plugin.split(":")
        path = folder / package / f"{name}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


@contextmanager
def lab_server(tmp_path: Path, user_settings: dict[str, dict] | None = None):
    """Run `make lab` in the background; yield (base URL, token, the make process); stop it after."""
    port, token = free_port(), secrets.token_hex(16)
    flags = f"--no-browser --ip=127.0.0.1 --ServerApp.port_retries=0 --IdentityProvider.token={token}"
    write_user_settings(tmp_path / "user-settings", user_settings or {})
    env = {
        **os.environ,
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "user-settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces"),
    }
    log_path = tmp_path / "lab.log"
    log = open(log_path, "w")
    proc = subprocess.Popen(
        ["make", "--no-print-directory", "lab", f"PORT={port}", f"LAB_FLAGS={flags}"],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                request(f"{base}/api/status", token)
                break
            except (urllib.error.URLError, ConnectionError, OSError):
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    raise RuntimeError(f"JupyterLab did not start:\n{log_path.read_text()[-3000:]}") from None
                time.sleep(0.5)
        yield base, token, proc
    finally:
        # Whatever the test did, leave nothing running.
        stop(proc)
        log.close()


def stop(proc: subprocess.Popen) -> list[int]:
    """Stop make, JupyterLab and its kernels (one process group); return the pids still alive after."""
    family = [proc.pid] + [p.pid for p in children(proc.pid)]
    killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    return wait_gone(family)
