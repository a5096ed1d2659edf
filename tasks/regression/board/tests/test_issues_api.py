# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""POST/PATCH/DELETE /api/issues and board moves: defaults, validation, the workflow, blockers,
completed dates, card order, activity and permissions per role."""

from conftest import BEN, CLEO, DAN, EVE, GUS, WEB_BOARD, error_of, keys_of, new_issue, ok


def board_column(client, status, project="WEB"):
    body = ok(client.get(f"/api/projects/{project}/issues?sort=manual&status={status}&limit=200"))
    return keys_of(body)


def test_issue_detail_has_relations_sub_issues_and_permissions(admin):
    issue = ok(admin.get("/api/issues/WEB-1"))
    assert (issue["title"], issue["status"], issue["priority"]) == (
        "Redesign the checkout flow",
        "in_progress",
        "high",
    )
    assert issue["created_by"]["name"] == "Ada Lovelace"
    assert issue["cycle"] == {"id": 2, "name": "Sprint 2", "status": "active"}
    assert [s["key"] for s in issue["sub_issues"]] == ["WEB-8", "WEB-9", "WEB-10"]
    assert (issue["sub_issue_count"], issue["sub_issue_done_count"]) == (3, 1)
    assert [(r["type"], r["issue"]["key"]) for r in issue["relations"]] == [("relates", "WEB-2")]
    assert [label["name"] for label in issue["labels"]] == ["Design", "Feature"]
    assert issue["comment_count"] == 2
    assert (issue["can_edit"], issue["can_delete"]) == (True, True)


def test_new_issue_gets_the_next_key_defaults_and_the_end_of_its_column(api):
    api.login(DAN)
    issue = new_issue(api, title="  Fix   the   footer  ")
    assert issue["key"] == "WEB-18"
    assert issue["title"] == "Fix the footer"
    assert (issue["status"], issue["priority"], issue["assignee"], issue["estimate"]) == (
        "todo",
        "none",
        None,
        None,
    )
    assert issue["created_by"]["name"] == "Dan Okafor"
    assert issue["created_at"] == issue["updated_at"]
    assert issue["subscribed"] is True
    assert board_column(api, "todo") == WEB_BOARD["todo"] + ["WEB-18"]


def test_issue_numbers_are_never_reused_after_a_delete(admin):
    first = new_issue(admin, title="One")
    assert first["key"] == "WEB-18"
    assert ok(admin.delete("/api/issues/WEB-18")) == {"ok": True}
    error_of(admin.get("/api/issues/WEB-18"), 404)
    assert new_issue(admin, title="Two")["key"] == "WEB-19"


def test_create_issue_validates_title_estimate_and_due_date(admin):
    body = error_of(admin.post("/api/projects/WEB/issues", {"title": "   "}), 400)
    assert body["field"] == "title"
    body = error_of(admin.post("/api/projects/WEB/issues", {"title": "x" * 201}), 400)
    assert body["field"] == "title"
    assert new_issue(admin, title="y" * 200)["title"] == "y" * 200
    body = error_of(admin.post("/api/projects/WEB/issues", {"title": "Est", "estimate": 4}), 400)
    assert body["field"] == "estimate"
    body = error_of(
        admin.post("/api/projects/WEB/issues", {"title": "Due", "due_date": "2025-02-30"}), 400
    )
    assert body["field"] == "due_date"
    assert new_issue(admin, title="Thirteen", estimate=13, due_date="2025-02-28")["estimate"] == 13


def test_assignee_must_be_a_non_guest_member_of_the_project(admin):
    body = error_of(admin.post("/api/projects/WEB/issues", {"title": "t", "assignee_id": 5}), 400)
    assert (body["error"], body["field"]) == ("Guests cannot be assigned issues", "assignee_id")
    body = error_of(admin.post("/api/projects/WEB/issues", {"title": "t", "assignee_id": 8}), 400)
    assert (body["error"], body["field"]) == ("Hana Sato is not a member of WEB", "assignee_id")
    body = error_of(admin.patch("/api/issues/WEB-2", {"assignee_id": 99}), 400)
    assert body["field"] == "assignee_id"
    assert ok(admin.get("/api/issues/WEB-2"))["assignee"]["id"] == 3


def test_labels_must_exist_and_parents_must_be_in_the_same_project(admin):
    body = error_of(
        admin.post("/api/projects/WEB/issues", {"title": "t", "label_ids": [1, 42]}), 400
    )
    assert (body["error"], body["field"]) == ("No such label: 42", "label_ids")
    body = error_of(
        admin.post("/api/projects/WEB/issues", {"title": "t", "parent_key": "MOB-1"}), 400
    )
    assert (body["error"], body["field"]) == ("No issue MOB-1 in WEB", "parent_key")
    body = error_of(admin.patch("/api/issues/WEB-1", {"parent_key": "WEB-9"}), 400)
    assert body["field"] == "parent_key"
    error_of(admin.patch("/api/issues/WEB-1", {"parent_key": "WEB-1"}), 400)
    child = new_issue(admin, title="Child", parent_key="WEB-1")
    assert child["parent"]["key"] == "WEB-1"
    assert ok(admin.get("/api/issues/WEB-1"))["sub_issue_count"] == 4


def test_guest_cannot_create_or_change_issues(api):
    api.login(EVE)
    body = error_of(api.post("/api/projects/WEB/issues", {"title": "From a guest"}), 403)
    assert body["error"] == "Guests cannot change issues"
    error_of(api.patch("/api/issues/WEB-2", {"priority": "urgent"}), 403)
    error_of(api.post("/api/issues/WEB-2/move", {"status": "in_progress"}), 403)
    issue = ok(api.get("/api/issues/WEB-2"))
    assert (issue["priority"], issue["can_edit"], issue["can_delete"]) == ("medium", False, False)


def test_each_changed_field_writes_one_activity_entry_with_display_values(api):
    api.login(BEN)
    before = ok(api.get("/api/issues/WEB-2/activity"))
    ok(
        api.patch(
            "/api/issues/WEB-2",
            {
                "priority": "urgent",
                "assignee_id": 4,
                "estimate": 5,
                "label_ids": [6, 1],
                "due_date": "2025-01-20",
                "title": "Checkout button misaligned on Safari",
            },
        )
    )
    entries = ok(api.get("/api/issues/WEB-2/activity"))[len(before) :]
    got = {(e["field"], e["from"], e["to"]) for e in entries}
    assert got == {
        ("priority", "medium", "urgent"),
        ("assignee", "Cleo Park", "Dan Okafor"),
        ("estimate", "2", "5"),
        ("labels", "Bug", "Bug, Security"),
        ("due_date", "2025-01-17", "2025-01-20"),
    }
    assert all(e["actor"]["name"] == "Ben Carter" for e in entries)


def test_patch_with_no_real_change_keeps_updated_at(admin):
    before = ok(admin.get("/api/issues/WEB-2"))
    after = ok(
        admin.patch(
            "/api/issues/WEB-2",
            {"priority": "medium", "title": "Checkout button misaligned on Safari"},
        )
    )
    assert after["updated_at"] == before["updated_at"] == "2025-01-12T18:10:00Z"


def test_done_sets_the_completed_date_and_reopening_clears_it(api, now):
    api.login(CLEO)
    done = ok(api.patch("/api/issues/WEB-2", {"status": "done"}))
    assert done["status"] == "done"
    assert done["completed_at"] is not None and done["completed_at"].startswith(
        now().strftime("%Y-%m-%dT")
    )
    assert done["completed_at"] == done["updated_at"]
    reopened = ok(api.patch("/api/issues/WEB-2", {"status": "todo"}))
    assert reopened["completed_at"] is None


def test_a_move_outside_the_workflow_is_a_409(admin):
    body = error_of(admin.patch("/api/issues/WEB-8", {"status": "in_progress"}), 409)
    assert (body["error"], body["field"]) == (
        "WEB-8 cannot move from Done to In Progress",
        "status",
    )
    body = error_of(admin.post("/api/issues/WEB-7/move", {"status": "in_review"}), 409)
    assert body["error"] == "WEB-7 cannot move from Backlog to In Review"
    assert ok(admin.get("/api/issues/WEB-7"))["status"] == "backlog"


def test_a_blocked_issue_cannot_start_until_its_blocker_is_done(admin):
    body = error_of(admin.post("/api/issues/WEB-6/move", {"status": "in_progress"}), 409)
    assert body["error"] == "WEB-6 is blocked by WEB-4"
    assert ok(admin.get("/api/issues/WEB-6"))["blocked"] is True
    ok(admin.patch("/api/issues/WEB-4", {"status": "done"}))
    assert ok(admin.get("/api/issues/WEB-6"))["blocked"] is False
    assert (
        ok(admin.post("/api/issues/WEB-6/move", {"status": "in_progress"}))["status"]
        == "in_progress"
    )


def test_a_status_change_puts_the_card_at_the_end_of_its_new_column(admin):
    ok(admin.patch("/api/issues/WEB-7", {"status": "todo"}))
    assert board_column(admin, "todo") == WEB_BOARD["todo"] + ["WEB-7"]
    assert board_column(admin, "backlog") == ["WEB-12", "WEB-16"]


def test_board_move_places_the_card_before_or_after_a_neighbour(admin):
    moved = ok(admin.post("/api/issues/WEB-11/move", {"status": "in_progress", "before": "WEB-3"}))
    assert moved["status"] == "in_progress"
    assert board_column(admin, "in_progress") == ["WEB-1", "WEB-11", "WEB-3", "WEB-9"]
    ok(admin.post("/api/issues/WEB-2/move", {"status": "todo", "after": "WEB-17"}))
    assert board_column(admin, "todo") == ["WEB-5", "WEB-6", "WEB-10", "WEB-13", "WEB-17", "WEB-2"]


def test_board_move_rejects_a_neighbour_from_another_column_or_both_anchors(admin):
    body = error_of(
        admin.post("/api/issues/WEB-2/move", {"status": "todo", "before": "WEB-1"}), 400
    )
    assert (body["error"], body["field"]) == ("WEB-1 is not in that column", "before")
    body = error_of(
        admin.post(
            "/api/issues/WEB-2/move", {"status": "todo", "before": "WEB-5", "after": "WEB-6"}
        ),
        400,
    )
    assert body["field"] == "before"
    assert board_column(admin, "todo") == WEB_BOARD["todo"]


def test_only_the_creator_the_lead_or_an_admin_may_delete_an_issue(api_as):
    gus = api_as(GUS)
    body = error_of(gus.delete("/api/issues/WEB-2"), 403)
    assert body["error"] == "Only the creator, the project lead or an admin can delete an issue"
    assert ok(gus.delete("/api/issues/WEB-11")) == {"ok": True}  # Gus created WEB-11
    ben = api_as(BEN)  # the lead of WEB
    assert ok(ben.delete("/api/issues/WEB-13")) == {"ok": True}
    error_of(ben.get("/api/issues/WEB-13"), 404)


def test_deleting_a_parent_detaches_its_sub_issues(admin):
    ok(admin.delete("/api/issues/WEB-1"))
    child = ok(admin.get("/api/issues/WEB-9"))
    assert child["parent"] is None
    last = ok(admin.get("/api/issues/WEB-9/activity"))[-1]
    assert (last["field"], last["from"], last["to"]) == ("parent", "WEB-1", None)


def test_an_unknown_issue_key_is_a_404(admin):
    body = error_of(admin.get("/api/issues/WEB-999"), 404)
    assert body["error"] == "Issue WEB-999 not found"
    error_of(admin.get("/api/issues/nonsense"), 404)
    error_of(admin.patch("/api/issues/WEB-999", {"priority": "low"}), 404)


def test_subscription_can_be_followed_and_unfollowed(api):
    api.login(DAN)
    assert ok(api.get("/api/issues/WEB-2"))["subscribed"] is False
    assert ok(api.post("/api/issues/WEB-2/subscription")) == {"subscribed": True}
    assert ok(api.get("/api/issues/WEB-2"))["subscribed"] is True
    assert ok(api.delete("/api/issues/WEB-2/subscription")) == {"subscribed": False}
    assert ok(api.get("/api/issues/WEB-2"))["subscribed"] is False
