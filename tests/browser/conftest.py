"""Fixtures for the browser tests: JupyterLab on 127.0.0.1 and Debian's chromium via Playwright.

JupyterLab runs from this virtual environment in a temporary folder (its own config, runtime,
settings and workspace folders, a random free port and a random token). Chromium is the system
package (``/usr/bin/chromium``, or ``DLCOURSE_CHROMIUM``), started by Playwright through
``executable_path``: ``playwright install`` is never needed.

Without chromium (or Playwright) the tests skip, saying how to install it, unless
``DLCOURSE_REQUIRE_BROWSER=1`` (set by ``.ci/run``), which turns the skip into a failure.
Screenshots go to ``test-artifacts/`` at the repository root.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DEMO = Path(__file__).parent / "widgets_demo.ipynb"
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = os.environ.get("DLCOURSE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
INSTALL_HINT = (
    "install Debian's chromium (`sudo apt-get install -y chromium`) or set DLCOURSE_CHROMIUM "
    "to a chromium binary; Playwright's own browsers are not used"
)


def _unavailable(reason: str) -> None:
    """Skip, or fail when the environment requires the browser tests (CI)."""
    message = f"browser tests need {reason}: {INSTALL_HINT}"
    if os.environ.get("DLCOURSE_REQUIRE_BROWSER") == "1":
        pytest.fail(message + " (DLCOURSE_REQUIRE_BROWSER=1 makes this a failure)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        _unavailable(f"chromium at {CHROMIUM}")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("the playwright Python package (pip install playwright)")
    return CHROMIUM


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_up(url: str, token: str, process: subprocess.Popen, log: Path, timeout: float):
    deadline = time.monotonic() + timeout
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"JupyterLab exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(request, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    raise RuntimeError(f"JupyterLab did not answer within {timeout:.0f} s:\n{log.read_text()}")


@pytest.fixture(scope="session")
def lab_server(chromium_path, tmp_path_factory):
    """``(base_url, token, notebook_dir)`` of a JupyterLab serving a copy of the demo notebook."""
    root = tmp_path_factory.mktemp("lab")
    notebooks = root / "notebooks"
    notebooks.mkdir()
    shutil.copy(DEMO, notebooks / DEMO.name)
    config = root / "config"
    (config / "labconfig").mkdir(parents=True)
    # No "would you like news?" toast over the page.
    (config / "labconfig" / "page_config.json").write_text(
        json.dumps({"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}})
    )
    # Every cell in the DOM (no virtual scrolling), so each output can be found and shot.
    tracker = root / "settings" / "@jupyterlab" / "notebook-extension"
    tracker.mkdir(parents=True)
    (tracker / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    port, token = _free_port(), secrets.token_hex(16)
    env = dict(os.environ)
    env.update(
        {
            "JUPYTER_CONFIG_DIR": str(config),
            "JUPYTER_RUNTIME_DIR": str(root / "runtime"),
            "IPYTHONDIR": str(root / "ipython"),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")])),
            "PATH": os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")]),
        }
    )
    command = [
        sys.executable,
        "-m",
        "jupyter",
        "lab",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={notebooks}",
        "--ServerApp.open_browser=False",
        f"--LabApp.user_settings_dir={root / 'settings'}",
        f"--LabApp.workspaces_dir={root / 'workspaces'}",
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    log = root / "jupyterlab.log"
    with open(log, "w") as log_file:
        process = subprocess.Popen(
            command, cwd=notebooks, env=env, stdout=log_file, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(f"{base}/api/status", token, process, log, timeout=60)
        yield base, token, notebooks
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        ARTIFACTS.mkdir(exist_ok=True)
        shutil.copy(log, ARTIFACTS / "jupyterlab.log")


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
