"""A failing ``expect`` of the grading plugin stops once the page has settled, and never sooner:
what a timer, a request, a script still loading or an interval would bring still passes."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from swelancer_env.grading import plugin

pytestmark = pytest.mark.browser

#: a page that adds ``#late`` (and removes ``#early``) after what its name says, about 2 s
SCRIPTS = {
    "/never": "",
    "/timer": "setTimeout(late, 2000);",
    "/fetch": "fetch('/slow').then(() => late());",
    "/script": (
        "const s = document.createElement('script'); s.src = '/slow.js';"
        " document.head.appendChild(s);"
    ),
    "/interval": "let n = 0; setInterval(() => { if (++n === 3) late(); }, 700);",
    "/frames": "const t0 = performance.now(); (function f() {"
    " performance.now() - t0 > 2000 ? late() : requestAnimationFrame(f); })();",
}
#: a page whose ``#go`` button is disabled, and enabled after ``?after=`` a timer (or never)
BUTTON = """<!doctype html><html><body><button id="go" disabled
onclick="document.body.insertAdjacentHTML('beforeend', '<p id=clicked>clicked</p>')">Go</button>
<input id="box" onkeydown="this.dataset.key = event.key"><script>
const after = new URLSearchParams(location.search).get('after');
if (after) setTimeout(() => { document.getElementById('go').disabled = false; }, Number(after));
</script></body></html>"""
PAGE = """<!doctype html><html><body><p id="early">early</p><script>
function late() {
  document.getElementById('early')?.remove();
  const p = document.createElement('p'); p.id = 'late'; p.textContent = 'late';
  document.body.appendChild(p);
}
%s
</script></body></html>"""


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *a: Any) -> None:
        pass

    def do_GET(self) -> None:
        if self.path in ("/slow", "/slow.js"):
            time.sleep(2.0)
            body, kind = ("late();" if self.path == "/slow.js" else "{}"), "text/javascript"
        elif self.path.startswith("/button"):
            body, kind = BUTTON, "text/html"
        else:
            body, kind = PAGE % SCRIPTS.get(self.path, ""), "text/html"
        data = body.encode()
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    from swelancer_env.browser.discovery import launch_options

    with sync_playwright() as p:
        b = p.chromium.launch(**launch_options())  # type: ignore[arg-type]
        yield b
        b.close()


@pytest.fixture
def expect() -> Any:
    return plugin._settling_expect_class()()


@pytest.fixture
def settling_locators() -> Iterator[None]:
    """``Locator``'s waits made settling, as the plugin does in a grading (undone after)."""
    from playwright.sync_api import Locator

    before = {name: Locator.__dict__[name] for name in plugin.SETTLING_ACTIONS}
    plugin._settle_locators()
    yield
    for name, method in before.items():
        setattr(Locator, name, method)


@pytest.fixture
def page(browser: Any, site: str) -> Iterator[Any]:
    context = plugin.new_context(browser, base_url=site)  # watched, as the page fixture's
    yield context.new_page()
    context.close()


def timed(call: Any) -> tuple[float, BaseException | None]:
    start = time.monotonic()
    try:
        call()
    except AssertionError as e:
        return time.monotonic() - start, e
    return time.monotonic() - start, None


def test_an_assertion_that_cannot_pass_stops_once_the_page_has_settled(page, expect) -> None:
    page.goto("/never")
    took, error = timed(lambda: expect(page.locator("#late")).to_be_visible())
    assert error is not None and took < 2.5, took  # not Playwright's 5 s
    assert "the page had settled" in str(error) and "Locator expected to be visible" in str(error)
    took, error = timed(lambda: expect(page.locator("#early")).not_to_be_visible())
    assert error is not None and took < 2.5, took
    took, error = timed(lambda: expect(page).to_have_title("something else"))
    assert error is not None and took < 2.5, took


@pytest.mark.parametrize("path", [p for p in SCRIPTS if p != "/never"])
def test_what_the_page_still_waits_for_is_waited_for(page, expect, path: str) -> None:
    page.goto(path)
    expect(page.locator("#late")).to_be_visible()
    page.goto(path)
    expect(page.locator("#early")).not_to_be_visible()


def test_a_tests_own_timeout_is_kept_whole(page, expect) -> None:
    page.goto("/never")
    took, error = timed(lambda: expect(page.locator("#late")).to_be_visible(timeout=3000))
    assert error is not None and took >= 3.0, took


def test_a_context_the_test_made_itself_waits_the_whole_timeout(browser, site, expect) -> None:
    context = browser.new_context(base_url=site)  # not through the plugin: not watched
    try:
        page = context.new_page()
        page.goto("/never")
        expect.set_options(timeout=2000)
        took, error = timed(lambda: expect(page.locator("#late")).to_be_visible())
        assert error is not None and took >= 2.0, took
    finally:
        context.close()


@pytest.mark.usefixtures("settling_locators")
def test_an_action_on_what_never_comes_stops_once_the_page_has_settled(page) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.set_default_timeout(5000)
    page.goto("/button")  # disabled for good
    for act in (
        lambda: page.locator("#go").click(),
        lambda: page.locator("#missing").fill("x"),
        lambda: page.locator("#missing").inner_text(),
        lambda: page.locator("#missing").wait_for(),
    ):
        start = time.monotonic()
        with pytest.raises(PlaywrightTimeout, match="the page had settled") as raised:
            act()
        assert re.match(
            r"Locator\.(click|fill|inner_text|wait_for): stopped after", raised.value.message
        )
        assert time.monotonic() - start < 2.5
    assert page.locator("#clicked").count() == 0


@pytest.mark.usefixtures("settling_locators")
def test_an_action_waits_for_what_a_timer_brings_and_acts_once(page) -> None:
    page.set_default_timeout(5000)
    page.goto("/button?after=2000")
    page.locator("#go").click()
    assert page.locator("#clicked").count() == 1  # the trial runs did not click
    page.locator("#box").press("Enter")
    assert page.locator("#box").get_attribute("data-key") == "Enter"


@pytest.mark.usefixtures("settling_locators")
def test_a_longer_default_timeout_of_the_tests_own_is_kept(page) -> None:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.set_default_timeout(8000)
    page.goto("/button?after=6000")  # a timer past the fixture's 5 s
    page.locator("#go").click()
    assert page.locator("#clicked").count() == 1
    page.goto("/button")
    with pytest.raises(PlaywrightTimeout):
        page.locator("#go").click(timeout=1500)  # its own timeout: Playwright's, whole


def test_the_hidden_tests_import_the_settling_expect() -> None:
    import playwright.sync_api as api
    from playwright.sync_api import Locator

    # the plugin is not loaded in this session: configure it as pytest would
    before = api.expect
    methods = {name: Locator.__dict__[name] for name in plugin.SETTLING_ACTIONS}
    try:
        plugin.pytest_configure(None)  # type: ignore[arg-type]
        from playwright.sync_api import expect

        assert type(expect).__name__ == "SettlingExpect"
        assert getattr(Locator.click, "_swelancer_settling", False)
    finally:
        api.expect = before
        for name, method in methods.items():
            setattr(Locator, name, method)
