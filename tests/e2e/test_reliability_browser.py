"""The running app answers from what a terminal wrote (issue 16, item 1), in real Chromium.

The app is open and has answered; `python -m ingest` then adds reports from a terminal and a
script removes one. The app's next questions are answered from the library as it now is (its
sidebar too), and no exception text reaches the page. Before, the next question showed Chroma's
`InternalError: Error finding id` as a traceback.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from tests.e2e.conftest import DEMO, ROOT, screenshot, start_app, stop_app
from tests.e2e.helpers import ask, open_app, page_text

WAITING = "How many people were waiting for a Care Act assessment in {}?"
EXCEPTION_TEXT = ("Traceback", "InternalError", "Error finding id", "Exception", "sqlite3")


def variant(folder: Path, name: str, figure: str) -> Path:
    """The Fenmarsh demo report re-issued for another council (a fixture we write)."""
    path = folder / f"{name.lower()}.md"
    text = (DEMO / "fenmarsh.md").read_text(encoding="utf-8").replace("Fenmarsh", name).replace("1,274", figure)
    path.write_text(text, encoding="utf-8")
    return path


def terminal(*args: str) -> None:
    done = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]


@pytest.fixture(scope="module")
def app_and_folder(browser_paths):
    folder = Path(tempfile.mkdtemp(prefix="cqc-e2e-reliability-"))
    own = folder / "fenmarsh.md"
    own.write_text((DEMO / "fenmarsh.md").read_text(encoding="utf-8"), encoding="utf-8")
    app = start_app([own], folder)
    yield app, folder
    stop_app(app)


def last_answer(driver) -> str:
    return driver.find_elements(By.CSS_SELECTOR, '[data-testid="stChatMessage"]')[-1].text


def no_exception_text(driver) -> None:
    text = page_text(driver)
    for word in EXCEPTION_TEXT:
        assert word not in text, (word, text[-2000:])
    assert not driver.find_elements(By.CSS_SELECTOR, '[data-testid="stException"]')


def test_the_open_app_answers_from_reports_a_terminal_ingested_and_removed(driver, app_and_folder):
    app, folder = app_and_folder
    open_app(driver, app.url)
    ask(driver, WAITING.format("Fenmarsh"))
    assert "1,274" in last_answer(driver)

    # A terminal beside the running app adds two reports.
    terminal("-m", "ingest", "--store", str(app.store), str(variant(folder, "Brackenford", "2,468")),
             str(DEMO / "larkbridge.html"))
    ask(driver, WAITING.format("Brackenford"))
    answer = last_answer(driver)
    assert "2,468" in answer and "Brackenford County Council" in answer, answer
    no_exception_text(driver)
    assert "Larkbridge Borough Council" in driver.find_element(By.CSS_SELECTOR, '[data-testid="stSidebar"]').text
    screenshot(driver, "reliability-01-after-a-terminal-ingest")

    # And removes one: the app stops answering from it.
    removal = ("from config import Settings; from vectorstore.store import LibraryStore; import sys; "
               "s = LibraryStore(Settings(store_dir=sys.argv[1])); "
               "[s.remove_report(r.report_id) for r in s.reports() if r.authority.startswith('Fenmarsh')]")
    terminal("-c", removal, str(app.store))
    ask(driver, WAITING.format("Larkbridge"))
    assert "187 people" in last_answer(driver)
    sidebar = driver.find_element(By.CSS_SELECTOR, '[data-testid="stSidebar"]').text
    assert "Fenmarsh County Council" not in sidebar and "Brackenford County Council" in sidebar
    ask(driver, WAITING.format("Fenmarsh"))
    assert "1,274" not in last_answer(driver)
    no_exception_text(driver)
    screenshot(driver, "reliability-02-after-a-terminal-removal")
