"""The Measures view in Chromium (issue 24 item 4): one measure, every council as a bar and a row,
the user's own council marked, a click on a bar opening the source card of that council's figure,
the CSV download, and axe-core (WCAG 2.2 AA) at 1400 and 390 px; and a ranking answer's button
that opens its measure here. Screenshots: screenshots/measures-1400.png, measures-390.png."""

from __future__ import annotations

import csv
import tempfile
import urllib.parse
from pathlib import Path

import pytest
from selenium.common.exceptions import ElementClickInterceptedException, ElementNotInteractableException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from tests.e2e.accessibility import assert_accessible
from tests.e2e.conftest import demo_app, screenshot
from tests.e2e.helpers import (
    allow_downloads, ask, choose_mode, click_off_centre, download, open_app, page_overflows, page_text, phone_width,
    scroll_to, wait_css, wait_idle,
)

HOME = "Larkbridge Borough Council"
MEASURE = "People waiting for a Care Act assessment"


@pytest.fixture(scope="module")
def measures_app(browser_paths):
    with demo_app("cqc-e2e-measures-") as app:
        yield app


def _with_home(url: str) -> str:
    return f"{url}/?home={urllib.parse.quote(HOME)}"


def _pick_measure(driver, name: str) -> None:
    box = wait_css(driver, '.st-key-measure_pick input')  # the view's own box, not the sidebar's
    box.click()
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(name)
    WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, '[role="option"]'))
    box.send_keys(Keys.ENTER)
    wait_idle(driver)


def _bars(driver):
    chart = wait_css(driver, '[data-testid="stVegaLiteChart"]')
    return WebDriverWait(driver, 30).until(
        lambda d: chart.find_elements(By.CSS_SELECTOR, 'path[aria-roledescription="bar"]'))


@pytest.mark.parametrize("width", [1400, 390])
def test_the_measures_view_charts_every_council_and_a_bar_opens_its_source(driver, measures_app, width):
    if width < 1000:
        phone_width(driver, width)
    open_app(driver, _with_home(measures_app.url))
    choose_mode(driver, "Measures")
    _pick_measure(driver, MEASURE)
    bars = _bars(driver)
    assert len(bars) == 3  # one per council
    text = page_text(driver)
    assert "Your council, Larkbridge Borough Council, is the blue bar" in text
    assert "3 of 3 councils give a comparable figure" in text
    larkbridge = next(b for b in bars if "Larkbridge" in (b.get_attribute("aria-label") or ""))
    click_off_centre(driver, larkbridge)
    wait_idle(driver)
    WebDriverWait(driver, 30).until(lambda d: "the Care Act assessment waiting list held 187 people" in page_text(d),
                                    message="a click on Larkbridge's bar did not open its source card")
    scroll_to(driver, driver.find_element(By.CSS_SELECTOR, '[data-testid="stVegaLiteChart"]'))
    screenshot(driver, f"measures-{width}")
    if width < 1000:
        assert page_overflows(driver) <= 0  # nothing needs scrolling sideways on a phone
    assert_accessible(driver, f"Measures view, {width} px")


def test_the_csv_download_and_a_ranking_answer_opening_the_view(driver, measures_app):
    folder = Path(tempfile.mkdtemp(prefix="cqc-e2e-measures-csv-"))
    open_app(driver, measures_app.url)
    ask(driver, "Which councils had the most people waiting for a Care Act assessment?")
    reply = driver.find_elements(By.CSS_SELECTOR, '[data-testid="stChatMessage"]')[1]
    assert "Highest: Fenmarsh County Council" in reply.text
    button = reply.find_element(By.XPATH, ".//button[contains(., 'See every council')]")
    scroll_to(driver, button)
    button.click()
    wait_idle(driver)
    assert len(_bars(driver)) == 3
    assert "waiting for an assessment of their needs under the Care Act" in page_text(driver)  # the measure's description
    allow_downloads(driver, folder)
    saved = download(driver, folder, "Download the table", pattern="*.csv")
    rows = list(csv.reader(saved.open(encoding="utf-8")))
    assert rows[0][:2] == ["Rank", "Council"] and len(rows) == 4
    assert {r[1] for r in rows[1:]} == {"Fenmarsh County Council", HOME, "Oakhurst City Council"}


@pytest.mark.parametrize("width", [1400, 390])
def test_a_comparison_on_a_measure_charts_it_under_the_table_and_opens_the_measures_view(driver, measures_app, width):
    """Issue 25 item 1 and issue 24 item 4: the Measures view's chart of the compared councils under
    the Compare table (a bar per council with a figure, the others named), and the way to the view."""
    if width < 1000:
        phone_width(driver, width)
    open_app(driver, _with_home(measures_app.url))
    choose_mode(driver, "Compare")
    ask(driver, "direct payment uptake")  # Fenmarsh's report gives no figure on it
    reply = driver.find_elements(By.CSS_SELECTOR, '[data-testid="stChatMessage"]')[-1]
    under = reply.find_element(By.CSS_SELECTOR, '[class*="st-key-cmp-chart-"]')
    chart = under.find_element(By.CSS_SELECTOR, '[data-testid="stVegaLiteChart"]')
    bars = WebDriverWait(driver, 30).until(
        lambda d: chart.find_elements(By.CSS_SELECTOR, 'path[aria-roledescription="bar"]'))
    labels = [b.get_attribute("aria-label") or "" for b in bars]
    assert len(bars) == 2, labels  # one per council with a figure
    assert any("Oakhurst" in a for a in labels) and any("Larkbridge" in a for a in labels)
    assert not any("Fenmarsh" in a for a in labels)  # no figure: never a bar of zero
    # the chart's name for a screen reader, and its figures as a real table under it
    name = chart.get_attribute("aria-label") or ""
    assert name.startswith("Bar chart of Direct payments uptake for 2 councils, with 1 comparison line"), name
    summary = under.find_element(By.XPATH, ".//details/summary[contains(., 'The figures as a table')]")
    driver.execute_script("arguments[0].click()", summary)
    table = WebDriverWait(driver, 10).until(lambda d: next(  # shown once the expander has opened
        (t for t in under.find_elements(By.CSS_SELECTOR, "table") if t.is_displayed()), None))
    rows = [[c.get_attribute("textContent").strip() for c in r.find_elements(By.CSS_SELECTOR, "th, td")]
            for r in table.find_elements(By.CSS_SELECTOR, "tbody tr")]
    # highest first, each council's figure and the England average the reports give beside it
    assert rows == [["Oakhurst City Council", "34.7% (2023/24)", "26.2% (2023/24)"],
                    [HOME, "29.4% (2023/24)", "26.2% (2023/24)"]], rows
    text = under.text
    assert "give no figure for this: Fenmarsh County Council" in text
    assert f"Your council, {HOME}, is the blue bar" in text
    scroll_to(driver, reply.find_element(By.CSS_SELECTOR, '[class*="st-key-cmp-table-"], [class*="st-key-cmp-cards-"]'))
    scroll_to(driver, under)  # the table's end, then its chart (a chat page keeps pulling to its bottom)
    screenshot(driver, f"compare-chart-{width}")
    if width < 1000:
        assert page_overflows(driver) <= 1
    assert_accessible(driver, f"Compare on a measure with its chart, {width} px")

    button = reply.find_element(
        By.XPATH, ".//button[contains(., 'See every council') and contains(., 'Direct payments uptake')]")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)  # clear of the chat box
    try:
        button.click()
    except (ElementClickInterceptedException, ElementNotInteractableException):  # on a phone the chat box may cover it
        driver.execute_script("arguments[0].click()", button)
    wait_idle(driver)
    WebDriverWait(driver, 30).until(lambda d: any(  # the box shows its choice in its input or beside it
        "Direct payments uptake" in (e.get_attribute("textContent") or "") + (e.get_attribute("value") or "")
        for e in d.find_elements(By.CSS_SELECTOR, ".st-key-measure_pick, .st-key-measure_pick input")),
        message="the Measures view did not open on the compared measure")
    assert len(_bars(driver)) == 2  # every council in the library that gives it
    assert "give no figure for this: Fenmarsh County Council" in page_text(driver)
