"""WCAG 2.2 AA in the browser: axe-core on the states the other browser tests do not reach (an
empty library, the briefing on a phone), the app used with the keyboard alone with its focus
always visible, and the heatmap's data as a table a screen reader reads.

The other browser tests run axe on the states they reach (tests/e2e/accessibility.py): the start
page, an answer with its source card and the original, Compare, Draft actions, the Library's
heatmap and the briefing, at 1400 and 390 px.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from tests.e2e.accessibility import AxeAudit, assert_focus_visible, focus_indicator, press, press_chord, tab_to
from tests.e2e.conftest import demo_app, screenshot, start_app, stop_app
from tests.e2e.helpers import (
    ANSWER_TIMEOUT_S, choose_mode, open_app, page_text, phone_width, wait_css, wait_idle, write_briefing,
)

QUESTION = "How many people were waiting for a Care Act assessment in Larkbridge?"
NEW_OWNER = "Head of commissioning"


@pytest.fixture(scope="module")
def a11y_app(browser_paths):
    with demo_app("cqc-e2e-a11y-") as app:
        yield app


@pytest.fixture(scope="module")
def empty_app(browser_paths):
    app = start_app([], Path(tempfile.mkdtemp(prefix="cqc-e2e-empty-")))
    yield app
    stop_app(app)


@pytest.mark.parametrize("width", [1400, 390])
def test_an_empty_library_passes_axe(driver, empty_app, width):
    if width < 1000:
        phone_width(driver, width)
    open_app(driver, empty_app.url)
    assert "The library has no reports yet" in page_text(driver)
    audit = AxeAudit(driver)
    audit.check(f"Empty library, {width} px")
    audit.assert_clean()


def test_the_briefing_on_a_phone_passes_axe(driver, a11y_app):
    phone_width(driver)
    open_app(driver, a11y_app.url)
    choose_mode(driver, "Library")
    write_briefing(driver, "Larkbridge")
    audit = AxeAudit(driver)
    audit.check("Library, the briefing, 390 px")
    audit.assert_clean()


def test_a_pdf_page_and_the_sidebar_on_a_phone_pass_axe(driver, a11y_app):
    """The original of a PDF finding is its page drawn as an image: it needs a text alternative.
    On a phone the sidebar (conversations, filters) is folded away until opened."""
    from tests.e2e.helpers import ask

    phone_width(driver)
    open_app(driver, a11y_app.url)
    ask(driver, "How many people were waiting for a Care Act assessment in Oakhurst?")
    audit = AxeAudit(driver)
    page_button = WebDriverWait(driver, 30).until(
        lambda d: next((b for b in d.find_elements(By.XPATH, "//button[contains(., 'Open page')]") if b.is_displayed()), None),
        message="no 'Open page N' on the answer's source cards")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", page_button)
    page_button.click()
    dialog = wait_css(driver, '[role="dialog"]', timeout=30)
    image = WebDriverWait(driver, 60).until(lambda d: dialog.find_elements(By.CSS_SELECTOR, "img"))[0]
    alt = image.get_attribute("alt")
    assert alt.startswith("Page ") and "oakhurst.pdf" in alt and "Marked in yellow: " in alt, alt
    audit.check("Ask, the original's PDF page (dialog), 390 px")
    press(driver, Keys.ESCAPE)
    WebDriverWait(driver, 10).until(lambda d: not d.find_elements(By.CSS_SELECTOR, '[role="dialog"]'))

    driver.find_element(By.CSS_SELECTOR, '[data-testid="stExpandSidebarButton"]').click()
    sidebar = wait_css(driver, '[data-testid="stSidebar"]')
    WebDriverWait(driver, 10).until(lambda d: sidebar.rect["x"] >= 0 and "Filters" in sidebar.text)
    time.sleep(0.5)  # the slide-in
    audit.check("Sidebar open (conversations, filters), 390 px")
    audit.assert_clean()


def test_keyboard_only_ask_open_a_source_switch_mode_and_edit_an_action(driver, a11y_app):
    """Tab, Shift+Tab, arrows, Enter and Escape only, never a click; each element the keyboard
    reaches shows its focus (tests/e2e/accessibility.py: an outline or ring, or the data
    editor's ring on its canvas)."""
    open_app(driver, a11y_app.url)

    # Ask: from the top of the page to the chat box, type, Enter.
    box = tab_to(driver, lambda e: e.get_attribute("data-testid") == "stChatInputTextArea", "the chat box")
    before = len(driver.find_elements(By.CSS_SELECTOR, '[data-testid="stFeedback"]'))
    press(driver, QUESTION)
    press(driver, Keys.ENTER)
    WebDriverWait(driver, ANSWER_TIMEOUT_S).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, '[data-testid="stFeedback"]')) > before,
        message="no answer to the question typed with the keyboard")
    wait_idle(driver)
    assert "187 people" in driver.find_elements(By.CSS_SELECTOR, '[data-testid="stChatMessage"]')[1].text
    assert driver.switch_to.active_element == box  # still in the chat box, for the next question

    # A citation: Tab round to the answer's [1], Enter jumps to its source card.
    link = tab_to(driver, lambda e: e.tag_name == "a" and (e.get_attribute("href") or "").split("#")[-1].startswith("src-"),
                  "the answer's first citation link")
    anchor = link.get_attribute("href").split("#", 1)[1]
    press(driver, Keys.ENTER)
    WebDriverWait(driver, 10).until(lambda d: d.current_url.endswith("#" + anchor))
    card = driver.find_element(By.CSS_SELECTOR, f'[class*="st-key-card-{anchor}"]')
    assert "Larkbridge Borough Council" in card.text

    # ...and the card's "Open in the original": a dialog that takes focus, and gives it back on Escape.
    button = tab_to(driver, lambda e: e.tag_name == "button" and "Open in the original" in e.text
                    and e.find_elements(By.XPATH, f"./ancestor::*[contains(@class, 'st-key-card-{anchor}')]"),
                    "the source card's Open in the original")
    press(driver, Keys.ENTER)
    dialog = wait_css(driver, '[role="dialog"]', timeout=30)
    WebDriverWait(driver, 30).until(lambda d: "187 people" in dialog.text or "waiting list held 187" in dialog.text)
    inside = driver.execute_script("return arguments[0].contains(document.activeElement)", dialog)
    assert inside, "the dialog did not take focus"
    assert_focus_visible(driver, "in the dialog")
    screenshot(driver, "19-keyboard-dialog")
    press(driver, Keys.ESCAPE)
    WebDriverWait(driver, 10).until(lambda d: not d.find_elements(By.CSS_SELECTOR, '[role="dialog"]'))
    assert driver.switch_to.active_element == button, "focus did not come back to the button that opened the dialog"
    assert_focus_visible(driver, "after the dialog closed")

    # Switch mode: Shift+Tab back to the mode switch, arrows along it, Enter.
    tab_to(driver, lambda e: e.get_attribute("role") == "radio" and e.text.strip() in ("Ask", "Compare", "Draft actions", "Library"),
           "the mode switch", backwards=True)
    for _ in range(4):
        if driver.switch_to.active_element.text.strip() == "Draft actions":
            break
        press(driver, Keys.ARROW_RIGHT)
        assert_focus_visible(driver, "along the mode switch")
    assert driver.switch_to.active_element.text.strip() == "Draft actions"
    press(driver, Keys.ENTER)
    wait_idle(driver)
    WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.XPATH, "//button[@kind='primary' and contains(., 'Draft actions')]"))
    # Streamlit draws the page anew when the chat box goes: focus falls back to the document, and
    # the next Tab starts from the main column (not the top of the sidebar).
    press(driver, Keys.TAB)
    in_main = driver.execute_script("return !!document.activeElement.closest('[data-testid=\"stMain\"], main')")
    assert in_main, f"after switching mode, Tab went to {focus_indicator(driver)}"
    assert_focus_visible(driver, "after switching mode")

    # Draft actions, then edit the first action's owner in the table.
    tab_to(driver, lambda e: e.tag_name == "button" and e.get_attribute("kind") == "primary" and "Draft actions" in e.text,
           "the Draft actions button")
    press(driver, Keys.ENTER)
    wait_css(driver, '[data-testid="stDataFrame"]', timeout=180)
    wait_idle(driver)
    grid = tab_to(driver, lambda e: e.tag_name in ("canvas", "td")
                  and bool(e.find_elements(By.XPATH, "./ancestor::*[@data-testid='stDataFrame']")), "the action table")
    if grid.get_attribute("role") != "gridcell":  # the grid itself has focus, no cell yet: an arrow picks one
        press(driver, Keys.ARROW_DOWN)
        WebDriverWait(driver, 5).until(lambda d: d.switch_to.active_element.get_attribute("role") == "gridcell",
                                       message="an arrow key in the action table did not focus a cell")
    arrow_to_cell(driver, column=2, row=0)  # the first action's Owner (column 1 is the Action)
    assert_focus_visible(driver, "on the Owner cell")
    screenshot(driver, "20-keyboard-action-table")
    press(driver, Keys.ENTER)  # edit the cell
    assert driver.switch_to.active_element.tag_name == "textarea"
    assert_focus_visible(driver, "in the cell's editor")
    press_chord(driver, Keys.CONTROL, "a")
    press(driver, NEW_OWNER)
    press(driver, Keys.ENTER)
    wait_idle(driver)
    cell = driver.find_element(By.CSS_SELECTOR, '[data-testid="glide-cell-2-0"]')
    WebDriverWait(driver, 20).until(lambda d: cell.get_attribute("textContent") == NEW_OWNER)
    # The app has the edit (what every export writes): the plan's cards, drawn from the edited table.
    cards = driver.find_element(By.CSS_SELECTOR, '[class*="st-key-plan-cards"]').get_attribute("textContent")
    assert f"Owner: {NEW_OWNER} ·" in cards, cards[:400]


def arrow_to_cell(driver, column: int, row: int) -> None:
    """Arrow keys from the data editor's focused cell to (column, row): its hidden twin names each
    cell glide-cell-<column>-<row>."""
    for _ in range(30):
        at = driver.switch_to.active_element.get_attribute("id") or ""
        assert at.startswith("glide-cell-"), f"focus left the table for {at!r}"
        c, r = (int(n) for n in at.split("-")[2:4])
        if (c, r) == (column, row):
            return
        press(driver, Keys.ARROW_LEFT if c > column else Keys.ARROW_RIGHT if c < column
              else Keys.ARROW_UP if r > row else Keys.ARROW_DOWN)
        # The grid moves its focus a moment after the key: read the next cell only once it has.
        WebDriverWait(driver, 5).until(lambda d: d.switch_to.active_element.get_attribute("id") != at,
                                       message=f"the arrow key did not move on from {at}")
    raise AssertionError(f"the arrow keys did not reach cell ({column}, {row})")


def type_and_choose(driver, typed: str, option: str) -> None:
    """In the focused select box (its text selected on focus): type, wait for the list to offer
    `option`, Enter."""
    press(driver, typed)
    WebDriverWait(driver, 10).until(
        lambda d: any(o.text.strip() == option for o in d.find_elements(By.CSS_SELECTOR, '[role="option"]')),
        message=f"typing {typed!r} did not offer {option!r}")
    press(driver, Keys.ENTER)
    WebDriverWait(driver, 10).until(lambda d: d.switch_to.active_element.get_attribute("value") == option)
    wait_idle(driver)


def test_keyboard_only_heatmap_filter_and_its_table(driver, a11y_app):
    """The heatmap's cells are for a pointer; the keyboard opens its table and filters the chat
    with the select boxes under it."""
    open_app(driver, a11y_app.url)
    choose_mode(driver, "Library")
    wait_css(driver, '[data-testid="stVegaLiteChart"]')
    summary = tab_to(driver, lambda e: e.tag_name == "summary" and "The scores as a table" in e.text,
                     "the heatmap's table")
    press(driver, Keys.ENTER)
    table = WebDriverWait(driver, 10).until(
        lambda d: next((t for t in d.find_elements(By.CSS_SELECTOR, '[data-testid="stTable"] table') if t.is_displayed()), None),
        message="the expander did not open its table")
    assert "Safeguarding" in table.text
    assert summary.find_element(By.XPATH, "./ancestor::details").get_attribute("open") is not None

    authority = tab_to(driver, lambda e: e.get_attribute("aria-label") == "Authority", "the heatmap's Authority box")
    type_and_choose(driver, "Oakhurst", "Oakhurst City Council")
    statement = tab_to(driver, lambda e: e.get_attribute("aria-label") == "Quality statement",
                       "the heatmap's Quality statement box")
    type_and_choose(driver, "Safeguarding", "Safeguarding")
    assert authority.get_attribute("value") == "Oakhurst City Council"
    assert statement.get_attribute("value") == "Safeguarding"
    tab_to(driver, lambda e: e.tag_name == "button" and "Filter the chat" in e.text, "Filter the chat")
    press(driver, Keys.ENTER)
    wait_idle(driver)
    WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, '[data-testid="stChatInputTextArea"]'),
                                    message="Filter the chat did not go to Ask")
    banner = driver.find_element(By.CSS_SELECTOR, '[class*="st-key-scope-banner"]')
    assert "Oakhurst City Council" in banner.text and "Safeguarding" in banner.text
