"""The bundled tally app, run as a real server on a loopback port.

The app is built and started with the commands from its app.toml, from a copy of its source
tree, the way the grader does it. Browser tests use the Chromium that swelancer_env.browser finds.
"""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import shutil
import socket
import subprocess
import time
import tomllib
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

APP_ROOT = Path(__file__).resolve().parents[2] / "tasks" / "apps" / "tally"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tree_fingerprint(root: Path) -> dict[str, str]:
    """Every path under root with a hash of its content (folders included)."""
    result = {}
    for path in sorted(root.rglob("*")):
        relative = str(path.relative_to(root))
        result[relative] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "/"
    return result


def built_copy(dest: Path) -> Path:
    """A copy of the app's source at ``dest``, built with its app.toml's build command."""
    from swelancer_env.appdeps import build_env, prepare
    from swelancer_env.tasks.loader import load_app

    shutil.copytree(APP_ROOT, dest)
    config = tomllib.loads((APP_ROOT / "app.toml").read_text())
    env = build_env(prepare(load_app("tally")), dict(os.environ))
    subprocess.run(["bash", "-c", config["build"]], cwd=dest, env=env, check=True)
    return dest


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    return built_copy(tmp_path_factory.mktemp("tally") / "app")


class TallyServer:
    def __init__(self, data_dir: Path, tree: Path):
        self.tree = tree
        config = tomllib.loads((APP_ROOT / "app.toml").read_text())
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ready_path = config["ready_path"]
        self.command = shlex.split(config["start"].format(port=self.port, data_dir=data_dir))
        self.data_dir = data_dir
        self.proc: subprocess.Popen | None = None
        self.startup_seconds = 0.0

    def start(self, timeout: float = 15.0) -> TallyServer:
        started = time.monotonic()
        self.proc = subprocess.Popen(
            self.command,
            cwd=self.tree,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        while time.monotonic() - started < timeout:
            if self.proc.poll() is not None:
                output = self.proc.stdout.read().decode(errors="replace")
                raise RuntimeError(f"tally exited with {self.proc.returncode}:\n{output}")
            try:
                with urllib.request.urlopen(self.url + self.ready_path, timeout=1) as response:
                    if response.status == 200:
                        self.startup_seconds = time.monotonic() - started
                        return self
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.02)
        self.stop()
        raise RuntimeError("tally did not become ready in time")

    def stop(self) -> None:
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=5)
        if self.proc.stdout:
            self.proc.stdout.close()
        self.proc = None

    def request(self, method: str, path: str, body=None, token: str | None = None):
        """(status, parsed JSON body or text) for one request."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                status, raw, ctype = response.status, response.read(), response.headers
        except urllib.error.HTTPError as error:
            status, raw, ctype = error.code, error.read(), error.headers
        if "application/json" in ctype.get("Content-Type", ""):
            return status, json.loads(raw)
        return status, raw.decode(errors="replace")

    def login(self, who: str) -> str:
        status, body = self.request(
            "POST", "/api/login", {"email": f"{who}@tally.test", "password": "password"}
        )
        assert status == 200, body
        return body["token"]


@pytest.fixture(scope="module")
def server(tmp_path_factory, tree: Path) -> Iterator[TallyServer]:
    tally = TallyServer(tmp_path_factory.mktemp("tally-data"), tree).start()
    try:
        yield tally
    finally:
        tally.stop()


@pytest.fixture
def app(server: TallyServer) -> TallyServer:
    status, _ = server.request("POST", "/api/dev/reset")
    assert status == 200
    return server


@pytest.fixture
def alice(app: TallyServer) -> str:
    return app.login("alice")


@pytest.fixture
def bob(app: TallyServer) -> str:
    return app.login("bob")


@pytest.fixture
def carol(app: TallyServer) -> str:
    return app.login("carol")


def valid_expense(**changes) -> dict:
    expense = {
        "merchant": "Blue Bottle",
        "amount": 1250,
        "currency": "USD",
        "category_id": 2,
        "date": "2024-05-05",
        "description": "Coffee with a client",
    }
    expense.update(changes)
    return expense


# Server basics


def test_health(app):
    assert app.request("GET", "/api/health") == (200, {"ok": True})


def test_app_toml_has_the_harness_keys():
    config = tomllib.loads((APP_ROOT / "app.toml").read_text())
    assert config == {
        "name": "tally",
        "start": "python3 server/main.py --port {port} --data-dir {data_dir}",
        "ready_path": "/api/health",
        "build": config["build"],
        "start_during_build": True,  # the server reads frontend/dist per request only
        "clock_now": "2025-01-15T10:00:00Z",  # the server reads SWELANCER_NOW
    }
    assert config["build"].startswith("esbuild frontend/main.js --bundle ")
    assert "--outfile=frontend/dist/app.js" in config["build"]


def test_database_is_created_in_the_data_dir(server):
    assert (server.data_dir / "tally.db").is_file()


def test_login_returns_token_and_user(app):
    status, body = app.request(
        "POST", "/api/login", {"email": "Alice@Tally.test ", "password": "password"}
    )
    assert status == 200
    assert body["user"] == {"id": 1, "name": "Alice Admin", "email": "alice@tally.test"}
    status, me = app.request("GET", "/api/me", token=body["token"])
    assert status == 200
    assert me["user"]["id"] == 1
    assert [w["id"] for w in me["workspaces"]] == [1, 2]


def test_login_rejects_a_wrong_password(app):
    status, body = app.request(
        "POST", "/api/login", {"email": "alice@tally.test", "password": "nope"}
    )
    assert status == 401
    assert "error" in body


def test_api_needs_a_token(app):
    assert app.request("GET", "/api/workspaces")[0] == 401
    assert app.request("GET", "/api/workspaces", token="not-a-token")[0] == 401


def test_reset_restores_the_seed(app, alice):
    status, created = app.request(
        "POST", "/api/workspaces/1/reports", {"title": "Scratch"}, token=alice
    )
    assert status == 201
    status, _ = app.request(
        "POST", f"/api/reports/{created['id']}/expenses", valid_expense(), token=alice
    )
    assert status == 201

    assert app.request("POST", "/api/dev/reset")[0] == 200
    token = app.login("alice")
    assert app.request("GET", f"/api/reports/{created['id']}", token=token)[0] == 404
    status, report = app.request("GET", "/api/reports/1", token=token)
    assert status == 200
    assert report["title"] == "NYC client visit"
    assert report["total"] == 83050
    assert [e["id"] for e in report["expenses"]] == [1, 2, 3, 4]


def test_static_files_and_client_routes(app):
    status, html = app.request("GET", "/reports/1")
    assert status == 200 and '<div id="app">' in html
    assert 'src="/dist/app.js"' in html
    assert app.request("GET", "/search")[0] == 200
    with urllib.request.urlopen(app.url + "/lib/api.js") as response:
        assert response.headers["Content-Type"].startswith("text/javascript")
    assert app.request("GET", "/missing.js")[0] == 404
    assert app.request("GET", "/%2e%2e/app.toml")[0] == 404
    assert app.request("GET", "/api/nope")[0] == 404


def test_no_remote_urls_in_the_frontend():
    for path in (APP_ROOT / "frontend").rglob("*"):
        if path.suffix in (".html", ".js", ".css") and "vendor" not in path.parts:
            text = path.read_text()
            assert "cdn" not in text.lower() and "unpkg" not in text, path


# Money and splits


def test_split_of_ten_dollars_between_three_sums_exactly(app, alice):
    status, body = app.request(
        "POST",
        "/api/rooms/1/splits",
        {"amount": 1000, "currency": "USD", "description": "Pizza", "participant_ids": [1, 2, 4]},
        token=alice,
    )
    assert status == 201
    split = body["message"]["split"]
    shares = [p["share"] for p in split["participants"]]
    assert shares == [334, 333, 333]
    assert sum(shares) == 1000
    assert [p["id"] for p in split["participants"]] == [1, 2, 4]

    status, detail = app.request("GET", f"/api/splits/{split['id']}", token=alice)
    assert status == 200
    assert [p["share"] for p in detail["participants"]] == [334, 333, 333]


def test_seeded_splits(app, alice):
    expected = {1: (6400, 3), 2: (12500, 6), 3: (10000, 4)}
    for split_id, (amount, people) in expected.items():
        status, split = app.request("GET", f"/api/splits/{split_id}", token=alice)
        assert status == 200
        assert split["amount"] == amount
        assert len(split["participants"]) == people
        assert sum(p["share"] for p in split["participants"]) == amount


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"participant_ids": [1]}, "participant_ids"),
        ({"participant_ids": [1, 1]}, "participant_ids"),
        ({"participant_ids": [1, 8]}, "participant_ids"),
        ({"amount": 0}, "amount"),
        ({"amount": 10.5}, "amount"),
        ({"currency": "CAD"}, "currency"),
    ],
)
def test_split_validation(app, alice, payload, field):
    body = {"amount": 1000, "currency": "USD", "participant_ids": [1, 2], **payload}
    status, error = app.request("POST", "/api/rooms/1/splits", body, token=alice)
    assert status == 400
    assert error["field"] == field


def test_foreign_currency_expenses_are_converted_for_the_total(app, alice):
    status, report = app.request("GET", "/api/reports/3", token=alice)
    assert status == 200
    lufthansa = report["expenses"][0]
    assert (lufthansa["amount"], lufthansa["currency"]) == (58000, "EUR")
    assert lufthansa["converted_amount"] == 63800
    assert report["total"] == 113300
    assert report["currency"] == "USD"


# Validation


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"amount": 0}, "amount"),
        ({"amount": -100}, "amount"),
        ({"amount": 12.5}, "amount"),
        ({"amount": "1250"}, "amount"),
        ({"amount": True}, "amount"),
        ({"amount": 10_000_001}, "amount"),
        ({"merchant": "   "}, "merchant"),
        ({"merchant": "x" * 101}, "merchant"),
        ({"category_id": None}, "category_id"),
        ({"category_id": 5}, "category_id"),
        ({"category_id": 6}, "category_id"),
        ({"date": "05/01/2024"}, "date"),
        ({"date": "2024-02-30"}, "date"),
        ({"date": (date.today() + timedelta(days=2)).isoformat()}, "date"),
        ({"currency": "CAD"}, "currency"),
    ],
)
def test_expense_validation_errors(app, alice, changes, field):
    status, body = app.request(
        "POST", "/api/reports/1/expenses", valid_expense(**changes), token=alice
    )
    assert status == 400, body
    assert body["field"] == field
    assert body["error"]


def test_expense_validation_accepts_the_limits(app, alice):
    status, report = app.request(
        "POST",
        "/api/reports/1/expenses",
        valid_expense(
            amount=10_000_000, merchant="  " + "m" * 100 + "  ", date=date.today().isoformat()
        ),
        token=alice,
    )
    assert status == 201, report
    added = report["expenses"][-1]
    assert (added["merchant"], added["amount"]) == ("m" * 100, 10_000_000)


# Reports, receipts and permissions


def test_report_with_a_missing_receipt_cannot_be_submitted(app, alice):
    status, report = app.request("GET", "/api/reports/1", token=alice)
    violations = {e["id"]: e["violations"] for e in report["expenses"]}
    # $312.00 without a receipt is over the $75.00 threshold; $75.00 exactly is not.
    assert violations == {1: [], 2: [], 3: ["receipt_required"], 4: []}

    status, body = app.request("POST", "/api/reports/1/submit", token=alice)
    assert status == 400
    assert "The Standard Hotel" in body["error"]

    status, _ = app.request(
        "POST", "/api/expenses/3/receipt", {"filename": "standard.pdf"}, token=alice
    )
    assert status == 200
    status, report = app.request("POST", "/api/reports/1/submit", token=alice)
    assert status == 200
    assert report["status"] == "submitted"
    status, report = app.request("POST", "/api/reports/1/approve", token=alice)
    assert status == 200
    assert report["status"] == "approved"


def test_member_cannot_delete_a_category(app, bob, alice):
    status, body = app.request("DELETE", "/api/categories/5", token=bob)
    assert status == 403
    assert "error" in body
    status, body = app.request("DELETE", "/api/categories/5", token=alice)
    assert status == 200
    assert 5 not in [c["id"] for c in body["categories"]]


def test_auditor_can_view_but_not_change(app, carol):
    assert app.request("GET", "/api/reports/1", token=carol)[0] == 200
    assert app.request("POST", "/api/reports/3/approve", token=carol)[0] == 403
    assert app.request("PATCH", "/api/categories/1", {"enabled": False}, token=carol)[0] == 403
    assert app.request("PATCH", "/api/workspaces/1", {"name": "Mine"}, token=carol)[0] == 403
    assert app.request("POST", "/api/workspaces/1/reports", {"title": "x"}, token=carol)[0] == 403


def test_member_sees_only_own_reports_and_cannot_approve(app, bob):
    status, body = app.request("GET", "/api/workspaces/1/reports", token=bob)
    assert status == 200
    assert sorted(r["id"] for r in body["reports"]) == [2, 3, 5]
    assert app.request("GET", "/api/reports/1", token=bob)[0] == 404
    assert app.request("POST", "/api/reports/3/approve", token=bob)[0] == 403


def test_workspace_permissions_are_reported(app, alice, bob):
    _, workspace = app.request("GET", "/api/workspaces/1", token=alice)
    assert workspace["role"] == "admin"
    assert "categories.manage" in workspace["permissions"]
    _, workspace = app.request("GET", "/api/workspaces/1", token=bob)
    assert workspace["role"] == "member"
    assert "categories.manage" not in workspace["permissions"]


# Search


def test_search_is_case_insensitive(app, alice):
    results = [
        app.request("GET", f"/api/search?q={q}", token=alice)[1] for q in ("berlin", "BERLIN")
    ]
    for result in results:
        assert [r["id"] for r in result["reports"]] == [3]
        assert [e["id"] for e in result["expenses"]] == [8]
        assert [m["id"] for m in result["messages"]] == [7]
    _, accented = app.request("GET", "/api/search?q=CAF%C3%89", token=alice)
    assert [e["id"] for e in accented["expenses"]] == [6]


def test_search_only_returns_what_the_user_can_see(app, alice, bob):
    _, found = app.request("GET", "/api/search?q=standard", token=alice)
    assert [e["id"] for e in found["expenses"]] == [3]
    _, hidden = app.request("GET", "/api/search?q=standard", token=bob)
    assert hidden["expenses"] == []


# Tree


def test_running_the_app_writes_nothing_into_its_tree(tmp_path, tree):
    before = tree_fingerprint(tree)
    tally = TallyServer(tmp_path / "data", tree).start()
    try:
        token = tally.login("alice")
        tally.request("GET", "/api/reports/1", token=token)
        tally.request("POST", "/api/dev/reset")
        tally.request("GET", "/")
    finally:
        tally.stop()
    assert tree_fingerprint(tree) == before
    assert tally.startup_seconds < 10


# Browser


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    from swelancer_env.browser import launch_options

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(**launch_options())
        yield instance
        instance.close()


@pytest.mark.browser
def test_alice_reads_the_report_total(app, browser):
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(app.url + "/login")
        page.get_by_test_id("login-email").fill("alice@tally.test")
        page.get_by_test_id("login-password").fill("password")
        page.get_by_test_id("login-submit").click()
        expect(page.get_by_test_id("report-row-1")).to_be_visible()
        expect(page.get_by_test_id("report-amount-1")).to_have_text("$830.50")
        page.get_by_test_id("report-link-1").click()
        expect(page.get_by_test_id("report-total")).to_have_text("$830.50")
        expect(page.get_by_test_id("violation-3")).to_have_text("Receipt required")
        expect(page.get_by_test_id("violation-4")).to_have_count(0)
    finally:
        context.close()
    assert errors == []


@pytest.mark.browser
def test_split_card_shows_an_overflow_bubble(app, browser):
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        page.goto(app.url + "/rooms/1")
        page.get_by_test_id("login-email").fill("bob@tally.test")
        page.get_by_test_id("login-password").fill("password")
        page.get_by_test_id("login-submit").click()
        card = page.get_by_test_id("split-card-2")
        expect(card).to_contain_text("Split with 6 people")
        avatars = card.get_by_test_id("split-avatars")
        expect(avatars.locator(".avatar:not(.avatar-overflow)")).to_have_count(3)
        expect(avatars.get_by_test_id("split-avatars-overflow")).to_have_text("+3")
    finally:
        context.close()
