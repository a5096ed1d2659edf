"""Reproduction steps: on ticket #1, type a remark as an internal note, then switch the box to Public reply."""

REMARK = "Checked the auth logs, her account is locked after 5 failed attempts"


def reproduce(user):
    posts = []
    user.page.on(
        "request",
        lambda request: posts.append(request.url)
        if request.method == "POST" and request.url.endswith("/comments")
        else None,
    )
    user.login("sam@desk.test", path="/tickets/1")
    entries = user.page.get_by_test_id("conversation").locator("article")
    with user.step("Look at ticket #1"):
        user.page.get_by_test_id("comment-2").wait_for()
        user.note(f"Entries in the conversation: {entries.count()}")
    with user.step("Click 'Internal note' and type a remark"):
        user.page.get_by_test_id("composer-tab-internal").click()
        user.page.get_by_test_id("composer-input").fill(REMARK)
    with user.step("Click the 'Public reply' tab"):
        user.page.get_by_test_id("composer-tab-public").click()
        try:
            # give a request the page may have sent the time to come back
            user.page.wait_for_load_state("networkidle", timeout=2000)
        except Exception:
            pass
        box = user.page.get_by_test_id("composer-input").input_value()
        user.note(f"Reply box now contains: {box!r}")
        user.note(f"Comments sent by the page: {len(posts)}")
        user.note(f"Entries in the conversation: {entries.count()}")
        user.note("Last entry: " + entries.last.inner_text().replace("\n", " | "))
