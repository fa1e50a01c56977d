"""End-to-end fixtures: the app under `streamlit run` on 127.0.0.1, driven by Debian's headless
Chromium through Selenium and /usr/bin/chromedriver (never a driver or browser downloaded at
run time). `make test-browser` installs both when missing and sets CQC_E2E_REQUIRED=1, so there a
missing browser fails the run instead of skipping it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "demo_reports"
SCREENSHOTS = ROOT / "screenshots"
FAILURES = ROOT / "build" / "e2e"  # screenshots of failed tests and the apps' logs, not committed
CHROMIUM = Path(os.environ.get("CQC_CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("CQC_CHROMEDRIVER", "/usr/bin/chromedriver"))
APP_START_TIMEOUT_S = 180


def _missing(why: str) -> None:
    if os.environ.get("CQC_E2E_REQUIRED") == "1":
        pytest.fail(why)
    pytest.skip(why)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class RequestLog:
    """Every request a local HTTP server saw: a report's image or link must never reach it."""

    paths: list[str] = field(default_factory=list)
    port: int = 0


@pytest.fixture(scope="session")
def tripwire() -> Iterator[RequestLog]:
    log = RequestLog()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            log.paths.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/gif")
            self.end_headers()
            self.wfile.write(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;")

        def log_message(self, *args):  # keep test output quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    log.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield log
    server.shutdown()


@dataclass
class RunningApp:
    url: str
    store: Path
    feedback_file: Path
    process: subprocess.Popen
    log: Path


def _wait_healthy(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + APP_START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"streamlit did not answer on {url} within {APP_START_TIMEOUT_S}s:\n{log.read_text()[-3000:]}")


def start_app(paths: list[Path], folder: Path, env: dict[str, str] | None = None, args: list[str] | None = None,
              port: int | None = None) -> RunningApp:
    """Ingest `paths` into a store under `folder`, then `streamlit run app.py` against it (with
    more environment variables and streamlit options when given)."""
    from config import Settings

    from library.ingesting import ingest_paths
    from vectorstore.store import LibraryStore

    store_dir = folder / "store"
    store = LibraryStore(Settings(store_dir=store_dir))
    summary = ingest_paths(paths, store)
    assert not summary.failed, summary.lines()
    store.close()

    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    env = dict(os.environ, CQC_STORE_DIR=str(store_dir), CQC_FEEDBACK_FILE=str(folder / "feedback.jsonl"), **(env or {}))
    streamlit = Path(sys.executable).with_name("streamlit")
    log = folder / "streamlit.log"
    process = subprocess.Popen(
        [str(streamlit), "run", str(ROOT / "app.py"), "--server.address", "127.0.0.1", "--server.port", str(port),
         "--server.headless", "true", "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
         *(args or [])],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )
    try:
        _wait_healthy(url, process, log)
    except Exception:
        process.terminate()
        raise
    return RunningApp(url, store_dir, folder / "feedback.jsonl", process, log)


@contextmanager
def demo_app(prefix: str) -> Iterator[RunningApp]:
    """The app over the demo reports, in a fresh folder a test may also write its files to (`.folder`)."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    app = start_app(sorted(DEMO.iterdir()), folder)
    app.folder = folder
    try:
        yield app
    finally:
        stop_app(app)


def stop_app(app: RunningApp) -> None:
    app.process.terminate()
    try:
        app.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        app.process.kill()
    # Kept beside the failure screenshots: the app's own errors are the first thing to read when a test fails.
    FAILURES.mkdir(parents=True, exist_ok=True)
    shutil.copy(app.log, FAILURES / f"streamlit-{app.store.parent.name}.log")


@pytest.fixture(scope="session")
def browser_paths() -> tuple[Path, Path]:
    for path in (CHROMIUM, CHROMEDRIVER):
        if not path.exists():
            _missing(f"{path} not found: apt-get install chromium chromium-driver (make test-browser does)")
    try:
        import selenium  # noqa: F401
    except ImportError:
        _missing("selenium is not installed: pip install -e '.[dev]'")
    return CHROMIUM, CHROMEDRIVER


def new_browser(paths: tuple[Path, Path], profile: Path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(paths[0])
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--no-default-browser-check", "--disable-default-apps",
                 "--disable-extensions", "--window-size=1400,1000", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    # An explicit driver path: Selenium Manager (which downloads drivers) is never consulted.
    return webdriver.Chrome(service=Service(executable_path=str(paths[1])), options=options)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)  # lets the driver fixture see a failed test
    return report


@pytest.fixture()
def driver(browser_paths, request):
    profile = Path(tempfile.mkdtemp(prefix="cqc-chromium-"))
    browser = new_browser(browser_paths, profile)
    browser.set_page_load_timeout(60)
    yield browser
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:  # what the browser showed when the test failed
        FAILURES.mkdir(parents=True, exist_ok=True)
        browser.save_screenshot(str(FAILURES / f"{request.node.name}.png"))
    browser.quit()
    shutil.rmtree(profile, ignore_errors=True)


def screenshot(driver, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path
