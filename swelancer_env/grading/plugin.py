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

A failing ``expect`` stops early once the page has settled (see :class:`SettlingExpect`).

Fixtures: ``app_url``, ``browser``, ``page`` (a fresh context per test at 1280 × 800),
``login`` (logs ``page`` in through the login form), ``api`` (a JSON client), ``now`` and
``today`` (the task's clock, as the app reads it). The app's data is
reset (``POST /api/dev/reset``) before every test.

Started as ``python -c 'import swelancer_grading_plugin as p; p.run_when_told()' ARGS`` (the
grader's warm start), it starts Playwright and Chromium first (with
``SWELANCER_WARM_BROWSER=0``: later, for the first test that needs a page), then waits for one
line on stdin
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
import weakref
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


#: whether a test of this run needs a page (set once the tests are collected)
_run_needs_browser = False


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    global _run_needs_browser
    _run_needs_browser = any(
        {"page", "browser"} & set(getattr(item, "fixturenames", ())) for item in items
    )


def _app_not_up_yet() -> bool:
    """Whether the harness is still starting the app (its address not yet in the file)."""
    if os.environ.get("SWELANCER_APP_URL"):
        return False
    path = os.environ.get("SWELANCER_APP_URL_FILE")
    return path is not None and not os.path.exists(path)


@pytest.fixture(autouse=True)
def _reset_app(request: pytest.FixtureRequest) -> None:
    # Chromium starts while the app may still start: for a test that needs a page, or for an
    # API test that would wait for the app anyway when a later test of the run needs a page
    if {"page", "browser"} & set(request.fixturenames) or (
        _run_needs_browser and _app_not_up_yet()
    ):
        request.getfixturevalue("browser")
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


def _try_start_browser() -> tuple[Any, Any] | None:
    try:
        return _start_browser(report=False)
    except Exception:  # noqa: BLE001 - the browser fixture tries again, and tells why
        return None


def run_when_told(args: list[str] | None = None) -> int:
    """Start Playwright and Chromium, wait for the harness's line on stdin, then run pytest with
    ``args`` (default: ``sys.argv[1:]``) and return its exit code; EOF first: return 0 at once.

    With ``SWELANCER_WARM_BROWSER=0`` only Python, pytest and Playwright's module are loaded
    while it waits (about 40 MB instead of 250: Playwright's driver and Chromium are the rest);
    they start with the first test that needs a page, or while the app starts if any test of
    the run needs one (so that they start while the harness starts the app), never for a run
    whose tests use the API only.

    The line is JSON; ``app_wait_s`` sets ``SWELANCER_APP_WAIT_S`` (the task's own limit),
    ``now``, ``now_at`` and ``timezone`` set ``SWELANCER_NOW``, ``SWELANCER_NOW_AT`` and
    ``SWELANCER_TIMEZONE`` (and ``TZ``).
    """
    global _prestarted
    args = sys.argv[1:] if args is None else args
    warm_browser = os.environ.get("SWELANCER_WARM_BROWSER", "1") != "0"
    if warm_browser:
        _prestarted = _try_start_browser()
    else:
        import playwright.sync_api  # noqa: F401 - loaded while it waits; started when told
    line = sys.stdin.readline()
    if not line.strip():
        return 0
    settings = json.loads(line)
    # the app's regression tests chosen for this grading (node ids), after the hidden tests
    args = [*args, *[str(a) for a in settings.get("extra_args", [])]]
    # false: Playwright's own waits (see SettlingExpect)
    os.environ["SWELANCER_SETTLE"] = "1" if settings.get("settle", True) else "0"
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
    watch_settling(context)
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


# -- a failing expect stops once the page has settled ----------------------------------------------

#: how long nothing may happen on a page before a failing assertion stops waiting
SETTLE_QUIET_S = 0.5
#: how long each try of an assertion polls before the page is looked at again
SETTLE_SLICE_MS = 250

#: the page's side of "settled" (an init script): ``__swelancerSettle(horizonMs)`` is how long
#: nothing has changed in the document, or -1 while something may still change it before the
#: horizon: a timer or an interval due by then, an animation frame or idle callback asked for,
#: a running animation or transition, a document still loading, a fetch or XHR of the page's
#: own still open (or its answer still being read), a MessageChannel message not yet handled
#: (React schedules its renders and effects so). All network traffic is counted by the harness too (:class:`_Traffic`), which
#: sees every request, scripts and images included, but learns of one a moment after it starts.
SETTLE_JS = """(() => {
  if (window.__swelancerSettle) return;
  const w = window, clock = () => performance.now();
  let last = clock();
  const touch = () => { last = clock(); };
  const timers = new Map(), intervals = new Map(), frames = new Set(), idles = new Set();
  const st = w.setTimeout, ct = w.clearTimeout, si = w.setInterval, ci = w.clearInterval;
  const raf = w.requestAnimationFrame, caf = w.cancelAnimationFrame;
  const ric = w.requestIdleCallback, cic = w.cancelIdleCallback;
  const forget = (id) => { timers.delete(id); intervals.delete(id); };
  w.setTimeout = function (fn, ms, ...args) {
    if (typeof fn !== 'function') return st.call(w, fn, ms, ...args);
    const id = st.call(w, function () { timers.delete(id); touch(); return fn.apply(w, arguments); }, ms, ...args);
    timers.set(id, clock() + Math.max(0, Number(ms) || 0));
    return id;
  };
  w.setInterval = function (fn, ms, ...args) {
    if (typeof fn !== 'function') return si.call(w, fn, ms, ...args);
    const id = si.call(w, function () { touch(); return fn.apply(w, arguments); }, ms, ...args);
    intervals.set(id, Math.max(0, Number(ms) || 0));
    return id;
  };
  w.clearTimeout = function (id) { forget(id); return ct.call(w, id); };
  w.clearInterval = function (id) { forget(id); return ci.call(w, id); };
  w.requestAnimationFrame = function (fn) {
    const id = raf.call(w, function (t) { frames.delete(id); touch(); return fn(t); });
    frames.add(id);
    return id;
  };
  w.cancelAnimationFrame = function (id) { frames.delete(id); return caf.call(w, id); };
  if (ric) {
    w.requestIdleCallback = function (fn, opts) {
      const id = ric.call(w, function (d) { idles.delete(id); touch(); return fn(d); }, opts);
      idles.add(id);
      return id;
    };
    w.cancelIdleCallback = function (id) { idles.delete(id); return cic.call(w, id); };
  }
  // requests the page's code made, seen as it makes them (the harness's count of the traffic
  // learns of a request a moment later)
  let fetching = 0;
  const settle = () => { fetching--; touch(); };
  const realFetch = w.fetch;
  if (realFetch) {
    w.fetch = function (...args) {
      fetching++;
      touch();
      try {
        const p = realFetch.apply(this, args);
        p.then(settle, settle);
        return p;
      } catch (e) { settle(); throw e; }
    };
  }
  // and reading an answer's body (the fetch settles at its headers; the page waits for more)
  const R = w.Response && w.Response.prototype;
  for (const name of ['json', 'text', 'arrayBuffer', 'blob', 'formData']) {
    const read = R && R[name];
    if (!read) continue;
    R[name] = function (...args) {
      fetching++;
      touch();
      try {
        const p = read.apply(this, args);
        p.then(settle, settle);
        return p;
      } catch (e) { settle(); throw e; }
    };
  }
  const send = w.XMLHttpRequest && w.XMLHttpRequest.prototype.send;
  if (send) {
    w.XMLHttpRequest.prototype.send = function (...args) {
      fetching++;
      touch();
      this.addEventListener('loadend', settle, {once: true});
      try { return send.apply(this, args); } catch (e) { settle(); throw e; }
    };
  }
  // work a page schedules through a MessageChannel (React's scheduler: renders and effects)
  let posted = 0;
  const MC = w.MessageChannel;
  if (MC) {
    w.MessageChannel = function () {
      const channel = new MC();
      for (const [from, to] of [[channel.port1, channel.port2], [channel.port2, channel.port1]]) {
        const post = from.postMessage;
        from.postMessage = function (...args) { posted++; return post.apply(this, args); };
        to.addEventListener('message', () => { posted = Math.max(0, posted - 1); touch(); });
      }
      return channel;
    };
  }
  new MutationObserver(touch).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
  w.__swelancerSettle = (horizon) => {
    const until = clock() + horizon;
    if (document.readyState !== 'complete' || frames.size || idles.size || fetching > 0 || posted > 0) return -1;
    for (const due of timers.values()) if (due <= until) return -1;
    for (const every of intervals.values()) if (every <= horizon) return -1;
    if (document.getAnimations && document.getAnimations().some((a) => a.playState === 'running')) return -1;
    return clock() - last;
  };
})();"""


class _Traffic:
    """A context's requests and WebSockets in flight, and when the last one began or ended."""

    def __init__(self) -> None:
        self.requests: set[Any] = set()
        self.sockets = 0
        self.last = time.monotonic()

    def begin(self, request: Any) -> None:
        self.requests.add(request)
        self.last = time.monotonic()

    def end(self, request: Any) -> None:
        self.requests.discard(request)
        self.last = time.monotonic()

    def socket(self, ws: Any) -> None:
        self.sockets += 1
        self.last = time.monotonic()

        def closed(*_: Any) -> None:
            self.sockets -= 1
            self.last = time.monotonic()

        ws.on("close", closed)

    def quiet_for(self) -> float:
        """Seconds since the last request or socket began or ended (0 while one is open)."""
        if self.requests or self.sockets:
            return 0.0
        return time.monotonic() - self.last


#: the traffic of every context :func:`watch_settling` watches, by Playwright's own object
_traffic: weakref.WeakKeyDictionary[Any, _Traffic] = weakref.WeakKeyDictionary()


def watch_settling(context: Any) -> None:
    """Let a failing ``expect`` on ``context``'s pages stop once the page has settled. A
    context the test makes itself (``browser.new_context()``) is not watched: its assertions
    wait their whole timeout, as Playwright's do."""
    traffic = _traffic.setdefault(context._impl_obj, _Traffic())
    context.add_init_script(SETTLE_JS)
    context.on("request", traffic.begin)
    context.on("requestfinished", traffic.end)
    context.on("requestfailed", traffic.end)
    context.on("page", lambda page: page.on("websocket", traffic.socket))


def settled_for(page: Any, horizon_s: float) -> float:
    """How long ``page`` has been settled: nothing loading, no socket open, nothing due in the
    next ``horizon_s`` that could change it, no change in its document; 0 when it is not
    settled or cannot tell (a page of a context nobody watches, one with frames, one that is
    navigating)."""
    traffic = _traffic.get(page.context._impl_obj)
    if traffic is None or len(page.frames) != 1:
        return 0.0
    network = traffic.quiet_for()
    if network <= 0:
        return 0.0
    from playwright.sync_api import Error

    try:
        quiet_ms = page.evaluate(
            "(h) => window.__swelancerSettle ? window.__swelancerSettle(h) : -1",
            horizon_s * 1000,
        )
    except Error:  # navigating, closed: not settled
        return 0.0
    if not isinstance(quiet_ms, (int, float)) or quiet_ms < 0:
        return 0.0
    return min(network, quiet_ms / 1000)


class _SettlingAssertions:
    """Playwright's assertions on a page or a locator, each of which, left at its default
    timeout, stops failing early once the page has settled for :data:`SETTLE_QUIET_S`."""

    def __init__(self, assertions: Any, page: Any, timeout_ms: float) -> None:
        self._assertions = assertions
        self._page = page
        self._timeout_ms = timeout_ms

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._assertions, name)
        if not (name.startswith(("to_", "not_to_")) and callable(method)):
            return method
        return lambda *args, **kwargs: self._settling(method, args, kwargs)

    def _settling(self, method: Callable[..., Any], args: Any, kwargs: dict[str, Any]) -> Any:
        if kwargs.get("timeout") is not None:  # a test's own timeout is kept whole
            return method(*args, **kwargs)
        kwargs.pop("timeout", None)
        return until_settled(
            self._page,
            self._timeout_ms,
            lambda slice_ms: method(*args, **kwargs, timeout=slice_ms),
            AssertionError,
        )


def until_settled(
    page: Any, total_ms: float, attempt: Callable[[float], Any], fails: Any, call: str = ""
) -> Any:
    """``attempt(slice_ms)`` again until it returns, for ``total_ms`` in all; an error of type
    ``fails`` is raised at the end of that time, or as soon as ``page`` has settled for
    :data:`SETTLE_QUIET_S`, saying so (``call``: the ``Locator`` method the error names, in
    place of the slice's own timeout)."""
    start = time.monotonic()
    deadline = start + total_ms / 1000
    seen = 0  # checks in a row that found the page settled
    while True:
        left = deadline - time.monotonic()
        try:
            return attempt(max(1.0, min(SETTLE_SLICE_MS, left * 1000)))
        except fails as err:
            left = deadline - time.monotonic()
            if left <= 0:
                raise
            # settled twice in a row, a try apart: a page its machine starved of CPU looks
            # quiet until it runs again, and then what it had queued shows before the second
            seen = seen + 1 if settled_for(page, left) >= SETTLE_QUIET_S else 0
            if seen >= 2:
                why = (
                    f"stopped after {time.monotonic() - start:.1f} s of {total_ms / 1000:g}: "
                    f"the page had settled: nothing loading, no timer or animation due, no "
                    f"change for {SETTLE_QUIET_S:g} s"
                )
                text = str(err.args[0]) if err.args else ""
                head = re.match(r"Locator\.\w+: Timeout [\d.]+ms exceeded\.", text)
                if call and head:
                    text = f"Locator.{call}: {why}." + text[head.end() :]
                else:
                    text = f"{text}\n({why})"
                err.args = (text, *err.args[1:])
                if hasattr(err, "_message"):  # Playwright's errors keep their text apart
                    err._message = text
                raise


#: Locator methods that wait for their element, and how a settling wait tries them before the
#: action: ``visible`` or ``attached`` (a wait for the element's state), ``trial`` (a wait for
#: it to be visible, then, only while it is disabled, Playwright's own dry runs of the action:
#: its checks without the action; a dry run on every action would cost a grading about a
#: second), ``read`` (they change nothing: tried again as they are)
SETTLING_ACTIONS = {
    "click": "trial", "dblclick": "trial", "check": "trial", "uncheck": "trial",
    "set_checked": "trial", "hover": "trial", "tap": "trial",
    "fill": "visible", "select_option": "visible", "clear": "visible",
    "press": "attached",
    "wait_for": "read", "inner_text": "read", "text_content": "read", "input_value": "read",
    "get_attribute": "read", "inner_html": "read",
}  # fmt: skip


def _settling_action(name: str, how: str, original: Callable[..., Any]) -> Callable[..., Any]:
    """``Locator.<name>``, whose wait for its element stops once a watched page has settled
    (the action itself then runs as Playwright's, with the time left)."""

    def action(self: Any, *args: Any, **kwargs: Any) -> Any:
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        page = self.page
        if (
            kwargs.get("timeout") is not None
            or kwargs.get("trial")
            or kwargs.get("force")
            or page.context._impl_obj not in _traffic
        ):
            return original(self, *args, **kwargs)
        try:  # the page's default timeout (a test may have set its own)
            total_ms = float(page._impl_obj._timeout_settings.timeout(None))
        except (AttributeError, TypeError):  # another Playwright: its own waits
            return original(self, *args, **kwargs)
        kwargs.pop("timeout", None)
        if how == "read":
            return until_settled(
                page, total_ms, lambda ms: original(self, *args, **kwargs, timeout=ms),
                PlaywrightTimeout, name,
            )  # fmt: skip
        deadline = time.monotonic() + total_ms / 1000
        state = "attached" if how == "attached" else "visible"
        until_settled(
            page, total_ms, lambda ms: self.wait_for(state=state, timeout=ms), PlaywrightTimeout,
            name,
        )  # fmt: skip
        left_ms = lambda: max(1.0, (deadline - time.monotonic()) * 1000)  # noqa: E731
        if how == "trial" and not _enabled(self):  # a disabled button: dry runs until it is not
            until_settled(
                page, left_ms(),
                lambda ms: original(self, *args, **kwargs, trial=True, timeout=ms),
                PlaywrightTimeout, name,
            )  # fmt: skip
        return original(self, *args, **kwargs, timeout=left_ms())

    action.__name__ = action.__qualname__ = name
    action.__doc__ = original.__doc__
    action._swelancer_settling = True  # type: ignore[attr-defined]
    return action


def _enabled(locator: Any) -> bool:
    """Whether ``locator``'s element is enabled now (true when that cannot be told: the action
    itself then says what is wrong)."""
    from playwright.sync_api import Error

    try:
        return bool(locator.is_enabled(timeout=SETTLE_SLICE_MS))
    except Error:
        return True


def _settle_locators() -> None:
    """Give ``Locator``'s waiting methods the settling wait (once per process)."""
    from playwright.sync_api import Locator

    for name, how in SETTLING_ACTIONS.items():
        original = getattr(Locator, name, None)
        if original is not None and not getattr(original, "_swelancer_settling", False):
            setattr(Locator, name, _settling_action(name, how, original))


def _settling_expect_class() -> type:
    from playwright.sync_api import Expect, Locator, Page

    class SettlingExpect(Expect):  # type: ignore[misc]
        """Playwright's ``expect``, whose failing assertions on a watched page stop waiting once
        the page has settled (nothing loading, no timer, animation or frame due before the
        timeout, no change in the document for :data:`SETTLE_QUIET_S`) instead of polling to
        the end of the timeout: an assertion that still fails then would fail at the end too,
        unless something outside the page's timers, traffic and animations changes it. A test's
        own ``timeout=`` is kept whole. It cannot make an assertion pass: an app that fakes
        being settled only fails its own tests sooner."""

        def _dispatch(self, actual: Any, message: Any, is_soft: bool) -> Any:
            assertions = super()._dispatch(actual, message, is_soft)
            page = actual if isinstance(actual, Page) else None
            if isinstance(actual, Locator):
                page = actual.page
            if page is None or is_soft:
                return assertions
            return _SettlingAssertions(assertions, page, self._timeout or 5000)

    return SettlingExpect


def pytest_configure(config: pytest.Config) -> None:
    """Put the settling ``expect`` where the hidden tests import it from (before they do), and
    give ``Locator``'s waits the same early stop."""
    if os.environ.get("SWELANCER_SETTLE") == "0":
        return
    try:
        import playwright.sync_api as api
    except ImportError:  # a run without Playwright (API tests only)
        return
    if type(api.expect).__name__ != "SettlingExpect":
        api.expect = _settling_expect_class()()
    _settle_locators()
