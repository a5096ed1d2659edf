# SWELANCER-CANARY-2f6c1d0e-8b7a-4c39-9e15-5a4d3b2c1f07
"""A workspace keeps at least one admin: its last admin can neither step down nor be removed."""

from playwright.sync_api import expect


def roles(api, workspace_id):
    status, workspace = api.get(f"/api/workspaces/{workspace_id}")
    assert status == 200, workspace
    return {member["id"]: member["role"] for member in workspace["members"]}


def test_last_admin_cannot_step_down_or_leave(api):
    api.login("alice@tally.test")
    for role in ("member", "auditor"):
        status, body = api.patch("/api/workspaces/1/members/1", {"role": role})
        assert status == 400, f"the last admin became {role}: {status} {body}"
        assert "admin" in body["error"].lower(), body
    status, body = api.delete("/api/workspaces/1/members/1")
    assert status == 400, f"the last admin was removed: {status} {body}"
    assert roles(api, 1)[1] == "admin"

    api.login("henri@tally.test")
    status, body = api.patch("/api/workspaces/2/members/8", {"role": "member"})
    assert status == 400, f"Euro Ops lost its only admin: {status} {body}"
    status, body = api.delete("/api/workspaces/2/members/8")
    assert status == 400, f"Euro Ops lost its only admin: {status} {body}"
    assert roles(api, 2)[8] == "admin"


def test_admin_can_step_down_once_there_is_another(api):
    api.login("alice@tally.test")
    status, body = api.patch("/api/workspaces/1/members/2", {"role": "admin"})
    assert status == 200, body
    status, body = api.patch("/api/workspaces/1/members/1", {"role": "member"})
    assert status == 200, body
    assert roles(api, 1)[1] == "member"

    api.login("bob@tally.test")
    status, body = api.delete("/api/workspaces/1/members/2")
    assert status == 400, f"Bob, now the only admin, could leave: {status} {body}"
    status, body = api.delete("/api/workspaces/1/members/4")
    assert status == 200, body
    current = roles(api, 1)
    assert current[2] == "admin" and 4 not in current, current


def test_settings_page_refuses_and_keeps_the_role(login, api):
    page = login("alice@tally.test", path="/w/1/settings")
    select = page.get_by_test_id("member-role-1")
    expect(select).to_have_value("admin")
    select.select_option("member")
    expect(page.get_by_test_id("members-error")).to_contain_text("admin")
    expect(select).to_have_value("admin")
    expect(page.get_by_test_id("save-workspace")).to_be_visible()
    api.login("alice@tally.test")
    assert roles(api, 1)[1] == "admin"
