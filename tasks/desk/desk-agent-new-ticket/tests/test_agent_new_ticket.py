# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""Agents and admins create tickets for customers (requester, priority, assignee, tags), in the
API and with the New ticket form; customers' requests stay as they were."""

import re
from datetime import UTC, datetime, timedelta

from playwright.sync_api import expect

CUSTOMERS = [  # sorted by name
    (4, "Carla Gómez", "carla@desk.test", "Brightside Bakery"),
    (5, "Dmitri Ivanov", "dmitri@desk.test", "Ivanov Logistics"),
    (6, "Erin Walsh", "erin@desk.test", "Walsh & Co"),
    (7, "Felix Novak", "felix@desk.test", ""),
]


def at(text):
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def due_after(ticket, hours):
    """Whether the ticket is due ``hours`` after it was created (to the minute)."""
    elapsed = at(ticket["due_at"]) - at(ticket["created_at"])
    return abs(elapsed - timedelta(hours=hours)) < timedelta(minutes=1)


def view_ids(api, view_id):
    status, body = api.get(f"/api/tickets?view={view_id}")
    assert status == 200, body
    return {ticket["id"] for ticket in body["tickets"]}


def ticket_count(api):
    api.login("sam@desk.test")
    return len(view_ids(api, "all"))


def test_api_agent_creates_tickets_for_customers(api):
    api.login("sam@desk.test")
    status, created = api.post("/api/tickets", {
        "subject": "Invoice sent to the old address again",
        "body": "Dmitri called: the May invoice went to Bremen again.",
        "requester_id": 5,
        "priority": "urgent",
        "assignee_id": 3,
        "tags": ["Billing", "phone", "billing"],
    })
    assert status == 201, created
    assert created["requester"]["id"] == 5 and created["requester"]["name"] == "Dmitri Ivanov", created
    assert created["status"] == "open" and created["priority"] == "urgent", created
    assert created["assignee"] == {"id": 3, "name": "Priya Patel"}, created
    assert created["tags"] == ["billing", "phone"], created
    assert created["body"] == "Dmitri called: the May invoice went to Bremen again.", created
    assert due_after(created, 4), created
    ticket_id = created["id"]
    status, again = api.get(f"/api/tickets/{ticket_id}")
    assert status == 200 and again["requester"]["id"] == 5 and again["tags"] == ["billing", "phone"], again

    status, plain = api.post("/api/tickets", {"subject": "Password help", "body": "Felix called.", "requester_id": 7})
    assert status == 201, plain
    assert plain["priority"] == "normal" and plain["assignee"] is None and plain["tags"] == [], plain
    assert due_after(plain, 24), plain

    api.login("ada@desk.test")
    status, body = api.patch("/api/settings", {"default_assignee_id": 2})
    assert status == 200, body
    status, defaulted = api.post("/api/tickets", {"subject": "Refund status", "body": "Carla called.", "requester_id": 4})
    assert status == 201, defaulted
    assert defaulted["assignee"] == {"id": 2, "name": "Sam Sato"}, defaulted
    assert defaulted["requester"]["id"] == 4, defaulted

    api.login("priya@desk.test")
    assert ticket_id in view_ids(api, "mine")
    api.login("dmitri@desk.test")
    assert ticket_id in view_ids(api, "requests")
    status, seen = api.get(f"/api/tickets/{ticket_id}")
    assert status == 200 and seen["requester"]["id"] == 5, seen

    api.login("ada@desk.test")
    status, body = api.get("/api/customers")
    assert status == 200, body
    assert [(c["id"], c["name"], c["email"], c["organization"]) for c in body["customers"]] == CUSTOMERS


def test_api_rules_for_new_tickets(api):
    before = ticket_count(api)
    valid = {"subject": "Printer offline", "body": "Called in by phone.", "requester_id": 6}
    for changes, field in [
        ({"requester_id": None}, "requester_id"),
        ({"requester_id": 2}, "requester_id"),
        ({"requester_id": 99}, "requester_id"),
        ({"priority": "asap"}, "priority"),
        ({"assignee_id": 4}, "assignee_id"),
        ({"tags": ["not valid!"]}, "tags"),
        ({"subject": "   "}, "subject"),
        ({"body": ""}, "body"),
    ]:
        status, body = api.post("/api/tickets", {**valid, **changes})
        assert status == 400, (changes, status, body)
        assert isinstance(body, dict) and body.get("field") == field, (changes, body)
    assert ticket_count(api) == before

    api.login("carla@desk.test")
    status, body = api.get("/api/customers")
    assert status == 403, body
    status, own = api.post("/api/tickets", {
        "subject": "Oven timer app logs me out",
        "body": "Every morning.",
        "requester_id": 5,
        "priority": "urgent",
        "assignee_id": 2,
        "tags": ["vip"],
    })
    assert status == 201, own
    assert own["requester"]["id"] == 4 and own["priority"] == "normal", own
    assert own["assignee"] is None and own["tags"] == [], own


def dropdown(page, option_text):
    """The form's <select> that has an option showing ``option_text``."""
    form = page.get_by_test_id("new-ticket-form")
    return form.locator("select", has=page.locator("option", has_text=option_text))


def choose(page, option_text):
    select = dropdown(page, option_text)
    expect(select).to_have_count(1)
    option = select.locator("option", has_text=option_text)
    expect(option).to_have_count(1)
    select.select_option(value=option.get_attribute("value"))


def tag_box(page):
    form = page.get_by_test_id("new-ticket-form")
    return form.get_by_label("Tags").or_(form.get_by_test_id("tag-input")).first


def test_agent_new_ticket_form(login, api):
    page = login("sam@desk.test", path="/views/unassigned")
    expect(page.get_by_test_id("view-count-unassigned")).to_have_text("3")
    page.get_by_test_id("sidebar").get_by_text("New ticket", exact=True).click()
    expect(page).to_have_url(re.compile(r"/tickets/new$"))

    requester = dropdown(page, "dmitri@desk.test")
    expect(requester).to_have_count(1)
    for _, name, email, _ in CUSTOMERS:
        expect(requester.locator("option", has_text=name)).to_contain_text(email)
    expect(requester.locator("option", has_text="sam@desk.test")).to_have_count(0)
    choose(page, "dmitri@desk.test")
    page.get_by_test_id("new-ticket-subject").fill("Invoice sent to the old address again")
    page.get_by_test_id("new-ticket-body").fill("Dmitri called: the May invoice went to Bremen again.")
    priority = dropdown(page, "Urgent")
    expect(priority).to_have_count(1)
    priority.select_option("High")
    choose(page, "Priya Patel")
    tag_box(page).press_sequentially("Phone,VIP")
    page.get_by_test_id("new-ticket-submit").click()

    expect(page).to_have_url(re.compile(r"/tickets/13$"))
    expect(page.get_by_test_id("ticket-subject")).to_have_text("Invoice sent to the old address again")
    expect(page.get_by_test_id("ticket-body-author")).to_have_text("Dmitri Ivanov")
    expect(page.get_by_test_id("ticket-priority")).to_have_text("High")
    expect(page.get_by_test_id("prop-assignee")).to_have_value("3")
    expect(page.get_by_test_id("view-count-unsolved")).to_have_text("10")

    api.login("sam@desk.test")
    status, ticket = api.get("/api/tickets/13")
    assert status == 200, ticket
    assert ticket["requester"]["id"] == 5 and ticket["priority"] == "high", ticket
    assert ticket["assignee"]["id"] == 3 and due_after(ticket, 8), ticket
    assert sorted(ticket["tags"]) == ["phone", "vip"], ticket


def test_agent_form_errors_and_default_assignee(login, api):
    api.login("ada@desk.test")
    status, body = api.patch("/api/settings", {"default_assignee_id": 3})
    assert status == 200, body
    page = login("ada@desk.test", path="/tickets/new")
    page.get_by_test_id("new-ticket-subject").fill("Webhook secret rotation")
    page.get_by_test_id("new-ticket-body").fill("Felix asked by email how to rotate the secret.")
    page.get_by_test_id("new-ticket-submit").click()
    form = page.get_by_test_id("new-ticket-form")
    # the form's error message, or the browser's own check of a required dropdown
    expect(form.get_by_role("alert").or_(form.locator("select:invalid")).first).to_be_visible()
    expect(page).to_have_url(re.compile(r"/tickets/new$"))
    assert ticket_count(api) == 12

    choose(page, "felix@desk.test")
    page.get_by_test_id("new-ticket-submit").click()
    expect(page).to_have_url(re.compile(r"/tickets/13$"))
    expect(page.get_by_test_id("ticket-body-author")).to_have_text("Felix Novak")
    expect(page.get_by_test_id("ticket-priority")).to_have_text("Normal")
    expect(page.get_by_test_id("prop-assignee")).to_have_value("3")

    api.login("felix@desk.test")
    status, ticket = api.get("/api/tickets/13")
    assert status == 200, ticket
    assert ticket["requester"]["id"] == 7 and ticket["assignee"]["id"] == 3, ticket
