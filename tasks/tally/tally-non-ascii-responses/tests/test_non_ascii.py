# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""API answers are complete whatever characters they hold: accents, currency symbols, emoji."""

import http.client
import json
from urllib.parse import urlsplit

from playwright.sync_api import expect

PIZZA = "Lunch at Café Rouge 🍕 anyone?"


def raw_get(app_url, path, token):
    """Status, declared length and body bytes of a GET, read to the end of the connection."""
    url = urlsplit(app_url)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    conn.request("GET", path, headers={"Authorization": f"Bearer {token}", "Connection": "close"})
    response = conn.getresponse()
    declared = int(response.getheader("Content-Length"))
    body = response.read()
    conn.close()
    return response.status, declared, body


def test_api_answers_are_complete(api, app_url):
    api.login("bob@tally.test")
    status, report = api.get("/api/reports/2")
    assert status == 200 and isinstance(report, dict), f"cut-off JSON: {report!r}"
    assert [e["merchant"] for e in report["expenses"]] == ["Staples", "Café Rouge", "Amazon"]

    status, body = api.post("/api/rooms/1/messages", {"body": PIZZA})
    assert status == 201 and isinstance(body, dict), f"cut-off JSON: {body!r}"
    assert body["message"]["body"] == PIZZA
    status, body = api.get("/api/rooms/1/messages")
    assert status == 200 and isinstance(body, dict), f"cut-off JSON: {body!r}"
    assert body["messages"][-1]["body"] == PIZZA

    status, declared, raw = raw_get(app_url, "/api/rooms/1/messages", api.token)
    assert status == 200
    assert declared == len(raw), f"Content-Length {declared}, body {len(raw)} bytes"
    assert json.loads(raw)["messages"][-1]["body"] == PIZZA

    status, found = api.get("/api/search?q=caf%C3%A9")
    assert status == 200 and isinstance(found, dict), f"cut-off JSON: {found!r}"
    assert [e["id"] for e in found["expenses"]] == [6], found

    api.login("henri@tally.test")
    status, error = api.post(
        "/api/reports/6/expenses",
        {
            "merchant": "Galeries Lafayette",
            "amount": 20_000_000,
            "currency": "EUR",
            "category_id": 9,
            "date": "2024-05-01",
            "description": "",
        },
    )
    assert status == 400 and isinstance(error, dict), f"cut-off JSON: {error!r}"
    assert error["field"] == "amount" and "€100,000.00" in error["error"], error


def test_report_with_an_accent_opens(login):
    page = login("bob@tally.test", path="/reports/2")
    expect(page.get_by_test_id("report-title")).to_have_text("Q2 office supplies")
    expect(page.get_by_test_id("expense-merchant-6")).to_have_text("Café Rouge")
    expect(page.get_by_test_id("report-total")).to_have_text("$194.73")


def test_room_with_emoji_works(login, api):
    api.login("alice@tally.test")
    status, body = api.post("/api/rooms/1/messages", {"body": PIZZA})
    assert status == 201, body
    page = login("bob@tally.test", path="/rooms/1")
    messages = page.get_by_test_id("messages")
    expect(messages.get_by_text(PIZZA)).to_have_count(1)
    expect(page.get_by_test_id("message-6")).to_be_visible()
    expect(page.get_by_test_id("chat-error")).to_have_count(0)

    composer = page.get_by_test_id("composer-input")
    composer.fill("Count me in ☕ — Bob")
    composer.press("Enter")
    expect(composer).to_have_value("")
    expect(messages.get_by_text("Count me in ☕ — Bob")).to_have_count(1)
    expect(page.get_by_test_id("composer-error")).to_have_count(0)
