# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""The inbox page (/inbox) and the unread badge: notifications newest first, reading one or all,
the unread-only filter, and opening the issue of a notification."""

import re

from conftest import ADA, BEN, DAN, ok
from playwright.sync_api import expect


def open_inbox(login, email=ADA):
    page = login(email, path="/inbox")
    expect(page.get_by_test_id("notification-list")).to_be_visible()
    return page


def test_notifications_are_listed_newest_first_with_what_happened(login):
    page = open_inbox(login)
    items = page.get_by_test_id("notification-list").locator(":scope > li")
    expect(items).to_have_count(4)
    expect(items.nth(0)).to_have_attribute("data-testid", "notification-4")
    expect(items.nth(0)).to_contain_text("Gus Lindqvist commented: “Ready for review")
    expect(items.nth(1)).to_contain_text("Gus Lindqvist changed the status to In Review")
    expect(items.nth(2)).to_contain_text("Ben Carter mentioned you")
    expect(items.nth(3)).to_contain_text("Dan Okafor assigned you")
    expect(page.get_by_test_id("notification-link-2")).to_have_text(
        "INF-10 Document the on-call rota"
    )
    expect(page.get_by_test_id("notification-1")).to_have_attribute("data-read", "true")
    expect(page.get_by_test_id("notification-read-1")).to_have_count(0)
    expect(page.get_by_test_id("unread-badge")).to_have_text("3")
    expect(page.get_by_test_id("unread-badge")).to_have_attribute("aria-label", "3 unread")


def test_marking_one_read_lowers_the_badge_and_is_saved(login, api):
    page = open_inbox(login)
    page.get_by_test_id("notification-read-3").click()
    expect(page.get_by_test_id("notification-3")).to_have_attribute("data-read", "true")
    expect(page.get_by_test_id("unread-badge")).to_have_text("2")
    api.login(ADA)
    assert ok(api.get("/api/notifications/unread-count")) == {"count": 2}
    page.reload()
    expect(page.get_by_test_id("notification-3")).to_have_attribute("data-read", "true")
    expect(page.get_by_test_id("unread-badge")).to_have_text("2")


def test_unread_only_then_mark_all_read_clears_the_list_and_the_badge(login, api):
    page = open_inbox(login)
    page.get_by_test_id("inbox-unread-only").check()
    expect(page.get_by_test_id("notification-list").locator(":scope > li")).to_have_count(3)
    expect(page.get_by_test_id("notification-1")).to_have_count(0)
    page.get_by_test_id("mark-all-read").click()
    expect(page.get_by_test_id("inbox-empty")).to_have_text("No unread notifications.")
    page.get_by_test_id("inbox-unread-only").uncheck()
    expect(page.get_by_test_id("unread-badge")).to_have_count(0)
    for n in (2, 3, 4):
        expect(page.get_by_test_id(f"notification-{n}")).to_have_attribute("data-read", "true")
    expect(page.get_by_test_id("mark-all-read")).to_be_disabled()
    api.login(ADA)
    assert ok(api.get("/api/notifications/unread-count")) == {"count": 0}


def test_opening_a_notification_marks_it_read_and_shows_the_issue(login, api):
    page = open_inbox(login, email=DAN)
    expect(page.get_by_test_id("unread-badge")).to_have_text("2")
    page.get_by_test_id("notification-link-7").click()
    expect(page).to_have_url(re.compile(r"/issues/INF-2$"))
    expect(page.get_by_test_id("issue-title")).to_have_text("Rotate the API signing keys")
    expect(page.get_by_test_id("unread-badge")).to_have_text("1")
    api.login(DAN)
    unread = ok(api.get("/api/notifications?unread=true"))["items"]
    assert [n["id"] for n in unread] == [6]


def test_a_new_assignment_shows_up_in_the_assignees_badge(login, api_as):
    ok(api_as(BEN).patch("/api/issues/WEB-11", {"assignee_id": 1}))
    page = open_inbox(login)
    expect(page.get_by_test_id("unread-badge")).to_have_text("4")
    first = page.get_by_test_id("notification-list").locator(":scope > li").first
    expect(first).to_contain_text("Ben Carter assigned you")
    expect(first).to_contain_text("WEB-11 Rename user_id to account_id in the API docs")
