# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""The projects page: project cards with their counts and links, creating a project (admins
only), archiving and showing archived projects, read-only archived projects."""

import re

from conftest import ADA, BEN, ok
from playwright.sync_api import expect


def test_project_cards_show_open_counts_leads_and_links(login):
    page = login(ADA, path="/projects")
    cards = page.get_by_test_id("project-list").locator("article.project-card")
    expect(cards).to_have_count(3)
    expect(cards.nth(0)).to_have_attribute("data-testid", "project-card-INF")
    expect(page.get_by_test_id("project-open-WEB")).to_have_text("14 open")
    expect(page.get_by_test_id("project-open-MOB")).to_have_text("10 open")
    expect(page.get_by_test_id("project-card-WEB")).to_contain_text("3 closed")
    expect(page.get_by_test_id("project-card-WEB")).to_contain_text("6 members")
    expect(page.get_by_test_id("project-card-WEB")).to_contain_text("Lead: Ben Carter")
    page.get_by_test_id("project-active-cycle-WEB").click()
    expect(page).to_have_url(re.compile(r"/cycles/2$"))
    expect(page.get_by_test_id("cycle-name")).to_have_text("Sprint 2")


def test_an_admin_creates_a_project_with_a_suggested_key_after_a_taken_one(login, admin):
    page = login(ADA, path="/projects")
    page.get_by_test_id("new-project").click()
    page.get_by_test_id("new-project-name").fill("Design System")
    expect(page.get_by_test_id("new-project-key")).to_have_value("DS")
    page.get_by_test_id("new-project-key").fill("web")
    page.get_by_test_id("new-project-submit").click()
    expect(page.get_by_test_id("new-project-error")).to_have_text("The key WEB is already used")
    page.get_by_test_id("new-project-key").fill("ds")
    page.get_by_test_id("new-project-description").fill("Tokens and components.")
    page.get_by_test_id("new-project-submit").click()
    expect(page).to_have_url(re.compile(r"/projects/DS$"))
    expect(page.get_by_test_id("project-name")).to_have_text("Design System")
    expect(page.get_by_test_id("issue-list-empty")).to_be_visible()
    project = ok(admin.get("/api/projects/DS"))
    assert (project["name"], project["description"]) == ("Design System", "Tokens and components.")


def test_a_member_cannot_create_or_archive_projects(login):
    page = login(BEN, path="/projects")
    expect(page.get_by_test_id("project-card-MOB")).to_be_visible()
    expect(page.get_by_test_id("new-project")).to_have_count(0)
    expect(page.get_by_test_id("project-archive-MOB")).to_have_count(0)


def test_archiving_hides_the_project_until_archived_ones_are_shown(login, admin):
    page = login(ADA, path="/projects")
    page.get_by_test_id("project-archive-MOB").click()
    expect(page.get_by_test_id("toast")).to_contain_text("Archived Mobile")
    expect(page.get_by_test_id("project-card-MOB")).to_have_count(0)
    assert ok(admin.get("/api/projects/MOB"))["archived"] is True
    page.get_by_test_id("show-archived").check()
    expect(page.get_by_test_id("project-card-MOB")).to_contain_text("Archived")
    page.get_by_test_id("project-archive-MOB").click()
    expect(page.get_by_test_id("project-card-MOB")).not_to_contain_text("Archived")
    assert ok(admin.get("/api/projects/MOB"))["archived"] is False


def test_an_archived_projects_board_is_read_only(login, admin):
    ok(admin.patch("/api/projects/WEB", {"archived": True}))
    page = login(BEN, path="/projects/WEB/board")
    expect(page.get_by_test_id("project-archived")).to_have_text("Archived")
    expect(page.get_by_test_id("board-card-WEB-2")).to_be_visible()
    expect(page.get_by_test_id("project-new-issue")).to_have_count(0)
    expect(page.get_by_test_id("card-menu-button-WEB-2")).to_have_count(0)
    expect(page.get_by_test_id("board-hint")).to_have_count(0)
