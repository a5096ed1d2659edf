# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""The issue page (/issues/:key): title editing, the description's markdown (always escaped)
and its preview, the properties panel, relations and sub-issues, deleting, read-only guests."""

import re

from conftest import ADA, EVE, ok
from playwright.sync_api import expect


def open_issue(login, key, email=ADA):
    page = login(email, path=f"/issues/{key}")
    expect(page.get_by_test_id("issue-page")).to_be_visible()
    return page


def read(api, key, what=""):
    if api.token is None:
        api.login(ADA)
    return ok(api.get(f"/api/issues/{key}{what}"))


def test_the_properties_panel_shows_the_issues_fields(login):
    page = open_issue(login, "WEB-3")
    expect(page.get_by_test_id("issue-key")).to_have_text("WEB-3")
    expect(page.get_by_test_id("issue-title")).to_have_text("Password reset emails arrive late")
    expect(page.get_by_test_id("issue-status")).to_have_value("in_progress")
    expect(page.get_by_test_id("issue-priority")).to_have_value("urgent")
    expect(page.get_by_test_id("issue-assignee")).to_have_value("4")
    expect(page.get_by_test_id("issue-estimate")).to_have_value("3")
    expect(page.get_by_test_id("issue-due-date")).to_have_value("2025-01-10")
    expect(page.get_by_test_id("issue-due-description")).to_have_text("5 days overdue")
    expect(page.get_by_test_id("issue-cycle")).to_have_value("2")
    expect(page.get_by_test_id("issue-label-1")).to_be_checked()
    expect(page.get_by_test_id("issue-label-5")).to_be_checked()
    expect(page.get_by_test_id("issue-label-2")).not_to_be_checked()
    expect(page.get_by_test_id("issue-created-by")).to_have_text("Ben Carter")
    expect(page).to_have_title("WEB-3 Password reset emails arrive late · Board")


def test_editing_the_title_refuses_an_empty_one_and_saves_on_enter_with_a_log_entry(login, api):
    page = open_issue(login, "WEB-2")
    page.get_by_test_id("issue-title").click()
    page.get_by_test_id("issue-title-input").fill("   ")
    page.get_by_test_id("issue-title-input").press("Enter")
    expect(page.get_by_test_id("issue-title-error")).to_have_text("Give the issue a title.")
    page.get_by_test_id("issue-title-input").press("Escape")
    expect(page.get_by_test_id("issue-title")).to_have_text("Checkout button misaligned on Safari")
    page.get_by_test_id("issue-title").click()
    page.get_by_test_id("issue-title-input").fill("  Checkout   button overlaps on Safari ")
    page.get_by_test_id("issue-title-input").press("Enter")
    expect(page.get_by_test_id("issue-title")).to_have_text("Checkout button overlaps on Safari")
    expect(page.get_by_test_id("timeline")).to_contain_text(
        "Ada Lovelace changed title from Checkout button misaligned on Safari to Checkout button overlaps on Safari"
    )
    assert read(api, "WEB-2")["title"] == "Checkout button overlaps on Safari"


def test_the_description_renders_markdown(login):
    page = open_issue(login, "WEB-1")
    description = page.get_by_test_id("issue-description")
    expect(description.locator("strong")).to_have_text("four steps")
    expect(description.locator("em")).to_have_text("two")
    expect(description.locator("li")).to_have_text(
        ["Shipping and payment on one page", "Review and confirm"]
    )
    link = description.get_by_role("link", name="checkout v2")
    expect(link).to_have_attribute("href", "https://design.acme.test/checkout-v2")


def test_the_description_preview_and_the_saved_text_escape_raw_html(login, api):
    page = open_issue(login, "WEB-11")
    expect(page.get_by_test_id("issue-description")).to_have_text("No description.")
    page.get_by_test_id("description-edit").click()
    text = 'Use <b>account_id</b> <img src=x onerror="window.__xss=1"> **now**\n[bad](javascript:alert(1))'
    page.get_by_test_id("description-input").fill(text)
    page.get_by_test_id("description-preview-tab").click()
    preview = page.get_by_test_id("description-preview")
    expect(preview).to_contain_text('Use <b>account_id</b> <img src=x onerror="window.__xss=1">')
    expect(preview.locator("strong")).to_have_text("now")
    expect(preview.locator("b, img")).to_have_count(0)
    expect(preview.locator("a")).to_have_count(0)
    page.get_by_test_id("description-save").click()
    saved = page.get_by_test_id("issue-description")
    expect(saved).to_contain_text("<b>account_id</b>")
    expect(saved.locator("b, img, a")).to_have_count(0)
    assert page.evaluate("window.__xss") is None
    assert read(api, "WEB-11")["description"] == text


def test_changing_the_status_to_done_shows_the_completed_date(login, api):
    page = open_issue(login, "WEB-2")
    expect(page.get_by_test_id("issue-completed-at")).to_have_count(0)
    page.get_by_test_id("issue-status").select_option("done")
    expect(page.get_by_test_id("issue-completed-at")).to_contain_text("Jan 15, 2025")
    expect(page.get_by_test_id("timeline")).to_contain_text(
        "Ada Lovelace changed status from Todo to Done"
    )
    issue = read(api, "WEB-2")
    assert issue["status"] == "done" and issue["completed_at"] is not None


def test_starting_a_blocked_issue_shows_the_error_and_keeps_its_status(login, api):
    page = open_issue(login, "WEB-6")
    expect(page.get_by_test_id("issue-blocked")).to_have_text("Blocked by an open issue")
    page.get_by_test_id("issue-status").select_option("in_progress")
    expect(page.get_by_test_id("toast")).to_contain_text("WEB-6 is blocked by WEB-4")
    expect(page.get_by_test_id("issue-status")).to_have_value("todo")
    assert read(api, "WEB-6")["status"] == "todo"


def test_priority_assignee_and_labels_save_at_once(login, api):
    page = open_issue(login, "WEB-2")
    page.get_by_test_id("issue-priority").select_option("urgent")
    expect(page.get_by_test_id("timeline")).to_contain_text(
        "Ada Lovelace changed priority from Medium to Urgent"
    )
    page.get_by_test_id("issue-assignee").select_option("4")
    expect(page.get_by_test_id("timeline")).to_contain_text(
        "changed assignee from Cleo Park to Dan Okafor"
    )
    page.get_by_test_id("issue-label-6").click()  # saved first, then shown checked
    expect(page.get_by_test_id("issue-label-6")).to_be_checked()
    expect(page.get_by_test_id("timeline")).to_contain_text(
        "changed labels from Bug to Bug, Security"
    )
    issue = read(api, "WEB-2")
    assert (issue["priority"], issue["assignee"]["id"]) == ("urgent", 4)
    assert [label["id"] for label in issue["labels"]] == [1, 6]


def test_sub_issues_show_their_progress_and_the_parent_link(login):
    page = open_issue(login, "WEB-1")
    expect(page.get_by_test_id("sub-issue-progress")).to_have_text("1/3 sub-issues done")
    expect(page.get_by_test_id("sub-issues").locator("li")).to_have_count(3)
    expect(page.get_by_test_id("sub-issue-WEB-8")).to_contain_text("Done")
    page.get_by_test_id("sub-issue-WEB-9").get_by_role("link").click()
    expect(page.get_by_test_id("issue-key")).to_have_text("WEB-9")
    expect(page.get_by_test_id("issue-parent-link")).to_have_text(
        "WEB-1 Redesign the checkout flow"
    )


def test_adding_and_removing_a_relation_with_errors_for_bad_keys(login, api):
    page = open_issue(login, "WEB-2")
    expect(page.get_by_test_id("relations").locator("li")).to_have_count(1)
    page.get_by_test_id("relation-issue").fill("nonsense")
    page.get_by_test_id("relation-add").click()
    expect(page.get_by_test_id("relation-error")).to_have_text("Enter an issue key such as WEB-12.")
    page.get_by_test_id("relation-issue").fill("WEB-2")
    page.get_by_test_id("relation-add").click()
    expect(page.get_by_test_id("relation-error")).to_have_text("An issue cannot relate to itself.")
    page.get_by_test_id("relation-issue").fill("WEB-1")
    page.get_by_test_id("relation-add").click()
    expect(page.get_by_test_id("toast")).to_contain_text("WEB-2 and WEB-1 are already related")
    page.get_by_test_id("relation-type").select_option("blocks")
    page.get_by_test_id("relation-issue").fill("web-10")
    page.get_by_test_id("relation-add").click()
    relation = page.get_by_test_id("relations").locator("li").filter(has_text="WEB-10")
    expect(relation).to_contain_text("Blocks")
    expect(relation).to_contain_text("Checkout: payment error states")
    assert read(api, "WEB-10")["blocked"] is True
    expect(page.get_by_test_id("relation-issue")).to_have_value("")
    relation.get_by_role("button").click()
    expect(relation).to_have_count(0)
    assert read(api, "WEB-10")["blocked"] is False


def test_deleting_an_issue_asks_first_then_returns_to_the_project(login, api):
    page = open_issue(login, "WEB-12")
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_test_id("issue-delete").click()
    expect(page.get_by_test_id("issue-page")).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("issue-delete").click()
    expect(page).to_have_url(re.compile(r"/projects/WEB$"))
    expect(page.get_by_test_id("toast")).to_contain_text("Deleted WEB-12")
    api.login(ADA)
    assert api.get("/api/issues/WEB-12")[0] == 404


def test_a_guest_sees_the_issue_read_only(login):
    page = open_issue(login, "WEB-2", email=EVE)
    expect(page.get_by_test_id("issue-title")).to_be_disabled()
    expect(page.get_by_test_id("issue-status")).to_be_disabled()
    expect(page.get_by_test_id("issue-label-1")).to_be_disabled()
    expect(page.get_by_test_id("description-edit")).to_have_count(0)
    expect(page.get_by_test_id("relation-form")).to_have_count(0)
    expect(page.get_by_test_id("issue-delete")).to_have_count(0)
    expect(page.get_by_test_id("comment-input")).to_be_editable()
