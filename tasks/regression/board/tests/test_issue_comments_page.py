# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""The issue page's activity: comments (posting, escaped markdown, @mention preview, drafts kept
per issue across navigation and reloads, editing and deleting) and the history of changes."""

from conftest import ADA, BEN, GUS, ok
from playwright.sync_api import expect

NEXT_COMMENT = 16


def open_issue(login, key, email=ADA):
    page = login(email, path=f"/issues/{key}")
    expect(page.get_by_test_id("issue-page")).to_be_visible()
    expect(page.get_by_test_id("timeline")).to_be_visible()
    return page


def test_the_timeline_merges_history_and_comments_oldest_first(login):
    page = open_issue(login, "WEB-3")
    items = page.get_by_test_id("timeline").locator(":scope > li")
    expect(items).to_have_count(4)
    expect(items.nth(0)).to_contain_text("Ben Carter created the issue")
    expect(items.nth(1)).to_contain_text("Dan Okafor changed status from Todo to In Progress")
    expect(items.nth(2)).to_have_attribute("data-testid", "comment-4")
    expect(items.nth(3)).to_have_attribute("data-testid", "comment-5")
    expect(page.get_by_test_id("comment-count")).to_have_text("2 comments")


def test_comment_markdown_is_rendered_and_raw_html_stays_text(login):
    page = open_issue(login, "WEB-2")
    body = page.get_by_test_id("comment-body-3")
    expect(body).to_have_text("Still broken for me: <b>Safari 17.2</b> on a MacBook Air.")
    expect(body.locator("b")).to_have_count(0)
    expect(page.get_by_test_id("comment-author-3")).to_have_text("Eve Martin")
    page.goto("/issues/WEB-1")
    first = page.get_by_test_id("comment-body-1")
    expect(first.locator("strong")).to_have_text("shipping step")
    expect(first.get_by_test_id("mention-ada")).to_have_text("@ada")
    expect(page.get_by_test_id("comment-body-2").locator("li")).to_have_count(2)


def test_posting_a_comment_adds_it_and_clears_the_composer_and_its_draft(login, api):
    page = open_issue(login, "WEB-2", email=BEN)
    expect(page.get_by_test_id("comment-submit")).to_be_disabled()
    page.get_by_test_id("comment-input").fill("Fixed in **staging**, please retest.")
    page.get_by_test_id("comment-submit").click()
    comment = page.get_by_test_id(f"comment-{NEXT_COMMENT}")
    expect(comment.get_by_test_id(f"comment-body-{NEXT_COMMENT}").locator("strong")).to_have_text(
        "staging"
    )
    expect(page.get_by_test_id(f"comment-author-{NEXT_COMMENT}")).to_have_text("Ben Carter")
    expect(page.get_by_test_id("comment-input")).to_have_value("")
    expect(page.get_by_test_id("comment-count")).to_have_text("2 comments")
    page.reload()  # the posted comment's draft is gone
    expect(page.get_by_test_id(f"comment-{NEXT_COMMENT}")).to_be_visible()
    expect(page.get_by_test_id("comment-input")).to_have_value("")
    api.login(BEN)
    saved = ok(api.get("/api/issues/WEB-2/comments"))[-1]
    assert (saved["id"], saved["body"]) == (NEXT_COMMENT, "Fixed in **staging**, please retest.")


def test_the_composer_previews_who_a_mention_notifies(login):
    page = open_issue(login, "WEB-2")
    page.get_by_test_id("comment-input").fill("@ben and @Cleo please look, not `@dan`")
    expect(page.get_by_test_id("comment-mentions")).to_have_text("Notifies @ben, @cleo")
    page.get_by_test_id("comment-preview-tab").click()
    expect(page.get_by_test_id("comment-preview").get_by_test_id("mention-ben")).to_have_text(
        "@ben"
    )
    expect(page.get_by_test_id("comment-preview").locator("code")).to_have_text("@dan")


def test_a_comment_draft_is_kept_per_issue_across_navigation_and_reload(login):
    page = open_issue(login, "WEB-2")
    page.get_by_test_id("comment-input").fill("Half-written thought about Safari")
    page.get_by_test_id("relation-link-2").click()  # WEB-2 relates to WEB-1
    expect(page.get_by_test_id("issue-key")).to_have_text("WEB-1")
    expect(page.get_by_test_id("comment-input")).to_have_value("")
    page.get_by_test_id("comment-input").fill("Another draft for WEB-1")
    page.go_back()
    expect(page.get_by_test_id("issue-key")).to_have_text("WEB-2")
    expect(page.get_by_test_id("comment-input")).to_have_value("Half-written thought about Safari")
    page.reload()
    expect(page.get_by_test_id("comment-input")).to_have_value("Half-written thought about Safari")
    page.go_forward()
    expect(page.get_by_test_id("issue-key")).to_have_text("WEB-1")
    expect(page.get_by_test_id("comment-input")).to_have_value("Another draft for WEB-1")


def test_the_author_edits_a_recent_comment_and_it_shows_edited(login, api):
    page = open_issue(login, "WEB-4", email=GUS)
    page.get_by_test_id("comment-edit-9").click()
    page.get_by_test_id("comment-edit-body-9-input").fill("Ready for review: all routes migrated.")
    page.get_by_test_id("comment-edit-save-9").click()
    expect(page.get_by_test_id("comment-body-9")).to_have_text(
        "Ready for review: all routes migrated."
    )
    expect(page.get_by_test_id("comment-edited-9")).to_have_text("(edited)")
    api.login(GUS)
    assert ok(api.get("/api/issues/WEB-4/comments"))[0]["edited"] is True


def test_an_admin_deletes_others_comments_but_edits_none_after_15_minutes(login, api):
    page = open_issue(login, "WEB-1")
    expect(page.get_by_test_id("comment-edit-2")).to_have_count(0)  # Ada's own, too old
    expect(page.get_by_test_id("comment-edit-1")).to_have_count(0)  # Ben's
    page.get_by_test_id("relation-link-2").click()
    expect(page.get_by_test_id("issue-key")).to_have_text("WEB-2")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("comment-delete-3").click()
    expect(page.get_by_test_id("comment-3")).to_have_count(0)
    expect(page.get_by_test_id("comment-count")).to_have_text("0 comments")
    api.login(ADA)
    assert ok(api.get("/api/issues/WEB-2/comments")) == []
