# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""Each issue keeps its own half-written comment while the user moves between issues, posts
comments elsewhere and reloads, until it is posted or emptied."""

from playwright.sync_api import expect

DRAFT_1 = "Half-written: the checkout redesign still needs"
DRAFT_9 = "Sidebar note, not finished"
DRAFT_INF = "Infra draft about the backups"


def open_issue(page, key, how):
    """Waits until the issue page of `key` shows, after `how` got there."""
    expect(page.get_by_test_id("issue-key")).to_have_text(key)
    expect(page.get_by_test_id("comment-form")).to_be_visible()
    return page.get_by_test_id("comment-input")


def expect_box(box, key, text, why):
    try:
        expect(box).to_have_value(text)
    except AssertionError:
        shown = box.input_value()
        raise AssertionError(f"{why}: the comment box of {key} should hold {text!r}, it holds {shown!r}") from None


def test_each_issue_keeps_its_own_draft(login, page):
    login("ben@board.test", path="/issues/WEB-1")
    box = open_issue(page, "WEB-1", "login")
    box.fill(DRAFT_1)

    page.get_by_test_id("sub-issue-WEB-9").get_by_role("link").click()
    box = open_issue(page, "WEB-9", "sub-issue link")
    expect_box(box, "WEB-9", "", "WEB-1's draft must not show up on WEB-9")
    box.fill(DRAFT_9)

    page.get_by_test_id("issue-parent-link").click()
    box = open_issue(page, "WEB-1", "parent link")
    expect_box(box, "WEB-1", DRAFT_1, "back on WEB-1 after writing on WEB-9")

    page.go_back()
    box = open_issue(page, "WEB-9", "Back")
    expect_box(box, "WEB-9", DRAFT_9, "Back to WEB-9")

    page.reload()
    box = open_issue(page, "WEB-9", "reload")
    expect_box(box, "WEB-9", DRAFT_9, "after reloading WEB-9")
    page.go_back()
    box = open_issue(page, "WEB-1", "Back after the reload")
    expect_box(box, "WEB-1", DRAFT_1, "WEB-1 after reloading WEB-9")


def test_posting_or_emptying_one_draft_keeps_the_others(login, page, api):
    login("ben@board.test", path="/issues/WEB-1")
    box = open_issue(page, "WEB-1", "login")
    box.fill(DRAFT_1)

    page.get_by_test_id("sub-issue-WEB-9").get_by_role("link").click()
    box = open_issue(page, "WEB-9", "sub-issue link")
    box.fill(DRAFT_9)
    page.get_by_test_id("comment-submit").click()
    expect(page.get_by_test_id("activity")).to_contain_text(DRAFT_9)
    expect_box(box, "WEB-9", "", "the posted comment leaves WEB-9's box")
    api.login("ben@board.test")
    status, comments = api.get("/api/issues/WEB-9/comments")
    assert status == 200 and [c["body"] for c in comments][-1:] == [DRAFT_9], comments

    page.get_by_test_id("issue-parent-link").click()
    box = open_issue(page, "WEB-1", "parent link")
    expect_box(box, "WEB-1", DRAFT_1, "posting a comment on WEB-9 must not wipe WEB-1's draft")

    # emptying WEB-10's box does not touch WEB-1's draft either; an emptied draft stays empty
    page.get_by_test_id("sub-issue-WEB-10").get_by_role("link").click()
    box = open_issue(page, "WEB-10", "sub-issue link")
    box.fill("Something I change my mind about")
    box.fill("")
    page.go_back()
    box = open_issue(page, "WEB-1", "Back")
    expect_box(box, "WEB-1", DRAFT_1, "emptying WEB-10's box must not wipe WEB-1's draft")
    page.go_forward()
    box = open_issue(page, "WEB-10", "Forward")
    expect_box(box, "WEB-10", "", "WEB-10's box was emptied")


def test_drafts_of_several_projects_survive_page_loads(login, page):
    login("ada@board.test", path="/issues/WEB-1")
    box = open_issue(page, "WEB-1", "login")
    box.fill(DRAFT_1)

    page.goto("/issues/INF-2")
    box = open_issue(page, "INF-2", "address bar")
    expect_box(box, "INF-2", "", "WEB-1's draft must not show up on INF-2")
    box.fill(DRAFT_INF)

    page.goto("/issues/MOB-2")
    box = open_issue(page, "MOB-2", "address bar")
    expect_box(box, "MOB-2", "", "no draft was written on MOB-2")

    page.goto("/issues/WEB-1")
    box = open_issue(page, "WEB-1", "address bar")
    expect_box(box, "WEB-1", DRAFT_1, "WEB-1 opened again from the address bar")
    page.goto("/issues/INF-2")
    box = open_issue(page, "INF-2", "address bar")
    expect_box(box, "INF-2", DRAFT_INF, "INF-2 opened again from the address bar")
