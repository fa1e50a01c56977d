"""Issue 25 in real Chromium: Compare, summaries, action plans and upload messages as a head of
service preparing a board paper meets them, each defect the issue found driven through the page.
The library is the demo reports and the three fictional councils of tests/data/councils.
Screenshots go to screenshots/."""

from __future__ import annotations

import csv
import io
import re
import tempfile
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from tests import site_pages
from tests.e2e.conftest import DEMO, ROOT, screenshot, start_app, stop_app
from tests.e2e.helpers import (
    allow_downloads, ask, choose_mode, click_off_centre, download, open_app, page_text, scroll_to, wait_css, wait_idle,
)

COUNCILS = ROOT / "tests" / "data" / "councils"
NORTHBRIDGE = "Northbridge Council"


@pytest.fixture(scope="module")
def board_app(browser_paths):
    folder = Path(tempfile.mkdtemp(prefix="cqc-e2e-board-"))
    app = start_app(sorted(DEMO.iterdir()) + sorted(COUNCILS.iterdir()), folder)
    app.folder = folder
    yield app
    stop_app(app)


def choose_in(container, label: str, value: str) -> None:
    """Type into the select box whose label is `label` and take the option."""
    box = container.find_element(By.XPATH, f".//*[@data-testid='stSelectbox'][.//label[contains(., '{label}')]]//input")
    box.click()
    box.send_keys(value)
    box.send_keys(Keys.ENTER)


def my_council(driver, name: str) -> None:
    sidebar = driver.find_element(By.CSS_SELECTOR, '[data-testid="stSidebar"]')
    choose_in(sidebar, "My council", name)
    wait_idle(driver)


def replies(driver):
    return driver.find_elements(By.CSS_SELECTOR, '[data-testid="stChatMessage"]')


def test_compare_after_a_question_about_my_council_answers_every_column(driver, board_app):
    open_app(driver, board_app.url)
    my_council(driver, NORTHBRIDGE)
    ask(driver, "How many people were waiting for a Care Act assessment in Northbridge?")
    choose_mode(driver, "Compare")
    ask(driver, "waiting times")
    reply = replies(driver)[-1]
    assert "outside your filters" not in reply.text and "Read as" not in reply.text, reply.text
    assert "Fenmarsh County Council" in reply.text and "Harrowfield Council" in reply.text
    scroll_to(driver, reply)
    screenshot(driver, "35-compare-not-hijacked")


def test_summaries_give_the_whole_list_and_councils_as_headings(driver, board_app):
    open_app(driver, board_app.url)
    ask(driver, "What are the main areas for improvement in Mercia Downs?")
    reply = replies(driver)[-1]
    nested = reply.find_elements(By.CSS_SELECTOR, "li li")
    assert len(nested) == 6, reply.text  # the lead-in's six areas, under it (was 1)
    assert "The main areas for development were:" in reply.text
    ask(driver, "What are the main areas for improvement in Fenmarsh and Northbridge?")
    reply = replies(driver)[-1]
    headings = [h.text for h in reply.find_elements(By.CSS_SELECTOR, "h5")]
    assert any(h.startswith("Fenmarsh County Council") for h in headings), headings
    assert any(h.startswith(NORTHBRIDGE) for h in headings), headings
    assert "**" not in reply.text
    scroll_to(driver, reply)
    screenshot(driver, "36-summary-headings")


def test_a_heatmap_cell_keeps_a_summary_question_in_that_statement(driver, board_app):
    open_app(driver, board_app.url)
    choose_mode(driver, "Library")
    chart = wait_css(driver, '[data-testid="stVegaLiteChart"]')
    cells = WebDriverWait(driver, 30).until(
        lambda d: chart.find_elements(By.CSS_SELECTOR, 'path[aria-roledescription="rect mark"]'))
    cell = next(c for c in cells if "Equity in experience and outcomes" in c.get_attribute("aria-label")
                and NORTHBRIDGE in c.get_attribute("aria-label"))
    click_off_centre(driver, cell)
    wait_idle(driver)
    WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, '[data-testid="stChatInputTextArea"]'))
    ask(driver, "What were the main shortfalls?")
    reply = replies(driver)[-1]
    assert f"{NORTHBRIDGE} · Equity in experience and outcomes" in reply.text
    assert "triage" not in reply.text and "Safeguarding" not in reply.text.replace("Quality statement: ", "")


def test_a_figure_the_report_does_not_give_shows_the_closest_finding(driver, board_app):
    open_app(driver, board_app.url)
    ask(driver, "How much did Northbridge spend on agency staff?")
    reply = replies(driver)[-1]
    assert "The report gives no figure for spending on agency staff. Closest, which does not give that figure:" in reply.text
    assert "the closest finding, not an answer" in reply.text  # its source card says so
    scroll_to(driver, reply)
    screenshot(driver, "37-closest-evidence")


def upload(driver, paths: list[Path]) -> str:
    choose_mode(driver, "Library")
    box = driver.find_element(By.CSS_SELECTOR, '[data-testid="stFileUploaderDropzoneInput"]')
    box.send_keys("\n".join(str(p) for p in paths))
    WebDriverWait(driver, 60).until(lambda d: paths[0].name[:6] in page_text(d))  # listed (long names shortened)
    before = page_text(driver)
    driver.find_element(By.XPATH, "//button[contains(., 'Add to library')]").click()
    WebDriverWait(driver, 300).until(lambda d: page_text(d) != before and (
        d.find_elements(By.CSS_SELECTOR, '[data-testid="stAlertContentSuccess"], [data-testid="stAlertContentWarning"]')))
    wait_idle(driver)
    return " ".join(a.text for a in driver.find_elements(By.CSS_SELECTOR, '[data-testid="stAlert"]'))


def test_upload_messages_say_what_happened(driver, board_app):
    folder = board_app.folder / "uploads-to-make"
    open_app(driver, board_app.url)
    said = upload(driver, [site_pages.write_one_file(folder / "calderholt.txt")])
    assert f"Added 1 report: {site_pages.AUTHORITY}." in said, said
    said = upload(driver, site_pages.write_html_pages(folder / "html"))
    assert "Updated" not in said and "again, as 11 saved web pages" in said, said
    brack = site_pages.Variant(authority="Brackenridge Borough Council", area="Brackenridge", slug="brackenridge")
    said = upload(driver, site_pages.write_pages(folder / "brackenridge", brack)[2:])
    assert "9 pages of Brackenridge Borough Council are waiting for their summary or About page" in said, said
    grid = wait_css(driver, '[data-testid="stDataFrame"]')
    cells = [c.get_attribute("textContent") for c in grid.find_elements(By.CSS_SELECTOR, '[data-testid^="glide-cell-"]')]
    assert any("waiting for its summary or About page" in c for c in cells), cells
    screenshot(driver, "38-upload-waiting-pages")


def test_an_action_plan_for_my_council_kept_with_its_edits_and_evidence(driver, board_app, tmp_path):
    allow_downloads(driver, tmp_path)
    open_app(driver, board_app.url)
    my_council(driver, NORTHBRIDGE)
    choose_mode(driver, "Draft actions")
    chosen = WebDriverWait(driver, 60).until(lambda d: d.find_element(
        By.XPATH, "//*[@data-testid='stSelectbox'][.//label[contains(., 'Authority')]]"))
    assert NORTHBRIDGE in (chosen.get_attribute("textContent") + " ".join(
        i.get_attribute("value") or "" for i in chosen.find_elements(By.TAG_NAME, "input")))  # opens on My council
    driver.find_element(By.XPATH, "//button[@kind='primary' and contains(., 'Draft actions')]").click()
    grid = wait_css(driver, '[data-testid="stDataFrame"]', timeout=180)
    wait_idle(driver)
    text = page_text(driver)
    assert "more actions than shown here" in text and "Draft " in text
    cells = {c.get_attribute("data-testid"): c.get_attribute("textContent")
             for c in grid.find_elements(By.CSS_SELECTOR, '[data-testid^="glide-cell-"]')}
    row = next(k for k, v in cells.items() if v == "Clear the triage backlog").rsplit("-", 1)[1]
    assert "had passed when the report was published" in cells[f"glide-cell-3-{row}"]  # Timescale, flagged
    scroll_to(driver, driver.find_element(By.XPATH, "//h4[contains(., 'Actions for')]"))
    screenshot(driver, "39-plan-spread-and-flagged")

    exported = download(driver, tmp_path, "CSV", "*.csv")
    rows = list(csv.DictReader(io.StringIO(exported.read_text(encoding="utf-8-sig"))))
    triage = next(r for r in rows if r["Action"] == "Clear the triage backlog")
    assert triage["Evidence"] == "The local authority needed to clear the triage backlog by the end of December 2024."
    assert all(r["Evidence"] for r in rows) and len({r["Evidence"] for r in rows}) == len(rows)  # each row its own

    more = driver.find_element(By.XPATH, "//button[contains(., ' more action')]")
    label = more.text
    more.click()
    wait_idle(driver)
    grown = int(re.search(r"Draft (\d+) more", label).group(1))
    # The grid draws only the rows in view; the plan's cards (shown on a phone, in the page at any width) hold every one.
    WebDriverWait(driver, 30).until(lambda d: f"{8 + grown}. " in cards_text(d))

    driver.refresh()  # the plan is kept with the conversation
    open_app(driver, driver.current_url)
    choose_mode(driver, "Draft actions")
    wait_css(driver, '[data-testid="stDataFrame"]', timeout=60)
    kept = cards_text(driver)
    assert "1. Clear the triage backlog" in kept and f"{8 + grown}. " in kept, kept


def cards_text(driver) -> str:
    found = driver.find_elements(By.CSS_SELECTOR, '[class*="st-key-plan-cards"]')
    return found[0].get_attribute("textContent") if found else ""
