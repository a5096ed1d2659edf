# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""GET /api/notifications and the unread count: who is notified of what, preferences, reading
one or all notifications, and paging the inbox."""

from conftest import ADA, BEN, CLEO, DAN, EVE, FARAH, GUS, HANA, error_of, ok


def test_unread_counts_match_the_seeded_inboxes(api_as):
    counts = {
        email: ok(api_as(email).get("/api/notifications/unread-count"))["count"]
        for email in (ADA, BEN, CLEO, DAN, EVE, FARAH)
    }
    assert counts == {ADA: 3, BEN: 0, CLEO: 1, DAN: 2, EVE: 0, FARAH: 0}


def test_notifications_are_newest_first_with_actor_issue_and_detail(admin):
    page = ok(admin.get("/api/notifications"))
    assert page["total"] == 4
    got = [(n["type"], n["issue"]["key"], n["actor"]["name"], n["read"]) for n in page["items"]]
    assert got == [
        ("commented", "WEB-4", "Gus Lindqvist", False),
        ("status_changed", "WEB-4", "Gus Lindqvist", False),
        ("mentioned", "WEB-1", "Ben Carter", True),
        ("assigned", "INF-10", "Dan Okafor", False),
    ]
    assert page["items"][1]["detail"] == "in_review"
    assert page["items"][0]["detail"].startswith("Ready for review")
    unread = ok(admin.get("/api/notifications?unread=true"))
    assert [n["id"] for n in unread["items"]] == [4, 3, 2]


def test_marking_one_read_answers_the_unread_count_left(admin):
    assert ok(admin.post("/api/notifications/3/read")) == {"count": 2}
    assert ok(admin.post("/api/notifications/3/read")) == {"count": 2}
    assert ok(admin.get("/api/notifications/unread-count")) == {"count": 2}


def test_marking_all_read_empties_only_the_viewers_unread_list(api_as):
    ada = api_as(ADA)
    assert ok(ada.post("/api/notifications/read-all")) == {"count": 0}
    assert ok(ada.get("/api/notifications?unread=true"))["items"] == []
    assert ok(api_as(DAN).get("/api/notifications/unread-count")) == {"count": 2}


def test_another_users_notification_cannot_be_marked_read(api):
    api.login(BEN)
    body = error_of(api.post("/api/notifications/3/read"), 404)
    assert body["error"] == "Notification not found"


def test_assigning_someone_notifies_them_but_not_yourself(api_as):
    ben = api_as(BEN)
    ok(ben.patch("/api/issues/WEB-11", {"assignee_id": 4}))
    ok(ben.patch("/api/issues/WEB-9", {"assignee_id": 2}))  # already Ben's: no change
    ok(ben.patch("/api/issues/WEB-7", {"assignee_id": 2}))  # himself
    first = ok(api_as(DAN).get("/api/notifications"))["items"][0]
    assert (first["type"], first["issue"]["key"], first["actor"]["name"], first["read"]) == (
        "assigned",
        "WEB-11",
        "Ben Carter",
        False,
    )
    assert ok(ben.get("/api/notifications/unread-count")) == {"count": 0}


def test_a_status_change_notifies_the_issue_creator(api_as):
    ok(api_as(DAN).patch("/api/issues/WEB-2", {"status": "in_progress"}))
    first = ok(api_as(CLEO).get("/api/notifications"))["items"][0]
    assert (first["type"], first["issue"]["key"], first["detail"], first["actor"]["name"]) == (
        "status_changed",
        "WEB-2",
        "in_progress",
        "Dan Okafor",
    )


def test_a_comment_notifies_subscribers_except_its_author(api_as):
    ok(api_as(GUS).post("/api/issues/WEB-2/comments", {"body": "Seen on Safari 18 too."}), 201)
    cleo = ok(api_as(CLEO).get("/api/notifications"))["items"][0]  # creator and assignee
    assert (cleo["type"], cleo["issue"]["key"], cleo["detail"]) == (
        "commented",
        "WEB-2",
        "Seen on Safari 18 too.",
    )
    eve = ok(api_as(EVE).get("/api/notifications"))["items"]  # an earlier commenter
    assert [(n["type"], n["issue"]["key"]) for n in eve] == [("commented", "WEB-2")]
    assert ok(api_as(GUS).get("/api/notifications/unread-count")) == {"count": 0}
    assert ok(api_as(DAN).get("/api/notifications/unread-count")) == {"count": 2}  # not subscribed


def test_a_kind_turned_off_in_the_preferences_is_not_sent(api_as):
    dan = api_as(DAN)
    ok(dan.patch("/api/me", {"notification_prefs": {"assigned": False}}))
    ok(api_as(BEN).patch("/api/issues/WEB-11", {"assignee_id": 4}))
    assert ok(dan.get("/api/notifications/unread-count")) == {"count": 2}


def test_nobody_is_told_about_a_project_they_cannot_see(api_as):
    ok(api_as(CLEO).post("/api/issues/MOB-1/comments", {"body": "@eve @hana please check"}), 201)
    assert ok(api_as(EVE).get("/api/notifications"))["total"] == 0
    hana = ok(api_as(HANA).get("/api/notifications"))["items"]
    assert [(n["type"], n["issue"]["key"]) for n in hana] == [("mentioned", "MOB-1")]


def test_the_inbox_pages_with_a_cursor(api_as):
    ada = api_as(ADA)
    first = ok(ada.get("/api/notifications?limit=2"))
    assert (len(first["items"]), first["total"]) == (2, 4)
    second = ok(ada.get(f"/api/notifications?limit=2&cursor={first['next_cursor']}"))
    assert [n["id"] for n in first["items"] + second["items"]] == [4, 3, 1, 2]
    assert second["next_cursor"] is None
