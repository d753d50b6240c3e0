"""A person's path through ``mfa-archive browse`` in headless Chromium (selenium).

Home page, a search for a word, the release page: its participants and a
highlighted statement must be on it. A screenshot of each page is saved and
its path printed (``MFA_SCREENSHOT_DIR`` chooses the folder; default: the
test's temporary folder). Needs Debian's ``chromium`` and ``chromium-driver``
(.ci/run installs them); without them the test is skipped with that reason,
unless ``MFA_TEST_BROWSER=required`` (CI) makes it fail.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.search_archive import EN_STATEMENT, RELEASES, store_archive
from tests.test_browse import free_port

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


def _need_browser() -> None:
    missing = []
    if CHROMIUM is None or CHROMEDRIVER is None:
        missing.append("Debian's chromium and chromium-driver (apt-get install chromium "
                       "chromium-driver; .ci/run installs them)")
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("selenium (pip install -e '.[dev]')")
    if not missing:
        return
    reason = "no headless browser: needs " + " and ".join(missing)
    if os.getenv("MFA_TEST_BROWSER") == "required":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture
def browse_url(tmp_path: Path) -> Iterator[str]:
    path = tmp_path / "archive.sqlite"
    store_archive(f"sqlite:///{path}")
    port = free_port()
    log = tmp_path / "browse.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "crawler.cli", "browse", "--port", str(port),
             "--db", f"sqlite:///{path}"], cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:  # poll until it answers
            if proc.poll() is not None:
                raise AssertionError(f"browse exited: {log.read_text()!r}")
            try:
                with urllib.request.urlopen(f"{base}/-/versions.json", timeout=5):
                    break
            except (urllib.error.URLError, ConnectionError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)


@pytest.fixture
def driver(tmp_path: Path) -> Iterator[Any]:
    _need_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--window-size=1400,1000",
                 f"--user-data-dir={tmp_path / 'chromium-profile'}"):
        options.add_argument(flag)
    browser = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    try:
        yield browser
    finally:
        browser.quit()


def test_search_then_read_a_release(browse_url: str, driver: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    shots = Path(os.getenv("MFA_SCREENSHOT_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    wait = WebDriverWait(driver, 30)

    def screenshot(name: str) -> None:
        path = shots / f"browse-{name}.png"
        driver.save_screenshot(str(path))
        assert path.stat().st_size > 0
        print(f"screenshot: {path}")

    driver.get(browse_url + "/")
    box = wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "input[name=q]")))
    first = [a.text for a in driver.find_elements(By.CSS_SELECTOR, "#first a")]
    assert first[:4] == ["meetings", "participants", "statements", "persons"]
    screenshot("1-home")

    box.send_keys("corridor")
    box.submit()
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "#hits .hit")))
    marks = [m.text for m in driver.find_elements(By.CSS_SELECTOR, "#hits mark")]
    assert marks == ["corridor"]
    hits = driver.find_elements(By.CSS_SELECTOR, "#hits .hit")
    assert len(hits) == 1 and "Ivan Sample" in hits[0].text
    screenshot("2-search")

    driver.find_element(By.CSS_SELECTOR, "#hits a.release-link").click()
    wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "div.release")))
    assert driver.find_element(By.TAG_NAME, "h1").text == RELEASES[0].title
    participants = [li.text for li in driver.find_elements(By.CSS_SELECTOR, "ul.participants li")]
    assert participants == [
        "Anna Example person 1: Minister of Foreign Affairs, AZ (host)",
        "Ivan Sample person 2: Ambassador of Belarus, BY (guest)"]
    statement = driver.find_element(By.CSS_SELECTOR, "#text mark.statement")
    assert statement.text == f"S1{EN_STATEMENT}"
    background = statement.value_of_css_property("background-color")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")  # it is highlighted
    screenshot("3-release")
