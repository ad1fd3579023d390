"""Headless Chromium, offline (see the package's docstring)."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# The browsers looked for on PATH when ARCHIVER_CHROMIUM is empty, in this order.
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# Pages drawn at once: each costs a renderer process.
PARALLEL_PAGES = 2


class BrowserUnavailable(Exception):
    """No browser to draw with; the message says why, in a line."""


@dataclass(frozen=True)
class Resource:
    content_type: str
    body: bytes


def find_chromium(setting: str) -> str:
    """The Chromium to use (``ARCHIVER_CHROMIUM``: a path, empty to look on PATH, ``none``)."""
    if setting.strip().lower() == "none":
        raise BrowserUnavailable("pictures and exhibits are off (ARCHIVER_CHROMIUM=none)")
    if setting:
        if os.access(setting, os.X_OK):
            return setting
        raise BrowserUnavailable(f"ARCHIVER_CHROMIUM={setting} is not an executable browser")
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    raise BrowserUnavailable(
        "no browser found (install Debian's chromium, or set ARCHIVER_CHROMIUM to one)"
    )


class Renderer:
    """One headless Chromium for a run: ``async with Renderer(path) as r: await r.picture(…)``."""

    def __init__(self, executable: str):
        self.executable = executable
        self._playwright: Any = None
        self._browser: Any = None
        self._slots = asyncio.Semaphore(PARALLEL_PAGES)
        # Pages kept for the whole run and navigated again for each drawing: a new context and
        # page for each cost three times the drawing itself (0.45 s against 0.15 s a picture,
        # measured). Routing answers every request and disables the HTTP cache, so nothing of
        # one drawing can show in the next.
        self._idle: list[_Tab] = []

    async def __aenter__(self) -> Renderer:
        try:
            from playwright.async_api import async_playwright
        except ImportError:
            raise BrowserUnavailable(
                "Playwright is not installed (pip install playwright)"
            ) from None
        try:
            self._playwright = await async_playwright().start()
            self._browser = await self._playwright.chromium.launch(
                executable_path=self.executable,
                args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
            )
        except Exception as exc:  # Playwright's launch errors are of many kinds
            await self._stop()
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise BrowserUnavailable(f"{self.executable} did not start: {first[:200]}") from None
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._stop()

    async def _stop(self) -> None:
        self._idle.clear()
        try:
            if self._browser is not None:
                await self._browser.close()
        finally:
            if self._playwright is not None:
                await self._playwright.stop()
            self._browser = self._playwright = None

    async def picture(
        self, url: str, html: bytes, resources: Mapping[str, Resource], width: int = 680
    ) -> bytes:
        """A PNG of the whole page ``html``, as if served at ``url``."""
        async with self._page(url, html, resources, width) as page:
            return bytes(await page.screenshot(full_page=True, type="png"))

    async def pdf(self, url: str, html: bytes, resources: Mapping[str, Resource]) -> bytes:
        """The page ``html`` printed to an A4 PDF (Chromium's print-to-PDF)."""
        async with self._page(url, html, resources, 800) as page:
            return bytes(
                await page.pdf(
                    format="A4",
                    print_background=True,
                    margin={"top": "16mm", "bottom": "16mm", "left": "14mm", "right": "14mm"},
                )
            )

    def _page(self, url: str, html: bytes, resources: Mapping[str, Resource], width: int):
        return _OfflinePage(self, url, html, resources, width)


@dataclass
class _Tab:
    """A page kept open, and what its route answers for the drawing in progress."""

    context: Any
    page: Any
    answers: dict[str, Resource]


class _OfflinePage:
    """A page whose only answers are the HTML and the resources given; nothing else loads."""

    def __init__(
        self,
        renderer: Renderer,
        url: str,
        html: bytes,
        resources: Mapping[str, Resource],
        width: int,
    ):
        self._renderer = renderer
        self._url = url
        self._answers = {url: Resource("text/html; charset=utf-8", html), **resources}
        self._width = width
        self._tab: _Tab | None = None

    async def __aenter__(self):
        renderer = self._renderer
        await renderer._slots.acquire()
        try:
            tab = renderer._idle.pop() if renderer._idle else await self._open()
            self._tab = tab
            tab.answers = self._answers
            await tab.page.set_viewport_size({"width": self._width, "height": 600})
            await tab.page.goto(self._url, wait_until="load", timeout=30_000)
            return tab.page
        except BaseException:
            await self._close(keep=False)
            raise

    async def __aexit__(self, exc_type: object, *exc: object) -> None:
        await self._close(keep=exc_type is None)

    async def _open(self) -> _Tab:
        context = await self._renderer._browser.new_context(
            viewport={"width": self._width, "height": 600},
            java_script_enabled=False,
            offline=False,  # requests reach the route below, which answers them all
        )
        tab = _Tab(context, await context.new_page(), {})

        async def answer(route) -> None:
            found = tab.answers.get(route.request.url)
            if found is None:
                await route.abort("blockedbyclient")
                return
            await route.fulfill(status=200, content_type=found.content_type, body=found.body)

        await tab.page.route("**/*", answer)
        return tab

    async def _close(self, keep: bool) -> None:
        tab, self._tab = self._tab, None
        try:
            if tab is not None:
                tab.answers = {}
                if keep:
                    self._renderer._idle.append(tab)
                else:  # a drawing that failed may leave the page in any state: not reused
                    await tab.context.close()
        finally:
            self._renderer._slots.release()
