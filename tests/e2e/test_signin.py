"""A team's app in the browser: people sign in through a real OpenID Connect provider running
locally (PyPI `oidc-provider-mock`, its own server process), with sign-in on (CQC_SIGN_IN) and the
provider configured in a secrets.toml as Streamlit documents it.

Rita is a reader by her token's `roles` claim; Ed is an editor by the settings' list
(CQC_EDITORS); Mallory signs in fine but has no role here and is refused. Each sees what their
role allows and never another person's conversation.
"""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.e2e.conftest import DEMO, free_port, screenshot, start_app, stop_app
from tests.e2e.helpers import ask, choose_mode, page_text, scroll_to, upload, wait_css, wait_idle

PEOPLE = {
    "rita": {"email": "rita@kingsmere.gov.uk", "email_verified": True, "name": "Rita Reader", "roles": ["reader"]},
    "ed": {"email": "ed@kingsmere.gov.uk", "email_verified": True, "name": "Ed Editor"},
    "mallory": {"email": "mallory@elsewhere.example", "email_verified": True, "name": "Mallory Outsider"},
}
SIGNED_OUT = "Sign in with your council account"
RITAS = "What was Oakhurst's score for safeguarding?"  # none of the example questions: only hers
QUESTION = "How many people were waiting for a Care Act assessment in Larkbridge?"


def _wait_answering(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"oidc-provider-mock exited:\n{log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/.well-known/openid-configuration", timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"the OIDC provider did not answer on {url}")


@pytest.fixture(scope="module")
def provider(browser_paths):
    """The identity provider: oidc-provider-mock's own server (uvicorn) on a free local port,
    with our three people and their claims."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = Path(tempfile.mkdtemp(prefix="cqc-oidc-")) / "provider.log"
    people = [arg for sub, claims in PEOPLE.items() for arg in ("--user-claims", json.dumps({"sub": sub, **claims}))]
    process = subprocess.Popen([str(Path(sys.executable).with_name("oidc-provider-mock")), "--host", "127.0.0.1",
                                "--port", str(port), *people], stdout=log.open("w"), stderr=subprocess.STDOUT)
    try:
        _wait_answering(url, process, log)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="module")
def team_app(provider):
    """The app over the demo reports with sign-in on, the provider in its secrets.toml."""
    folder = Path(tempfile.mkdtemp(prefix="cqc-e2e-team-"))
    port = free_port()
    secrets_file = folder / "secrets.toml"
    secrets_file.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_hex(32)}"\n'
        'client_id = "cqc-report-assistant"\n'
        f'client_secret = "{secrets.token_hex(16)}"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n'
    )
    env = {"CQC_SIGN_IN": "true", "CQC_EDITORS": "ed@kingsmere.gov.uk", "CQC_ROLE_CLAIM": "roles"}
    app = start_app(sorted(DEMO.iterdir()), folder, env=env, args=["--secrets.files", str(secrets_file)], port=port)
    try:
        yield app
    finally:
        stop_app(app)


def sign_in(driver, url: str, who: str) -> None:
    """From the app's sign-in page, through the provider's own form, back to the app."""
    driver.get(url)
    wait_css(driver, "h1", timeout=120)
    wait_idle(driver)
    driver.find_element(By.XPATH, "//button[contains(., 'Sign in')]").click()
    # The provider's page: our people are its predefined users, one button each.
    button = WebDriverWait(driver, 60).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, f'button[name="sub"][value="{who}"]'),
        message="the provider's sign-in form did not show")[0]
    button.click()
    WebDriverWait(driver, 60).until(lambda d: d.current_url.startswith(url), message="not sent back to the app")
    wait_css(driver, "h1", timeout=120)
    wait_idle(driver)


def sign_out(driver, url: str) -> None:
    driver.find_element(By.XPATH, "//button[contains(., 'Sign out')]").click()
    # Streamlit ends the session at the provider too (its end_session endpoint), which asks to confirm.
    WebDriverWait(driver, 60).until(lambda d: "End Session" in page_text(d) or SIGNED_OUT in page_text(d),
                                    message="neither the provider's end of session nor the app's sign-in page")
    if "End Session" in page_text(driver):
        driver.find_element(By.XPATH, "//button[contains(., 'End session')]").click()
    WebDriverWait(driver, 60).until(lambda d: d.current_url.startswith(url) and SIGNED_OUT in page_text(d),
                                    message="not back at the app's sign-in page")
    wait_idle(driver)


def sidebar_text(driver) -> str:
    return driver.find_element(By.CSS_SELECTOR, '[data-testid="stSidebar"]').text


def test_signed_out_nothing_of_the_library_shows(driver, team_app):
    driver.get(team_app.url)
    wait_css(driver, "h1", timeout=120)
    wait_idle(driver)
    text = page_text(driver)
    assert "Sign in with your council account" in text
    assert not driver.find_elements(By.CSS_SELECTOR, '[data-testid="stChatInput"]')
    assert "Larkbridge" not in text and "Conversations" not in text
    screenshot(driver, "30-sign-in")


def test_a_reader_asks_but_cannot_change_the_library_and_signs_out(driver, team_app):
    sign_in(driver, team_app.url, "rita")
    assert "Signed in as Rita Reader (reader)" in sidebar_text(driver)
    ask(driver, QUESTION)
    reply = driver.find_elements(By.CSS_SELECTOR, '[data-testid="stChatMessage"]')[1]
    assert "187 people" in reply.text
    choose_mode(driver, "Library")
    text = page_text(driver)
    assert "Only editors add or remove reports" in text and "Changes to the library" in text
    assert not driver.find_elements(By.CSS_SELECTOR, '[data-testid="stFileUploaderDropzoneInput"]')
    assert not driver.find_elements(By.XPATH, "//button[contains(., 'Remove report')]")
    assert "Export everyone's feedback" not in text
    screenshot(driver, "31-reader-library")
    sign_out(driver, team_app.url)
    assert "Sign in with your council account" in page_text(driver)
    assert not driver.find_elements(By.CSS_SELECTOR, '[data-testid="stChatInput"]')


def test_an_editor_uploads_and_the_change_is_recorded_with_their_name(driver, team_app, tmp_path):
    sign_in(driver, team_app.url, "ed")
    assert "Signed in as Ed Editor (editor)" in sidebar_text(driver)
    choose_mode(driver, "Library")
    report = tmp_path / "quillmoor.md"
    report.write_text((DEMO / "fenmarsh.md").read_text().replace("Fenmarsh", "Quillmoor"))
    upload(driver, report, "Added 1 report: Quillmoor County Council.")
    wait_idle(driver)
    choose_mode(driver, "Ask")
    choose_mode(driver, "Library")
    # The audit log's table, not the heatmap's scores table folded in its expander above it.
    table = next(t for t in driver.find_elements(By.XPATH, "//*[@data-testid='stTable']") if "Outcome" in t.text)
    audit = table.text.replace("\u2060", "")
    assert "Ed Editor <ed@kingsmere.gov.uk>" in audit and "upload" in audit and "quillmoor.md" in audit
    assert "Quillmoor County Council" in audit
    scroll_to(driver, table)
    screenshot(driver, "32-editor-audit-log")


def test_someone_without_a_role_is_refused_in_plain_words(driver, team_app):
    sign_in(driver, team_app.url, "mallory")
    text = page_text(driver)
    assert ("You are signed in as mallory@elsewhere.example, but you have not been given access to this app. "
            "Ask whoever runs it to add you as a reader or an editor.") in text
    assert not driver.find_elements(By.CSS_SELECTOR, '[data-testid="stChatInput"]')
    assert "Larkbridge" not in text and "Conversations" not in text
    screenshot(driver, "33-refused")
    sign_out(driver, team_app.url)


def test_a_person_never_sees_another_persons_conversation(driver, team_app):
    sign_in(driver, team_app.url, "rita")
    ask(driver, RITAS)
    WebDriverWait(driver, 10).until(lambda d: "?c=" in d.current_url)
    ritas = driver.current_url.split("?c=", 1)[1].split("&")[0]
    assert RITAS in sidebar_text(driver)
    sign_out(driver, team_app.url)

    sign_in(driver, team_app.url, "ed")
    assert RITAS not in sidebar_text(driver)
    driver.get(f"{team_app.url}/?c={ritas}")  # her conversation's own address, typed in by Ed
    wait_css(driver, "h1", timeout=60)
    wait_idle(driver)
    assert RITAS not in page_text(driver)
    assert not driver.find_elements(By.CSS_SELECTOR, '[data-testid="stChatMessage"]')
    screenshot(driver, "34-not-anothers-conversation")
    sign_out(driver, team_app.url)

    sign_in(driver, team_app.url, "rita")  # still hers
    assert RITAS in sidebar_text(driver)
