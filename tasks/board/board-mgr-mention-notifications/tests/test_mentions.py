# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""@mentions in comments notify exactly the people the comment box says it notifies: handles in
any case, followed by punctuation, but never inside code; edits notify the newly mentioned."""

from playwright.sync_api import expect

USERS = {"ada": 1, "ben": 2, "cleo": 3, "dan": 4, "gus": 7}


def _mentioned(api, handle, comment_id):
    api.login(f"{handle}@board.test")
    status, page = api.get("/api/notifications?limit=200")
    assert status == 200, page
    return [item for item in page["items"] if item["type"] == "mentioned" and item["comment_id"] == comment_id]


def _post(api, author, key, body):
    api.login(f"{author}@board.test")
    status, comment = api.post(f"/api/issues/{key}/comments", {"body": body})
    assert status == 201, comment
    return comment["id"]


def _expect_mentions(api, comment_id, body, notified, not_notified):
    for handle in notified:
        got = _mentioned(api, handle, comment_id)
        assert len(got) == 1, f"comment {body!r}: @{handle} should get one 'mentioned' notification, got {len(got)}"
    for handle in not_notified:
        got = _mentioned(api, handle, comment_id)
        assert not got, f"comment {body!r}: {handle} is not mentioned there but got a 'mentioned' notification"


def test_mentions_ignore_case(login, api):
    page = login("ben@board.test", path="/issues/WEB-5")
    body = "@Cleo can you check the export on Safari?"
    page.get_by_test_id("comment-input").fill(body)
    expect(page.get_by_test_id("comment-mentions")).to_contain_text("@cleo")
    page.get_by_test_id("comment-submit").click()
    expect(page.get_by_test_id("comment-input")).to_have_value("")
    api.login("ben@board.test")
    status, comments = api.get("/api/issues/WEB-5/comments")
    assert status == 200, comments
    comment_id = comments[-1]["id"]
    assert comments[-1]["body"] == body, f"setup: the last comment of WEB-5 should be Ben's, got {comments[-1]}"
    _expect_mentions(api, comment_id, body, ["cleo"], ["dan", "gus"])

    body = "@DAN and @Ada please review before Friday"
    comment_id = _post(api, "gus", "WEB-5", body)
    _expect_mentions(api, comment_id, body, ["dan", "ada"], ["cleo"])


def test_mentions_followed_by_punctuation(api):
    body = "Thanks @cleo. Over to (@dan), @gus, and @ben..."
    comment_id = _post(api, "ada", "WEB-5", body)
    _expect_mentions(api, comment_id, body, ["cleo", "dan", "gus", "ben"], [])


def test_no_mentions_inside_code(api):
    body = "Use `@dan` in the template:\n```\nnotify(@gus)\n```\nthen ask @cleo to deploy."
    comment_id = _post(api, "ada", "WEB-5", body)
    _expect_mentions(api, comment_id, body, ["cleo"], ["dan", "gus"])


def test_edit_notifies_only_new_mentions(api):
    body = "@Cleo please review"
    comment_id = _post(api, "gus", "WEB-5", body)
    _expect_mentions(api, comment_id, body, ["cleo"], ["dan"])
    api.login("gus@board.test")
    edited = "@Cleo please review, @Dan too"
    status, comment = api.patch(f"/api/comments/{comment_id}", {"body": edited})
    assert status == 200, comment
    _expect_mentions(api, comment_id, edited, ["cleo", "dan"], ["ben"])
