"""The pytest plugin that hidden tests run under (``pytest -p swelancer_env.grading.plugin``).

Self-contained (standard library, pytest and Playwright only) so that it can be copied into a
grading container. The grader sets:

- ``SWELANCER_APP_URL``: where the app under test listens (or ``SWELANCER_APP_URL_FILE``: a
  file the harness writes that address into once the app answers, waited for at most
  ``SWELANCER_APP_WAIT_S`` seconds);
- ``SWELANCER_CHROMIUM``: the Chromium executable (optional);
- ``SWELANCER_NOW`` and ``SWELANCER_TIMEZONE``: the task's clock (an ISO instant and an IANA
  zone; optional): every context's pages start at that instant (their clock then advances
  normally) in that zone, so that no verdict depends on the date of the run;
- ``SWELANCER_INFRA_FILE``: where to write why the browser could not start, so that the grader
  reports an infrastructure error instead of an earned 0.

Fixtures: ``app_url``, ``browser``, ``page`` (a fresh context per test at 1280 × 800),
``login`` (logs ``page`` in through the login form), ``api`` (a JSON client), ``now`` and
``today`` (the task's clock, as the app reads it). The app's data is
reset (``POST /api/dev/reset``) before every test.

Started as ``python -c 'import swelancer_grading_plugin as p; p.run_when_told()' ARGS`` (the
grader's warm start), it starts Playwright and Chromium first, then waits for one line on stdin
(JSON: ``{"app_wait_s": ..., "now": ..., "timezone": ..., "extra_args": [...]}``) and only then runs ``pytest ARGS``: the harness can start it before
a grading and hand it the tests when they are in place (EOF instead of the line: it ends).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

# the same flags as swelancer_env.browser.discovery.CHROMIUM_ARGS (a test keeps them equal):
# this file imports nothing of the package so that it can run inside a grading container
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    # WebRTC may not send UDP past the proxy rules: a page cannot reach the host's services
    "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
]
PASSWORD = "password"
#: the most of one answer of the app's that a test reads (the app is the agent's code: an
#: answer of gigabytes fails the test, it does not take the grader's memory)
MAX_ANSWER_BYTES = 16 << 20


def only_origin_args(port: int) -> list[str]:
    """As ``swelancer_env.sandbox.browser_box.only_origin_args`` (a test keeps them equal)."""
    return [
        "--proxy-server=http://127.0.0.1:9",
        f"--proxy-bypass-list=<-loopback>;127.0.0.1:{port}",
    ]


def _chromium_args() -> list[str]:
    """The flags, and with ``SWELANCER_APP_PORT`` every other origin sent to no proxy."""
    port = os.environ.get("SWELANCER_APP_PORT", "")
    return CHROMIUM_ARGS + (only_origin_args(int(port)) if port.isdigit() else [])


def foreign_url_pattern(base_url: str) -> re.Pattern[str]:
    """URLs of any origin but the app's (as ``swelancer_env.browser.worker``'s)."""
    origin = re.escape(base_url.rstrip("/"))
    return re.compile(rf"^(?!{origin}(?:[/?#]|$))(?:https?|wss?|ftp)://")


def _infra_error(message: str) -> None:
    path = os.environ.get("SWELANCER_INFRA_FILE")
    if path:
        with open(path, "a", encoding="utf-8") as f:
            f.write(message + "\n")


@pytest.fixture(scope="session")
def app_url() -> str:
    url = os.environ.get("SWELANCER_APP_URL") or _url_from_file()
    if not url:
        _infra_error("neither SWELANCER_APP_URL nor SWELANCER_APP_URL_FILE is set")
        pytest.exit("SWELANCER_APP_URL is not set", returncode=3)
    return url.rstrip("/")


def _url_from_file() -> str:
    """The app's address from ``$SWELANCER_APP_URL_FILE``, once the harness has written it
    there (the app starts while pytest and Chromium do)."""
    path = os.environ.get("SWELANCER_APP_URL_FILE")
    if not path:
        return ""
    deadline = time.monotonic() + float(os.environ.get("SWELANCER_APP_WAIT_S", "120"))
    while True:
        try:
            with open(path, encoding="utf-8") as f:
                text = f.read()
        except FileNotFoundError:
            text = ""
        if text.endswith("\n"):  # written whole (a line)
            break
        if time.monotonic() > deadline:
            _infra_error(f"the harness did not give the app's address in {path} in time")
            pytest.exit("no app address", returncode=3)
        time.sleep(0.01)
    if not text.startswith("http"):  # the app did not start: the harness says why, not us
        pytest.exit("the app did not start", returncode=4)
    return text.strip()


def _read_bounded(resp: Any) -> bytes:
    """An answer of the app's, failing the test (not the grader) past ``MAX_ANSWER_BYTES``."""
    raw = resp.read(MAX_ANSWER_BYTES + 1)
    if len(raw) > MAX_ANSWER_BYTES:
        raise AssertionError(
            f"the app answered {resp.geturl()} with more than {MAX_ANSWER_BYTES >> 20} MiB"
        )
    return raw


class Api:
    """A small JSON client for the app's API."""

    def __init__(self, base: str):
        self.base = base
        self.token: str | None = None

    def request(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method)
        req.add_header("Content-Type", "application/json")
        if self.token:
            req.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                status, raw = resp.status, _read_bounded(resp)
        except urllib.error.HTTPError as e:
            status, raw = e.code, _read_bounded(e)
        try:
            return status, json.loads(raw) if raw else None
        except json.JSONDecodeError:
            return status, raw.decode(errors="replace")

    def get(self, path: str) -> tuple[int, Any]:
        return self.request("GET", path)

    def post(self, path: str, body: Any = None) -> tuple[int, Any]:
        return self.request("POST", path, body if body is not None else {})

    def put(self, path: str, body: Any = None) -> tuple[int, Any]:
        return self.request("PUT", path, body if body is not None else {})

    def patch(self, path: str, body: Any = None) -> tuple[int, Any]:
        return self.request("PATCH", path, body if body is not None else {})

    def delete(self, path: str) -> tuple[int, Any]:
        return self.request("DELETE", path)

    def login(self, email: str, password: str = PASSWORD) -> Any:
        status, body = self.post("/api/login", {"email": email, "password": password})
        if status != 200:
            raise AssertionError(f"login as {email} failed: {status} {body}")
        self.token = body["token"]
        return body["user"]


@pytest.fixture(autouse=True)
def _reset_app(request: pytest.FixtureRequest) -> None:
    if "page" in request.fixturenames:
        request.getfixturevalue("browser")  # Chromium starts while the app may still start
    app_url = request.getfixturevalue("app_url")
    status, body = Api(app_url).post("/api/dev/reset")
    if status != 200:
        raise AssertionError(f"POST /api/dev/reset answered {status}: {body}")


@pytest.fixture
def api(app_url: str) -> Api:
    return Api(app_url)


def _start_browser(report: bool = True) -> tuple[Any, Any]:
    """Playwright and its Chromium (``report``: write why either could not start)."""
    from playwright.sync_api import sync_playwright

    try:
        pw = sync_playwright().start()
    except Exception as e:  # noqa: BLE001 - any failure here is the harness's
        if report:
            _infra_error(f"Playwright could not start: {e}")
        raise
    try:
        executable = os.environ.get("SWELANCER_CHROMIUM") or None
        return pw, pw.chromium.launch(executable_path=executable, args=_chromium_args())
    except Exception as e:  # noqa: BLE001
        if report:
            _infra_error(f"Chromium could not start: {e}")
        pw.stop()
        raise


#: Playwright and Chromium started by :func:`run_when_told` before pytest
_prestarted: tuple[Any, Any] | None = None


def run_when_told(args: list[str] | None = None) -> int:
    """Start Playwright and Chromium, wait for the harness's line on stdin, then run pytest with
    ``args`` (default: ``sys.argv[1:]``) and return its exit code; EOF first: return 0 at once.

    The line is JSON; ``app_wait_s`` sets ``SWELANCER_APP_WAIT_S`` (the task's own limit),
    ``now``, ``now_at`` and ``timezone`` set ``SWELANCER_NOW``, ``SWELANCER_NOW_AT`` and
    ``SWELANCER_TIMEZONE`` (and ``TZ``).
    """
    global _prestarted
    args = sys.argv[1:] if args is None else args
    try:
        _prestarted = _start_browser(report=False)
    except Exception:  # noqa: BLE001 - the browser fixture tries again, and tells why
        _prestarted = None
    line = sys.stdin.readline()
    if not line.strip():
        return 0
    settings = json.loads(line)
    # the app's regression tests chosen for this grading (node ids), after the hidden tests
    args = [*args, *[str(a) for a in settings.get("extra_args", [])]]
    if "app_wait_s" in settings:
        os.environ["SWELANCER_APP_WAIT_S"] = str(float(settings["app_wait_s"]))
    for key, name in (
        ("now", "SWELANCER_NOW"),
        ("now_at", "SWELANCER_NOW_AT"),
        ("timezone", "SWELANCER_TIMEZONE"),
    ):
        if settings.get(key):
            os.environ[name] = str(settings[key])
    if settings.get("timezone"):  # the tests' own clock reads the task's zone too
        os.environ["TZ"] = str(settings["timezone"])
        with contextlib.suppress(AttributeError):
            time.tzset()
    # this module is imported already, so pytest cannot rewrite its asserts (it has none)
    return int(pytest.main(["-W", "ignore::pytest.PytestAssertRewriteWarning", *args]))


def task_now() -> Any:
    """The current instant on the task's clock (aware, UTC): ``$SWELANCER_NOW`` advanced by
    the real time since ``$SWELANCER_NOW_AT``, else the real clock. The app's server and the
    pages read the same clock."""
    from datetime import UTC, datetime, timedelta

    pinned = os.environ.get("SWELANCER_NOW")
    if not pinned:
        return datetime.now(UTC)
    start = datetime.fromisoformat(pinned.replace("Z", "+00:00"))
    at = float(os.environ.get("SWELANCER_NOW_AT") or time.time())
    return start + timedelta(seconds=time.time() - at)


@pytest.fixture
def now() -> Callable[[], Any]:
    """``now()``: the current instant on the task's clock (see :func:`task_now`). A test that
    needs today's date uses it (or ``today``), never the host's clock."""
    return task_now


@pytest.fixture
def today() -> Any:
    """Today's date on the task's clock, in the task's time zone."""
    return task_now().astimezone().date()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    global _prestarted
    if _prestarted is not None:
        pw, browser = _prestarted
        _prestarted = None
    else:
        pw, browser = _start_browser()
    try:
        yield browser
        browser.close()
    finally:
        pw.stop()


#: the page's ``Date`` shifted to the task's instant (``%d``: the offset in ms): it starts there
#: and advances with the real clock. Not Playwright's ``clock.install``: its fake timers swallow
#: an error thrown in a timer callback (no ``pageerror``), which a test or the report may need.
PINNED_DATE_JS = """(() => {
  const offset = %d;
  const Real = Date;
  const now = () => Real.now() + offset;
  function Date_(...args) {
    if (!new.target) return new Real(now()).toString();
    return Reflect.construct(Real, args.length ? args : [now()], new.target);
  }
  Object.defineProperties(Date_, Object.getOwnPropertyDescriptors(Real));
  Date_.now = now;
  Real.prototype.constructor = Date_;
  globalThis.Date = Date_;
})();"""


def pinned_date_script(now_iso: str, now_at: float | None = None) -> str:
    """The init script that puts a context's ``Date`` on the clock that read ``now_iso`` (an
    ISO instant) at the real time ``now_at`` (default: now)."""
    from datetime import datetime

    start = datetime.fromisoformat(now_iso.replace("Z", "+00:00")).timestamp()
    return PINNED_DATE_JS % round((start - (now_at or time.time())) * 1000)


def pin_clock(context: Any) -> None:
    """Put ``context``'s clock on the task's (:func:`task_now`: where ``$SWELANCER_NOW`` has
    advanced to by now, as the app's has; see ``swelancer_env.browser.worker``)."""
    now = os.environ.get("SWELANCER_NOW")
    if now:
        at = os.environ.get("SWELANCER_NOW_AT")
        context.add_init_script(pinned_date_script(now, float(at) if at else None))


def new_context(browser: Any, **options: Any) -> Any:
    """A context of ``browser`` in the task's time zone, its clock at the task's instant."""
    # Chromium starts in UTC (the harness launches it with TZ=UTC): another zone is an
    # override, and a UTC task's test may still set one of its own (one per page is allowed)
    zone = os.environ.get("SWELANCER_TIMEZONE")
    override = {"timezone_id": zone} if zone and zone != "UTC" else {}
    context = browser.new_context(**override, **options)
    pin_clock(context)
    return context


@pytest.fixture
def page(browser: Any, app_url: str) -> Iterator[Any]:
    context = new_context(
        browser, viewport={"width": 1280, "height": 800}, base_url=app_url, service_workers="block"
    )
    # the page runs the agent's code: it reaches the app's origin and nothing else
    pattern = foreign_url_pattern(app_url)
    context.route(pattern, lambda route: route.abort("blockedbyclient"))
    with contextlib.suppress(AttributeError):
        context.route_web_socket(pattern, lambda ws: ws.close())
    context.set_default_timeout(5000)
    page = context.new_page()
    yield page
    context.close()


def _on(page: Any, path: str) -> bool:
    """Whether ``page`` shows ``path``, with its query."""
    wanted, got = urlsplit(path), urlsplit(page.url)
    return (got.path, got.query) == (wanted.path, wanted.query)


@pytest.fixture
def login(page: Any, app_url: str) -> Callable[..., Any]:
    """``login(email, path="/")`` opens ``path`` signed out, logs in through the login form the
    app shows there and returns the page, on ``path``: one page load, not two."""

    def _login(email: str, password: str = PASSWORD, path: str = "/") -> Any:
        if not path.startswith("/"):
            raise ValueError(
                f"login(path=...) takes a path on the app such as '/rooms/1', not {path!r}"
            )
        page.goto(app_url + path)
        page.get_by_test_id("login-email").fill(email)
        page.get_by_test_id("login-password").fill(password)
        page.get_by_test_id("login-submit").click()
        page.get_by_test_id("login-submit").wait_for(state="detached")
        if not _on(page, path):  # the app did not bring the user back there (a query lost)
            page.goto(app_url + path)
        return page

    return _login
