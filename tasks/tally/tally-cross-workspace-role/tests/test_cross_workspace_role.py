# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""A user's role is the one they have in the workspace at hand; non-members get 404."""

from playwright.sync_api import expect


def test_member_of_one_workspace_admin_of_another(api):
    api.login("alice@tally.test")
    status, workspace = api.get("/api/workspaces/2")
    assert status == 200, workspace
    assert workspace["role"] == "member", workspace["role"]
    assert "workspace.update" not in workspace["permissions"], workspace["permissions"]
    assert "members.manage" not in workspace["permissions"], workspace["permissions"]

    status, body = api.patch("/api/workspaces/2", {"name": "Alice's Ops"})
    assert status == 403, f"a member renamed Euro Ops: {status} {body}"
    status, body = api.post("/api/workspaces/2/members", {"email": "bob@tally.test", "role": "admin"})
    assert status == 403, f"a member added a member: {status} {body}"
    status, body = api.post("/api/workspaces/2/categories", {"name": "Taxis"})
    assert status == 403, f"a member added a category: {status} {body}"
    status, body = api.get("/api/workspaces/2/reports")
    assert status == 200 and body["reports"] == [], f"a member sees others' reports: {body}"
    for report_id in (6, 7):
        status, body = api.get(f"/api/reports/{report_id}")
        assert status == 404, f"report {report_id}: {status} {body}"
    status, body = api.post("/api/reports/7/approve")
    assert status in (403, 404), f"a member approved a report: {status} {body}"

    # still admin where she is admin
    status, body = api.patch("/api/workspaces/1", {"name": "Acme Travel Co"})
    assert status == 200, body
    status, body = api.get("/api/workspaces/1/reports")
    assert status == 200 and len(body["reports"]) == 5, body


def test_non_members_see_nothing(api):
    api.login("bob@tally.test")
    for path in (
        "/api/workspaces/2",
        "/api/workspaces/2/rooms",
        "/api/workspaces/2/reports",
        "/api/rooms/3",
        "/api/rooms/3/messages",
        "/api/reports/6",
    ):
        status, body = api.get(path)
        assert status == 404, f"Bob (not in Euro Ops) GET {path}: {status} {body}"
    status, body = api.post("/api/rooms/3/messages", {"body": "hello"})
    assert status == 404, f"Bob posted in Euro Ops: {status} {body}"

    api.login("henri@tally.test")
    for path in ("/api/workspaces/1", "/api/rooms/1/messages", "/api/reports/3"):
        status, body = api.get(path)
        assert status == 404, f"Henri (not in Acme Travel) GET {path}: {status} {body}"
    status, body = api.post("/api/reports/3/approve")
    assert status == 404, f"Henri approved an Acme Travel report: {status} {body}"
    status, body = api.post("/api/reports/7/approve")
    assert status == 200 and body["status"] == "approved", body


def test_settings_page_is_read_only_for_a_member(login):
    page = login("alice@tally.test", path="/w/2/settings")
    expect(page.get_by_test_id("current-workspace")).to_have_text("Euro Ops")
    expect(page.get_by_test_id("current-role")).to_have_text("Member")
    expect(page.get_by_test_id("receipt-threshold")).to_have_text("€50.00")
    expect(page.get_by_test_id("save-workspace")).to_have_count(0)
    expect(page.get_by_test_id("add-member-submit")).to_have_count(0)
    expect(page.get_by_test_id("add-category")).to_have_count(0)
