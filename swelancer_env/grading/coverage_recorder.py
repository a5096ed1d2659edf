"""The pytest plugin of a coverage recording (``-p swelancer_env.grading.coverage_recorder``).

Loaded beside the grading plugin for :func:`swelancer_env.grading.coverage.record` only: for
each test, it tells the app's line tracer where the test starts and ends (``SIGUSR2``, see
:mod:`~swelancer_env.grading.line_tracer` and ``v8_tracer.js``), and takes Chromium's block coverage of every page
the test opens (before each navigation and before the page or its context closes: a new
document drops the old one's counts). It writes ``OUT/<n>.json`` per test: its id, seconds and
the raw coverage of each script; ``OUT`` is ``$SWELANCER_COVERAGE_DIR``. The server's lines
count from the end of the test's setup: the data's reset before every test is no test's.
"""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

_OUT = Path(os.environ.get("SWELANCER_COVERAGE_DIR", "."))
#: the pages followed in the running test, with their CDP sessions
_pages: list[tuple[Any, Any]] = []
#: the scripts' coverage taken in the running test: (url, functions)
_taken: list[tuple[str, list[dict]]] = []


def _take(page: Any) -> None:
    for p, cdp in _pages:
        if p is page:
            try:
                result = cdp.send("Profiler.takePreciseCoverage")["result"]
            except Exception:  # noqa: BLE001 - the page is gone: nothing more to take
                return
            _taken.extend((s["url"], s["functions"]) for s in result if s["url"])


def _follow(page: Any) -> Any:
    cdp = page.context.new_cdp_session(page)
    cdp.send("Profiler.enable")
    cdp.send("Profiler.startPreciseCoverage", {"callCount": True, "detailed": True})
    _pages.append((page, cdp))
    return page


def _wrap(cls: type, name: str, before: Any = None, after: Any = None) -> None:
    original = getattr(cls, name)

    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        if before is not None:
            before(self)
        result = original(self, *args, **kwargs)
        return after(result) if after is not None else result

    setattr(cls, name, wrapper)


_wrap(BrowserContext, "new_page", after=_follow)
_wrap(Browser, "new_page", after=_follow)
for _name in ("goto", "reload", "close"):
    _wrap(Page, _name, before=_take)


def _take_all(context: Any) -> None:
    for page in context.pages:
        _take(page)


_wrap(BrowserContext, "close", before=_take_all)


def _server(label: str) -> None:
    """Have the app's line tracer write the lines run since the last call as ``label``."""
    pid_file = _OUT / "server.pid"
    if not pid_file.is_file():
        return
    (_OUT / "label").write_text(label)
    os.kill(int(pid_file.read_text()), signal.SIGUSR2)
    deadline = time.monotonic() + 10
    while not (_OUT / f"{label}.done").exists():
        if time.monotonic() > deadline:
            raise RuntimeError(f"the app's line tracer did not answer for {label}")
        time.sleep(0.005)


_count = 0


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    yield
    # what the server ran for the fixtures (the data's reset before every test) is no test's
    _server(f"setup-{_count}")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: Any) -> Iterator[None]:
    global _count
    _count += 1
    _server(f"before-{_count}")  # what ran between tests is no test's
    _pages.clear()
    _taken.clear()
    started = time.perf_counter()
    yield
    seconds = time.perf_counter() - started
    for page, _cdp in list(_pages):
        _take(page)
    _server(str(_count))
    record = {"id": item.nodeid, "seconds": round(seconds, 3), "scripts": _taken}
    (_OUT / f"{_count}.json").write_text(json.dumps(record))
