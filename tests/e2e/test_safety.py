"""A report holding a script, an image, a Markdown image and links is ingested; in the browser
nothing of it runs or loads: window.__pwned stays undefined and a local HTTP server that the
report points at sees no request. The hostile text is still there for the reader, as text."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from tests.e2e.conftest import DEMO, screenshot, start_app, stop_app
from tests.e2e.helpers import ask, choose_mode, open_app, page_text, scroll_to, wait_css, wait_idle


def hostile_paragraph(port: int) -> str:
    base = f"http://127.0.0.1:{port}"
    return (
        "The Quillmoor befriending service reached 412 isolated older people in 2023/24. "
        "<script>window.__pwned = 1</script> "
        f'<img src="{base}/pixel" onerror="window.__pwned = 2"> '
        f"![x]({base}/md) "
        f"[click here]({base}/link) [run](javascript:window.__pwned=3) "
        f'<iframe src="{base}/frame"></iframe> <b onmouseover="window.__pwned=4">bold</b> '
        ":red[directive] $x^2$"
    )


def hostile_report(folder: Path, port: int) -> Path:
    """Fenmarsh's demo report renamed to Quillmoor, with the hostile paragraph among its findings
    and in a heading."""
    text = (DEMO / "fenmarsh.md").read_text().replace("Fenmarsh", "Quillmoor")
    text = text.replace("### Summary of people's experiences\n",
                        f"### Summary of people's experiences\n\n{hostile_paragraph(port)}\n", 1)
    text = text.replace("##### Timeliness of assessments, care planning and reviews",
                        f'##### Timeliness <img src="http://127.0.0.1:{port}/heading"> of assessments', 1)
    path = folder / "quillmoor.md"
    path.write_text(text)
    return path


@pytest.fixture(scope="module")
def hostile_app(browser_paths, tripwire):
    folder = Path(tempfile.mkdtemp(prefix="cqc-e2e-hostile-"))
    app = start_app([hostile_report(folder, tripwire.port), DEMO / "larkbridge.html"], folder)
    yield app
    stop_app(app)


def assert_nothing_ran_or_loaded(driver, tripwire) -> None:
    time.sleep(1.0)  # give any image or frame a moment to be requested
    assert driver.execute_script("return typeof window.__pwned") == "undefined"
    assert tripwire.paths == [], f"the report made the browser fetch {tripwire.paths}"
    assert not driver.find_elements(By.CSS_SELECTOR, f'img[src*="127.0.0.1:{tripwire.port}"], iframe, '
                                                     'a[href^="javascript:"]')
    assert not driver.find_elements(By.CSS_SELECTOR, f'a[href*="127.0.0.1:{tripwire.port}"]')


def test_hostile_report_renders_inert(driver, hostile_app, tripwire):
    open_app(driver, hostile_app.url)
    ask(driver, "How many isolated older people did the Quillmoor befriending service reach?")
    reply = driver.find_elements(By.CSS_SELECTOR, '[data-testid="stChatMessage"]')[1]
    assert "412 isolated older people" in reply.text
    text = page_text(driver)
    # Shown to the reader exactly as the report has it: as characters, not as markup.
    assert "<script>window.__pwned = 1</script>" in text
    assert f'<img src="http://127.0.0.1:{tripwire.port}/pixel"' in text
    assert f"![x](http://127.0.0.1:{tripwire.port}/md)" in text
    assert ":red[directive] $x^2$" in text
    cards = reply.find_elements(By.CSS_SELECTOR, '[class*="st-key-card-"]')
    assert cards
    scroll_to(driver, cards[0])
    screenshot(driver, "08-hostile-report-inert")
    assert_nothing_ran_or_loaded(driver, tripwire)

    # The same report through the other views: the library table, the heatmap, the heading.
    choose_mode(driver, "Library")
    wait_css(driver, '[data-testid="stVegaLiteChart"]')
    ask_heading = "How long is the Care Act assessment waiting list in Quillmoor?"
    choose_mode(driver, "Ask")
    ask(driver, ask_heading)
    wait_idle(driver)
    assert_nothing_ran_or_loaded(driver, tripwire)
