"""Accessibility checks for the browser tests: axe-core on the page as it stands, and what the
keyboard test needs to know about focus.

axe-core comes inside the PyPI package `selenium-axe-python` (axe-core 4.9.1, injected from the
package's own file: nothing is downloaded at run time). The rules run are WCAG 2.0, 2.1 and 2.2,
levels A and AA (`WCAG_TAGS`): what a UK public body's software must meet.

    from tests.e2e.accessibility import assert_accessible
    assert_accessible(driver, "Measures chart, 390 px")   # fails on any serious or critical violation

or, for a test that walks through several states, `AxeAudit` (fails once at the end, naming all).

Every run also writes what it found, all impacts, to build/e2e/axe/<state>.json, and a line per
state to build/e2e/axe/summary.jsonl: the numbers the README's accessibility statement reports.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
BLOCKING = frozenset({"serious", "critical"})  # the impacts that fail a test
RESULTS = Path(__file__).resolve().parents[2] / "build" / "e2e" / "axe"
_summary_started = False


@dataclass(frozen=True)
class Violation:
    rule: str
    impact: str
    help: str
    elements: tuple[str, ...]  # each failing element: its CSS path and the start of its HTML

    def describe(self) -> str:
        listed = "\n".join(f"    - {e}" for e in self.elements)
        return f"  {self.rule} ({self.impact}, {len(self.elements)} element(s)): {self.help}\n{listed}"


def _element(node: dict) -> str:
    target = " ".join(str(t) for t in node.get("target", []))
    html = re.sub(r"\s+", " ", node.get("html", ""))[:160]
    why = (node.get("failureSummary") or "").replace("\n", " ")[:200]
    return f"{target}  {html}  ({why})" if why else f"{target}  {html}"


# The page-level scroll regions (the main column, the sidebar) and how much of each lies below its
# visible part; small boxes of a fixed height (a grid, a dialog's scroll box) are left alone.
_HIDDEN_BELOW_JS = """
let extra = document.documentElement.scrollHeight - window.innerHeight;
for (const el of document.querySelectorAll('*')) {
  const s = getComputedStyle(el);
  if ((s.overflowY === 'auto' || s.overflowY === 'scroll') && el.clientHeight >= window.innerHeight / 2)
    extra = Math.max(extra, el.scrollHeight - el.clientHeight);
}
return Math.max(0, Math.ceil(extra));
"""
MAX_AUDIT_HEIGHT = 16000


def set_viewport(driver, width: int, height: int, mobile: bool) -> None:
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})


@contextmanager
def whole_page_in_view(driver):
    """The window made as tall as the page while axe runs: some rules (target-size, parts of
    color-contrast) only judge what is on screen, and the verdict must not depend on where the
    test happened to scroll. The test's own viewport (`helpers.phone_width`) comes back after."""
    extra = driver.execute_script(_HIDDEN_BELOW_JS)
    if not extra:
        yield
        return
    kept = getattr(driver, "cqc_viewport", None)  # set by helpers.phone_width
    width, height = driver.execute_script("return [window.innerWidth, window.innerHeight]")
    set_viewport(driver, width, min(height + extra, MAX_AUDIT_HEIGHT), mobile=bool(kept and kept["mobile"]))
    time.sleep(0.5)  # the page lays itself out again
    try:
        yield
    finally:
        if kept:
            set_viewport(driver, kept["width"], kept["height"], kept["mobile"])
        else:
            driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        time.sleep(0.3)


def axe_results(driver, context: str | None = None) -> dict:
    """axe-core's raw results (violations and incomplete) for WCAG 2.x A/AA on the current page,
    or inside the CSS selector `context`, with the whole page in view."""
    from selenium_axe_python import Axe

    axe = Axe(driver)
    with whole_page_in_view(driver):
        axe.inject()
        # The package pastes these strings into the script it runs: JSON is valid JavaScript.
        options = json.dumps({"runOnly": {"type": "tag", "values": list(WCAG_TAGS)},
                              "resultTypes": ["violations", "incomplete"]})
        return axe.run(json.dumps(context) if context else None, options)


def _violations(found: list[dict]) -> list[Violation]:
    return [Violation(v["id"], v.get("impact") or "unknown", v.get("help", ""),
                      tuple(_element(n) for n in v.get("nodes", [])))
            for v in found]


def axe_violations(driver, context: str | None = None) -> list[Violation]:
    """axe-core's WCAG 2.x A/AA violations on the current page (or inside the CSS selector `context`)."""
    return _violations(axe_results(driver, context)["violations"])


def _file_name(state: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", state.lower()).strip("-") or "page"


def _by_rule(found: list[Violation]) -> dict[str, int]:
    nodes = Counter()
    for v in found:
        nodes[f"{v.rule} ({v.impact})"] += len(v.elements)
    return dict(nodes)


def record(state: str, violations: list[Violation], incomplete: list[Violation] = ()) -> None:
    """What axe found in `state`, kept for the accessibility statement's table: violations, and
    what axe could not decide by itself (`incomplete`: for a person to check)."""
    def as_json(found: list[Violation]) -> list[dict]:
        return [{"rule": v.rule, "impact": v.impact, "help": v.help, "elements": list(v.elements)} for v in found]

    global _summary_started
    RESULTS.mkdir(parents=True, exist_ok=True)
    if not _summary_started:  # one test run, one summary
        (RESULTS / "summary.jsonl").unlink(missing_ok=True)
        _summary_started = True
    (RESULTS / f"{_file_name(state)}.json").write_text(json.dumps(
        {"violations": as_json(violations), "incomplete": as_json(incomplete)}, indent=2))
    with (RESULTS / "summary.jsonl").open("a") as f:
        f.write(json.dumps({"state": state, "nodes": sum(len(v.elements) for v in violations),
                            "by_rule": _by_rule(violations), "incomplete": _by_rule(incomplete)}) + "\n")


def blocking_report(state: str, violations: list[Violation], fail_on=BLOCKING) -> str:
    """A message naming each rule and element whose impact is in `fail_on`; empty when there is none."""
    bad = [v for v in violations if v.impact in fail_on]
    if not bad:
        return ""
    return f"{state}: {len(bad)} axe rule(s) with impact {'/'.join(sorted(fail_on))}:\n" + "\n".join(
        v.describe() for v in bad)


def check_accessible(driver, state: str, context: str | None = None, fail_on=BLOCKING) -> str:
    """Run axe on the page as it stands, record the result, and return the failure message (empty
    when there is none)."""
    results = axe_results(driver, context)
    violations = _violations(results["violations"])
    record(state, violations, _violations(results["incomplete"]))
    return blocking_report(state, violations, fail_on)


def assert_accessible(driver, state: str, context: str | None = None, fail_on=BLOCKING) -> None:
    """Fail when axe finds a serious or critical WCAG 2.2 A/AA violation, naming rule and element."""
    problem = check_accessible(driver, state, context, fail_on)
    assert not problem, problem


class AxeAudit:
    """Several states checked in one test, which fails once at the end naming every state's
    problems (a walk through the modes is not cut short by the first one):

        audit = AxeAudit(driver)
        audit.check("Ask, an answer, 1400 px")
        ...
        audit.assert_clean()
    """

    def __init__(self, driver, fail_on=BLOCKING):
        self.driver = driver
        self.fail_on = fail_on
        self.problems: list[str] = []

    def check(self, state: str, context: str | None = None) -> None:
        if problem := check_accessible(self.driver, state, context, self.fail_on):
            self.problems.append(problem)

    def assert_clean(self) -> None:
        assert not self.problems, "\n\n".join(self.problems)


# -- focus -------------------------------------------------------------------------------------
FOCUS_INDICATOR_JS = """
const el = document.activeElement;
if (!el || el === document.body) return null;
const seen = (s) => {
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 1
                  && !/rgba\\([^)]*,\\s*0\\)|transparent/.test(s.outlineColor);
  const ring = s.boxShadow && s.boxShadow !== 'none' && !/^rgba\\([^)]*,\\s*0\\)/.test(s.boxShadow);
  return outline ? 'outline ' + s.outlineWidth + ' ' + s.outlineStyle + ' ' + s.outlineColor
       : ring ? 'box-shadow ' + s.boxShadow : '';
};
// The ring may be drawn on the element or on the widget's frame around it (Streamlit styles the
// frame of a text box or a select box with :focus-within).
let node = el, depth = 0;
while (node && node !== document.body && depth < 4) {
  const found = seen(getComputedStyle(node));
  if (found) return {tag: el.tagName, label: el.getAttribute('aria-label') || (el.innerText || '').slice(0, 60),
                     on: depth ? 'ancestor ' + depth : 'itself', style: found};
  node = node.parentElement; depth += 1;
}
return {tag: el.tagName, label: el.getAttribute('aria-label') || (el.innerText || '').slice(0, 60), on: '', style: ''};
"""


def focus_indicator(driver) -> dict | None:
    """The focused element and how its focus shows (`style` empty when it does not): None when
    nothing in the page has focus."""
    return driver.execute_script(FOCUS_INDICATOR_JS)


# The data editor (Glide Data Grid) draws on a canvas: keyboard focus sits on a cell of its hidden
# twin table for assistive technology, and the canvas draws the focused cell's ring in the theme's
# primary colour (.streamlit/config.toml). Counted in a screenshot of the grid.
ACCENT = (0x1F, 0x5F, 0xA8)
GRID_RING_MIN_PX = 150  # a ring round the smallest cell (64 x 96 px) has over 300


def grid_ring_pixels(driver, grid) -> int:
    """How many pixels of the grid's screenshot are the accent colour (its focus ring)."""
    import io

    import numpy as np
    from PIL import Image

    pixels = np.asarray(Image.open(io.BytesIO(grid.screenshot_as_png)).convert("RGB"), dtype=int)
    return int((np.abs(pixels - np.array(ACCENT)) <= 40).all(axis=-1).sum())


def press(driver, *keys: str) -> None:
    """Keys as a keyboard user presses them, to whatever has focus (never a click)."""
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(driver).send_keys(*keys).perform()
    time.sleep(0.15)


def press_chord(driver, modifier: str, key: str) -> None:
    """A modifier held down while `key` is pressed (Ctrl+A)."""
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(driver).key_down(modifier).send_keys(key).key_up(modifier).perform()
    time.sleep(0.15)


def assert_focus_visible(driver, where: str = "") -> dict:
    """The focused element shows its focus: an outline or ring (computed style), or for a cell of
    the data editor the ring its canvas draws."""
    shown = focus_indicator(driver)
    assert shown is not None, f"focus was lost (nothing in the page has it) {where}"
    if shown["style"]:
        return shown
    active = driver.switch_to.active_element
    if active.get_attribute("role") == "gridcell":
        from selenium.webdriver.common.by import By

        grid = active.find_element(By.XPATH, "./ancestor::*[@data-testid='stDataFrame']")
        ring = grid_ring_pixels(driver, grid)
        assert ring >= GRID_RING_MIN_PX, f"the grid shows no focus ring round {active.get_attribute('id')} ({ring} px) {where}"
        return dict(shown, on="the grid's canvas", style=f"{ring} px ring in the accent colour")
    raise AssertionError(f"no visible focus indicator on {shown['tag']} {shown['label']!r} {where}")


def tab_to(driver, wanted, what: str, limit: int = 90, backwards: bool = False):
    """Press Tab (Shift+Tab with `backwards`) until `wanted(focused element)` holds; every element
    focused on the way must show its focus. Focus leaving the page for the browser's own toolbar
    (after the last element) is allowed: the next Tab brings it back to the first."""
    from selenium.webdriver.common.keys import Keys

    path: list[str] = []
    for _ in range(limit):
        if backwards:
            press_chord(driver, Keys.SHIFT, Keys.TAB)
        else:
            press(driver, Keys.TAB)
        shown = focus_indicator(driver)
        if shown is None:
            path.append("(outside the page)")
            continue
        path.append(f"{shown['tag']} {shown['label'][:40]!r}")
        assert_focus_visible(driver, f"on the way to {what}")
        element = driver.switch_to.active_element
        if wanted(element):
            return element
    raise AssertionError(f"{what} was not reached in {limit} presses of {'Shift+' if backwards else ''}Tab; "
                         "focus went to:\n  " + "\n  ".join(path))
