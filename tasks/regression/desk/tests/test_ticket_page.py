# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""The ticket page: conversation, composer, the agent's properties panel, the customer's panel."""

import re

from playwright.sync_api import expect

NEXT_COMMENT = 14  # 13 comments are seeded
#: an SLA label of an unsolved ticket (its words depend on the page's clock: not asserted)
DUE_LABEL = re.compile(r"^(Overdue by|Due in) \d+ (min|h|days?)$")


def open_ticket(login, email, ticket_id):
    page = login(email, path=f"/tickets/{ticket_id}")
    expect(page.get_by_test_id("ticket-page")).to_be_visible()
    return page


def test_agent_sees_the_conversation_with_internal_notes_marked(login):
    page = open_ticket(login, "sam@desk.test", 2)
    expect(page.get_by_test_id("ticket-subject")).to_have_text(
        "Invoice #4471 shows our old billing address"
    )
    expect(page.get_by_test_id("ticket-status")).to_have_text("Pending")
    expect(page.get_by_test_id("ticket-priority")).to_have_text("Normal")
    expect(page.get_by_test_id("ticket-requester")).to_contain_text("Dmitri Ivanov")
    expect(page.get_by_test_id("ticket-body-author")).to_have_text("Dmitri Ivanov")
    expect(page.get_by_test_id("ticket-body-body")).to_contain_text("Bremen address")
    expect(page.get_by_test_id("comment-3-author")).to_have_text("Priya Patel")
    expect(page.get_by_test_id("comment-3-internal")).to_have_count(0)
    expect(page.get_by_test_id("comment-4-body")).to_have_text(
        "Billing says a reissue takes 2 business days."
    )
    expect(page.get_by_test_id("comment-4-internal")).to_be_visible()
    expect(page.get_by_test_id("ticket-tags")).to_contain_text("invoice")


def test_agent_panel_shows_the_ticket_properties(login):
    page = open_ticket(login, "sam@desk.test", 2)
    expect(page.get_by_test_id("prop-requester")).to_contain_text("Dmitri Ivanov")
    expect(page.get_by_test_id("prop-requester")).to_contain_text("Ivanov Logistics")
    expect(page.get_by_test_id("prop-status")).to_have_value("pending")
    expect(page.get_by_test_id("prop-priority")).to_have_value("normal")
    expect(page.get_by_test_id("prop-assignee")).to_have_value("3")
    expect(page.get_by_test_id("prop-due")).to_have_text(DUE_LABEL)
    expect(page.get_by_test_id("tag-chip-billing")).to_be_visible()
    expect(page.get_by_test_id("assign-to-me")).to_be_visible()
    expect(page.get_by_test_id("composer-tab-internal")).to_be_visible()
    expect(page.get_by_test_id("composer-status")).to_have_value("pending")


def test_customer_does_not_see_internal_notes_or_agent_controls(login):
    page = open_ticket(login, "dmitri@desk.test", 2)
    expect(page.get_by_test_id("comment-3")).to_be_visible()
    expect(page.get_by_test_id("comment-4")).to_have_count(0)
    expect(page.get_by_test_id("conversation")).not_to_contain_text("reissue takes")
    expect(page.get_by_test_id("properties")).to_have_count(0)
    expect(page.get_by_test_id("composer-tab-internal")).to_have_count(0)
    expect(page.get_by_test_id("composer-status")).to_have_count(0)
    expect(page.get_by_test_id("request-status")).to_have_text("Pending")
    expect(page.get_by_test_id("request-assignee")).to_have_text("Priya Patel")
    expect(page.get_by_test_id("mark-solved")).to_be_visible()


def test_customer_gets_not_found_for_another_customers_ticket(login):
    page = login("carla@desk.test", path="/tickets/3")
    expect(page.get_by_test_id("ticket-not-found")).to_be_visible()
    expect(page.get_by_test_id("ticket-page")).to_have_count(0)
    expect(page.get_by_test_id("conversation")).to_have_count(0)


def test_agent_reply_appears_and_clears_the_composer(login, ticket_of):
    page = open_ticket(login, "sam@desk.test", 1)
    text = "Could you try an incognito window?"
    page.get_by_test_id("composer-input").fill(text)
    expect(page.get_by_test_id("composer-submit")).to_have_text("Send reply")
    page.get_by_test_id("composer-submit").click()
    expect(page.get_by_test_id(f"comment-{NEXT_COMMENT}-body")).to_have_text(text)
    expect(page.get_by_test_id(f"comment-{NEXT_COMMENT}-author")).to_have_text("Sam Sato")
    expect(page.get_by_test_id(f"comment-{NEXT_COMMENT}-internal")).to_have_count(0)
    expect(page.get_by_test_id("composer-input")).to_have_value("")
    expect(page.get_by_test_id("composer-submit")).to_be_disabled()
    saved = ticket_of(1)["comments"][-1]
    assert (saved["body"], saved["internal"]) == (text, False), f"stored comment: {saved}"


def test_internal_note_is_saved_as_internal(login, ticket_of):
    page = open_ticket(login, "sam@desk.test", 1)
    page.get_by_test_id("composer-tab-internal").click()
    expect(page.get_by_test_id("composer-tab-internal")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_test_id("composer-tab-public")).to_have_attribute("aria-selected", "false")
    page.get_by_test_id("composer-input").fill("Customer is on an old Chrome build.")
    expect(page.get_by_test_id("composer-submit")).to_have_text("Add note")
    page.get_by_test_id("composer-submit").click()
    expect(page.get_by_test_id(f"comment-{NEXT_COMMENT}-internal")).to_be_visible()
    assert ticket_of(1)["comments"][-1]["internal"] is True


def test_reply_text_survives_switching_to_internal_note(login, ticket_of):
    page = open_ticket(login, "sam@desk.test", 1)
    text = "Draft: escalate to the auth team"
    page.get_by_test_id("composer-input").fill(text)
    page.get_by_test_id("composer-tab-internal").click()
    expect(page.get_by_test_id("composer-tab-internal")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_test_id("composer-input")).to_have_value(text)
    expect(page.get_by_test_id(f"comment-{NEXT_COMMENT}")).to_have_count(0)
    assert len(ticket_of(1)["comments"]) == 2, "switching tabs sent the draft"


def test_reply_text_survives_status_change(login):
    page = open_ticket(login, "sam@desk.test", 1)
    text = "Half-written answer about cookies"
    page.get_by_test_id("composer-input").fill(text)
    page.get_by_test_id("prop-status").select_option("pending")
    expect(page.get_by_test_id("ticket-status")).to_have_text("Pending")
    expect(page.get_by_test_id("prop-status")).to_be_enabled()
    expect(page.get_by_test_id("composer-input")).to_have_value(text)


def test_status_change_in_panel_saves_and_updates_sidebar_counts(login, ticket_of):
    page = open_ticket(login, "sam@desk.test", 1)
    expect(page.get_by_test_id("view-count-pending")).to_have_text("3")
    page.get_by_test_id("prop-status").select_option("solved")
    expect(page.get_by_test_id("ticket-status")).to_have_text("Solved")
    expect(page.get_by_test_id("view-count-mine")).to_have_text("2")
    expect(page.get_by_test_id("view-count-solved")).to_have_text("3")
    expect(page.get_by_test_id("view-count-unsolved")).to_have_text("8")
    assert ticket_of(1)["status"] == "solved"


def test_reply_text_survives_priority_tag_and_assignee_changes(login):
    page = open_ticket(login, "sam@desk.test", 10)
    text = "We found the cause of the missing orders"
    page.get_by_test_id("composer-input").fill(text)
    page.get_by_test_id("prop-priority").select_option("urgent")
    expect(page.get_by_test_id("ticket-priority")).to_have_text("Urgent")
    page.get_by_test_id("tag-input").fill("regression")
    page.get_by_test_id("tag-input").press("Enter")
    expect(page.get_by_test_id("tag-chip-regression")).to_be_visible()
    expect(page.get_by_test_id("prop-status")).to_be_enabled()
    page.get_by_test_id("assign-to-me").click()
    expect(page.get_by_test_id("prop-assignee")).to_have_value("2")
    expect(page.get_by_test_id("composer-input")).to_have_value(text)


def test_submit_as_sets_the_status_with_the_reply(login, ticket_of):
    page = open_ticket(login, "sam@desk.test", 1)
    expect(page.get_by_test_id("composer-status")).to_have_value("open")
    page.get_by_test_id("composer-input").fill("Fixed on our side, please try again.")
    page.get_by_test_id("composer-status").select_option("solved")
    page.get_by_test_id("composer-submit").click()
    expect(page.get_by_test_id(f"comment-{NEXT_COMMENT}")).to_be_visible()
    expect(page.get_by_test_id("ticket-status")).to_have_text("Solved")
    expect(page.get_by_test_id("prop-status")).to_have_value("solved")
    expect(page.get_by_test_id("composer-status")).to_have_value("solved")
    expect(page.get_by_test_id("view-count-solved")).to_have_text("3")
    assert ticket_of(1)["status"] == "solved"


def test_ctrl_enter_sends_the_reply(login):
    page = open_ticket(login, "sam@desk.test", 8)
    page.get_by_test_id("composer-input").fill("Thanks, got the webhook ID.")
    page.get_by_test_id("composer-input").press("Control+Enter")
    expect(page.get_by_test_id(f"comment-{NEXT_COMMENT}-body")).to_have_text(
        "Thanks, got the webhook ID."
    )
    expect(page.get_by_test_id("composer-input")).to_have_value("")


def test_reply_on_unassigned_ticket_assigns_it_to_the_agent(login):
    page = open_ticket(login, "sam@desk.test", 3)
    expect(page.get_by_test_id("prop-assignee")).to_have_value("")
    page.get_by_test_id("composer-input").fill("On it.")
    page.get_by_test_id("composer-submit").click()
    expect(page.get_by_test_id(f"comment-{NEXT_COMMENT}")).to_be_visible()
    expect(page.get_by_test_id("prop-assignee")).to_have_value("2")
    expect(page.get_by_test_id("view-count-unassigned")).to_have_text("2")


def test_changing_priority_updates_the_due_label_and_overdue_count(login, ticket_of):
    page = open_ticket(login, "sam@desk.test", 3)
    expect(page.get_by_test_id("prop-due")).to_have_text(DUE_LABEL)
    before = page.get_by_test_id("prop-due").inner_text()
    page.get_by_test_id("prop-priority").select_option("low")
    expect(page.get_by_test_id("ticket-priority")).to_have_text("Low")
    # urgent (4 h) to low (72 h): the due label moves by 68 hours
    expect(page.get_by_test_id("prop-due")).not_to_have_text(before)
    expect(page.get_by_test_id("prop-due")).to_have_text(DUE_LABEL)
    expect(page.get_by_test_id("view-count-overdue")).to_have_text("2")
    assert ticket_of(3)["priority"] == "low"


def test_assignee_select_and_assign_to_me(login, ticket_of):
    page = open_ticket(login, "sam@desk.test", 4)
    page.get_by_test_id("prop-assignee").select_option("3")
    expect(page.get_by_test_id("prop-assignee")).to_have_value("3")
    expect(page.get_by_test_id("view-count-unassigned")).to_have_text("2")
    assert ticket_of(4)["assignee"]["id"] == 3
    page.get_by_test_id("assign-to-me").click()
    expect(page.get_by_test_id("prop-assignee")).to_have_value("2")
    expect(page.get_by_test_id("assign-to-me")).to_have_count(0)
    expect(page.get_by_test_id("view-count-mine")).to_have_text("4")
    assert ticket_of(4)["assignee"]["id"] == 2


def test_tags_are_added_and_removed_in_the_panel(login, ticket_of):
    page = open_ticket(login, "sam@desk.test", 5)
    page.get_by_test_id("tag-input").fill("  VIP ")
    page.get_by_test_id("tag-input").press("Enter")
    expect(page.get_by_test_id("tag-chip-vip")).to_be_visible()
    expect(page.get_by_test_id("tag-input")).to_have_value("")
    expect(page.get_by_test_id("tag-input")).to_be_enabled()
    page.get_by_test_id("remove-tag-refund").click()
    expect(page.get_by_test_id("tag-chip-refund")).to_have_count(0)
    expect(page.get_by_test_id("ticket-tags")).to_contain_text("vip")
    expect(page.get_by_test_id("tag-input")).to_be_enabled()
    assert ticket_of(5)["tags"] == ["billing", "vip"]


def test_invalid_tag_shows_an_error_and_changes_nothing(login, ticket_of):
    page = open_ticket(login, "sam@desk.test", 5)
    page.get_by_test_id("tag-input").fill("not ok!")
    page.get_by_test_id("tag-input").press("Enter")
    expect(page.get_by_test_id("properties-error")).to_be_visible()
    expect(page.get_by_test_id("tag-chip-refund")).to_be_visible()
    assert ticket_of(5)["tags"] == ["billing", "refund"]


def test_closed_ticket_is_read_only(login):
    page = open_ticket(login, "sam@desk.test", 7)
    expect(page.get_by_test_id("ticket-closed")).to_be_visible()
    expect(page.get_by_test_id("composer")).to_have_count(0)
    expect(page.get_by_test_id("prop-status")).to_be_disabled()
    expect(page.get_by_test_id("prop-priority")).to_be_disabled()
    expect(page.get_by_test_id("prop-assignee")).to_be_disabled()
    expect(page.get_by_test_id("assign-to-me")).to_have_count(0)
    expect(page.get_by_test_id("tag-input")).to_be_disabled()


def test_closed_option_only_for_solved_tickets(login, ticket_of):
    page = open_ticket(login, "sam@desk.test", 9)
    page.get_by_test_id("prop-status").select_option("closed")
    expect(page.get_by_test_id("ticket-closed")).to_be_visible()
    expect(page.get_by_test_id("prop-status")).to_be_disabled()
    assert ticket_of(9)["status"] == "closed"
    page.get_by_test_id("view-all").click()
    page.get_by_test_id("ticket-link-1").click()
    expect(page.get_by_test_id("ticket-subject")).to_have_text(
        "Can't sign in after resetting my password"
    )
    expect(page.get_by_test_id("prop-status").locator("option[value=closed]")).to_be_disabled()


def test_customer_marks_their_request_solved(login, ticket_of):
    page = open_ticket(login, "carla@desk.test", 5)
    expect(page.get_by_test_id("comment-5")).to_have_count(0)
    page.get_by_test_id("mark-solved").click()
    expect(page.get_by_test_id("request-status")).to_have_text("Solved")
    expect(page.get_by_test_id("mark-solved")).to_have_count(0)
    expect(page.get_by_test_id("view-count-open-requests")).to_have_text("1")
    expect(page.get_by_test_id("view-count-solved-requests")).to_have_text("2")
    assert ticket_of(5)["status"] == "solved"


def test_customer_reply_reopens_a_solved_request(login, ticket_of):
    page = open_ticket(login, "carla@desk.test", 9)
    expect(page.get_by_test_id("request-status")).to_have_text("Solved")
    expect(page.get_by_test_id("mark-solved")).to_have_count(0)
    page.get_by_test_id("composer-input").fill("The codes fail again since this morning.")
    page.get_by_test_id("composer-submit").click()
    expect(page.get_by_test_id(f"comment-{NEXT_COMMENT}-author")).to_have_text("Carla Gómez")
    expect(page.get_by_test_id("request-status")).to_have_text("Open")
    expect(page.get_by_test_id("mark-solved")).to_be_visible()
    expect(page.get_by_test_id("view-count-open-requests")).to_have_text("3")
    assert ticket_of(9)["status"] == "open"


def test_customer_sees_closed_request_notice(login):
    page = open_ticket(login, "erin@desk.test", 7)
    expect(page.get_by_test_id("ticket-closed")).to_contain_text("Submit a new request")
    expect(page.get_by_test_id("composer")).to_have_count(0)
    expect(page.get_by_test_id("request-status")).to_have_text("Closed")


def test_customer_reply_text_survives_marking_solved(login):
    page = open_ticket(login, "carla@desk.test", 1)
    text = "Also, Safari does the same"
    page.get_by_test_id("composer-input").fill(text)
    page.get_by_test_id("mark-solved").click()
    expect(page.get_by_test_id("request-status")).to_have_text("Solved")
    expect(page.get_by_test_id("composer-input")).to_have_value(text)


def test_back_link_from_not_found_ticket_navigates_in_place(login):
    page = login("sam@desk.test", path="/tickets/999")
    expect(page.get_by_test_id("ticket-not-found")).to_be_visible()
    page.evaluate("window.__marker = 1")
    page.get_by_test_id("ticket-not-found").get_by_role("link").click()
    expect(page.get_by_test_id("view-title")).to_have_text("My unsolved tickets")
    expect(page).to_have_url(re.compile(r"/$"))
    assert page.evaluate("window.__marker") == 1, "the back link reloaded the whole page"


def test_failed_reply_shows_an_error_and_keeps_the_text(login, api_as):
    page = open_ticket(login, "sam@desk.test", 9)
    status, body = api_as("priya@desk.test").patch("/api/tickets/9", {"status": "closed"})
    assert status == 200, body
    text = "One more thing about your phone clock"
    page.get_by_test_id("composer-input").fill(text)
    page.get_by_test_id("composer-submit").click()
    expect(page.get_by_test_id("composer-error")).to_be_visible()
    expect(page.get_by_test_id("composer-input")).to_have_value(text)
    expect(page.get_by_test_id(f"comment-{NEXT_COMMENT}")).to_have_count(0)


def test_submit_as_follows_a_status_change_in_the_panel(login):
    page = open_ticket(login, "sam@desk.test", 8)
    expect(page.get_by_test_id("composer-status")).to_have_value("pending")
    page.get_by_test_id("prop-status").select_option("open")
    expect(page.get_by_test_id("ticket-status")).to_have_text("Open")
    expect(page.get_by_test_id("composer-status")).to_have_value("open")
