"""The app in real headless Chromium over the three demo reports: ask, check a source, compare,
the heatmap, draft actions. Screenshots of each step go to screenshots/ (see the README)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.e2e.accessibility import AxeAudit
from tests.e2e.conftest import DEMO, screenshot, start_app, stop_app
from tests.e2e.helpers import ask, choose_mode, click_off_centre, open_app, page_text, scroll_to, wait_css, wait_idle

QUESTION = "How many people were waiting for a Care Act assessment in Larkbridge?"
SENTENCE = ("On 30 September 2024 the Care Act assessment waiting list held 187 people, "
            "who had waited an average of 23 days since first contact.")
AUTHORITIES = ["Fenmarsh County Council", "Larkbridge Borough Council", "Oakhurst City Council"]


@pytest.fixture(scope="module")
def demo_app(browser_paths):
    app = start_app(sorted(DEMO.iterdir()), Path(tempfile.mkdtemp(prefix="cqc-e2e-demo-")))
    yield app
    stop_app(app)


def test_ask_and_open_the_source_card_with_the_cited_sentence_highlighted(driver, demo_app):
    audit = AxeAudit(driver)
    open_app(driver, demo_app.url)
    screenshot(driver, "01-start")
    audit.check("Ask, start page, 1400 px")
    ask(driver, QUESTION)
    answer = driver.find_elements(By.CSS_SELECTOR, '[data-testid="stChatMessage"]')[1]
    assert "187 people" in answer.text
    link = answer.find_element(By.CSS_SELECTOR, 'a[href^="#src-"]')
    assert link.text == "[1]" and link.get_attribute("target") in (None, "", "_self")
    scroll_to(driver, driver.find_elements(By.CSS_SELECTOR, '[data-testid="stChatMessage"]')[0])
    screenshot(driver, "02-answer")

    link.click()  # the marker jumps to its card, in the same tab
    anchor = link.get_attribute("href").split("#", 1)[1]
    WebDriverWait(driver, 10).until(lambda d: d.current_url.endswith("#" + anchor))
    assert len(driver.window_handles) == 1
    card = driver.find_element(By.CSS_SELECTOR, f'[class*="st-key-card-{anchor}"]')
    WebDriverWait(driver, 10).until(lambda d: in_viewport(d, card))
    assert "[1] Larkbridge Borough Council · Assessing needs (score 3)" in card.text
    assert "Where: larkbridge.html" in card.text
    highlighted = [e for e in card.find_elements(By.CSS_SELECTOR, "span") if e.text.strip() == SENTENCE]
    assert highlighted, card.text
    background = highlighted[0].value_of_css_property("background-color")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent"), background  # visibly marked
    assert card.find_element(By.XPATH, ".//button[contains(., 'Download (HTML)')]")
    # A short preview of the finding when the pointer rests on [1]: the link's title.
    assert link.get_attribute("title").startswith("[1] Larkbridge Borough Council · Assessing needs: On 30 September")
    screenshot(driver, "03-source-card")
    audit.check("Ask, an answer with its source card, 1400 px")
    # The original at the cited place: the saved page's section, the cited paragraph highlighted.
    card.find_element(By.XPATH, ".//button[contains(., 'Open in the original')]").click()
    dialog = wait_css(driver, '[role="dialog"]', timeout=30)
    WebDriverWait(driver, 30).until(lambda d: SENTENCE in dialog.text)
    assert "Timeliness of assessments, care planning and reviews" in dialog.text
    screenshot(driver, "03b-original-at-the-cited-place")
    audit.check("Ask, the original at the cited place (dialog), 1400 px")
    audit.assert_clean()


def test_compare_shows_a_table_and_one_column_per_authority(driver, demo_app):
    open_app(driver, demo_app.url)
    choose_mode(driver, "Compare")
    chosen = tags(driver.find_element(
        By.XPATH, "//*[@data-testid='stMultiSelect'][not(ancestor::*[@data-testid='stSidebar'])]"))
    assert chosen == AUTHORITIES
    ask(driver, "waiting times for assessments")  # a terse topic, not a question
    reply = driver.find_elements(By.CSS_SELECTOR, '[data-testid="stChatMessage"]')[1]
    table = reply.find_element(By.CSS_SELECTOR, "table")
    rows = [r.text for r in table.find_elements(By.CSS_SELECTOR, "tbody tr")]
    for row, (authority, figure) in zip(rows, [("Fenmarsh", "1,274 people"), ("Larkbridge", "187 people"),
                                              ("Oakhurst", "58 people")]):
        assert authority in row and figure in row, row  # each council's Care Act assessment wait
    assert "The figures are from different dates" in reply.text
    headers = [h.text for h in reply.find_elements(By.CSS_SELECTOR, "h5")]
    assert headers == AUTHORITIES
    columns = [h.find_element(By.XPATH, "./ancestor::div[@data-testid='stColumn'][1]")
               for h in reply.find_elements(By.CSS_SELECTOR, "h5")]
    xs = [c.rect["x"] for c in columns]
    assert len(set(xs)) == 3 and xs == sorted(xs)  # side by side, left to right
    for column, authority in zip(columns, AUTHORITIES):
        driver.execute_script("arguments[0].click()", column.find_element(By.XPATH, ".//details/summary"))  # its sources
        WebDriverWait(driver, 10).until(lambda d: f"[1] {authority}" in column.text)  # its own authority's report
    scroll_to(driver, driver.find_elements(By.CSS_SELECTOR, '[data-testid="stChatMessage"]')[0])
    screenshot(driver, "04-compare")
    audit = AxeAudit(driver)
    audit.check("Compare, an answer with its sources open, 1400 px")
    audit.assert_clean()


def test_heatmap_click_filters_the_chat(driver, demo_app):
    open_app(driver, demo_app.url)
    choose_mode(driver, "Library")
    table = wait_css(driver, '[data-testid="stDataFrame"]')
    chart = wait_css(driver, '[data-testid="stVegaLiteChart"]')
    cells = WebDriverWait(driver, 30).until(
        lambda d: chart.find_elements(By.CSS_SELECTOR, 'path[aria-roledescription="rect mark"]'))
    assert len(cells) == 27  # nine statements for each of three authorities
    scroll_to(driver, driver.find_element(By.XPATH, "//h3[contains(., 'Quality statement scores')]"))
    screenshot(driver, "05-library-heatmap")
    assert table.is_displayed()
    audit = AxeAudit(driver)
    audit.check("Library with the heatmap, 1400 px")

    cell = next(c for c in cells if "Safeguarding" in c.get_attribute("aria-label")
                and "Fenmarsh County Council" in c.get_attribute("aria-label"))
    click_off_centre(driver, cell)
    wait_idle(driver)
    WebDriverWait(driver, 30).until(lambda d: "Filtered to Fenmarsh County Council · Safeguarding" in page_text(d))
    toast = driver.find_element(By.CSS_SELECTOR, '[data-testid="stToast"]')
    assert in_viewport(driver, toast)  # seen wherever the page was scrolled to
    # ...and in Ask: the chat is there, the library's chart is not (the page once kept "Library", and the
    # question typed next was asked in a mode with no chat and lost).
    WebDriverWait(driver, 30).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, '[data-testid="stChatInputTextArea"]')
        and not d.find_elements(By.CSS_SELECTOR, '[data-testid="stVegaLiteChart"]'),
        message="the heatmap click did not switch to Ask")
    sidebar = driver.find_element(By.CSS_SELECTOR, '[data-testid="stSidebar"]')
    assert tags(sidebar) == ["Fenmarsh County Council", "Safeguarding"]
    banner = driver.find_element(By.CSS_SELECTOR, '[class*="st-key-scope-banner"]')
    assert "Answers only from" in banner.text and "Safeguarding" in banner.text
    ask(driver, "How quickly are safeguarding concerns screened?")
    reply = driver.find_elements(By.CSS_SELECTOR, '[data-testid="stChatMessage"]')[1]
    assert "Fenmarsh County Council · Safeguarding (score 1)" in reply.text
    assert "Quality statement: Safeguarding" in reply.text  # the filter shows as a chip on the answer
    scroll_to(driver, reply)
    screenshot(driver, "06-filtered-answer")
    audit.check("Ask, filtered from the heatmap, 1400 px")
    audit.assert_clean()


def test_draft_actions_table_and_feedback(driver, demo_app):
    open_app(driver, demo_app.url)
    choose_mode(driver, "Draft actions")
    driver.find_element(By.XPATH, "//button[@kind='primary' and contains(., 'Draft actions')]").click()
    editor = wait_css(driver, '[data-testid="stDataFrame"]', timeout=180)
    wait_idle(driver)
    assert "Actions for Fenmarsh County Council" in page_text(driver)
    labels = [b.text for b in driver.find_elements(By.CSS_SELECTOR, '[data-testid="stDownloadButton"] button')]
    assert {"CSV", "Word", "Markdown"} <= {label.split("\n")[-1].strip() for label in labels}, labels  # after the icon
    scroll_to(driver, driver.find_element(By.XPATH, "//h4[contains(., 'Actions for')]"))
    screenshot(driver, "07-draft-actions")
    audit = AxeAudit(driver)
    audit.check("Draft actions with a plan, 1400 px")

    # Thumbs up on an answer is kept in the app's database, as the local user's.
    from config import Settings
    from database import LOCAL, Database

    choose_mode(driver, "Ask")
    ask(driver, QUESTION)
    driver.find_elements(By.CSS_SELECTOR, '[data-testid="stFeedback"] button')[0].click()
    wait_idle(driver)
    database = Database.for_settings(Settings(store_dir=demo_app.store))
    WebDriverWait(driver, 20).until(lambda d: database.feedback.mine(LOCAL))
    record = database.feedback.mine(LOCAL)[-1]
    assert record.rating == "up" and record.question == QUESTION and record.chunk_ids and record.owner == "local"
    audit.check("Ask, an answer rated, with the comment box, 1400 px")
    audit.assert_clean()


def tags(container) -> list[str]:
    """The values chosen in the multiselects inside `container`."""
    return [t.get_attribute("aria-label") for t in container.find_elements(By.CSS_SELECTOR, "[data-tag]")]


def in_viewport(driver, element) -> bool:
    return driver.execute_script(
        "const r = arguments[0].getBoundingClientRect();"
        "return r.top >= -5 && r.top < window.innerHeight - 40;", element)
