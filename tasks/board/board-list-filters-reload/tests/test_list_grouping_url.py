# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""A project list's grouping lives in its address like its filters and sort: it survives a
reload and Back, a shared link or a saved view opens grouped, and a saved view keeps it."""

from playwright.sync_api import expect


def group_ids(page):
    sections = page.get_by_test_id("issue-list").locator("section[data-testid^='issue-group-']")
    return [s.get_attribute("data-testid").removeprefix("issue-group-") for s in sections.all()]


def expect_grouping(page, group, ids, why):
    """`group` is the Group by choice ('' for none); `ids` the groups shown, in order."""
    expect(page.get_by_test_id("issue-list")).to_be_visible()
    try:
        expect(page.get_by_test_id("group-select")).to_have_value(group)
        sections = page.get_by_test_id("issue-list").locator("section[data-testid^='issue-group-']")
        expect(sections).to_have_count(len(ids))
        for index, group_id in enumerate(ids):
            expect(sections.nth(index)).to_have_attribute("data-testid", f"issue-group-{group_id}")
    except AssertionError:
        chosen = page.get_by_test_id("group-select").input_value()
        raise AssertionError(
            f"{why}: the list should be grouped by {group or 'nothing'} with groups {ids}; "
            f"Group by shows {chosen or 'No grouping'} and the groups are {group_ids(page)}"
        ) from None


# WEB's open and closed issues by priority, and by assignee (people by name, unassigned last)
BY_PRIORITY = ["urgent", "high", "medium", "low", "none"]
BY_STATUS = ["backlog", "todo", "in_progress", "in_review", "done", "canceled"]


def test_grouping_survives_a_reload_and_back(login, page):
    login("ben@board.test", path="/projects/WEB")
    expect_grouping(page, "", [], "on arrival")
    page.get_by_test_id("sort-select").select_option("due")
    page.get_by_test_id("group-select").select_option("priority")
    expect_grouping(page, "priority", BY_PRIORITY, "after choosing Group by Priority")

    page.reload()
    expect_grouping(page, "priority", BY_PRIORITY, "after a reload")
    expect(page.get_by_test_id("sort-select")).to_have_value("due")

    page.get_by_test_id("issue-link-WEB-3").click()
    expect(page.get_by_test_id("issue-key")).to_have_text("WEB-3")
    page.go_back()
    expect_grouping(page, "priority", BY_PRIORITY, "after opening an issue and going Back")

    page.get_by_test_id("group-select").select_option("")
    expect_grouping(page, "", [], "after choosing No grouping")
    page.reload()
    expect_grouping(page, "", [], "after choosing No grouping and reloading")
    expect(page.get_by_test_id("sort-select")).to_have_value("due")


def test_a_shared_link_opens_grouped(login, page):
    login("ada@board.test", path="/projects/WEB?status=todo,in_progress&group=assignee&sort=due")
    # todo and in progress: Ben, Cleo, Dan, Gus by name (every one of them is assigned)
    expect_grouping(page, "assignee", ["2", "3", "4", "7"], "opening a link grouped by assignee")
    expect(page.get_by_test_id("filter-status")).to_contain_text("Todo +1")

    page.get_by_test_id("group-select").select_option("status")
    expect_grouping(page, "status", ["todo", "in_progress"], "after switching to Group by Status")
    page.reload()
    expect_grouping(page, "status", ["todo", "in_progress"], "after switching to Group by Status and reloading")


def test_saved_views_open_and_keep_the_grouping(login, page, api):
    login("ben@board.test", path="/projects/WEB")
    page.get_by_test_id("group-select").select_option("status")
    expect_grouping(page, "status", BY_STATUS, "after choosing Group by Status")

    # Ben's saved view "Web bugs by assignee" is label=1&group=assignee
    page.get_by_test_id("saved-view-link-3").click()
    expect_grouping(page, "assignee", ["3", "4", "none"], "after opening the saved view 'Web bugs by assignee'")
    expect(page.get_by_test_id("filter-label")).to_contain_text("Bug")
    page.go_back()
    expect_grouping(page, "status", BY_STATUS, "Back from the saved view")
    page.go_forward()
    expect_grouping(page, "assignee", ["3", "4", "none"], "Forward to the saved view again")

    page.get_by_test_id("group-select").select_option("priority")
    expect_grouping(page, "priority", ["urgent", "medium", "none"], "the saved view's bugs grouped by Priority")
    page.get_by_test_id("save-view").click()
    page.get_by_test_id("save-view-name").fill("Bugs by priority")
    page.get_by_test_id("save-view-submit").click()
    expect(page.get_by_test_id("saved-views")).to_contain_text("Bugs by priority")
    api.login("ben@board.test")
    status, views = api.get("/api/views")
    assert status == 200, views
    saved = [v for v in views if v["name"] == "Bugs by priority"]
    assert saved, views
    query = dict(part.split("=", 1) for part in saved[0]["query"].split("&") if part)
    assert query.get("group") == "priority" and query.get("label") == "1", (
        f"the saved view should keep the label filter and the grouping by priority, it saved {saved[0]['query']!r}"
    )
