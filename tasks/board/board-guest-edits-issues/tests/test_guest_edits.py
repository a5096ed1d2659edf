# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""Guests read and comment on the projects they were added to but may not change an issue's
fields: every field of PATCH /api/issues/:key answers 403 and changes nothing. Members of the
project and admins still edit; others keep their 403, 404 and 409 answers."""

from playwright.sync_api import expect

NEXT_STATUS = {"backlog": "todo", "todo": "in_progress", "in_progress": "in_review", "in_review": "done", "done": "todo", "canceled": "todo"}


def _changes_for(issue):
    """One body per field, each a valid change of that field for `issue`."""
    return [
        {"title": issue["title"] + " (urgent!!)"},
        {"description": "Please fix this first, it is blocking us."},
        {"status": NEXT_STATUS[issue["status"]]},
        {"priority": "urgent" if issue["priority"] != "urgent" else "low"},
        {"estimate": 1 if issue.get("estimate") != 1 else 2},
        {"due_date": "2025-01-16" if issue.get("due_date") != "2025-01-16" else "2025-01-17"},
        {"label_ids": [6] if [label["id"] for label in issue["labels"]] != [6] else [7]},
        {"assignee_id": None if issue.get("assignee") else 2},
        {"cycle_id": 3 if (issue.get("cycle") or {}).get("id") != 3 else None},
        {"parent_key": "WEB-1" if issue["key"] != "WEB-1" and (issue.get("parent") or {}).get("key") != "WEB-1" else None},
    ]


def _snapshot(api, key):
    status, issue = api.get(f"/api/issues/{key}")
    assert status == 200, issue
    status, activity = api.get(f"/api/issues/{key}/activity")
    assert status == 200, activity
    return issue, activity


def test_guest_cannot_change_any_field_through_the_api(api):
    for key in ("WEB-2", "WEB-13"):
        api.login("ada@board.test")
        before, activity_before = _snapshot(api, key)
        api.login("eve@board.test")
        for body in _changes_for(before):
            status, answer = api.patch(f"/api/issues/{key}", body)
            assert status == 403, f"PATCH /api/issues/{key} {body} as the guest Eve answered {status} ({answer}), expected 403"
        api.login("ada@board.test")
        after, activity_after = _snapshot(api, key)
        for field in ("title", "description", "status", "priority", "estimate", "due_date", "labels", "assignee", "cycle", "parent", "updated_at"):
            assert after[field] == before[field], f"{key}.{field} changed after the guest's refused edits: {before[field]!r} -> {after[field]!r}"
        assert activity_after == activity_before, f"{key}'s history gained entries from the guest's refused edits: {activity_after[len(activity_before):]}"


def test_guest_sees_issue_read_only_and_can_still_comment(login, api):
    page = login("eve@board.test", path="/issues/WEB-2")
    expect(page.get_by_test_id("issue-properties")).to_be_visible()
    expect(page.get_by_test_id("issue-status")).to_be_disabled()
    expect(page.get_by_test_id("issue-priority")).to_be_disabled()
    api.login("eve@board.test")
    status, issue = api.get("/api/issues/WEB-2")
    assert status == 200 and issue["can_edit"] is False, f"GET /api/issues/WEB-2 as the guest: {status} {issue}"
    status, comment = api.post("/api/issues/WEB-2/comments", {"body": "Still happening on Safari 17.3."})
    assert status == 201, f"the guest could not comment on WEB-2 any more: {status} {comment}"
    status, answer = api.patch("/api/issues/MOB-1", {"priority": "urgent"})
    assert status == 404, f"PATCH /api/issues/MOB-1 as a guest outside Mobile answered {status} ({answer}), expected 404 as for reading it"


def test_members_and_admins_still_edit(api):
    api.login("ben@board.test")
    status, issue = api.patch("/api/issues/WEB-2", {"priority": "urgent", "estimate": 3})
    assert status == 200, f"Ben (member of WEB) could not edit WEB-2: {status} {issue}"
    assert (issue["priority"], issue["estimate"]) == ("urgent", 3), f"Ben's edit of WEB-2 was not applied: {issue}"

    api.login("hana@board.test")
    status, answer = api.patch("/api/issues/WEB-2", {"priority": "low"})
    assert status == 403, f"Hana (member, not in WEB) editing WEB-2 answered {status} ({answer}), expected 403"

    api.login("ada@board.test")
    status, issue = api.patch("/api/issues/INF-1", {"title": "Admins edit every project"})
    assert status == 200 and issue["title"] == "Admins edit every project", f"the admin could not edit INF-1: {status} {issue}"
    status, project = api.patch("/api/projects/INF", {"archived": True})
    assert status == 200, project
    status, answer = api.patch("/api/issues/INF-1", {"title": "Archived projects are read-only"})
    assert status == 409, f"editing an issue of an archived project answered {status} ({answer}), expected 409"
    api.login("dan@board.test")
    status, answer = api.patch("/api/issues/INF-1", {"priority": "low"})
    assert status == 409, f"the lead editing an issue of an archived project answered {status} ({answer}), expected 409"
