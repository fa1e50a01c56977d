"""The regulator's web pages, one file per page, uploaded in the browser as staff save them; and a
council the library does not hold, asked about in the chat. Screenshots go to screenshots/."""

from __future__ import annotations


import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests import site_pages as sp
from tests.e2e.conftest import demo_app, screenshot
from tests.e2e.helpers import ask, choose_mode, open_app, page_text, scroll_to, wait_idle


@pytest.fixture(scope="module")
def pages_app(browser_paths):
    with demo_app("cqc-e2e-pages-") as app:
        yield app


def test_page_files_uploaded_together_make_one_report_whose_answers_cite_their_page(driver, pages_app):
    pages = sp.write_pages(pages_app.folder / "calderholt-pages")
    open_app(driver, pages_app.url)
    choose_mode(driver, "Library")
    upload = driver.find_element(By.CSS_SELECTOR, '[data-testid="stFileUploaderDropzoneInput"]')
    upload.send_keys("\n".join(str(p) for p in pages))
    WebDriverWait(driver, 60).until(lambda d: "about.txt" in page_text(d))  # listed (names shortened in the middle)
    driver.find_element(By.XPATH, "//button[contains(., 'Add to library')]").click()
    WebDriverWait(driver, 240).until(lambda d: f"Added 1 report: {sp.AUTHORITY}." in page_text(d))
    wait_idle(driver)
    text = page_text(driver)
    assert "uploads" not in text.split("Added 1 report")[1][:200]  # named by its authority, not the folder
    screenshot(driver, "15-pages-uploaded")

    choose_mode(driver, "Ask")
    ask(driver, "How many safeguarding concerns were waiting to be screened in Calderholt?")
    reply = driver.find_elements(By.CSS_SELECTOR, '[data-testid="stChatMessage"]')[1]
    assert "96 concerns" in reply.text and sp.AUTHORITY in reply.text
    assert "Where: calderholt-09-safeguarding.txt" in page_text(driver)  # the page file it came from
    scroll_to(driver, reply)
    screenshot(driver, "16-answer-from-page-files")


def test_a_council_not_in_the_library_is_named_as_absent_and_nothing_else_is_answered(driver, pages_app):
    open_app(driver, pages_app.url)
    ask(driver, "How many people were waiting for a Care Act assessment in Leeds?")
    messages = driver.find_elements(By.CSS_SELECTOR, '[data-testid="stChatMessage"]')
    reply = messages[-1]
    assert "Leeds is not in the library" in reply.text
    assert "Where:" not in reply.text  # no other council's finding offered in its place
    for other in ("1,274", "Fenmarsh County Council ·", "Larkbridge Borough Council ·"):
        assert other not in reply.text
    scroll_to(driver, reply)
    screenshot(driver, "17-absent-council")
