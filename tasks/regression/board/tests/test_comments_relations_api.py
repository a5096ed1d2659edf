# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""/api/issues/:key/comments, /api/comments/:id and /api/issues/:key/relations: posting, the
15-minute edit window, deletion rights, mentions, and blocks / blocked by / relates links."""

from conftest import ADA, BEN, CLEO, DAN, EVE, GUS, error_of, ok

NEXT_COMMENT = 16


def test_comments_are_listed_oldest_first_with_rights(api):
    api.login(ADA)
    comments = ok(api.get("/api/issues/WEB-1/comments"))
    assert [(c["id"], c["author"]["name"]) for c in comments] == [
        (1, "Ben Carter"),
        (2, "Ada Lovelace"),
    ]
    assert comments[0]["body"].startswith("First pass of the new flow is up. @ada")
    assert (comments[0]["can_edit"], comments[0]["can_delete"]) == (False, True)  # admin deletes
    assert (comments[1]["can_edit"], comments[1]["can_delete"]) == (False, True)  # too old to edit


def test_posting_a_comment_bumps_the_issue_and_subscribes_the_author(api, now):
    api.login(DAN)
    comment = ok(api.post("/api/issues/WEB-2/comments", {"body": "  I can reproduce it.  "}), 201)
    assert (comment["id"], comment["body"], comment["issue_key"]) == (
        NEXT_COMMENT,
        "I can reproduce it.",
        "WEB-2",
    )
    assert (comment["can_edit"], comment["can_delete"], comment["edited"]) == (True, True, False)
    issue = ok(api.get("/api/issues/WEB-2"))
    assert issue["updated_at"] == comment["created_at"]
    assert issue["updated_at"].startswith(now().strftime("%Y-%m-%dT"))
    assert (issue["comment_count"], issue["subscribed"]) == (2, True)


def test_an_empty_or_too_long_comment_is_a_400(admin):
    body = error_of(admin.post("/api/issues/WEB-2/comments", {"body": "   "}), 400)
    assert "A comment cannot be empty" in body["error"] and body["field"] == "body"
    body = error_of(admin.post("/api/issues/WEB-2/comments", {"body": "x" * 10001}), 400)
    assert body["field"] == "body"
    assert len(ok(admin.get("/api/issues/WEB-2/comments"))) == 1


def test_a_guest_may_comment_in_their_project_only(api):
    api.login(EVE)
    ok(api.post("/api/issues/WEB-6/comments", {"body": "Any news?"}), 201)
    error_of(api.post("/api/issues/MOB-1/comments", {"body": "Hello"}), 404)
    error_of(api.get("/api/issues/MOB-1/comments"), 404)


def test_the_author_edits_within_15_minutes_and_the_comment_is_marked_edited(api):
    api.login(GUS)  # comment 9 on WEB-4 was posted at 09:55
    edited = ok(api.patch("/api/comments/9", {"body": "Ready for review: every route migrated."}))
    assert (edited["body"], edited["edited"]) == ("Ready for review: every route migrated.", True)
    assert ok(api.get("/api/issues/WEB-4/comments"))[0]["edited"] is True


def test_editing_an_old_comment_is_a_409_and_another_users_a_403(api_as):
    ada = api_as(ADA)
    body = error_of(ada.patch("/api/comments/2", {"body": "Changed"}), 409)
    assert body["error"] == "Comments can only be edited within 15 minutes of posting"
    body = error_of(ada.patch("/api/comments/9", {"body": "Not mine"}), 403)
    assert body["error"] == "You can only edit your own comments"
    assert ok(ada.get("/api/issues/WEB-4/comments"))[0]["body"].startswith(
        "Ready for review: all routes"
    )


def test_the_author_or_an_admin_may_delete_a_comment_but_nobody_else(api_as):
    ben = api_as(BEN)
    body = error_of(ben.delete("/api/comments/3"), 403)
    assert body["error"] == "You can only delete your own comments"
    assert ok(ben.delete("/api/comments/5")) == {"ok": True}
    assert ok(api_as(ADA).delete("/api/comments/3")) == {"ok": True}
    assert [c["id"] for c in ok(ben.get("/api/issues/WEB-3/comments"))] == [4]
    assert ok(ben.get("/api/issues/WEB-2"))["comment_count"] == 0
    error_of(ben.delete("/api/comments/3"), 404)


def test_a_mention_notifies_the_mentioned_user_instead_of_a_commented_notice(api_as):
    dan = api_as(DAN)
    ok(dan.post("/api/issues/WEB-2/comments", {"body": "@cleo and @gus, see `@ben` here"}), 201)
    cleo = ok(api_as(CLEO).get("/api/notifications"))["items"][0]
    assert (cleo["type"], cleo["issue"]["key"], cleo["actor"]["name"]) == (
        "mentioned",
        "WEB-2",
        "Dan Okafor",
    )
    assert cleo["comment_id"] == NEXT_COMMENT
    assert cleo["detail"] == "@cleo and @gus, see `@ben` here"
    gus = ok(api_as(GUS).get("/api/notifications"))["items"]
    assert [(n["type"], n["issue"]["key"]) for n in gus] == [("mentioned", "WEB-2")]
    assert ok(api_as(BEN).get("/api/notifications/unread-count")) == {
        "count": 0
    }  # in code: no mention


def test_relations_show_on_both_sides_with_their_direction(admin):
    issue = ok(
        admin.post("/api/issues/WEB-10/relations", {"type": "blocked_by", "issue_key": "WEB-9"}),
        201,
    )
    assert [(r["type"], r["issue"]["key"]) for r in issue["relations"]] == [("blocked_by", "WEB-9")]
    assert issue["blocked"] is True
    other = ok(admin.get("/api/issues/WEB-9"))
    assert [(r["type"], r["issue"]["key"]) for r in other["relations"]] == [("blocks", "WEB-10")]
    mine = ok(admin.get("/api/issues/WEB-10/activity"))[-1]
    theirs = ok(admin.get("/api/issues/WEB-9/activity"))[-1]
    assert (mine["field"], mine["from"], mine["to"]) == ("relation", None, "blocked by WEB-9")
    assert (theirs["field"], theirs["from"], theirs["to"]) == ("relation", None, "blocks WEB-10")


def test_a_second_relation_between_the_same_issues_is_a_409(admin):
    body = error_of(
        admin.post("/api/issues/WEB-2/relations", {"type": "blocks", "issue_key": "WEB-1"}), 409
    )
    assert (body["error"], body["field"]) == ("WEB-2 and WEB-1 are already related", "issue_key")


def test_an_issue_cannot_relate_to_itself_or_to_an_unknown_issue(admin):
    body = error_of(
        admin.post("/api/issues/WEB-2/relations", {"type": "relates", "issue_key": "web-2"}), 400
    )
    assert body["error"] == "An issue cannot be related to itself"
    body = error_of(
        admin.post("/api/issues/WEB-2/relations", {"type": "relates", "issue_key": "WEB-404"}), 400
    )
    assert (body["error"], body["field"]) == ("No issue WEB-404", "issue_key")


def test_a_circle_of_blocking_issues_is_refused(admin):
    ok(admin.post("/api/issues/WEB-6/relations", {"type": "blocks", "issue_key": "WEB-10"}), 201)
    body = error_of(
        admin.post("/api/issues/WEB-10/relations", {"type": "blocks", "issue_key": "WEB-4"}), 409
    )
    assert body["error"] == "That would make a circle of blocking issues"


def test_removing_a_relation_unblocks_the_issue(admin):
    issue = ok(admin.get("/api/issues/WEB-6"))
    relation = next(r for r in issue["relations"] if r["issue"]["key"] == "WEB-4")
    assert relation["type"] == "blocked_by"
    after = ok(admin.delete(f"/api/issues/WEB-6/relations/{relation['id']}"))
    assert (after["relations"], after["blocked"]) == ([], False)
    last = ok(admin.get("/api/issues/WEB-4/activity"))[-1]
    assert (last["field"], last["from"], last["to"]) == ("relation", "blocks WEB-6", None)
    error_of(admin.delete(f"/api/issues/WEB-6/relations/{relation['id']}"), 404)


def test_a_guest_does_not_see_relations_to_projects_hidden_from_them(api):
    api.login(EVE)
    issue = ok(api.get("/api/issues/WEB-3"))
    assert issue["relations"] == []  # WEB-3 relates to INF-2, which Eve cannot see
