# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""The new ticket page: a customer's request form and the agent's ticket form."""

import re

from playwright.sync_api import expect

NEXT_TICKET = 13  # 12 tickets are seeded


def test_customer_submits_a_request_and_lands_on_it(login, ticket_of):
    page = login("carla@desk.test")
    expect(page.get_by_test_id("view-count-requests")).to_have_text("3")
    page.evaluate("window.__marker = 1")
    page.get_by_test_id("new-ticket").click()
    expect(page).to_have_url(re.compile(r"/tickets/new$"))
    expect(page.get_by_test_id("new-ticket-requester")).to_have_count(0)
    expect(page.get_by_test_id("new-ticket-priority")).to_have_count(0)
    page.get_by_test_id("new-ticket-subject").fill("Receipt printer prints blank pages")
    page.get_by_test_id("new-ticket-body").fill("Since the update this morning.")
    page.get_by_test_id("new-ticket-submit").click()
    expect(page).to_have_url(re.compile(rf"/tickets/{NEXT_TICKET}$"))
    expect(page.get_by_test_id("ticket-subject")).to_have_text("Receipt printer prints blank pages")
    expect(page.get_by_test_id("ticket-body-body")).to_have_text("Since the update this morning.")
    expect(page.get_by_test_id("request-status")).to_have_text("Open")
    expect(page.get_by_test_id("view-count-requests")).to_have_text("4")
    assert page.evaluate("window.__marker") == 1, "submitting a request reloaded the whole page"
    saved = ticket_of(NEXT_TICKET)
    assert saved["requester"]["id"] == 4 and saved["priority"] == "normal"


def test_blank_description_shows_a_field_error_and_keeps_the_typed_subject(login):
    page = login("carla@desk.test", path="/tickets/new")
    page.get_by_test_id("new-ticket-subject").fill("Wrong invoice total")
    page.get_by_test_id("new-ticket-body").fill("   ")
    page.get_by_test_id("new-ticket-submit").click()
    expect(page.get_by_test_id("new-ticket-error-body")).to_be_visible()
    expect(page.get_by_test_id("new-ticket-error-subject")).to_have_count(0)
    expect(page.get_by_test_id("new-ticket-subject")).to_have_value("Wrong invoice total")
    expect(page.get_by_test_id("new-ticket-submit")).to_be_enabled()
    assert page.url.endswith("/tickets/new")


def test_blank_subject_shows_a_field_error(login):
    page = login("carla@desk.test", path="/tickets/new")
    page.get_by_test_id("new-ticket-body").fill("Details of my problem")
    page.get_by_test_id("new-ticket-submit").click()
    expect(page.get_by_test_id("new-ticket-error-subject")).to_be_visible()
    expect(page.get_by_test_id("new-ticket-body")).to_have_value("Details of my problem")


def test_agent_creates_a_ticket_with_requester_priority_assignee_and_tags(login, ticket_of):
    page = login("sam@desk.test", path="/tickets/new")
    expect(page.get_by_test_id("new-ticket-requester").locator("option")).to_have_count(5)
    page.get_by_test_id("new-ticket-requester").select_option("7")
    page.get_by_test_id("new-ticket-subject").fill("Phone call: cannot export invoices")
    page.get_by_test_id("new-ticket-body").fill("Felix called about the invoice export.")
    page.get_by_test_id("new-ticket-priority").select_option("high")
    page.get_by_test_id("new-ticket-assignee").select_option("3")
    page.get_by_test_id("tag-input").fill("Phone")
    page.get_by_test_id("tag-input").press("Enter")
    page.get_by_test_id("tag-input").fill("export")
    page.get_by_test_id("tag-input").press(",")
    expect(page.get_by_test_id("tag-chip-phone")).to_be_visible()
    expect(page.get_by_test_id("tag-chip-export")).to_be_visible()
    page.get_by_test_id("new-ticket-submit").click()
    expect(page).to_have_url(re.compile(rf"/tickets/{NEXT_TICKET}$"))
    expect(page.get_by_test_id("prop-priority")).to_have_value("high")
    expect(page.get_by_test_id("prop-assignee")).to_have_value("3")
    expect(page.get_by_test_id("prop-requester")).to_contain_text("Felix Novak")
    saved = ticket_of(NEXT_TICKET)
    assert (
        saved["requester"]["id"],
        saved["priority"],
        saved["assignee"]["id"],
        saved["tags"],
    ) == (7, "high", 3, ["phone", "export"]), f"the created ticket: {saved}"


def test_agent_must_choose_a_requester(login):
    page = login("sam@desk.test", path="/tickets/new")
    page.get_by_test_id("new-ticket-subject").fill("No requester")
    page.get_by_test_id("new-ticket-body").fill("Body")
    page.get_by_test_id("new-ticket-submit").click()
    expect(page.get_by_test_id("new-ticket-error-requester_id")).to_be_visible()
    expect(page.get_by_test_id("new-ticket-subject")).to_have_value("No requester")


def test_agent_ticket_uses_default_assignee_when_left_on_default(login, api_as, ticket_of):
    status, body = api_as("ada@desk.test").patch("/api/settings", {"default_assignee_id": 3})
    assert status == 200, body
    page = login("sam@desk.test", path="/tickets/new")
    expect(page.get_by_test_id("new-ticket-requester").locator("option")).to_have_count(5)
    page.get_by_test_id("new-ticket-requester").select_option("4")
    page.get_by_test_id("new-ticket-subject").fill("Walk-in question")
    page.get_by_test_id("new-ticket-body").fill("Asked about opening hours.")
    page.get_by_test_id("new-ticket-submit").click()
    expect(page.get_by_test_id("prop-assignee")).to_have_value("3")
    assert ticket_of(NEXT_TICKET)["assignee"]["id"] == 3


def test_tag_input_backspace_removes_the_last_tag(login):
    page = login("sam@desk.test", path="/tickets/new")
    tags = page.get_by_test_id("tag-input")
    tags.fill("first")
    tags.press("Enter")
    tags.fill("second")
    tags.press("Enter")
    expect(page.get_by_test_id("tag-chip-second")).to_be_visible()
    tags.press("Backspace")
    expect(page.get_by_test_id("tag-chip-second")).to_have_count(0)
    expect(page.get_by_test_id("tag-chip-first")).to_be_visible()
    page.get_by_test_id("remove-tag-first").click()
    expect(page.get_by_test_id("tag-chip-first")).to_have_count(0)
