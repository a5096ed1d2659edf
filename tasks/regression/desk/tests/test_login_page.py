# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""Signing in and out through the login form."""

from playwright.sync_api import expect


def test_wrong_password_shows_an_error_and_keeps_the_form(page):
    page.goto("/")
    page.get_by_test_id("login-email").fill("sam@desk.test")
    page.get_by_test_id("login-password").fill("wrong")
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("login-error")).to_contain_text("Incorrect email or password")
    expect(page.get_by_test_id("login-email")).to_have_value("sam@desk.test")
    expect(page.get_by_test_id("login-submit")).to_be_enabled()
    expect(page.get_by_test_id("sidebar")).to_have_count(0)


def test_signing_in_shows_the_user_and_their_first_view(login):
    page = login("sam@desk.test")
    expect(page.get_by_test_id("current-user")).to_have_text("Sam Sato")
    expect(page.get_by_test_id("current-role")).to_have_text("agent")
    expect(page.get_by_test_id("view-title")).to_have_text("My unsolved tickets")
    expect(page.get_by_test_id("company-name")).to_have_text("Northwind Support")


def test_signing_in_at_a_deep_link_stays_there(page):
    page.goto("/tickets/5")
    page.get_by_test_id("login-email").fill("sam@desk.test")
    page.get_by_test_id("login-password").fill("password")
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("ticket-subject")).to_have_text("Refund for a duplicate charge")
    assert page.url.endswith("/tickets/5"), f"signing in moved the page to {page.url}"


def test_session_survives_a_reload_and_sign_out_returns_to_the_form(login):
    page = login("carla@desk.test", path="/views/open-requests")
    expect(page.get_by_test_id("view-title")).to_have_text("Open requests")
    page.reload()
    expect(page.get_by_test_id("current-user")).to_have_text("Carla Gómez")
    page.get_by_test_id("logout").click()
    expect(page.get_by_test_id("login-form")).to_be_visible()
    page.reload()
    expect(page.get_by_test_id("login-form")).to_be_visible()


def test_a_revoked_session_returns_to_the_login_form(login, api):
    page = login("sam@desk.test")
    expect(page.get_by_test_id("ticket-row-1")).to_be_visible()
    token = page.evaluate("JSON.parse(localStorage.getItem('desk.session')).token")
    api.token = token
    status, _ = api.post("/api/logout")
    assert status == 200
    page.get_by_test_id("view-all").click()
    expect(page.get_by_test_id("login-form")).to_be_visible()
