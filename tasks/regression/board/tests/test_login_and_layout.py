# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""The login form and the signed-in shell: errors, the page asked for after signing in, the
session across reloads, signing out, the sidebar, the role in the top bar and not-found pages."""

import re

from conftest import ADA, EVE
from playwright.sync_api import expect


def test_signing_in_shows_the_page_that_was_opened_with_its_query(login):
    page = login(ADA, path="/projects/WEB?status=todo")
    expect(page.get_by_test_id("project-list-page")).to_be_visible()
    expect(page.get_by_test_id("project-name")).to_have_text("Web")
    expect(page.get_by_test_id("filter-status")).to_contain_text("Todo")
    expect(page.get_by_test_id("issue-count")).to_have_text("7 issues")
    expect(page.get_by_test_id("current-user")).to_have_text("Ada Lovelace")
    expect(page.get_by_test_id("current-role")).to_have_text("admin")
    expect(page.get_by_test_id("workspace-name")).to_have_text("Acme")


def test_empty_fields_and_a_wrong_password_show_errors_and_keep_the_form(page):
    page.goto("/inbox")
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("login-error")).to_have_text("Enter your email and password.")
    page.get_by_test_id("login-email").fill(ADA)
    page.get_by_test_id("login-password").fill("wrong")
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("login-error")).to_have_text("Wrong email or password")
    expect(page.get_by_test_id("login-submit")).to_be_enabled()
    expect(page.get_by_test_id("sidebar")).to_have_count(0)


def test_the_session_survives_a_reload_until_signing_out(login):
    page = login(ADA, path="/inbox")
    expect(page.get_by_test_id("inbox-page")).to_be_visible()
    page.reload()
    expect(page.get_by_test_id("inbox-page")).to_be_visible()
    expect(page.get_by_test_id("login-form")).to_have_count(0)
    page.get_by_test_id("logout").click()
    expect(page.get_by_test_id("login-form")).to_be_visible()
    page.reload()
    expect(page.get_by_test_id("login-form")).to_be_visible()


def test_the_home_page_redirects_to_my_issues_sorted_by_last_update(login):
    page = login(ADA, path="/")
    expect(page).to_have_url(re.compile(r"/my-issues$"))
    expect(page.get_by_test_id("issue-count")).to_have_text("2 issues")
    rows = page.locator("li.issue-row")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_have_attribute("data-testid", "issue-row-INF-10")
    expect(page.get_by_test_id("issue-row-due-INF-10")).to_have_attribute("data-overdue", "true")


def test_a_guest_sees_only_their_project_and_no_new_issue_button(login):
    page = login(EVE, path="/projects")
    expect(page.get_by_test_id("project-list").locator("article.project-card")).to_have_count(1)
    expect(page.get_by_test_id("nav-project-WEB")).to_be_visible()
    expect(page.get_by_test_id("nav-project-MOB")).to_have_count(0)
    expect(page.get_by_test_id("nav-project-INF")).to_have_count(0)
    expect(page.get_by_test_id("current-role")).to_have_text("guest")
    expect(page.get_by_test_id("new-issue")).to_have_count(0)
    expect(page.get_by_test_id("unread-badge")).to_have_count(0)


def test_unknown_addresses_and_hidden_issues_show_page_not_found(login):
    page = login(EVE, path="/issues/MOB-1")
    expect(page.get_by_test_id("not-found")).to_contain_text("Page not found")
    expect(page.get_by_test_id("issue-page")).to_have_count(0)
    page.goto("/projects/INF")
    expect(page.get_by_test_id("not-found")).to_be_visible()
    page.goto("/no/such/page")
    expect(page.get_by_test_id("not-found")).to_be_visible()
    page.get_by_test_id("not-found-home").click()
    expect(page.get_by_test_id("my-issues-page")).to_be_visible()
