# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""The settings page: admins change them, agents read them, customers have none."""

import re

from playwright.sync_api import expect


def test_settings_link_opens_the_form_in_place(login):
    page = login("ada@desk.test")
    expect(page.get_by_test_id("view-title")).to_be_visible()
    page.evaluate("window.__marker = 1")
    page.get_by_test_id("nav-settings").click()
    expect(page).to_have_url(re.compile(r"/settings$"))
    expect(page.get_by_test_id("settings-company-name")).to_have_value("Northwind Support")
    for priority, hours in {"urgent": "4", "high": "8", "normal": "24", "low": "72"}.items():
        expect(page.get_by_test_id(f"settings-sla-{priority}")).to_have_value(hours)
    expect(page.get_by_test_id("settings-default-assignee")).to_have_value("")
    expect(page.get_by_test_id("settings-readonly")).to_have_count(0)
    assert page.evaluate("window.__marker") == 1, "opening the settings reloaded the whole page"


def test_admin_saves_settings_and_sidebar_shows_the_new_name(login, api_as):
    page = login("ada@desk.test", path="/settings")
    page.get_by_test_id("settings-company-name").fill("Bakery Help Center")
    page.get_by_test_id("settings-sla-normal").fill("12")
    page.get_by_test_id("settings-default-assignee").select_option("2")
    page.get_by_test_id("settings-save").click()
    expect(page.get_by_test_id("settings-saved")).to_be_visible()
    expect(page.get_by_test_id("company-name")).to_have_text("Bakery Help Center")
    expect(page).to_have_title("Bakery Help Center")
    status, settings = api_as("sam@desk.test").get("/api/settings")
    assert status == 200 and settings == {
        "company_name": "Bakery Help Center",
        "sla_hours": {"low": 72, "normal": 12, "high": 8, "urgent": 4},
        "default_assignee_id": 2,
    }, f"saved settings: {settings}"
    page.get_by_test_id("settings-company-name").fill("Bakery Help")
    expect(page.get_by_test_id("settings-saved")).to_have_count(0)


def test_out_of_order_sla_targets_show_an_error_and_keep_the_form(login, api_as):
    page = login("ada@desk.test", path="/settings")
    page.get_by_test_id("settings-company-name").fill("Typed name")
    page.get_by_test_id("settings-sla-urgent").fill("48")
    page.get_by_test_id("settings-save").click()
    expect(page.get_by_test_id("settings-error-sla_hours")).to_be_visible()
    expect(page.get_by_test_id("settings-saved")).to_have_count(0)
    expect(page.get_by_test_id("settings-company-name")).to_have_value("Typed name")
    expect(page.get_by_test_id("settings-sla-urgent")).to_have_value("48")
    expect(page.get_by_test_id("company-name")).to_have_text("Northwind Support")
    assert api_as("sam@desk.test").get("/api/settings")[1]["company_name"] == "Northwind Support"


def test_cleared_target_shows_an_error_on_that_field(login):
    page = login("ada@desk.test", path="/settings")
    page.get_by_test_id("settings-sla-low").fill("")
    page.get_by_test_id("settings-save").click()
    expect(page.get_by_test_id("settings-error-sla_hours.low")).to_be_visible()
    expect(page.get_by_test_id("settings-error-sla_hours.urgent")).to_have_count(0)
    expect(page.get_by_test_id("settings-saved")).to_have_count(0)


def test_agent_sees_settings_read_only(login):
    page = login("sam@desk.test", path="/settings")
    expect(page.get_by_test_id("settings-readonly")).to_be_visible()
    expect(page.get_by_test_id("settings-company-name")).to_have_value("Northwind Support")
    expect(page.get_by_test_id("settings-company-name")).to_be_disabled()
    expect(page.get_by_test_id("settings-sla-urgent")).to_be_disabled()
    expect(page.get_by_test_id("settings-default-assignee")).to_be_disabled()
    expect(page.get_by_test_id("settings-save")).to_have_count(0)


def test_customer_has_no_settings(login):
    page = login("carla@desk.test", path="/settings")
    expect(page.get_by_test_id("settings-error")).to_be_visible()
    expect(page.get_by_test_id("settings-form")).to_have_count(0)
    expect(page.get_by_test_id("nav-settings")).to_have_count(0)


def test_unknown_page_shows_not_found_with_a_way_back(login):
    page = login("sam@desk.test", path="/no/such/page")
    expect(page.get_by_test_id("not-found")).to_be_visible()
    expect(page.get_by_test_id("sidebar")).to_be_visible()
    page.get_by_test_id("not-found").get_by_role("link").click()
    expect(page.get_by_test_id("view-title")).to_have_text("My unsolved tickets")
    page.goto("/tickets/abc")
    expect(page.get_by_test_id("not-found")).to_be_visible()
