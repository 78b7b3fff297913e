"""A real server (gunicorn, migrated SQLite with demo data) and headless Chromium.

Skipped, with the reason, where Chromium or axe-core is missing; `make test`
installs axe-core and CI installs Chromium, so there they always run.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("WIJKSTEM_CHROMIUM", "/usr/bin/chromium")
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
BIN = Path(sys.executable).parent
DEMO_PASSWORD = "wijkstem-demo"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_until_healthy(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the server stopped during start-up")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("the server did not become healthy within 60 s")


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """Migrates a fresh database the way `make run` does, loads the demo, serves it."""
    if not Path(CHROMIUM).exists():
        reason = f"Chromium not found at {CHROMIUM}: install Debian's 'chromium' package"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; in CI the browser tests must run")
        pytest.skip(reason)
    folder = tmp_path_factory.mktemp("live")
    env = {
        **os.environ,
        "WIJKSTEM_DATABASE_URL": f"sqlite:///{folder / 'live.sqlite3'}",
        "WIJKSTEM_SECRET_KEY": "browser-test-secret",
        "WIJKSTEM_SESSION_COOKIE_SECURE": "false",
        "WIJKSTEM_PREPARE_SCREENING": "true",
        "WIJKSTEM_ANALYSIS_BASE_MODEL": "false",
    }
    for command in (["db", "upgrade"], ["demo", "load"]):
        subprocess.run([BIN / "wijkstem", *command], env=env, check=True, capture_output=True)
    port = _free_port()
    with (folder / "server.log").open("w") as log:
        process = subprocess.Popen(
            [BIN / "gunicorn", "-w", "2", "--preload", "--graceful-timeout", "5"]
            + ["-b", f"127.0.0.1:{port}"]
            + ["app:create_app()"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_healthy(url, process)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:  # a worker still finishing a request
                process.kill()
                process.wait()


@pytest.fixture(scope="session")
def browser(live_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def log_in(page, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    page.wait_for_url("**/dashboard")


@pytest.fixture(scope="session")
def axe_source():
    if not AXE.exists():
        pytest.skip("axe-core is not installed: run `make test`, which installs it with npm")
    return AXE.read_text()


def axe_violations(page, axe_source: str) -> list[dict]:
    page.evaluate(axe_source)
    result = page.evaluate(
        """() => axe.run(document, {runOnly: {type: 'tag',
             values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"""
    )
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in result["violations"]
    ]
