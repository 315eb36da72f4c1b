"""A real server over a real store, and a real headless Chromium driving it.

The store is built once per session from ../shared/corpus/origin (through the normal
ingest path; skipped when the corpus is absent) plus the sample and hostile documents of
tests/web/sample.py. The server is uvicorn in a subprocess on a free loopback port,
started by the fixture, exactly as `normwatch serve` runs it. Chromium runs headless with
everything that would reach the network switched off (a closed network makes it hang
otherwise) and a throwaway profile. Screenshots go to test-artifacts/ (gitignored).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, shared_path

ARTIFACTS = ROOT / "test-artifacts" / "browser"
CHROMIUM = os.environ.get("NORMWATCH_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("NORMWATCH_CHROMEDRIVER", "/usr/bin/chromedriver")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _ingest_origin(url: str, origin: Path) -> str:
    """Ingest the origin corpus the way the CLI does; returns how it went.

    "ingest" is the full pipeline. While the extraction stages are still being built in
    this tree the pipeline may refuse to start; then the documents are stored cleaned but
    without facts ("clean"), or as raw text ("bare") when even cleaning is unavailable, so
    the page tests still run over the real texts.
    """
    from normwatch.errors import NormwatchError
    from normwatch.settings import Settings
    from normwatch.store import Store

    store = Store(url)
    try:
        for how, extract in (("ingest", True), ("clean", False)):
            try:
                from normwatch.ingest import ingest

                ingest([str(origin)], store, Settings.load(db=url, extract=extract))
                return how
            except (ImportError, NormwatchError):
                continue
        from normwatch.model import Document, Meta

        for p in sorted(origin.glob("*.txt")):
            text = p.read_text(encoding="utf-8")
            title = next((ln.strip() for ln in text.splitlines() if len(ln.strip()) > 30), p.name)[:200]
            store.add_document(Document(text, source=str(p), meta=Meta(title=title)))
        return "bare"
    finally:
        store.close()


@pytest.fixture(scope="session")
def store_url(tmp_path_factory) -> str:
    origin = shared_path("corpus", "origin")
    from tests.web import sample

    url = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'store.db'}"
    _ingest_origin(url, origin)
    sample.build(url)
    return url


@pytest.fixture(scope="session")
def server(store_url) -> str:
    port = free_port()
    env = {**os.environ, "NORMWATCH_DB": store_url}
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "normwatch.web.app:app_from_env", "--factory", "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "warning"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out = proc.stdout.read().decode("utf-8", "replace") if proc.stdout else ""
            pytest.fail(f"server exited early: {out[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail("server did not start within 20 s")
    yield base
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def browser():
    webdriver = pytest.importorskip("selenium.webdriver")
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.skip("chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)")
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="nw-chromium-")
    opts = Options()
    opts.binary_location = CHROMIUM
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                f"--user-data-dir={profile}", "--window-size=1280,900"):
        opts.add_argument(arg)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=opts)
    driver.set_page_load_timeout(20)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def shot(browser):
    """Save a screenshot of the current page as test-artifacts/browser/<name>.png."""

    def take(name: str) -> Path:
        p = ARTIFACTS / f"{name}.png"
        browser.save_screenshot(str(p))
        return p

    return take
