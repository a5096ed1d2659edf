# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""The sign-in page, the signed-in layout (sidebar, top bar) and unknown pages."""

from conftest import ALICE, BOB, CAROL, HENRI, assert_no_reload, mark_page
from playwright.sync_api import expect


def test_login_lands_on_the_workspace_reports(login):
    page = login(ALICE)
    expect(page).to_have_url("/w/1")
    expect(page.get_by_test_id("current-user")).to_contain_text("Alice Admin")
    expect(page.get_by_test_id("current-workspace")).to_have_text("Acme Travel")
    expect(page.get_by_test_id("current-role")).to_have_text("Admin")
    expect(page.get_by_test_id("report-row-1")).to_be_visible()


def test_wrong_password_shows_an_error_and_stays_signed_out(page):
    page.goto("/")
    page.get_by_test_id("login-email").fill(ALICE)
    page.get_by_test_id("login-password").fill("wrong")
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("login-error")).to_contain_text("Incorrect email or password")
    expect(page.get_by_test_id("sidebar")).to_have_count(0)


def test_deep_link_opens_after_signing_in(page):
    page.goto("/reports/2")
    expect(page).to_have_url("/login?next=%2Freports%2F2")
    page.get_by_test_id("login-email").fill(BOB)
    page.get_by_test_id("login-password").fill("password")
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("report-title")).to_have_text("Q2 office supplies")
    expect(page).to_have_url("/reports/2")


def test_sign_out_returns_to_the_login_form(login):
    page = login(ALICE)
    page.get_by_test_id("logout-button").click()
    expect(page.get_by_test_id("login-form")).to_be_visible()
    expect(page).to_have_url("/login")
    page.goto("/w/1")
    expect(page.get_by_test_id("login-form")).to_be_visible()


def test_sidebar_lists_workspaces_and_rooms_and_role_per_user(login):
    page = login(CAROL)
    expect(page.get_by_test_id("workspace-link-1")).to_contain_text("Acme Travel")
    expect(page.get_by_test_id("workspace-link-2")).to_have_count(0)
    expect(page.get_by_test_id("room-link-1")).to_contain_text("general")
    expect(page.get_by_test_id("room-link-2")).to_contain_text("travel")
    expect(page.get_by_test_id("current-role")).to_have_text("Auditor")


def test_switching_workspace_updates_role_rooms_and_currency_in_place(login):
    page = login(ALICE)
    expect(page.get_by_test_id("room-link-1")).to_be_visible()
    mark_page(page)
    page.get_by_test_id("workspace-link-2").click()
    expect(page).to_have_url("/w/2")
    expect(page.get_by_test_id("current-workspace")).to_have_text("Euro Ops")
    expect(page.get_by_test_id("current-role")).to_have_text("Member")
    expect(page.get_by_test_id("room-link-3")).to_be_visible()
    expect(page.get_by_test_id("room-link-1")).to_have_count(0)
    expect(page.get_by_test_id("reports-empty")).to_be_visible()  # Alice owns no Euro Ops report
    assert_no_reload(page, "clicking a workspace in the sidebar")


def test_euro_admin_sees_euro_amounts(login):
    page = login(HENRI, path="/w/2")
    expect(page.get_by_test_id("report-amount-6")).to_have_text("€205.82")
    expect(page.get_by_test_id("report-amount-7")).to_have_text("€210.00")


def test_unknown_page_shows_not_found_with_a_way_home(login):
    page = login(ALICE, path="/no/such/page")
    expect(page.get_by_test_id("not-found")).to_be_visible()
    mark_page(page)
    page.get_by_test_id("not-found").get_by_role("link").click()
    expect(page.get_by_test_id("report-list")).to_be_visible()
    assert_no_reload(page, "the not-found page's link")
