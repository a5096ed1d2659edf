# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""A reply or note sent after the status was changed in the side panel keeps that status unless
the agent picks another one in "Submit as"."""

from playwright.sync_api import expect

NEXT_COMMENT = 14  # 13 comments are seeded


def status_of(api, ticket_id):
    api.login("sam@desk.test")
    status, ticket = api.get(f"/api/tickets/{ticket_id}")
    assert status == 200, ticket
    return ticket["status"]


def change_status_in_panel(page, status, label):
    page.get_by_test_id("prop-status").select_option(status)
    expect(page.get_by_test_id("ticket-status")).to_have_text(label)
    expect(page.get_by_test_id("prop-status")).to_be_enabled()


def send(page, text, comment_id):
    page.get_by_test_id("composer-input").fill(text)
    page.get_by_test_id("composer-submit").click()
    expect(page.get_by_test_id(f"comment-{comment_id}-body")).to_have_text(text)


def test_reply_after_setting_pending_stays_pending(login, api):
    page = login("sam@desk.test", path="/tickets/1")
    expect(page.get_by_test_id("comment-2")).to_be_visible()
    change_status_in_panel(page, "pending", "Pending")

    send(page, "Could you try again in a private window and tell me what you see?", NEXT_COMMENT)
    expect(page.get_by_test_id("ticket-status")).to_have_text("Pending")
    expect(page.get_by_test_id("prop-status")).to_have_value("pending")
    assert status_of(api, 1) == "pending"


def test_note_after_reopening_stays_open(login, api):
    page = login("sam@desk.test", path="/tickets/2")
    expect(page.get_by_test_id("comment-4")).to_be_visible()
    change_status_in_panel(page, "open", "Open")

    page.get_by_test_id("composer-tab-internal").click()
    expect(page.get_by_test_id("composer-tab-internal")).to_have_attribute("aria-selected", "true")
    send(page, "Dmitri called: the reissued invoice still has the Bremen address.", NEXT_COMMENT)
    expect(page.get_by_test_id(f"comment-{NEXT_COMMENT}-internal")).to_be_visible()
    expect(page.get_by_test_id("ticket-status")).to_have_text("Open")
    assert status_of(api, 2) == "open"


def test_solved_in_panel_then_reply_and_pick_another_status(login, api):
    page = login("sam@desk.test", path="/tickets/10")
    expect(page.get_by_test_id("ticket-body")).to_be_visible()
    change_status_in_panel(page, "solved", "Solved")

    send(page, "The missing orders are back in the export since today's release.", NEXT_COMMENT)
    expect(page.get_by_test_id("ticket-status")).to_have_text("Solved")
    assert status_of(api, 10) == "solved"

    # what the agent picks in "Submit as" still decides
    page.get_by_test_id("composer-status").select_option("pending")
    send(page, "Could you run the export once more and confirm?", NEXT_COMMENT + 1)
    expect(page.get_by_test_id("ticket-status")).to_have_text("Pending")
    assert status_of(api, 10) == "pending"


def test_reply_typed_before_the_status_change_is_kept(login, api):
    page = login("sam@desk.test", path="/tickets/1")
    expect(page.get_by_test_id("comment-2")).to_be_visible()
    text = "Could you try again in a private window and tell me what you see?"
    page.get_by_test_id("composer-input").fill(text)
    change_status_in_panel(page, "pending", "Pending")

    # the reply being typed is still there, and goes out with the status just set
    expect(page.get_by_test_id("composer-input")).to_have_value(text)
    page.get_by_test_id("composer-submit").click()
    expect(page.get_by_test_id(f"comment-{NEXT_COMMENT}-body")).to_have_text(text)
    expect(page.get_by_test_id("ticket-status")).to_have_text("Pending")
    assert status_of(api, 1) == "pending"


def test_later_status_change_after_a_pick_is_followed(login, api):
    page = login("sam@desk.test", path="/tickets/10")
    expect(page.get_by_test_id("ticket-body")).to_be_visible()

    # an explicit pick decides this reply...
    page.get_by_test_id("composer-status").select_option("pending")
    send(page, "Could you run the export once more and confirm?", NEXT_COMMENT)
    expect(page.get_by_test_id("ticket-status")).to_have_text("Pending")
    assert status_of(api, 10) == "pending"

    # ...but a later change in the side panel is what the next reply keeps
    change_status_in_panel(page, "open", "Open")
    send(page, "Thanks, we are looking into it again.", NEXT_COMMENT + 1)
    expect(page.get_by_test_id("ticket-status")).to_have_text("Open")
    assert status_of(api, 10) == "open"

    change_status_in_panel(page, "solved", "Solved")
    send(page, "Fixed in today's release.", NEXT_COMMENT + 2)
    expect(page.get_by_test_id("ticket-status")).to_have_text("Solved")
    assert status_of(api, 10) == "solved"
