# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""The new-issue dialog (the top bar's button, the "c" shortcut and /new): fields, validation,
the project's people and cycles, and guests who may not create issues."""

import re

from conftest import ADA, BEN, EVE, ok
from playwright.sync_api import expect


def test_creating_an_issue_with_every_field_opens_it(login, api):
    page = login(ADA, path="/projects/MOB")
    page.get_by_test_id("new-issue").click()
    expect(page.get_by_test_id("create-issue-project")).to_have_value("MOB")
    page.get_by_test_id("create-issue-title").fill("  Offline   sync conflicts ")
    page.get_by_test_id("create-issue-description-input").fill("Two devices edit the same issue.")
    page.get_by_test_id("create-issue-priority").select_option("high")
    page.get_by_test_id("create-issue-assignee").select_option("6")
    page.get_by_test_id("create-issue-estimate").select_option("5")
    page.get_by_test_id("create-issue-due").fill("2025-01-31")
    page.get_by_test_id("create-issue-cycle").select_option("4")
    page.get_by_test_id("create-issue-label-2").check()
    page.get_by_test_id("create-issue-submit").click()
    expect(page).to_have_url(re.compile(r"/issues/MOB-14$"))
    expect(page.get_by_test_id("toast")).to_contain_text("Created MOB-14")
    expect(page.get_by_test_id("issue-title")).to_have_text("Offline sync conflicts")
    api.login(ADA)
    issue = ok(api.get("/api/issues/MOB-14"))
    assert (issue["priority"], issue["assignee"]["id"], issue["estimate"], issue["due_date"]) == (
        "high",
        6,
        5,
        "2025-01-31",
    )
    assert (issue["cycle"]["id"], [label["id"] for label in issue["labels"]]) == (4, [2])
    assert issue["description"] == "Two devices edit the same issue."


def test_the_c_key_opens_the_dialog_which_refuses_a_missing_title_and_closes_on_escape(login, api):
    page = login(ADA, path="/projects/WEB")
    expect(page.get_by_test_id("project-name")).to_have_text("Web")
    page.keyboard.press("c")
    expect(page.get_by_test_id("create-issue-project")).to_have_value("WEB")
    expect(page.get_by_test_id("create-issue-title")).to_be_focused()
    page.get_by_test_id("create-issue-title").fill("   ")
    page.get_by_test_id("create-issue-submit").click()
    expect(page.get_by_test_id("create-issue-title-error")).to_have_text("Give the issue a title.")
    expect(page.get_by_test_id("create-issue-dialog")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("create-issue-dialog")).to_have_count(0)
    api.login(ADA)
    assert ok(api.get("/api/projects/WEB"))["issue_count"] == 17


def test_the_dialog_offers_the_projects_non_guest_members_open_cycles_and_writable_projects(login):
    page = login(ADA, path="/projects/WEB")
    page.get_by_test_id("project-new-issue").click()
    expect(page.get_by_test_id("create-issue-assignee").locator("option")).to_have_text(
        ["Unassigned", "Ada Lovelace", "Ben Carter", "Cleo Park", "Dan Okafor", "Gus Lindqvist"]
    )
    expect(page.get_by_test_id("create-issue-cycle").locator("option")).to_have_text(
        ["No cycle", "Sprint 2", "Sprint 3"]
    )
    page.get_by_test_id("create-issue-project").select_option("MOB")
    expect(page.get_by_test_id("create-issue-cycle").locator("option")).to_have_text(
        ["No cycle", "Cycle 1", "Cycle 2"]
    )


def test_the_new_issue_page_preselects_project_and_status_from_the_url(login, api):
    page = login(BEN, path="/new?project=WEB&status=in_progress")
    expect(page.get_by_test_id("create-issue-status")).to_have_value("in_progress")
    page.get_by_test_id("create-issue-title").fill("Started right away")
    page.get_by_test_id("create-issue-submit").click()
    expect(page).to_have_url(re.compile(r"/issues/WEB-18$"))
    api.login(BEN)
    assert ok(api.get("/api/issues/WEB-18"))["status"] == "in_progress"


def test_a_guest_cannot_create_issues_from_the_new_issue_page(login):
    page = login(EVE, path="/new")
    expect(page.get_by_test_id("create-issue-forbidden")).to_have_text(
        "You cannot create issues in any project."
    )
    expect(page.get_by_test_id("create-issue-form")).to_have_count(0)
