# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""The cycles pages (/projects/:key/cycles and /cycles/:id): status, dates, progress and scope,
creating and editing cycles with their errors, and completing the active cycle."""

import re

from conftest import ADA, ok
from playwright.sync_api import expect


def test_the_cycles_list_shows_status_dates_and_progress(login):
    page = login(ADA, path="/projects/MOB/cycles")
    expect(page.get_by_test_id("cycle-row-4")).to_be_visible()
    expect(page.get_by_test_id("cycle-status-4")).to_have_text("active")
    expect(page.get_by_test_id("cycle-status-5")).to_have_text("upcoming")
    expect(page.get_by_test_id("cycle-dates-4")).to_have_text("Jan 8 – Jan 21")
    expect(page.get_by_test_id("cycle-progress-4")).to_have_text("15%")
    expect(page.get_by_test_id("cycle-progress-bar-4")).to_have_attribute("aria-valuenow", "15")
    expect(page.get_by_test_id("cycle-row-4")).to_contain_text("2/8 issues · 1 scope changes")
    expect(page.get_by_test_id("cycle-complete-4")).to_be_visible()
    expect(page.get_by_test_id("cycle-complete-5")).to_have_count(0)


def test_the_cycle_page_shows_its_stats_and_issues_grouped_by_status(login):
    page = login(ADA, path="/cycles/2")
    expect(page.get_by_test_id("cycle-name")).to_have_text("Sprint 2")
    expect(page.get_by_test_id("cycle-status-2")).to_have_text("active")
    expect(page.get_by_test_id("cycle-progress-2")).to_have_text("0%")
    expect(page.get_by_test_id("cycle-stats-2")).to_contain_text("0 of 31 points done")
    expect(page.get_by_test_id("cycle-issues-2")).to_have_text("0/8")
    expect(page.get_by_test_id("cycle-scope-2")).to_have_text("2")
    expect(page.get_by_test_id("cycle-group-todo").locator("li.issue-row")).to_have_count(4)
    expect(page.get_by_test_id("cycle-group-in_progress").locator("li.issue-row")).to_have_count(3)
    expect(page.get_by_test_id("cycle-group-in_review").locator("li.issue-row")).to_have_count(1)
    page.get_by_test_id("cycle-project-link").click()
    expect(page).to_have_url(re.compile(r"/projects/WEB/cycles$"))


def test_adding_a_cycle_checks_its_dates_and_names_it_after_its_number(login, admin):
    page = login(ADA, path="/projects/WEB/cycles")
    page.get_by_test_id("new-cycle-submit").click()
    expect(page.get_by_test_id("new-cycle-error")).to_have_text("Choose a start and an end date.")
    page.get_by_test_id("new-cycle-start").fill("2025-03-10")
    page.get_by_test_id("new-cycle-end").fill("2025-03-01")
    page.get_by_test_id("new-cycle-submit").click()
    expect(page.get_by_test_id("new-cycle-error")).to_have_text(
        "The cycle cannot end before it starts."
    )
    page.get_by_test_id("new-cycle-start").fill("2025-01-25")
    page.get_by_test_id("new-cycle-end").fill("2025-02-05")
    page.get_by_test_id("new-cycle-submit").click()
    expect(page.get_by_test_id("new-cycle-error")).to_have_text(
        "The dates overlap Sprint 3 (2025-01-20 to 2025-02-02)"
    )
    page.get_by_test_id("new-cycle-start").fill("2025-02-03")
    page.get_by_test_id("new-cycle-end").fill("2025-02-16")
    page.get_by_test_id("new-cycle-submit").click()
    expect(page.get_by_test_id("toast")).to_contain_text("Created Cycle 4")
    expect(page.get_by_test_id("cycle-list").locator("article")).to_have_count(4)
    new = ok(admin.get("/api/projects/WEB/cycles"))[-1]
    assert (new["name"], new["starts_on"], new["ends_on"], new["status"]) == (
        "Cycle 4",
        "2025-02-03",
        "2025-02-16",
        "upcoming",
    )
    expect(page.get_by_test_id(f"cycle-link-{new['id']}")).to_have_text("Cycle 4")


def test_editing_an_active_cycles_start_date_shows_the_conflict(login, admin):
    page = login(ADA, path="/cycles/2")
    page.get_by_test_id("cycle-edit").click()
    page.get_by_test_id("edit-cycle-start").fill("2025-01-07")
    page.get_by_test_id("edit-cycle-save").click()
    expect(page.get_by_test_id("edit-cycle-error")).to_have_text(
        "An active cycle keeps its start date"
    )
    page.get_by_test_id("edit-cycle-start").fill("2025-01-06")
    page.get_by_test_id("edit-cycle-name").fill("Sprint 2 (checkout)")
    page.get_by_test_id("edit-cycle-save").click()
    expect(page.get_by_test_id("cycle-name")).to_have_text("Sprint 2 (checkout)")
    expect(page.get_by_test_id("edit-cycle-form")).to_have_count(0)
    assert ok(admin.get("/api/cycles/2"))["name"] == "Sprint 2 (checkout)"


def test_completing_the_active_cycle_moves_unfinished_issues_on(login, admin):
    page = login(ADA, path="/cycles/4")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("cycle-complete").click()
    expect(page.get_by_test_id("toast")).to_contain_text(
        "Completed Cycle 1; moved 6 issues to Cycle 2"
    )
    expect(page.get_by_test_id("cycle-status-4")).to_have_text("completed")
    expect(page.get_by_test_id("cycle-complete")).to_have_count(0)
    expect(page.get_by_test_id("cycle-edit")).to_have_count(0)
    assert len(ok(admin.get("/api/cycles/5"))["issues"]) == 8


def test_a_member_who_does_not_manage_the_project_sees_no_cycle_controls(login):
    page = login("dan@board.test", path="/projects/WEB/cycles")
    expect(page.get_by_test_id("cycle-row-2")).to_be_visible()
    expect(page.get_by_test_id("new-cycle-form")).to_have_count(0)
    expect(page.get_by_test_id("cycle-complete-2")).to_have_count(0)
