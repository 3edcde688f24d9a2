"""`cd4ml-tui serve` in a real browser: the system's headless Chromium driven by Playwright.

The page's terminal draws on a canvas, so what the page shows is read from what it receives:
every websocket frame the page gets is replayed into a `pyte` terminal of the page's size, and
its screen is the page's text. Keys are typed into the page as a user types them. Expected
numbers come from the core (`compare`, `markdown`), computed apart from the browser.

Skipped only when there is no `chromium` on PATH (`apt-get install chromium`; `.ci/run` installs
it). `make screenshots` sets CD4ML_BROWSER_REPO (a demo repo to serve instead of the `demo_repo`
fixture, only read) and CD4ML_BROWSER_PNG (where to keep the page's screenshot of its compare
screen, README's screenshots/browser.png); otherwise the PNG goes to the test's tmp folder.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pyte
import pytest
from playwright.sync_api import BrowserContext, Page, WebSocket, sync_playwright

from cd4ml_tui.core.api import (
    choose_baseline,
    compare,
    list_revisions,
    markdown,
    open_repo,
    read_values,
    resolve_revision,
)
from cd4ml_tui.core.compare.report import format_delta
from cd4ml_tui.core.config import load_settings
from tests.serve_support import STARTUP_LIMIT_SECONDS, serving

CHROMIUM = shutil.which("chromium")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="no system Chromium on PATH: `apt-get install chromium` (.ci/run installs it)",
    ),
]

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 800}


class PageTerminal:
    """The page's terminal, rebuilt from the websocket frames the page receives."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.screen: pyte.Screen | None = None
        self.stream: pyte.ByteStream | None = None
        self.texts: list[Any] = []  # the JSON (text) frames: pong, open_url, deliver_file_start
        self.seen: list[str] = []  # every screen text, in order, for "never showed" checks
        page.on("websocket", self._attach)

    def _attach(self, websocket: WebSocket) -> None:
        if not websocket.url.split("?")[0].endswith("/ws"):
            return
        query = parse_qs(urlparse(websocket.url).query)
        self.screen = pyte.Screen(int(query["width"][0]), int(query["height"][0]))
        self.stream = pyte.ByteStream(self.screen)
        websocket.on("framereceived", self._received)
        websocket.on("framesent", self._sent)

    def _received(self, payload: str | bytes) -> None:
        if isinstance(payload, bytes):
            assert self.stream is not None
            self.stream.feed(payload)
        else:
            self.texts.append(json.loads(payload))

    def _sent(self, payload: str | bytes) -> None:
        if isinstance(payload, str) and self.screen is not None:
            message = json.loads(payload)
            if message[0] == "resize":
                self.screen.resize(message[1]["height"], message[1]["width"])

    @property
    def text(self) -> str:
        return "" if self.screen is None else "\n".join(self.screen.display)

    def wait_for(self, condition: Callable[[str], bool], what: str) -> str:
        """Let the page run until its screen satisfies `condition` (a generous limit)."""
        deadline = time.monotonic() + STARTUP_LIMIT_SECONDS
        while True:
            self.page.wait_for_timeout(100)  # the page and its websocket run meanwhile
            text = self.text
            if not self.seen or self.seen[-1] != text:
                self.seen.append(text)
            if condition(text):
                return text
            if time.monotonic() > deadline:
                raise AssertionError(f"the page never showed {what}; it shows:\n{text}")

    def line_with(self, needle: str) -> str:
        return next(line for line in self.text.splitlines() if needle in line)

    def press(self, *keys: str) -> None:
        for key in keys:
            self.page.keyboard.press(key)


@contextmanager
def chromium(tmp_path: Path) -> Iterator[BrowserContext]:
    """The system Chromium, headless, with a fresh profile; no browser is downloaded."""
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_ARGS,
            viewport=VIEWPORT,  # type: ignore[arg-type]
            accept_downloads=True,
        )
        try:
            yield context
        finally:
            context.close()


def open_tab(context: BrowserContext, url: str) -> PageTerminal:
    """A new tab on the served app, once the revisions table has its rows."""
    page = context.new_page()
    terminal = PageTerminal(page)
    page.goto(url, wait_until="domcontentloaded")
    terminal.wait_for(lambda text: "workspace" in text and "revisions" in text, "the table")
    terminal.wait_for(lambda text: "reading" not in text, "the table read")
    page.focus(".xterm-helper-textarea")  # where xterm takes the keyboard
    return terminal


def expected_comparison(repo_path: Path, label: str) -> tuple[Any, str, str]:
    """What `c` on the single marked row `label` compares, computed by the core alone."""
    with open_repo(repo_path) as repo:
        revisions = list_revisions(repo)
        head = resolve_revision(repo, label, revisions)
        settings = load_settings(repo.root)
        base, _ = choose_baseline(repo, [head], settings.baseline, revisions)
        base_values, head_values = read_values(repo, [base, head])
        return compare(base_values, [head_values], settings), base.label, head.label


@pytest.fixture
def shown_repo(request: pytest.FixtureRequest) -> Path:
    """CD4ML_BROWSER_REPO when set (`make screenshots`), else the `demo_repo` fixture."""
    chosen = os.environ.get("CD4ML_BROWSER_REPO")
    return Path(chosen) if chosen else Path(request.getfixturevalue("demo_repo"))


def test_j_space_c_shows_the_deltas_and_m_downloads_the_report(
    shown_repo: Path, tmp_path: Path
) -> None:
    with serving(shown_repo) as served, chromium(tmp_path) as context:
        terminal = open_tab(context, served.url)
        terminal.press("j", "Space", "c")
        text = terminal.wait_for(lambda text: "against ◆" in text, "the compare screen")
        comparison, base_label, head_label = expected_comparison(shown_repo, "main")
        assert head_label == "main"
        assert f"1 revision(s) against ◆ {base_label}" in text
        changed = [row for row in comparison.metrics if row.changed]
        assert changed, "the demo's main must differ from its parent"
        for row in changed:
            delta = format_delta(row.cells[0])
            assert delta and delta in terminal.line_with(f" {row.column.key} "), row.column
        png = Path(os.environ.get("CD4ML_BROWSER_PNG") or tmp_path / "browser.png")
        terminal.page.screenshot(path=str(png))
        assert png.read_bytes().startswith(b"\x89PNG")

        with terminal.page.expect_download() as download_info:
            terminal.press("m")
        download = download_info.value
        report = Path(download.path()).read_text(encoding="utf-8")
        assert download.suggested_filename.endswith(".md")
        assert report == markdown(comparison, base_label, ["main"], False, 4)
        assert any(message[0] == "deliver_file_start" for message in terminal.texts)

        with terminal.page.expect_download() as download_info:
            terminal.press("Control+s")
        screenshot = download_info.value
        assert screenshot.suggested_filename.endswith(".svg")
        svg = Path(screenshot.path()).read_text(encoding="utf-8")
        assert svg.lstrip().startswith("<svg") and "Markdown" in svg  # the compare footer


def test_each_tab_is_its_own_app_and_refreshes_live_and_w_opens_a_link(
    demo_copy: Path, tmp_path: Path
) -> None:
    origin = "git@github.com:example/demo.git"
    subprocess.run(["git", "remote", "add", "origin", origin], cwd=demo_copy, check=True)
    main_sha = subprocess.run(
        ["git", "rev-parse", "main"], cwd=demo_copy, capture_output=True, text=True, check=True
    ).stdout.strip()
    with serving(demo_copy) as served, chromium(tmp_path) as context:
        context.route(lambda url: not url.startswith(served.url), lambda route: route.abort())
        first, second = open_tab(context, served.url), open_tab(context, served.url)
        first.press("j", "Space")  # marks a row in the first tab only
        first.wait_for(lambda text: "1 marked" in text, "the mark")
        assert "marked" not in second.text
        first.press("k", "w")  # back up to main (space moved down): its commit's web page
        first.wait_for(lambda _: any(m[0] == "open_url" for m in first.texts), "a link opened")
        opened = [message[1] for message in first.texts if message[0] == "open_url"]
        assert opened == [
            {"url": f"https://github.com/example/demo/commit/{main_sha}", "new_tab": True}
        ]
        subprocess.run(["git", "tag", "in-browser"], cwd=demo_copy, check=True)
        for tab in (first, second):
            tab.wait_for(lambda text: "in-browser" in text, "the new tag")
            assert "Tags (2)" in tab.text


def test_read_only_refuses_p(demo_copy: Path, tmp_path: Path) -> None:
    tags = subprocess.run(["git", "tag"], cwd=demo_copy, capture_output=True, text=True).stdout
    with serving(demo_copy, "--read-only") as served, chromium(tmp_path) as context:
        terminal = open_tab(context, served.url)
        text = terminal.wait_for(lambda text: "Compare" in text.splitlines()[-1], "the footer")
        footer = text.splitlines()[-1]
        assert footer.strip().startswith("READ ONLY") and "Promote" not in footer
        terminal.press("j", "j", "p", "?")  # p on an experiment, then help
        text = terminal.wait_for(lambda text: "Keys: Main" in text, "the help screen")
        assert "Compare" in text and "Promote" not in text and "Undo promote" not in text
        assert not any("Promote " in seen for seen in terminal.seen), "a promote dialog opened"
    after = subprocess.run(["git", "tag"], cwd=demo_copy, capture_output=True, text=True).stdout
    assert after == tags
