"""Small Selenium steps shared by the browser tests: wait, ask, switch mode."""

from __future__ import annotations

import time

from selenium.common.exceptions import ElementClickInterceptedException, StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

ANSWER_TIMEOUT_S = 180  # the first question loads the embedding model


def wait_css(driver, css: str, timeout: float = 60, visible: bool = True):
    condition = EC.visibility_of_element_located if visible else EC.presence_of_element_located
    return WebDriverWait(driver, timeout).until(condition((By.CSS_SELECTOR, css)))


def wait_idle(driver, timeout: float = ANSWER_TIMEOUT_S) -> None:
    """Until Streamlit has finished running the script: the app root's script state has said
    "notRunning" for a second (a rerun can follow straight after a run)."""
    quiet_since = None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        states = [e.get_attribute("data-test-script-state")
                  for e in driver.find_elements(By.CSS_SELECTOR, "[data-test-script-state]")]
        if states and all(s == "notRunning" for s in states):
            quiet_since = quiet_since or time.monotonic()
            if time.monotonic() - quiet_since > 1.0:
                return
        else:
            quiet_since = None
        time.sleep(0.2)
    raise AssertionError(f"the app was still running after {timeout}s")


def open_app(driver, url: str) -> None:
    driver.get(url)
    wait_css(driver, "h1", timeout=120)
    wait_idle(driver)


def choose_mode(driver, label: str) -> None:
    """Click the mode `label`. The mode switch is found by its options, not as the page's first
    button group: the example questions are one too, and may be laid out first."""
    def option_named(d):
        for group in d.find_elements(By.CSS_SELECTOR, '[data-testid="stButtonGroup"]'):
            try:
                for option in group.find_elements(By.CSS_SELECTOR, "button"):
                    if option.text.strip() == label:
                        return option
            except StaleElementReferenceException:
                return False
        return False

    option = WebDriverWait(driver, 60).until(option_named, message=f"no mode {label!r} on the page")
    # Scrolled to the middle first: at the top of a phone's page the toolbar lies over it.
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", option)
    try:
        option.click()
    except ElementClickInterceptedException:  # something still drawn over it: the click itself
        driver.execute_script("arguments[0].click()", option)
    wait_idle(driver)


def ask(driver, question: str) -> None:
    # Each finished turn ends with its thumbs: one more of them means the answer is laid out.
    before = len(driver.find_elements(By.CSS_SELECTOR, '[data-testid="stFeedback"]'))
    box = wait_css(driver, '[data-testid="stChatInputTextArea"]')
    box.click()
    box.send_keys(question)
    box.send_keys(Keys.ENTER)
    # Two stages, so a failure says which went wrong: the question never reached the app, or no answer came.
    WebDriverWait(driver, 30).until(lambda d: question in page_text(d) or _script_running(d),
                                    message=f"the question {question!r} was not taken by the chat")
    WebDriverWait(driver, ANSWER_TIMEOUT_S).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, '[data-testid="stFeedback"]')) > before,
        message=f"no answer to {question!r} within {ANSWER_TIMEOUT_S}s")
    wait_idle(driver)


def _script_running(driver) -> bool:
    return any(e.get_attribute("data-test-script-state") == "running"
               for e in driver.find_elements(By.CSS_SELECTOR, "[data-test-script-state]"))


def page_text(driver) -> str:
    """The page's visible text, without the invisible word joiners the app puts into URLs."""
    for _ in range(5):
        try:
            return driver.find_element(By.TAG_NAME, "body").text.replace("\u2060", "")
        except StaleElementReferenceException:
            time.sleep(0.3)
        except WebDriverException as e:
            # Read while the browser leaves the page (signing out goes to the provider and back):
            # ChromeDriver names the old page's body this way, not as a stale element.
            if "does not belong to the document" not in str(e):
                raise
            time.sleep(0.3)
    raise AssertionError("the page kept changing")


def scroll_to(driver, element) -> None:
    driver.execute_script("arguments[0].scrollIntoView({block: 'start'})", element)
    time.sleep(0.5)


def click_off_centre(driver, element) -> None:
    """Click inside an element away from its centre (where a chart draws its label text)."""
    from selenium.webdriver.common.action_chains import ActionChains

    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    time.sleep(0.3)
    rect = element.rect
    ActionChains(driver).move_to_element_with_offset(element, -int(rect["width"] / 3), -int(rect["height"] / 3)).click().perform()


def allow_downloads(driver, folder) -> None:
    """Let the headless browser save downloads into `folder` (it refuses them by default)."""
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(folder)})


def download(driver, folder, button: str, pattern: str = "*.docx", timeout: float = 30):
    """Click the download button whose label holds `button`; the file it saves into `folder`
    (`allow_downloads` first)."""
    from pathlib import Path

    driver.find_element(By.XPATH, f"//*[@data-testid='stDownloadButton']//button[contains(., '{button}')]").click()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not list(Path(folder).glob(pattern)):
        time.sleep(0.3)
    (saved,) = Path(folder).glob(pattern)
    return saved


def phone_width(driver, width: int = 390, height: int = 844) -> None:
    """A phone's viewport (390 x 844 CSS px, as an iPhone 12 to 15) for the rest of the test."""
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": True})
    driver.cqc_viewport = {"width": width, "height": height, "mobile": True}  # put back after an axe check


def page_overflows(driver) -> int:
    """How many CSS px the page is wider than the window (0 when nothing needs sideways scrolling)."""
    return driver.execute_script(
        "return Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - window.innerWidth;")


def upload(driver, path, outcome: str, timeout: float = 180) -> None:
    """Upload `path` from the Library view's form and wait for `outcome` in the page."""
    # The form is drawn after the mode switch's rerun: on a busy machine, later than the call.
    dropzone = WebDriverWait(driver, 60).until(
        lambda d: next(iter(d.find_elements(By.CSS_SELECTOR, '[data-testid="stFileUploaderDropzoneInput"]')), None),
        message="no upload form in the Library view")
    dropzone.send_keys(str(path))
    WebDriverWait(driver, 30).until(lambda d: path.name in page_text(d))
    driver.find_element(By.XPATH, "//button[contains(., 'Add to library')]").click()
    WebDriverWait(driver, timeout).until(lambda d: outcome in page_text(d), message=f"no {outcome!r} after the upload")
def write_briefing(driver, authority: str) -> None:
    """In Library mode: choose the report whose name starts with `authority` and write its briefing."""
    form = WebDriverWait(driver, 60).until(lambda d: next(
        (f for f in d.find_elements(By.CSS_SELECTOR, '[data-testid="stForm"]') if "Write the briefing" in f.text), None))
    scroll_to(driver, form)
    box = form.find_element(By.CSS_SELECTOR, '[data-testid="stSelectbox"] input')
    box.click()
    box.send_keys(authority)
    box.send_keys(Keys.ENTER)
    form.find_element(By.XPATH, ".//button[contains(., 'Write the briefing')]").click()
    WebDriverWait(driver, ANSWER_TIMEOUT_S).until(lambda d: f"Briefing: {authority}" in page_text(d),
                                                  message=f"no briefing on {authority}")
    wait_idle(driver)
